"""Print JSON-like data exactly as ``kubectl kustomize`` (Kustomize v5.5.0) prints it.

Kustomize marshals each resource with go-yaml v3 (indent 2, sequences not indented under
their key, map keys sorted, line width 80) after a JSON round trip. This module reproduces
that output byte for byte for data made of dict/list/str/int/float/bool/None:

* scalar styles follow go-yaml's ``stringv`` (quote what would resolve to a non-string, YAML
  1.1 booleans and base-60 floats; literal block for strings with a newline) and the
  emitter's scalar analysis (fall back to single, then double quotes);
* plain, single- and double-quoted scalars fold at a space once the column passes 80;
* keys longer than 128 bytes or spanning lines use the ``? key`` / ``: value`` form;
* numbers are printed in the JSON round trip's normal form (``1.0`` -> ``1``,
  ``1e20`` -> ``1e+20``, ``1e-6`` -> ``1e-06``).

The common case (a short string that can be plain) is decided by one regex match.
"""

from __future__ import annotations

import re

from kustgen.yamlio.load import _Reject, deep_recursion, json_number, plain_is_string

__all__ = ["dump", "dump_documents", "format_float"]

_BEST_WIDTH = 80

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = 0, 1, 2, 3

# Printable for go-yaml's emitter (is_printable), minus tab and line breaks.
_NB = "\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
# A string that can certainly be written plain (if it also resolves to a string): a safe
# first character, then printable non-break characters; ': ', ' #' and a trailing ':' or
# space are excluded by substring tests.
_FAST_PLAIN_RE = re.compile("[$()+/0-9;<=A-Z\\\\^_a-z~%s][\x20-\x7e%s]*\\Z" % (_NB, _NB))
_RESOLVE_FIRST = frozenset("0123456789+-.tTfF~nNyYoO")
_SPECIAL_CH_RE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
_BREAKS = "\n\r\x85\u2028\u2029"
_BREAK_RE = re.compile("[\n\r\x85\u2028\u2029]")
_SPACE_BREAK_RE = re.compile(" [\n\u2028\u2029]")
_SPACE_NEAR_BREAK_RE = re.compile(" [\u2028\u2029]|[\u2028\u2029] ")
_COLON_RE = re.compile(".:(?:[ \t]|\\Z)", re.S)
_HASH_RE = re.compile("[ \t\r\n\x85\u2028\u2029\x00]#")
_LSPS_RE = re.compile("[\u2028\u2029]")
_DQ_ESC_RE = re.compile("[^ !#-\\[\\]-~%s]" % _NB)
_DQ_ESCAPES = {
    "\x00": "\\0", "\x07": "\\a", "\x08": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v",
    "\x0c": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N",
    "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P",
}


def _esc_char(ch: str) -> str:
    e = _DQ_ESCAPES.get(ch)
    if e is not None:
        return e
    o = ord(ch)
    if o <= 0xFF:
        return "\\x%02X" % o
    if o <= 0xFFFF:
        return "\\u%04X" % o
    return "\\U%08X" % o


def _esc_match(m) -> str:
    return _esc_char(m.group())


def _dq_body(s: str) -> str:
    if s[:1] == "\ufeff":
        # go-yaml's is_bom() looks at the start of the whole value, not at position i:
        # a value starting with a BOM gets every character escaped.
        return "".join(_esc_char(c) for c in s)
    return _DQ_ESC_RE.sub(_esc_match, s)


def _block_indicators(s: str) -> bool:
    c = s[0]
    if c in "#,[]{}&*!|>'\"%@`":
        return True
    if c in "?:-" and (len(s) == 1 or s[1] in " \t"):
        return True
    if s[:3] in ("---", "..."):
        return True
    return bool(_COLON_RE.search(s) or _HASH_RE.search(s))


def _style(s: str) -> int:
    """go-yaml's choice for a string value (stringv + select_scalar_style, block context)."""
    if (_FAST_PLAIN_RE.match(s) and s[-1] != ":" and s[-1] != " " and ": " not in s
            and " #" not in s):
        if s[0] in _RESOLVE_FIRST and not plain_is_string(s):
            return _DOUBLE
        return _PLAIN
    if not s:
        return _DOUBLE
    if "\n" in s:
        if (s[-1] == " " or "\t" in s or _SPECIAL_CH_RE.search(s)
                or _SPACE_BREAK_RE.search(s)):
            return _DOUBLE
        return _LITERAL
    if not plain_is_string(s):
        return _DOUBLE
    if "\t" in s or _SPECIAL_CH_RE.search(s):
        return _DOUBLE
    has_break = _LSPS_RE.search(s) is not None
    if has_break and _SPACE_NEAR_BREAK_RE.search(s):
        return _DOUBLE
    if has_break or s[0] == " " or s[-1] == " " or _block_indicators(s):
        return _SINGLE
    return _PLAIN


