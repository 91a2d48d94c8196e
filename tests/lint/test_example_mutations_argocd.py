"""The Argo CD rules (KG30x) on the example repository with the Argo CD manifests
`kustgen init` writes (the project and one Application per environment, prod synced by
hand): clean as generated; each rule fires at the exact line of one realistic edit."""

from __future__ import annotations

import os

import yaml

from conftest import copy_example
from lintkit import lint_tree, messages, where

RULES = ["KG301", "KG302", "KG303", "KG304"]
REPO_URL = "https://git.example.com/platform/infra.git"   # the example's kustgen.yaml


def with_argocd(dst):
    from kustgen.scaffold.argocd import app_project, application
    root = copy_example(dst)
    apps = os.path.join(str(root), "argocd", "apps")
    os.makedirs(apps)
    docs = {"project.yaml": app_project("platform", REPO_URL,
                                        [("https://kubernetes.default.svc", "*")])}
    for env in ("dev", "staging", "prod"):
        docs["%s.yaml" % env] = application(
            "platform-%s" % env, repo_url=REPO_URL, path="overlays/%s" % env,
            project="platform", automated=env != "prod",
            labels={"platform.example.org/environment": env})
    for name, obj in docs.items():
        with open(os.path.join(apps, name), "w") as fh:
            yaml.safe_dump(obj, fh, sort_keys=False)
    with open(os.path.join(apps, "kustomization.yaml"), "w") as fh:
        fh.write("resources:\n" + "".join("  - %s\n" % n for n in docs))
    return root


def edit(root, rel, old, new):
    p = os.path.join(str(root), rel)
    with open(p) as fh:
        text = fh.read()
    assert old in text, (rel, old, text)
    text = text.replace(old, new, 1)
    with open(p, "w") as fh:
        fh.write(text)
    return text


def line_of(text, needle):
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_generated_argocd_manifests_are_clean(tmp_path):
    root = with_argocd(tmp_path / "repo")
    res = lint_tree(root, select=RULES)
    assert res.render_errors == 0
    assert "argocd/apps" in res.overlays
    assert [f for f in res.findings if f.rule in RULES] == []


def test_kg301_prod_switched_to_automated_sync_on_main(tmp_path):
    root = with_argocd(tmp_path / "repo")
    edit(root, "argocd/apps/prod.yaml", "  syncPolicy:\n",
         "  syncPolicy:\n    automated:\n      selfHeal: true\n")
    text = edit(root, "argocd/apps/prod.yaml", "targetRevision: HEAD", "targetRevision: main")
    res = lint_tree(root, select=["KG301"])
    assert where(res, "KG301", root) == [("argocd/apps/prod.yaml",
                                          line_of(text, "targetRevision: main"))]


def test_kg302_prod_automated_with_prune(tmp_path):
    root = with_argocd(tmp_path / "repo")
    edit(root, "argocd/apps/prod.yaml", "targetRevision: HEAD", "targetRevision: v2.3.0")
    text = edit(root, "argocd/apps/prod.yaml", "  syncPolicy:\n",
                "  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n")
    res = lint_tree(root, select=["KG302"])
    assert where(res, "KG302", root) == [("argocd/apps/prod.yaml",
                                          line_of(text, "prune: true"))]
    assert "platform-prod" in messages(res, "KG302")[0]


def test_kg303_finalizer_removed_from_staging(tmp_path):
    root = with_argocd(tmp_path / "repo")
    text = edit(root, "argocd/apps/staging.yaml",
                "  finalizers:\n  - resources-finalizer.argocd.argoproj.io\n", "")
    res = lint_tree(root, select=["KG303"])
    assert where(res, "KG303", root) == [("argocd/apps/staging.yaml",
                                          line_of(text, "metadata:"))]


def test_kg304_dev_moved_to_default_project(tmp_path):
    root = with_argocd(tmp_path / "repo")
    text = edit(root, "argocd/apps/dev.yaml", "project: platform", "project: default")
    res = lint_tree(root, select=["KG304"])
    assert where(res, "KG304", root) == [("argocd/apps/dev.yaml",
                                          line_of(text, "project: default"))]
