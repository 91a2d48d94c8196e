"""namePrefix / nameSuffix."""

from __future__ import annotations

from kustgen.model import Gvk, Resource
from kustgen.kustomize.fieldspec import apply_fieldspec, fs_applies

# Kinds whose names Kustomize never prefixes or suffixes.
_SKIP = (("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"),
         ("", "Namespace"))


def _skip(gvk: Gvk) -> bool:
    for g, k in _SKIP:
        if gvk.kind == k and (not g or gvk.group == g):
            return True
    return False


def apply_prefix_suffix(resources: list[Resource], prefix: str, suffix: str, fieldspecs,
                        origin=None) -> None:
    def setter(parent, key):
        v = parent.get(key)
        if isinstance(v, str) or v is None:
            parent[key] = "%s%s%s" % (prefix, v or "", suffix)

    for r in resources:
        org = r.org_id()
        if _skip(org.gvk):
            continue
        for fs in fieldspecs:
            if not fs_applies(fs, r, use_org=True):
                continue
            if fs.path == "metadata/name":
                if prefix:
                    r.prefixes.append(prefix)
                if suffix:
                    r.suffixes.append(suffix)
                if prefix or suffix:
                    r.remember_id()
            apply_fieldspec(r.obj, fs, setter)
            if origin is not None:
                r.set_origin(tuple(fs.path.split("/")), origin)