def _fold(body: str, col: int, indent: int, dq: bool) -> str:
    """Break ``body`` (written from column ``col``) at spaces past the best width."""
    n = len(body)
    k = body.find(" ")
    if k < 0 or col + n <= _BEST_WIDTH + 1:
        return body
    parts = []
    start = 0
    base = col
    nl = "\n" + " " * indent
    while k >= 0:
        if base + (k - start) > _BEST_WIDTH and k > 0 and body[k - 1] != " " and k < n - 1:
            if dq:
                parts.append(body[start:k])
                if body[k + 1] == " ":
                    parts.append(nl + "\\")
                    base = indent + 1
                else:
                    parts.append(nl)
                    base = indent
                start = k + 1
            elif body[k + 1] != " ":
                parts.append(body[start:k])
                parts.append(nl)
                base = indent
                start = k + 1
        k = body.find(" ", k + 1)
    parts.append(body[start:])
    return "".join(parts)


def _single_with_breaks(s: str, col: int, indent: int) -> str:
    """go-yaml write_single_quoted for a value holding U+2028/U+2029 (rare)."""
    out = ["'"]
    col += 1
    spaces = breaks = False
    n = len(s)
    for i, ch in enumerate(s):
        if ch == " ":
            if not spaces and col > _BEST_WIDTH and 0 < i < n - 1 and s[i + 1] != " ":
                out.append("\n" + " " * indent)
                col = indent
            else:
                out.append(" ")
                col += 1
            spaces = True
        elif ch in _BREAKS:
            out.append(ch)
            col = 0
            breaks = True
        else:
            if breaks:
                out.append(" " * indent)
                col = indent
            out.append("''" if ch == "'" else ch)
            col += 2 if ch == "'" else 1
            spaces = breaks = False
    out.append("'")
    return "".join(out)


def _literal(s: str, indent: int) -> tuple[str, bool]:
    """Header (after '|') and content of a literal block; and whether it ends a line."""
    hint = "2" if s[0] == " " or s[0] in _BREAKS else ""
    last = s[-1]
    if last not in _BREAKS:
        chomp = "-"
    elif len(s) == 1 or s[-2] in _BREAKS:
        chomp = "+"
    else:
        chomp = ""
    pad = " " * indent
    if _LSPS_RE.search(s) is None:
        body = "\n".join([pad + ln if ln else "" for ln in s.split("\n")])
    else:
        out = []
        brk = True
        for ch in s:
            if ch in _BREAKS:
                out.append(ch)
                brk = True
            else:
                if brk:
                    out.append(pad)
                out.append(ch)
                brk = False
        body = "".join(out)
    return "|" + hint + chomp + "\n" + body, last in _BREAKS


def _write_str(s: str, indent: int, col: int, out: list, lead: str) -> bool:
    """Append ``lead`` + the scalar for ``s``; col: column where ``lead`` starts.

    Returns True when the output now ends at the start of a line (literal block ending in
    a line break).
    """
    style = _style(s)
    c0 = col + len(lead)
    if style == _PLAIN:
        if c0 + len(s) > _BEST_WIDTH + 1:
            s = _fold(s, c0, indent, False)
        out.append(lead + s)
        return False
    if style == _DOUBLE:
        body = _dq_body(s)
        if c0 + 1 + len(body) > _BEST_WIDTH + 1:
            body = _fold(body, c0 + 1, indent, True)
        out.append(lead + '"' + body + '"')
        return False
    if style == _SINGLE:
        if _LSPS_RE.search(s) is not None:
            out.append(lead + _single_with_breaks(s, c0, indent))
            return False
        body = s.replace("'", "''")
        if c0 + 1 + len(body) > _BEST_WIDTH + 1:
            body = _fold(body, c0 + 1, indent, False)
        out.append(lead + "'" + body + "'")
        return False
    text, bol = _literal(s, indent)
    out.append(lead + text)
    return bol


