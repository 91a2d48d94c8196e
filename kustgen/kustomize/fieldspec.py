"""Walking a field spec path (`spec/template/metadata/labels`) through an object.

Field locations are data (kustomize/fieldspecs); this is the one walker every
transformer uses. Sequences met on the way apply the rest of the path to each element;
`create` makes missing maps along the way (never sequences).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from kustgen.model import RenderError, Resource
from kustgen.kustomize.resid import gvk_selected

MAP = "map"
SCALAR = "scalar"

# set_fn(parent_container, key_or_index) -> None
SetFn = Callable[[dict, str], None]

@lru_cache(maxsize=2048)
def split_fs_path(path: str) -> tuple[str, ...]:
    """`spec/template/metadata/labels` -> parts; `\\/` escapes a slash inside a key."""
    out, cur, i = [], "", 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] == "/":
            cur += "/"
            i += 2
            continue
        if ch == "/":
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return tuple(p for p in out if p != "")


def fs_applies(fs, res: Resource, use_org: bool = False) -> bool:
    gvk = res.org_id().gvk if use_org else res.gvk
    return gvk_selected(gvk, fs.group, fs.version, fs.kind)


def apply_fieldspec(obj, fs, set_fn: SetFn, create_kind: str | None = None,
                    with_path: bool = False) -> None:
    """Call set_fn(parent, key) at every location of the field spec; with `with_path`,
    set_fn(parent, key, path) where path is the field path of parent[key]."""
    parts = split_fs_path(fs.path)
    if not parts:
        return
    _walk(obj, parts, 0, set_fn, create_kind if fs.create else None, fs.path,
          () if with_path else None)


def _walk(node, parts, i, set_fn, create_kind, path, at):
    if node is None:
        return
    if isinstance(node, list):
        for j, el in enumerate(node):
            _walk(el, parts, i, set_fn, create_kind, path, None if at is None else at + (j,))
        return
    if not isinstance(node, dict):
        raise RenderError("considering field '%s': expected sequence or mapping node" % path)
    name = parts[i]
    is_seq = name.endswith("[]")
    if is_seq:
        name = name[:-2]
    last = i == len(parts) - 1
    if create_kind is None or is_seq:
        if name not in node:
            return
    else:
        cur = node.get(name)
        if last:
            if cur is None:
                node[name] = {} if create_kind == MAP else ""
        elif cur is None:
            node[name] = {}
    if last:
        if at is None:
            set_fn(node, name)
        else:
            set_fn(node, name, at + (name,))
        return
    _walk(node[name], parts, i + 1, set_fn, create_kind, path,
          None if at is None else at + (name,))


def has_field(obj, path: str) -> bool:
    """Does the object have the field (through any sequence element)?"""
    parts = split_fs_path(path)
    return _has(obj, parts, 0)


def _has(node, parts, i):
    if i == len(parts):
        return True
    if isinstance(node, list):
        return any(_has(el, parts, i) for el in node)
    if not isinstance(node, dict):
        return False
    name = parts[i]
    if name.endswith("[]"):
        name = name[:-2]
    if name not in node:
        return False
    return _has(node[name], parts, i + 1)
