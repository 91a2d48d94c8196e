"""kustgen revert against real temporary git repositories: a bare "remote" and clones."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kustgen.model.errors import GitError
from kustgen.revert import revert

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ID = ["-c", "user.name=t", "-c", "user.email=t@example.org"]


@pytest.fixture(autouse=True)
def isolated_git(tmp_path, monkeypatch):
    """No global or system git configuration, no identity from the environment."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
              "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(k, raising=False)


def git(cwd, *args, check=True):
    p = subprocess.run(["git", *ID, *args], cwd=str(cwd), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        raise AssertionError("git %s: %s" % (" ".join(args), p.stderr))
    return p.stdout.strip()


def write(repo, path, text):
    f = repo / path
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text)


def commit(repo, msg, files):
    for path, text in files.items():
        write(repo, path, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg)
    return git(repo, "rev-parse", "HEAD")


def state(repo):
    """What a user would see of a clone: HEAD, branches, status, files."""
    return (git(repo, "rev-parse", "HEAD"), git(repo, "symbolic-ref", "-q", "HEAD", check=False),
            git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
            git(repo, "status", "--porcelain"),
            {p: (repo / p).read_text() for p in git(repo, "ls-files").split()})


BUCKET = "kind: Bucket\nmetadata:\n  name: orders-logs\nspec:\n  region: eu-west-1\n"
BUCKET_BAD = BUCKET.replace("eu-west-1", "eu-west-9")


