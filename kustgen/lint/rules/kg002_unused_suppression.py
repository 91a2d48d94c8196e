"""KG002: a suppression that no longer suppresses anything."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity


class UnusedSuppression(Rule):
    id = "KG002"
    name = "unused-suppression"
    category = "lint"
    summary = "A suppression comment or annotation matches no finding any more"
    severity = Severity.INFO
    environments = ALL
    runs_last = True
    doc = """\
A suppression outlives the problem it hid: the patch was fixed, the resource renamed, the
rule's default changed. Left in place, it would silently hide the next, different problem
on that line. This rule reports suppressions that matched no finding in a lint of the
whole repository. It stays quiet when PATHS narrow the run, and about suppressions of
rules that did not run (`--rule`, `--ignore`, or disabled in kustgen.yaml): then it
cannot know.

Fix: delete the comment or the annotation.
"""
    bad = {
        "kustomization.yaml": """\
resources:  # kustgen: ignore[KG101] we still build with kustomize 3
  - bucket.yaml
""",
        "bucket.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
""",
    }
    good = {
        "kustomization.yaml": """\
bases:  # kustgen: ignore[KG101] we still build with kustomize 3
  - base
""",
        "base/kustomization.yaml": "resources:\n  - settings.yaml\n",
        "base/settings.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
""",
    }

    def check(self, ctx, opts):
        from kustgen.lint import registry
        sup = ctx.suppressions
        if sup is None or not ctx.complete:
            return
        ran = {r.lower() for r in ctx.rules_run}
        rules = registry.all_rules()
        names = {r.name.lower(): r.id.lower() for r in rules}
        ids = {r.id.lower() for r in rules}
        for s in sup.all():
            if s.used or s.malformed or not s.rules:
                continue
            wanted = {names.get(r, r) for r in s.rules}
            if "all" in wanted or "*" in wanted:
                if not ctx.all_rules_selected:
                    continue
            elif not wanted <= ids or not wanted <= ran:
                continue      # an unknown rule (KG001 says so) or one that did not run
            yield Hit("this suppression of %s matches no finding: remove it, so that it "
                      "cannot hide the next problem here" % ", ".join(
                          x.upper() for x in s.rules), s.origin)


RULE = UnusedSuppression
