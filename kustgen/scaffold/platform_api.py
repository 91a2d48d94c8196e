"""A new platform API (``kustgen api add KIND --group G``): a CompositeResourceDefinition, a
pipeline-mode Composition built with function-patch-and-transform, and an example claim.

Pure functions returning plain data. The XRD and Composition validate against the
Crossplane CRDs; the example validates against the schema Crossplane derives from the XRD.
"""

from __future__ import annotations

import copy
import re

from kustgen.model.errors import ConfigError

__all__ = ["FUNCTION_NAME", "DEFAULT_REGION", "plural", "check_kind", "check_group",
           "xr_names", "platform_api"]

FUNCTION_NAME = "function-patch-and-transform"
DEFAULT_REGION = "us-east-1"

_KIND = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_GROUP = re.compile(r"^%s(\.%s)+$" % (_LABEL, _LABEL))
_VERSION = re.compile(r"^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$")
_PARAM = re.compile(r"^[a-z][A-Za-z0-9]*$")
_MAX_PLURAL = 63            # a CRD's plural is a DNS-1035 label


def plural(kind: str) -> str:
    """Lower-case plural of a kind, as Kubernetes names resources: ``Bucket`` ->
    ``buckets``, ``Policy`` -> ``policies`` (but ``Gateway`` -> ``gateways``), ``Address``
    -> ``addresses``, ``Box`` -> ``boxes``, ``Cache`` -> ``caches``."""
    k = kind.lower()
    if len(k) > 1 and k.endswith("y") and k[-2] not in "aeiou":
        return k[:-1] + "ies"
    if k.endswith(("s", "x", "z", "ch", "sh")):
        return k + "es"
    return k + "s"


def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise ConfigError("kind %r is not a PascalCase identifier (a capital letter, then "
                          "letters and digits, e.g. Database, ObjectStore)" % (kind,))
    if len(plural("X" + kind)) > _MAX_PLURAL:
        raise ConfigError("kind %r is too long: the plural of its composite kind must fit in "
                          "%d characters" % (kind, _MAX_PLURAL))
    return kind


def check_group(group: str) -> str:
    if (not isinstance(group, str) or len(group) > 253 or not _GROUP.match(group)
            or any(len(label) > 63 for label in group.split("."))):
        raise ConfigError("API group %r is not a DNS subdomain with at least one dot "
                          "(lower-case, e.g. platform.example.org)" % (group,))
    return group


def xr_names(kind: str) -> dict:
    """Names of the composite resource and claim of ``kind``: ``{"xr_kind", "xr_plural",
    "claim_kind", "claim_plural"}``."""
    check_kind(kind)
    return {"xr_kind": "X" + kind, "xr_plural": plural("X" + kind),
            "claim_kind": kind, "claim_plural": plural(kind)}


def _split_composed(composed: str) -> tuple[str, str]:
    """``group/version/Kind`` (or ``version/Kind`` for the core group) -> (apiVersion, kind)."""
    parts = composed.split("/") if isinstance(composed, str) else []
    if len(parts) not in (2, 3) or not all(parts):
        raise ConfigError("composed resource %r must be <group>/<version>/<Kind>, e.g. "
                          "s3.aws.upbound.io/v1beta1/Bucket" % (composed,))
    if not _KIND.match(parts[-1]) or not _VERSION.match(parts[-2]):
        raise ConfigError("composed resource %r: %r is not a version or %r not a kind"
                          % (composed, parts[-2], parts[-1]))
    if len(parts) == 3:
        check_group(parts[0])
    return "/".join(parts[:-1]), parts[-1]


def _provider_of(api_version: str) -> str:
    """A short name of the provider behind a composed apiVersion, for the Composition's
    name (``s3.aws.upbound.io/v1beta1`` -> ``aws``)."""
    labels = api_version.split("/")[0].split(".") if "/" in api_version else []
    if len(labels) >= 3:
        return labels[-3]
    return labels[0] if labels else "core"


def _check_parameters(parameters: dict | None) -> dict:
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise ConfigError("parameters must be a mapping of name to JSON schema")
    for pname, schema in parameters.items():
        if not isinstance(pname, str) or not _PARAM.match(pname):
            raise ConfigError("parameter name %r is not a camelCase identifier" % (pname,))
        if not isinstance(schema, dict) or not isinstance(schema.get("type"), str):
            raise ConfigError("parameter %s: the schema must be a mapping with a type "
                              "(e.g. {type: string})" % pname)
    return copy.deepcopy(parameters)


def _example_value(schema: dict):
    """A value for the example claim that satisfies ``schema``, or None to leave it out."""
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    return None


