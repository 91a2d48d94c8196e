"""Remembered validation results, so that a re-run (a pre-commit hook after a small edit)
does not compile schemas or CEL rules for resources that did not change.

A result is stored under the hash of everything it depends on: the resource (its JSON),
the schema (its content, strict or not), whether CEL ran, and kustgen's own validation
code (file sizes and times of the modules that validate). Any change gives another key;
nothing is ever invalidated in place. Results hold schema errors and CEL results only;
where they are located (file:line) is worked out on every run, from the current files.

Entries are small JSON files under ``<cache>/results/``, written atomically; a cache that
cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os

__all__ = ["ResultCache"]

_CODE_FILES = ("validate.py", "schemas/registry.py", "schemas/convert.py", "schemas/cel.py",
               "schemas/results.py")


def _code_stamp() -> str:
    import kustgen
    base = os.path.dirname(kustgen.__file__)
    h = hashlib.sha256(kustgen.__version__.encode())
    for rel in _CODE_FILES:
        try:
            st = os.stat(os.path.join(base, rel))
            h.update(("%s:%d:%d;" % (rel, st.st_size, st.st_mtime_ns)).encode())
        except OSError:
            h.update(rel.encode())
    return h.hexdigest()[:16]


class ResultCache:
    def __init__(self, cache_dir: str):
        self.dir = os.path.join(cache_dir, "results")
        self._stamp = _code_stamp()
        self._fp: dict[int, tuple] = {}      # id(entry) -> (entry, fingerprint)
        self.hits = 0
        self.misses = 0

    def fingerprint(self, entry) -> str:
        hit = self._fp.get(id(entry))
        if hit is not None and hit[0] is entry:
            return hit[1]
        body = entry.openapi if entry.openapi is not None else entry.schema
        h = hashlib.sha256()
        h.update(json.dumps([entry.api_version, entry.kind, bool(entry.strict),
                             entry.openapi is not None, entry.base_uri or ""]).encode())
        h.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
        fp = h.hexdigest()
        self._fp[id(entry)] = (entry, fp)
        return fp

    def key(self, entry, obj, cel: bool) -> str:
        h = hashlib.sha256()
        h.update(("%s|%s|%d|" % (self._stamp, self.fingerprint(entry), cel)).encode())
        h.update(json.dumps(obj, sort_keys=True, separators=(",", ":"),
                            default=str).encode())
        return h.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.dir, key[:2], key[2:])

    def get(self, key: str):
        """(schema errors, CEL results) as stored, or None."""
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, schema_errors: list, cel_results: list) -> None:
        from dataclasses import asdict
        data = [[[e.path, e.message, e.keyword] for e in schema_errors],
                [asdict(c) for c in cel_results]]
        from kustgen.fs import atomic_write
        try:
            atomic_write(self._path(key), json.dumps(data, separators=(",", ":")))
        except OSError:
            pass
