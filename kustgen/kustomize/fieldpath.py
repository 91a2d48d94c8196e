"""Kustomize field paths: splitting and walking, as kyaml does it.

A field path is a dotted string such as ``spec.template.spec.containers.[name=app].image``.
Elements are one of

* a map key (``spec``, or ``[a.b/c]`` for a key that contains dots),
* a list entry selector ``[field=value]`` (``[=value]`` for lists of scalars),
* a list index (``0``), ``-`` (last element, lookups only) or ``*`` (every element).

Two walkers exist in kyaml and they disagree, so both are here:

* :func:`lookup` is kyaml's ``PathGetter`` (what a replacement *source* uses): elements are
  trimmed and empty ones dropped, ``[k=v]`` compares the scalar text exactly and returns the
  first match, ``-`` is the last element, an index past the end finds nothing, ``*`` is an
  error.
* :func:`match` is kyaml's ``PathMatcher`` (what replacement *targets* use): every matching
  node is returned, ``[k=v]`` is an *unanchored regular expression* tested against the
  YAML text of the entry's field, ``*`` visits every list element, an index past the end is
  an error, and with ``create`` missing map keys, list entries and the ``len(list)`` index
  are created.

Data is JSON-like (dict, list, str, int, float, bool, None). Errors are
:class:`FieldPathError` carrying kyaml's message; callers wrap them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = [
    "FieldPathError", "Slot", "split_path", "clean_path", "is_list_index",
    "split_index_name_value", "lookup", "match", "node_kind", "scalar_text", "yaml_text",
    "go_atoi",
]

SCALAR, MAP, SEQ = "ScalarNode", "MappingNode", "SequenceNode"


class FieldPathError(Exception):
    """A path cannot be walked; ``str()`` is kyaml's message."""


# -- splitting -----------------------------------------------------------------------------

def _split_escaped(path: str, delimiter: str) -> list[str]:
    """Split on ``delimiter`` except where it is escaped with a backslash."""
    parts = path.split(delimiter)
    out = [parts[0]]
    for p in parts[1:]:
        if out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + delimiter + p
        else:
            out.append(p)
    return out


def split_path(path: str, delimiter: str = ".") -> list[str]:
    """Kustomize's smarter path splitter.

    Dots split the path, except escaped ones (``a\\.b``) and those inside brackets. A
    bracketed element holding ``=`` keeps its brackets (a list entry selector); one without
    ``=`` loses them (a map key containing dots)::

        spec.template.spec.containers.[name=com.foo].image
          -> ['spec', 'template', 'spec', 'containers', '[name=com.foo]', 'image']
        metadata.annotations.[config.kubernetes.io/origin]
          -> ['metadata', 'annotations', 'config.kubernetes.io/origin']
    """
    pieces = _split_escaped(path, delimiter)
    out: list[str] = []
    i = 0
    while i < len(pieces):
        elem = pieces[i]
        if elem.startswith("[") and not elem.endswith("]"):
            group = [elem]
            while i < len(pieces) - 1:
                i += 1
                group.append(pieces[i])
                if pieces[i].endswith("]"):
                    break
            joined = delimiter.join(group)
            out.append(joined if "=" in joined else joined.strip("[]"))
        else:
            out.append(elem)
        i += 1
    return out


def clean_path(parts: list[str]) -> list[str]:
    """PathGetter's clean-up: trim every element and drop the empty ones."""
    return [p.strip() for p in parts if p.strip()]


def is_list_index(part: str) -> bool:
    return part.startswith("[") and part.endswith("]")


def split_index_name_value(part: str) -> tuple[str, str]:
    """``[name=nginx]`` -> ('name', 'nginx'); ``[=-jar]`` -> ('', '-jar')."""
    elem = part[:-1] if part.endswith("]") else part
    elem = elem[1:] if elem.startswith("[") else elem
    if "=" not in elem:
        raise FieldPathError("list path element must contain fieldName=fieldValue for "
                             "element to match")
    name, value = elem.split("=", 1)
    return name, value


