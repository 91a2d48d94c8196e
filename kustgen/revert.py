"""Revert one synced commit on a branch and (optionally) push the revert.

This is the step an Argo Workflow runs when the infrastructure tests of a synced change
fail. ``revert()`` drives the ``git`` binary; it never prints: progress goes to the ``log``
callback and the outcome comes back as a :class:`RevertResult`. Every refusal raises
:class:`~kustgen.model.errors.GitError` with a message that says what to do.

Guarantees:

- Refusals before the revert commit exists (bad COMMIT, COMMIT not on the branch, dirty
  tree, diverged branch, conflicting revert, empty revert) leave the repository as it was:
  HEAD, the branch and the work tree are restored (only remote-tracking refs and
  FETCH_HEAD may have been updated by the fetch).
- A failure after the revert commit exists (push refused, remote moved and the rebase
  conflicts) keeps that commit on the local branch, so it can be inspected or pushed by
  hand, and says so.
- At most one revert commit is created, it is never force-pushed, and a remote that moved
  during the push gets exactly one fetch + rebase + push retry.
- Running it again after success changes nothing (the earlier revert is found by its
  ``This reverts commit <sha>`` line and reported instead).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Callable

from kustgen.model.errors import GitError

DEFAULT_NAME = "kustgen"
DEFAULT_EMAIL = "kustgen@localhost"
TRAILER = "Kustgen-Reverted"


@dataclass
class RevertResult:
    """What ``revert()`` did.

    ``sha`` is the commit that reverts ``commit`` on ``branch``: the new one, or the earlier
    one when ``already_reverted``. ``pushed`` is true when this run pushed it; ``rebased``
    when the remote moved during the push and the revert was rebased onto its new tip.
    """

    commit: str
    branch: str
    sha: str
    created: bool
    already_reverted: bool = False
    pushed: bool = False
    rebased: bool = False
    merge: bool = False
    remote: str | None = None


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def revert_message(subject: str, sha: str, *, first_parent: str | None = None,
                   check: str | None = None, resource: str | None = None) -> str:
    """The revert commit's message: git's usual first two paragraphs, a paragraph naming
    the failed check and resource, and a ``Kustgen-Reverted`` trailer."""
    if first_parent:
        body = "This reverts commit %s, reversing\nchanges made to %s." % (sha, first_parent)
    else:
        body = "This reverts commit %s." % sha
    check, resource = _one_line(check), _one_line(resource)
    what = "the %s failed" % check if check else "a check failed"
    if resource:
        what += " for %s" % resource
    why = "kustgen: %s after this change was synced; reverted automatically." % what
    return 'Revert "%s"\n\n%s\n\n%s\n\n%s: %s\n' % (subject, body, why, TRAILER, sha)


class _Git:
    def __init__(self, repo: str):
        self.repo = repo
        self._identity: list[str] | None = None

    def run(self, *args: str, check: bool = True, input: str | None = None,
            write: bool = False) -> subprocess.CompletedProcess:
        cmd = ["git", "-C", self.repo]
        if write:
            cmd += self.identity()
        cmd += list(args)
        try:
            p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        except OSError as e:
            raise GitError("cannot run git (%s); install git and put it on PATH" % e)
        if check and p.returncode != 0:
            raise GitError("git %s failed: %s" % (" ".join(args), _last_lines(p.stderr)))
        return p

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def sha(self, rev: str) -> str | None:
        p = self.run("rev-parse", "--verify", "-q", rev + "^{commit}", check=False)
        return p.stdout.strip() or None if p.returncode == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        p = self.run("merge-base", "--is-ancestor", a, b, check=False)
        if p.returncode not in (0, 1):
            raise GitError("git merge-base --is-ancestor %s %s failed: %s"
                           % (a, b, _last_lines(p.stderr)))
        return p.returncode == 0

    def identity(self) -> list[str]:
        """``-c user.name=... -c user.email=...`` for what git's configuration and
        environment do not provide (a workflow container); empty otherwise."""
        if self._identity is None:
            extra: list[str] = []
            env = os.environ
            if not (self.ok("config", "user.name") or env.get("GIT_AUTHOR_NAME")
                    and env.get("GIT_COMMITTER_NAME")):
                extra += ["-c", "user.name=" + DEFAULT_NAME]
            if not (self.ok("config", "user.email") or env.get("EMAIL")
                    or env.get("GIT_AUTHOR_EMAIL") and env.get("GIT_COMMITTER_EMAIL")):
                extra += ["-c", "user.email=" + DEFAULT_EMAIL]
            self._identity = extra
        return self._identity


def _last_lines(text: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()
             and not ln.lstrip().startswith("hint:")]
    return "; ".join(lines[-n:]) or "(no message)"


def _push_error(text: str) -> str:
    """The lines of a failed push that say why: the remote's own words and the rejection."""
    lines = [ln.strip() for ln in (text or "").splitlines()
             if ln.strip().startswith(("remote:", "!", "fatal:"))
             and ln.strip() not in ("remote:",)]
    return "; ".join(lines[-4:]) if lines else _last_lines(text)


