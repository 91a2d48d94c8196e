"""Load YAML the way Kustomize v5 sees it.

Kustomize parses with go-yaml v3 (YAML 1.2-ish resolution), turns every document into
JSON-like data and back (a JSON round trip), then prints it.  This module reproduces the
*data* that comes out of that pipeline:

* plain scalars resolve by go-yaml v3 rules (``0777`` -> 511, ``yes`` -> "yes",
  ``2001-12-14`` -> the RFC 3339 string "2001-12-14T00:00:00Z", ...);
* numbers are in JSON normal form: integral floats become ints (``1.0`` -> 1, ``1e3`` ->
  1000), ints outside int64/uint64 become floats;
* strings that the JSON round trip would change or reject are changed or rejected the same
  way (U+0085 folding, control characters, ``.inf``/``.nan``);
* mapping keys must be strings except at a document's top level, where kustomize keeps the
  key's source text;
* a stream is cut into documents the way kustomize cuts it (:func:`split_documents`).

Parsing uses PyYAML's libyaml binding (``CParser``) for the syntax and builds the values in
one Python walk over the composed nodes, recording positions as it goes.

Speed (positions included), against ``yaml.load_all(..., Loader=yaml.CSafeLoader)``: 1.05-1.13x
on 23 MB of real CRDs (254 files), 0.73x on a stream of 2,000 Deployments; the C parser
and composer do the syntax, nothing is resolved twice.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import sys
from contextlib import contextmanager
from decimal import Decimal

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from kustgen.model.errors import YamlError

__all__ = ["Document", "load_documents", "load_one", "MAX_ALIAS_NODES", "MAX_DEPTH"]

# A "billion laughs" document stops here: nodes built by expanding aliases, per document.
MAX_ALIAS_NODES = 100_000
# go-yaml's parser refuses deeper nesting ("exceeded max depth of 10000"); libyaml's
# recursive composer would crash the interpreter well before 100,000 levels.
MAX_DEPTH = 10_000


class Document:
    """One YAML document of a file.

    ``data``: the JSON-like value; ``path``: the file; ``index``: 0-based index of the
    document in the file (empty documents count); ``line``: 1-based line where its content
    starts; ``positions``: ``{field path tuple: (line, column)}``, 1-based, of each mapping
    key (path ends with the key) and each sequence item (path ends with the index); ``()``
    is the document root.
    """

    __slots__ = ("data", "path", "index", "line", "positions")

    def __init__(self, data, path, index=0, line=1, positions=None):
        self.data = data
        self.path = path
        self.index = index
        self.line = line
        self.positions = positions if positions is not None else {}

    def __repr__(self) -> str:
        return "Document(%s#%d line %d: %r)" % (self.path, self.index, self.line, self.data)


# --------------------------------------------------------------------------------------
# go-yaml v3 scalar resolution (resolve.go) + JSON normal form
# --------------------------------------------------------------------------------------

_MISS = object()
_NAN = object()
_INF = object()

# resolveMap: only consulted for strings whose first byte is a hint character, but every
# entry starts with one ('' is handled by the 'N' default hint).
_SPECIAL = {
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    ".nan": _NAN, ".NaN": _NAN, ".NAN": _NAN,
    ".inf": _INF, ".Inf": _INF, ".INF": _INF,
    "+.inf": _INF, "+.Inf": _INF, "+.INF": _INF,
    "-.inf": _INF, "-.Inf": _INF, "-.INF": _INF,
}
_SPECIAL_TAG = {k: ("bool" if isinstance(v, bool) else "null" if v is None else "float")
                for k, v in _SPECIAL.items()}

_NUM_START = frozenset("0123456789+-.")
_INT64_MIN = -(1 << 63)
_UINT64_END = 1 << 64

_DIGITS_RE = {
    2: re.compile(r"[01]+\Z"),
    8: re.compile(r"[0-7]+\Z"),
    10: re.compile(r"[0-9]+\Z"),
    16: re.compile(r"[0-9a-fA-F]+\Z"),
}
# go-yaml's yamlStyleFloat, applied after removing underscores.
_YAML_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# Go ParseFloat of a string starting with '.': decimal syntax, '_' only between digits.
_DOT_FLOAT_RE = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?\Z")
_TS_RE = re.compile(
    r"([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)"
    r"(?:[Tt]([0-9][0-9]?):([0-9][0-9]?):([0-9][0-9]?)(?:[.,]([0-9]+))?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"| +([0-9][0-9]?):([0-9][0-9]?):([0-9][0-9]?)(?:[.,]([0-9]+))?)?\Z")
_BASE60_RE = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_OLD_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                        "n", "N", "no", "No", "NO", "off", "Off", "OFF"])
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@contextmanager
def deep_recursion():
    """Let the recursive builders/printers go MAX_DEPTH levels deep.

    From Python 3.11 on, Python-to-Python calls do not use the C stack, so a higher
    recursion limit is safe; on older versions the default limit stays.
    """
    old = sys.getrecursionlimit()
    want = old + 2 * MAX_DEPTH + 500
    if sys.version_info < (3, 11) or old >= want:
        yield
        return
    sys.setrecursionlimit(want)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


class _Reject(Exception):
    """A value kustomize cannot carry; str(e) is the user message."""


def _go_parse_uint(s: str):
    """strconv.ParseUint(s, 0, 64) without underscores; None on error."""
    if not s:
        return None
    base = 10
    if s[0] == "0":
        c = s[1:2]
        if len(s) >= 3 and c in ("b", "B"):
            base, s = 2, s[2:]
        elif len(s) >= 3 and c in ("o", "O"):
            base, s = 8, s[2:]
        elif len(s) >= 3 and c in ("x", "X"):
            base, s = 16, s[2:]
        else:
            base, s = 8, s[1:]
            if not s:
                return 0
    if not _DIGITS_RE[base].match(s):
        return None
    v = int(s, base)
    return v if v < _UINT64_END else None


def _go_parse_int(s: str):
    """strconv.ParseInt(s, 0, 64); None on error."""
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    u = _go_parse_uint(s)
    if u is None:
        return None
    if neg:
        return -u if u <= (1 << 63) else None
    return u if u < (1 << 63) else None


def _go_parse_base(s: str, base: int):
    """strconv.ParseInt(s, base, 64) (sign allowed, no prefix); None on error."""
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if not s or not _DIGITS_RE[base].match(s):
        return None
    v = int(s, base)
    if neg:
        return -v if v <= (1 << 63) else None
    return v if v < (1 << 63) else None


def _go_parse_ubase(s: str, base: int):
    if not s or not _DIGITS_RE[base].match(s):
        return None
    v = int(s, base)
    return v if v < _UINT64_END else None


def json_number(f: float):
    """The number a Go float64 becomes after encoding/json and go-yaml decoding."""
    if f != f or f in (math.inf, -math.inf):
        raise _Reject("json: unsupported value: %s (YAML .inf/.nan have no JSON form; quote it "
                      "if it is meant as a string)" % ("NaN" if f != f else "+Inf" if f > 0 else "-Inf"))
    if f.is_integer() and -1e21 < f < 1e21:
        n = int(f) if -9007199254740992.0 <= f <= 9007199254740992.0 else int(Decimal(repr(f)))
        if _INT64_MIN <= n < _UINT64_END:
            return n
    return f


def _timestamp(s: str):
    """go-yaml parseTimestamp + time.Time JSON form; None when not a timestamp."""
    m = _TS_RE.match(s)
    if m is None:
        return None
    g = m.groups()
    year, month, day = int(g[0]), int(g[1]), int(g[2])
    if not 1 <= month <= 12:
        return None
    dim = _DAYS[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        dim = 29
    if not 1 <= day <= dim:
        return None
    if g[3] is not None:
        hh, mi, ss, frac, zone = g[3], g[4], g[5], g[6], g[7]
    elif g[8] is not None:
        hh, mi, ss, frac, zone = g[8], g[9], g[10], g[11], "Z"
    else:
        hh = mi = ss = "0"
        frac, zone = None, "Z"
    hh, mi, ss = int(hh), int(mi), int(ss)
    if hh >= 24 or mi >= 60 or ss >= 60:
        return None
    if zone != "Z":
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 24 or zm > 60:
            return None
        off = zh * 60 + zm
        if off == 0:
            zone = "Z"
        elif off >= 24 * 60:
            raise _Reject("timestamp %s: timezone hour outside of range [0,23] (quote it to keep "
                          "it as a string)" % s)
        else:
            zone = "%s%02d:%02d" % (zone[0], off // 60, off % 60)
    fs = ""
    if frac:
        ns = int((frac + "000000000")[:9])
        if ns:
            fs = "." + ("%09d" % ns).rstrip("0")
    return "%04d-%02d-%02dT%02d:%02d:%02d%s%s" % (year, month, day, hh, mi, ss, fs, zone)


def resolve_scalar(s: str, tag: str = ""):
    """go-yaml v3 ``resolve(tag, s)`` for a plain (or explicitly tagged) scalar.

    Returns ``(kind, value)``: kind is one of str, null, bool, int, float, timestamp (value
    is then the RFC 3339 string), inf/nan (value is the float).
    """
    v = _SPECIAL.get(s, _MISS)
    if v is not _MISS:
        t = _SPECIAL_TAG[s]
        if v is _NAN:
            return "nan", math.nan
        if v is _INF:
            return "inf", (-math.inf if s[0] == "-" else math.inf)
        return t, v
    c = s[0]
    if c == ".":
        if _DOT_FLOAT_RE.match(s):
            f = float(s.replace("_", ""))
            if f not in (math.inf, -math.inf):
                return "float", f
        return "str", s
    if c not in _NUM_START:
        return "str", s
    if tag in ("", "timestamp") and len(s) >= 8 and s[4:5] == "-" and s[:4].isdigit():
        ts = _timestamp(s)
        if ts is not None:
            return "timestamp", ts
    plain = s.replace("_", "")
    if plain:
        n = _go_parse_int(plain)
        if n is not None:
            return "int", n
        n = _go_parse_uint(plain)
        if n is not None:
            return "int", n
        if _YAML_FLOAT_RE.match(plain):
            f = float(plain)
            if f not in (math.inf, -math.inf):
                return "float", f
        if plain.startswith("0b"):
            n = _go_parse_base(plain[2:], 2)
            if n is None:
                n = _go_parse_ubase(plain[2:], 2)
            if n is not None:
                return "int", n
        elif plain.startswith("-0b"):
            n = _go_parse_base("-" + plain[3:], 2)
            if n is not None:
                return "int", n
        if plain.startswith("0o"):
            n = _go_parse_base(plain[2:], 8)
            if n is None:
                n = _go_parse_ubase(plain[2:], 8)
            if n is not None:
                return "int", n
        elif plain.startswith("-0o"):
            n = _go_parse_base("-" + plain[3:], 8)
            if n is not None:
                return "int", n
    return "str", s


def plain_is_string(s: str) -> bool:
    """True when go-yaml's encoder may write ``s`` as a plain scalar (stringv canUsePlain)."""
    if not s:
        return False
    c = s[0]
    if c in "yYnNoO" and s in _OLD_BOOLS:
        return False
    if c not in "0123456789+-.tTfF~nN":
        return True
    if resolve_scalar(s)[0] != "str":
        return False
    if c in "0123456789+-" and ":" in s and _BASE60_RE.match(s):
        return False
    return True


