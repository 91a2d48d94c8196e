"""KG205: a Composition patch reads or writes a field the schema does not have."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.lint.rules._crossplane import (FieldPathError, composition_templates,
                                            expand_patches, format_segments, get,
                                            is_composition, parse_field_path,
                                            split_api_version, walk_schema, xr_schema, xrd_for)
from kustgen.model import KustgenError, Severity

# fields Crossplane (v1 and v2) adds to every composite resource, beside the XRD's schema
_XR_SPEC = frozenset({
    "compositionRef", "compositionSelector", "compositionRevisionRef",
    "compositionRevisionSelector", "compositionUpdatePolicy", "claimRef", "resourceRefs",
    "writeConnectionSecretToRef", "publishConnectionDetailsTo", "environmentConfigRefs",
    "crossplane",
})
_XR_STATUS = frozenset({"conditions", "connectionDetails", "claimConditionTypes",
                        "crossplane"})
_ANY = frozenset({"apiVersion", "kind", "metadata"})


def _patch_paths(p: dict, at: tuple):
    """(field path, "xr" | "composed", path of the field in the Composition, how to name
    it) for each path of a patch."""
    t = p.get("type") or "FromCompositeFieldPath"
    frm, to = p.get("fromFieldPath"), p.get("toFieldPath")
    frm_at = at + ("fromFieldPath",)
    if to:
        to_at, to_label = at + ("toFieldPath",), "toFieldPath"
    else:       # toFieldPath defaults to fromFieldPath
        to, to_at, to_label = frm, frm_at, "toFieldPath (omitted: same as fromFieldPath)"
    variables = get(p, "combine", "variables")
    var_paths = [(v.get("fromFieldPath"), at + ("combine", "variables", i, "fromFieldPath"))
                 for i, v in enumerate(variables if isinstance(variables, list) else [])
                 if isinstance(v, dict)]
    if t == "FromCompositeFieldPath":
        yield frm, "xr", frm_at, "fromFieldPath"
        yield to, "composed", to_at, to_label
    elif t == "ToCompositeFieldPath":
        yield frm, "composed", frm_at, "fromFieldPath"
        yield to, "xr", to_at, to_label
    elif t == "CombineFromComposite":
        for fp, fat in var_paths:
            yield fp, "xr", fat, "combine variable fromFieldPath"
        yield p.get("toFieldPath"), "composed", at + ("toFieldPath",), "toFieldPath"
    elif t == "CombineToComposite":
        for fp, fat in var_paths:
            yield fp, "composed", fat, "combine variable fromFieldPath"
        yield p.get("toFieldPath"), "xr", at + ("toFieldPath",), "toFieldPath"
    elif t == "FromEnvironmentFieldPath":
        yield to, "composed", to_at, to_label
    elif t == "ToEnvironmentFieldPath":
        yield frm, "composed", frm_at, "fromFieldPath"


def _machinery(segs: list, side: str) -> bool:
    if not segs or segs[0] in _ANY:
        return True
    if side == "xr" and len(segs) >= 2:
        return (segs[0] == "spec" and segs[1] in _XR_SPEC) or \
            (segs[0] == "status" and segs[1] in _XR_STATUS)
    return False


class CompositionPatchPath(Rule):
    id = "KG205"
    name = "composition-patch-path"
    category = "crossplane"
    summary = "A Composition patch's fromFieldPath/toFieldPath is not in the composite " \
              "resource's or the composed resource's schema"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
Patches copy values between the composite resource (XR) and the composed resources.
A path that does not exist is not an error for Crossplane: a `fromFieldPath` that names
no field is skipped silently (the composed resource keeps its base value: the claim's
`region` never reaches the bucket), and a `toFieldPath` outside the schema is pruned by
the API server or rejected when the resource is applied, so the Composition fails at run
time, per claim.

Checked: patches of function-patch-and-transform (`pt.fn.crossplane.io` `Resources`
input in a Pipeline) and of the legacy `mode: Resources`, including PatchSets.
The XR side is checked against the XRD's `openAPIV3Schema` (plus the fields Crossplane
adds: metadata, spec.compositionRef, claimRef, resourceRefs, writeConnectionSecretToRef,
status.conditions, ...); the composed side against the composed kind's CRD when kustgen
knows it (vendored schemas, CRDs in the repository), else it is skipped. Environment
paths are not checked. Field paths: `a.b`, `a[0]`, `a[key]`, `a["key.with.dots"]`.

Fix: correct the path (the message suggests a close field name), or add the field to the
XRD's schema.
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
                parameters:
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
    kind: XQueue
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
            patches:
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.regoin
                toFieldPath: spec.forProvider.region
""",
    }
    good = dict(bad)
    good["composition.yaml"] = bad["composition.yaml"].replace("parameters.regoin",
                                                               "parameters.region")

    def check(self, ctx, opts):
        composed_cache: dict = {}

        def composed_schema(av, kind):
            key = (av, kind)
            if key not in composed_cache:
                s = None
                reg = ctx.registry
                if reg is not None and isinstance(av, str) and isinstance(kind, str):
                    try:
                        e = reg.lookup(av, kind)
                    except (KustgenError, OSError, ValueError):
                        e = None
                    if e is not None:
                        s = e.openapi if isinstance(e.openapi, dict) else e.schema
                composed_cache[key] = s
            return composed_cache[key]

        for ov, r in ctx.resources():
            if not is_composition(r.obj):
                continue
            ref = get(r.obj, "spec", "compositeTypeRef")
            xr = None
            xr_name = ""
            if isinstance(ref, dict) and isinstance(ref.get("apiVersion"), str):
                group, version = split_api_version(ref["apiVersion"])
                xrd = xrd_for(ctx, group, str(ref.get("kind")))
                if xrd is not None:
                    xr = xr_schema(xrd, version)
                    xr_name = "the XRD %s (%s %s)" % (xrd.name, ref["apiVersion"], xrd.kind)
            for t in composition_templates(r.obj):
                bav, bkind = t.base.get("apiVersion"), t.base.get("kind")
                comp = composed_schema(bav, bkind)
                comp_name = "%s %s (resource %s)" % (bav, bkind, t.name)
                for p, at in expand_patches(t):
                    for fp, side, fat, field in _patch_paths(p, at):
                        schema = xr if side == "xr" else comp
                        if schema is None or fp is None:
                            continue
                        try:
                            segs = parse_field_path(fp)
                        except FieldPathError as e:
                            yield Hit("Composition %s: %s %r cannot be read: %s"
                                      % (r.name, field, fp, e), resource=r, path=fat,
                                      overlay=ov.path if ov else "")
                            continue
                        if _machinery(segs, side):
                            continue
                        miss = walk_schema(schema, segs)
                        if miss is None:
                            continue
                        where = xr_name if side == "xr" else comp_name
                        parent = format_segments(segs[:miss.index]) or "the top level"
                        seg = segs[miss.index]
                        if miss.reason:
                            why = "%s %s" % (parent, miss.reason)
                        else:
                            why = "no field %r under %s" % (seg, parent)
                        if miss.suggestion:
                            why += "; did you mean %s?" % format_segments(
                                segs[:miss.index] + [miss.suggestion])
                        elif side == "xr":
                            why += "; correct the path or add the field to the XRD's " \
                                   "openAPIV3Schema"
                        else:
                            why += "; correct the path (see the kind's CRD)"
                        yield Hit("Composition %s: %s %s is not in the schema of %s (%s)"
                                  % (r.name, field, fp, where, why),
                                  resource=r, path=fat, overlay=ov.path if ov else "")


RULE = CompositionPatchPath
