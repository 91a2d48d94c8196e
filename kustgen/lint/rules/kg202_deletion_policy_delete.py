"""KG202: in a protected environment, deleting a managed resource deletes the cloud
resource."""

from __future__ import annotations

from kustgen.lint.rule import PROTECTED, Hit, Rule
from kustgen.lint.rules._crossplane import get, group_of, is_managed, \
    is_namespaced_mr_group, management_policies
from kustgen.model import Severity

_KEEP = "[Observe, Create, Update, LateInitialize]"


def deletes_external(obj: dict) -> tuple[bool, tuple, str]:
    """(deletes?, path of the field that decides, why) for a managed resource, following
    Crossplane's table: non-default managementPolicies decide alone (Delete in the list:
    deleted, whatever deletionPolicy says); with the default ["*"] (or none), deletionPolicy
    decides, and its default is Delete."""
    mp = management_policies(obj)
    dp = get(obj, "spec", "deletionPolicy")
    if mp is not None and "*" not in mp:
        if "Delete" in mp:
            why = "spec.managementPolicies includes Delete"
            if dp == "Orphan":
                why += " (it wins over deletionPolicy: Orphan)"
            return True, ("spec", "managementPolicies"), why
        return False, (), ""
    if dp == "Orphan":
        return False, (), ""
    if dp is not None:
        return True, ("spec", "deletionPolicy"), "spec.deletionPolicy is %s" % dp
    if mp is not None:
        return True, ("spec", "managementPolicies"), \
            "spec.managementPolicies is [\"*\"] and deletionPolicy defaults to Delete"
    return True, ("spec",), "deletionPolicy defaults to Delete"


class DeletionPolicyDelete(Rule):
    id = "KG202"
    name = "deletion-policy-delete"
    category = "crossplane"
    summary = "In a protected environment, deleting a managed resource (or removing it " \
              "from Git) deletes the cloud resource"
    severity = Severity.ERROR
    environments = PROTECTED
    doc = """\
When a managed resource is deleted from the cluster (removed from Git and pruned by Argo
CD, the Application deleted, a rename), Crossplane deletes the cloud resource too unless
it is told to orphan it. In a protected environment that is a production database or
bucket gone with its data.

What decides, following Crossplane's rules:

| managementPolicies | deletionPolicy | cloud resource on delete |
|---|---|---|
| absent or `["*"]` | absent (default `Delete`) or `Delete` | deleted: reported |
| absent or `["*"]` | `Orphan` | kept |
| a list with `Delete` | anything (`Orphan` is ignored) | deleted: reported |
| a list without `Delete` | anything | kept |

An absent deletionPolicy is reported too: its default is `Delete`. Namespaced (v2)
managed resources (`*.m.upbound.io`) have no deletionPolicy: only managementPolicies
protect them.

Fix: in the protected overlay, patch `spec.deletionPolicy: Orphan` on v1 (cluster-scoped)
resources, or set `spec.managementPolicies: [Observe, Create, Update, LateInitialize]`
(without `Delete`). The finding points at the field that decides (the patch line when a
patch sets it), or at the resource when nothing is set.
"""
    bad = {
        "kustgen.yaml": """\
environments:
  - name: prod
    protected: true
""",
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
spec:
  deletionPolicy: Delete
  forProvider:
    region: eu-central-1
  providerConfigRef:
    name: aws-prod
""",
    }
    good = {
        "kustgen.yaml": bad["kustgen.yaml"],
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
spec:
  deletionPolicy: Orphan
  forProvider:
    region: eu-central-1
  providerConfigRef:
    name: aws-prod
""",
    }

    def check(self, ctx, opts):
        for ov, r in ctx.resources():
            o = r.obj
            if not is_managed(o):
                continue
            deletes, path, why = deletes_external(o)
            if not deletes:
                continue
            if is_namespaced_mr_group(group_of(o)):
                fix = "set spec.managementPolicies to %s (no Delete)" % _KEEP
            elif path == ("spec", "managementPolicies"):
                fix = "remove Delete from spec.managementPolicies, e.g. %s" % _KEEP
            else:
                fix = "set spec.deletionPolicy: Orphan in this environment's overlay"
            yield Hit("%s %s is in a protected environment, and deleting it deletes the "
                      "cloud resource (%s): %s" % (r.kind, r.name or "(unnamed)", why, fix),
                      resource=r, path=path, overlay=ov.path if ov else "")


RULE = DeletionPolicyDelete
