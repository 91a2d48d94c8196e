"""KG203: the managed resources of one environment are spread over several regions."""

from __future__ import annotations

import re
from collections import Counter

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.lint.rules._crossplane import get, group_of, is_managed
from kustgen.model import Severity

_GCP_ZONE = re.compile(r"([a-z]+-[a-z]+\d+)-[a-z]\Z")


def region_of(obj: dict) -> tuple[str, tuple] | None:
    """(normalised region, field path) of a managed resource: spec.forProvider.region;
    for Azure and GCP also spec.forProvider.location (an Azure display name such as
    "West Europe" becomes westeurope, a GCP zone europe-west1-b becomes europe-west1)."""
    fp = get(obj, "spec", "forProvider")
    v = fp.get("region")
    if isinstance(v, str) and v.strip():
        return v.strip(), ("spec", "forProvider", "region")
    labels = group_of(obj).split(".")
    loc = fp.get("location")
    if not isinstance(loc, str) or not loc.strip():
        return None
    if "azure" in labels:
        return loc.replace(" ", "").lower(), ("spec", "forProvider", "location")
    if "gcp" in labels:
        m = _GCP_ZONE.match(loc.strip().lower())
        return (m.group(1) if m else loc.strip().lower()), ("spec", "forProvider", "location")
    return None


class MultipleRegions(Rule):
    id = "KG203"
    name = "multiple-regions"
    category = "crossplane"
    summary = "The managed resources of one environment are spread over several regions"
    severity = Severity.WARNING
    environments = ALL
    options = {
        "allowedRegions": Option([], "regions that never count as stray (e.g. us-east-1 "
                                     "for CloudFront certificates)"),
        "ignoreKinds": Option([], "kinds not checked (e.g. [Certificate])"),
    }
    doc = """\
An environment normally lives in one region: its network, databases and buckets are
created next to each other. A resource in another region is usually a left-over default
(`eu-west-1` in the base that the overlay forgot to patch, or a replacement that missed
one kind): it works, but talks across regions (latency, data transfer costs, data
residency), and cannot reach the VPC of the environment.

Each overlay is checked on its own (spec.forProvider.region; for Azure and GCP also
spec.forProvider.location). Every resource outside the most common region is reported,
with the regions and how many resources each has.

Fix: patch the region in the overlay (or extend the replacement that sets it). When a
second region is on purpose, list it in `allowedRegions`
(`rules: {KG203: {options: {allowedRegions: [us-east-1]}}}`) or skip kinds with
`ignoreKinds`.
"""
    bad = {
        "overlays/prod/kustomization.yaml":
            "resources:\n  - vpc.yaml\n  - subnet.yaml\n  - bucket.yaml\n",
        "overlays/prod/vpc.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
metadata:
  name: main
spec:
  forProvider:
    region: eu-central-1
    cidrBlock: 10.0.0.0/16
  providerConfigRef:
    name: aws-prod
""",
        "overlays/prod/subnet.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: Subnet
metadata:
  name: main-a
spec:
  forProvider:
    region: eu-central-1
    availabilityZone: eu-central-1a
    cidrBlock: 10.0.1.0/24
    vpcIdRef:
      name: main
  providerConfigRef:
    name: aws-prod
""",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: exports
spec:
  forProvider:
    region: eu-west-1
  providerConfigRef:
    name: aws-prod
""",
    }
    good = dict(bad)
    good["overlays/prod/bucket.yaml"] = bad["overlays/prod/bucket.yaml"].replace(
        "eu-west-1", "eu-central-1")

    def check(self, ctx, opts):
        allowed = {str(x) for x in opts.get("allowedRegions") or []}
        ignore = {str(x) for x in opts.get("ignoreKinds") or []}
        for ov in ctx.overlays:
            found = []
            for r in ov.resources:
                if r.kind in ignore or not is_managed(r.obj):
                    continue
                rp = region_of(r.obj)
                if rp is not None and rp[0] not in allowed:
                    found.append((r, rp[0], rp[1]))
            counts = Counter(reg for _r, reg, _p in found)
            if len(counts) < 2:
                continue
            order = {}
            for _r, reg, _p in found:
                order.setdefault(reg, len(order))
            main = max(counts, key=lambda reg: (counts[reg], -order[reg]))
            summary = ", ".join("%s (%d)" % (reg, n) for reg, n in
                                sorted(counts.items(), key=lambda x: (-x[1], order[x[0]])))
            for r, reg, path in found:
                if reg == main:
                    continue
                yield Hit("%s %s is in %s while this environment's resources are mostly in "
                          "%s (regions: %s): set %s to %s, or list %s in the rule's "
                          "allowedRegions if it is on purpose"
                          % (r.kind, r.name or "(unnamed)", reg, main, summary,
                             ".".join(path), main, reg),
                          resource=r, path=path, overlay=ov.path)


RULE = MultipleRegions