def _plain_value(s: str):
    """Value of an untagged plain scalar (the hot path)."""
    v = _SPECIAL.get(s, _MISS)
    if v is not _MISS:
        if v is _NAN or v is _INF:
            raise _Reject("%s cannot be represented by kustomize (json: unsupported value); "
                          "quote it if it is meant as a string" % s)
        return v
    if s[0] not in _NUM_START:
        return s
    kind, v = resolve_scalar(s)
    if kind == "float":
        return json_number(v)
    return v


# Characters the JSON round trip rejects (go-yaml's reader refuses them raw).
_BAD_CHARS_RE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
_NEL_RUN_RE = re.compile(" *\x85[ \x85]*")
_NEL_DOC_RE = re.compile("\x85(?:---|\\.\\.\\.)[ \x85]")


def _nel_sub(m):
    n = m.group().count("\x85")
    return " " if n == 1 else "\n" * (n - 1)


def _json_string(s: str) -> str:
    """What a string becomes after kustomize's JSON round trip (or _Reject)."""
    m = _BAD_CHARS_RE.search(s)
    if m is not None:
        raise _Reject("control character U+%04X is not allowed (kustomize: control characters "
                      "are not allowed)" % ord(m.group()))
    if "\x85" in s:
        if _NEL_DOC_RE.search(s):
            raise _Reject("U+0085 (NEL) followed by a document marker breaks kustomize "
                          "(found unexpected document indicator)")
        s = _NEL_RUN_RE.sub(_nel_sub, s)
    return s


