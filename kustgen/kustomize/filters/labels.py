"""labels / commonLabels and commonAnnotations: set map entries at field specs.

Kustomize quirk kept on purpose (byte-identical output): when one transformer adds a key at
several places of a resource (metadata.labels, spec.selector.matchLabels, the template's
labels), those places share one YAML node. A later in-place change of the value at one
place (another labels transformer, a strategic-merge patch) shows at all of them. We keep
such groups in `Resource.extra["shared"]` as (key, [paths]) and replay that.
"""

from __future__ import annotations

from kustgen.model import Resource
from kustgen.kustomize.fieldspec import MAP, apply_fieldspec, fs_applies

SHARED = "shared"


def get_at(obj, path: tuple):
    node = obj
    for p in path:
        if isinstance(node, dict):
            if p not in node:
                return None
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            node = node[p]
        else:
            return None
    return node


def propagate(res: Resource, map_path: tuple, key: str, old, new) -> None:
    """An in-place change of map_path[key] from old to new: update its node's other places."""
    for gkey, paths in res.extra.get(SHARED, ()):
        if gkey != key or map_path not in paths:
            continue
        for p in paths:
            if p == map_path:
                continue
            m = get_at(res.obj, p)
            if isinstance(m, dict) and key in m and m[key] == old:
                m[key] = new


def set_map_entries(resources: list[Resource], entries: dict[str, str], fieldspecs,
                    origin=None) -> None:
    if not entries:
        return
    keys = sorted(entries)
    for r in resources:
        specs = [fs for fs in fieldspecs if fs_applies(fs, r)]
        if not specs:
            continue
        for k in keys:
            v = entries[k]
            created: list[tuple] = []

            def setter(parent, key, path):
                m = parent.get(key)
                if m is None:
                    m = {}
                    parent[key] = m
                if not isinstance(m, dict):
                    return
                if k in m:
                    old = m[k]
                    m[k] = v
                    if old != v:
                        propagate(r, path, k, old, v)
                else:
                    m[k] = v
                    created.append(path)

            for fs in specs:
                apply_fieldspec(r.obj, fs, setter, MAP, with_path=True)
                if origin is not None:
                    r.set_origin(tuple(fs.path.split("/")) + (k,), origin)
            if len(created) > 1:
                r.extra.setdefault(SHARED, []).append((k, created))


apply_labels = set_map_entries
apply_annotations = set_map_entries
