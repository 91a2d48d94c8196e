"""Plain text for people: one line per finding, files grouped, then a summary line.

::

    overlays/prod/db.yaml:12:5: error KG101: deletionPolicy must be Orphan [RDSInstance/main in overlays/prod]

    base/bucket.yaml:3: warning KG204: ... [Bucket/logs]

    1 error, 1 warning in 2 files

A message of several lines continues on lines indented by four spaces; control
characters (escape sequences) are shown escaped (``\\x1b``). Lines of one file stay
together; a blank line separates files. Unknown line or column (0) is left out, like
``Origin.__str__``. Colour (ANSI) only with ``color=True``.
"""

from __future__ import annotations

import re

from kustgen.model.finding import Finding, Severity
from kustgen.report import Reporter, Summary, resource_label

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEV_COLOR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_GREEN = "\x1b[32m"
# C0/C1 controls other than tab and newline: shown escaped, so that a message can never
# move the cursor, recolour or retitle the user's terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(s: str) -> str:
    """``s`` safe for a terminal line: controls escaped, continuation lines indented."""
    s = _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), s)
    return s.replace("\n", "\n    ")


def _plural(n: int, word: str) -> str:
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def summary_line(s: Summary) -> str:
    parts = [_plural(s.errors, "error"), _plural(s.warnings, "warning")]
    if s.infos:
        parts.append(_plural(s.infos, "info"))
    line = "%s in %s" % (", ".join(parts), _plural(s.files, "file"))
    checked = []
    if s.resources_checked is not None:
        checked.append(_plural(s.resources_checked, "resource"))
    if s.files_checked is not None:
        checked.append(_plural(s.files_checked, "file"))
    if checked:
        line += " (%s checked)" % " in ".join(checked)
    if s.suppressed:
        line += "; %s" % _plural(s.suppressed, "suppressed finding")
    return line


class TextReporter(Reporter):
    name = "text"

    def _c(self, code: str, s: str) -> str:
        return "%s%s%s" % (code, s, _RESET) if self.color and s else s

    def format_finding(self, f: Finding) -> str:
        where = self.file_of(f)
        if where and f.origin.line:
            where += ":%d" % f.origin.line
            if f.origin.column:
                where += ":%d" % f.origin.column
        sev = self._c(_SEV_COLOR[f.severity], str(f.severity))
        line = "%s %s: %s" % (sev, self._c(_DIM, clean(f.rule)), clean(f.message))
        if where:
            line = "%s: %s" % (self._c(_BOLD, clean(where)), line)
        ctx = resource_label(f.resid) if f.resid is not None else ""
        if f.overlay:
            ctx = ("%s in %s" % (ctx, f.overlay)) if ctx else "in %s" % f.overlay
        if ctx:
            line += " " + self._c(_DIM, "[%s]" % clean(ctx))
        if f.suppressed:
            line += " " + self._c(_DIM, "(suppressed: %s)" % clean(f.suppressed))
        return line

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        findings = self.findings()
        out: list[str] = []
        prev_file = None
        for f in findings:
            if prev_file is not None and f.origin.file != prev_file:
                out.append("")
            prev_file = f.origin.file
            out.append(self.format_finding(f))
        s = self.summary(resources, files)
        if out:
            out.append("")
        line = summary_line(s)
        color = _SEV_COLOR[Severity.ERROR] if s.errors else (
            _SEV_COLOR[Severity.WARNING] if s.warnings else _GREEN)
        out.append(self._c(color, line))
        if self.coverage:
            out.extend(self.coverage_lines())
        return "\n".join(out) + "\n"

    def coverage_lines(self) -> list[str]:
        rows = [(k, v["validated"], v["skipped"], v.get("source") or "no schema")
                for k, v in sorted(self.coverage.items())]
        w = max(len(r[0]) for r in rows)
        out = ["", "%-*s  %9s  %7s  %s" % (w, "kind", "validated", "skipped", "schema")]
        for k, val, sk, src in rows:
            line = "%-*s  %9d  %7d  %s" % (w, clean(k), val, sk, clean(src))
            out.append(self._c(_SEV_COLOR[Severity.WARNING], line) if sk else line)
        return out
