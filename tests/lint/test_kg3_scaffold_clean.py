"""What `kustgen init` writes lints clean under the Argo CD (KG30x) and general (KG40x)
rules: the app-of-apps root, the AppProject, one Application per environment (prod
synced by hand) and the overlays."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO
from lintkit import lint_tree, where

RULES = ["KG301", "KG302", "KG303", "KG304", "KG401", "KG402"]


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


@pytest.fixture
def scaffolded(tmp_path):
    root = tmp_path / "infra"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "https://git.example.com/team/infra.git")
    p = subprocess.run([sys.executable, "-m", "kustgen", "init", "--envs", "dev,staging,prod"],
                       cwd=root, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1"))
    assert p.returncode == 0, p.stdout + p.stderr
    return root


def test_generated_repo_is_clean(scaffolded):
    res = lint_tree(scaffolded, select=RULES)
    assert res.render_errors == 0
    assert "argocd/apps" in res.overlays          # the Applications are linted
    assert [(f.rule, str(f.origin), f.message) for f in res.findings] == []


def test_generated_argocd_files_are_clean_as_manifests(scaffolded):
    # the app-of-apps root is no kustomization's resource: lint it (and the rest) as files
    files = ["argocd/root.yaml"] + ["argocd/apps/%s.yaml" % n for n in
                                    ("project", "dev", "staging", "prod")]
    res = lint_tree(scaffolded, paths=files, select=RULES)
    assert [(f.rule, str(f.origin), f.message) for f in res.findings] == []


def test_prod_follows_head_with_manual_sync(scaffolded):
    """The prod Application follows HEAD but is synced by hand, which KG301 accepts by
    default (allowManualSync); with the option off it is reported."""
    with open(os.path.join(str(scaffolded), "kustgen.yaml"), "a") as fh:
        fh.write("rules:\n  KG301:\n    options:\n      allowManualSync: false\n")
    res = lint_tree(scaffolded, select=["KG301"])
    assert where(res, "KG301", scaffolded) == [("argocd/apps/prod.yaml", 15)]
