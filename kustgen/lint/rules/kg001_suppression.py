"""KG001: a suppression without a reason, or one that names no known rule."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity


class InvalidSuppression(Rule):
    id = "KG001"
    name = "invalid-suppression"
    category = "lint"
    summary = "A suppression comment or annotation gives no reason, or names no known rule"
    severity = Severity.WARNING
    environments = ALL
    doc = """\
A `# kustgen: ignore[KG202] reason` comment or a `kustgen.io/ignore: "KG202 reason"`
annotation hides findings. Whoever reads the file next needs to know why the finding is
acceptable, and whether it still is: a suppression without a reason still suppresses,
but is reported by this rule. A suppression naming a rule that does not exist (a typo)
suppresses nothing and is reported too.

Fix: write the reason after the brackets (or after the ids, in the annotation), and
name rules by id (`kustgen rules` lists them) or by name.
"""
    bad = {
        "kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
  annotations:
    kustgen.io/ignore: KG201
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
  annotations:
    kustgen.io/ignore: "KG201 uses the provider's default ProviderConfig on purpose"
spec:
  forProvider:
    region: eu-west-1
""",
    }

    def check(self, ctx, opts):
        from kustgen.lint import registry
        sup = ctx.suppressions
        if sup is None:
            return
        known = {r.id.lower() for r in registry.all_rules()} | {
            r.name.lower() for r in registry.all_rules()} | {"all", "*"}
        for s in sup.all():
            what = "comment" if s.kind != "annotation" else "annotation"
            if s.malformed:
                yield Hit("this suppression %s cannot be read: %s" % (what, s.malformed),
                          s.origin)
                continue
            unknown = [r for r in s.rules if r not in known]
            if unknown:
                hint = registry.closest(unknown[0].upper()) or registry.closest(unknown[0])
                yield Hit("suppression %s names no known rule: %s%s" % (
                    what, ", ".join(unknown), "; did you mean %s?" % hint if hint else
                    " (`kustgen rules` lists them)"), s.origin)
            if not s.reason:
                yield Hit("suppression of %s without a reason: say why the finding is "
                          "acceptable after the %s" % (
                              ", ".join(x.upper() for x in s.rules),
                              "brackets" if what == "comment" else "rule ids"), s.origin)


RULE = InvalidSuppression
