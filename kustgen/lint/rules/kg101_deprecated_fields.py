"""KG101: deprecated Kustomize fields, with their replacement."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity

# field -> what to write instead
REPLACEMENTS = {
    "bases": "list the bases under `resources:` (same entries)",
    "patchesStrategicMerge": "move each entry to `patches:` as `- path: FILE` (or "
                             "`- patch: |-` for inline patches)",
    "patchesJson6902": "move each entry to `patches:` (`- path: FILE` or `- patch:`, "
                       "keeping its `target:`)",
    "commonLabels": "use `labels: [{pairs: {...}, includeSelectors: true}]` (or "
                    "`includeSelectors: false` to leave selectors alone, the usual wish)",
    "vars": "use `replacements:` (a source field copied into target fields)",
    "imageTags": "use `images:`",
    "helmChartInflationGenerator": "use `helmCharts:`",
}


class DeprecatedFields(Rule):
    id = "KG101"
    name = "deprecated-kustomize-field"
    category = "kustomize"
    summary = "A kustomization uses a deprecated field (bases, patchesStrategicMerge, " \
              "patchesJson6902, commonLabels, vars, ...)"
    severity = Severity.WARNING
    environments = ALL
    doc = """\
Kustomize v5 still reads these fields but warns that they are deprecated, and
`kustomize edit fix` rewrites them; a later Kustomize will drop them:

| Deprecated | Instead |
|---|---|
| `bases` | `resources` |
| `patchesStrategicMerge` | `patches` (`path:` or `patch:`) |
| `patchesJson6902` | `patches` (with the same `target:`) |
| `commonLabels` | `labels` with `includeSelectors: true` |
| `vars` | `replacements` |
| `imageTags` | `images` |
| `helmChartInflationGenerator` | `helmCharts` |

`commonLabels` also writes the labels into selectors, which are immutable on Deployments
and the like: when moving to `labels`, decide whether you want `includeSelectors`.
"""
    bad = {
        "kustomization.yaml": """\
bases:
  - base
patchesStrategicMerge:
  - bucket-patch.yaml
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
  providerConfigRef:
    name: default
""",
        "bucket-patch.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider:
    region: eu-central-1
""",
    }
    good = {
        "kustomization.yaml": """\
resources:
  - base
patches:
  - path: bucket-patch.yaml
""",
        "base/kustomization.yaml": bad["base/kustomization.yaml"],
        "base/bucket.yaml": bad["base/bucket.yaml"],
        "bucket-patch.yaml": bad["bucket-patch.yaml"],
    }

    def check(self, ctx, opts):
        for k in ctx.kustomizations.values():
            for fld, instead in REPLACEMENTS.items():
                if fld in k.data:
                    yield Hit("'%s' is deprecated: %s (`kustomize edit fix` does it)"
                              % (fld, instead), k.origin(fld))


RULE = DeprecatedFields
