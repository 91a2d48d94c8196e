"""Resource: one Kubernetes object as JSON-like data, plus where it came from.

The object (``obj``) holds only JSON types (dict, list, str, int, float, bool, None), the
same normal form Kustomize reaches by round-tripping through JSON. Kustomize's internal
bookkeeping (previous names, prefixes applied, generator behaviour, ...) is kept in plain
attributes instead of annotations, so it never leaks into output.
"""

from __future__ import annotations

from typing import Any

from kustgen.model.origin import Origin
from kustgen.model.resid import Gvk, ResId, _parse_gvk


def deep_copy(v: Any) -> Any:
    """Copy JSON-like data (much faster than copy.deepcopy for this shape)."""
    t = v.__class__
    if t is dict:
        return {k: (x if x.__class__ not in _CONTAINERS else deep_copy(x)) for k, x in v.items()}
    if t is list:
        return [x if x.__class__ not in _CONTAINERS else deep_copy(x) for x in v]
    return v


_CONTAINERS = (dict, list)


class Resource:
    __slots__ = (
        "obj", "origin", "field_origins",
        "prev_ids", "prefixes", "suffixes", "behavior", "needs_hash",
        "extra",
    )

    def __init__(self, obj: dict, origin: Origin | None = None):
        self.obj = obj
        self.origin = origin
        # field path (tuple) -> Origin of the step that last set it
        self.field_origins: dict[tuple, Origin] = {}
        # ids this resource had before renames (oldest first); the first is the original id
        self.prev_ids: list[ResId] = []
        self.prefixes: list[str] = []
        self.suffixes: list[str] = []
        self.behavior: str = ""         # generator behaviour: create | merge | replace
        self.needs_hash: bool = False   # generated, name suffix hash pending
        self.extra: dict[str, Any] = {}

    # -- identity ------------------------------------------------------------------------
    @property
    def api_version(self) -> str:
        v = self.obj.get("apiVersion")
        return v if isinstance(v, str) else ""

    @property
    def kind(self) -> str:
        v = self.obj.get("kind")
        return v if isinstance(v, str) else ""

    @property
    def gvk(self) -> Gvk:
        o = self.obj
        a = o.get("apiVersion")
        k = o.get("kind")
        return _parse_gvk(a if a.__class__ is str else "", k if k.__class__ is str else "")

    @property
    def metadata(self) -> dict:
        md = self.obj.get("metadata")
        if not isinstance(md, dict):
            md = {}
            self.obj["metadata"] = md
        return md

    @property
    def name(self) -> str:
        md = self.obj.get("metadata")
        if isinstance(md, dict):
            n = md.get("name")
            if isinstance(n, str):
                return n
        return ""

    @name.setter
    def name(self, value: str) -> None:
        self.metadata["name"] = value

    @property
    def namespace(self) -> str:
        md = self.obj.get("metadata")
        if isinstance(md, dict):
            n = md.get("namespace")
            if isinstance(n, str):
                return n
        return ""

    @namespace.setter
    def namespace(self, value: str) -> None:
        self.metadata["namespace"] = value

    def cur_id(self) -> ResId:
        md = self.obj.get("metadata")
        if md.__class__ is dict:
            n = md.get("name")
            ns = md.get("namespace")
            return ResId(self.gvk, n if n.__class__ is str else "",
                         ns if ns.__class__ is str else "")
        return ResId(self.gvk, "", "")

    def org_id(self) -> ResId:
        return self.prev_ids[0] if self.prev_ids else self.cur_id()

    def labels(self) -> dict:
        md = self.obj.get("metadata")
        v = md.get("labels") if isinstance(md, dict) else None
        return v if isinstance(v, dict) else {}

    def annotations(self) -> dict:
        md = self.obj.get("metadata")
        v = md.get("annotations") if isinstance(md, dict) else None
        return v if isinstance(v, dict) else {}

    def remember_id(self) -> None:
        """Record the current id before a rename (Kustomize's previousNames/Kinds/Namespaces)."""
        self.prev_ids.append(self.cur_id())

    def copy(self) -> "Resource":
        r = Resource(deep_copy(self.obj), self.origin)
        r.field_origins = dict(self.field_origins)
        r.prev_ids = list(self.prev_ids)
        r.prefixes = list(self.prefixes)
        r.suffixes = list(self.suffixes)
        r.behavior = self.behavior
        r.needs_hash = self.needs_hash
        r.extra = {k: (list(v) if isinstance(v, list) else v) for k, v in self.extra.items()}
        return r

    def set_origin(self, path: tuple, origin: Origin) -> None:
        self.field_origins[path] = origin

    def __repr__(self) -> str:
        return "<Resource %s>" % (self.cur_id(),)