@pytest.fixture
def world(tmp_path):
    """A bare remote with main = [init, bad change], and clone "work" on main."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(remote), str(seed))
    git(seed, "checkout", "-q", "-b", "main")
    commit(seed, "add the orders bucket", {"base/bucket.yaml": BUCKET,
           "base/kustomization.yaml": "resources: [bucket.yaml]\n"})
    bad = commit(seed, "move the orders bucket", {"base/bucket.yaml": BUCKET_BAD})
    git(seed, "push", "-q", "origin", "main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    git(work, "config", "user.name", "Flow")
    git(work, "config", "user.email", "flow@example.org")
    return {"tmp": tmp_path, "remote": remote, "seed": seed, "work": work, "bad": bad}


def clone(world, name):
    d = world["tmp"] / name
    git(world["tmp"], "clone", "-q", str(world["remote"]), str(d))
    return d


def remote_log(world):
    return git(world["remote"], "rev-list", "main").split()


def message(repo, rev):
    return git(repo, "log", "-n", "1", "--format=%B", rev)


# 1 ---------------------------------------------------------------------------------------

def test_one_revert_commit_pushed(world):
    work, bad = world["work"], world["bad"]
    before = remote_log(world)
    lines = []
    r = revert(bad, repo=str(work), push=True, check="infrastructure tests",
               resource="Bucket/orders-logs", log=lines.append)
    after = remote_log(world)
    assert r.created and r.pushed and not r.rebased and not r.merge
    assert after[0] == r.sha and after[1:] == before              # exactly one new commit
    assert git(world["remote"], "rev-parse", r.sha + "^") == before[0]
    assert git(world["remote"], "show", "main:base/bucket.yaml") + "\n" == BUCKET
    msg = message(world["remote"], r.sha)
    assert msg.splitlines()[0] == 'Revert "move the orders bucket"'
    assert "This reverts commit %s." % bad in msg
    assert ("kustgen: the infrastructure tests failed for Bucket/orders-logs after this "
            "change was synced; reverted automatically.") in msg
    assert msg.splitlines()[-1] == "Kustgen-Reverted: %s" % bad
    assert git(work, "log", "-n", "1", "--format=%an <%ae>", r.sha) == "Flow <flow@example.org>"
    assert git(work, "status", "--porcelain") == ""
    assert any("pushing" in ln for ln in lines)


def test_without_push_commits_locally_only(world):
    work, bad = world["work"], world["bad"]
    before = remote_log(world)
    r = revert(bad, repo=str(work))
    assert r.created and not r.pushed
    assert remote_log(world) == before
    assert git(work, "rev-parse", "main") == r.sha
    assert "a check failed after this change was synced" in message(work, r.sha)


def test_no_identity_uses_kustgen(world):
    work = world["work"]
    git(work, "config", "--unset", "user.name")
    git(work, "config", "--unset", "user.email")
    r = revert(world["bad"], repo=str(work), push=True)
    fmt = "%an <%ae>|%cn <%ce>"
    assert git(work, "log", "-n", "1", "--format=" + fmt, r.sha) == \
        "kustgen <kustgen@localhost>|kustgen <kustgen@localhost>"
    assert "kustgen@localhost" not in (work / ".git" / "config").read_text()  # untouched


def test_fast_forwards_a_local_branch_that_is_behind(world):
    work, seed = world["work"], world["seed"]
    other = commit(seed, "add a queue", {"base/queue.yaml": "kind: Queue\n"})
    git(seed, "push", "-q", "origin", "main")
    r = revert(world["bad"], repo=str(work), push=True)
    assert remote_log(world)[:2] == [r.sha, other]


def test_local_branch_ahead_of_remote_refused(world):
    work = world["work"]
    commit(work, "local only", {"notes.txt": "x\n"})
    before, remote_before = state(work), remote_log(world)
    with pytest.raises(GitError, match="1 commit.*origin/main does not have"):
        revert(world["bad"], repo=str(work), push=True)
    assert state(work) == before and remote_log(world) == remote_before


def test_diverged_branch_refused(world):
    work, seed = world["work"], world["seed"]
    commit(work, "local only", {"notes.txt": "x\n"})
    commit(seed, "remote only", {"other.txt": "y\n"})
    git(seed, "push", "-q", "origin", "main")
    before, remote_before = state(work), remote_log(world)
    with pytest.raises(GitError, match="diverged"):
        revert(world["bad"], repo=str(work), push=True)
    assert state(work) == before and remote_log(world) == remote_before


# 2 ---------------------------------------------------------------------------------------

def hook_that_moves_the_remote(world, files, action="git add -A && git commit -q -m 'meanwhile'"):
    """A pre-push hook in "work" that, the first time only, makes another clone push."""
    other = clone(world, "other")
    git(other, "config", "user.name", "Other")
    git(other, "config", "user.email", "other@example.org")
    for path, text in files.items():
        write(other, path, text)
    hook = world["work"] / ".git" / "hooks" / "pre-push"
    marker = world["tmp"] / "hook-ran"
    hook.write_text(textwrap.dedent("""\
        #!/bin/sh
        [ -e '{marker}' ] && exit 0
        touch '{marker}'
        unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
        cd '{other}' && {action} && git push -q origin main
        """).format(marker=marker, other=other, action=action))
    hook.chmod(0o755)
    return other


def test_remote_moved_during_push_rebased_and_pushed(world):
    work = world["work"]
    before = remote_log(world)
    hook_that_moves_the_remote(world, {"base/queue.yaml": "kind: Queue\n"})
    lines = []
    r = revert(world["bad"], repo=str(work), push=True, check="infrastructure tests",
               log=lines.append)
    after = remote_log(world)
    assert r.pushed and r.rebased and r.created
    assert after[0] == r.sha and after[2:] == before            # ours on top of "meanwhile"
    assert message(world["remote"], after[1]) == "meanwhile"
    assert git(world["remote"], "show", "main:base/bucket.yaml") + "\n" == BUCKET
    assert git(world["remote"], "show", "main:base/queue.yaml") == "kind: Queue"
    reverts = git(world["remote"], "log", "--format=%H", "--grep=Kustgen-Reverted",
                  "main").split()
    assert reverts == [r.sha]
    assert git(work, "rev-parse", "main") == r.sha and git(work, "status", "--porcelain") == ""
    assert any("moved" in ln for ln in lines) and any("rebasing" in ln for ln in lines)


def test_remote_moved_and_rebase_conflicts(world):
    work, bad = world["work"], world["bad"]
    hook_that_moves_the_remote(world, {"base/bucket.yaml": BUCKET_BAD.replace(
        "region: eu-west-9", "region: eu-west-9\n  versioning: true")})
    with pytest.raises(GitError) as e:
        revert(bad, repo=str(work), push=True)
    msg = str(e.value)
    local = git(work, "rev-parse", "main")
    moved = remote_log(world)[0]
    assert "conflicts in base/bucket.yaml" in msg and "nothing was pushed" in msg
    assert local[:12] in msg and moved[:12] in msg                # names both commits
    assert message(world["remote"], moved) == "meanwhile"         # ours is not there
    assert git(work, "rev-parse", "main^") == bad                 # as before the rebase
    assert "Kustgen-Reverted: " + bad in message(work, "main")
    assert git(work, "status", "--porcelain") == ""
    assert not (work / ".git" / "rebase-merge").exists()


def test_remote_reverted_it_meanwhile(world):
    """Two workflow runs for the same failure: the second one's push finds the first one's
    revert on the remote, drops its own and reports the remote's."""
    work, bad = world["work"], world["bad"]
    hook_that_moves_the_remote(world, {}, action="git revert --no-edit %s" % bad)
    r = revert(bad, repo=str(work), push=True)
    log = remote_log(world)
    assert r.already_reverted and not r.created and not r.pushed and r.sha == log[0]
    assert git(world["remote"], "log", "-n", "1", "--format=%an", "main") == "Other"
    assert git(work, "rev-parse", "main") == log[0] and git(work, "status", "--porcelain") == ""


