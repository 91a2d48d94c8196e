"""KG302 prune-without-guard."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

CONFIG = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
  - name: prod
    protected: true
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: eu-west-1\n"


def app(env, automated):
    return ("apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: platform-%s\n"
            "  namespace: argocd\n"
            "spec:\n"
            "  project: platform\n"
            "  source:\n"
            "    repoURL: https://git.example.com/platform/infra.git\n"
            "    targetRevision: v1.0.0\n"
            "    path: overlays/%s\n"
            "  destination:\n"
            "    server: https://kubernetes.default.svc\n"
            "  syncPolicy:\n"
            "%s" % (env, env, automated))


PRUNE = "    automated:\n      prune: true\n      selfHeal: true\n"


def tree(prod, dev=None, config=CONFIG):
    return {
        "kustgen.yaml": config,
        "overlays/dev/kustomization.yaml": "resources:\n  - cm.yaml\n",
        "overlays/dev/cm.yaml": CM,
        "overlays/prod/kustomization.yaml": "resources:\n  - cm.yaml\n",
        "overlays/prod/cm.yaml": CM,
        "argocd/kustomization.yaml": "resources:\n  - prod.yaml\n  - dev.yaml\n",
        "argocd/prod.yaml": app("prod", prod),
        "argocd/dev.yaml": app("dev", dev or PRUNE),
    }


def run(d, files):
    return lint_tree(d, files, select=["KG302"])


def test_prune_in_prod_fires_not_in_dev(tmp_path):
    res = run(tmp_path, tree(PRUNE))
    assert where(res, "KG302", tmp_path) == [("argocd/prod.yaml", 16)]
    m = messages(res, "KG302")[0]
    assert "prod" in m and "manual sync" in m and "allowEmpty: false" in m
    assert "cloud resources" in m


def test_explicit_allow_empty_false_is_a_guard(tmp_path):
    res = run(tmp_path, tree(PRUNE + "      allowEmpty: false\n"))
    assert where(res, "KG302", tmp_path) == []


def test_allow_empty_true_is_worse(tmp_path):
    res = run(tmp_path, tree(PRUNE + "      allowEmpty: true\n"))
    assert where(res, "KG302", tmp_path) == [("argocd/prod.yaml", 16)]
    assert "empty render deletes everything" in messages(res, "KG302")[0]


def test_manual_and_no_prune_are_fine(tmp_path):
    assert where(run(tmp_path, tree("    syncOptions:\n      - ServerSideApply=true\n")),
                 "KG302", tmp_path) == []
    d = tmp_path / "b"
    assert where(run(d, tree("    automated:\n      prune: false\n")), "KG302", d) == []
    d = tmp_path / "c"     # Argo CD 3: automated but disabled
    assert where(run(d, tree(PRUNE + "      enabled: false\n")), "KG302", d) == []


def test_environment_setting_extends_scope(tmp_path):
    cfg = CONFIG + "rules:\n  KG302:\n    environments: [all]\n"
    res = run(tmp_path, tree(PRUNE, config=cfg))
    assert where(res, "KG302", tmp_path) == [("argocd/dev.yaml", 16), ("argocd/prod.yaml", 16)]
