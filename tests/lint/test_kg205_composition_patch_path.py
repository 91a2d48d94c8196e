"""KG205 composition-patch-path."""

from __future__ import annotations

import pytest

from kustgen.lint.rules._crossplane import FieldPathError, parse_field_path, walk_schema
from lintkit import lint_tree, messages, where

XRD = """\
apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xbuckets.platform.example.org
spec:
  group: platform.example.org
  names:
    kind: XBucket
    plural: xbuckets
  claimNames:
    kind: Bucket
    plural: buckets
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
                    expireDays:
                      type: integer
                    tags:
                      type: object
                      additionalProperties:
                        type: string
                    extra:
                      type: object
                      x-kubernetes-preserve-unknown-fields: true
            status:
              type: object
              properties:
                ruleId:
                  type: string
"""

# a hand-written CRD for the composed kind (only the fields the tests use)
CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: bucketlifecycleconfigurations.s3.aws.upbound.io
spec:
  group: s3.aws.upbound.io
  names:
    kind: BucketLifecycleConfiguration
    plural: bucketlifecycleconfigurations
  scope: Cluster
  versions:
    - name: v1beta2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion:
              type: string
            kind:
              type: string
            metadata:
              type: object
            spec:
              type: object
              properties:
                deletionPolicy:
                  type: string
                forProvider:
                  type: object
                  properties:
                    region:
                      type: string
                    rule:
                      type: array
                      items:
                        type: object
                        properties:
                          id:
                            type: string
                          expiration:
                            type: object
                            properties:
                              days:
                                type: number
                    tags:
                      type: object
                      additionalProperties:
                        type: string
                providerConfigRef:
                  type: object
                  properties:
                    name:
                      type: string
            status:
              type: object
              properties:
                atProvider:
                  type: object
                  properties:
                    id:
                      type: string
"""

HEAD = """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets-aws
spec:
  compositeTypeRef:
    apiVersion: platform.example.org/v1alpha1
    kind: XBucket
  mode: Pipeline
  pipeline:
    - step: patch-and-transform
      functionRef:
        name: function-patch-and-transform
      input:
        apiVersion: pt.fn.crossplane.io/v1beta1
        kind: Resources
        patchSets:
          - name: common
            patches:
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.%s
                toFieldPath: spec.forProvider.region
        resources:
          - name: lifecycle
            base:
              apiVersion: s3.aws.upbound.io/v1beta2
              kind: BucketLifecycleConfiguration
              spec:
                forProvider:
                  region: eu-west-1
            patches:
              - type: PatchSet
                patchSetName: common
"""
# 33 lines: the patches given to run() start at line 34


def run(tmp_path, patches: str, region_field: str = "region", composition: str | None = None):
    text = composition if composition is not None else (HEAD % region_field) + patches
    return lint_tree(tmp_path, {
        "kustomization.yaml": "resources:\n  - xrd.yaml\n  - composition.yaml\n",
        "xrd.yaml": XRD,
        "composition.yaml": text,
        "crds/lifecycle.yaml": CRD,
    }, select=["KG205"])


VALID = """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.expireDays
                toFieldPath: spec.forProvider.rule[0].expiration.days
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.tags["team.example.org/owner"]
                toFieldPath: spec.forProvider.tags[owner]
              - type: FromCompositeFieldPath
                fromFieldPath: spec.claimRef.namespace
                toFieldPath: metadata.annotations[crossplane.io/external-name]
              - type: FromCompositeFieldPath
                fromFieldPath: metadata.uid
                toFieldPath: spec.forProvider.rule[0].id
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.extra.anything.below
                toFieldPath: spec.forProvider.tags.extra
              - type: ToCompositeFieldPath
                fromFieldPath: status.atProvider.id
                toFieldPath: status.ruleId
              - type: CombineFromComposite
                combine:
                  variables:
                    - fromFieldPath: spec.parameters.region
                    - fromFieldPath: metadata.name
                  strategy: string
                  string:
                    fmt: "%s-%s"
                toFieldPath: spec.forProvider.tags.name
              - type: FromEnvironmentFieldPath
                fromFieldPath: anything.in.the.environment
                toFieldPath: spec.deletionPolicy