_ATOI = re.compile(r"[+-]?[0-9]+\Z")


def go_atoi(s: str) -> int | None:
    """Go's strconv.Atoi: optional sign and decimal digits, int64 range; else None."""
    if not _ATOI.match(s):
        return None
    v = int(s)
    if not -(1 << 63) <= v < (1 << 63):
        return None
    return v


def _is_idx_number(part: str) -> bool:
    v = go_atoi(part)
    return v is not None and v >= 0


# -- YAML scalars (go-yaml v3 resolution, as kyaml uses it) --------------------------------

STR, INT, FLOAT, BOOL, NULL = "!!str", "!!int", "!!float", "!!bool", "!!null"
TIMESTAMP, MERGE = "!!timestamp", "!!merge"


class ScalarDecodeError(FieldPathError):
    """A scalar's text cannot be read as its tag (yaml: cannot decode !!str `x` as a !!int)."""


class Undecodable(str):
    """A scalar whose text does not fit its tag, e.g. an int field that a replacement set to
    ``abc``. Kustomize only fails when it next converts the resource to JSON, so such a value
    may sit in the tree for a while (and be overwritten) before it becomes an error."""

    tag: str
    error: str

    def __new__(cls, text: str, tag: str, error: str):
        s = str.__new__(cls, text)
        s.tag = tag
        s.error = error
        return s


_RESOLVE_MAP = {}
for _v, _t, _words in (
        (True, BOOL, ("true", "True", "TRUE")),
        (False, BOOL, ("false", "False", "FALSE")),
        (None, NULL, ("", "~", "null", "Null", "NULL")),
        (math.nan, FLOAT, (".nan", ".NaN", ".NAN")),
        (math.inf, FLOAT, (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")),
        (-math.inf, FLOAT, ("-.inf", "-.Inf", "-.INF"))):
    for _w in _words:
        _RESOLVE_MAP[_w] = (_t, _v)

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?\Z")
_TS = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"
                 r"(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?"
                 r"(Z|[+-]\d{2}:\d{2})?)?\Z")


def _go_parse_int(s: str) -> int | None:
    """strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64): base prefixes 0x 0o 0b and a
    leading 0 for octal."""
    neg = False
    body = s
    signed = body[:1] in ("+", "-")
    if signed:
        neg = body[0] == "-"
        body = body[1:]
    if not body:
        return None
    low = body.lower()
    if low.startswith(("0x", "0o", "0b")):
        base = {"x": 16, "o": 8, "b": 2}[low[1]]
        digits = body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, digits = 8, body[1:]
    else:
        base, digits = 10, body
    if not digits or not all(c in "0123456789abcdefABCDEF"[:base if base <= 10 else 22]
                             for c in digits):
        return None
    v = int(digits, base)
    v = -v if neg else v
    if -(1 << 63) <= v < (1 << 63):
        return v
    if not signed and 0 <= v < (1 << 64):
        return v  # ParseUint
    return None


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _parse_timestamp(s: str) -> str | None:
    """go-yaml's timestamp formats; returns the RFC 3339 text Go's JSON encoder prints for
    the parsed time.Time, or None."""
    m = _TS.match(s)
    if not m:
        return None
    y, mo, d, t_upper, t_space, hh, mi, ss, frac, zone = m.groups()
    y, mo, d = int(y), int(mo), int(d)
    if not (1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)):
        return None
    if hh is None:
        return "%04d-%02d-%02dT00:00:00Z" % (y, mo, d)
    if t_space and zone:
        return None  # "2006-1-2 15:4:5.999999999" has no zone
    if not t_space and not zone:
        return None  # the T forms need a zone
    h, mi_, s_ = int(hh), int(mi), int(ss)
    if h > 23 or mi_ > 59 or s_ > 59:
        return None
    out = "%04d-%02d-%02dT%02d:%02d:%02d" % (y, mo, d, h, mi_, s_)
    if frac:
        f = frac[:9].rstrip("0")
        if f:
            out += "." + f
    if not zone or zone in ("Z", "+00:00", "-00:00"):
        return out + "Z"
    return out + zone


