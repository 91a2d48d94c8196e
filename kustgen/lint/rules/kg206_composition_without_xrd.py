"""KG206: a Composition for a composite type no XRD of the repository defines."""

from __future__ import annotations

import difflib

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.lint.rules._crossplane import get, is_composition, split_api_version, \
    xrd_for, xrds
from kustgen.model import Severity


class CompositionWithoutXrd(Rule):
    id = "KG206"
    name = "composition-without-xrd"
    category = "crossplane"
    summary = "A Composition's compositeTypeRef matches no CompositeResourceDefinition " \
              "of the repository"
    severity = Severity.ERROR
    environments = ALL
    options = {
        "ignoreGroups": Option([], "API groups whose XRDs come from outside the repository "
                                   "(a Configuration package)"),
    }
    doc = """\
A Composition is only used for composite resources of the type named by
`spec.compositeTypeRef` (apiVersion and kind). When no CompositeResourceDefinition
defines that group, kind and version, nothing ever selects the Composition: usually a typo,
an XRD renamed or moved to a new version without its Compositions, or an XRD that was
deleted. Crossplane does not complain; claims just wait for a Composition forever.

XRDs are looked for in the rendered overlays and in every YAML file of the repository.
Fix: correct `spec.compositeTypeRef` to the XRD's `spec.group`/version and
`spec.names.kind` (a served, referenceable version), or add the missing XRD. When the XRD
comes from a Configuration package outside the repository, list its group in the option
`ignoreGroups`.
"""
    bad = {
        "kustomization.yaml": "resources:\n  - definition.yaml\n  - composition.yaml\n",
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
  versions:
    - name: v1alpha1
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
        "composition.yaml": """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xqueues-aws
spec:
  compositeTypeRef:
    apiVersion: platform.example.org/v1alpha1
    kind: XQueues
  mode: Pipeline
  pipeline:
    - step: patch-and-transform
      functionRef:
        name: function-patch-and-transform
      input:
        apiVersion: pt.fn.crossplane.io/v1beta1
        kind: Resources
        resources:
          - name: queue
            base:
              apiVersion: sqs.aws.upbound.io/v1beta1
              kind: Queue
              spec:
                forProvider:
                  region: eu-west-1
""",
    }
    good = dict(bad)
    good["composition.yaml"] = bad["composition.yaml"].replace("kind: XQueues",
                                                               "kind: XQueue")

    def check(self, ctx, opts):
        ignore = {str(g) for g in opts.get("ignoreGroups") or []}
        for ov, r in ctx.resources():
            if not is_composition(r.obj):
                continue
            ref = get(r.obj, "spec", "compositeTypeRef")
            if not isinstance(ref, dict):
                continue
            av, kind = ref.get("apiVersion"), ref.get("kind")
            if not isinstance(av, str) or not isinstance(kind, str):
                continue
            group, version = split_api_version(av)
            if group in ignore:
                continue
            x = xrd_for(ctx, group, kind)
            where = dict(resource=r, overlay=ov.path if ov else "")
            if x is not None:
                if x.version(version) is not None:
                    continue
                yield Hit("Composition %s: XRD %s defines no version %s of %s (versions: "
                          "%s): set compositeTypeRef.apiVersion to %s/<one of them>"
                          % (r.name, x.name, version, kind, ", ".join(x.version_names()) or
                             "none", group), path=("spec", "compositeTypeRef", "apiVersion"),
                          **where)
                continue
            in_group = [x.kind for x in xrds(ctx) if x.group == group]
            close = difflib.get_close_matches(kind, in_group, n=1, cutoff=0.6)
            if close:
                hint = "; did you mean %s?" % close[0]
            elif in_group:
                hint = " (kinds of %s: %s)" % (group, ", ".join(sorted(in_group)))
            else:
                hint = ""
            yield Hit("Composition %s is for %s %s, but no CompositeResourceDefinition in the "
                      "repository defines it%s: fix spec.compositeTypeRef or add the XRD"
                      % (r.name, av, kind, hint),
                      path=("spec", "compositeTypeRef", "kind"), **where)


RULE = CompositionWithoutXrd
