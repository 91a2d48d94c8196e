"""kustgen build: render overlays, byte-identical to `kustomize build`."""

from __future__ import annotations

import os
import sys

import click


def _atomic_write(path: str, text: str) -> None:
    from kustgen.fs import atomic_write
    atomic_write(path, text)


@click.command()
@click.argument("dirs", nargs=-1, required=True, type=click.Path())
@click.option("--engine", type=click.Choice(["embedded", "kustomize"]), default="embedded",
              show_default=True, help="Render with kustgen's engine or with kustomize/kubectl.")
@click.option("--reorder", type=click.Choice(["legacy", "none"]), default=None,
              help="Output order: Kustomize's legacy kind order (default) or as listed.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="Write the rendered YAML to FILE instead of standard output.")
@click.option("--output-dir", type=click.Path(file_okay=False),
              help="Render every DIR into OUT/<dir with / as _>.yaml.")
@click.option("--origins", is_flag=True,
              help="Precede each resource with comments naming the file:line it came from "
                   "and the file:line that set each transformed or patched field.")
@click.option("-v", "--verbose", is_flag=True, help="Say which engine rendered what.")
def build(dirs, engine, reorder, output, output_dir, origins, verbose):
    """Render kustomization DIR(s) like `kustomize build`."""
    from kustgen import api
    if len(dirs) > 1 and not output_dir:
        raise click.UsageError("several directories need --output-dir")
    if output and output_dir:
        raise click.UsageError("-o and --output-dir cannot be used together")
    results = api.render(list(dirs), reorder, engine)
    rc = 0
    for r in results:
        for n in r.notes:
            if verbose:
                click.echo(n, err=True)
        if r.error is not None:
            click.echo("error: %s" % " ".join(str(r.error).split("\n")), err=True)
            rc = 2
            continue
        if origins and r.engine == "embedded":
            r.text = api.render_with_origins(r.resources)
        if verbose and r.engine == "embedded":
            click.echo("%s: rendered %d resources with the embedded engine"
                       % (r.path, len(r.resources)), err=True)
        if output_dir:
            _atomic_write(os.path.join(output_dir, api.output_name(r.path)), r.text)
        elif output:
            _atomic_write(output, r.text)
        else:
            data = r.text.encode("utf-8", "surrogateescape")
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    return rc
