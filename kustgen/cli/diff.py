"""kustgen diff: what differs between two environments' rendered output."""

from __future__ import annotations

import os
import sys

import click


@click.command()
@click.argument("a")
@click.argument("b")
@click.option("--all", "show_all", is_flag=True,
              help="Also show environment-specific differences (region, naming, ...).")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "markdown"]), help="Output format.")
@click.option("--base", "base_rev", default=None, metavar="REV",
              help="Also show what changed in each environment since git revision REV.")
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
def diff(a, b, show_all, fmt, base_rev, config_path):
    """Compare the rendered output of environments A and B (names from kustgen.yaml or
    overlay folders), like diff(1): '-' is A, '+' is B.

    Exit 0: no difference shown; 1: differences; 2: error."""
    from kustgen.config import load_config
    from kustgen import diff as kdiff
    cfg = load_config(".", config_path)
    d = kdiff.diff_envs(cfg, a, b, show_all=show_all, base_rev=base_rev)
    if fmt == "json":
        text = kdiff.render_json(d)
    elif fmt == "markdown":
        text = kdiff.render_markdown(d)
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = kdiff.render_text(d, color=bool(color))
    click.echo(text, nl=not text.endswith("\n"))
    differs = bool(d.resources) or any(bd.resources for bd in d.base.values())
    return 1 if differs else 0
