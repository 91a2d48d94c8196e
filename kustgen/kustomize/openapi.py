"""Merge-key schema data for strategic-merge patching, as Kustomize uses it.

Kustomize (kyaml) decides how to merge a list by looking up the OpenAPI schema of the
field: a list whose ``x-kubernetes-patch-strategy`` contains ``merge`` is merged element by
element, keyed by ``x-kubernetes-list-map-keys`` when present, else by
``x-kubernetes-patch-merge-key`` (no key at all: a list of primitives merged as a set).
Every other list is replaced.  The built-in schema is Kubernetes v1.21.2's (Kustomize
v5.5.0's default); a kustomization's ``openapi: {path: ...}`` file *replaces* it in
Kustomize (see :func:`schema_from_openapi_document`).

Only what merging needs is kept, in a compact form (see ``compile_definitions``):

* a schema node is a definition name (``str``, a ``$ref``) or a ``dict`` with the optional
  keys ``p`` (properties: name -> node), ``a`` (additionalProperties node), ``i`` (items
  node), ``t`` (1 when the type is ``array``), ``s`` (patch strategy), ``k`` (patch merge
  key), ``m`` (list map keys);
* leaves of a scalar type, and lists without a patch strategy, are dropped: kyaml treats
  them exactly as fields without a schema.  Object-typed leaves are kept as ``{}`` since a
  field *with* a schema does not fall back to looking up ``apiVersion``/``kind`` inside it.

The data is immutable once built; :func:`builtin_schema` is cached per process.
"""

from __future__ import annotations

import functools
import json
import os
from types import MappingProxyType
from typing import Any, Iterable, Mapping

DATA_FILE = os.path.join(os.path.dirname(__file__), "openapi_data", "k8s_v1_21_2_smp.json")

GVK_EXT = "x-kubernetes-group-version-kind"
STRATEGY_EXT = "x-kubernetes-patch-strategy"
MERGE_KEY_EXT = "x-kubernetes-patch-merge-key"
LIST_MAP_KEYS_EXT = "x-kubernetes-list-map-keys"

_REF_PREFIX = "#/definitions/"
_SCALAR_TYPES = frozenset(("string", "integer", "boolean", "number"))


# --------------------------------------------------------------------------------------
# compiling Kubernetes-style swagger definitions into the compact form

