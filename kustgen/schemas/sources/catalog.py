"""Schemas from a catalog folder: ``DIR/{group}/{kind}_{version}.json`` (kind lower-cased),
the layout of the datree CRDs-catalog and of ``kustgen schemas import``.

Each file is read as a CRD version's raw ``openAPIV3Schema``, so the API server's semantics
(strict closing of objects, ``nullable``, int-or-string, defaults, list-map keys, CEL rules)
are applied to it as to a CRD (see :class:`kustgen.schemas.registry.SchemaEntry`). Files are
read on first lookup only; the folder is never listed to answer a lookup.
"""

from __future__ import annotations

import json
import os
import re

from kustgen.model.errors import KustgenError
from kustgen.schemas.registry import SchemaEntry

__all__ = ["CatalogSource", "CatalogEntry"]

_GROUP_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
_VERSION_RE = re.compile(r"^[A-Za-z0-9]+$")
_KIND_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


class CatalogEntry(tuple):
    """``(api_version, kind, path)``, plus ``scope`` ("Namespaced", "Cluster", or None when
    unknown) as an attribute: unpacks as a 3-tuple."""

    scope: str | None

    def __new__(cls, api_version: str, kind: str, path: str, scope: str | None = None):
        self = super().__new__(cls, (api_version, kind, path))
        self.scope = scope
        return self

    @property
    def api_version(self) -> str:
        return self[0]

    @property
    def kind(self) -> str:
        return self[1]

    @property
    def path(self) -> str:
        return self[2]

    def __repr__(self) -> str:
        return "CatalogEntry(%r, %r, %r, scope=%r)" % (self[0], self[1], self[2], self.scope)


class CatalogSource:
    """Schemas of a catalog folder. ``errors`` lists the files that were found but could not
    be read or parsed (their kinds are then looked up as not found)."""

    def __init__(self, dir: str, *, strict: bool = True, fs=None):
        self.dir = dir
        self.strict = strict
        self.fs = fs
        self._memo: dict[tuple[str, str], SchemaEntry | None] = {}
        self.errors: list[KustgenError] = []

    def __repr__(self) -> str:
        return "CatalogSource(%r)" % self.dir

    def _fs(self):
        if self.fs is None:
            from kustgen.fs import DiskFS
            self.fs = DiskFS()
        return self.fs

    def path_of(self, api_version: str, kind: str) -> str | None:
        """Where the schema of (apiVersion, kind) would be; None for core kinds (no group)
        and names that cannot be catalog paths."""
        if not isinstance(api_version, str) or not isinstance(kind, str) \
                or "/" not in api_version:
            return None
        group, version = api_version.split("/", 1)
        if not (_GROUP_RE.match(group) and _VERSION_RE.match(version)
                and _KIND_RE.match(kind)):
            return None
        return os.path.join(self.dir, group, "%s_%s.json" % (kind.lower(), version))

    def lookup(self, api_version: str, kind: str) -> SchemaEntry | None:
        key = (api_version, kind)
        try:
            return self._memo[key]
        except (KeyError, TypeError):
            pass
        found = self._load(api_version, kind)
        try:
            self._memo[key] = found
        except TypeError:
            pass
        return found

    def _load(self, api_version: str, kind: str) -> SchemaEntry | None:
        p = self.path_of(api_version, kind)
        if p is None:
            return None
        fs = self._fs()
        try:
            if not fs.is_file(p):
                return None
            raw = fs.read_bytes(p)
        except OSError as e:
            self.errors.append(KustgenError("cannot read: %s" % (e.strerror or e), p))
            return None
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as e:
            self.errors.append(KustgenError("invalid schema file: %s" % e, p))
            return None
        except json.JSONDecodeError as e:
            self.errors.append(KustgenError("invalid JSON: %s" % e.msg, p, e.lineno, e.colno))
            return None
        if not isinstance(doc, dict):
            self.errors.append(KustgenError("invalid schema file: expected a JSON object, "
                                            "found %s" % type(doc).__name__, p))
            return None
        return SchemaEntry(api_version, kind, p, openapi=doc, strict=self.strict)

    # ----------------------------------------------------------------------------------

    def describe(self) -> str:
        return "vendored schemas in %s" % self.dir

    def entries(self) -> list[CatalogEntry]:
        """Every schema of the catalog, sorted by path: from ``schemas.lock.json`` when
        there is one (exact kind and scope), else by walking the folder (kind as in the
        file name, i.e. lower-cased; scope unknown). An unreadable lock goes to
        ``errors`` and the folder is walked instead."""
        from kustgen.schemas.vendor import LOCK_NAME, read_lock
        if os.path.isfile(os.path.join(self.dir, LOCK_NAME)):
            try:
                lock = read_lock(self.dir)
            except KustgenError as e:
                self.errors.append(e)
            else:
                out = []
                for rel, e in sorted(lock["schemas"].items()):
                    if not isinstance(rel, str) or not isinstance(e.get("apiVersion"), str):
                        continue
                    out.append(CatalogEntry(e["apiVersion"], str(e.get("kind", "")),
                                            os.path.join(self.dir, *rel.split("/")),
                                            e.get("scope")))
                return out
        return self._walk()

    def _walk(self) -> list[CatalogEntry]:
        fs = self._fs()
        out: list[CatalogEntry] = []
        if not fs.is_dir(self.dir):
            return out
        for group in sorted(fs.listdir(self.dir)):
            gd = os.path.join(self.dir, group)
            if group.startswith(".") or not fs.is_dir(gd) or not _GROUP_RE.match(group):
                continue
            for name in sorted(fs.listdir(gd)):
                if name.startswith(".") or not name.endswith(".json") or "_" not in name:
                    continue
                kind, version = name[:-len(".json")].split("_", 1)
                if not (_KIND_RE.match(kind) and _VERSION_RE.match(version)):
                    continue
                p = os.path.join(gd, name)
                if fs.is_file(p):
                    out.append(CatalogEntry("%s/%s" % (group, version), kind, p))
        return out
