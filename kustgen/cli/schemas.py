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


@schemas.command("list")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@click.option("--crds", "crds", multiple=True, metavar="PATH|URL",
              help="More CRDs, as for `kustgen validate`.")
@click.option("--schema-location", "locations", multiple=True, metavar="TEMPLATE",
              help="More schema locations, as for `kustgen validate`.")
@click.option("--kubernetes-version", default=None, metavar="X.Y.Z")
@click.option("--offline", is_flag=True, default=None, help="Never use the network.")
@click.option("--all", "all_", is_flag=True,
              help="Also list every kind the CRD, catalog and XRD sources know.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_(paths, config_path, crds, locations, kubernetes_version, offline, all_, fmt):
    """Which kinds the overlays (or PATHS) use, and which schema source covers each."""
    import json

    from kustgen import api
    from kustgen.config import check_kubernetes_version, load_config
    if kubernetes_version is not None:
        kubernetes_version = check_kubernetes_version(kubernetes_version)
    cfg = load_config(".", config_path)
    cov = api.list_schemas(list(paths), config=cfg, crds=list(crds), locations=list(locations),
                           kubernetes_version=kubernetes_version, offline=offline or None,
                           all=all_)
    for f in cov.findings:
        click.echo("kustgen: %s: %s" % (f.origin, f.message), err=True)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "sources": cov.sources, "used": cov.used,
                               "known": cov.known if all_ else None}, indent=2))
        return 0
    click.echo("Sources, in the order asked:")
    for i, s in enumerate(cov.sources, 1):
        click.echo("  %d. %s" % (i, s))
    if cov.used:
        w = max(len("%s %s" % (u["apiVersion"], u["kind"])) for u in cov.used)
        click.echo("")
        click.echo("%-*s  %9s  %s" % (w, "kind used", "resources", "schema"))
        for u in cov.used:
            click.echo("%-*s  %9d  %s" % (w, "%s %s" % (u["apiVersion"], u["kind"]),
                                          u["resources"], u["source"] or "MISSING"))
        missing = sum(1 for u in cov.used if not u["source"])
        click.echo("")
        click.echo("%d kinds used, %d covered, %d without a schema"
                   % (len(cov.used), len(cov.used) - missing, missing))
    if all_ and cov.known:
        click.echo("")
        click.echo("Known kinds:")
        for k in cov.known:
            click.echo("  %s %s  (%s)" % (k["apiVersion"], k["kind"], k["source"]))
    return 0