def test_push_refused_by_the_remote_keeps_the_local_commit(world):
    work = world["work"]
    hook = world["remote"] / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = remote_log(world)
    with pytest.raises(GitError, match="git push origin main failed.*protected branch.*"
                                       "stays on local main"):
        revert(world["bad"], repo=str(work), push=True)
    assert remote_log(world) == before
    assert git(work, "rev-parse", "main^") == before[0]          # inspectable locally


# 3 ---------------------------------------------------------------------------------------

def test_conflicting_revert_refused(world):
    work, seed = world["work"], world["seed"]
    commit(seed, "tune the bucket",
           {"base/bucket.yaml": BUCKET_BAD.replace("eu-west-9", "us-east-1")})
    git(seed, "push", "-q", "origin", "main")
    git(work, "pull", "-q", "--ff-only")
    before, remote_before = state(work), remote_log(world)
    with pytest.raises(GitError, match="conflicts.*base/bucket.yaml"):
        revert(world["bad"], repo=str(work), push=True)
    assert state(work) == before and remote_log(world) == remote_before
    assert not (work / ".git" / "REVERT_HEAD").exists()


# 4 ---------------------------------------------------------------------------------------

def test_commit_not_on_branch_refused(world):
    work = world["work"]
    git(work, "checkout", "-q", "-b", "feature")
    elsewhere = commit(work, "feature work", {"base/bucket.yaml": BUCKET.replace("orders", "x")})
    git(work, "checkout", "-q", "main")
    before = state(work)
    with pytest.raises(GitError, match="%s is not on main" % elsewhere[:12]):
        revert(elsewhere, repo=str(work), push=True)
    assert state(work) == before


def test_unknown_commit_refused(world):
    before = state(world["work"])
    with pytest.raises(GitError, match="does not name a commit"):
        revert("deadbeef" * 5, repo=str(world["work"]))
    assert state(world["work"]) == before


# 5 ---------------------------------------------------------------------------------------

