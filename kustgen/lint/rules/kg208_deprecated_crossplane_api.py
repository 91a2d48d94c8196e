"""KG208: Crossplane APIs and fields that Crossplane v2 removed or deprecated."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.lint.rules._crossplane import CORE_GROUPS, composition_mode, group_of, \
    is_composition, is_xrd, may_be_composite, split_api_version, xrds_of_group
from kustgen.model import Severity

_PACKAGES = ("Provider", "Function", "Configuration")


def _unqualified(pkg: str) -> bool:
    """A package reference without a registry host (crossplane-contrib/provider-x:v1)."""
    first = pkg.split("/", 1)[0]
    if "/" not in pkg:
        return True
    return not ("." in first or ":" in first or first == "localhost")


def findings(obj: dict, legacy: bool, claim_kinds: dict) -> list[tuple[tuple, str]]:
    """[(field path, message)] for one object."""
    out: list[tuple[tuple, str]] = []
    group, version = split_api_version(obj.get("apiVersion"))
    kind = obj.get("kind")
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if group == "pkg.crossplane.io":
        if kind == "ControllerConfig":
            out.append((("kind",), "ControllerConfig was removed in Crossplane v2 (deprecated "
                        "since v1.11): write a DeploymentRuntimeConfig "
                        "(pkg.crossplane.io/v1beta1) and point the package's "
                        "spec.runtimeConfigRef at it"))
        if kind in _PACKAGES:
            if "controllerConfigRef" in spec:
                out.append((("spec", "controllerConfigRef"),
                            "%s spec.controllerConfigRef: ControllerConfig was removed in "
                            "Crossplane v2; use spec.runtimeConfigRef to a "
                            "DeploymentRuntimeConfig" % kind))
            pkg = spec.get("package")
            if isinstance(pkg, str) and pkg and _unqualified(pkg):
                out.append((("spec", "package"),
                            "%s package %s names no registry: Crossplane v2 has no default "
                            "registry any more; write it fully qualified (e.g. "
                            "xpkg.crossplane.io/%s)" % (kind, pkg, pkg)))
    if group == "apiextensions.crossplane.io":
        if is_composition(obj):
            mode = composition_mode(obj)
            if mode == "Resources":
                at = ("spec", "mode") if spec.get("mode") else ("spec", "resources")
                out.append((at, "Composition mode Resources (native patch and transform) "
                            "was removed in Crossplane v2: use mode: Pipeline with a "
                            "function-patch-and-transform step (`crossplane beta convert "
                            "pipeline-composition` converts it)"))
                if "patchSets" in spec:
                    out.append((("spec", "patchSets"),
                                "Composition spec.patchSets belongs to the removed mode "
                                "Resources: move the patch sets into the "
                                "function-patch-and-transform input (input.patchSets)"))
            if "environment" in spec:
                out.append((("spec", "environment"),
                            "Composition spec.environment is no longer supported: select "
                            "EnvironmentConfigs with a function-environment-configs "
                            "pipeline step"))
        elif kind == "EnvironmentConfig" and version == "v1alpha1":
            out.append((("apiVersion",), "EnvironmentConfig "
                        "apiextensions.crossplane.io/v1alpha1 is deprecated: use "
                        "apiextensions.crossplane.io/v1beta1"))
        elif kind == "Usage":
            out.append((("apiVersion",), "apiextensions.crossplane.io Usage is deprecated "
                        "in Crossplane v2: use protection.crossplane.io/v1beta1 Usage "
                        "(namespaced) or ClusterUsage"))
        elif is_xrd(obj):
            if version == "v2":
                for f in ("claimNames", "connectionSecretKeys"):
                    if f in spec:
                        out.append((("spec", f), "XRD apiextensions.crossplane.io/v2 does not "
                                    "support spec.%s (claims and XR connection secrets are "
                                    "v1 legacy features): remove it and use namespaced "
                                    "composite resources, or keep this XRD at "
                                    "apiextensions.crossplane.io/v1 with scope "
                                    "LegacyCluster" % f))
            elif legacy and version == "v1":
                out.append((("apiVersion",), "XRD apiextensions.crossplane.io/v1 is deprecated "
                            "in Crossplane v2 (scope LegacyCluster and claims are legacy "
                            "features): move to apiextensions.crossplane.io/v2 with "
                            "namespaced composite resources instead of claims"))
    if kind == "StoreConfig" and (group in CORE_GROUPS or group.endswith(
            (".crossplane.io", ".upbound.io"))):
        out.append((("kind",), "StoreConfig (external secret stores) was removed in "
                    "Crossplane v2: write connection details to Secrets with "
                    "writeConnectionSecretToRef"))
    if "publishConnectionDetailsTo" in spec:
        out.append((("spec", "publishConnectionDetailsTo"),
                    "spec.publishConnectionDetailsTo (external secret stores) was removed in "
                    "Crossplane v2: use spec.writeConnectionSecretToRef"))
    if legacy and kind in claim_kinds.get(group, ()):
        out.append((("kind",), "%s is a claim: claims are a legacy feature in Crossplane v2; "
                    "create namespaced composite resources (XRD "
                    "apiextensions.crossplane.io/v2) instead" % kind))
    return out


class DeprecatedCrossplaneApi(Rule):
    id = "KG208"
    name = "deprecated-crossplane-api"
    category = "crossplane"
    summary = "A Crossplane API or field that Crossplane v2 removed or deprecated " \
              "(ControllerConfig, mode Resources, external secret stores, ...)"
    severity = Severity.WARNING
    environments = ALL
    options = {
        "legacy": Option(False, "also report v1-style features Crossplane v2 still runs but "
                                "calls legacy: XRDs of apiextensions.crossplane.io/v1 "
                                "(LegacyCluster scope) and claims"),
    }
    doc = """\
