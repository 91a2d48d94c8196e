"""`kustgen promote A B`: carry A's overlay onto B's, except environment-specific
content; verified before anything is written."""

from __future__ import annotations

import sys

import click



def _diff_module():
    try:
        from kustgen import diff as d   # written separately; optional
        if hasattr(d, "diff_renders") and hasattr(d, "render_text"):
            return d
    except Exception:  # noqa: BLE001
        pass
    return None


def _rendered_text(p, color: bool) -> str:
    d = _diff_module()
    if d is not None and p.registry is not None:
        try:
            from kustgen.envspec import EnvSpecific
            ed = d.diff_renders(p.before, p.after, a=p.target, b=p.target,
                                envspec=EnvSpecific.from_config(p.cfg), registry=p.registry,
                                show_all=True)
            return d.render_text(ed, color=color)
        except Exception:  # noqa: BLE001 - fall back to the built-in listing
            pass
    return "".join(c.text(p.target) + "\n" for c in p.changes())


def _summary(p) -> str:
    lines = ["## Promote %s → %s" % (p.source, p.target), ""]
    changes = p.changes()
    if not changes:
        lines.append("No rendered change.")
    lines += ["- " + c.text(p.target) for c in changes]
    files = p.changeset.planned()
    if files:
        lines += ["", "Files:", ""]
        lines += ["- `%s` (%s)" % (f, "deleted" if t is None else "changed")
                  for f, t in sorted(files.items())]
    lines += ["", "Promoted from `%s`." % p.marker]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option("--next", "next_of", metavar="ENV",
              help="Promote ENV to the environment after it in kustgen.yaml.")
@click.option("--dry-run", is_flag=True, help="Show everything; write nothing.")
@click.option("--no-verify", is_flag=True, help="Do not render and validate B first.")
@click.option("--summary", "summary", type=click.Path(dir_okay=False),
              help="Write a Markdown summary (for a pull request body) to FILE.")
@click.option("--resource", "resources", multiple=True, metavar="KIND/NAME",
              help="Promote only these resources' documents and patch entries.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="kustgen.yaml to use (default: found from here).")
def promote(source, target, next_of, dry_run, no_verify, summary, resources, config_path):
    """Make environment TARGET's overlay carry what SOURCE's has, except what is
    environment-specific. Exit 0 promoted (or nothing to promote), 1 refused by
    verification, 2 usage, config or render error."""
    from kustgen.config import load_config
    from kustgen.promote import next_environment, plan_promotion
    cfg = load_config(".", config_path) if config_path else load_config(".")
    if next_of:
        if target or (source and source != next_of):
            raise click.UsageError("give either --next ENV or SOURCE TARGET")
        source, target = next_of, next_environment(cfg, next_of)
    if not source or not target:
        raise click.UsageError("give SOURCE and TARGET environments, or --next ENV")
    p = plan_promotion(cfg, source, target, resources=resources, verify=not no_verify)
    p.cfg = cfg
    color = sys.stdout.isatty()
    if p.render_error is not None:
        click.echo(p.redact("kustgen: %s would not render after the promotion: %s; nothing "
                            "was written" % (target, " ".join(str(p.render_error).split()))),
                   err=True)
        sys.exit(1)
    if p.new_errors:
        click.echo("kustgen: promoting %s to %s would add %d error(s); nothing was written:"
                   % (source, target, len(p.new_errors)), err=True)
        for f in p.new_errors:
            click.echo(p.redact("  %s: %s [%s]" % (f.origin, f.message, f.rule)), err=True)
        sys.exit(1)
    if not p.changeset:
        click.echo("nothing to promote from %s to %s" % (source, target))
        if summary and not dry_run:
            with open(summary, "w", encoding="utf-8") as fh:
                fh.write(p.redact(_summary(p)))
        return 0
    for n in p.notes:
        click.echo(p.redact("note: " + n), err=True)
    if dry_run:
        click.echo(p.redact(p.changeset.diff()), nl=False)
    rendered = _rendered_text(p, color)
    if rendered:
        click.echo(p.redact(rendered), nl=False)
    if summary:
        text = p.redact(_summary(p))
        if dry_run:
            click.echo(text, nl=False)
        else:
            with open(summary, "w", encoding="utf-8") as fh:
                fh.write(text)
    if dry_run:
        click.echo("dry run: %d file(s) would change; nothing written"
                   % len(p.changeset.planned()))
        return 0
    written = p.changeset.commit()
    click.echo("promoted %s to %s: %s" % (source, target, ", ".join(written)))
    return 0