def resolve_plain(text: str, timestamps: bool = True) -> tuple[str, Any]:
    """go-yaml v3's implicit resolution of a plain scalar: (tag, JSON-like value).
    Timestamps come back as the RFC 3339 string Go's JSON encoding of time.Time prints."""
    if text in _RESOLVE_MAP:
        return _RESOLVE_MAP[text]
    c = text[:1]
    if c == ".":
        if _GO_FLOAT.match(text):
            try:
                f = float(text)
            except ValueError:
                f = None
            if f is not None and not math.isinf(f):
                return FLOAT, f
        return STR, text
    if c and (c.isdigit() and c.isascii() or c in "+-"):
        if timestamps and c.isdigit():
            ts = _parse_timestamp(text)
            if ts is not None:
                return TIMESTAMP, ts
        plain = text.replace("_", "")
        iv = _go_parse_int(plain)
        if iv is not None:
            return INT, iv
        if _YAML_FLOAT.match(plain):
            f = float(plain)
            if not math.isinf(f):
                return FLOAT, f
    return STR, text


def decode_scalar(tag: str, text: str) -> Any:
    """What a YAML scalar with ``tag`` ('' for untagged) and ``text`` becomes after kyaml
    encodes it and reads it back into JSON-like data. Raises ScalarDecodeError where Go
    does (yaml: cannot decode !!str `abc` as a !!int)."""
    if tag == STR:
        return text
    rtag, value = resolve_plain(text, timestamps=(tag == ""))
    if tag == "":
        if rtag in (MERGE, TIMESTAMP):
            return value
    elif rtag != tag:
        if tag == FLOAT and rtag == INT:
            value = float(value)
        else:
            raise ScalarDecodeError("cannot decode %s `%s` as a %s" % (rtag, text, tag))
    if isinstance(value, float):
        return normalize_float(value)
    return value


def tag_of(v: Any) -> str:
    """The YAML tag a JSON-like scalar carries."""
    if isinstance(v, Undecodable):
        return v.tag
    if v is None:
        return NULL
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, float):
        return FLOAT
    return STR


