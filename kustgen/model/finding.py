from __future__ import annotations

import enum
from dataclasses import dataclass, field

from kustgen.model.origin import Origin
from kustgen.model.resid import ResId


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, s: str) -> "Severity":
        s = s.strip().lower()
        aliases = {"info": cls.INFO, "warning": cls.WARNING, "warn": cls.WARNING, "error": cls.ERROR}
        if s not in aliases:
            raise ValueError("unknown severity %r (info, warning, error)" % s)
        return aliases[s]

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a check found. Ordered by origin so reports are stable."""

    origin: Origin
    rule: str
    severity: Severity
    message: str
    resid: ResId | None = field(default=None, compare=False)
    path: str = ""
    overlay: str = ""
    # why the finding is suppressed (a `# kustgen: ignore[...]` comment or a
    # `kustgen.io/ignore` annotation); "" when it is not. Suppressed findings are only
    # reported with --show-suppressed, and never fail a run.
    suppressed: str = field(default="", compare=False)
