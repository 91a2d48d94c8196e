from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Origin:
    """Where something came from: a file, the document index in it, a line and a column
    (1-based; 0 when unknown) and, for transformer-set fields, which step set it."""

    file: str
    line: int = 0
    column: int = 0
    doc: int = 0
    via: str = ""

    def __str__(self) -> str:
        s = self.file
        if self.line:
            s += ":%d" % self.line
            if self.column:
                s += ":%d" % self.column
        if self.via:
            s += " (%s)" % self.via
        return s


def dotted(path) -> str:
    """A field path tuple as people write it: ``spec.forProvider.tags[0]``, with keys
    holding dots, slashes, brackets or spaces in brackets
    (``metadata.annotations[kustgen.io/ignore]``)."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += "[%d]" % p
        elif any(c in str(p) for c in "./[] "):
            out += "[%s]" % p
        else:
            out += ("." if out else "") + str(p)
    return out
