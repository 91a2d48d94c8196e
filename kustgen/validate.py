"""Validate rendered resources against schemas; every problem is a Finding located at the
file:line a user edits (the base file, or the patch that set the field).

    Validator(registry, locate=...).validate(resources, overlay) -> [Finding]

Checks: JSON Schema (strict: unknown fields are errors), CEL `x-kubernetes-validations`,
kinds without a schema (policy per API group glob: error | warn | skip; default warn), and
object names (DNS-1123).
"""

from __future__ import annotations

import fnmatch
import re
from typing import Callable, Iterable

from kustgen.model import Finding, Origin, Resource, Severity
from kustgen.model.placeholder import find_placeholders

RULES = {
    "schema": "A field does not match the schema of its kind (type, enum, required, "
              "unknown field in strict mode, ...)",
    "cel": "A CEL rule (x-kubernetes-validations) of the kind's CRD fails",
    "cel-not-evaluated": "A CEL rule of the kind's CRD could not be evaluated offline",
    "missing-schema": "No schema is known for the kind: it was not validated",
    "invalid-name": "metadata.name is not a valid Kubernetes object name",
    "duplicate-resource": "Two manifests define the same object (group, kind, namespace, "
                          "name)",
    "invalid-manifest": "A file cannot be read as Kubernetes manifests",
    "render-error": "The overlay does not render",
    "not-rendered": "The overlay needs Helm or remote resources and was not rendered offline",
    "schema-source": "A schema source (CRD file, XRD, schema location) cannot be used",
    "fill-me": "A value left for the user to fill in (written by `kustgen add`)",
}

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

Locate = Callable[[Resource, tuple], "Origin | None"]


def pointer_to_path(pointer: str, obj) -> tuple:
    """A JSON pointer into obj -> a path tuple (list indexes as ints)."""
    if not pointer:
        return ()
    out = []
    node = obj
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit():
            i = int(part)
            out.append(i)
            node = node[i] if i < len(node) else None
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


class MissingSchemaPolicy:
    """`{"default": "warn", "*.upbound.io": "error", "example.org": "skip"}`: the first
    matching group glob (most specific = longest pattern first) decides."""

    def __init__(self, rules: dict | None = None):
        rules = dict(rules or {})
        self.default = str(rules.pop("default", "warn"))
        self.rules = sorted(rules.items(), key=lambda kv: -len(kv[0]))

    def action(self, group: str) -> str:
        for pat, act in self.rules:
            if fnmatch.fnmatchcase(group or "core", pat):
                return str(act)
        return self.default


