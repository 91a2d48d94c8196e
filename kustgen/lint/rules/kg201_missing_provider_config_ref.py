"""KG201: a managed resource without spec.providerConfigRef."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.lint.rules._crossplane import get, group_of, is_managed, is_namespaced_mr_group
from kustgen.model import Severity


class MissingProviderConfigRef(Rule):
    id = "KG201"
    name = "missing-provider-config-ref"
    category = "crossplane"
    summary = "A managed resource has no spec.providerConfigRef and silently uses the " \
              "ProviderConfig named `default`"
    severity = Severity.WARNING
    environments = ALL
    options = {
        "manifests": Option(False, "also check plain manifests and kustomizations that "
                                   "deploy no environment"),
    }
    doc = """\
A managed resource without `spec.providerConfigRef` is reconciled with the provider's
ProviderConfig named `default` (for the cluster-scoped v1 resources, `*.upbound.io`), or
with the ClusterProviderConfig named `default` (for the namespaced v2 resources,
`*.m.upbound.io`). Which cloud account that is depends on the cluster, not on the
repository: the same manifest creates the resource in the staging account on one cluster
and in the production account on another, or fails when no `default` exists.

Fix: name the ProviderConfig of the environment in `spec.providerConfigRef.name` (for a
namespaced resource also `kind: ProviderConfig` or `kind: ClusterProviderConfig`), and let
each overlay patch it. Composed-resource templates inside Compositions are not checked:
their ProviderConfig is usually patched from the composite resource.

Only resources of an environment (an overlay) are checked by default: a stand-alone
manifest (like the providers' own examples) relies on `default` on purpose. Set the option
`manifests: true` to check plain manifests and other kustomizations too.
"""
    bad = {
        "overlays/staging/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/staging/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: reports
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "overlays/staging/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/staging/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: reports
spec:
  forProvider:
    region: eu-west-1
  providerConfigRef:
    name: aws-staging
""",
    }

    def check(self, ctx, opts):
        everywhere = bool(opts.get("manifests"))
        for ov, r in ctx.resources():
            if not everywhere and (ov is None or not ov.env.name):
                continue
            o = r.obj
            if not is_managed(o) or isinstance(get(o, "spec", "providerConfigRef"), dict):
                continue
            if is_namespaced_mr_group(group_of(o)):
                fallback = "the ClusterProviderConfig named 'default'"
                fix = "set spec.providerConfigRef (name and kind: ProviderConfig or " \
                      "ClusterProviderConfig)"
            else:
                fallback = "the ProviderConfig named 'default'"
                fix = "set spec.providerConfigRef.name to this environment's ProviderConfig"
            yield Hit("%s %s has no spec.providerConfigRef: the provider uses %s, whatever "
                      "account that is on the cluster; %s"
                      % (r.kind, r.name or "(unnamed)", fallback, fix),
                      resource=r, path=("spec",), overlay=ov.path if ov else "")


RULE = MissingProviderConfigRef
