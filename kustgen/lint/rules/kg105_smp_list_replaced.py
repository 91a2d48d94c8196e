"""KG105: a strategic-merge patch that replaces a whole list of a custom resource."""

from __future__ import annotations

import os

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity


def _pointer(path) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


class SmpListReplaced(Rule):
    id = "KG105"
    name = "smp-list-replaced"
    category = "kustomize"
    summary = "A strategic-merge patch replaces a whole list of a custom resource, " \
              "dropping the base's other items"
    severity = Severity.WARNING
    environments = ALL
    doc = """\
A strategic-merge patch merges lists item by item only when the schema gives the list a
merge key (`containers` by `name`, `ports` by `containerPort`). Kustomize knows these keys
for the built-in Kubernetes kinds only: for a custom resource (every Crossplane managed
resource, claim and composite) every list in the patch *replaces* the list of the base.
A patch meant to add one ingress rule, one tag or one subnet drops all the others, and
the rendered resource quietly loses them (for a managed resource: the provider deletes
them from the cloud resource).

Either repeat in the patch every item to keep, or add the item with a JSON 6902 patch
(`op: add`, `path: /spec/forProvider/<list>/-`), which appends without touching the
others. The rule fires only when the base list had items the result lacks; a list under
`$patch: replace` is taken as meant.
"""
    bad = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - security-group.yaml
patches:
  - path: allow-vpn.yaml
""",
        "overlays/dev/security-group.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: db-ingress
spec:
  forProvider:
    region: eu-west-1
    type: ingress
    cidrBlocks:
      - 10.0.0.0/16
      - 10.1.0.0/16
""",
        "overlays/dev/allow-vpn.yaml": """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: db-ingress
spec:
  forProvider:
    cidrBlocks:
      - 172.16.0.0/12
""",
    }
    good = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - security-group.yaml
patches:
  - target:
      kind: SecurityGroupRule
      name: db-ingress
    patch: |-
      - op: add
        path: /spec/forProvider/cidrBlocks/-
        value: 172.16.0.0/12
""",
        "overlays/dev/security-group.yaml": bad["overlays/dev/security-group.yaml"],
    }

    def check(self, ctx, opts):
        by_dir = {ov.dir: ov for ov in ctx.overlays}
        for ev in ctx.events:
            if ev.kind != "smp-list-replaced":
                continue
            d = ev.data if isinstance(ev.data, dict) else {}
            path = tuple(d.get("path") or ())
            dotted = ".".join(str(p) for p in path)
            before, after = d.get("before", 0), d.get("after", 0)
            msg = ("this patch replaces the whole list %s of %s (%d item%s in the base) with "
                   "its %d item%s: custom resources have no merge key, so the other items "
                   "are dropped; repeat the items to keep, or use a JSON 6902 patch "
                   "(op: add, path: %s/-)"
                   % (dotted, d.get("kind") or "the resource", before,
                      "" if before == 1 else "s", after, "" if after == 1 else "s",
                      _pointer(path)))
            ov = by_dir.get(os.path.realpath(ev.overlay)) if ev.overlay else None
            kdir = os.path.dirname(os.path.abspath(str(d.get("kustomization") or "")))
            own = ov is not None and os.path.realpath(kdir) == ov.dir
            if d.get("component") and ev.overlay:
                msg += " (component, as built in %s)" % ctx.relpath(ev.overlay)
            yield Hit(msg, ev.origin, overlay=ov.path if own else "")


RULE = SmpListReplaced