def test_already_reverted_is_idempotent(world):
    work = world["work"]
    first = revert(world["bad"], repo=str(work), push=True)
    before, remote_before = state(work), remote_log(world)
    lines = []
    again = revert(world["bad"], repo=str(work), push=True, log=lines.append)
    assert again.already_reverted and not again.created and not again.pushed
    assert again.sha == first.sha
    assert state(work) == before and remote_log(world) == remote_before
    assert any("already reverted" in ln and first.sha[:12] in ln for ln in lines)


def test_revert_of_the_revert_makes_it_revertable_again(world):
    work, bad = world["work"], world["bad"]
    first = revert(bad, repo=str(work))
    git(work, "revert", "--no-edit", first.sha)                  # re-apply the change
    again = revert(bad, repo=str(work))
    assert again.created and again.sha != first.sha
    assert (work / "base" / "bucket.yaml").read_text() == BUCKET


# 6 ---------------------------------------------------------------------------------------

def test_merge_commit_reverted_against_first_parent(world):
    work, seed = world["work"], world["seed"]
    git(seed, "checkout", "-q", "-b", "pr-7")
    commit(seed, "add a queue", {"base/queue.yaml": "kind: Queue\n"})
    commit(seed, "queue in the kustomization",
           {"base/kustomization.yaml": "resources: [bucket.yaml, queue.yaml]\n"})
    git(seed, "checkout", "-q", "main")
    commit(seed, "unrelated on main", {"readme.md": "hi\n"})
    git(seed, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from pr-7", "pr-7")
    merge = git(seed, "rev-parse", "HEAD")
    first_parent = git(seed, "rev-parse", "HEAD^1")
    git(seed, "push", "-q", "origin", "main")
    r = revert(merge, repo=str(work), push=True, check="infrastructure tests",
               resource="Queue/orders")
    assert r.merge and r.pushed
    tree = git(world["remote"], "ls-tree", "-r", "--name-only", "main").split()
    assert "base/queue.yaml" not in tree and "readme.md" in tree   # only the PR undone
    assert git(world["remote"], "show", "main:base/kustomization.yaml") == \
        "resources: [bucket.yaml]"
    msg = message(world["remote"], r.sha)
    assert msg.startswith('Revert "Merge pull request #7 from pr-7"')
    assert "This reverts commit %s, reversing\nchanges made to %s." % (merge, first_parent) \
        in msg


# 7 ---------------------------------------------------------------------------------------

def test_dirty_working_tree_refused(world):
    work = world["work"]
    write(work, "base/bucket.yaml", BUCKET + "# local edit\n")
    before, remote_before = state(work), remote_log(world)
    with pytest.raises(GitError, match="uncommitted changes.*base/bucket.yaml"):
        revert(world["bad"], repo=str(work), push=True)
    assert state(work) == before and remote_log(world) == remote_before


def test_detached_head_needs_branch(world):
    work = world["work"]
    git(work, "checkout", "-q", "--detach", "HEAD")
    before = state(work)
    with pytest.raises(GitError, match="detached.*--branch"):
        revert(world["bad"], repo=str(work))
    assert state(work) == before


def test_detached_head_with_branch(world):
    """The usual workflow checkout (a detached revision): the branch is reverted and
    pushed, and the checkout is left where it was."""
    work = world["work"]
    git(work, "checkout", "-q", "--detach", "HEAD^")
    head = git(work, "rev-parse", "HEAD")
    r = revert(world["bad"], repo=str(work), branch="main", push=True)
    assert remote_log(world)[0] == r.sha
    assert git(work, "rev-parse", "HEAD") == head
    assert git(work, "symbolic-ref", "-q", "HEAD", check=False) == ""


# 8 ---------------------------------------------------------------------------------------

def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "kustgen", "revert", *args], cwd=str(cwd),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_success(world):
    p = run_cli(world["bad"], "--push", "--check", "infrastructure tests",
                "--resource", "Bucket/orders-logs", cwd=world["work"])
    assert p.returncode == 0, p.stderr
    sha = p.stdout.strip()
    assert p.stdout == sha + "\n" and remote_log(world)[0] == sha
    assert "pushed %s to origin main" % sha[:12] in p.stderr
    assert "Traceback" not in p.stderr
    p2 = run_cli(world["bad"], "--push", cwd=world["work"])        # a retried step
    assert p2.returncode == 0 and p2.stdout.strip() == sha
    assert "already reverted" in p2.stderr


