"""KG102: a patch target or a replacement target that selects no resource."""

from __future__ import annotations

import os

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity

_SEL_FIELDS = ("group", "version", "kind", "name", "namespace", "labelSelector",
               "annotationSelector")


def _describe(sel) -> str:
    if not isinstance(sel, dict):
        return "{}"
    parts = ["%s: %s" % (k, sel[k]) for k in _SEL_FIELDS if sel.get(k) not in (None, "")]
    return "{%s}" % ", ".join(parts) if parts else "{}"


class PatchTargetNotFound(Rule):
    id = "KG102"
    name = "patch-target-not-found"
    category = "kustomize"
    summary = "A patch target or a replacement target selects no resource (Kustomize " \
              "ignores it silently)"
    severity = Severity.WARNING
    environments = ALL
    doc = """\
A `patches` entry with a `target:` (or a `patchesJson6902` entry) applies to every
resource the target selects, and a `replacements` target writes into every resource its
`select:` picks. When the selector matches nothing, Kustomize builds anyway and says
nothing: the patch or the replacement simply does not happen. A typo in a kind or a
name, a version that moved (`v1beta1` to `v1beta2`), or a resource renamed in the base
leaves the environment without the change you think it has (a prod deletion policy, a
region, a ProviderConfig).

Fix the selector so that it selects the resources meant, or delete the entry if it has
no purpose any more. In a patch target, `group`, `version`, `kind`, `name` and
`namespace` are anchored regular expressions (`Bucket|Table`) matched against the
resource's original and current ids; in a replacement `select`, they must match exactly.
"""
    bad = {
        "overlays/prod/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - bucket.yaml
patches:
  - target:
      group: s3.aws.upbound.io
      kind: Buckets
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
""",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "overlays/prod/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - bucket.yaml
patches:
  - target:
      group: s3.aws.upbound.io
      kind: Bucket
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
""",
        "overlays/prod/bucket.yaml": bad["overlays/prod/bucket.yaml"],
    }

    def check(self, ctx, opts):
        by_dir = {ov.dir: ov for ov in ctx.overlays}
        for ev in ctx.events:
            if ev.kind not in ("patch-no-match", "replacement-no-match"):
                continue
            data = ev.data if isinstance(ev.data, dict) else {}
            ov = by_dir.get(os.path.realpath(ev.overlay)) if ev.overlay else None
            kdir = os.path.dirname(os.path.abspath(str(data.get("kustomization") or "")))
            own = ov is not None and os.path.realpath(kdir) == ov.dir
            if ev.kind == "patch-no-match":
                fld = data.get("field") or "patches"
                msg = ("the target %s of this %s entry selects no resource, so Kustomize "
                       "skips the patch without a word: fix the selector (kind, name, ... "
                       "are anchored regular expressions matched against each resource's "
                       "original and current id) or remove the entry"
                       % (_describe(data.get("target")), fld))
            else:
                msg = ("this replacement target select %s selects no resource, so Kustomize "
                       "writes nothing and says nothing: fix the selector (its fields must "
                       "match exactly) or remove the target"
                       % _describe(data.get("select")))
            if data.get("component") and ev.overlay:
                msg += " (component, as built in %s)" % ctx.relpath(ev.overlay)
            yield Hit(msg, ev.origin, overlay=ov.path if own else "")


RULE = PatchTargetNotFound
