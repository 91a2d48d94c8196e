"""kustgen platform render: the control plane of each environment's cluster, generated
from kustgen.yaml into platform/."""

from __future__ import annotations

import os

import click


@click.group()
def platform() -> None:
    """The platform: Argo CD, Crossplane, Argo Events and Argo Workflows wiring."""


@platform.command("render")
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when platform/ is missing files or differs from "
                   "what kustgen.yaml and the overlays give (a CI or pre-commit gate).")
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
@click.option("--force", is_flag=True,
              help="Overwrite generated files that were edited by hand.")
def render(config_path, check, dry_run, force):
    """Write platform/ from kustgen.yaml (`platform:`) and the environments' overlays:
    per environment, the root Application and the infrastructure Application, the
    ProviderConfig, the EventSource and Sensor watching the kinds the overlay uses, and
    the verification WorkflowTemplate with its RBAC. Files edited by hand are kept unless
    --force; so is the overlay of an environment kustgen.yaml no longer lists (--force
    deletes it). Run it again whenever the overlays start using new kinds."""
    from kustgen.config import load_config
    from kustgen.scaffold.repo import plan_platform
    cfg = load_config(".", config_path)
    root = os.path.abspath(cfg.root)
    res = plan_platform(root, cfg, force=force)
    for n in res.notes:
        click.echo("note: %s" % n, err=True)
    if check:
        for rel in sorted(res.missing):
            click.echo("missing  %s" % rel)
        for rel in sorted(res.stale):
            click.echo("differs  %s" % rel)
        for rel in res.orphans:
            click.echo("extra    %s" % rel)
        if res.missing or res.stale or res.orphans:
            click.echo("platform/ is not what kustgen.yaml gives: run `kustgen platform "
                       "render` (--force for the files that differ)", err=True)
            return 1
        click.echo("platform/ is up to date (%d files)" % len(res.files))
        return 0
    for rel in res.stale:
        click.echo("kept     %s (edited; --force overwrites it)" % rel, err=True)
    from kustgen.cli.scaffold import _finish
    return _finish(res.changes, dry_run, root)