class Validator:
    def __init__(self, registry, *, locate: Locate | None = None,
                 missing: MissingSchemaPolicy | None = None, cel: bool = True,
                 results=None):
        self.registry = registry
        self.locate = locate
        self.missing = missing or MissingSchemaPolicy()
        self.cel = cel
        self.results = results        # a schemas.results.ResultCache, or None
        self._cel_rules: dict[int, tuple] = {}   # id(entry) -> (entry, CelRules | None)
        self.stats = {"resources": 0, "validated": 0, "skipped": 0, "kinds": {}}

    def _count(self, res: Resource, entry) -> None:
        k = "%s %s" % (res.api_version, res.kind)
        c = self.stats["kinds"].get(k)
        if c is None:
            c = self.stats["kinds"][k] = {"validated": 0, "skipped": 0,
                                          "source": entry.source if entry is not None else None}
        c["validated" if entry is not None else "skipped"] += 1

    def _where(self, res: Resource, path: tuple) -> Origin:
        o = self.locate(res, path) if self.locate is not None else None
        return o or res.origin or Origin("")

    def _finding(self, res, path, rule, sev, msg, overlay) -> Finding:
        from kustgen.schemas.registry import pointer
        return Finding(self._where(res, path), rule, sev, msg, res.cur_id(), pointer(path),
                       overlay)

    def _cel_for(self, entry):
        hit = self._cel_rules.get(id(entry))
        if hit is not None and hit[0] is entry:
            return hit[1]
        rules = None
        if self.cel and entry.openapi is not None:
            from kustgen.schemas.cel import CelRules
            rules = CelRules(entry.openapi)
        self._cel_rules[id(entry)] = (entry, rules)
        return rules

    def _check(self, entry, obj) -> tuple[list, list]:
        """Schema errors and CEL results of one object: remembered ones when the object,
        the schema and the validating code are unchanged since a previous run."""
        from types import SimpleNamespace

        from kustgen.schemas.registry import SchemaError, validate_object
        key = None
        if self.results is not None:
            key = self.results.key(entry, obj, self.cel)
            hit = self.results.get(key)
            if hit is not None:
                return ([SchemaError(*e) for e in hit[0]],
                        [SimpleNamespace(**c) for c in hit[1]])
        errors = validate_object(entry, obj)
        rules = self._cel_for(entry)
        cel = rules.evaluate(obj) if rules is not None else []
        if key is not None:
            self.results.put(key, errors, cel)
        return errors, cel

    def validate(self, resources: Iterable[Resource], overlay: str = "") -> list[Finding]:
        out: list[Finding] = []
        for res in resources:
            self.stats["resources"] += 1
            name = res.name
            if name and "${" in name:
                # a substitution placeholder (Flux postBuild, uptest's ${Rand...}): check
                # the name as it will be once a short value is put in
                name = _PLACEHOLDER.sub("x", name)
            if name and (len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name)) \
                    and res.kind not in _FREE_NAME_KINDS:
                out.append(self._finding(res, ("metadata", "name"), "invalid-name",
                                         Severity.ERROR,
                                         "metadata.name %r is not a valid name: lower case "
                                         "letters, digits, '-' and '.', at most 253 characters"
                                         % res.name, overlay))
            entry = self.registry.lookup(res.api_version, res.kind)
            self._count(res, entry)
            if entry is None:
                self.stats["skipped"] += 1
                act = self.missing.action(res.gvk.group)
                if act in ("skip", "ignore"):
                    continue
                sev = Severity.ERROR if act == "error" else Severity.WARNING \
                    if act in ("warn", "warning") else Severity.INFO
                out.append(self._finding(res, (), "missing-schema", sev,
                                         "no schema for %s %s: add its CRD (--crds, or "
                                         "schemas.crds in kustgen.yaml)" % (res.api_version,
                                                                            res.kind), overlay))
                continue
            self.stats["validated"] += 1
            schema_errors, cel_results = self._check(entry, res.obj)
            holes = find_placeholders(res.obj)
            if holes:
                # the user has not filled these in yet: one finding, not schema noise
                from kustgen.schemas.registry import dotted
                out.append(self._finding(
                    res, holes[0], "fill-me", Severity.WARNING,
                    "fill in %s (left as <fill-me> by kustgen add)"
                    % ", ".join(dotted(h) for h in holes), overlay))
                schema_errors = [e for e in schema_errors
                                 if not _under(pointer_to_path(e.path, res.obj), holes)]
                cel_results = [c for c in cel_results
                               if not _under(pointer_to_path(c.path, res.obj), holes)]
            for err in schema_errors:
                path = pointer_to_path(err.path, res.obj)
                out.append(self._finding(res, path, "schema", Severity.ERROR, err.message,
                                         overlay))
            for c in cel_results:
                path = pointer_to_path(c.path, res.obj)
                if c.evaluated:
                    out.append(self._finding(res, path, "cel", Severity.ERROR,
                                             c.message, overlay))
                else:
                    out.append(self._finding(res, path, "cel-not-evaluated", Severity.INFO,
                                             c.message, overlay))
        return sorted(out)


def _under(path: tuple, holes: list[tuple]) -> bool:
    return any(path[:len(h)] == h for h in holes)


# Kinds whose names follow other rules (RBAC names may hold ':' for example).
_FREE_NAME_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