def test_cli_refusal_is_one_line_exit_2(world):
    write(world["work"], "base/bucket.yaml", "dirty\n")
    p = run_cli(world["bad"], "--push", "-C", str(world["work"]), cwd=world["tmp"])
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("kustgen: ")
    assert "uncommitted changes" in p.stderr and "Traceback" not in p.stderr


def test_cli_bad_resource_is_usage_error(world):
    p = run_cli(world["bad"], "--resource", "orders-logs", cwd=world["work"])
    assert p.returncode == 2 and "KIND/NAME" in p.stderr and "Traceback" not in p.stderr


# the environment's change, not the synced tip ------------------------------------------

def test_paths_pick_the_latest_change_to_them(world):
    work, bad = world["work"], world["bad"]
    commit(work, "docs: explain the buckets", {"README.md": "buckets\n"})
    git(work, "push", "-q", "origin", "main")
    synced = git(work, "rev-parse", "HEAD")
    lines = []
    r = revert(synced, repo=str(work), push=True, paths=["base/bucket.yaml"],
               log=lines.append)
    assert r.commit == bad and r.created and r.pushed
    assert "This reverts commit %s." % bad in message(world["remote"], r.sha)
    assert git(world["remote"], "show", "main:README.md") == "buckets"   # kept
    assert any("latest change up to %s" % synced[:12] in ln for ln in lines)
    with pytest.raises(GitError, match="no commit up to .* changed overlays/prod"):
        revert(synced, repo=str(work), paths=["overlays/prod"])


def test_a_kustgen_revert_is_never_reverted(world):
    """The tests still fail after the revert synced: reverting the revert would put the
    failing change back (and loop); refuse and leave it to a person."""
    work, bad = world["work"], world["bad"]
    first = revert(bad, repo=str(work), push=True, check="infrastructure tests")
    before = state(work)
    with pytest.raises(GitError, match="kustgen's own revert of %s" % bad[:12]):
        revert(first.sha, repo=str(work), push=True)
    with pytest.raises(GitError, match="kustgen's own revert"):
        revert(first.sha, repo=str(work), paths=["base/bucket.yaml"])
    assert state(work) == before and remote_log(world)[0] == first.sha


OVERLAY = {
    "base/kustomization.yaml": "resources:\n  - settings.yaml\n",
    "base/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                          "data:\n  size: small\n",
    "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\npatches:\n"
                                       "  - path: size.yaml\n",
    "overlays/dev/size.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                              "data:\n  size: medium\n",
    "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
}


def test_cli_overlay_reverts_the_change_that_affected_the_environment(world):
    work = world["work"]
    commit(work, "dev and prod overlays", OVERLAY)
    dev_change = commit(work, "dev: large", {"overlays/dev/size.yaml": OVERLAY[
        "overlays/dev/size.yaml"].replace("medium", "large")})
    commit(work, "prod: a new note", {"overlays/prod/NOTES.md": "prod\n"})
    git(work, "push", "-q", "origin", "main")
    synced = git(work, "rev-parse", "HEAD")
    p = run_cli(synced, "--overlay", "overlays/dev", "--push", "--check", "infrastructure "
                "tests (dev)", "--resource", "ConfigMap/settings", cwd=work)
    assert p.returncode == 0, p.stderr
    sha = p.stdout.strip()
    assert "This reverts commit %s." % dev_change in message(world["remote"], sha)
    assert "size: medium" in git(world["remote"], "show", "main:overlays/dev/size.yaml")
    assert git(world["remote"], "show", "main:overlays/prod/NOTES.md") == "prod"
