"""KG201 missing-provider-config-ref."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

BUCKET = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: reports
spec:
  forProvider:
    region: eu-west-1
"""

TWO_ENVS = {
    "base/kustomization.yaml": "resources:\n  - bucket.yaml\n",
    "base/bucket.yaml": BUCKET,
    "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n",
    "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
}


def test_base_resource_without_ref_reported_once_at_spec(tmp_path):
    res = lint_tree(tmp_path, TWO_ENVS, select=["KG201"])
    assert where(res, "KG201", tmp_path) == [("base/bucket.yaml", 5)]
    msg = messages(res, "KG201")[0]
    assert "Bucket reports" in msg and "ProviderConfig named 'default'" in msg
    assert "spec.providerConfigRef.name" in msg


def test_ref_added_by_every_overlay_is_clean(tmp_path):
    files = dict(TWO_ENVS)
    patch = """\
resources:
  - ../../base
patches:
  - target:
      kind: Bucket
    patch: |-
      - op: add
        path: /spec/providerConfigRef
        value:
          name: aws-%s
"""
    files["overlays/dev/kustomization.yaml"] = patch % "dev"
    files["overlays/prod/kustomization.yaml"] = patch % "prod"
    res = lint_tree(tmp_path, files, select=["KG201"])
    assert where(res, "KG201", tmp_path) == []


def test_only_the_overlay_that_forgets_it(tmp_path):
    files = dict(TWO_ENVS)
    files["overlays/prod/kustomization.yaml"] = """\
resources:
  - ../../base
patches:
  - target:
      kind: Bucket
    patch: |-
      - op: add
        path: /spec/providerConfigRef
        value:
          name: aws-prod
"""
    res = lint_tree(tmp_path, files, select=["KG201"])
    found = [f for f in res.findings if f.rule == "KG201"]
    assert [f.overlay for f in found] == ["overlays/dev"]
    assert where(res, "KG201", tmp_path) == [("base/bucket.yaml", 5)]


def test_namespaced_v2_resource_message(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": """\
apiVersion: s3.aws.m.upbound.io/v1beta1
kind: Bucket
metadata:
  name: reports
  namespace: team-a
spec:
  forProvider:
    region: eu-west-1
""",
    }, select=["KG201"])
    assert where(res, "KG201", tmp_path) == [("overlays/dev/bucket.yaml", 6)]
    assert "ClusterProviderConfig named 'default'" in messages(res, "KG201")[0]


def test_not_managed_resources_and_composition_templates(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/dev/kustomization.yaml": "resources:\n  - things.yaml\n",
        "overlays/dev/things.yaml": """\
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata:
  name: provider-aws-s3
spec:
  package: xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v2.0.0
---
apiVersion: platform.example.org/v1alpha1
kind: Bucket
metadata:
  name: invoices
  namespace: orders
spec:
  parameters:
    region: eu-west-1
---
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets
spec:
  compositeTypeRef:
    apiVersion: platform.example.org/v1alpha1
    kind: XBucket
  mode: Pipeline
  pipeline:
    - step: pt
      functionRef:
        name: function-patch-and-transform
      input:
        apiVersion: pt.fn.crossplane.io/v1beta1
        kind: Resources
        resources:
          - name: bucket
            base:
              apiVersion: s3.aws.upbound.io/v1beta2
              kind: Bucket
              spec:
                forProvider:
                  region: eu-west-1
""",
    }, select=["KG201"])
    assert where(res, "KG201", tmp_path) == []


def test_plain_manifests_only_with_the_option(tmp_path):
    res = lint_tree(tmp_path, {"bucket.yaml": BUCKET}, paths=["bucket.yaml"], select=["KG201"])
    assert where(res, "KG201", tmp_path) == []
    res = lint_tree(tmp_path, {"kustgen.yaml": """\
rules:
  KG201:
    options:
      manifests: true
"""}, paths=["bucket.yaml"], select=["KG201"])
    assert where(res, "KG201", tmp_path) == [("bucket.yaml", 5)]


def test_kustomization_of_no_environment_only_with_the_option(tmp_path):
    files = {"apps/storage/kustomization.yaml": "resources:\n  - bucket.yaml\n",
             "apps/storage/bucket.yaml": BUCKET}
    res = lint_tree(tmp_path, files, select=["KG201"])
    assert where(res, "KG201", tmp_path) == []
    files["kustgen.yaml"] = "rules:\n  KG201:\n    options:\n      manifests: true\n"
    res = lint_tree(tmp_path, files, select=["KG201"])
    assert where(res, "KG201", tmp_path) == [("apps/storage/bucket.yaml", 5)]
