"""KG104: an overlay that does not build, or a kustomization that cannot be read."""

from __future__ import annotations

import os

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Origin, Severity


def _kustomization_file(ctx, ov) -> str:
    """The overlay's kustomization file (for errors that name no file)."""
    for d in (ov.dir, os.path.abspath(ov.path)):
        kv = ctx.kustomization(d)
        if kv is not None:
            return kv.file
    return os.path.join(ov.dir, "kustomization.yaml")


class BuildFailure(Rule):
    id = "KG104"
    name = "build-failure"
    category = "kustomize"
    summary = "An overlay does not build, or a kustomization cannot be read"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
`kustomize build` (and so Argo CD, which runs it for every Application) stops at the
first error: a missing file, a patch that matches no resource or several, two resources
with the same id, a kustomization that is not valid YAML. Nothing of such an overlay is
rendered, so none of its resources is validated or linted either, and Argo CD shows the
Application with a ComparisonError and syncs nothing until it is fixed.

The finding points at the file and line the error names (else the overlay's
kustomization) and repeats Kustomize's message. Fix that, then run
`kustgen build <overlay>` to see the rendered result. A kustomization anywhere in the
repository that cannot be parsed is reported too, even when no linted overlay uses it.
"""
    bad = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
patches:
  - path: bucket-patch.yaml
""",
        "overlays/dev/bucket-patch.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices          # the base calls it "logs"
spec:
  forceDestroy: true
""",
        "base/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "base/bucket.yaml": """\
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
        "overlays/dev/kustomization.yaml": bad["overlays/dev/kustomization.yaml"],
        "overlays/dev/bucket-patch.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forceDestroy: true
""",
        "base/kustomization.yaml": bad["base/kustomization.yaml"],
        "base/bucket.yaml": bad["base/bucket.yaml"],
    }

    def check(self, ctx, opts):
        # the same error (a base file) breaks several overlays: one message naming them all
        failed: dict = {}
        for ov in ctx.overlays:
            e = ov.error
            if e is None:
                continue
            f = os.path.abspath(e.file) if e.file else _kustomization_file(ctx, ov)
            line = (e.line or 1) if e.file else 1
            failed.setdefault((f, line, e.message), []).append(ov)
        reported = set()
        for (f, line, msg), ovs in failed.items():
            names = sorted(ov.path for ov in ovs)
            if len(names) == 1:
                who = "%s does not build" % names[0]
            else:
                who = "%s do not build" % ", ".join(names)
            text = ("%s: %s; nothing of %s is rendered, linted or deployed (Argo CD syncs "
                    "nothing) until this is fixed: correct it, then check with "
                    "`kustgen build %s`" % (who, msg.rstrip(". "),
                                            "it" if len(names) == 1 else "them", names[0]))
            reported.add(f)
            for ov in ovs:
                yield Hit(text, Origin(f, line, 1), overlay=ov.path)
        for kv in ctx.kustomizations.values():
            e = kv.error
            if e is None:
                continue
            f = os.path.abspath(e.file) if e.file else kv.file
            if f in reported or kv.file in reported:
                continue
            yield Hit("this kustomization cannot be read: %s; every build that includes "
                      "this folder fails: fix the file (`kustgen build %s` checks it)"
                      % (e.message.rstrip(". "), ctx.relpath(kv.dir)),
                      Origin(f, e.line or 1, 1))


RULE = BuildFailure
