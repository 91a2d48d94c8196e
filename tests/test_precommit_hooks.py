"""The hooks of .pre-commit-hooks.yaml through the real pre-commit framework.

pre-commit installs this repository into a virtualenv of its own (`pip install .`,
language: python) once per module (PRE_COMMIT_HOME is shared by the tests here).
`pre-commit try-repo` only sees tracked files of a dirty repository, so the hook repo is a
snapshot of this working tree (tracked and untracked files) committed in a temp folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import REPO, copy_example

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None,
                                reason="pre-commit is not installed")


def _git(cwd, *args, check=True):
    return subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
                          + list(args), cwd=cwd, check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """(snapshot of this repository as a git repo, its HEAD sha, PRE_COMMIT_HOME)."""
    snap = tmp_path_factory.mktemp("hookrepo")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=REPO, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split("\0")
    for f in files:
        src = os.path.join(REPO, f)
        if f and os.path.isfile(src):
            os.makedirs(os.path.join(snap, os.path.dirname(f)), exist_ok=True)
            shutil.copy2(src, os.path.join(snap, f))
    _git(snap, "init", "-q")
    _git(snap, "add", "-A")
    _git(snap, "commit", "-qm", "snapshot")
    sha = _git(snap, "rev-parse", "HEAD").stdout.strip()
    home = tmp_path_factory.mktemp("pre-commit-home")
    return str(snap), sha, str(home)


@pytest.fixture
def work(tmp_path, hook_repo):
    """A git repository holding a copy of the example, with the hooks configured."""
    snap, sha, home = hook_repo
    repo = copy_example(tmp_path / "infra")
    (repo / "README.md").write_text("infra\n")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: kustgen-validate\n"
        "        verbose: true\n" % (snap, sha))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    env = dict(os.environ, PRE_COMMIT_HOME=home)
    env.pop("KUSTGEN_DEBUG", None)
    return repo, env


def _pc(repo, env, *args):
    return subprocess.run(["pre-commit"] + list(args), cwd=repo, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


def _validated(out: str) -> list[str]:
    line = next(ln for ln in out.splitlines() if "kustgen: validating " in ln)
    return line.split("kustgen: validating ", 1)[1].split(" (affected", 1)[0].split(", ")


def test_try_repo_one_base_file(work, hook_repo):
    repo, env = work
    with open(repo / "base/components/localstack/provider-config.yaml", "a") as fh:
        fh.write("# touched\n")
    p = _pc(repo, env, "try-repo", hook_repo[0], "kustgen-validate", "--verbose", "--files",
            "base/components/localstack/provider-config.yaml")
    assert p.returncode == 0, p.stdout
    assert "Passed" in p.stdout
    assert _validated(p.stdout) == ["overlays/dev"]


def test_commit_touching_base_file_validates_its_overlays(work):
    repo, env = work
    assert _pc(repo, env, "install").returncode == 0
    with open(repo / "base/network/vpc.yaml", "a") as fh:
        fh.write("# touched\n")
    _git(repo, "add", "base/network/vpc.yaml")
    p = _git(repo, "commit", "-m", "vpc", check=False)
    assert p.returncode == 0, p.stdout
    assert _validated(p.stdout) == ["overlays/dev", "overlays/staging", "overlays/prod"]
    # an overlay patch: that overlay only
    with open(repo / "overlays/prod/patches/orders-db.yaml", "a") as fh:
        fh.write("# touched\n")
    _git(repo, "add", "-A")
    p = _git(repo, "commit", "-m", "prod", check=False)
    assert p.returncode == 0, p.stdout
    assert _validated(p.stdout) == ["overlays/prod"]


def test_non_yaml_change_skips_the_hook(work):
    repo, env = work
    (repo / "README.md").write_text("changed\n")
    _git(repo, "add", "README.md")
    p = _pc(repo, env, "run", "kustgen-validate")
    assert p.returncode == 0, p.stdout
    assert "no files to check" in p.stdout.lower()


def test_broken_patch_fails_with_file_line(work):
    repo, env = work
    path = repo / "overlays/prod/patches/orders-db.yaml"
    path.write_text(path.read_text().replace("storageGB: 200", "storageGB: lots"))
    _git(repo, "add", "-A")
    p = _pc(repo, env, "run", "kustgen-validate")
    assert p.returncode == 1, p.stdout
    assert "Failed" in p.stdout
    assert "overlays/prod/patches/orders-db.yaml:9" in p.stdout
    assert _validated(p.stdout) == ["overlays/prod"]


def test_unstaged_changes_are_not_validated(work):
    """pre-commit stashes unstaged changes: the hook sees the staged content."""
    repo, env = work
    path = repo / "overlays/staging/patches/orders-db.yaml"
    with open(path, "a") as fh:
        fh.write("# staged, fine\n")
    _git(repo, "add", "-A")
    path.write_text(path.read_text().replace("storageGB:", "storageGB: [broken]\n  x:"))
    p = _pc(repo, env, "run", "kustgen-validate")
    assert p.returncode == 0, p.stdout
    assert _validated(p.stdout) == ["overlays/staging"]


APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-qa
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform/infra.git
    targetRevision: HEAD
    path: overlays/qa
  destination:
    server: https://kubernetes.default.svc
    namespace: crossplane-system
"""


