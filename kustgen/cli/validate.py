"""kustgen validate: render overlays and check every resource against its schema."""

from __future__ import annotations

import os
import sys

import click

from kustgen.model import Severity


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--crds", "crds", multiple=True, type=click.Path(),
              help="CRD file or folder to validate custom resources against (repeatable).")
@click.option("--kubernetes-version", default="1.32.0", show_default=True,
              help="Kubernetes version of the built-in schemas.")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Unknown fields are errors (the API server would drop them silently).")
@click.option("--no-cel", is_flag=True, help="Do not evaluate CEL validation rules.")
@click.option("--format", "formats", multiple=True, default=("text",),
              type=click.Choice(["text", "json", "junit", "sarif", "github"]),
              help="Report format (repeatable; pair each with --output).")
@click.option("--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Where to write the report of the --format at the same position "
                   "(default: standard output).")
@click.option("--fail-on", default="error", show_default=True,
              type=click.Choice(["info", "warning", "error"]),
              help="Exit 1 when a finding has at least this severity.")
def validate(paths, crds, kubernetes_version, strict, no_cel, formats, outputs, fail_on):
    """Render overlays (or every kustomization root here) and validate all resources."""
    from kustgen import api
    from kustgen import report
    if len(outputs) > len(formats):
        raise click.UsageError("more --output than --format")
    res = api.validate(list(paths), crds=list(crds), kubernetes_version=kubernetes_version,
                       strict=strict, cel=not no_cel)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    from kustgen.validate import RULES
    rules = dict(RULES, **{"render-error": "The overlay does not render"})
    for i, fmt in enumerate(formats):
        out = outputs[i] if i < len(outputs) else None
        text = report.render(fmt, res.findings, resources=res.stats.get("resources"),
                             color=color and out is None, base_dir=os.getcwd(), rules=rules,
                             fail_on=fail_on)
        if out:
            from kustgen.cli.build import _atomic_write
            _atomic_write(out, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    if res.render_errors:
        return 2
    threshold = Severity.parse(fail_on)
    return 1 if any(f.severity >= threshold for f in res.findings) else 0
