"""kustgen validate: render overlays and check every resource against its schema."""

from __future__ import annotations

import sys

import click

from kustgen.cli.changed import changed_options, select_changed
from kustgen.cli.reporting import emit, format_outputs, report_options


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
@changed_options
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
    paths, selected, graph = select_changed(cfg, paths, changed, since, pairs)
    if paths is None:
        return 0
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
                       session=graph.session if graph is not None else None,
                       prerendered=graph.results if graph is not None else None)
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
