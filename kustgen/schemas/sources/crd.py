"""Schemas from CustomResourceDefinitions (``apiextensions.k8s.io/v1``, and the old v1beta1
layout with one top-level ``spec.validation``).

Every *served* version of every CRD is indexed by (``group/version``, kind); the first CRD
seen for a key wins. Conversion to JSON Schema and compilation happen on first use, once per
entry (see :class:`kustgen.schemas.registry.SchemaEntry`).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from kustgen.model.errors import KustgenError
from kustgen.schemas.registry import SchemaEntry

__all__ = ["CrdSource", "SchemaEntry", "is_crd"]

# A version with no schema accepts anything (what the API server does with such CRDs).
_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


_CRD_KIND = re.compile(rb"(?m)^kind: *['\"]?CustomResourceDefinition['\"]? *$")
_GROUP = re.compile(rb"(?m)^  group: *['\"]?([A-Za-z0-9.-]+)['\"]? *$")
_NAMES_KIND = re.compile(rb"(?m)^  names:\n(?:    .*\n|\s*\n)*?    kind: *['\"]?([A-Za-z0-9]+)['\"]? *$")


def _scan(raw: bytes) -> list[tuple[str, str]] | None:
    """(group, kind) of each CRD in a file laid out the usual way, or None when the file
    must be parsed to know (JSON, flow style, other indentation, non-CRD documents).

    Only the head of each document is searched: `group` and `names` come before the
    (large) `versions` schemas in CRDs as generated and as served."""
    out = []
    for chunk in raw.split(b"\n---"):
        if chunk.startswith(b"---"):
            chunk = chunk[3:]
        if not chunk.strip():
            continue
        cut = chunk.find(b"\n  versions:")
        head = chunk[:cut] if cut >= 0 else chunk[:65536]
        if not _CRD_KIND.search(head):
            return None
        g = _GROUP.findall(head)
        k = _NAMES_KIND.findall(head)
        if len(g) != 1 or len(k) != 1:
            return None
        out.append((g[0].decode(), k[0].decode()))
    return out or None


def is_crd(doc: Any) -> bool:
    return (isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
            and str(doc.get("apiVersion", "")).startswith("apiextensions.k8s.io/"))


class CrdSource:
    """Schemas of the served versions of CRDs given as documents (dicts) or paths (YAML
    files or folders, searched recursively). ``errors`` lists files that could not be read
    or parsed (the other files still count)."""

    def __init__(self, items: Iterable[Any] = (), *, strict: bool = True, fs=None,
                 label: str | None = None):
        self.label = label
        self.strict = strict
        self.fs = fs
        self._entries: dict[tuple[str, str], SchemaEntry] = {}
        self._pending: dict[tuple[str, str], list[str]] = {}   # (group, kind) -> files
        self._parsed: set[str] = set()
        self.errors: list[KustgenError] = []
        for it in items:
            if isinstance(it, dict):
                self.add(it)
            else:
                self.add_path(str(it))

    def describe(self) -> str:
        return self.label or "CRDs"

    def __len__(self) -> int:
        self._load_all()
        return len(self._entries)

    def keys(self) -> list[tuple[str, str]]:
        """(apiVersion, kind) of every indexed schema, in the order they were added."""
        self._load_all()
        return list(self._entries)

    def _load_all(self) -> None:
        for key in list(self._pending):
            for p in self._pending.pop(key, ()):
                self._parse(p)

    def lookup(self, api_version: str, kind: str) -> SchemaEntry | None:
        if self._pending:
            self._load_pending(api_version, kind)
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
        """Index the CRDs in a file, or in the YAML files under a folder.

        Files are parsed when one of their kinds is first looked up: a cheap scan finds
        each CRD's group and kind (a folder of upstream CRDs is tens of MB of YAML, most of
        it never needed). A file whose layout the scan does not recognise is parsed now.
        Returns how many files were indexed."""
        from kustgen.fs import DiskFS
        from kustgen.schemas.sources import yaml_files
        fs = self.fs or DiskFS()
        n = 0
        for p in yaml_files(fs, [path]):
            try:
                raw = fs.read_bytes(p)
            except OSError as e:
                self.errors.append(KustgenError("cannot read: %s" % (e.strerror or e), p))
                continue
            keys = _scan(raw)
            if keys is None:
                self._parse(p, raw)
            else:
                for k in keys:
                    self._pending.setdefault(k, []).append(p)
            n += 1
        return n

    def _parse(self, p: str, raw: bytes | None = None) -> None:
        from kustgen.fs import DiskFS
        from kustgen.schemas.sources import read_documents
        if p in self._parsed:
            return
        self._parsed.add(p)
        for path, d in read_documents(self.fs or DiskFS(), [p], self.errors):
            self.add(d.data, path)

    def _load_pending(self, api_version: str, kind: str) -> None:
        api_version = api_version if isinstance(api_version, str) else ""
        group = api_version.split("/", 1)[0] if "/" in api_version else ""
        for p in self._pending.pop((group, kind), ()):
            self._parse(p)