_KEY_CACHE: dict = {}

# Key order: go-yaml's keyList.Less (sorter.go). It compares at the first differing rune:
# letters by code point, a non-letter before a letter, otherwise the digit runs starting
# there numerically. For keys made of ASCII letters and the characters from space to '/'
# that is plain code point order, which sorted() does in C.
_SIMPLE_KEYS_RE = re.compile("[A-Za-z\x20-\x2f]*\\Z")
_MASK64 = (1 << 64) - 1


def _go_int64(v: int) -> int:
    v &= _MASK64
    return v - (1 << 64) if v >> 63 else v


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9" or (c > "\x7f" and c.isdecimal())


def _go_key_cmp(a: str, b: str) -> int:
    """-1/0/1 from go-yaml's keyList.Less(a, b) / Less(b, a)."""
    if _go_less(a, b):
        return -1
    if _go_less(b, a):
        return 1
    return 0


def _go_less(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    if i == n:
        return len(a) < len(b)
    ca, cb = a[i], b[i]
    al, bl = ca.isalpha(), cb.isalpha()
    if al and bl:
        return ca < cb
    if al or bl:
        return bl
    an = bn = 0
    if ca == "0" or cb == "0":
        j = i - 1
        while j >= 0 and _is_digit(a[j]):
            if a[j] != "0":
                an = bn = 1
                break
            j -= 1
    ai = i
    while ai < len(a) and _is_digit(a[ai]):
        an = _go_int64(an * 10 + ord(a[ai]) - 48)
        ai += 1
    bi = i
    while bi < len(b) and _is_digit(b[bi]):
        bn = _go_int64(bn * 10 + ord(b[bi]) - 48)
        bi += 1
    if an != bn:
        return an < bn
    if ai != bi:
        return ai < bi
    return ca < cb


_GO_KEY = __import__("functools").cmp_to_key(_go_key_cmp)


def _sorted_keys(d: dict) -> list:
    keys = list(d)
    if len(keys) < 2:
        if keys and not isinstance(keys[0], str):
            raise TypeError("mapping keys must be strings, got %r" % (keys[0],))
        return keys
    simple = _SIMPLE_KEYS_RE.match
    for k in keys:
        if k.__class__ is not str or not simple(k):
            break
    else:
        keys.sort()
        return keys
    for k in keys:
        if not isinstance(k, str):
            raise TypeError("mapping keys must be strings, got %r" % (k,))
    keys.sort(key=_GO_KEY)
    return keys


def _key(k):
    """(text, simple) for a mapping key; text is None for a complex (``? ``) key."""
    r = _KEY_CACHE.get(k)
    if r is not None:
        return r
    if k.__class__ is not str:
        if isinstance(k, str):
            k = str(k)
        else:
            raise TypeError("mapping keys must be strings, got %r" % (k,))
    if (len(k) > 128 or (len(k) > 42 and len(k.encode("utf-8", "surrogatepass")) > 128)
            or _BREAK_RE.search(k)):
        r = (None, False)
    else:
        st = _style(k)
        if st == _PLAIN:
            r = (k, True)
        elif st == _SINGLE:
            r = ("'" + k.replace("'", "''") + "'", True)
        else:
            r = ('"' + _dq_body(k) + '"', True)
    if len(_KEY_CACHE) > 50_000:
        _KEY_CACHE.clear()
    _KEY_CACHE[k] = r
    return r


def format_float(f: float) -> str:
    """A float as kustomize prints it (JSON normal form, then Go 'g' shortest)."""
    try:
        v = json_number(f)
    except _Reject as e:
        raise ValueError(str(e)) from None
    if v.__class__ is int:
        return str(v)
    return go_format_g(v)


def go_format_g(v: float) -> str:
    """Go's strconv.FormatFloat(v, 'g', -1, 64) for a finite float."""
    r = repr(v)
    neg = r[0] == "-"
    if neg:
        r = r[1:]
    mant, _, e = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    dp = len(ip) + (int(e) if e else 0)
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    if not digits:
        return "0"
    x = dp - 1
    sign = "-" if neg else ""
    if x < -4 or x >= 6:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, m, "-" if x < 0 else "+", abs(x))
    if dp <= 0:
        return sign + "0." + "0" * (-dp) + digits
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return sign + digits[:dp] + "." + digits[dp:]


