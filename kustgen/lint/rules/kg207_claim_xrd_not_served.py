"""KG207: a claim or composite resource whose version its XRD does not serve."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.lint.rules._crossplane import may_be_composite, split_api_version, \
    xrds_of_group
from kustgen.model import Severity


class ClaimXrdNotServed(Rule):
    id = "KG207"
    name = "claim-xrd-not-served"
    category = "crossplane"
    summary = "A claim or composite resource uses a version its XRD does not serve, or " \
              "claims an XRD that offers no claim"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
Crossplane creates the API of a composite resource (XR) and of its claim from the
CompositeResourceDefinition (XRD). Argo CD cannot apply a claim or XR when:

- its apiVersion names a version the XRD does not list, or lists with `served: false`
  (`no matches for kind ... in version ...`);
- the XRD has no `referenceable: true` version (Crossplane refuses the XRD, so neither the
  XR nor the claim API exists);
- it is a claim of an XRD that offers none: no `spec.claimNames`, or an XRD whose scope is
  not `LegacyCluster` (only legacy cluster-scoped XRs can be claimed; XRDs of
  `apiextensions.crossplane.io/v2` cannot offer claims at all).

Only XRDs found in the repository are used (rendered, or in any YAML file). Fix: use a
served version (or serve the version again in the XRD), mark one version referenceable,
or create the composite resource itself instead of a claim (namespaced XRs need no claim).
"""
    bad = {
        "kustomization.yaml": "resources:\n  - definition.yaml\n  - queue.yaml\n",
        "definition.yaml": """\
apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xqueues.platform.example.org
spec:
  group: platform.example.org
  names:
    kind: XQueue
    plural: xqueues
  claimNames:
    kind: Queue
    plural: queues
  versions:
    - name: v1alpha1
      served: false
      referenceable: false
    - name: v1beta1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                region:
                  type: string
""",
        "queue.yaml": """\
apiVersion: platform.example.org/v1alpha1
kind: Queue
metadata:
  name: orders-events
  namespace: orders
spec:
  region: eu-west-1
""",
    }
    good = dict(bad)
    good["queue.yaml"] = bad["queue.yaml"].replace("v1alpha1", "v1beta1")

    def check(self, ctx, opts):
        for ov, r in ctx.resources():
            group, version = split_api_version(r.api_version)
            if not group or not may_be_composite(r.obj):
                continue
            defs = xrds_of_group(ctx, group)
            if not defs:
                continue
            where = dict(resource=r, overlay=ov.path if ov else "")
            kind = r.kind
            xrd = next((x for x in defs if x.kind == kind), None)
            what = "composite resource"
            if xrd is None:
                xrd = next((x for x in defs if x.claim_kind == kind), None)
                what = "claim"
                if xrd is None:
                    # a claim named after an XR kind "X<kind>" whose XRD offers none
                    x = next((x for x in defs if x.kind == "X" + kind and not x.claim_kind),
                             None)
                    if x is not None:
                        yield Hit("%s %s looks like a claim of %s, but XRD %s has no "
                                  "spec.claimNames: there is no %s API; create a %s (the "
                                  "composite resource) or add claimNames to the XRD"
                                  % (kind, r.name, x.kind, x.name, kind, x.kind),
                                  path=("kind",), **where)
                    continue
                if not xrd.offers_claim:
                    why = "it is apiextensions.crossplane.io/v2, which has no claims" \
                        if xrd.api_version.endswith("/v2") else \
                        "its scope is %s; only LegacyCluster XRs can be claimed" % xrd.scope
                    yield Hit("%s %s is a claim, but XRD %s offers no claim (%s): create the "
                              "composite resource %s instead, or make the XRD a v1 "
                              "LegacyCluster XRD" % (kind, r.name, xrd.name, why, xrd.kind),
                              path=("kind",), **where)
                    continue
            if not any(v.get("referenceable") is True for v in xrd.versions):
                yield Hit("%s %s: XRD %s has no version marked referenceable: true, so "
                          "Crossplane does not create its API; mark exactly one served "
                          "version referenceable" % (kind, r.name, xrd.name),
                          path=("apiVersion",), **where)
                continue
            v = xrd.version(version)
            served = [n for n in xrd.version_names()
                      if xrd.version(n).get("served") is True]
            if v is not None and v.get("served") is True:
                continue
            state = "does not define version %s" % version if v is None else \
                "does not serve version %s (served: false)" % version
            yield Hit("%s %s %s: XRD %s %s; use %s"
                      % (what, kind, r.name, xrd.name, state,
                         " or ".join("%s/%s" % (group, n) for n in served) if served
                         else "a version the XRD serves (none is served)"),
                      path=("apiVersion",), **where)


RULE = ClaimXrdNotServed
