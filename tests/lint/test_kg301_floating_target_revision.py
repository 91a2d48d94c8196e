"""KG301 floating-target-revision."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

CONFIG = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
repoURL: https://git.example.com/platform/infra.git
environments:
  - name: dev
  - name: prod
    protected: true
"""
BUCKET = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
spec:
  forProvider:
    region: eu-west-1
"""


def app(env, rev_line="    targetRevision: main\n", sync="automated"):
    sp = ("  syncPolicy:\n    automated:\n      selfHeal: true\n" if sync == "automated"
          else "  syncPolicy:\n    syncOptions:\n      - ServerSideApply=true\n")
    return ("apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: platform-%s\n"
            "  namespace: argocd\n"
            "spec:\n"
            "  project: platform\n"
            "  source:\n"
            "    repoURL: https://git.example.com/platform/infra.git\n"
            "%s"
            "    path: overlays/%s\n"
            "  destination:\n"
            "    server: https://kubernetes.default.svc\n"
            "%s" % (env, rev_line, env, sp))


def tree(prod_app, dev_app=None, config=CONFIG):
    t = {
        "kustgen.yaml": config,
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": BUCKET,
        "argocd/apps/kustomization.yaml": "resources:\n  - prod.yaml\n  - dev.yaml\n",
        "argocd/apps/prod.yaml": prod_app,
        "argocd/apps/dev.yaml": dev_app or app("dev"),
    }
    if config is None:
        del t["kustgen.yaml"]
    return t


def run(tmp_path, files):
    return lint_tree(tmp_path, files, select=["KG301"])


def test_branch_in_prod_fires_at_target_revision(tmp_path):
    res = run(tmp_path, tree(app("prod")))
    # dev follows main too: not protected, not reported
    assert where(res, "KG301", tmp_path) == [("argocd/apps/prod.yaml", 10)]
    m = messages(res, "KG301")[0]
    assert "platform-prod" in m and "prod" in m and "'main'" in m and "pin" in m


def test_head_and_absent_revision(tmp_path):
    res = run(tmp_path, tree(app("prod", "    targetRevision: HEAD\n")))
    assert where(res, "KG301", tmp_path) == [("argocd/apps/prod.yaml", 10)]
    res = run(tmp_path / "b", tree(app("prod", "")))
    # absent: the source line
    assert where(res, "KG301", tmp_path / "b") == [("argocd/apps/prod.yaml", 8)]
    assert "no targetRevision" in messages(res, "KG301")[0]


def test_sha_and_tags_are_pinned(tmp_path):
    for i, rev in enumerate(["0123456789abcdef0123456789abcdef01234567", "v1.4.2", "1.4.2",
                             "refs/tags/v2.0.0", "v1.4.2-rc.1"]):
        d = tmp_path / str(i)
        res = run(d, tree(app("prod", "    targetRevision: %s\n" % rev)))
        assert where(res, "KG301", d) == [], rev


def test_release_branch_floats(tmp_path):
    res = run(tmp_path, tree(app("prod", "    targetRevision: release/2025\n")))
    assert where(res, "KG301", tmp_path) == [("argocd/apps/prod.yaml", 10)]


def test_manual_sync_allowed_by_default_not_with_option(tmp_path):
    files = tree(app("prod", "    targetRevision: HEAD\n", sync="manual"))
    assert where(run(tmp_path, files), "KG301", tmp_path) == []
    strict = CONFIG + "rules:\n  KG301:\n    options:\n      allowManualSync: false\n"
    d = tmp_path / "strict"
    res = run(d, tree(app("prod", "    targetRevision: HEAD\n", sync="manual"),
                      config=strict))
    assert where(res, "KG301", d) == [("argocd/apps/prod.yaml", 10)]


def test_pinned_patterns_option(tmp_path):
    files = tree(app("prod", "    targetRevision: release-2025-06\n"))
    assert where(run(tmp_path, files), "KG301", tmp_path) == [("argocd/apps/prod.yaml", 10)]
    cfg = CONFIG + ("rules:\n  KG301:\n    options:\n"
                    "      pinnedPatterns: ['^release-\\d{4}-\\d{2}$']\n")
    d = tmp_path / "opt"
    assert where(run(d, tree(app("prod", "    targetRevision: release-2025-06\n"),
                             config=cfg)), "KG301", d) == []


def test_environment_scope(tmp_path):
    # only prod is protected; without kustgen.yaml prod is protected by default too
    res = run(tmp_path, tree(app("prod"), config=None))
    assert where(res, "KG301", tmp_path) == [("argocd/apps/prod.yaml", 10)]
    cfg = CONFIG.replace("    protected: true\n", "")     # nobody marked: prod by name
    d = tmp_path / "b"
    assert where(run(d, tree(app("prod"), config=cfg)), "KG301", d) == [
        ("argocd/apps/prod.yaml", 10)]
    cfg2 = CONFIG.replace("  - name: dev\n", "  - name: dev\n    protected: true\n").replace(
        "  - name: prod\n    protected: true\n", "  - name: prod\n")
    d2 = tmp_path / "c"
    assert where(run(d2, tree(app("prod"), config=cfg2)), "KG301", d2) == [
        ("argocd/apps/dev.yaml", 10)]


def test_other_repository_is_not_an_environment(tmp_path):
    other = app("prod").replace("platform/infra.git", "other/apps.git")
    assert where(run(tmp_path, tree(other)), "KG301", tmp_path) == []


def test_helm_chart_versions(tmp_path):
    def chart(version):
        old = ("  source:\n"
               "    repoURL: https://git.example.com/platform/infra.git\n"
               "    targetRevision: v1.0.0\n"
               "    path: overlays/prod\n")
        text = app("prod", "    targetRevision: v1.0.0\n")
        assert old in text
        return text.replace(old, "  sources:\n"
                            "    - repoURL: https://charts.example.com\n"
                            "      chart: observability\n"
                            "      targetRevision: '%s'\n"
                            "    - repoURL: https://git.example.com/platform/infra.git\n"
                            "      targetRevision: v1.0.0\n"
                            "      path: overlays/prod\n" % version)
    for i, v in enumerate(["*", "^1.2.0", "~1.2.0", ">=1.0.0", "1.x", "latest"]):
        d = tmp_path / str(i)
        assert where(run(d, tree(chart(v))), "KG301", d) == [("argocd/apps/prod.yaml", 11)], v
    d = tmp_path / "exact"
    assert where(run(d, tree(chart("1.2.3"))), "KG301", d) == []


def test_applicationset_list_generator(tmp_path):
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
          - env: dev
            revision: main
          - env: prod
            revision: main
  template:
    metadata:
      name: 'platform-{{env}}'
    spec:
      project: platform
      source:
        repoURL: https://git.example.com/platform/infra.git
        targetRevision: '{{revision}}'
        path: 'overlays/{{env}}'
      destination:
        server: https://kubernetes.default.svc
      syncPolicy:
        automated: {}
"""
    files = tree(app("prod", "    targetRevision: v1.0.0\n"))
    files["argocd/apps/kustomization.yaml"] = "resources:\n  - prod.yaml\n  - appset.yaml\n"
    files["argocd/apps/appset.yaml"] = appset
    res = run(tmp_path, files)
    assert where(res, "KG301", tmp_path) == [("argocd/apps/appset.yaml", 21)]
    assert "environment prod" in messages(res, "KG301")[0]
    pinned = appset.replace("          - env: prod\n            revision: main",
                            "          - env: prod\n            revision: v1.2.0")
    files["argocd/apps/appset.yaml"] = pinned
    d = tmp_path / "pinned"
    assert where(run(d, files), "KG301", d) == []