def _int_text(n: int) -> str:
    if -(1 << 63) <= n < (1 << 64):
        return str(n)
    try:
        f = float(n)
    except OverflowError:
        raise ValueError("integer %d is too large for kustomize (JSON number overflow)" % n) \
            from None
    return format_float(f)


def _write_scalar(v, indent: int, col: int, out: list, lead: str) -> bool:
    t = v.__class__
    if t is str:
        return _write_str(v, indent, col, out, lead)
    if v is None:
        out.append(lead + "null")
    elif t is bool:
        out.append(lead + ("true" if v else "false"))
    elif t is int:
        out.append(lead + _int_text(v))
    elif t is float:
        out.append(lead + format_float(v))
    elif isinstance(v, str):
        return _write_str(str(v), indent, col, out, lead)
    elif isinstance(v, bool):
        out.append(lead + ("true" if v else "false"))
    elif isinstance(v, int):
        out.append(lead + _int_text(int(v)))
    elif isinstance(v, float):
        out.append(lead + format_float(float(v)))
    elif isinstance(v, dict) and not v:
        out.append(lead + "{}")
    elif isinstance(v, (list, tuple)) and not v:
        out.append(lead + "[]")
    else:
        raise TypeError("cannot dump %s as YAML" % type(v).__name__)
    return False


def _write_map(d: dict, indent: int, inline: bool, out: list, bol: bool) -> bool:
    pad = " " * indent
    nlpad = "\n" + pad
    first = inline
    keys = _sorted_keys(d)
    for k in keys:
        v = d[k]
        if first:
            first = False
        elif bol:
            out.append(pad)
        else:
            out.append(nlpad)
        text, simple = _key(k)
        if simple:
            out.append(text + ":")
            col = indent + len(text) + 1
            complex_value = False
        else:
            out.append("?")
            bol = _write_str(k, indent + 2, indent + 1, out, " ")
            out.append((pad if bol else nlpad) + ":")
            col = indent + 1
            complex_value = True
        t = v.__class__
        if t is dict or (t is not list and isinstance(v, dict)):
            if v:
                if complex_value:
                    out.append(" ")
                    bol = _write_map(v, indent + 2, True, out, False)
                else:
                    bol = _write_map(v, indent + 2, False, out, False)
            else:
                out.append(" {}")
                bol = False
        elif t is list or (t is not str and isinstance(v, (list, tuple))):
            if v:
                if complex_value:
                    out.append(" ")
                    bol = _write_seq(v, indent + 2, True, out, False)
                else:
                    bol = _write_seq(v, indent, False, out, False)
            else:
                out.append(" []")
                bol = False
        else:
            bol = _write_scalar(v, indent + 2, col, out, " ")
    return bol


def _write_seq(items, indent: int, inline: bool, out: list, bol: bool) -> bool:
    pad = " " * indent
    nlpad = "\n" + pad
    first = inline
    for v in items:
        if first:
            out.append("-")
            first = False
        elif bol:
            out.append(pad + "-")
        else:
            out.append(nlpad + "-")
        t = v.__class__
        if (t is dict or (t is not list and isinstance(v, dict))) and v:
            out.append(" ")
            bol = _write_map(v, indent + 2, True, out, False)
        elif (t is list or (t is not str and isinstance(v, (list, tuple)))) and v:
            out.append(" ")
            bol = _write_seq(v, indent + 2, True, out, False)
        else:
            bol = _write_scalar(v, indent + 2, indent + 1, out, " ")
    return bol


def dump(obj) -> str:
    """One document as kustomize prints it, ending in a newline."""
    out: list = []
    try:
        bol = _write_root(obj, out)
    except RecursionError:
        out = []
        with deep_recursion():
            bol = _write_root(obj, out)
    text = "".join(out)
    return text if bol else text + "\n"


def _write_root(obj, out: list) -> bool:
    if isinstance(obj, dict) and obj:
        return _write_map(obj, 0, True, out, True)
    if isinstance(obj, (list, tuple)) and obj and not isinstance(obj, str):
        return _write_seq(obj, 0, True, out, True)
    return _write_scalar(obj, 2, 0, out, "")


def dump_documents(objs) -> str:
    """Documents joined the way kustomize prints a build (``---`` between, none first)."""
    return "---\n".join([dump(o) for o in objs])

