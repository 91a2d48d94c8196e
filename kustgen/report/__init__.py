"""Reports: one module per output format, all with one interface.

A reporter collects findings with ``write(finding)`` and returns its whole output as a
string from ``flush(resources=None, files=None)`` (the counts of resources and files that
were checked, when the caller knows them; they only feed the summary). Reporters are
pure: they never print, exit or read the environment; only the CLI does.

Every reporter takes the same keyword options, so the CLI can build any of them the same
way with ``get_reporter(name, **opts)``; each uses those that make sense for it:

- ``color`` (text): ANSI colours. The CLI decides (TTY, ``NO_COLOR``).
- ``base_dir`` (sarif, github, junit, text, json): file paths are made relative to it.
- ``rules`` (sarif): ``{rule id: one-line description}`` for ``tool.driver.rules``.
- ``tool_version`` (sarif): the version written into ``tool.driver``.
- ``fail_on`` (junit): the lowest severity that makes a test case fail.
- ``show_suppressed`` (all): also report suppressed findings (``Finding.suppressed``, the
  reason), marked as such; they never count as errors or warnings. Without it they are
  only counted (``Summary.suppressed``).
- ``coverage`` (text, json): ``{"apiVersion Kind": {"validated": n, "skipped": n,
  "source": str | None}}``, what was checked against which schema; printed when given.

Output is deterministic: findings are sorted (by file, line, column, ..., then resource)
whatever order they were written in.

Reports print ``Finding.message`` as given: checks must never put a secret's value in a
message (name the key, not the value); no reporter can tell a secret from other text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Mapping

from kustgen.model.errors import ConfigError
from kustgen.model.finding import Finding, Severity
from kustgen.model.resid import ResId


def _resid_key(r: ResId | None) -> tuple:
    if r is None:
        return ()
    return (r.gvk.group, r.gvk.version, r.gvk.kind, r.namespace, r.name)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in report order; the resource (not part of Finding's ordering) breaks ties."""
    return sorted(findings, key=lambda f: (f, _resid_key(f.resid)))


def resource_label(r: ResId) -> str:
    """``Kind/name``, or ``namespace/Kind/name`` when namespaced."""
    return r.short()


def relative_path(file: str, base_dir: str | None) -> str:
    """``file`` relative to ``base_dir`` (POSIX separators); unchanged when it is outside."""
    if not file or not base_dir:
        return file.replace(os.sep, "/") if file else file
    rel = os.path.relpath(file, base_dir)
    if rel == ".." or rel.startswith(".." + os.sep):
        return file.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


@dataclass(frozen=True)
class Summary:
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    files: int = 0                       # files with at least one finding
    resources: int = 0                   # resources with at least one finding
    resources_checked: int | None = None
    files_checked: int | None = None
    suppressed: int = 0                  # suppressed findings (not in the counts above)

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos


def summarize(findings: Iterable[Finding], resources: int | None = None,
              files: int | None = None) -> Summary:
    everything = list(findings)
    fs = [f for f in everything if not f.suppressed]
    count = {s: 0 for s in Severity}
    for f in fs:
        count[f.severity] += 1
    return Summary(
        errors=count[Severity.ERROR],
        warnings=count[Severity.WARNING],
        infos=count[Severity.INFO],
        files=len({f.origin.file for f in fs if f.origin.file}),
        resources=len({(f.overlay, _resid_key(f.resid)) for f in fs if f.resid is not None}),
        resources_checked=resources,
        files_checked=files,
        suppressed=len(everything) - len(fs),
    )


class Reporter:
    """Base of every format: collects findings; subclasses implement ``flush``."""

    name = ""

    def __init__(self, *, color: bool = False, base_dir: str | None = None,
                 rules: Mapping[str, str] | None = None, tool_version: str | None = None,
                 fail_on: Severity = Severity.ERROR, coverage: Mapping | None = None,
                 show_suppressed: bool = False):
        self.color = color
        self.base_dir = base_dir
        self.rules = dict(rules or {})
        self.tool_version = tool_version
        self.fail_on = fail_on
        self.coverage = dict(coverage) if coverage is not None else None
        self.show_suppressed = show_suppressed
        self._findings: list[Finding] = []

    def write(self, finding: Finding) -> None:
        if not isinstance(finding, Finding):
            raise TypeError("write() takes a Finding, not %r" % type(finding).__name__)
        self._findings.append(finding)

    def findings(self) -> list[Finding]:
        """The findings to report, sorted: suppressed ones only with show_suppressed."""
        return sort_findings(f for f in self._findings
                             if self.show_suppressed or not f.suppressed)

    def summary(self, resources: int | None = None, files: int | None = None) -> Summary:
        """Counts of every finding written (suppressed ones counted apart)."""
        return summarize(self._findings, resources, files)

    def file_of(self, f: Finding) -> str:
        return relative_path(f.origin.file, self.base_dir)

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        raise NotImplementedError


# One module per format, imported when that format is used (start-up stays cheap).
_FORMAT_CLASSES = {
    "text": ("kustgen.report.text", "TextReporter"),
    "json": ("kustgen.report.json_format", "JsonReporter"),
    "junit": ("kustgen.report.junit", "JunitReporter"),
    "sarif": ("kustgen.report.sarif", "SarifReporter"),
    "github": ("kustgen.report.github", "GithubReporter"),
}


def _reporter_class(name: str) -> type:
    import importlib
    module, cls = _FORMAT_CLASSES[name]
    return getattr(importlib.import_module(module), cls)


class _Formats(Mapping):
    """``{format name: Reporter class}``, each class imported on first access."""

    def __getitem__(self, name: str) -> type:
        if name not in _FORMAT_CLASSES:
            raise KeyError(name)
        return _reporter_class(name)

    def __iter__(self):
        return iter(_FORMAT_CLASSES)

    def __len__(self) -> int:
        return len(_FORMAT_CLASSES)


FORMATS: Mapping[str, type] = _Formats()


def __getattr__(name: str):
    for fmt, (_, cls) in _FORMAT_CLASSES.items():
        if cls == name:
            return _reporter_class(fmt)
    raise AttributeError("module 'kustgen.report' has no attribute %r" % name)


def get_reporter(name: str, **opts) -> Reporter:
    """A new reporter for format ``name``; ConfigError (exit 2 in the CLI) if unknown."""
    cls = FORMATS.get(name)
    if cls is None:
        raise ConfigError("unknown report format %r (%s)" % (name, ", ".join(FORMATS)))
    return cls(**opts)


def render(name: str, findings: Iterable[Finding], resources: int | None = None,
           files: int | None = None, **opts) -> str:
    """One call: a reporter for ``name``, every finding written, its output."""
    rep = get_reporter(name, **opts)
    for f in findings:
        rep.write(f)
    return rep.flush(resources=resources, files=files)


__all__ = [
    "FORMATS", "get_reporter", "render", "Reporter", "Summary", "summarize",
    "sort_findings", "relative_path", "resource_label",
    "TextReporter", "JsonReporter", "JunitReporter", "SarifReporter", "GithubReporter",
]
