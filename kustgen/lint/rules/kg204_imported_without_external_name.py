"""KG204: a resource adopting an existing cloud resource names no external resource."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.lint.rules._crossplane import EXTERNAL_NAME, get, is_imported, is_managed
from kustgen.model import Severity


class ImportedWithoutExternalName(Rule):
    id = "KG204"
    name = "imported-without-external-name"
    category = "crossplane"
    summary = "A managed resource that adopts an existing cloud resource has no " \
              "crossplane.io/external-name annotation"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
A managed resource imports (adopts) an existing cloud resource when its
`spec.managementPolicies` cannot create one (a non-empty list without `*`, `Create`,
`Orphan` or `MustCreate`, e.g. `[Observe]` or `[Observe, Update, LateInitialize]`), or
when it is marked `kustgen.io/imported: "true"`. The provider finds the existing resource
by the `crossplane.io/external-name` annotation (a bucket name, a VPC id, an ARN...).
Without it the provider looks for a resource named after `metadata.name`, which for most
kinds (ids chosen by the cloud: VPCs, subnets, security groups) finds nothing: an
observe-only resource never becomes ready, and one that can create would create a second,
empty resource instead of adopting the existing one.

Fix: set `metadata.annotations["crossplane.io/external-name"]` to the identifier of the
existing resource (per environment, in the overlay when it differs).
"""
    bad = {
        "overlays/prod/kustomization.yaml": "resources:\n  - vpc.yaml\n",
        "overlays/prod/vpc.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
metadata:
  name: legacy-network
spec:
  managementPolicies: ["Observe"]
  forProvider:
    region: eu-central-1
  providerConfigRef:
    name: aws-prod
""",
    }
    good = {
        "overlays/prod/kustomization.yaml": "resources:\n  - vpc.yaml\n",
        "overlays/prod/vpc.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
metadata:
  name: legacy-network
  annotations:
    crossplane.io/external-name: vpc-0a1b2c3d4e5f67890
spec:
  managementPolicies: ["Observe"]
  forProvider:
    region: eu-central-1
  providerConfigRef:
    name: aws-prod
""",
    }

    def check(self, ctx, opts):
        for ov, r in ctx.resources():
            o = r.obj
            if not is_managed(o) and not isinstance(get(o, "spec", "managementPolicies"), list):
                continue
            imported, path = is_imported(o)
            if not imported:
                continue
            ext = r.annotations().get(EXTERNAL_NAME)
            if isinstance(ext, str) and ext.strip():
                continue
            if path[0] == "spec":
                how = "its managementPolicies %s cannot create it" % (
                    "[" + ", ".join(map(str, get(o, "spec", "managementPolicies"))) + "]")
            else:
                how = "it is marked %s" % path[-1]
            yield Hit("%s %s adopts an existing cloud resource (%s) but has no %s "
                      "annotation: the provider cannot find the resource to adopt; set the "
                      "annotation to its identifier (name, id or ARN)"
                      % (r.kind, r.name or "(unnamed)", how, EXTERNAL_NAME),
                      resource=r, path=path, overlay=ov.path if ov else "")


RULE = ImportedWithoutExternalName
