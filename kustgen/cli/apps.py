"""kustgen apps check: Argo CD Applications point at paths that exist at their revision."""

from __future__ import annotations

import os
import sys

import click

from kustgen.model import Severity


@click.group()
def apps() -> None:
    """Argo CD Applications and ApplicationSets of the repository."""


@apps.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@click.option("--base", "base_rev", default=None, metavar="REV",
              help="Compare the Applications each ApplicationSet generates with REV.")
@click.option("--rev-mode", default="worktree", show_default=True,
              type=click.Choice(["worktree", "staged", "committed"]),
              help="What HEAD (and the current branch) stands for: the working tree, "
                   "the index, or HEAD's commit.")
@click.option("--format", "formats", multiple=True, default=("text",),
              type=click.Choice(["text", "json", "junit", "sarif", "github"]),
              help="Report format (repeatable; pair each with --output).")
@click.option("--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Where to write the report of the --format given before it "
                   "(default: standard output).")
@click.option("--fail-on", default="error", show_default=True,
              type=click.Choice(["info", "warning", "error"]),
              help="Exit 1 when a finding has at least this severity.")
def check(paths, config_path, base_rev, rev_mode, formats, outputs, fail_on):
    """Check that every Argo CD Application's source path exists (and renders) at its
    target revision, and that ApplicationSet git generators match something.

    PATHS: files or folders holding Applications (default: the whole repository)."""
    from kustgen import report
    from kustgen.argocd import APP_RULES, check_apps
    from kustgen.cli.validate import _format_outputs
    from kustgen.config import load_config
    pairs = _format_outputs(formats, outputs)
    cfg = load_config(".", config_path)
    res = check_apps(list(paths) or None, config=cfg, base_rev=base_rev, rev_mode=rev_mode)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    threshold = Severity.parse(fail_on)
    for fmt, out in pairs:
        text = report.render(fmt, res.findings, resources=res.checked,
                             color=color and out is None, base_dir=os.getcwd(),
                             rules=APP_RULES, fail_on=threshold)
        if out:
            from kustgen.cli.build import _atomic_write
            _atomic_write(out, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    return 1 if any(f.severity >= threshold for f in res.findings) else 0
