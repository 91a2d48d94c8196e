"""Suppressions: telling kustgen that a finding is known and accepted, and why.

Two forms:

- a YAML comment ``# kustgen: ignore[KG101] reason`` (several ids or rule names:
  ``ignore[KG101,KG203]``; ``ignore[all]`` for every rule):
  - at the end of a line: findings on that line;
  - on a line of its own inside a document: findings on the next content line;
  - on a line of its own before the first content line of a document: the whole
    document (every finding located in it);
- an annotation on the resource, ``kustgen.io/ignore: "KG101 reason"`` (ids separated by
  commas, then the reason): findings about that resource.

A suppression without a reason still suppresses, but is a finding itself (KG001), as is
one naming a rule that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kustgen.model import Origin

ANNOTATION = "kustgen.io/ignore"

_COMMENT = re.compile(r"#\s*kustgen:\s*ignore\s*\[([^\]]*)\]?(.*)$")
_ANNOTATION_VALUE = re.compile(r"\s*([^\s:,]+(?:\s*,\s*[^\s:,]+)*)\s*:?\s*(.*)$", re.S)


@dataclass
class Suppression:
    rules: tuple            # ids or names as written (lower-cased)
    reason: str
    origin: Origin          # where the comment or annotation is
    kind: str               # "line" | "document" | "annotation"
    first: int = 0          # lines covered (comments)
    last: int = 0
    used: int = 0
    malformed: str = ""     # why it cannot be read ("" when fine)

    def covers_rule(self, rule_id: str, rule_name: str) -> bool:
        return any(r in ("all", "*", rule_id.lower(), rule_name.lower()) for r in self.rules)


def _split_rules(s: str) -> tuple:
    return tuple(x.strip().lower() for x in re.split(r"[,\s]+", s) if x.strip())


def scan_text(path: str, text: str) -> list[Suppression]:
    """The suppression comments of one file, with the lines each covers."""
    if "kustgen:" not in text:
        return []
    lines = text.splitlines()
    out: list[Suppression] = []
    doc_start = 0             # index of the first line of the current document
    content_seen = False      # a content line seen in the current document
    pending: list[Suppression] = []     # own-line comments waiting for the next content line
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("---") and (len(stripped) == 3 or stripped[3] in " #"):
            # a document boundary: document-level suppressions end here
            for s in out:
                if s.kind == "document" and s.last == -1:
                    s.last = i            # 1-based line before the separator == i
            for s in pending:
                s.first = s.last = s.origin.line
            pending = []
            doc_start, content_seen = i + 1, False
            continue
        m = _COMMENT.search(line)
        if stripped and not stripped.startswith("#"):
            for s in pending:
                s.first = s.last = i + 1
            pending = []
            content_seen = True
        if not m:
            continue
        # the '#' must start a comment: at the line start or after whitespace
        at = m.start()
        if at > 0 and not line[at - 1].isspace():
            continue
        rules = _split_rules(m.group(1))
        reason = m.group(2).strip()
        bad = ""
        if "]" not in line[at:]:
            bad = "the rule list is not closed: write `# kustgen: ignore[KG101] reason`"
        elif not rules:
            bad = "no rule named: write `# kustgen: ignore[KG101] reason`"
        s = Suppression(rules, reason, Origin(path, i + 1, at + 1), "line", malformed=bad)
        if stripped.startswith("#"):
            if not content_seen:
                s.kind = "document"
                s.first, s.last = doc_start + 1, -1
            else:
                pending.append(s)
        else:
            s.first = s.last = i + 1
        out.append(s)
    for s in out:
        if s.kind == "document" and s.last == -1:
            s.last = len(lines)
    for s in pending:
        s.first = s.last = s.origin.line
    return out


def from_annotation(value, origin: Origin) -> Suppression:
    """A `kustgen.io/ignore` annotation value: "KG101,KG203 reason" (or "KG101: reason")."""
    m = _ANNOTATION_VALUE.match(str(value or ""))
    rules = _split_rules(m.group(1).replace(",", " ")) if m else ()
    reason = m.group(2).strip() if m else ""
    bad = "" if rules else ("no rule named: write `%s: \"KG101 reason\"`" % ANNOTATION)
    return Suppression(rules, reason, origin, "annotation", malformed=bad)


@dataclass
class Suppressions:
    """Every suppression found, by file (comments) and by resource (annotations)."""
    by_file: dict = field(default_factory=dict)           # abs file -> [Suppression]
    by_resource: dict = field(default_factory=dict)       # id(Resource) -> [Suppression]
    annotations: list = field(default_factory=list)       # every annotation suppression

    def all(self) -> list[Suppression]:
        out = [s for ss in self.by_file.values() for s in ss]
        seen = set()
        for s in self.annotations:
            key = (s.origin, s.rules, s.reason)
            if key not in seen:
                seen.add(key)
                out.append(s)
        return out

    def match(self, rule_id: str, rule_name: str, origin: Origin | None,
              resource=None) -> Suppression | None:
        """The suppression covering a finding of this rule at ``origin`` about
        ``resource``, if any."""
        if origin is not None and origin.file in self.by_file and origin.line:
            for s in self.by_file[origin.file]:
                if s.first <= origin.line <= s.last and s.covers_rule(rule_id, rule_name):
                    return s
        if resource is not None:
            for s in self.by_resource.get(id(resource), ()):
                if s.covers_rule(rule_id, rule_name):
                    return s
        return None