def platform_api(kind: str, group: str, *, version: str = "v1alpha1", claim: bool = True,
                 parameters: dict | None = None,
                 composed: str = "s3.aws.upbound.io/v1beta1/Bucket") -> tuple[dict, dict, dict]:
    """``(xrd, composition, example)`` for a new platform API.

    The XRD (``apiextensions.crossplane.io/v1``) defines the composite kind ``X<kind>``
    and, when ``claim``, the claim kind ``<kind>`` (so its scope is ``LegacyCluster``, the
    only scope that offers claims; ``Cluster`` without claims). One served, referenceable
    version; ``spec.parameters`` holds ``region`` (default us-east-1),
    ``providerConfigName`` (default "default") and ``parameters`` (``{name: schema}``).

    The Composition composes one ``composed`` resource (``group/version/Kind``) in
    pipeline mode with function-patch-and-transform, patching the region into
    ``spec.forProvider.region`` and the ProviderConfig into ``spec.providerConfigRef.name``.

    The example is a claim named ``example`` in namespace ``default`` (an XR without
    namespace when not ``claim``), filled with the parameters' defaults.
    """
    check_kind(kind)
    check_group(group)
    if not isinstance(version, str) or not _VERSION.match(version):
        raise ConfigError("API version %r is not a Kubernetes version (v1, v1alpha1, "
                          "v2beta3, ...)" % (version,))
    extra = _check_parameters(parameters)
    composed_api_version, composed_kind = _split_composed(composed)
    names = xr_names(kind)
    xrd_name = "%s.%s" % (names["xr_plural"], group)
    if len(xrd_name) > 253:
        raise ConfigError("XRD name %s is longer than 253 characters" % xrd_name)
    composition_name = "%s-%s" % (names["xr_plural"], _provider_of(composed_api_version))

    params_props: dict = {
        "region": {"type": "string", "default": DEFAULT_REGION,
                   "description": "Region of the composed resources."},
        "providerConfigName": {"type": "string", "default": "default",
                               "description": "ProviderConfig the composed resources use."},
    }
    params_props.update(extra)
    openapi = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "parameters": {
                        "type": "object",
                        "description": "Settings of the %s." % kind,
                        "properties": params_props,
                    },
                },
                "required": ["parameters"],
            },
        },
    }
    xrd_spec: dict = {
        "group": group,
        "scope": "LegacyCluster" if claim else "Cluster",
        "names": {"kind": names["xr_kind"], "plural": names["xr_plural"]},
    }
    if claim:
        xrd_spec["claimNames"] = {"kind": names["claim_kind"], "plural": names["claim_plural"]}
    xrd_spec["defaultCompositionRef"] = {"name": composition_name}
    xrd_spec["versions"] = [{
        "name": version,
        "served": True,
        "referenceable": True,
        "schema": {"openAPIV3Schema": openapi},
    }]
    xrd = {
        "apiVersion": "apiextensions.crossplane.io/v1",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": xrd_name},
        "spec": xrd_spec,
    }

    resource_name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", composed_kind).lower()
    composition = {
        "apiVersion": "apiextensions.crossplane.io/v1",
        "kind": "Composition",
        "metadata": {"name": composition_name},
        "spec": {
            "compositeTypeRef": {"apiVersion": "%s/%s" % (group, version),
                                 "kind": names["xr_kind"]},
            "mode": "Pipeline",
            "pipeline": [{
                "step": "patch-and-transform",
                "functionRef": {"name": FUNCTION_NAME},
                "input": {
                    "apiVersion": "pt.fn.crossplane.io/v1beta1",
                    "kind": "Resources",
                    "resources": [{
                        "name": resource_name,
                        "base": {
                            "apiVersion": composed_api_version,
                            "kind": composed_kind,
                            "spec": {"forProvider": {"region": DEFAULT_REGION}},
                        },
                        "patches": [
                            {"type": "FromCompositeFieldPath",
                             "fromFieldPath": "spec.parameters.region",
                             "toFieldPath": "spec.forProvider.region"},
                            {"type": "FromCompositeFieldPath",
                             "fromFieldPath": "spec.parameters.providerConfigName",
                             "toFieldPath": "spec.providerConfigRef.name"},
                        ],
                    }],
                },
            }],
        },
    }

    example_params: dict = {"region": DEFAULT_REGION, "providerConfigName": "default"}
    for pname, schema in extra.items():
        value = _example_value(schema)
        if value is not None:
            example_params[pname] = value
        else:
            example_params.pop(pname, None)
    metadata: dict = {"name": "example"}
    if claim:
        metadata["namespace"] = "default"
    example = {
        "apiVersion": "%s/%s" % (group, version),
        "kind": names["claim_kind"] if claim else names["xr_kind"],
        "metadata": metadata,
        "spec": {"parameters": example_params},
    }
    return xrd, composition, example