"""


def test_valid_patches_are_clean(tmp_path):
    res = run(tmp_path, VALID)
    assert where(res, "KG205", tmp_path) == [], messages(res, "KG205")


def test_xr_path_typo_in_patch_set(tmp_path):
    res = run(tmp_path, "", region_field="regoin")
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 21)]
    msg = messages(res, "KG205")[0]
    assert "fromFieldPath spec.parameters.regoin" in msg
    assert "XRD xbuckets.platform.example.org" in msg
    assert "did you mean spec.parameters.region?" in msg


def test_composed_path_typo(tmp_path):
    res = run(tmp_path, """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.expireDays
                toFieldPath: spec.forProvider.rule[0].expiration.dayz
""")
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 36)]
    msg = messages(res, "KG205")[0]
    assert "s3.aws.upbound.io/v1beta2 BucketLifecycleConfiguration" in msg
    assert "did you mean spec.forProvider.rule[0].expiration.days?" in msg


def test_list_without_index(tmp_path):
    res = run(tmp_path, """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.expireDays
                toFieldPath: spec.forProvider.rule.expiration.days
""")
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 36)]
    assert "spec.forProvider.rule is a list" in messages(res, "KG205")[0]


def test_to_composite_and_combine_sides(tmp_path):
    res = run(tmp_path, """\
              - type: ToCompositeFieldPath
                fromFieldPath: status.atProvider.arn
                toFieldPath: status.ruleID
              - type: CombineToComposite
                combine:
                  variables:
                    - fromFieldPath: spec.forProvider.region
                    - fromFieldPath: spec.forProvider.regions
                  strategy: string
                  string:
                    fmt: "%s/%s"
                toFieldPath: status.ruleId
""")
    assert where(res, "KG205", tmp_path) == [
        ("composition.yaml", 35), ("composition.yaml", 36), ("composition.yaml", 41)]
    text = "\n".join(messages(res, "KG205"))
    assert "did you mean status.ruleId?" in text
    assert "no field 'arn' under status.atProvider" in text
    assert "did you mean spec.forProvider.region?" in text


def test_omitted_to_field_path_is_the_from_field_path(tmp_path):
    res = run(tmp_path, """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.region
""")
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 35)]
    msg = messages(res, "KG205")[0]
    assert "toFieldPath (omitted: same as fromFieldPath) spec.parameters.region" in msg
    assert "BucketLifecycleConfiguration" in msg


def test_unknown_composed_kind_is_skipped(tmp_path):
    comp = (HEAD % "region").replace("kind: BucketLifecycleConfiguration",
                                     "kind: BucketNotification") + """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.region
                toFieldPath: spec.forProvider.no.such.field
"""
    res = run(tmp_path, "", composition=comp)
    assert where(res, "KG205", tmp_path) == []


def test_legacy_resources_mode(tmp_path):
    comp = """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets-legacy
spec:
  compositeTypeRef:
    apiVersion: platform.example.org/v1alpha1
    kind: XBucket
  patchSets:
    - name: common
      patches:
        - fromFieldPath: spec.parameters.regio
          toFieldPath: spec.forProvider.region
  resources:
    - name: lifecycle
      base:
        apiVersion: s3.aws.upbound.io/v1beta2
        kind: BucketLifecycleConfiguration
      patches:
        - type: PatchSet
          patchSetName: common
"""
    res = run(tmp_path, "", composition=comp)
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 12)]


def test_unreadable_field_path(tmp_path):
    res = run(tmp_path, """\
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters[region
                toFieldPath: spec.forProvider.region
""")
    assert where(res, "KG205", tmp_path) == [("composition.yaml", 35)]
    assert "cannot be read" in messages(res, "KG205")[0]


def test_parse_field_path():
    assert parse_field_path("spec.a[0].b") == ["spec", "a", 0, "b"]
    assert parse_field_path("metadata.annotations[crossplane.io/external-name]") == \
        ["metadata", "annotations", "crossplane.io/external-name"]
    assert parse_field_path('spec.tags["a.b/c"]') == ["spec", "tags", "a.b/c"]
    assert parse_field_path("spec.items[*].name") == ["spec", "items", "*", "name"]
    for bad in ("", "spec..a", "spec.", "spec[", "spec]"):
        with pytest.raises(FieldPathError):
            parse_field_path(bad)


def test_walk_schema_open_nodes():
    s = {"type": "object", "properties": {
        "a": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "b": {"type": "object"},
        "c": {"type": "string"},
        "d": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
    }}
    assert walk_schema(s, ["a", "x", 3]) is None
    assert walk_schema(s, ["b", "anything"]) is None
    assert walk_schema(s, ["d"]) is None
    miss = walk_schema(s, ["c", "x"])
    assert miss is not None and miss.index == 1 and "string" in miss.reason
    miss = walk_schema(s, ["e"])
    assert miss is not None and miss.index == 0