Crossplane v2 removed features deprecated during v1, so manifests using them fail to
apply or stop working after the upgrade:

| Deprecated | Instead |
|---|---|
| `ControllerConfig`, package `spec.controllerConfigRef` | `DeploymentRuntimeConfig`, `spec.runtimeConfigRef` |
| Composition `mode: Resources` (or `spec.resources` without mode), `spec.patchSets` | `mode: Pipeline` with function-patch-and-transform (`crossplane beta convert pipeline-composition`) |
| Composition `spec.environment` | a function-environment-configs step |
| `spec.publishConnectionDetailsTo`, `StoreConfig` (external secret stores) | `spec.writeConnectionSecretToRef` |
| package `spec.package` without a registry | fully qualified `xpkg.crossplane.io/...` |
| `EnvironmentConfig` v1alpha1 | v1beta1 |
| `apiextensions.crossplane.io` `Usage` | `protection.crossplane.io/v1beta1` `Usage`/`ClusterUsage` |
| XRD `apiextensions.crossplane.io/v2` with `claimNames`/`connectionSecretKeys` | namespaced XRs (or keep a v1 `LegacyCluster` XRD) |

With the option `legacy: true`, v1-style XRDs (`apiextensions.crossplane.io/v1`, scope
`LegacyCluster`) and claims are reported too: Crossplane v2 still runs them but marks them
legacy (the v1 XRD API is deprecated). This is off by default because moving away from
claims is a redesign of the platform API, not a lint fix.
"""
    bad = {
        "kustomization.yaml": "resources:\n  - providers.yaml\n",
        "providers.yaml": """\
apiVersion: pkg.crossplane.io/v1alpha1
kind: ControllerConfig
metadata:
  name: aws-irsa
spec:
  serviceAccountName: provider-aws
---
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata:
  name: provider-aws-s3
spec:
  package: xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v2.0.0
  controllerConfigRef:
    name: aws-irsa
""",
    }
    good = {
        "kustomization.yaml": "resources:\n  - providers.yaml\n",
        "providers.yaml": """\
apiVersion: pkg.crossplane.io/v1beta1
kind: DeploymentRuntimeConfig
metadata:
  name: aws-irsa
spec:
  serviceAccountTemplate:
    metadata:
      name: provider-aws
---
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata:
  name: provider-aws-s3
spec:
  package: xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v2.0.0
  runtimeConfigRef:
    name: aws-irsa
""",
    }

    def check(self, ctx, opts):
        legacy = bool(opts.get("legacy"))
        claim_kinds: dict = {}
        seen_groups: set = set()
        for ov, r in ctx.resources():
            g = group_of(r.obj)
            if legacy and g not in seen_groups and may_be_composite(r.obj):
                seen_groups.add(g)
                claim_kinds[g] = {x.claim_kind for x in xrds_of_group(ctx, g) if x.claim_kind}
            for path, msg in findings(r.obj, legacy, claim_kinds):
                yield Hit(msg, resource=r, path=path, overlay=ov.path if ov else "")


RULE = DeprecatedCrossplaneApi
