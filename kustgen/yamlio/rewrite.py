"""Text-preserving YAML edits (kustomization.yaml, kustgen.yaml, patch files).

An edit is made on a ruamel.yaml round-trip document, but the file is never simply
re-dumped: ruamel normalises some formatting (indentation of other lists, spacing,
comments on list items). Instead the unmodified document (B0) and the modified one (B1)
are dumped with the same settings, and the line diff B0 -> B1 is merged onto the original
text O as a three-way merge (base B0, ours O, theirs B1). Lines of O outside the changed
hunks stay byte for byte as they were. The merged text is read again and must give the
same data as B1 (through libyaml when available, else ruamel); otherwise a plainer merge,
then B1 itself, is used.

Call ``kustgen.yamlio.rewrite`` directly (not through ``kustgen.yamlio``): ruamel and
difflib are imported only when a function here runs.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from kustgen.model.errors import KustgenError, YamlError

__all__ = ["rewrite", "append_to_list", "set_value", "delete_value", "get_value",
           "unified_diff"]

_BOM = "\ufeff"
_WIDTH = 4096
_DEFAULT_INDENT = (2, 2, 0)  # mapping, sequence, dash offset: kustomize's own style


# ---------------------------------------------------------------------------------------
# ruamel set-up

def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = _WIDTH
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


def _load_all(text: str, path: str) -> list:
    """All documents of ``text`` (already without BOM, LF line ends) as round-trip
    data; YamlError with file:line when it does not parse."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    y = _yaml(_DEFAULT_INDENT)
    try:
        return list(y.load_all(text))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = " ".join(x for x in (e.context, e.problem) if x) or "invalid YAML"
        msg = msg.split("\n")[0]
        raise YamlError("cannot edit: %s" % msg, path or None,
                        mark.line + 1 if mark is not None else None,
                        mark.column + 1 if mark is not None else None) from None
    except YAMLError as e:
        raise YamlError("cannot edit: %s" % str(e).strip().split("\n")[0] or "invalid YAML",
                        path or None) from None
    except (ValueError, TypeError, RecursionError) as e:  # e.g. bad timestamps, deep nesting
        raise YamlError("cannot edit: %s" % e, path or None) from None