def go_float_json(f: float) -> str:
    """Go's encoding/json text for a float64."""
    if math.isnan(f) or math.isinf(f):
        raise ScalarDecodeError("json: unsupported value: %s"
                                % ("NaN" if math.isnan(f) else "+Inf" if f > 0 else "-Inf"))
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    from decimal import Decimal
    d = Decimal(repr(f))
    a = abs(f)
    if 1e-6 <= a < 1e21:
        s = format(d, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    sign, digits, exp = d.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    e = exp + len("".join(map(str, digits))) - 1
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    es = "%+03d" % e if e >= 0 else "-%02d" % -e
    if es.startswith("-0") and len(es) == 3:
        es = "-" + es[2]
    return ("-" if sign else "") + mant + "e" + es


def normalize_float(f: float) -> Any:
    """A float as it comes back from Go JSON -> Python JSON (integral values become int)."""
    return json.loads(go_float_json(f))


# -- rendering values the way kyaml prints nodes -------------------------------------------

def node_kind(v: Any) -> str:
    if isinstance(v, dict):
        return MAP
    if isinstance(v, list):
        return SEQ
    return SCALAR


def _float_text(f: float) -> str:
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    return repr(f)


def scalar_text(v: Any) -> str:
    """The text a YAML scalar node holds for a JSON value (``yaml.Node.Value``)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, str):
        return v
    return ""  # maps and lists carry no scalar text


_PLAIN_UNSAFE_START = tuple("-?:,[]{}#&*!|>'\"%@`")


def _needs_quotes(s: str) -> bool:
    if s == "" or s != s.strip() or "\n" in s:
        return True
    if resolve_plain(s)[0] != STR:
        return True
    if s.startswith(_PLAIN_UNSAFE_START) and not (s[0] == "-" and len(s) > 1 and s[1] != " "):
        return True
    return ": " in s or " #" in s or s.endswith(":")


def _str_text(s: str) -> str:
    if not _needs_quotes(s):
        return s
    return json.dumps(s, ensure_ascii=False)


def yaml_text(v: Any, indent: int = 0) -> str:
    """A YAML rendering of a value, close to what kyaml's ``RNode.String()`` prints (block
    style, strings quoted only when needed). No trailing newline."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return pad + "{}"
        lines = []
        for k, x in v.items():
            key = _str_text(str(k))
            if isinstance(x, (dict, list)) and x:
                sub_indent = indent + 2 if isinstance(x, dict) else indent
                lines.append("%s%s:\n%s" % (pad, key, yaml_text(x, sub_indent)))
            else:
                lines.append("%s%s: %s" % (pad, key, yaml_text(x, 0)))
        return "\n".join(lines)
    if isinstance(v, list):
        if not v:
            return pad + "[]"
        lines = []
        for x in v:
            if isinstance(x, (dict, list)) and x:
                body = yaml_text(x, indent + 2)
                lines.append("%s- %s" % (pad, body[indent + 2:]))
            else:
                lines.append("%s- %s" % (pad, yaml_text(x, 0)))
        return "\n".join(lines)
    if isinstance(v, str):
        return pad + _str_text(v)
    return pad + scalar_text(v)


def _wrong_kind(expected: str, node: Any) -> FieldPathError:
    return FieldPathError("wrong node kind: expected %s but got %s: node contents:\n%s\n"
                          % (expected, node_kind(node), yaml_text(node)))


# -- PathGetter ----------------------------------------------------------------------------

def _elements(node: Any) -> list:
    """RNode.Elements(): a list's items; null has none; anything else is an error."""
    if node is None:
        return []
    if not isinstance(node, list):
        raise _wrong_kind(SEQ, node)
    return node


def _get_field(node: Any, name: str) -> tuple[bool, Any]:
    """kyaml's Get(name) (FieldMatcher): (found, value). Null never matches; a non-map is
    an error."""
    if node is None:
        return False, None
    if name == "":
        if not isinstance(node, (dict, list)):
            return (True, node) if scalar_text(node) == "" else (False, None)
        raise _wrong_kind(SCALAR, node)
    if not isinstance(node, dict):
        raise _wrong_kind(MAP, node)
    if name in node:
        return True, node[name]
    return False, None


def lookup(obj: Any, parts: list[str]) -> tuple[bool, Any]:
    """Walk ``parts`` like kyaml's PathGetter (no creation). Returns (found, value).

    Raises FieldPathError for kyaml's errors (wrong node kinds, negative indexes, ``*``,
    malformed ``[...]`` elements).
    """
    node = obj
    for part in clean_path(parts):
        idx = go_atoi(part)
        if idx is not None:
            if idx < 0:
                raise FieldPathError("array index %d cannot be negative" % idx)
            elems = _elements(node)
            if idx >= len(elems):
                return False, None
            node = elems[idx]
        elif part == "-":
            elems = _elements(node)
            if not elems:
                raise FieldPathError("index out of range: no last element in an empty list")
            node = elems[-1]
        elif part == "*":
            raise FieldPathError("wildcard is not supported in PathGetter")
        elif is_list_index(part):
            name, value = split_index_name_value(part)
            found, node = _match_element(node, name, value)
            if not found:
                return False, None
        else:
            found, node = _get_field(node, part)
            if not found:
                return False, None
    return True, node


