"""kustgen graph: which files each overlay's build reads."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("overlays", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@click.option("--dot", is_flag=True, help="Graphviz output: overlay -> kustomization "
              "folders -> files (pipe into `dot -Tsvg`).")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json", "dot"]),
              help="Output format (default text).")
@click.option("--affected", "changed", multiple=True, metavar="FILE",
              help="Print only the overlays a change to FILE affects (repeatable).")
def graph(overlays, config_path, dot, fmt, changed):
    """Show the dependency graph: the files (kustomizations, resources, components,
    patches, generator inputs, ...) read by the build of each overlay. OVERLAYS: default
    the environments of kustgen.yaml, else every kustomization root."""
    from kustgen.config import load_config
    from kustgen.graph import build_graph
    cfg = load_config(".", config_path)
    g = build_graph(cfg, roots=list(overlays) or None)
    if changed:
        hit = g.affected(list(changed))
        if fmt == "json":
            click.echo(json.dumps({"changed": list(changed),
                                   "overlays": [g.path(o) for o in hit]}, indent=2))
        else:
            for o in hit:
                click.echo(g.path(o))
        return 0
    if dot or fmt == "dot":
        click.echo(g.to_dot(), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(g.to_json(), indent=2))
    else:
        click.echo(g.to_text(), nl=False)
    return 1 if g.errors else 0