def _short(sha: str) -> str:
    return sha[:12]


def _reverted_by(g: _Git, sha: str, tip: str, depth: int = 0) -> str | None:
    """The latest commit in ``sha..tip`` whose message says ``This reverts commit <sha>``
    and that was not itself reverted later (a revert of the revert re-applies ``sha``)."""
    if depth > 20:
        return None
    found = g.out("log", "--format=%H", "--fixed-strings",
                  "--grep=This reverts commit %s" % sha, "%s..%s" % (sha, tip))
    if not found:
        return None
    latest = found.split()[0]                   # git log lists the newest first
    if _reverted_by(g, latest, tip, depth + 1) is not None:
        return None                             # the revert was reverted: live again
    return latest


def revert(commit: str, *, repo: str = ".", branch: str | None = None,
           remote: str = "origin", push: bool = False, check: str | None = None,
           resource: str | None = None, paths: list[str] | None = None,
           log: Callable[[str], None] | None = None) -> RevertResult:
    """Create one revert commit for ``commit`` on top of ``branch`` and, with ``push``,
    push it to ``remote`` (see the module docstring for the guarantees).

    ``paths``: revert instead the latest commit up to ``commit`` (first-parent history of
    the branch: a merged pull request is one commit) that changed one of these paths, the
    files an environment's overlay reads: ``commit`` is then what was synced, which may
    be a later commit that changed something else."""
    say = log or (lambda _msg: None)
    if not commit or commit.startswith("-"):
        raise GitError("%r is not a commit; pass the sha of the commit to revert" % commit)
    if not os.path.isdir(repo):
        raise GitError("%s: no such folder; pass the repository with -C DIR" % repo)
    g = _Git(repo)
    if not g.ok("rev-parse", "--is-inside-work-tree"):
        raise GitError("%s is not inside a git work tree; pass the repository with -C DIR"
                       % repo)
    if g.ok("rev-parse", "--verify", "-q", "REVERT_HEAD") or \
            g.ok("rev-parse", "--verify", "-q", "MERGE_HEAD") or \
            os.path.isdir(g.out("rev-parse", "--git-path", "rebase-merge")) or \
            os.path.isdir(g.out("rev-parse", "--git-path", "rebase-apply")):
        raise GitError("a merge, revert or rebase is in progress in %s; finish or abort it "
                       "first" % repo)
    dirty = g.run("status", "--porcelain", "--untracked-files=no").stdout
    if dirty.strip():
        files = [ln[3:] for ln in dirty.splitlines() if ln.strip()]
        raise GitError("the working tree has uncommitted changes (%s%s); commit or stash "
                       "them first: they would be mixed into the revert"
                       % (", ".join(files[:5]), ", ..." if len(files) > 5 else ""))

    # Resolved as the user sees the repository now (HEAD, a local ref); a commit that only
    # the remote has is resolved again after the fetch.
    resolved = g.sha(commit)
    current = g.run("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    orig_head = g.sha("HEAD")
    if branch is None:
        if not current:
            raise GitError("HEAD is detached; pass --branch B to say which branch gets the "
                           "revert")
        branch = current
    if not g.ok("check-ref-format", "--branch", branch):
        raise GitError("%r is not a valid branch name" % branch)
    ref = "refs/heads/" + branch
    orig_tip = g.sha(ref)

    remote_tip = None
    if push:
        say("fetching %s %s" % (remote, branch))
        p = g.run("fetch", "-q", remote, ref, check=False)
        if p.returncode != 0:
            raise GitError("cannot fetch branch %s from %s: %s" % (branch, remote,
                                                                  _last_lines(p.stderr)))
        remote_tip = g.sha("FETCH_HEAD")
        if orig_tip and orig_tip != remote_tip:
            if g.is_ancestor(remote_tip, orig_tip):
                n = g.out("rev-list", "--count", "%s..%s" % (remote_tip, orig_tip))
                raise GitError("local %s has %s commit(s) that %s/%s does not have; push "
                               "or drop them first (kustgen pushes only its revert)"
                               % (branch, n, remote, branch))
            if not g.is_ancestor(orig_tip, remote_tip):
                raise GitError("local %s (%s) and %s/%s (%s) have diverged; reset %s to "
                               "%s/%s first" % (branch, _short(orig_tip), remote, branch,
                                                _short(remote_tip), branch, remote, branch))
    elif orig_tip is None:
        raise GitError("there is no local branch %r; check it out, or use --push to take "
                       "it from the remote" % branch)

    # From here on the checkout may change: put it back on any refusal.
    switched = current != branch
    state = {"committed": False}

    def restore() -> None:
        if not state["committed"]:
            g.run("reset", "-q", "--hard", "HEAD", check=False)
            on_branch = g.run("symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
            if orig_tip is not None and on_branch == ref and g.sha(ref) != orig_tip:
                g.run("reset", "-q", "--hard", orig_tip, check=False)
        if switched:
            g.run("checkout", "-q", current or orig_head, check=False)
            if orig_tip is None and not state["committed"]:
                g.run("branch", "-q", "-D", branch, check=False)

    try:
        if switched:
            say("checking out %s" % branch)
            if orig_tip is None:
                g.run("checkout", "-q", "-b", branch, remote_tip)
            else:
                g.run("checkout", "-q", branch)
        if remote_tip and g.sha("HEAD") != remote_tip:
            say("fast-forwarding %s to %s/%s (%s)" % (branch, remote, branch,
                                                      _short(remote_tip)))
            g.run("merge", "-q", "--ff-only", remote_tip)
        result = _revert_here(g, resolved or commit, branch, check, resource, say, state,
                              paths)
        if result.already_reverted or not push:
            return result
        result.remote = remote
        _push(g, result, remote, remote_tip, say)
        return result
    finally:
        restore()


def _revert_here(g: _Git, commit: str, branch: str, check: str | None,
                 resource: str | None, say: Callable[[str], None],
                 state: dict, paths: list[str] | None = None) -> RevertResult:
    tip = g.sha("HEAD")
    sha = g.sha(commit)
    if sha is None:
        raise GitError("%r does not name a commit in this repository; pass the sha of a "
                       "commit on %s" % (commit, branch))
    if not g.is_ancestor(sha, tip):
        raise GitError("commit %s is not on %s (not an ancestor of its tip %s); only a "
                       "change that reached %s can be reverted there"
                       % (_short(sha), branch, _short(tip), branch))
    if paths:
        found = g.out("log", "-1", "--first-parent", "--format=%H", sha, "--", *paths)
        if not found:
            raise GitError("no commit up to %s changed %s; nothing of it to revert"
                           % (_short(sha), ", ".join(paths[:5]) +
                              (", ..." if len(paths) > 5 else "")))
        if found != sha:
            say("the latest change up to %s to the %d path(s) given is %s"
                % (_short(sha), len(paths), _short(found)))
        sha = found
    body = g.out("log", "-n", "1", "--format=%B", sha)
    for line in body.splitlines():
        if line.startswith(TRAILER + ":"):
            raise GitError("%s is kustgen's own revert of %s: the checks still fail after "
                           "that revert, so it is not reverted in turn (that would put the "
                           "failing change back); look at the environment by hand"
                           % (_short(sha), line.split(":", 1)[1].strip()[:12]))
    earlier = _reverted_by(g, sha, tip)
    if earlier:
        say("%s was already reverted on %s by %s; nothing to do"
            % (_short(sha), branch, _short(earlier)))
        return RevertResult(commit=sha, branch=branch, sha=earlier, created=False,
                            already_reverted=True)

    parents = g.out("rev-list", "--parents", "-n", "1", sha).split()[1:]
    merge = len(parents) > 1
    subject = g.out("log", "-n", "1", "--format=%s", sha)
    say('reverting %s "%s"%s on %s' % (_short(sha), subject,
                                       " (a merge: against its first parent)" if merge
                                       else "", branch))
    args = ["revert", "--no-commit", "--no-edit"] + (["-m", "1"] if merge else []) + [sha]
    p = g.run(*args, check=False, write=True)
    if p.returncode != 0:
        conflicts = g.out("diff", "--name-only", "--diff-filter=U").split()
        if not g.ok("revert", "--abort"):
            g.run("reset", "-q", "--hard", tip, check=False)
        if conflicts:
            raise GitError("reverting %s conflicts with later changes on %s in %s; revert "
                           "it by hand (nothing was committed)"
                           % (_short(sha), branch, ", ".join(conflicts)))
        raise GitError("git revert %s failed: %s (nothing was committed)"
                       % (_short(sha), _last_lines(p.stderr)))
    if not g.out("diff", "--cached", "--name-only"):
        g.run("revert", "--abort", check=False)
        g.run("reset", "-q", "--hard", tip, check=False)
        raise GitError("reverting %s changes nothing on %s: later commits already undid it; "
                       "nothing was committed" % (_short(sha), branch))
    message = revert_message(subject, sha, first_parent=parents[0] if merge else None,
                             check=check, resource=resource)
    p = g.run("commit", "-q", "-F", "-", input=message, check=False, write=True)
    if p.returncode != 0:
        g.run("revert", "--abort", check=False)
        g.run("reset", "-q", "--hard", tip, check=False)
        raise GitError("git commit failed: %s (nothing was committed)"
                       % _last_lines(p.stderr))
    state["committed"] = True
    new = g.sha("HEAD")
    say("created revert commit %s on %s" % (_short(new), branch))
    return RevertResult(commit=sha, branch=branch, sha=new, created=True, merge=merge)


def _push(g: _Git, result: RevertResult, remote: str, base: str,
          say: Callable[[str], None]) -> None:
    branch, ref = result.branch, "refs/heads/" + result.branch
    say("pushing %s to %s %s" % (_short(result.sha), remote, branch))
    p = g.run("push", "-q", remote, branch, check=False)
    if p.returncode == 0:
        result.pushed = True
        return
    first_error = _push_error(p.stderr)
    kept = ("the revert commit %s stays on local %s; push it by hand or reset %s to "
            "%s/%s to drop it" % (_short(result.sha), branch, branch, remote, branch))
    f = g.run("fetch", "-q", remote, ref, check=False)
    new_base = g.sha("FETCH_HEAD") if f.returncode == 0 else None
    if new_base is None or new_base == base:
        raise GitError("git push %s %s failed: %s; %s" % (remote, branch, first_error, kept))
    if not g.is_ancestor(base, new_base):
        raise GitError("%s/%s was rewritten while pushing (%s is no longer on it); nothing "
                       "was pushed and the revert commit %s stays on local %s; reset %s to "
                       "%s/%s and run kustgen revert again"
                       % (remote, branch, _short(base), _short(result.sha), branch, branch,
                          remote, branch))
    moved = g.out("rev-list", "--count", "%s..%s" % (base, new_base))
    say("%s/%s moved to %s (%s new commit(s)) while pushing" % (remote, branch,
                                                                 _short(new_base), moved))
    earlier = _reverted_by(g, result.commit, new_base)
    if earlier:
        say("%s was reverted meanwhile by %s; dropping ours" % (_short(result.commit),
                                                                 _short(earlier)))
        g.run("reset", "-q", "--hard", new_base)
        result.sha, result.created, result.already_reverted = earlier, False, True
        return
    say("rebasing %s onto %s" % (_short(result.sha), _short(new_base)))
    before = result.sha
    p = g.run("rebase", "-q", "--onto", new_base, base, branch, check=False, write=True)
    if p.returncode != 0:
        conflicts = g.out("diff", "--name-only", "--diff-filter=U").split()
        if not g.ok("rebase", "--abort"):
            g.run("reset", "-q", "--hard", before, check=False)
        raise GitError("%s/%s moved while pushing and rebasing the revert %s onto its new "
                       "tip %s conflicts%s; nothing was pushed; the rebase was aborted and "
                       "local %s still ends with %s on %s: resolve it by hand (git rebase "
                       "%s/%s) or reset %s to %s/%s and run kustgen revert again"
                       % (remote, branch, _short(before), _short(new_base),
                          " in " + ", ".join(conflicts) if conflicts else
                          " (%s)" % _last_lines(p.stderr), branch, _short(before),
                          _short(base), remote, branch, branch, remote, branch))
    rebased = g.sha("HEAD")
    if rebased == new_base:
        g.run("reset", "-q", "--hard", before, check=False)
        raise GitError("%s/%s moved while pushing and its new commits already undo %s; "
                       "nothing was pushed and %s" % (remote, branch,
                                                      _short(result.commit), kept))
    result.sha, result.rebased = rebased, True
    say("pushing %s to %s %s (retry)" % (_short(rebased), remote, branch))
    p = g.run("push", "-q", remote, branch, check=False)
    if p.returncode != 0:
        raise GitError("git push %s %s failed again after rebasing onto %s: %s; the revert "
                       "commit %s stays on local %s; run kustgen revert again"
                       % (remote, branch, _short(new_base), _push_error(p.stderr),
                          _short(rebased), branch))
    result.pushed = True
