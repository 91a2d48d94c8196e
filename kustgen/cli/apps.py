"""kustgen apps check: Argo CD Applications point at paths that exist at their revision."""

from __future__ import annotations

import click

from kustgen.cli.reporting import emit, format_outputs, report_options


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
@report_options
def check(paths, config_path, base_rev, rev_mode, formats, outputs, fail_on):
    """Check that every Argo CD Application's source path exists (and renders) at its
    target revision, and that ApplicationSet git generators match something.

    PATHS: files or folders holding Applications (default: the whole repository)."""
    from kustgen.argocd import APP_RULES, check_apps
    from kustgen.config import load_config
    pairs = format_outputs(formats, outputs)
    cfg = load_config(".", config_path)
    res = check_apps(list(paths) or None, config=cfg, base_rev=base_rev, rev_mode=rev_mode)
    failed = emit(pairs, res.findings, rules=APP_RULES, fail_on=fail_on, resources=res.checked)
    return 1 if failed else 0
