"""Built-in Kubernetes kinds, offline: the JSON Schemas shipped in the `kubernetes-validate`
package (one folder per Kubernetes minor version, `-strict` variants closing every object).

Each kind's schema refers into a shared `_definitions.json`; we inline the definitions it
reaches, so every schema is self-contained and compiles on its own (once per process, by
whoever holds this source).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

_DEF_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def _package_dir() -> str | None:
    # Find the package's data without importing it (its import pulls in jsonschema & co).
    import importlib.util
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "kubernetes-json-schema")


def available_versions() -> list[str]:
    """Kubernetes versions the package ships schemas for, oldest first ("1.32.0", ...)."""
    d = _package_dir()
    if d is None or not os.path.isdir(d):
        return []
    vs = {m.group(1) for n in os.listdir(d) for m in [re.match(r"^v(\d+\.\d+\.\d+)-local", n)] if m}
    return sorted(vs, key=lambda v: tuple(int(x) for x in v.split(".")))


def resolve_version(wanted: str) -> str | None:
    """The newest shipped version not newer than `wanted` (major.minor), like kubectl."""
    w = wanted.lstrip("v").split(".")
    try:
        key = (int(w[0]), int(w[1]) if len(w) > 1 else 0)
    except ValueError:
        return None
    best = None
    for v in available_versions():
        mm = tuple(int(x) for x in v.split(".")[:2])
        if mm <= key:
            best = v
    return best


def file_name(api_version: str, kind: str) -> str:
    """`apps/v1` Deployment -> deployment-apps-v1.json; `rbac.authorization.k8s.io/v1`
    RoleBinding -> rolebinding-rbac-v1.json; `v1` ConfigMap -> configmap-v1.json."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return "%s-%s-%s.json" % (kind.lower(), group.split(".")[0], version)
    return "%s-%s.json" % (kind.lower(), api_version)


class BuiltinSchemas:
    """Schemas of one Kubernetes version (strict or not); loads lazily, caches per instance."""

    def __init__(self, kubernetes_version: str = "1.32.0", strict: bool = True,
                 cache_dir: str | None = None):
        self.requested = kubernetes_version
        # self-contained schemas written here on first use, so that later runs need not
        # parse the whole _definitions.json (1.8 MB) again for a few kinds
        self.cache_dir = cache_dir
        self._stamp = None
        self.version = resolve_version(kubernetes_version)
        self.strict = strict
        self._dir = None
        if self.version is not None:
            base = _package_dir()
            self._dir = os.path.join(base, "v%s-local%s" % (self.version, "-strict" if strict else ""))
        self._defs: dict | None = None
        self._cache: dict[tuple[str, str], dict | None] = {}

    def describe(self) -> str:
        return "built-in Kubernetes %s schemas%s (kubernetes-validate)" % (
            self.version or "?", " strict" if self.strict else "")

    def _definitions(self) -> dict:
        if self._defs is None:
            with open(os.path.join(self._dir, "_definitions.json"), encoding="utf-8") as fh:
                self._defs = json.load(fh).get("$defs", {})
        return self._defs

    def schema(self, api_version: str, kind: str) -> dict | None:
        """A self-contained JSON Schema for the kind, or None when it is not built in."""
        key = (api_version, kind)
        if key in self._cache:
            return self._cache[key]
        out = None
        if self._dir is not None and kind:
            name = file_name(api_version, kind)
            p = os.path.join(self._dir, name)
            if os.path.isfile(p):
                out = self._cached(name)
                if out is None:
                    with open(p, encoding="utf-8") as fh:
                        out = self._inline(json.load(fh))
                    self._store(name, out)
                if not _api_version_matches(out, api_version):
                    out = None
        self._cache[key] = out
        return out

    def _cache_path(self, name: str) -> str | None:
        if not self.cache_dir:
            return None
        if self._stamp is None:
            # the installed schemas' identity: a new kubernetes-validate gets new entries
            try:
                st = os.stat(os.path.join(self._dir, "_definitions.json"))
                self._stamp = "%x-%x" % (st.st_size, st.st_mtime_ns)
            except OSError:
                self._stamp = "none"
        return os.path.join(self.cache_dir, "builtin", os.path.basename(self._dir),
                            self._stamp, name)

    def _cached(self, name: str) -> dict | None:
        p = self._cache_path(name)
        if p is None:
            return None
        try:
            with open(p, encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def _store(self, name: str, schema: dict) -> None:
        p = self._cache_path(name)
        if p is None:
            return
        from kustgen.fs import atomic_write
        try:
            atomic_write(p, json.dumps(schema, separators=(",", ":")))
        except OSError:
            pass          # a read-only cache only costs time

    def _inline(self, schema: dict) -> dict:
        defs = self._definitions()
        needed: dict[str, Any] = {}

        def walk(node):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    m = _DEF_REF.match(ref)
                    if m:
                        name = m.group(1)
                        node["$ref"] = "#/$defs/" + name
                        if name not in needed and name in defs:
                            needed[name] = None
                            needed[name] = walk(json.loads(json.dumps(defs[name])))
                for k, v in node.items():
                    if k != "$ref":
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
            return node

        schema = walk(schema)
        if needed:
            schema["$defs"] = needed
        return schema


def _api_version_matches(schema: dict, api_version: str) -> bool:
    """File names drop the group's domain (apps vs apps.example.org): check the enum."""
    av = ((schema.get("properties") or {}).get("apiVersion") or {}).get("enum")
    return not av or api_version in av


class BuiltinSource:
    """Registry source for built-in kinds (apps/v1 Deployment, v1 ConfigMap, ...)."""

    def __init__(self, kubernetes_version: str = "1.32.0", strict: bool = True,
                 cache_dir: str | None = None):
        self.schemas = BuiltinSchemas(kubernetes_version, strict, cache_dir)

    def describe(self) -> str:
        return self.schemas.describe()

    def lookup(self, api_version: str, kind: str):
        s = self.schemas.schema(api_version, kind)
        if s is None:
            return None
        from kustgen.schemas.registry import SchemaEntry
        return SchemaEntry(api_version, kind, self.describe(), schema=s,
                           strict=self.schemas.strict)
