"""KG303 missing-resources-finalizer."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

CONFIG = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
    local: true
  - name: staging
  - name: prod
    protected: true
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: eu-west-1\n"


def app(name, path, finalizers=""):
    return ("apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: %s\n"
            "  namespace: argocd\n"
            "%s"
            "spec:\n"
            "  project: platform\n"
            "  source:\n"
            "    repoURL: https://git.example.com/platform/infra.git\n"
            "    targetRevision: HEAD\n"
            "    path: %s\n"
            "  destination:\n"
            "    server: https://kubernetes.default.svc\n" % (name, finalizers, path))


def tree(apps: dict, config=CONFIG):
    t = {"kustgen.yaml": config}
    for env in ("dev", "staging", "prod"):
        t["overlays/%s/kustomization.yaml" % env] = "resources:\n  - cm.yaml\n"
        t["overlays/%s/cm.yaml" % env] = CM
    t["argocd/apps/kustomization.yaml"] = "resources:\n" + "".join(
        "  - %s\n" % f for f in apps)
    for f, text in apps.items():
        t["argocd/apps/" + f] = text
    return t


def run(d, files):
    return lint_tree(d, files, select=["KG303"])


def test_unprotected_apps_without_finalizer(tmp_path):
    res = run(tmp_path, tree({
        "dev.yaml": app("platform-dev", "overlays/dev"),
        "staging.yaml": app("platform-staging", "overlays/staging"),
        "prod.yaml": app("platform-prod", "overlays/prod"),       # protected: not checked
        "root.yaml": app("platform-apps", "argocd/apps"),          # app of apps: skipped
    }))
    assert where(res, "KG303", tmp_path) == [("argocd/apps/dev.yaml", 3),
                                             ("argocd/apps/staging.yaml", 3)]
    assert any("platform-staging" in m and "orphaned" in m for m in messages(res, "KG303"))


def test_finalizer_variants_accepted(tmp_path):
    fins = ["resources-finalizer.argocd.argoproj.io",
            "resources-finalizer.argocd.argoproj.io/background",
            "resources-finalizer.argocd.argoproj.io/foreground"]
    for i, f in enumerate(fins):
        d = tmp_path / str(i)
        res = run(d, tree({"staging.yaml": app("platform-staging", "overlays/staging",
                                               "  finalizers:\n    - %s\n" % f)}))
        assert where(res, "KG303", d) == [], f


def test_other_finalizer_points_at_finalizers(tmp_path):
    res = run(tmp_path, tree({"staging.yaml": app(
        "platform-staging", "overlays/staging", "  finalizers:\n    - example.com/keep\n")}))
    assert where(res, "KG303", tmp_path) == [("argocd/apps/staging.yaml", 6)]


def test_protected_by_setting(tmp_path):
    cfg = CONFIG + "rules:\n  KG303:\n    environments: [all]\n"
    res = run(tmp_path, tree({"prod.yaml": app("platform-prod", "overlays/prod")}, cfg))
    assert where(res, "KG303", tmp_path) == [("argocd/apps/prod.yaml", 3)]


def test_application_inside_an_environment_overlay(tmp_path):
    files = tree({})
    files["overlays/staging/kustomization.yaml"] = "resources:\n  - cm.yaml\n  - addons.yaml\n"
    files["overlays/staging/addons.yaml"] = app("staging-addons", "addons/staging")
    files["argocd/apps/kustomization.yaml"] = "resources: []\n"
    res = run(tmp_path, files)
    assert where(res, "KG303", tmp_path) == [("overlays/staging/addons.yaml", 3)]


def test_applicationset_template(tmp_path):
    appset = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
  template:
    metadata:
      name: 'platform-{{env}}'
    spec:
      project: platform
      source:
        repoURL: https://git.example.com/platform/infra.git
        targetRevision: HEAD
        path: 'overlays/{{env}}'
      destination:
        server: https://kubernetes.default.svc
"""
    res = run(tmp_path, tree({"appset.yaml": appset}))
    assert where(res, "KG303", tmp_path) == [("argocd/apps/appset.yaml", 12)]