def _go_string_from_bytes(b: bytes) -> str:
    """Go encoding/json: each invalid UTF-8 byte becomes U+FFFD."""
    s = b.decode("utf-8", "surrogateescape")
    if "\udc80" <= max(s, default="\0"):
        s = re.sub("[\udc80-\udcff]", "\ufffd", s)
    return s


_TAG_PREFIX = "tag:yaml.org,2002:"
_RESOLVABLE = {"str": "str", "bool": "bool", "int": "int", "float": "float",
               "timestamp": "timestamp", "null": "null"}


def _short_tag(tag: str) -> str:
    if tag.startswith(_TAG_PREFIX):
        return "!!" + tag[len(_TAG_PREFIX):]
    return tag


def _tagged_scalar(node):
    """Value of a scalar with an explicit tag (go-yaml decoder semantics)."""
    tag = node.tag
    s = node.value
    name = tag[len(_TAG_PREFIX):] if tag.startswith(_TAG_PREFIX) else None
    if name == "str":
        return _json_string(s)
    if name == "binary":
        try:
            raw = base64.b64decode(s.replace("\n", "").replace("\r", ""), validate=True)
        except (binascii.Error, ValueError):
            raise _Reject("!!binary value contains invalid base64 data") from None
        return _json_string(_go_string_from_bytes(raw))
    if name not in _RESOLVABLE:
        # Unknown/custom tags (and !!merge, !!map on a scalar, ...): the text as a string.
        return _json_string(s)
    kind, v = resolve_scalar(s, name) if s else ("null", None)
    if kind in ("inf", "nan"):
        if name in ("float",):
            raise _Reject("%s cannot be represented by kustomize (json: unsupported value)" % s)
        kind = "float"
    if kind == name or (name == "float" and kind == "int"):
        if kind in ("float", "int"):
            return json_number(float(v)) if name == "float" else v
        if kind == "str":
            return _json_string(v)
        return v
    raise _Reject("cannot decode !!%s `%s` as a !!%s" % (kind, s, name))


