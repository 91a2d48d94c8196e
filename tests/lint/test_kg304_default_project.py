"""KG304 default-project."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: eu-west-1\n"


def app(project_line):
    return ("apiVersion: argoproj.io/v1alpha1\n"
            "kind: Application\n"
            "metadata:\n"
            "  name: platform-dev\n"
            "  namespace: argocd\n"
            "spec:\n"
            "%s"
            "  source:\n"
            "    repoURL: https://git.example.com/platform/infra.git\n"
            "    targetRevision: HEAD\n"
            "    path: overlays/dev\n"
            "  destination:\n"
            "    server: https://kubernetes.default.svc\n" % project_line)


def tree(text):
    return {
        "overlays/dev/kustomization.yaml": "resources:\n  - cm.yaml\n",
        "overlays/dev/cm.yaml": CM,
        "argocd/kustomization.yaml": "resources:\n  - dev.yaml\n",
        "argocd/dev.yaml": text,
    }


def run(d, files):
    return lint_tree(d, files, select=["KG304"])


def test_default_project(tmp_path):
    res = run(tmp_path, tree(app("  project: default\n")))
    assert where(res, "KG304", tmp_path) == [("argocd/dev.yaml", 7)]
    assert "AppProject" in messages(res, "KG304")[0]


def test_no_project(tmp_path):
    res = run(tmp_path, tree(app("")))
    assert where(res, "KG304", tmp_path) == [("argocd/dev.yaml", 6)]
    assert "sets no project" in messages(res, "KG304")[0]


def test_own_project_and_templated(tmp_path):
    assert where(run(tmp_path, tree(app("  project: platform\n"))), "KG304", tmp_path) == []
    d = tmp_path / "t"
    assert where(run(d, tree(app("  project: '{{project}}'\n"))), "KG304", d) == []


def test_plain_manifest_and_environment_severity(tmp_path):
    files = tree(app("  project: default\n"))
    files["kustgen.yaml"] = ("apiVersion: kustgen.dev/v1alpha1\nkind: Config\n"
                             "environments:\n  - name: dev\n"
                             "rules:\n  KG304:\n    severity:\n      dev: error\n")
    res = run(tmp_path, files)
    [f] = [f for f in res.findings if f.rule == "KG304"]
    assert str(f.severity) == "error"       # the Application's environment: dev
    d = tmp_path / "plain"
    res = lint_tree(d, {"app.yaml": app("  project: default\n")}, paths=["app.yaml"],
                    select=["KG304"])
    assert where(res, "KG304", d) == [("app.yaml", 7)]


def test_applications_of_other_repositories_only_with_the_option(tmp_path):
    other = app("  project: default\n").replace(
        "https://git.example.com/platform/infra.git",
        "https://github.com/argoproj/argocd-example-apps.git").replace(
        "path: overlays/dev", "path: guestbook")
    files = tree(other)
    files["kustgen.yaml"] = ("apiVersion: kustgen.dev/v1alpha1\nkind: Config\n"
                             "repoURL: https://git.example.com/platform/infra.git\n"
                             "environments:\n  - name: dev\n")
    assert where(run(tmp_path, files), "KG304", tmp_path) == []
    files["kustgen.yaml"] += "rules:\n  KG304:\n    options: {allApplications: true}\n"
    assert where(run(tmp_path, files), "KG304", tmp_path) == [("argocd/dev.yaml", 7)]
    # this repository's URL, no environment (a root app of apps): checked
    files["argocd/dev.yaml"] = other.replace(
        "https://github.com/argoproj/argocd-example-apps.git",
        "git@git.example.com:platform/infra.git")
    files["kustgen.yaml"] = files["kustgen.yaml"].split("rules:")[0]
    assert where(run(tmp_path, files), "KG304", tmp_path) == [("argocd/dev.yaml", 7)]