def test_application_before_its_path_fails_together_passes(work):
    """kustgen-apps through a real commit: an Application committed before its overlay
    exists is refused; the overlay and the Application committed together pass."""
    repo, env = work
    snap_cfg = (repo / ".pre-commit-config.yaml").read_text()
    (repo / ".pre-commit-config.yaml").write_text(
        snap_cfg + "      - id: kustgen-apps\n        verbose: true\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "apps hook", "--no-verify")
    assert _pc(repo, env, "install").returncode == 0
    (repo / "argocd").mkdir()
    (repo / "argocd" / "qa.yaml").write_text(APP)
    _git(repo, "add", "argocd/qa.yaml")
    p = _git(repo, "commit", "-m", "qa app", check=False)
    assert p.returncode != 0, p.stdout
    assert "argocd/qa.yaml:11" in p.stdout and "overlays/qa" in p.stdout
    # the overlay in the working tree only (not staged) does not count
    shutil.copytree(repo / "overlays" / "staging", repo / "overlays" / "qa")
    p = _git(repo, "commit", "-m", "qa app", check=False)
    assert p.returncode != 0, p.stdout
    # committed together: passes
    _git(repo, "add", "overlays/qa")
    p = _git(repo, "commit", "-m", "qa overlay and app", check=False)
    assert p.returncode == 0, p.stdout
    assert "kustgen apps check" in p.stdout and "Passed" in p.stdout


def test_lint_hook_fails_on_an_error_rule_and_passes_when_suppressed(work, hook_repo):
    repo, env = work
    cfg = repo / "kustgen.yaml"
    cfg.write_text(cfg.read_text() + "  KG101: error\n")
    k = repo / "overlays/prod/kustomization.yaml"
    k.write_text(k.read_text().replace("resources:\n  - ../../base\n",
                                       "bases:\n  - ../../base\n", 1))
    line = k.read_text().splitlines().index("bases:") + 1
    _git(repo, "add", "-A")
    p = _pc(repo, env, "try-repo", hook_repo[0], "kustgen-lint", "--verbose", "--files",
            "overlays/prod/kustomization.yaml")
    assert p.returncode == 1, p.stdout
    assert "overlays/prod/kustomization.yaml:%d:1: error KG101" % line in p.stdout
    assert "kustgen: linting overlays/prod (affected by 1 changed file)" in p.stdout, p.stdout
    k.write_text(k.read_text().replace("bases:\n", "bases:  # kustgen: ignore[KG101] "
                                       "kustomize 3 still builds this branch\n", 1))
    _git(repo, "add", "-A")
    p = _pc(repo, env, "try-repo", hook_repo[0], "kustgen-lint", "--verbose", "--files",
            "overlays/prod/kustomization.yaml")
    assert p.returncode == 0, p.stdout
    assert "1 suppressed finding" in p.stdout
