"""kustgen validate: render overlays and check every resource against its schema."""

from __future__ import annotations

import os
import sys

import click

from kustgen.cli.reporting import emit, format_outputs, report_options


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
                   "--cache", "--format", "--output", "--fail-on", "--since"}
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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@click.option("--crds", "crds", multiple=True, metavar="PATH|URL",
              help="CRD file, folder or URL to validate custom resources against "
                   "(repeatable; asked before kustgen.yaml's sources).")
@click.option("--schema-location", "locations", multiple=True, metavar="TEMPLATE",
              help="kubeconform-style schema location: a folder or URL template with "
                   "{{ .Group }}, {{ .ResourceKind }}, {{ .ResourceAPIVersion }}, "
                   "{{ .KindSuffix }}, ... (repeatable; 'default' for kubeconform's).")
@click.option("--kubernetes-version", default=None, metavar="X.Y.Z",
              help="Kubernetes version of the built-in schemas (default: kustgen.yaml, "
                   "else 1.32.0).")
@click.option("--strict/--no-strict", default=None,
              help="Unknown fields are errors (the API server would drop them silently). "
                   "Default on.")
@click.option("--no-cel", is_flag=True, help="Do not evaluate CEL validation rules.")
@click.option("--offline", is_flag=True, default=None,
              help="Never use the network: remote schemas come from the cache only.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False),
              help="Folder caching downloaded schemas (default: ~/.cache/kustgen/schemas; "
                   "a kubeconform -cache folder works too).")
@report_options
@click.option("--summary/--no-summary", "coverage", default=False,
              help="Text format: print the coverage summary (validated/skipped per kind).")
@click.option("-v", "--verbose", is_flag=True, help="Say which schema sources were used.")
@click.option("--changed", "changed", multiple=True, metavar="FILE...",
              help="Validate only what these changed files affect: the overlays whose build "
                   "reads them (or that they are the kustomization of) and changed plain "
                   "manifests; other files (README.md, *.py) are ignored. Takes every file "
                   "name after it, as pre-commit passes them.")
@click.option("--since", "since", metavar="REV",
              help="Like --changed, with the files changed since the git revision REV: "
                   "`git diff --name-only REV`, untracked and deleted files.")
def validate(paths, config_path, crds, locations, kubernetes_version, strict, no_cel, offline,
             cache_dir, formats, outputs, fail_on, coverage, verbose, changed, since):
    """Render overlays and validate every resource against its schema.

    PATHS are overlays, files of the repo (the overlays that include them), or plain
    manifests (files, folders, '-' for standard input). Without PATHS: every environment
    of kustgen.yaml, else every kustomization root below the current folder."""
    from kustgen import api
    from kustgen.config import check_kubernetes_version, load_config
    pairs = format_outputs(formats, outputs)
    if kubernetes_version is not None:
        kubernetes_version = check_kubernetes_version(kubernetes_version)
    cfg = load_config(".", config_path)
    selected = None
    if changed or since:
        paths, changed = _changed_args(paths, changed)
        if since:
            changed = list(changed) + [f for f in _git_changed(since) if f not in changed]
        from kustgen.graph import build_graph
        g = build_graph(cfg)
        selected = [g.path(o) for o in g.affected(changed)] + g.manifests(changed)
        paths = tuple(selected) + tuple(p for p in paths if p not in selected)
        if not paths:
            msg = "kustgen: nothing to validate (%d changed file%s affect%s no overlay)" % (
                len(changed), "" if len(changed) == 1 else "s",
                "s" if len(changed) == 1 else "")
            click.echo(msg, err=pairs != [("text", None)])
            return 0
        click.echo("kustgen: validating %s (affected by %d changed file%s)" % (
            ", ".join(paths), len(changed), "" if len(changed) == 1 else "s"), err=True)
    stdin = None
    if "-" in paths:
        if sys.stdin.isatty():
            raise click.UsageError("'-' reads manifests from standard input, but nothing is "
                                   "piped in")
        stdin = sys.stdin.read()
    res = api.validate(list(paths), config=cfg, crds=list(crds), locations=list(locations),
                       kubernetes_version=kubernetes_version, strict=strict,
                       cel=False if no_cel else None, offline=offline or None,
                       cache_dir=cache_dir, stdin=stdin,
                       session=g.session if selected is not None else None,
                       prerendered=g.results if selected is not None else None)
    from kustgen.validate import RULES

    def with_targets(fmt: str, text: str) -> str:
        if fmt != "json" or selected is None:
            return text
        import json
        doc = json.loads(text)
        doc["overlays"] = list(res.overlays)
        doc["changed"] = list(changed)
        return json.dumps(doc, indent=2) + "\n"

    failed = emit(pairs, res.findings, rules=RULES, fail_on=fail_on,
                  resources=res.stats.get("resources"),
                  coverage_for=lambda fmt: res.stats.get("kinds") if fmt != "text" or coverage
                  else None, extra=with_targets)
    if verbose:
        for n in res.notes:
            click.echo("note: %s" % n, err=True)
    if res.render_errors:
        return 2
    return 1 if failed else 0