def _dump_all(docs: list, indent: tuple[int, int, int]) -> str:
    import io
    out = io.StringIO()
    _yaml(indent).dump_all(docs, out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# plain data

def _canon(node: Any) -> Any:
    """A comparable form of round-trip data: mappings, lists and scalars, with tags."""
    from ruamel.yaml.comments import TaggedScalar
    tag = getattr(node, "tag", None)
    tag = getattr(tag, "value", tag) if tag is not None else None
    if isinstance(node, TaggedScalar):
        return ("!tagged", str(tag), _canon(node.value))
    if isinstance(node, dict):
        out = ("!map", tuple((_canon(k), _canon(v)) for k, v in node.items()))
    elif isinstance(node, (list, tuple)):
        out = ("!seq", tuple(_canon(v) for v in node))
    elif isinstance(node, bool):
        out = bool(node)
    elif isinstance(node, int):
        out = ("!int", int(node))
    elif isinstance(node, float):
        f = float(node)
        out = ("!float", "nan" if math.isnan(f) else f)
    elif isinstance(node, str):
        out = str(node)
    elif node is None:
        out = None
    else:
        out = ("!other", type(node).__name__, str(node))
    if tag and isinstance(tag, str) and tag.startswith("!") and not tag.startswith("!!"):
        return ("!tagged", tag, out)
    return out


def _plain(node: Any) -> Any:
    """JSON-like Python data (dict, list, str, int, float, bool, None) of a node."""
    from ruamel.yaml.comments import TaggedScalar
    if isinstance(node, TaggedScalar):
        return _plain(node.value)
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            k = _plain(k)
            if isinstance(k, (dict, list)):
                k = repr(k)
            out[k] = _plain(v)
        return out
    if isinstance(node, (list, tuple)):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _to_node(value: Any) -> Any:
    """Plain Python data as round-trip nodes in block style (multi-line strings as
    literal blocks)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString
    if isinstance(value, (CommentedMap, CommentedSeq, ScalarString)):
        return value
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_node(v)
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq()
        for v in value:
            s.append(_to_node(v))
        return s
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        return LiteralScalarString(value)
    return value


# ---------------------------------------------------------------------------------------
# indentation

def _detect_indent(docs: list) -> tuple[int, int, int]:
    """Most common (mapping indent, sequence indent, dash offset) of block collections
    that are values of mapping keys."""
    from collections import Counter
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    maps: Counter = Counter()
    seqs: Counter = Counter()
    seen = 0
    stack = [d for d in docs if isinstance(d, (CommentedMap, CommentedSeq))]
    while stack and seen < 20000:
        node = stack.pop()
        seen += 1
        if isinstance(node, CommentedMap):
            for k, v in node.items():
                if not isinstance(v, (CommentedMap, CommentedSeq)):
                    continue
                stack.append(v)
                if v.fa.flow_style() or not len(v):
                    continue
                try:
                    kline, kcol = node.lc.key(k)
                except (KeyError, TypeError, AttributeError):
                    continue
                if v.lc.line is None or v.lc.line <= kline:
                    continue
                if isinstance(v, CommentedMap):
                    if v.lc.col > kcol:
                        maps[v.lc.col - kcol] += 1
                else:
                    try:
                        iline, icol = v.lc.item(0)
                    except (KeyError, TypeError, AttributeError, IndexError):
                        continue
                    off = v.lc.col - kcol
                    seq = icol - kcol
                    if iline == v.lc.line and off >= 0 and seq >= off + 2:
                        seqs[(seq, off)] += 1
        else:
            stack.extend(x for x in node if isinstance(x, (CommentedMap, CommentedSeq)))
    mapping = maps.most_common(1)[0][0] if maps else None
    if seqs:
        sequence, offset = seqs.most_common(1)[0][0]
    else:
        sequence, offset = None, None
    if mapping is None:
        mapping = _DEFAULT_INDENT[0] if sequence is None else max(2, sequence - offset)
    if sequence is None:
        sequence, offset = mapping, 0
    return mapping, sequence, offset


def _list_indent(parent: Any, key: Any, seq: Any, fallback):
    """The indentation of one existing block list (value of ``parent[key]``)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    if not (isinstance(parent, CommentedMap) and isinstance(seq, CommentedSeq)) or not len(seq):
        return fallback
    if seq.fa.flow_style():
        return fallback
    try:
        kline, kcol = parent.lc.key(key)
        iline, icol = seq.lc.item(0)
    except (KeyError, TypeError, AttributeError, IndexError):
        return fallback
    if seq.lc.line is None or seq.lc.line <= kline or iline != seq.lc.line:
        return fallback
    off, sq = seq.lc.col - kcol, icol - kcol
    if off < 0 or sq < off + 2:
        return fallback
    return fallback[0], sq, off


# ---------------------------------------------------------------------------------------
# lines and the three-way merge

def _split_lines(text: str) -> list[str]:
    """Lines with their endings (only \\n ends a line; \\r\\n stays together)."""
    if not text:
        return []
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _strip_eol(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    return line


def _sync_regions(base: list[str], a: list[str], b: list[str]):
    """Regions where base, a and b agree: (base_start, base_end, a_start, a_end, b_start,
    b_end), ending with an empty sentinel at the ends (as merge3 does)."""
    from difflib import SequenceMatcher
    ia = 0
    ib = 0
    amatches = SequenceMatcher(None, base, a, autojunk=False).get_matching_blocks()
    bmatches = SequenceMatcher(None, base, b, autojunk=False).get_matching_blocks()
    out = []
    while ia < len(amatches) and ib < len(bmatches):
        abase, amatch, alen = amatches[ia]
        bbase, bmatch, blen = bmatches[ib]
        i = max(abase, bbase)
        j = min(abase + alen, bbase + blen)
        if i < j:
            asub = amatch + (i - abase)
            bsub = bmatch + (i - bbase)
            out.append((i, j, asub, asub + j - i, bsub, bsub + j - i))
        if abase + alen < bbase + blen:
            ia += 1
        else:
            ib += 1
    n = len(base)
    out.append((n, n, len(a), len(a), len(b), len(b)))
    return out


def _is_trivia(key: str) -> bool:
    s = key.strip()
    return not s or s.startswith("#")


def _eff_indent(key: str) -> int:
    """Column where a line's content starts, after indentation and sequence dashes."""
    i = len(key) - len(key.lstrip(" "))
    while i < len(key) and key[i] == "-" and (i + 1 == len(key) or key[i + 1] in " \t"):
        i += 1
        while i < len(key) and key[i] in " \t":
            i += 1
    return i


def _is_doc_marker(key: str) -> bool:
    return (key.startswith("---") or key.startswith("...")) and (
        len(key) == 3 or key[3] in " \t")


def _merge(base: list[str], ours_keys: list[str], theirs: list[str], level: int):
    """Three-way merge; returns a list of ("o", index into ours) / ("t", line) items.

    level 2: pure insertions ending a collection move above trailing comments
    (``_insert_slid``), comments that end a deleted block stay, and a chunk that ruamel
    reformatted line for line keeps the original lines around an insertion; level 1:
    only the last; level 0: plain merge (a conflicting chunk is taken from theirs).
    """
    out: list[tuple[str, Any]] = []
    iz = ia = ib = 0
    for zmatch, zend, amatch, aend, bmatch, bend in _sync_regions(base, ours_keys, theirs):
        # the unstable chunk before this sync region
        zchunk = base[iz:zmatch]
        achunk = ours_keys[ia:amatch]
        bchunk = theirs[ib:bmatch]
        if bchunk == zchunk or achunk == bchunk:
            out.extend(("o", k) for k in range(ia, amatch))
        elif achunk == zchunk:
            if level >= 2 and not zchunk:
                _insert_slid(out, ours_keys, amatch, bchunk)
            elif level >= 2 and not bchunk:
                # a deletion: keep the comments after the last deleted content line
                t = amatch
                while t > ia and _is_trivia(ours_keys[t - 1]):
                    t -= 1
                while t < amatch and not ours_keys[t].strip():
                    t += 1
                out.extend(("o", k) for k in range(t, amatch))
            else:
                out.extend(("t", line) for line in bchunk)
        elif level >= 1 and len(achunk) == len(zchunk) and zchunk:
            _merge_reformatted(out, zchunk, ia, bchunk)
        else:
            out.extend(("t", line) for line in bchunk)
        # the sync region itself, from ours
        out.extend(("o", k) for k in range(amatch, aend))
        iz, ia, ib = zend, aend, bend
    return out


def _merge_reformatted(out: list, zchunk: list[str], ia: int, bchunk: list[str]) -> None:
    """A chunk ruamel reformatted line for line (ours and base have the same number of
    lines): lines theirs keeps from base come from ours, the rest from theirs."""
    from difflib import SequenceMatcher
    sm = SequenceMatcher(None, zchunk, bchunk, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.extend(("o", ia + k) for k in range(i1, i2))
        else:
            out.extend(("t", line) for line in bchunk[j1:j2])


def _insert_slid(out: list, ours_keys: list[str], at: int, lines: list[str]) -> None:
    """Insert ``lines`` (a pure insertion at ours position ``at``). ruamel attaches
    comments after the last item of a collection to that item, so an item appended to a
    list, or a key added at the end of a mapping, comes after them; when the insertion
    ends its collection, move it up before the trailing comments that follow a blank
    line (comments right below the last item stay with it)."""
    first = next((ln for ln in lines if not _is_trivia(ln)), None)
    if first is None:
        out.extend(("t", line) for line in lines)
        return
    want = _eff_indent(first)
    nxt = -1
    for k in range(at, len(ours_keys)):
        key = ours_keys[k]
        if _is_trivia(key):
            continue
        nxt = -1 if _is_doc_marker(key) else _eff_indent(key)
        break
    # trailing trivia lines (from ours) just before the insertion point
    t = len(out)
    while t > 0 and out[t - 1][0] == "o" and _is_trivia(ours_keys[out[t - 1][1]]):
        t -= 1
    if nxt >= want or t == len(out) or t == 0:
        out.extend(("t", line) for line in lines)
        return
    blank = next((k for k in range(t, len(out)) if not ours_keys[out[k][1]].strip()), None)
    if blank is None:
        out.extend(("t", line) for line in lines)
        return
    out[blank:blank] = [("t", line) for line in lines]


def _render(items: list, ours: list[str], nl: str, trailing_nl: bool) -> str:
    lines = []
    for kind, val in items:
        if kind == "o":
            lines.append(ours[val])
        else:
            lines.append(_strip_eol(val) + nl)
    for k in range(len(lines) - 1):
        if not lines[k].endswith("\n"):
            lines[k] += nl
    if lines:
        if trailing_nl:
            if not lines[-1].endswith("\n"):
                lines[-1] += nl
        else:
            lines[-1] = _strip_eol(lines[-1])
    return "".join(lines)


# ---------------------------------------------------------------------------------------
# rewrite

def _rewrite(text: str, edit: Callable[[Any], Any], path: str, doc: int,
             indent_for: Callable[[Any, tuple], tuple] | None = None) -> str:
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    nl = "\r\n" if "\r\n" in body else "\n"
    lf = body.replace("\r\n", "\n")
    docs = _load_all(lf, path)
    if not docs and doc == 0:
        docs = [None]
    if not isinstance(doc, int) or doc < 0 or doc >= len(docs):
        raise KustgenError("cannot edit document %s: the file has %d document(s)"
                           % (doc, len(docs)), path or None)
    before = [_canon(d) for d in docs]
    try:
        import copy
        pristine = copy.deepcopy(docs)  # ten times cheaper than parsing again
    except Exception:  # noqa: BLE001 - exotic nodes: parse again below
        pristine = None
    root = docs[doc]
    indent = _detect_indent(docs)
    replaced = edit(root)
    if replaced is not None:
        docs[doc] = _to_node(replaced)
    if indent_for is not None:
        indent = indent_for(docs[doc], indent)
    after = [_canon(d) for d in docs]
    if after == before:
        return text

    if len(docs) == 1 and root is None:
        # an empty document (nothing, or only comments): ruamel keeps no comments of
        # it; add the new content after the original text
        new = _dump_all(docs, indent)
        if new.endswith("...\n"):
            new = new[:-4]
        prefix = lf if (not lf or lf.endswith("\n")) else lf + "\n"
        merged = prefix + new
        if not _same_data(merged, after):
            raise KustgenError("cannot edit: the edited YAML would not read back as "
                               "written", path or None)
        if nl != "\n":
            merged = merged.replace("\n", nl)
        return (_BOM if bom else "") + merged

    fresh = pristine if pristine is not None else _load_all(lf, path)
    if len(fresh) < len(docs):
        fresh = fresh + [None] * (len(docs) - len(fresh))
    b0 = _split_lines(_dump_all(fresh, indent))
    b1 = _split_lines(_dump_all(docs, indent))
    ours = _split_lines(body)
    ours_keys = [_strip_eol(x) for x in ours]
    base = [_strip_eol(x) for x in b0]
    theirs = [_strip_eol(x) for x in b1]
    trailing_nl = not body or body.endswith("\n")
    expected = after
    fast = _FastCheck("".join(b1))
    for level in (2, 1, 0):
        merged = _render(_merge(base, ours_keys, theirs, level), ours, nl, trailing_nl)
        verdict = fast.same(merged)
        if verdict is None:
            verdict = _same_data(merged, expected)
        if verdict:
            return (_BOM if bom else "") + merged
    # last resort: the plain ruamel dump of the edited stream
    dumped = "".join(b1)
    if nl != "\n":
        dumped = dumped.replace("\n", nl)
    if not trailing_nl:
        dumped = dumped.rstrip("\r\n")
    if _same_data(dumped, expected):
        return (_BOM if bom else "") + dumped
    raise KustgenError("cannot edit: the edited YAML would not read back as written",
                       path or None)


class _FastCheck:
    """Compares a merged text with ruamel's own dump of the edited data (B1) through
    libyaml (ten times faster than ruamel); None when libyaml is not there or either
    text does not load, and the caller checks with ruamel."""

    def __init__(self, b1: str):
        self.ok = False
        try:
            import yaml
            self.loader = yaml.CSafeLoader
            self.yaml = yaml
        except (ImportError, AttributeError):
            return
        self.want = self._load(b1)
        self.ok = self.want is not None

    def _load(self, text: str):
        try:
            return list(self.yaml.load_all(text, Loader=self.loader))
        except Exception:  # noqa: BLE001 - anything: let ruamel decide
            return None

    def same(self, text: str) -> bool | None:
        if not self.ok:
            return None
        got = self._load(text.replace("\r\n", "\n"))
        if got is None:
            return None
        return got == self.want


def _same_data(text: str, expected: list) -> bool:
    try:
        docs = _load_all(text.replace("\r\n", "\n"), "")
    except YamlError:
        return False
    if not docs:
        docs = [None]
    return [_canon(d) for d in docs] == expected


def rewrite(text: str, edit: Callable[[Any], None], *, path: str = "", doc: int = 0) -> str:
    """Edit document ``doc`` of ``text`` and return the new text, keeping every part the
    edit does not touch byte for byte (comments, order, quoting, blank lines, CRLF, BOM).

    ``edit(root)`` mutates the round-trip root (CommentedMap/CommentedSeq) in place; it
    may return a replacement root instead (needed when the document is empty and root
    is None). When the data does not change, ``text`` is returned as it was.
    Raises YamlError (file:line) when the text does not parse and KustgenError when
    ``doc`` is out of range.
    """
    return _rewrite(text, edit, path, doc)


# ---------------------------------------------------------------------------------------
# helpers on key paths

def _where(keys: tuple) -> str:
    return ".".join(str(k) for k in keys) or "<root>"


def _descend(root: Any, keys: tuple, path: str, create: bool):
    """The container holding the last key (created on the way when ``create``); None
    when absent and not creating."""
    from ruamel.yaml.comments import CommentedMap
    node = root
    for i, k in enumerate(keys[:-1]):
        if isinstance(node, list):
            if not isinstance(k, int) or not -len(node) <= k < len(node):
                if create:
                    raise KustgenError("cannot edit %s: no list item %r"
                                       % (_where(keys[:i + 1]), k), path or None)
                return None
            child = node[k]
        elif isinstance(node, dict):
            child = node.get(k)
            if child is None:
                if not create:
                    return None
                child = CommentedMap()
                node[k] = child
        else:
            if not create:
                return None
            raise KustgenError("cannot edit %s: %s is not a mapping"
                               % (_where(keys), _where(keys[:i])), path or None)
        node = child
    if not isinstance(node, (dict, list)):
        if not create:
            return None
        raise KustgenError("cannot edit %s: %s is not a mapping"
                           % (_where(keys), _where(keys[:-1])), path or None)
    return node


def append_to_list(text: str, keys: tuple, item, *, path: str = "", doc: int = 0,
                   unique: bool = True) -> str:
    """Append ``item`` (plain data) to the list at ``keys`` (e.g. ("resources",)),
    creating the list (and missing mappings) at the end of its parent if absent. With
    ``unique``, an item equal to one already there leaves the text unchanged."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    keys = tuple(keys)
    if not keys:
        raise KustgenError("append_to_list needs at least one key", path or None)
    state: dict = {}

    def edit(root):
        new_root = None
        if root is None:
            root = new_root = CommentedMap()
        parent = _descend(root, keys, path, create=True)
        last = keys[-1]
        if isinstance(parent, list):
            if not isinstance(last, int) or not -len(parent) <= last < len(parent):
                raise KustgenError("cannot edit %s: no list item %r" % (_where(keys), last),
                                   path or None)
            cur = parent[last]
        else:
            cur = parent.get(last)
        if cur is None:
            seq = CommentedSeq()
            seq.append(_to_node(item))
            parent[last] = seq
            return new_root
        if not isinstance(cur, list):
            raise KustgenError("cannot add to %s: it is not a list" % _where(keys),
                               path or None)
        if unique:
            want = _canon(_to_node(item))
            if any(_canon(x) == want for x in cur):
                return new_root
        cur.append(_to_node(item))
        state["list"] = (parent, last, cur)
        return new_root

    def indent_for(root, indent):
        if "list" in state:
            return _list_indent(*state["list"], indent)
        return indent

    return _rewrite(text, edit, path, doc, indent_for)


def set_value(text: str, keys: tuple, value, *, path: str = "", doc: int = 0) -> str:
    """Set ``keys`` to ``value`` (plain data), creating missing mappings; list indexes as
    ints address existing items. An empty ``keys`` replaces the document."""
    from ruamel.yaml.comments import CommentedMap
    keys = tuple(keys)

    def edit(root):
        if not keys:
            return _to_node(value)
        new_root = None
        if root is None:
            root = new_root = CommentedMap()
        parent = _descend(root, keys, path, create=True)
        last = keys[-1]
        node = _to_node(value)
        if isinstance(parent, list):
            if not isinstance(last, int) or not -len(parent) <= last < len(parent):
                raise KustgenError("cannot edit %s: no list item %r" % (_where(keys), last),
                                   path or None)
        elif last in parent and _canon(parent[last]) == _canon(node):
            return new_root  # keep the original node (and its quoting)
        parent[last] = node
        return new_root

    return _rewrite(text, edit, path, doc)


def delete_value(text: str, keys: tuple, *, path: str = "", doc: int = 0) -> str:
    """Remove the key (or list item) at ``keys``; nothing happens when it is absent."""
    keys = tuple(keys)
    if not keys:
        raise KustgenError("delete_value needs at least one key", path or None)

    def edit(root):
        parent = _descend(root, keys, path, create=False)
        if parent is None:
            return None
        last = keys[-1]
        if isinstance(parent, list):
            if isinstance(last, int) and -len(parent) <= last < len(parent):
                del parent[last]
        elif last in parent:
            del parent[last]
        return None

    return _rewrite(text, edit, path, doc)


def get_value(text: str, keys: tuple, default=None, *, path: str = "", doc: int = 0):
    """The plain data at ``keys`` of document ``doc``, or ``default`` when absent."""
    body = text[1:] if text.startswith(_BOM) else text
    docs = _load_all(body.replace("\r\n", "\n"), path)
    if not docs and doc == 0:
        return default
    if not isinstance(doc, int) or doc < 0 or doc >= len(docs):
        raise KustgenError("cannot read document %s: the file has %d document(s)"
                           % (doc, len(docs)), path or None)
    node = docs[doc]
    for k in tuple(keys):
        if isinstance(node, list):
            if not isinstance(k, int) or not -len(node) <= k < len(node):
                return default
            node = node[k]
        elif isinstance(node, dict):
            if k not in node:
                return default
            node = node[k]
        else:
            return default
    return _plain(node)


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff (``--- a/path``, ``+++ b/path``) for --dry-run output; empty when
    the texts are equal. A last line without newline is marked as git does."""
    import difflib
    if old == new:
        return ""
    a = _split_lines(old)
    b = _split_lines(new)
    out = []
    for line in difflib.unified_diff(a, b, "a/" + path, "b/" + path, lineterm="\n"):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
