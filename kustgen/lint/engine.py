"""Run the rules over a prepared context and turn their hits into findings.

For each enabled rule: run its check; locate each hit (a field of a rendered resource is
located through its provenance); resolve the environment it concerns and keep it only
when the rule applies there (the rule's default scope, or `environments:` from
kustgen.yaml); pick the severity (per environment, else per rule, else the default);
drop paths excluded by the configuration; apply suppressions (comments and annotations),
which keep the finding but mark it. The same finding seen from several overlays (a base
file rendered into each) is reported once, at its highest severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kustgen.lint.context import EnvInfo, LintContext
from kustgen.lint.rule import ALL, PROTECTED, UNPROTECTED, Hit, Rule
from kustgen.lint.settings import Settings
from kustgen.model import Finding, KustgenError, Origin
from kustgen.model.origin import dotted


@dataclass
class LintRun:
    findings: list = field(default_factory=list)       # active and suppressed
    rules_run: list = field(default_factory=list)      # rule ids

    @property
    def active(self) -> list:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list:
        return [f for f in self.findings if f.suppressed]


def _in_scope(env: EnvInfo, scope, default: str) -> bool:
    if scope is None:
        scope = [default]
    for s in scope:
        if s == ALL:
            return True
        if s == PROTECTED and env.protected:
            return True
        if s == UNPROTECTED and not env.protected:
            return True
        if env.name and s == env.name:
            return True
    return False


def run(ctx: LintContext, settings: Settings | None = None, *, rules: list | None = None,
        select: list[str] = (), ignore: list[str] = ()) -> LintRun:
    """Run ``rules`` (default: the registry) over ``ctx``. ``select``/``ignore``: rule ids
    or names given on the command line (run only these / skip these)."""
    from kustgen.lint import registry
    settings = settings or Settings()
    rules = rules if rules is not None else registry.all_rules()
    sel = {s.lower() for s in select}
    ign = {s.lower() for s in ignore}
    out = LintRun()
    best: dict = {}
    ctx.rules_run = out.rules_run
    ctx.all_rules_selected = not sel and not ign
    for rule in sorted(rules, key=lambda r: r.runs_last):
        keys = {rule.id.lower(), rule.name.lower()}
        if sel and not keys & sel:
            continue
        if keys & ign:
            continue
        rs = settings.of(rule.id)
        if not rs.enabled and not (keys & sel):
            continue
        opts = {k: o.default for k, o in rule.options.items()}
        opts.update(rs.options)
        out.rules_run.append(rule.id)
        try:
            hits = list(rule().check(ctx, opts))
        except KustgenError as e:      # a rule met data it cannot read: say so, go on
            hits = [Hit("rule %s could not finish: %s" % (rule.id, e.message),
                        Origin(e.file or ctx.config.file or "", e.line or 0))]
        for h in hits:
            f = _finding(ctx, settings, rule, h)
            if f is None:
                continue
            key = (f.rule, f.origin.file, f.origin.line, f.origin.column, f.message)
            prev = best.get(key)
            if prev is None or f.severity > prev.severity:
                best[key] = f
    out.findings = sorted(best.values())
    return out


def _finding(ctx: LintContext, settings: Settings, rule: type[Rule], h: Hit) -> Finding | None:
    origin = h.origin
    if origin is None and h.resource is not None:
        origin = ctx.locate(h.resource, h.path)
    if origin is None:
        origin = Origin(ctx.config.file or "", 0)
    if h.environment is not None:
        env = ctx.env_named(h.environment)
    else:
        ov = ctx.overlay(h.overlay) if h.overlay else None
        env = ov.env if ov is not None else (
            ctx.env_of_file(origin.file) if origin.file else EnvInfo(""))
    rs = settings.of(rule.id)
    if not _in_scope(env, rs.environments, rule.environments):
        return None
    sev = rs.severity or rule.severity
    if env.name and env.name in rs.by_env:
        sev = rs.by_env[env.name]
        if sev is None:
            return None
    if origin.file and settings.excluded(rule.id, ctx.relpath(origin.file)):
        return None
    if h.overlay and settings.excluded(rule.id, ctx.relpath(h.overlay)):
        return None
    from kustgen.model import ResId
    resid = h.resource.cur_id() if h.resource is not None else None
    f = Finding(origin, rule.id, sev, h.message, resid if isinstance(resid, ResId) else None,
                dotted(h.path), h.overlay)
    if ctx.suppressions is not None:
        s = ctx.suppressions.match(rule.id, rule.name, origin, h.resource)
        if s is not None:
            s.used += 1
            f = replace(f, suppressed=s.reason or "(no reason given)")
    return f


__all__ = ["run", "LintRun"]