# --------------------------------------------------------------------------------------
# Parser plumbing
# --------------------------------------------------------------------------------------

class _NoResolver(yaml.resolver.BaseResolver):
    """Tags nothing implicitly: the builder resolves plain scalars itself."""

    def resolve(self, kind, value, implicit):
        return ""


try:
    from yaml.cyaml import CParser as _CParser  # libyaml binding
except ImportError:  # pragma: no cover - libyaml is normally present
    _CParser = None


class _PyLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                yaml.composer.Composer, _NoResolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _NoResolver.__init__(self)


class _RedefiningComposer(yaml.composer.Composer):
    """go-yaml lets an anchor be defined again (later aliases see the new node)."""

    def compose_node(self, parent, index):
        if not self.check_event(yaml.events.AliasEvent):
            ev = self.peek_event()
            if ev.anchor is not None:
                self.anchors.pop(ev.anchor, None)
        return yaml.composer.Composer.compose_node(self, parent, index)


class _PyRedefLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                     _RedefiningComposer, _NoResolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _RedefiningComposer.__init__(self)
        _NoResolver.__init__(self)


if _CParser is not None:
    class _CLoader(_CParser, _NoResolver):  # type: ignore[misc,valid-type]
        def __init__(self, stream):
            _CParser.__init__(self, stream)

    class _CRedefLoader(_RedefiningComposer, _CParser, _NoResolver):  # type: ignore[misc,valid-type]
        """C scanner/parser, Python composer (only after a duplicate anchor)."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            _RedefiningComposer.__init__(self)

        # CParser defines the composition entry points itself; use the Python ones.
        check_node = yaml.composer.Composer.check_node
        get_node = yaml.composer.Composer.get_node
else:  # pragma: no cover
    _CLoader = _PyLoader
    _CRedefLoader = _PyRedefLoader


_INDICATOR_RUN_RE = re.compile(r"^[ \t?:\-]*", re.M)


def _may_nest_deeply(text) -> bool:
    """Cheap upper bound on nesting depth is above MAX_DEPTH (then check exactly)."""
    if len(text) <= MAX_DEPTH:
        return False
    if isinstance(text, bytes):
        flow = text.count(b"[") + text.count(b"{")
        if flow > MAX_DEPTH // 2:
            return True
        lead = max((len(m) for m in re.findall(rb"(?m)^[ \t?:\-]*", text)), default=0)
    else:
        flow = text.count("[") + text.count("{")
        if flow > MAX_DEPTH // 2:
            return True
        lead = max((len(m) for m in _INDICATOR_RUN_RE.findall(text)), default=0)
    # A block collection nests at most two levels per column of indentation/indicators.
    return flow + 2 * lead + 4 > MAX_DEPTH


def _check_depth(text, path):
    """Exact nesting check with the event parser (only for suspicious input)."""
    loader = _CParser(text) if _CParser is not None else _PyLoader(text)
    depth = 0
    try:
        while True:
            ev = loader.get_event()
            if ev is None:
                break
            cls = ev.__class__
            if cls is yaml.events.MappingStartEvent or cls is yaml.events.SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    m = ev.start_mark
                    raise YamlError("nesting deeper than %d levels (go-yaml: exceeded max depth);"
                                    " flatten the document" % MAX_DEPTH, path,
                                    m.line + 1, m.column + 1)
            elif cls is yaml.events.MappingEndEvent or cls is yaml.events.SequenceEndEvent:
                depth -= 1
            elif cls is yaml.events.StreamEndEvent:
                break
    except yaml.YAMLError:
        pass  # reported by the real parse
    finally:
        if hasattr(loader, "dispose"):
            loader.dispose()


def _line_col_of_byte(b: bytes, off: int):
    line = b.count(b"\n", 0, off) + 1
    col = off - (b.rfind(b"\n", 0, off) + 1) + 1
    return line, col


def _prepare(data, path):
    """bytes|str -> something the parser takes, with UTF-8 checked."""
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("load_documents wants bytes or str, not %s" % type(data).__name__)
    b = bytes(data)
    if b[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return b.decode("utf-16")
        except UnicodeDecodeError as e:
            raise YamlError("invalid UTF-16 at byte offset %d; save the file as UTF-8" % e.start,
                            path) from None
    try:
        b.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _line_col_of_byte(b, e.start)
        raise YamlError("invalid UTF-8 (byte 0x%02X at byte offset %d); save the file as UTF-8"
                        % (b[e.start], e.start), path, line, col) from None
    return b


_HINTS = (
    ("mapping values are not allowed",
     "; quote the value if it contains ': ', or fix the indentation"),
    ("could not find expected ':'", "; a key needs ': value' (check indentation and quotes)"),
    ("did not find expected key", "; check the indentation of this line"),
    ("found undefined alias", "; define the &anchor before using the *alias"),
)


def _source_line(src, line0: int) -> str:
    """Text of 0-based line ``line0`` of the source (for error messages)."""
    if isinstance(src, bytes):
        parts = src.split(b"\n", line0 + 1)
        return parts[line0].decode("utf-8", "replace") if line0 < len(parts) else ""
    parts = src.split("\n", line0 + 1)
    return parts[line0] if line0 < len(parts) else ""


def _syntax_error(e: yaml.YAMLError, path: str, src, line_off: int = 0) -> YamlError:
    if isinstance(e, yaml.reader.ReaderError):
        if _CParser is not None:  # libyaml reports a byte offset into the UTF-8 text
            b = src if isinstance(src, bytes) else src.encode("utf-8", "surrogatepass")
            line, col = _line_col_of_byte(b, e.position)
        else:
            line = src.count("\n", 0, e.position) + 1
            col = e.position - (src.rfind("\n", 0, e.position) + 1) + 1
        ch = e.character
        what = ("U+%04X" % ch) if isinstance(ch, int) else repr(ch)
        return YamlError("control character %s is not allowed in YAML; remove it or write it as "
                         "an escape in a double-quoted string" % what, path, line + line_off, col)
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        msg = problem
        if e.problem and e.context:
            msg = "%s (%s%s)" % (problem, e.context,
                                 " at line %d" % (e.context_mark.line + 1 + line_off)
                                 if e.context_mark is not None and mark is not None
                                 and e.context_mark.line != mark.line else "")
        text = _source_line(src, mark.line) if mark is not None else ""
        if "cannot start any token" in problem and mark is not None \
                and text[mark.column:mark.column + 1] == "\t":
            msg += "; indent with spaces, not tabs"
        elif "undefined alias" in problem and mark is not None:
            m = re.match(r"\*([^\s,\[\]{}]+)", text[mark.column:])
            if m and "'%s'" % m.group(1) not in msg:
                msg = msg.replace("found undefined alias", "found undefined alias *%s" % m.group(1))
        for needle, hint in _HINTS:
            if needle in problem:
                msg += hint
                break
        if mark is not None:
            return YamlError("invalid YAML: " + msg, path, mark.line + 1 + line_off,
                             mark.column + 1)
        return YamlError("invalid YAML: " + msg, path)
    return YamlError("invalid YAML: %s" % e, path)


# --------------------------------------------------------------------------------------
# The builder: nodes -> data + positions, one walk
# --------------------------------------------------------------------------------------

def _build_document(root, path, line_off=0, string_keys=False):
    """(data, positions) of one composed document. Raises YamlError.

    ``line_off``: lines of the file before the text the node marks count from.
    """
    l1 = line_off + 1
    positions = {}
    # id(collection node) -> number of nodes built for it (-1 while in progress): an alias
    # expands a node seen before, and its known size is charged to the alias budget.
    seen = {}
    state = [0, 0]  # [nodes built, nodes built through aliases]
    ScalarNode_ = ScalarNode
    MappingNode_ = MappingNode
    plain_value = _plain_value
    json_string = _json_string

    def fail(msg, node):
        m = node.start_mark
        raise YamlError(msg, path, m.line + l1, m.column + 1) from None

    def scalar(node):
        style = node.style
        try:
            if node.tag == "":
                if not style:
                    return plain_value(node.value)
                if style == '"':
                    return json_string(node.value)
                return node.value if "\x85" not in node.value else json_string(node.value)
            return _tagged_scalar(node)
        except _Reject as r:
            fail(str(r), node)

    def enter(node):
        k = id(node)
        size = seen.get(k)
        if size is None:
            seen[k] = -1
            return state[0]
        if size < 0:
            fail("anchor refers to itself (a recursive alias cannot be expanded)", node)
        state[1] += size
        if state[1] > MAX_ALIAS_NODES:
            fail("aliases of the anchor defined here expand to more than %d nodes (a YAML "
                 "bomb?); reduce anchor reuse" % MAX_ALIAS_NODES, node)
        seen[k] = -1
        return state[0]

    def key_of(knode, top):
        """Mapping key string for knode; top: document root (kustomize keeps raw text)."""
        if knode.__class__ is not ScalarNode_:
            fail("invalid map key: a %s cannot be a key; kustomize needs string keys"
                 % ("mapping" if knode.__class__ is MappingNode_ else "sequence"), knode)
        s = knode.value
        if knode.tag == "":
            if not knode.style:
                v = _SPECIAL.get(s, _MISS)
                if v is None:
                    fail("null mapping key %r is not supported by kustomize; quote it"
                         % s if s else "empty mapping key is not supported; quote it", knode)
                if top:
                    return s
                if v is _MISS and s[0] not in _NUM_START:
                    return s
                kind, value = resolve_scalar(s)
                if kind != "str" and string_keys:
                    return _key_text(kind, value, s)
                if kind != "str":
                    fail("mapping key %s is a %s; kustomize only accepts string keys below the "
                         "top level, quote it: \"%s\"" % (s, kind, s), knode)
                return s
            if "\x85" in s:
                fail("U+0085 (NEL) in a mapping key breaks kustomize's JSON round trip", knode)
            return json_string(s) if knode.style == '"' else s
        if top:
            try:
                return _tagged_scalar(knode) if knode.tag.endswith(":binary") else s
            except _Reject as r:
                fail(str(r), knode)
        v = scalar(knode)
        if v.__class__ is not str:
            fail("mapping key %s is not a string (tag %s); kustomize only accepts string keys "
                 "below the top level" % (s, _short_tag(knode.tag)), knode)
        return v

    def mapping(node, p, pos, top):
        start = enter(node)
        pairs = node.value
        state[0] += len(pairs)
        d = {}
        merge = None
        for knode, vnode in pairs:
            if knode.value == "<<" and knode.__class__ is ScalarNode_:
                if not knode.style and knode.tag in ("", "tag:yaml.org,2002:merge"):
                    if merge is not None:
                        fail("duplicate merge key \"<<\" (first at line %d)"
                             % (merge[0].start_mark.line + l1), knode)
                    merge = (knode, vnode)
                    continue
                if knode.tag in ("", "tag:yaml.org,2002:str"):
                    continue  # kustomize silently drops a quoted "<<" key
            k = key_of(knode, top)
            if k in d:
                for kn, _ in pairs:
                    if kn is knode:
                        break
                    if kn.__class__ is ScalarNode_ and key_of(kn, top) == k:
                        fail("mapping key %s already defined at line %d; remove one of them"
                             % (_quote(k), kn.start_mark.line + l1), knode)
            kp = p + (k,)
            m = knode.start_mark
            pos[kp] = (m.line + l1, m.column + 1)
            cls = vnode.__class__
            if cls is ScalarNode_:
                d[k] = scalar(vnode)
            elif cls is MappingNode_:
                d[k] = mapping(vnode, kp, pos, False)
            else:
                d[k] = sequence(vnode, kp, pos)
        if merge is not None:
            knode, vnode = merge
            if vnode.__class__ is MappingNode_:
                sources = [vnode]
            elif vnode.__class__ is SequenceNode and all(
                    n.__class__ is MappingNode_ for n in vnode.value):
                sources = vnode.value
            else:
                fail("map merge requires map or sequence of maps as the value", vnode)
            for src in sources:
                tmp = {}
                md = mapping(src, p, tmp, False)
                taken = set()
                for k, v in md.items():
                    if k not in d:
                        d[k] = v
                        taken.add(k)
                if taken:
                    n = len(p)
                    for tp, where in tmp.items():
                        if tp[n] in taken:
                            pos[tp] = where
        seen[id(node)] = state[0] - start
        return d

    def sequence(node, p, pos):
        start = enter(node)
        items = node.value
        state[0] += len(items)
        out = []
        append = out.append
        for i, item in enumerate(items):
            ip = p + (i,)
            m = item.start_mark
            pos[ip] = (m.line + l1, m.column + 1)
            cls = item.__class__
            if cls is ScalarNode_:
                append(scalar(item))
            elif cls is MappingNode_:
                append(mapping(item, ip, pos, False))
            else:
                append(sequence(item, ip, pos))
        seen[id(node)] = state[0] - start
        return out

    m = root.start_mark
    positions[()] = (m.line + l1, m.column + 1)
    cls = root.__class__
    if cls is ScalarNode_:
        return scalar(root), positions
    try:
        try:
            if cls is MappingNode_:
                data = mapping(root, (), positions, True)
            else:
                data = sequence(root, (), positions)
        except RecursionError:
            # Deeply nested (but within go-yaml's limit): start again with room to recurse.
            seen.clear()
            state[0] = state[1] = 0
            positions.clear()
            positions[()] = (m.line + l1, m.column + 1)
            with deep_recursion():
                if cls is MappingNode_:
                    data = mapping(root, (), positions, True)
                else:
                    data = sequence(root, (), positions)
    except RecursionError:
        fail("nesting is too deep to load (Python recursion limit); flatten the document", root)
    return data, positions


def _quote(s: str) -> str:
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def _is_null_document(root) -> bool:
    return (root.__class__ is ScalarNode and root.tag == "" and not root.style
            and _SPECIAL.get(root.value, _MISS) is None)


_SEPARATOR_B = re.compile(rb"\n---[^\n]*\n")
_SEPARATOR_S = re.compile(r"\n---[^\n]*\n")


def split_documents(src, path: str = ""):
    """Kustomize's own stream splitting (kyaml kio.ByteReader).

    CRLF becomes LF, then the text is cut at every line starting with ``---`` (only spaces
    or a comment may follow on that line, else kustomize fails). Each piece is decoded on
    its own and only its first YAML document counts. Yields ``(text, first_line)``.
    """
    if isinstance(src, bytes):
        text = src.replace(b"\r\n", b"\n") if b"\r" in src else src
        sep, nl, hash_ = _SEPARATOR_B, b"\n", b"#"
    else:
        text = src.replace("\r\n", "\n") if "\r" in src else src
        sep, nl, hash_ = _SEPARATOR_S, "\n", "#"
    prev = 0
    line = 1
    for m in sep.finditer(text):
        start = m.start()
        rest = m.group()[4:].strip()
        if rest and not rest.startswith(hash_):
            bad = m.group().strip()
            if isinstance(bad, bytes):
                bad = bad.decode("utf-8", "replace")
            raise YamlError("invalid document separator %r: only a comment may follow '---' on "
                            "its line" % bad, path, line + text.count(nl, prev, start) + 1, 1)
        yield text[prev:start] + nl, line
        line += text.count(nl, prev, m.end() - 1) + 1
        prev = m.end()
    yield text[prev:], line


def _key_text(kind: str, value, raw: str) -> str:
    """A non-string key as `kubectl apply` (sigs.k8s.io/yaml) turns it into a JSON key."""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "int":
        return str(value)
    if kind in ("float", "inf", "nan"):
        from kustgen.yamlio.emit import go_format_g
        return go_format_g(value)
    return raw


def load_documents(data, path: str, *, string_keys: bool = False) -> list[Document]:
    """All non-empty documents of a YAML stream (``bytes`` or ``str``) as kustomize reads them.

    The stream is split the way kustomize splits it (see :func:`split_documents`); empty and
    ``null`` documents are dropped; ``index`` counts the pieces, dropped ones included.
    Raises :class:`YamlError` with file/line/column. ``string_keys``: read numbers and
    booleans used as mapping keys as strings, as ``kubectl apply`` does with a plain
    manifest (kustomize refuses them).
    """
    src = _prepare(data, path)
    if _may_nest_deeply(src):
        _check_depth(src, path)
    docs = []
    for index, (chunk, first_line) in enumerate(split_documents(src, path)):
        try:
            root = _first_node(chunk, _CLoader)
        except yaml.composer.ComposerError as e:
            if "duplicate anchor" not in str(e):
                raise _syntax_error(e, path, chunk, first_line - 1) from None
            root = _first_node_or_error(chunk, _CRedefLoader, path, first_line)
        except yaml.YAMLError as e:
            raise _syntax_error(e, path, chunk, first_line - 1) from None
        except RecursionError:
            raise YamlError("nesting is too deep to load; flatten the document", path,
                            first_line) from None
        except UnicodeEncodeError as e:
            raise YamlError("text holds an unpaired surrogate (U+%04X); it is not valid Unicode"
                            % ord(e.object[e.start]), path, first_line) from None
        if root is None or _is_null_document(root):
            continue
        data, positions = _build_document(root, path, first_line - 1, string_keys)
        docs.append(Document(data, path, index, root.start_mark.line + first_line, positions))
    return docs


def _first_node(chunk, loader_cls):
    loader = loader_cls(chunk)
    try:
        if loader.check_node():
            return loader.get_node()
        return None
    finally:
        if hasattr(loader, "dispose"):
            loader.dispose()


def _first_node_or_error(chunk, loader_cls, path, first_line):
    try:
        return _first_node(chunk, loader_cls)
    except yaml.YAMLError as e:
        raise _syntax_error(e, path, chunk, first_line - 1) from None
    except RecursionError:
        raise YamlError("nesting is too deep to load; flatten the document", path,
                        first_line) from None


def load_one(data, path: str):
    """The data of the single document in ``data``; YamlError unless there is exactly one."""
    docs = load_documents(data, path)
    if len(docs) != 1:
        raise YamlError("expected exactly one YAML document, found %d" % len(docs), path,
                        docs[1].line if len(docs) > 1 else None)
    return docs[0].data
