"""replicas: set the replica count of named workloads."""

from __future__ import annotations

from kustgen.model import RenderError, Resource
from kustgen.kustomize.fieldspec import MAP, apply_fieldspec
from kustgen.kustomize.resid import gvk_selected


def apply_replicas(resources: list[Resource], name: str, count, fieldspecs, origin=None) -> None:
    found = False
    for fs in fieldspecs:
        for r in resources:
            ids = r.prev_ids + [r.cur_id()]
            if not any(i.name == name and gvk_selected(i.gvk, fs.group, fs.version, fs.kind)
                       for i in ids):
                continue
            found = True

            def setter(parent, key):
                parent[key] = count

            apply_fieldspec(r.obj, fs, setter, MAP)
            if origin is not None:
                r.set_origin(tuple(fs.path.split("/")), origin)
    if not found:
        gvks = " ".join("%s.%s.%s" % (fs.kind or "[noKind]", fs.version or "[noVer]",
                                      fs.group or "[noGrp]") for fs in fieldspecs)
        raise RenderError("resource with name %s does not match a config with the following "
                          "GVK [%s]" % (name, gvks))
