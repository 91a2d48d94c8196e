"""Node-level merge of round-trip YAML: make a ruamel node carry target data, changing
only what differs (keys set/deleted one by one, lists edited along their longest common
subsequence) so comments and untouched lines stay.

    sync(node, target, keep)          # keep(path) -> True: leave B's value there
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from typing import Any, Callable

__all__ = ["sync", "plain", "to_node", "load_docs", "item_key"]


def plain(node: Any) -> Any:
    from kustgen.yamlio.rewrite import _plain
    return _plain(node)


def to_node(value: Any) -> Any:
    from kustgen.yamlio.rewrite import _to_node
    return _to_node(value)


def load_docs(text: str, path: str = "") -> list:
    """The plain data of every document of a YAML text (read as ``rewrite`` reads it)."""
    from kustgen.yamlio.rewrite import _BOM, _load_all
    body = text[1:] if text.startswith(_BOM) else text
    return [plain(d) for d in _load_all(body.replace("\r\n", "\n"), path)]


def item_key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def _never(path: tuple) -> bool:
    return False


def sync(node: Any, target: Any, keep: Callable[[tuple], bool] = _never,
         touches: Callable[[tuple], bool] | None = None, path: tuple = ()) -> Any:
    """Make ``node`` (CommentedMap/CommentedSeq/scalar) equal to ``target`` (plain data),
    except at paths where ``keep(path)`` (B's value stays, absent stays absent).
    ``touches(path)``: an environment-specific field lies at or below ``path`` (defaults
    to ``keep``). Returns the node to use (the same one when edited in place)."""
    touches = touches or keep
    if isinstance(node, dict) and isinstance(target, dict):
        _sync_map(node, target, keep, touches, path)
        return node
    if isinstance(node, list) and isinstance(target, list):
        _sync_list(node, target, keep, touches, path)
        return node
    if plain(node) == target and type(plain(node)) is type(target):
        return node
    return to_node(target)


def _last_slot(node):
    """(container, key) holding the comment written after ``node``'s last line."""
    while True:
        if isinstance(node, dict) and len(node):
            k = list(node.keys())[-1]
            if isinstance(node[k], (dict, list)) and len(node[k]):
                node = node[k]
                continue
            return node, k
        if isinstance(node, list) and len(node):
            i = len(node) - 1
            if isinstance(node[i], (dict, list)) and len(node[i]):
                node = node[i]
                continue
            return node, i
        return None, None


def _drop_comment_before(container, prev) -> None:
    """Remove the full-line comments written just before the item after ``prev`` (a key
    or index of ``container``): they describe the item being deleted."""
    holder, key = container, prev
    value = container[prev]
    if isinstance(value, (dict, list)) and len(value):
        holder, key = _last_slot(value)
    ca = getattr(holder, "ca", None)
    if ca is None or key not in ca.items:
        return
    slot = ca.items[key]
    idx = 2 if isinstance(holder, dict) else 0
    tok = slot[idx] if len(slot) > idx else None
    if tok is None or not isinstance(getattr(tok, "value", None), str):
        return
    first, sep, rest = tok.value.partition("\n")
    if rest.strip():
        tok.value = first + sep


def _sync_map(node, target: dict, keep, touches, path: tuple) -> None:
    from ruamel.yaml.comments import CommentedMap
    for k in [k for k in node if k not in target]:
        p = path + (k,)
        if keep(p):
            continue
        if touches(p) and isinstance(node[k], dict):
            _sync_map(node[k], {}, keep, touches, p)
            if len(node[k]) == 0:
                del node[k]
            continue
        keys = list(node.keys())
        if keys.index(k) > 0:
            _drop_comment_before(node, keys[keys.index(k) - 1])
        del node[k]
    prev = None
    for k, v in target.items():
        p = path + (k,)
        if k in node:
            if not keep(p):
                new = sync(node[k], v, keep, touches, p)
                if new is not node[k]:
                    node[k] = new
            prev = k
            continue
        if keep(p):
            continue
        if touches(p) and isinstance(v, dict):
            child = CommentedMap()
            _sync_map(child, v, keep, touches, p)
            if not len(child):
                continue
            value = child
        else:
            value = to_node(v)
        keys = list(node.keys())
        pos = keys.index(prev) + 1 if prev in keys else 0
        if pos >= len(keys):
            node[k] = value
        else:
            node.insert(pos, k, value)
        prev = k


def _sync_list(node, target: list, keep, touches, path: tuple) -> None:
    old = [item_key(plain(x)) for x in node]
    new = [item_key(x) for x in target]
    if old == new:
        return
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        n_old, n_new = i2 - i1, j2 - j1
        both = min(n_old, n_new) if tag == "replace" else 0
        # surplus first (from the end) so indexes below stay valid
        for i in range(i2 - 1, i1 + both - 1, -1):
            if not keep(path + (i,)):
                if i > 0:
                    _drop_comment_before(node, i - 1)
                del node[i]
        for off, j in enumerate(range(j1 + both, j2)):
            node.insert(i1 + both + off, to_node(target[j]))
        for k in range(both):
            i, j = i1 + k, j1 + k
            if keep(path + (j,)):
                continue
            cur = node[i]
            if isinstance(cur, dict) and isinstance(target[j], dict) or \
                    isinstance(cur, list) and isinstance(target[j], list):
                sync(cur, target[j], keep, touches, path + (j,))
            else:
                node[i] = to_node(target[j])
