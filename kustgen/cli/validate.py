"""kustgen validate: render overlays and check every resource against its schema."""

from __future__ import annotations

import os
import sys

import click

from kustgen.model import Severity


def _format_outputs(formats, outputs) -> list[tuple[str, str | None]]:
    """Pair each --output with the --format given before it on the command line (click
    keeps each option's values, not their interleaving, so read the raw arguments)."""
    ctx = click.get_current_context()
    raw = list((ctx.find_root().obj or {}).get("argv") or [])
    order: list[list] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        for opt in ("--format", "--output"):
            if tok == opt and i + 1 < len(raw):
                order.append([opt, raw[i + 1]])
                i += 1
            elif tok.startswith(opt + "="):
                order.append([opt, tok[len(opt) + 1:]])
        i += 1
    pairs: list[list] = []
    for opt, val in order:
        if opt == "--format":
            pairs.append([val, None])
        elif not pairs or pairs[-1][1] is not None:
            raise click.UsageError("--output %s must follow the --format it is for" % val)
        else:
            pairs[-1][1] = val
    if not order:        # no raw arguments at hand (library use): pair by position
        pairs = [[f, outputs[i] if i < len(outputs) else None] for i, f in enumerate(formats)]
    if [p[0] for p in pairs] != list(formats) and order:
        pairs = [[f, None] for f in formats]
    if not pairs:
        pairs = [["text", None]]
    outs = [p[1] for p in pairs if p[1]]
    if len(set(outs)) != len(outs):
        raise click.UsageError("two formats cannot write to the same --output file")
    return [(f, o) for f, o in pairs]


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
    pairs = _format_outputs(formats, outputs)
    res = api.validate(list(paths), crds=list(crds), kubernetes_version=kubernetes_version,
                       strict=strict, cel=not no_cel)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    from kustgen.validate import RULES
    rules = dict(RULES, **{"render-error": "The overlay does not render"})
    for fmt, out in pairs:
        text = report.render(fmt, res.findings, resources=res.stats.get("resources"),
                             color=color and out is None, base_dir=os.getcwd(), rules=rules,
                             fail_on=Severity.parse(fail_on))
        if out:
            from kustgen.cli.build import _atomic_write
            _atomic_write(out, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    if res.render_errors:
        return 2
    threshold = Severity.parse(fail_on)
    return 1 if any(f.severity >= threshold for f in res.findings) else 0
