"""Schemas of the kinds a Crossplane CompositeResourceDefinition (XRD) defines.

Crossplane turns every XRD into one CRD for the composite resource (XR, kind
``spec.names.kind``) and, for an XRD offering claims, one more CRD for the claim (kind
``spec.claimNames.kind``, always namespaced). Those CRDs are what the API server validates
against: the XRD's own ``openAPIV3Schema`` with Crossplane's machinery fields merged in.
This module derives each served version's ``openAPIV3Schema`` the way Crossplane does
(``internal/xcrd/crd.go`` ``genCrdVersion``, ``ForCompositeResource``,
``ForCompositeResourceClaim``; field lists from ``internal/xcrd/schemas.go``), so that the
CRD converter can turn it into JSON Schema like any other CRD version.

What Crossplane does, and we do:

* Top level: ``apiVersion``, ``kind``, ``metadata``, ``spec``, ``status``; ``spec``
  required; the XRD schema's top-level ``description`` kept, its other top-level fields
  dropped.
* ``metadata.name``: a string of at most 63 characters (or the XRD's own smaller
  ``maxLength``): names are used as label values. The API server validates the rest of
  ``metadata`` itself; we describe ``namespace``, ``labels``, ``annotations`` and leave the
  object open (``x-kubernetes-preserve-unknown-fields``), because a CRD schema cannot close
  ``metadata``.
* ``spec``: the XRD's spec properties, ``required``, ``x-kubernetes-preserve-unknown-fields``,
  ``x-kubernetes-validations``, ``oneOf`` and ``description``; then Crossplane's fields
  *override* same-named ones. ``status``: the XRD's status properties, ``required``,
  ``x-kubernetes-validations``, ``oneOf``, ``description``, then Crossplane's fields.

Two generations of Crossplane (``crossplane=2``, the default, or ``crossplane=1``):

* Crossplane 2 (the ``cluster/crds`` the team targets): XRD ``spec.scope`` is
  ``LegacyCluster`` (default of ``apiextensions.crossplane.io/v1``; cluster-scoped XR with
  the machinery directly under ``spec``, may offer a claim), ``Cluster`` or ``Namespaced``
  (default of ``apiextensions.crossplane.io/v2``; machinery under ``spec.crossplane``,
  connection status under ``status.crossplane``, no claim).
* Crossplane 1.x: every XR is cluster scoped with a claim if ``claimNames`` is set; XRs
  also carry ``spec.environmentConfigRefs`` and ``spec.publishConnectionDetailsTo``, claims
  ``spec.publishConnectionDetailsTo``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

from kustgen.model.errors import KustgenError

__all__ = [
    "DerivedSchema", "XrdError", "XrdSource", "xrd_schemas", "is_xrd",
    "SCOPE_NAMESPACED", "SCOPE_CLUSTER", "SCOPE_LEGACY_CLUSTER",
]

XRD_GROUP = "apiextensions.crossplane.io"
XRD_KIND = "CompositeResourceDefinition"

SCOPE_NAMESPACED = "Namespaced"
SCOPE_CLUSTER = "Cluster"
SCOPE_LEGACY_CLUSTER = "LegacyCluster"
_SCOPES = (SCOPE_NAMESPACED, SCOPE_CLUSTER, SCOPE_LEGACY_CLUSTER)

# crd.go: maxCompositeNameLength / maxClaimNameLength (names are used as label values).
MAX_NAME_LENGTH = 63


class XrdError(KustgenError):
    """An XRD too malformed to derive a schema from (no group, no kind, ...)."""


@dataclass(frozen=True)
class DerivedSchema:
    """The ``openAPIV3Schema`` of one served version of a kind an XRD defines.

    ``openapi_v3`` has the shape of a CRD version's ``schema.openAPIV3Schema``; ``source``
    says where it came from (``XRD <name> (composite)`` / ``XRD <name> (claim)``);
    ``path`` is the file the XRD was read from, when known.
    """

    api_version: str
    kind: str
    namespaced: bool
    openapi_v3: dict = field(repr=False, compare=False)
    source: str
    path: str | None = None

    @property
    def group(self) -> str:
        return self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else ""

    @property
    def version(self) -> str:
        return self.api_version.rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------
# Crossplane's fields (internal/xcrd/schemas.go), built fresh on every call so that
# callers may mutate what they get.
# ---------------------------------------------------------------------------------------

def _string() -> dict:
    return {"type": "string"}


def _name_ref() -> dict:
    # compositionRef, compositionRevisionRef
    return {"type": "object", "required": ["name"], "properties": {"name": _string()}}


def _label_selector() -> dict:
    # compositionSelector, compositionRevisionSelector: matchLabels only.
    return {
        "type": "object",
        "required": ["matchLabels"],
        "properties": {
            "matchLabels": {"type": "object", "additionalProperties": _string()},
        },
    }


def _update_policy(default: str | None) -> dict:
    s = {"type": "string", "enum": ["Automatic", "Manual"]}
    if default is not None:
        s["default"] = default
    return s


def _typed_refs(with_namespace: bool, atomic: bool) -> dict:
    # resourceRefs (and, in Crossplane 1.x, environmentConfigRefs)
    props = {"apiVersion": _string(), "name": _string(), "kind": _string()}
    if with_namespace:
        props["namespace"] = _string()
    s = {
        "type": "array",
        "items": {"type": "object", "properties": props, "required": ["apiVersion", "kind"]},
    }
    if atomic:
        s["x-kubernetes-list-type"] = "atomic"
    return s


def _claim_ref() -> dict:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "namespace", "name"],
        "properties": {"apiVersion": _string(), "kind": _string(), "namespace": _string(),
                       "name": _string()},
    }


def _secret_ref(with_namespace: bool) -> dict:
    if with_namespace:   # XR: a Secret anywhere
        return {"type": "object", "required": ["name", "namespace"],
                "properties": {"name": _string(), "namespace": _string()}}
    return {"type": "object", "required": ["name"],   # claim: a Secret in its namespace
            "properties": {"name": _string()}}


def _publish_connection_details_to() -> dict:
    # Crossplane 1.x only (External Secret Stores, alpha; removed in Crossplane 2).
    string_map = {"type": "object", "additionalProperties": _string()}
    return {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": _string(),
            "configRef": {"type": "object", "default": {"name": "default"},
                          "properties": {"name": _string()}},
            "metadata": {"type": "object", "properties": {
                "labels": copy.deepcopy(string_map),
                "annotations": copy.deepcopy(string_map),
                "type": _string(),
            }},
        },
    }


def _composite_spec_props(scope: str, crossplane: int, update_default: str | None) -> dict:
    """CompositeResourceSpecProps."""
    props = {
        "compositionRef": _name_ref(),
        "compositionSelector": _label_selector(),
        "compositionRevisionRef": _name_ref(),
        "compositionRevisionSelector": _label_selector(),
        "compositionUpdatePolicy": _update_policy(update_default),
    }
    if crossplane < 2:
        props["resourceRefs"] = _typed_refs(with_namespace=False, atomic=True)
        props["claimRef"] = _claim_ref()
        props["environmentConfigRefs"] = _typed_refs(with_namespace=False, atomic=False)
        props["publishConnectionDetailsTo"] = _publish_connection_details_to()
        props["writeConnectionSecretToRef"] = _secret_ref(with_namespace=True)
        return props
    # Namespaced XRs may not reference composed resources in other namespaces.
    props["resourceRefs"] = _typed_refs(with_namespace=scope != SCOPE_NAMESPACED, atomic=True)
    if scope == SCOPE_LEGACY_CLUSTER:
        props["claimRef"] = _claim_ref()
        props["writeConnectionSecretToRef"] = _secret_ref(with_namespace=True)
        return props
    return {"crossplane": {
        "type": "object",
        "description": "Configures how Crossplane will reconcile this composite resource",
        "properties": props,
    }}


def _claim_spec_props(crossplane: int, delete_default: str | None) -> dict:
    """CompositeResourceClaimSpecProps."""
    delete_policy = {"type": "string", "enum": ["Background", "Foreground"]}
    if delete_default is not None:
        delete_policy["default"] = delete_default
    props = {
        "compositionRef": _name_ref(),
        "compositionSelector": _label_selector(),
        "compositionRevisionRef": _name_ref(),
        "compositionRevisionSelector": _label_selector(),
        "compositionUpdatePolicy": _update_policy(None),
        "compositeDeletePolicy": delete_policy,
        "resourceRef": {
            "type": "object",
            "required": ["apiVersion", "kind", "name"],
            "properties": {"apiVersion": _string(), "kind": _string(), "name": _string()},
        },
        "writeConnectionSecretToRef": _secret_ref(with_namespace=False),
    }
    if crossplane < 2:
        props["publishConnectionDetailsTo"] = _publish_connection_details_to()
    return props


def _connection_details() -> dict:
    return {"type": "object",
            "properties": {"lastPublishedTime": {"type": "string", "format": "date-time"}}}


def _status_props(scope: str, crossplane: int) -> dict:
    """CompositeResourceStatusProps (claims get the LegacyCluster flavour)."""
    cond_props = {
        "lastTransitionTime": {"type": "string", "format": "date-time"},
        "message": _string(),
        "reason": _string(),
        "status": _string(),
        "type": _string(),
    }
    if crossplane >= 2:
        cond_props["observedGeneration"] = {"type": "integer", "format": "int64"}
    props = {
        "conditions": {
            "description": "Conditions of the resource.",
            "type": "array",
            "x-kubernetes-list-map-keys": ["type"],
            "x-kubernetes-list-type": "map",
            "items": {
                "type": "object",
                "required": ["lastTransitionTime", "reason", "status", "type"],
                "properties": cond_props,
            },
        },
    }
    if crossplane >= 2 and scope != SCOPE_LEGACY_CLUSTER:
        props["crossplane"] = {
            "type": "object",
            "description": "Indicates how Crossplane is reconciling this composite resource",
            "properties": {"connectionDetails": _connection_details()},
        }
    else:
        props["connectionDetails"] = _connection_details()
        props["claimConditionTypes"] = {"type": "array", "x-kubernetes-list-type": "set",
                                        "items": _string()}
    return props


# ---------------------------------------------------------------------------------------
# genCrdVersion
# ---------------------------------------------------------------------------------------

def _metadata_schema(user_schema: dict) -> dict:
    max_len = MAX_NAME_LENGTH
    old = _get(user_schema, "properties", "metadata", "properties", "name", "maxLength")
    if isinstance(old, int) and not isinstance(old, bool) and old < max_len:
        max_len = old
    string_map = {"type": "object", "additionalProperties": _string()}
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": max_len},
            "namespace": _string(),
            "labels": copy.deepcopy(string_map),
            "annotations": copy.deepcopy(string_map),
        },
        # The API server validates ObjectMeta itself; a CRD schema cannot close metadata.
        "x-kubernetes-preserve-unknown-fields": True,
    }


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _merge_part(user: Any, crossplane_props: dict, copy_keys: tuple[str, ...]) -> dict:
    out: dict = {"type": "object"}
    if isinstance(user, dict):
        for k in copy_keys:
            if k in user and user[k] is not None:
                out[k] = copy.deepcopy(user[k])
        props = copy.deepcopy(user.get("properties")) if isinstance(user.get("properties"),
                                                                     dict) else {}
    else:
        props = {}
    props.update(crossplane_props)   # Crossplane's fields win over same-named XRD fields
    out["properties"] = props
    return out


_SPEC_KEYS = ("description", "required", "x-kubernetes-preserve-unknown-fields",
              "x-kubernetes-validations", "oneOf")
_STATUS_KEYS = ("description", "required", "x-kubernetes-validations", "oneOf")


def _version_schema(user_schema: dict, spec_props: dict, status_props: dict) -> dict:
    out: dict = {"type": "object", "required": ["spec"]}
    if isinstance(user_schema.get("description"), str):
        out["description"] = user_schema["description"]
    user_props = user_schema.get("properties") if isinstance(user_schema.get("properties"),
                                                             dict) else {}
    out["properties"] = {
        "apiVersion": _string(),
        "kind": _string(),
        "metadata": _metadata_schema(user_schema),
        "spec": _merge_part(user_props.get("spec"), spec_props, _SPEC_KEYS),
        "status": _merge_part(user_props.get("status"), status_props, _STATUS_KEYS),
    }
    return out


# ---------------------------------------------------------------------------------------
# XRD -> schemas
# ---------------------------------------------------------------------------------------

def is_xrd(doc: Any) -> bool:
    """True for a ``apiextensions.crossplane.io/*`` ``CompositeResourceDefinition``."""
    if not isinstance(doc, dict) or doc.get("kind") != XRD_KIND:
        return False
    av = doc.get("apiVersion")
    return isinstance(av, str) and av.split("/", 1)[0] == XRD_GROUP and "/" in av


def xrd_scope(xrd: dict, crossplane: int = 2) -> str:
    """The XR scope Crossplane uses for this XRD (defaults depend on the XRD's version)."""
    if crossplane < 2:
        return SCOPE_LEGACY_CLUSTER
    scope = _get(xrd, "spec", "scope")
    if not scope:
        av = xrd.get("apiVersion", "")
        # v1 defaults to LegacyCluster, v2 to Namespaced (cluster/crds XRD schema).
        return SCOPE_NAMESPACED if av.endswith("/v2") else SCOPE_LEGACY_CLUSTER
    if scope not in _SCOPES:
        raise XrdError("XRD %s: unknown spec.scope %r (want one of %s)"
                       % (_xrd_name(xrd), scope, ", ".join(_SCOPES)))
    return scope


def _xrd_name(xrd: dict) -> str:
    name = _get(xrd, "metadata", "name")
    return name if isinstance(name, str) and name else "<unnamed>"


def xrd_schemas(xrd: dict, *, crossplane: int = 2, path: str | None = None
                ) -> list[DerivedSchema]:
    """Schemas of the XR and, when offered, the claim, for every served version of ``xrd``.

    XR schemas come first, in the XRD's version order, then claim schemas. ``crossplane``
    picks the field set (2: Crossplane 2, the default; 1: Crossplane 1.x). Raises
    :class:`XrdError` when the XRD lacks what a schema needs (group, names.kind, versions).
    """
    if crossplane not in (1, 2):
        raise ValueError("crossplane must be 1 or 2, not %r" % (crossplane,))
    name = _xrd_name(xrd)
    if not is_xrd(xrd):
        raise XrdError("not a CompositeResourceDefinition: %s %s"
                       % (xrd.get("apiVersion") if isinstance(xrd, dict) else type(xrd).__name__,
                          xrd.get("kind") if isinstance(xrd, dict) else ""), path)
    spec = xrd.get("spec")
    if not isinstance(spec, dict):
        raise XrdError("XRD %s has no spec" % name, path)
    group = spec.get("group")
    kind = _get(spec, "names", "kind")
    if not isinstance(group, str) or not group:
        raise XrdError("XRD %s has no spec.group" % name, path)
    if not isinstance(kind, str) or not kind:
        raise XrdError("XRD %s has no spec.names.kind" % name, path)
    versions = spec.get("versions")
    if not isinstance(versions, list):
        raise XrdError("XRD %s has no spec.versions list" % name, path)
    try:
        scope = xrd_scope(xrd, crossplane)
    except XrdError as e:
        raise XrdError(e.message, path) from None

    claim_kind = _get(spec, "claimNames", "kind")
    # Only LegacyCluster XRs can be claimed (CEL rule of the XRD CRD; Crossplane 2).
    offers_claim = (isinstance(claim_kind, str) and bool(claim_kind)
                    and scope == SCOPE_LEGACY_CLUSTER)
    if offers_claim and claim_kind == kind:
        raise XrdError("XRD %s: claim kind %r conflicts with composite resource kind"
                       % (name, claim_kind), path)

    update_default = spec.get("defaultCompositionUpdatePolicy") or "Automatic"
    delete_default = spec.get("defaultCompositeDeletePolicy") or "Background"

    xrs: list[DerivedSchema] = []
    claims: list[DerivedSchema] = []
    for i, v in enumerate(versions):
        if not isinstance(v, dict):
            raise XrdError("XRD %s: spec.versions[%d] is not a mapping" % (name, i), path)
        vname = v.get("name")
        if not isinstance(vname, str) or not vname:
            raise XrdError("XRD %s: spec.versions[%d] has no name" % (name, i), path)
        if v.get("served") is not True:
            continue
        user = _get(v, "schema", "openAPIV3Schema")
        # An omitted schema means "only Crossplane's fields" (XRD CRD documentation).
        if not isinstance(user, dict):
            user = {}
        api_version = "%s/%s" % (group, vname)
        xrs.append(DerivedSchema(
            api_version=api_version, kind=kind, namespaced=scope == SCOPE_NAMESPACED,
            openapi_v3=_version_schema(
                user,
                _composite_spec_props(scope, crossplane, update_default),
                _status_props(scope, crossplane)),
            source="XRD %s (composite)" % name, path=path))
        if offers_claim:
            claims.append(DerivedSchema(
                api_version=api_version, kind=claim_kind, namespaced=True,
                openapi_v3=_version_schema(
                    user,
                    _claim_spec_props(crossplane, delete_default),
                    _status_props(SCOPE_LEGACY_CLUSTER, crossplane)),
                source="XRD %s (claim)" % name, path=path))
    return xrs + claims


# ---------------------------------------------------------------------------------------
# The source
# ---------------------------------------------------------------------------------------

class XrdSource:
    """Schemas of the kinds defined by a set of XRDs, looked up by apiVersion + kind.

    Build it from XRD dicts (``XrdSource([xrd, ...])``) or from files
    (``XrdSource.from_paths([...])``; directories are walked for ``*.yaml``/``*.yml``,
    documents other than XRDs are skipped). A malformed XRD or unreadable file does not
    stop the others: it lands in ``errors`` (``KustgenError`` values). When two XRDs define
    the same apiVersion + kind, the first one wins and the clash is recorded in ``errors``.
    """

    def __init__(self, xrds: Iterable[dict] = (), *, crossplane: int = 2):
        if crossplane not in (1, 2):
            raise ValueError("crossplane must be 1 or 2, not %r" % (crossplane,))
        self.crossplane = crossplane
        self._by_gvk: dict[tuple[str, str], DerivedSchema] = {}
        self.errors: list[KustgenError] = []
        for x in xrds:
            self.add(x)

    @classmethod
    def from_paths(cls, paths: Iterable[str], *, fs=None, crossplane: int = 2) -> "XrdSource":
        """Read XRDs from YAML files or directories (through ``fs``, default the disk)."""
        from kustgen.fs import DiskFS
        from kustgen.schemas.sources import read_documents

        fs = fs if fs is not None else DiskFS()
        src = cls(crossplane=crossplane)
        for p, d in read_documents(fs, paths, src.errors):
            if is_xrd(d.data):
                src.add(d.data, path=p, line=d.line)
        return src

    def add(self, xrd: dict, *, path: str | None = None, line: int | None = None) -> None:
        """Add the kinds of one XRD (errors are recorded, not raised)."""
        try:
            schemas = xrd_schemas(xrd, crossplane=self.crossplane, path=path)
        except XrdError as e:
            if line and e.file and not e.line:
                e.line = line
            self.errors.append(e)
            return
        for s in schemas:
            key = (s.api_version, s.kind)
            if key in self._by_gvk:
                old = self._by_gvk[key]
                if old.source == s.source and old.openapi_v3 == s.openapi_v3:
                    continue       # the same XRD again (another overlay, a rendered copy)
                self.errors.append(XrdError(
                    "%s %s is defined twice: by %s and by %s; keeping the first"
                    % (s.api_version, s.kind, self._by_gvk[key].source, s.source), path, line))
                continue
            self._by_gvk[key] = s

    def lookup(self, api_version: str, kind: str) -> DerivedSchema | None:
        """The schema of ``kind`` at ``api_version`` (``group/version``), else None."""
        return self._by_gvk.get((api_version, kind))

    def schemas(self) -> list[DerivedSchema]:
        return list(self._by_gvk.values())

    def __iter__(self):
        return iter(self.schemas())

    def __len__(self) -> int:
        return len(self._by_gvk)
