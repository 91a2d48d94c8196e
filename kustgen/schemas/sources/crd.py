"""Schemas from CustomResourceDefinitions (``apiextensions.k8s.io/v1``, and the old v1beta1
layout with one top-level ``spec.validation``).

Every *served* version of every CRD is indexed by (``group/version``, kind); the first CRD
seen for a key wins. Conversion to JSON Schema and compilation happen on first use, once per
entry (see :class:`kustgen.schemas.registry.SchemaEntry`).
"""

from __future__ import annotations

from typing import Any, Iterable

from kustgen.model.errors import KustgenError
from kustgen.schemas.registry import SchemaEntry

__all__ = ["CrdSource", "SchemaEntry", "is_crd"]

# A version with no schema accepts anything (what the API server does with such CRDs).
_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def is_crd(doc: Any) -> bool:
    return (isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
            and str(doc.get("apiVersion", "")).startswith("apiextensions.k8s.io/"))


class CrdSource:
    """Schemas of the served versions of CRDs given as documents (dicts) or paths (YAML
    files or folders, searched recursively). ``errors`` lists files that could not be read
    or parsed (the other files still count)."""

    def __init__(self, items: Iterable[Any] = (), *, strict: bool = True, fs=None):
        self.strict = strict
        self.fs = fs
        self._entries: dict[tuple[str, str], SchemaEntry] = {}
        self.errors: list[KustgenError] = []
        for it in items:
            if isinstance(it, dict):
                self.add(it)
            else:
                self.add_path(str(it))

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[tuple[str, str]]:
        """(apiVersion, kind) of every indexed schema, in the order they were added."""
        return list(self._entries)

    def lookup(self, api_version: str, kind: str) -> SchemaEntry | None:
        return self._entries.get((api_version, kind))

    # ----------------------------------------------------------------------------------

    def add(self, crd: dict, source: str = "") -> int:
        """Index one CRD document; returns how many versions it added."""
        if not is_crd(crd):
            return 0
        spec = crd.get("spec") or {}
        group = spec.get("group") or ""
        kind = (spec.get("names") or {}).get("kind") or ""
        if not group or not kind:
            return 0
        name = (crd.get("metadata") or {}).get("name") or "%s.%s" % (kind, group)
        desc = "%s (CRD %s)" % (source, name) if source else "CRD %s" % name
        shared = (spec.get("validation") or {}).get("openAPIV3Schema")
        versions = spec.get("versions") or []
        if not versions and spec.get("version"):
            versions = [{"name": spec["version"], "served": True}]
        n = 0
        for v in versions:
            if not isinstance(v, dict) or not v.get("name") or v.get("served") is False:
                continue
            schema = (v.get("schema") or {}).get("openAPIV3Schema") or shared or _OPEN
            key = ("%s/%s" % (group, v["name"]), kind)
            if key in self._entries:
                continue
            self._entries[key] = SchemaEntry(key[0], kind, desc, openapi=schema,
                                             strict=self.strict)
            n += 1
        return n

    def add_path(self, path: str) -> int:
        """Index every CRD in a file, or in the YAML files under a folder."""
        from kustgen.fs import DiskFS
        from kustgen.schemas.sources import read_documents
        n = 0
        for p, d in read_documents(self.fs or DiskFS(), [path], self.errors):
            n += self.add(d.data, p)
        return n