def _ref_name(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return ref[len(_REF_PREFIX):].replace("~1", "/").replace("~0", "~")
    return None


def _types(s: Mapping) -> list:
    t = s.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return t
    return []


def compile_schema(s: Any) -> Any:
    """One swagger schema -> compact node, or None when kyaml would treat it as absent
    for merging purposes."""
    if not isinstance(s, Mapping):
        return None
    if "$ref" in s:
        # kube-openapi resolves the reference and drops everything beside it
        return _ref_name(s["$ref"]) or {}
    out: dict[str, Any] = {}
    types = _types(s)
    strategy = s.get(STRATEGY_EXT)
    if isinstance(strategy, str) and strategy:
        out["s"] = strategy
        mk = s.get(MERGE_KEY_EXT)
        if isinstance(mk, str):
            out["k"] = mk
        lmk = s.get(LIST_MAP_KEYS_EXT)
        if isinstance(lmk, list) and all(isinstance(x, str) for x in lmk):
            out["m"] = list(lmk)
    if types == ["array"]:
        if "s" not in out:
            return None          # a list without strategy: replaced, like an unknown field
        out["t"] = 1
        items = s.get("items")
        if isinstance(items, Mapping):
            n = compile_schema(items)
            if n is not None:
                out["i"] = n
        return out
    props = s.get("properties")
    if isinstance(props, Mapping):
        p = {}
        for k in sorted(props):
            n = compile_schema(props[k])
            if n is not None:
                p[k] = n
        if p:
            out["p"] = p
    addl = s.get("additionalProperties")
    if isinstance(addl, Mapping):
        n = compile_schema(addl)
        if n is not None:
            out["a"] = n
    if not out and len(types) == 1 and types[0] in _SCALAR_TYPES:
        return None
    return out


def compile_definitions(definitions: Mapping) -> dict:
    """Swagger ``definitions`` -> {"definitions": {name: node}, "gvk": {"apiVersion kind": name}}.

    Definitions are all kept (a ``$ref`` must resolve even to an empty one)."""
    defs: dict[str, Any] = {}
    gvk: dict[str, str] = {}
    for name in sorted(definitions):
        d = definitions[name]
        if not isinstance(d, Mapping):
            continue
        n = compile_schema(d)
        defs[name] = {} if n is None else n
        exts = d.get(GVK_EXT)
        if isinstance(exts, list):
            for e in exts:
                if not isinstance(e, Mapping):
                    continue
                kind, version, group = e.get("kind"), e.get("version"), e.get("group")
                if not isinstance(kind, str) or not isinstance(version, str):
                    continue
                av = "%s/%s" % (group, version) if isinstance(group, str) and group else version
                gvk["%s %s" % (av, kind)] = name
    return {"definitions": defs, "gvk": gvk}


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return MappingProxyType({k: _freeze(x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v


# --------------------------------------------------------------------------------------
# lookups

class SchemaNode:
    """The schema of one field, as kyaml's ``openapi.ResourceSchema``: ``field``,
    ``elements`` and the patch strategy/keys.  ``None`` stands for "no schema"."""

    __slots__ = ("_raw", "_owner")

    def __init__(self, raw: Mapping, owner: "PatchSchema"):
        self._raw = raw
        self._owner = owner

    def field(self, name: str) -> "SchemaNode | None":
        props = self._raw.get("p")
        if props is not None and name in props:
            return self._owner._node(props[name])
        addl = self._raw.get("a")
        if addl is not None:
            return self._owner._node(addl)
        return None

    def elements(self) -> "SchemaNode | None":
        if not self._raw.get("t"):
            return None
        items = self._raw.get("i")
        if items is None:
            return None
        return self._owner._node(items)

    @property
    def patch_strategy(self) -> str:
        return self._raw.get("s", "")

    def has_merge_strategy(self) -> bool:
        """kyaml's test for an associative (merged) list."""
        return "merge" in self.patch_strategy.split(",")

    def strategy_and_keys(self) -> tuple[str, list[str]]:
        """kyaml's ``PatchStrategyAndKeyList``: list-map-keys win over the merge key."""
        s = self.patch_strategy
        if not s:
            return "", []
        m = self._raw.get("m")
        if m is not None:
            return s, list(m)
        k = self._raw.get("k")
        if k is not None:
            return s, [k]
        return s, []

    def __repr__(self) -> str:
        return "SchemaNode(%r)" % (dict(self._raw),)


class PatchSchema:
    """Answers, for a resource of a group/version/kind and a field path, how a strategic
    merge patch merges that field.

    ``base`` layers another schema underneath: definitions and resource types not found
    here are looked up there.  (Kustomize itself does *not* layer: a custom ``openapi:``
    file replaces the built-in Kubernetes schema; pass ``base=None`` for that.)
    """

    __slots__ = ("_defs", "_gvk", "_base")

    def __init__(self, compiled: Mapping, base: "PatchSchema | None" = None):
        self._defs = _freeze(dict(compiled.get("definitions", {})))
        self._gvk = MappingProxyType(dict(compiled.get("gvk", {})))
        self._base = base

    # -- internals -----------------------------------------------------------------------
    def _definition(self, name: str) -> Mapping | None:
        s: PatchSchema | None = self
        while s is not None:
            d = s._defs.get(name)
            if d is not None:
                return d
            s = s._base
        return None

    def _node(self, raw: Any) -> SchemaNode | None:
        seen = 0
        while isinstance(raw, str):           # resolve $refs (chains too)
            raw = self._definition(raw)
            seen += 1
            if raw is None or seen > 64:
                return None
        if raw is None:
            return None
        return SchemaNode(raw, self)

    # -- public --------------------------------------------------------------------------
    def for_type(self, api_version: str, kind: str) -> SchemaNode | None:
        """The schema of a whole resource (kyaml ``SchemaForResourceType``), or None."""
        key = "%s %s" % (api_version, kind)
        s: PatchSchema | None = self
        while s is not None:
            name = s._gvk.get(key)
            if name is not None:
                return self._node(name)
            s = s._base
        return None

    def lookup(self, gvk: Iterable[str], path: Iterable[str]) -> SchemaNode | None:
        """The schema at ``path`` ("[]" steps into list elements) of resource type ``gvk``
        ((group, version, kind) or a :class:`~kustgen.model.Gvk`)."""
        group, version, kind = tuple(gvk)
        av = "%s/%s" % (group, version) if group else version
        node = self.for_type(av, kind)
        for p in path:
            if node is None:
                return None
            node = node.elements() if p == "[]" else node.field(p)
        return node

    def list_strategy(self, gvk: tuple[str, str, str], path: tuple[str, ...]
                      ) -> tuple[str, list[str]] | None:
        """(patch strategy, merge keys) of the list field at ``path``, or None when that list
        is replaced by a patch.  A merged list of primitives has no keys."""
        node = self.lookup(gvk, path)
        if node is None or not node.has_merge_strategy():
            return None
        return node.strategy_and_keys()

    def patch_strategy(self, gvk: tuple[str, str, str], path: tuple[str, ...]) -> str:
        """The raw ``x-kubernetes-patch-strategy`` at ``path`` ("" when none), e.g.
        "merge,retainKeys" (kyaml ignores retainKeys)."""
        node = self.lookup(gvk, path)
        return node.patch_strategy if node is not None else ""

    def types(self) -> list[tuple[str, str]]:
        """(apiVersion, kind) of every resource type known here (base included)."""
        out: set = set()
        s: PatchSchema | None = self
        while s is not None:
            for k in s._gvk:
                av, kind = k.split(" ", 1)
                out.add((av, kind))
            s = s._base
        return sorted(out)


@functools.lru_cache(maxsize=1)
def builtin_schema() -> PatchSchema:
    """Kubernetes v1.21.2's merge keys (Kustomize v5.5.0's built-in OpenAPI)."""
    with open(DATA_FILE, encoding="utf-8") as f:
        return PatchSchema(json.load(f))


def schema_from_openapi_document(doc: Any, base: PatchSchema | None = None) -> PatchSchema:
    """The schema of a kustomization's ``openapi: {path: ...}`` file: a Kubernetes-style
    swagger document with ``definitions`` (``x-kubernetes-group-version-kind``,
    ``x-kubernetes-patch-merge-key``, ``x-kubernetes-patch-strategy``,
    ``x-kubernetes-list-map-keys``, ``$ref: #/definitions/...``).

    Kustomize uses such a file *instead of* the built-in Kubernetes schema (a Deployment's
    containers are then replaced, not merged, unless the file defines Deployment): for
    parity pass ``base=None``.  With ``base`` given, types and references missing from
    ``doc`` are looked up in ``base``.
    """
    from kustgen.model.errors import RenderError
    if not isinstance(doc, Mapping):
        raise RenderError("invalid openapi schema: the document must be a map")
    defs = doc.get("definitions")
    if defs is None:
        defs = {}
    if not isinstance(defs, Mapping):
        raise RenderError("invalid openapi schema: 'definitions' must be a map")
    return PatchSchema(compile_definitions(defs), base)
