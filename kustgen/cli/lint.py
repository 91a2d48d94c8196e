"""kustgen lint, rules, explain and check."""

from __future__ import annotations

import click

from kustgen.cli.changed import changed_options, select_changed
from kustgen.cli.reporting import emit, format_outputs, report_options


def _check_rule_args(values) -> list[str]:
    from kustgen.lint import registry
    out = []
    for v in values:
        for part in v.split(","):
            part = part.strip()
            if not part:
                continue
            if registry.find(part) is None:
                hint = registry.closest(part)
                raise click.UsageError("no rule %r%s (`kustgen rules` lists them)" % (
                    part, "; did you mean %s?" % hint if hint else ""))
            out.append(part)
    return out


def _lint_options(f):
    f = click.option("--show-suppressed", is_flag=True,
                     help="Also list the findings that `# kustgen: ignore[...]` comments or "
                          "kustgen.io/ignore annotations suppress (they are always "
                          "counted).")(f)
    f = click.option("--ignore", "ignore", multiple=True, metavar="RULE",
                     help="Do not run this rule (id or name; repeatable).")(f)
    f = click.option("--rule", "select", multiple=True, metavar="RULE",
                     help="Run only this rule (id or name; repeatable), even when "
                          "kustgen.yaml disables it.")(f)
    return f


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@_lint_options
@click.option("--offline", is_flag=True, default=None,
              help="Never use the network (rules that read schemas use the cache only).")
@report_options
@changed_options
def lint(paths, config_path, select, ignore, show_suppressed, offline, formats, outputs,
         fail_on, changed, since):
    """Lint overlays and manifests: valid YAML that does the wrong thing on this platform
    (deprecated Kustomize fields, patches matching nothing, Delete policies in protected
    environments, floating Argo CD revisions, ...). `kustgen rules` lists the rules,
    `kustgen explain ID` explains one.

    PATHS as for validate (overlays, files of the repo, plain manifests); without PATHS,
    every environment and every other kustomization root of the repository.
    Exit 0 clean, 1 findings at or above --fail-on, 2 an overlay does not render or the
    configuration is wrong."""
    from kustgen import api
    from kustgen.config import load_config
    pairs = format_outputs(formats, outputs)
    cfg = load_config(".", config_path)
    select, ignore = _check_rule_args(select), _check_rule_args(ignore)
    paths, _selected, graph = select_changed(cfg, paths, changed, since, pairs, "lint")
    if paths is None:
        return 0
    res = api.lint(list(paths) or None, config=cfg, select=select, ignore=ignore,
                   offline=offline, session=graph.session if graph is not None else None,
                   prerendered=graph.results if graph is not None else None)
    from kustgen.lint.registry import descriptions
    failed = emit(pairs, res.findings, rules=descriptions(), fail_on=fail_on,
                  resources=res.resources, show_suppressed=show_suppressed)
    if res.render_errors:
        return 2
    return 1 if failed else 0


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml to use (default: found here or in a parent folder).")
@_lint_options
@click.option("--no-apps", is_flag=True, help="Do not check Argo CD Applications.")
@click.option("--offline", is_flag=True, default=None, help="Never use the network.")
@report_options
@changed_options
def check(paths, config_path, select, ignore, show_suppressed, no_apps, offline, formats,
          outputs, fail_on, changed, since):
    """Every check in one pass: validate, lint and Argo CD apps, each overlay rendered
    once. PATHS as for lint. Exit 0 clean, 1 findings at or above --fail-on, 2 an
    overlay does not render or the configuration is wrong."""
    from kustgen import api
    from kustgen.config import load_config
    pairs = format_outputs(formats, outputs)
    cfg = load_config(".", config_path)
    select, ignore = _check_rule_args(select), _check_rule_args(ignore)
    paths, _selected, graph = select_changed(cfg, paths, changed, since, pairs, "check")
    if paths is None:
        return 0
    res = api.check(list(paths) or None, config=cfg, offline=offline, select=select,
                    ignore=ignore, apps=not no_apps)
    failed = emit(pairs, res.findings, rules=res.rules, fail_on=fail_on,
                  resources=res.resources, show_suppressed=show_suppressed)
    if res.render_errors:
        return 2
    return 1 if failed else 0


@click.command()
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "markdown"]),
              help="markdown: the full documentation of every rule, with examples.")
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml whose `rules:` settings to show (default: found here).")
def rules(fmt, config_path):
    """List the lint rules: id, name, default severity, where they apply, and how
    kustgen.yaml configures them here."""
    from kustgen.config import load_config
    from kustgen.lint import docs, registry, settings
    cfg = load_config(".", config_path)
    st = settings.parse(cfg)
    all_rules = registry.all_rules()
    if fmt == "json":
        import json
        out = []
        for r in all_rules:
            d = r.describe()
            d["configured"] = docs.configured(st.of(r.id))
            out.append(d)
        click.echo(json.dumps({"version": 1, "rules": out}, indent=2))
        return 0
    if fmt == "markdown":
        click.echo(docs.markdown(all_rules), nl=False)
        return 0
    click.echo(docs.table(all_rules, st))
    return 0


@click.command()
@click.argument("rule")
@click.option("--config", "config_path", type=click.Path(),
              help="kustgen.yaml whose `rules:` settings to show (default: found here).")
def explain(rule, config_path):
    """Explain a lint rule (id like KG101, or its name): why it matters, what to do,
    its options, and a bad and a good example."""
    from kustgen.config import load_config
    from kustgen.lint import docs, registry, settings
    r = registry.find(rule)
    if r is None:
        hint = registry.closest(rule)
        raise click.UsageError("no rule %r%s (`kustgen rules` lists them)" % (
            rule, "; did you mean %s?" % hint if hint else ""))
    cfg = load_config(".", config_path)
    click.echo(docs.explain(r, settings.parse(cfg).of(r.id)), nl=False)
    return 0