def _match_element(node: Any, name: str, value: str) -> tuple[bool, Any]:
    """kyaml's ElementMatcher: the first list entry whose field ``name`` has scalar text
    ``value`` (or, for ``name == ''``, whose own scalar text is ``value``)."""
    if node is None:
        return False, None
    if not isinstance(node, list):
        raise _wrong_kind(SEQ, node)
    for elem in node:
        if name == "":
            if not isinstance(elem, (dict, list)) and scalar_text(elem) == value:
                return True, elem
            if isinstance(elem, (dict, list)) and value == "":
                return True, elem
            continue
        if not isinstance(elem, dict) or name not in elem:
            continue
        v = elem[name]
        if scalar_text(v) == value:
            return True, elem
    return False, None


# -- PathMatcher -----------------------------------------------------------------------------

class Slot:
    """Where a matched node lives: ``container[key]``.

    * ``created``: the leaf did not exist and was made empty (its text is ``""``);
    * ``tagless``: the node carries no YAML tag, so the text written into it is re-read
      with implicit typing (true for created scalars and for list entries ``create``
      added for ``[k=v]``);
    * ``detached``: kyaml walked into a null with create on, so the node it made is
      attached to nothing and setting it changes nothing.
    """

    __slots__ = ("container", "key", "created", "tagless", "detached", "path")

    def __init__(self, container, key, created: bool = False, detached: bool = False,
                 tagless: bool = False, path: tuple = ()):
        self.container = container
        self.key = key
        self.created = created
        self.tagless = tagless or created
        self.detached = detached
        self.path = path  # keys from the root object (list indexes as ints)

    def get(self) -> Any:
        if self.created:
            return None
        return self.container[self.key]

    def set(self, value: Any) -> None:
        if self.detached:
            return
        self.container[self.key] = value
        self.created = False

    def __repr__(self) -> str:
        flags = [f for f in ("created", "tagless", "detached") if getattr(self, f)]
        return "Slot(%r%s)" % (self.key, "".join(" " + f for f in flags))


def _path_part_kind(next_part: str | None, create: str) -> str:
    if next_part is None:
        return create
    if is_list_index(next_part) or _is_idx_number(next_part):
        return SEQ
    return MAP


def _empty(kind: str) -> Any:
    return {} if kind == MAP else [] if kind == SEQ else None


_RE_ERRORS = (  # Python's re messages -> Go regexp/syntax error codes
    ("missing ), unterminated subpattern", "missing closing )"),
    ("unbalanced parenthesis", "unexpected )"),
    ("unterminated character set", "missing closing ]"),
    ("nothing to repeat", "missing argument to repetition operator"),
    ("multiple repeat", "invalid nested repetition operator"),
    ("bad escape", "invalid escape sequence"),
)


def _compile(pattern: str) -> re.Pattern:
    # RE2 and Python's re agree on the patterns people write here; RE2's \z is Python's \Z.
    try:
        return re.compile(pattern.replace("\\z", "\\Z"))
    except re.error as e:
        msg = e.msg
        for py, go in _RE_ERRORS:
            if msg.startswith(py):
                msg = go
                break
        raise FieldPathError("error parsing regexp: %s: `%s`" % (msg, pattern)) from None


