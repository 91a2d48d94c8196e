"""labels / commonLabels and commonAnnotations: set map entries at field specs."""

from __future__ import annotations

from kustgen.model import Resource
from kustgen.kustomize.fieldspec import MAP, apply_fieldspec, fs_applies


def set_map_entries(resources: list[Resource], entries: dict[str, str], fieldspecs,
                    origin=None) -> None:
    if not entries:
        return
    keys = sorted(entries)

    def setter(parent, key):
        m = parent.get(key)
        if m is None:
            m = {}
            parent[key] = m
        if not isinstance(m, dict):
            return
        for k in keys:
            m[k] = entries[k]

    for r in resources:
        for fs in fieldspecs:
            if fs_applies(fs, r):
                apply_fieldspec(r.obj, fs, setter, MAP)
                if origin is not None:
                    base = tuple(fs.path.split("/"))
                    for k in keys:
                        r.set_origin(base + (k,), origin)


apply_labels = set_map_entries
apply_annotations = set_map_entries
