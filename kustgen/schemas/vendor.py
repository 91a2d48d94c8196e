"""Vendor CRD schemas into a local catalog folder (``kustgen schemas import``).

Each *served* version of each CRD becomes ``DEST/{group}/{kind}_{version}.json`` (kind
lower-cased: the layout of the datree CRDs-catalog, so kubeconform and friends can use the
folder too). The file is the version's ``openAPIV3Schema`` as it is in the CRD, Kubernetes
extensions included (``x-kubernetes-*``, ``nullable``, defaults, CEL rules), so that
:class:`kustgen.schemas.sources.catalog.CatalogSource` re-applies API-server semantics to it.
Nothing kustgen-specific is added to the schema: what kustgen knows about each file
(apiVersion, kind, scope, CRD name, source, sha256) is kept in ``DEST/schemas.lock.json``.

Every file is written atomically (temporary file + ``os.replace``); a run that changes
nothing writes nothing. A file whose content no longer matches the sha256 in the lock (edited
by hand) is only overwritten with ``force``.

The library returns an :class:`ImportResult`; it never prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Iterable, Iterator

from kustgen.model.errors import ConfigError, KustgenError

__all__ = ["ImportResult", "import_crds", "read_lock", "schema_path", "LOCK_NAME",
           "LOCK_VERSION"]

LOCK_NAME = "schemas.lock.json"
LOCK_VERSION = 1

# A version with no schema accepts anything (what the API server does with such CRDs).
_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}

# What may appear in a catalog path (also keeps a crafted CRD from writing outside DEST).
_GROUP_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
_VERSION_RE = re.compile(r"^[a-z0-9]+$")
_KIND_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


@dataclass
class ImportResult:
    """What an import did. ``added``/``updated``/``unchanged``/``conflicts`` hold catalog
    paths relative to the destination (``group/kind_version.json``); ``conflicts`` are files
    edited since they were imported and left alone (no ``force``); ``errors`` are sources or
    CRDs that could not be read (the others were still imported); ``skipped`` counts the
    documents that are not CRDs, ``filtered`` the schemas left out by ``kinds``,
    ``duplicates`` the catalog paths met again in the same run (the first one wins)."""

    dest: str = ""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[KustgenError] = field(default_factory=list)
    skipped: int = 0
    filtered: int = 0
    duplicates: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _atomic_write(path: str, data: bytes) -> None:
    from kustgen.fs import atomic_write
    atomic_write(path, data)


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def schema_path(group: str, kind: str, version: str) -> str:
    """Catalog path of a schema, relative to the catalog folder (always with ``/``)."""
    return "%s/%s_%s.json" % (group, kind.lower(), version)


def read_lock(dest: str) -> dict:
    """The lock of catalog folder ``dest``: ``{"version": 1, "schemas": {path: entry}}``
    (empty when there is none yet). Raises :class:`ConfigError` when it is unreadable."""
    p = os.path.join(dest, LOCK_NAME)
    try:
        raw = _read(p)
    except OSError as e:
        raise ConfigError("cannot read: %s" % (e.strerror or e), p)
    if raw is None:
        return {"version": LOCK_VERSION, "schemas": {}}
    try:
        lock = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError("invalid lock file: %s" % e, p)
    except json.JSONDecodeError as e:
        raise ConfigError("invalid lock file: %s" % e.msg, p, e.lineno, e.colno)
    if not isinstance(lock, dict) or not isinstance(lock.get("schemas", {}), dict):
        raise ConfigError("invalid lock file: expected an object with \"schemas\"", p)
    if lock.get("version", LOCK_VERSION) != LOCK_VERSION:
        raise ConfigError("unsupported lock file version %r (this kustgen writes %d)"
                          % (lock.get("version"), LOCK_VERSION), p)
    schemas = {k: v for k, v in (lock.get("schemas") or {}).items() if isinstance(v, dict)}
    return {"version": LOCK_VERSION, "schemas": schemas}


# --------------------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------------------

def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def _documents(raw: bytes, name: str) -> list:
    from kustgen.yamlio import load_documents
    return [d.data for d in load_documents(raw, name)]


def _expand(doc: Any) -> Iterator[Any]:
    """The document, or the items of a ``List`` (``kubectl get crd -o yaml``)."""
    if (isinstance(doc, dict) and isinstance(doc.get("items"), list)
            and str(doc.get("kind", "")).endswith("List")):
        for it in doc["items"]:
            yield from _expand(it)
    elif doc is not None:
        yield doc


def _load_source(src: str, fetcher, stdin_text, errors: list) -> Iterator[tuple[str, list]]:
    """(source name for the lock, documents) for each file of one SOURCE."""
    if src == "-":
        if stdin_text is None:
            raw = sys.stdin.buffer.read()
        else:
            raw = stdin_text.encode("utf-8") if isinstance(stdin_text, str) else stdin_text
        try:
            yield "stdin", _documents(raw, "<stdin>")
        except KustgenError as e:
            errors.append(e)
        return
    if _is_url(src):
        try:
            raw = fetcher.get(src)
        except KustgenError as e:
            errors.append(e if e.file or src in e.message else KustgenError(e.message, src))
            return
        if raw is None:
            errors.append(KustgenError("not found (HTTP 404)", src))
            return
        try:
            yield src, _documents(raw, src)
        except KustgenError as e:
            errors.append(e)
        return
    from kustgen.fs import DiskFS
    from kustgen.schemas.sources import yaml_files
    fs = DiskFS()
    if not os.path.exists(src):
        errors.append(KustgenError("no such file or directory", src))
        return
    for p in yaml_files(fs, [src]):
        try:
            raw = fs.read_bytes(p)
        except OSError as e:
            errors.append(KustgenError("cannot read: %s" % (e.strerror or e), p))
            continue
        try:
            docs = _documents(raw, p)
        except KustgenError as e:
            errors.append(e)
            continue
        yield p, docs


@dataclass
class _Schema:
    path: str            # relative catalog path
    data: bytes          # file content
    lock: dict           # lock entry without sha256


def _schemas_of(crd: dict, source: str, errors: list) -> Iterator[tuple[str, str, _Schema]]:
    """(group, kind, schema) for each served version of a CRD."""
    spec = crd.get("spec") if isinstance(crd.get("spec"), dict) else {}
    meta = crd.get("metadata") if isinstance(crd.get("metadata"), dict) else {}
    group = spec.get("group") or ""
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = names.get("kind") or ""
    name = str(meta.get("name") or "%s.%s" % (kind, group))
    where = "<stdin>" if source == "stdin" else source
    if not isinstance(group, str) or not _GROUP_RE.match(group):
        errors.append(KustgenError("CRD %s: invalid spec.group %r" % (name, group), where))
        return
    if not isinstance(kind, str) or not _KIND_RE.match(kind):
        errors.append(KustgenError("CRD %s: invalid spec.names.kind %r" % (name, kind), where))
        return
    scope = spec.get("scope") or "Namespaced"
    shared = (spec.get("validation") or {}).get("openAPIV3Schema") \
        if isinstance(spec.get("validation"), dict) else None
    versions = spec.get("versions") or []
    if not versions and spec.get("version"):
        versions = [{"name": spec["version"], "served": True}]
    for v in versions if isinstance(versions, list) else []:
        if not isinstance(v, dict) or not v.get("name") or v.get("served") is False:
            continue
        version = v["name"]
        if not isinstance(version, str) or not _VERSION_RE.match(version):
            errors.append(KustgenError("CRD %s: invalid version name %r" % (name, version),
                                       where))
            continue
        sch = v.get("schema") if isinstance(v.get("schema"), dict) else {}
        schema = sch.get("openAPIV3Schema") or shared or _OPEN
        if not isinstance(schema, dict):
            errors.append(KustgenError("CRD %s: version %s: openAPIV3Schema is not an object"
                                       % (name, version), where))
            continue
        yield group, kind, _Schema(
            schema_path(group, kind, version), _dumps(schema),
            {"apiVersion": "%s/%s" % (group, version), "kind": kind, "scope": scope,
             "crd": name, "source": source})


def _wanted(group: str, kind: str, kinds: Iterable[str]) -> bool:
    kinds = list(kinds)
    if not kinds:
        return True
    cands = (kind.lower(), ("%s/%s" % (group, kind)).lower())
    return any(fnmatchcase(c, g.lower()) for g in kinds for c in cands)


# --------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------

def import_crds(sources: list[str], dest: str, *, kinds: Iterable[str] = (),
                force: bool = False, fetcher=None, stdin_text: str | bytes | None = None,
                offline: bool = False) -> ImportResult:
    """Import the served versions of the CRDs in ``sources`` (files, folders searched
    recursively for .yaml/.yml/.json, http(s) URLs fetched through ``fetcher`` — a
    :class:`kustgen.schemas.fetch.Fetcher` with the default cache when None — or ``-``:
    ``stdin_text``, else standard input) into the catalog folder ``dest``.

    ``kinds``: fnmatch globs on ``Kind`` or ``group/Kind`` (case-insensitive); only the
    matching CRDs are imported. ``force``: overwrite files edited since they were imported.
    Raises :class:`ConfigError` when ``dest`` is not a folder or its lock is unreadable;
    problems with single sources go to ``ImportResult.errors``."""
    res = ImportResult(dest=dest)
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise ConfigError("not a directory", dest)
    lock = read_lock(dest)
    old_schemas = lock["schemas"]
    new_schemas = dict(old_schemas)
    kinds = [k for k in kinds if k]
    if fetcher is None and any(_is_url(s) for s in sources):
        from kustgen.schemas.fetch import Fetcher, default_cache_dir
        fetcher = Fetcher(default_cache_dir(), offline=offline)
    from kustgen.schemas.sources.crd import is_crd
    seen: set[str] = set()
    for src in sources:
        for name, docs in _load_source(src, fetcher, stdin_text, res.errors):
            for doc in docs:
                for d in _expand(doc):
                    if not is_crd(d):
                        res.skipped += 1
                        continue
                    for group, kind, s in _schemas_of(d, name, res.errors):
                        if not _wanted(group, kind, kinds):
                            res.filtered += 1
                            continue
                        if s.path in seen:
                            res.duplicates.append(s.path)
                            continue
                        seen.add(s.path)
                        _store(s, dest, old_schemas, new_schemas, force, res)
    if new_schemas != old_schemas or (new_schemas and not os.path.exists(
            os.path.join(dest, LOCK_NAME))):
        data = _dumps({"version": LOCK_VERSION, "schemas": new_schemas})
        lock_path = os.path.join(dest, LOCK_NAME)
        if _read(lock_path) != data:
            _atomic_write(lock_path, data)
    return res


def _store(s: _Schema, dest: str, old: dict, new: dict, force: bool,
           res: ImportResult) -> None:
    full = os.path.join(dest, *s.path.split("/"))
    entry = dict(s.lock, sha256=_sha256(s.data))
    prev = old.get(s.path)
    try:
        cur = _read(full)
    except OSError as e:
        res.errors.append(KustgenError("cannot read: %s" % (e.strerror or e), full))
        return
    if cur is None:
        status = "added"
    elif cur == s.data:
        status = "unchanged" if prev == entry else "updated"
    else:
        pristine = prev is not None and _sha256(cur) == prev.get("sha256")
        if not pristine and not force:
            res.conflicts.append(s.path)
            return
        status = "updated"
    if cur != s.data:
        try:
            _atomic_write(full, s.data)
        except OSError as e:
            res.errors.append(KustgenError("cannot write: %s" % (e.strerror or e), full))
            return
    new[s.path] = entry
    getattr(res, status).append(s.path)
