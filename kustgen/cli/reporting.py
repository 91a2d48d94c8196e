"""What every checking command shares: --format (repeatable, each with its --output),
--fail-on, and writing the reports."""

from __future__ import annotations

import os
import sys

import click

from kustgen.model import Severity

FORMAT_NAMES = ["text", "json", "junit", "sarif", "github"]


def report_options(f):
    """--format/--output/--fail-on, as validate, apps check and ci take them."""
    f = click.option("--fail-on", default="error", show_default=True,
                     type=click.Choice(["info", "warning", "error"]),
                     help="Exit 1 when a finding has at least this severity.")(f)
    f = click.option("--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
                     help="Where to write the report of the --format given before it "
                          "(default: standard output).")(f)
    f = click.option("--format", "formats", multiple=True, default=("text",),
                     type=click.Choice(FORMAT_NAMES),
                     help="Report format (repeatable; pair each with --output).")(f)
    return f


def format_outputs(formats, outputs) -> list[tuple[str, str | None]]:
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


def emit(pairs, findings, *, rules: dict, fail_on: str, resources=None,
         coverage_for=None, extra=None, show_suppressed: bool = False) -> bool:
    """Write each (format, output) report; True when a finding reaches --fail-on.
    ``coverage_for(fmt)`` gives the coverage table for a format (or None); ``extra(fmt,
    text)`` may rewrite a report before it is written. Suppressed findings never fail the
run; they are listed only with ``show_suppressed``."""
    from kustgen import report
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    threshold = Severity.parse(fail_on)
    for fmt, out in pairs:
        text = report.render(fmt, findings, resources=resources, color=color and out is None,
                             base_dir=os.getcwd(), rules=rules, fail_on=threshold,
                             coverage=coverage_for(fmt) if coverage_for else None,
                             show_suppressed=show_suppressed)
        if extra is not None:
            text = extra(fmt, text)
        if out:
            from kustgen.fs import atomic_write
            atomic_write(out, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    return any(f.severity >= threshold and not f.suppressed for f in findings)
