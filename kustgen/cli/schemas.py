"""kustgen schemas: manage a local catalog of vendored CRD schemas."""

from __future__ import annotations

import click


@click.group()
def schemas() -> None:
    """Vendor CRD schemas into a local catalog folder and inspect it."""


@schemas.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--to", "dest", default="schemas", show_default=True,
              type=click.Path(file_okay=False),
              help="Catalog folder: schemas go to DIR/{group}/{kind}_{version}.json.")
@click.option("--kinds", "kinds", multiple=True, metavar="GLOB",
              help="Import only kinds matching GLOB, on Kind or group/Kind "
                   "(case-insensitive, repeatable, comma-separated lists allowed).")
@click.option("--force", is_flag=True,
              help="Overwrite schema files edited since they were imported.")
@click.option("--offline", is_flag=True,
              help="Do not download: URLs are read from the schema cache only.")
def import_(sources, dest, kinds, force, offline):
    """Import the served versions of the CRDs in SOURCE... (CRD files, folders, http(s)
    URLs, or - for standard input, e.g. `kubectl get crd -o yaml`)."""
    import sys

    from kustgen.model.errors import KustgenError
    from kustgen.schemas.vendor import import_crds
    globs = [g.strip() for k in kinds for g in k.split(",") if g.strip()]
    if list(sources).count("-") > 1:
        raise click.UsageError("standard input (-) can be given only once")
    stdin_text = None
    if "-" in sources:
        stdin_text = sys.stdin.buffer.read()
    try:
        res = import_crds(list(sources), dest, kinds=globs, force=force,
                          stdin_text=stdin_text, offline=offline)
    except KustgenError as e:
        click.echo("kustgen: %s" % " ".join(str(e).split("\n")), err=True)
        return 2
    rows = ([("added", p) for p in res.added] + [("updated", p) for p in res.updated]
            + [("unchanged", p) for p in res.unchanged])
    for status, p in sorted(rows, key=lambda r: r[1]):
        click.echo("%-9s  %s" % (status, p))
    for p in res.conflicts:
        click.echo("kustgen: %s: edited since it was imported (sha256 differs from %s); "
                   "not overwritten, use --force to replace it"
                   % (_join(dest, p), "schemas.lock.json"), err=True)
    for e in res.errors:
        click.echo("kustgen: %s" % " ".join(str(e).split("\n")), err=True)
    parts = ["%d added" % len(res.added), "%d updated" % len(res.updated),
             "%d unchanged" % len(res.unchanged)]
    if res.conflicts:
        parts.append("%d conflicts" % len(res.conflicts))
    if res.errors:
        parts.append("%d errors" % len(res.errors))
    if res.skipped:
        parts.append("%d non-CRD documents skipped" % res.skipped)
    if res.filtered:
        parts.append("%d left out by --kinds" % res.filtered)
    if res.duplicates:
        parts.append("%d duplicates ignored" % len(res.duplicates))
    click.echo("%s in %s" % (", ".join(parts), dest))
    return 0 if res.ok else 1


def _join(dest: str, rel: str) -> str:
    import os
    return os.path.join(dest, *rel.split("/"))