def test_applicationset_git_directories(tmp_path):
    appset = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://git.example.com/platform/infra.git
        revision: HEAD
        directories:
          - path: overlays/*
  template:
    metadata:
      name: 'platform-{{path.basename}}'
    spec:
      project: platform
      source:
        repoURL: https://git.example.com/platform/infra.git
        targetRevision: HEAD
        path: '{{path}}'
      destination:
        server: https://kubernetes.default.svc
      syncPolicy:
        automated:
          selfHeal: true
"""
    files = tree(app("prod", "    targetRevision: v1.0.0\n"))
    files["argocd/apps/kustomization.yaml"] = "resources:\n  - appset.yaml\n"
    files["argocd/apps/appset.yaml"] = appset
    res = run(tmp_path, files)
    assert where(res, "KG301", tmp_path) == [("argocd/apps/appset.yaml", 20)]


def test_application_inside_the_prod_overlay(tmp_path):
    # not an environment's folder: the Application's environment is the overlay's own
    files = tree(app("prod", "    targetRevision: v1.0.0\n"))
    addons = app("prod").replace("platform-prod", "prod-addons").replace(
        "path: overlays/prod", "path: addons/prod")
    files["overlays/prod/kustomization.yaml"] = "resources:\n  - bucket.yaml\n  - addons.yaml\n"
    files["overlays/prod/addons.yaml"] = addons
    res = run(tmp_path, files)
    assert where(res, "KG301", tmp_path) == [("overlays/prod/addons.yaml", 10)]
