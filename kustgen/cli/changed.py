"""--changed / --since, shared by validate, lint and check: the overlays (and plain
manifests) that a set of changed files affects, through the dependency graph."""

from __future__ import annotations

import os

import click


def changed_options(f):
    f = click.option("--since", "since", metavar="REV",
                     help="Like --changed, with the files changed since the git revision "
                          "REV: `git diff --name-only REV`, untracked and deleted files.")(f)
    f = click.option("--changed", "changed", multiple=True, metavar="FILE...",
                     help="Check only what these changed files affect: the overlays whose "
                          "build reads them (or that they are the kustomization of) and "
                          "changed plain manifests; other files (README.md, *.py) are "
                          "ignored. Takes every file name after it, as pre-commit passes "
                          "them.")(f)
    return f


def select_changed(cfg, paths, changed, since, pairs, verb: str = "validate"):
    """(paths, selected, graph): without --changed/--since, PATHS unchanged (selected and
    graph None). Otherwise the affected overlays and manifests first, then the other
    PATHS; paths None when nothing is affected (the caller exits 0; a message says so)."""
    if not (changed or since):
        return paths, None, None
    paths, changed = _changed_args(paths, changed)
    if since:
        changed = list(changed) + [f for f in _git_changed(since) if f not in changed]
    from kustgen.graph import build_graph
    g = build_graph(cfg)
    selected = [g.path(o) for o in g.affected(changed)] + g.manifests(changed)
    paths = tuple(selected) + tuple(p for p in paths if p not in selected)
    n = len(changed)
    if not paths:
        msg = "kustgen: nothing to %s (%d changed file%s affect%s no overlay)" % (
            verb, n, "" if n == 1 else "s", "s" if n == 1 else "")
        click.echo(msg, err=pairs != [("text", None)])
        return None, selected, g
    click.echo("kustgen: %s %s (affected by %d changed file%s)" % (
        {"lint": "linting"}.get(verb, verb[:-1] + "ing"), ", ".join(paths), n, "" if n == 1 else "s"), err=True)
    return paths, selected, g


def _changed_args(paths, changed) -> tuple[tuple, list]:
    """--changed takes every file name after it (pre-commit appends them to the entry):
    click gives it the first one and the rest as PATHS. Split PATHS by the raw arguments:
    those before the first --changed keep their meaning, the others are changed files."""
    ctx = click.get_current_context()
    raw = list((ctx.find_root().obj or {}).get("argv") or [])
    if not raw:
        return (), list(changed) + list(paths)
    keep: list = []
    extra: list = []
    in_changed = False
    takes_value = {"--config", "--crds", "--schema-location", "--kubernetes-version",
                   "--cache", "--format", "--output", "--fail-on", "--since", "--rule",
                   "--ignore"}
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok == "--changed":
            in_changed = True
            i += 2              # its own value is in `changed` already
            continue
        if tok.startswith("--changed="):
            in_changed = True
        elif tok in takes_value:
            i += 2
            continue
        elif tok.startswith("-") and tok != "-":
            pass
        elif tok in paths:
            (extra if in_changed else keep).append(tok)
        i += 1
    return tuple(keep), list(changed) + [p for p in extra if p not in changed]


def _git_changed(rev: str) -> list[str]:
    """Files changed since `rev` in the working tree (deleted ones included) and untracked
    files, relative to the current folder."""
    import subprocess

    def git(*args):
        p = subprocess.run(["git"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise click.UsageError("--since %s: git %s failed: %s" % (
                rev, " ".join(args), p.stderr.decode("utf-8", "replace").strip()))
        return p.stdout.decode("utf-8", "surrogateescape").splitlines()

    top = git("rev-parse", "--show-toplevel")[0]
    files = git("-C", top, "diff", "--name-only", "--no-renames", rev, "--")
    files += git("-C", top, "ls-files", "--others", "--exclude-standard")
    out: list = []
    for f in files:
        p = os.path.relpath(os.path.join(top, f))
        if f and p not in out:
            out.append(p)
    return out


