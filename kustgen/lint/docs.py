"""Rule documentation for people: the `kustgen rules` table, `kustgen explain`, and the
markdown reference (docs/rules.md, checked against the code by a test)."""

from __future__ import annotations

from kustgen.lint.rule import ALL, PROTECTED, UNPROTECTED

_SCOPE = {ALL: "all environments", PROTECTED: "protected environments",
          UNPROTECTED: "unprotected environments"}


def configured(rs) -> dict | None:
    """What kustgen.yaml changes for a rule (None: nothing)."""
    out: dict = {}
    if not rs.enabled:
        out["enabled"] = False
    if rs.severity is not None:
        out["severity"] = str(rs.severity)
    if rs.by_env:
        out["severityByEnvironment"] = {k: str(v) if v is not None else "off"
                                        for k, v in rs.by_env.items()}
    if rs.environments is not None:
        out["environments"] = list(rs.environments)
    if rs.options:
        out["options"] = dict(rs.options)
    if rs.exclude:
        out["exclude"] = list(rs.exclude)
    return out or None


def _configured_text(rs) -> str:
    c = configured(rs)
    if not c:
        return ""
    parts = []
    if c.get("enabled") is False:
        parts.append("off")
    if "severity" in c:
        parts.append(c["severity"])
    for env, sev in (c.get("severityByEnvironment") or {}).items():
        parts.append("%s in %s" % (sev, env))
    if "environments" in c:
        parts.append("only " + ",".join(c["environments"]))
    if "options" in c:
        parts.append("options")
    if "exclude" in c:
        parts.append("excludes")
    return "; ".join(parts)


def table(rules, settings) -> str:
    rows = [("ID", "NAME", "SEVERITY", "APPLIES TO", "KUSTGEN.YAML", "SUMMARY")]
    for r in rules:
        rows.append((r.id, r.name, str(r.severity), r.environments,
                     _configured_text(settings.of(r.id)) or "-", r.summary))
    w = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(row[:5])) + "  " + row[5]
             for row in rows]
    lines.append("")
    lines.append("`kustgen explain ID` explains a rule; configure them in kustgen.yaml "
                 "`rules:`.")
    return "\n".join(lines)


def _tree(files: dict) -> list[str]:
    out = []
    for path, text in files.items():
        out.append("```yaml")
        out.append("# %s" % path)
        out.append(text.rstrip("\n"))
        out.append("```")
    return out


def explain(rule, rs=None) -> str:
    """Everything about one rule, as text for a terminal (markdown-flavoured)."""
    lines = ["%s %s (%s)" % (rule.id, rule.name, rule.category), "",
             rule.summary, "",
             "Default severity: %s. Applies to: %s." % (rule.severity,
                                                         _SCOPE[rule.environments])]
    if rs is not None:
        c = _configured_text(rs)
        if c:
            lines.append("This repository's kustgen.yaml: %s." % c)
    lines += ["", rule.doc.rstrip("\n")]
    if rule.options:
        lines += ["", "Options (kustgen.yaml `rules: {%s: {options: {...}}}`):" % rule.id]
        for name, o in rule.options.items():
            lines.append("  %s (default %r): %s" % (name, o.default, o.help))
    lines += ["", "Bad (the rule fires):", ""] + _tree(rule.bad)
    lines += ["", "Good:", ""] + _tree(rule.good)
    lines += ["", "Suppress one finding with `# kustgen: ignore[%s] reason` on its line, or "
              "the annotation `kustgen.io/ignore: \"%s reason\"` on the resource." % (
                  rule.id, rule.id)]
    return "\n".join(lines) + "\n"


def markdown(rules) -> str:
    """The rule reference: docs/rules.md."""
    out = ["# kustgen lint rules", "",
           "Generated from the rules' own documentation by `kustgen rules --format "
           "markdown`; a test keeps it in step with the code. Configure rules in "
           "`kustgen.yaml` under `rules:`; suppress one finding with "
           "`# kustgen: ignore[ID] reason` or the `kustgen.io/ignore` annotation.", "",
           "| ID | Name | Severity | Applies to | Summary |", "|---|---|---|---|---|"]
    for r in rules:
        out.append("| [%s](#%s) | %s | %s | %s | %s |" % (
            r.id, r.id.lower(), r.name, r.severity, _SCOPE[r.environments],
            r.summary.replace("|", "\\|")))
    for r in rules:
        out += ["", "## %s" % r.id, "", "`%s` (%s). Default severity **%s**; applies to %s." % (
            r.name, r.category, r.severity, _SCOPE[r.environments]), "", r.summary + ".", "",
            r.doc.rstrip("\n")]
        if r.options:
            out += ["", "Options:", ""]
            for name, o in r.options.items():
                out.append("- `%s` (default `%s`): %s" % (name, _show(o.default), o.help))
        out += ["", "Bad (fires):", ""] + _tree(r.bad) + ["", "Good:", ""] + _tree(r.good)
    return "\n".join(out) + "\n"


def _show(v) -> str:
    import json
    return json.dumps(v)