class _Matcher:
    def __init__(self, create: str | None):
        self.create = create
        self.tagless: set[tuple[int, Any]] = set()  # (id(container), key) of untagged nodes

    @staticmethod
    def _child(slot: Slot, container, key, **kw) -> Slot:
        kw.setdefault("detached", slot.detached)
        return Slot(container, key, path=slot.path + (key,), **kw)

    def walk(self, slot: Slot, node: Any, parts: list[str], out: list[Slot]) -> None:
        if not parts:
            if (id(slot.container), slot.key) in self.tagless:
                slot.tagless = True
            out.append(slot)
            return
        part = parts[0]
        if _is_idx_number(part):
            self._index(slot, node, parts, out)
        elif is_list_index(part):
            self._seq(slot, node, parts, out)
        elif part == "*":
            for i, elem in enumerate(list(_elements(node))):
                self.walk(self._child(slot, node, i), elem, parts[1:], out)
        else:
            self._field(slot, node, parts, out)

    def _field(self, slot: Slot, node: Any, parts: list[str], out: list[Slot]) -> None:
        name = parts[0]
        found, child = _get_field(node, name)
        if found:
            self.walk(self._child(slot, node, name), child, parts[1:], out)
            return
        if not self.create:
            return
        kind = _path_part_kind(parts[1] if len(parts) > 1 else None, self.create)
        leaf = len(parts) == 1
        if node is None:
            # kyaml adds the field to the null node, which nothing ever prints
            holder = {name: _empty(kind)}
            self.walk(self._child(slot, holder, name, created=leaf and kind == SCALAR,
                                  detached=True), holder[name], parts[1:], out)
            return
        if leaf and kind == SCALAR:
            out.append(self._child(slot, node, name, created=True))
            return
        node[name] = _empty(kind)
        self.walk(self._child(slot, node, name), node[name], parts[1:], out)

    def _index(self, slot: Slot, node: Any, parts: list[str], out: list[Slot]) -> None:
        idx = int(parts[0])
        detached = slot.detached or node is None
        elems = _elements(node)
        if node is None:
            elems = []  # kyaml appends to the null node: nothing visible
        if len(elems) == idx and self.create:
            kind = _path_part_kind(parts[1] if len(parts) > 1 else None, self.create)
            if kind == SCALAR and len(parts) == 1:
                elems.append(None)
                out.append(self._child(slot, elems, idx, created=True, detached=detached))
                return
            elems.append(_empty(kind))
        if len(elems) < idx + 1:
            raise FieldPathError("index %d specified but only %d elements found"
                                 % (idx, len(elems)))
        self.walk(self._child(slot, elems, idx, detached=detached), elems[idx], parts[1:], out)

    def _seq(self, slot: Slot, node: Any, parts: list[str], out: list[Slot],
             retried: bool = False) -> None:
        field, pattern = split_index_name_value(parts[0])
        elems = _elements(node)
        rx = _compile(pattern)
        detached = slot.detached or node is None
        before = len(out)
        for i, elem in enumerate(list(elems)):
            if field == "":
                if rx.search(yaml_text(elem).strip()):
                    self.walk(self._child(slot, elems, i, detached=detached), elem, [], out)
                continue
            if not isinstance(elem, dict) or field not in elem:
                continue
            if rx.search(yaml_text(elem[field]).strip()):
                self.walk(self._child(slot, elems, i, detached=detached), elem, parts[1:], out)
        if len(out) > before or not self.create:
            return
        if retried:
            raise FieldPathError("created list entry %s does not match its own selector"
                                 % parts[0])
        # kyaml appends an entry made from the selector (an untagged scalar) and searches again
        value = decode_scalar("", pattern)
        new = value if field == "" else {field: value}
        if node is None:
            node = []
            slot = Slot(None, None, detached=True, path=slot.path)
        node.append(new)
        if field == "":
            self.tagless.add((id(node), len(node) - 1))
        else:
            self.tagless.add((id(new), field))
        self._seq(slot, node, parts, out, retried=True)


def match(obj: Any, parts: list[str], create: str | None = None) -> list[Slot]:
    """Walk ``parts`` like kyaml's PathMatcher; return a Slot per matched node, in order.

    ``create`` is None or the kind of the leaf to create (``SCALAR``, ``MAP``, ``SEQ``).
    An empty ``parts`` matches the object itself (a slot with no container).
    Raises FieldPathError for kyaml's errors.
    """
    out: list[Slot] = []
    if not parts:
        return [Slot(None, None, detached=True)]
    _Matcher(create).walk(Slot(None, None), obj, list(parts), out)
    return out
