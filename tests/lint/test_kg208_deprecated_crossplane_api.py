"""KG208 deprecated-crossplane-api."""

from __future__ import annotations

from lintkit import lint_tree, messages, where


def run(tmp_path, text: str, extra: dict | None = None):
    files = {"kustomization.yaml": "resources:\n  - res.yaml\n", "res.yaml": text}
    files.update(extra or {})
    return lint_tree(tmp_path, files, select=["KG208"])


def test_controller_config_and_ref(tmp_path):
    res = run(tmp_path, """\
apiVersion: pkg.crossplane.io/v1alpha1
kind: ControllerConfig
metadata:
  name: aws
spec:
  podSecurityContext:
    fsGroup: 2000
---
apiVersion: pkg.crossplane.io/v1
kind: Provider
metadata:
  name: provider-aws-s3
spec:
  package: xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v2.0.0
  controllerConfigRef:
    name: aws
""")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 2), ("res.yaml", 15)]
    text = "\n".join(messages(res, "KG208"))
    assert "DeploymentRuntimeConfig" in text and "spec.runtimeConfigRef" in text


def test_unqualified_package(tmp_path):
    res = run(tmp_path, """\
apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: function-patch-and-transform
spec:
  package: crossplane-contrib/function-patch-and-transform:v0.8.2
""")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 6)]
    assert "xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform" in \
        messages(res, "KG208")[0]


LEGACY_COMPOSITION = """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets
spec:
  compositeTypeRef:
    apiVersion: platform.example.org/v1alpha1
    kind: XBucket
%s  patchSets:
    - name: common
      patches:
        - fromFieldPath: spec.region
          toFieldPath: spec.forProvider.region
  environment:
    environmentConfigs:
      - type: Reference
        ref:
          name: defaults
  resources:
    - name: bucket
      base:
        apiVersion: s3.aws.upbound.io/v1beta2
        kind: Bucket
"""


def test_resources_mode_explicit(tmp_path):
    res = run(tmp_path, LEGACY_COMPOSITION % "  mode: Resources\n")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 9), ("res.yaml", 10),
                                             ("res.yaml", 15)]
    text = "\n".join(messages(res, "KG208"))
    assert "mode: Pipeline" in text and "function-environment-configs" in text


def test_resources_without_mode(tmp_path):
    res = run(tmp_path, LEGACY_COMPOSITION % "")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 9), ("res.yaml", 14),
                                             ("res.yaml", 19)]


def test_pipeline_composition_is_clean(tmp_path):
    res = run(tmp_path, """\
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
    - step: environment
      functionRef:
        name: function-environment-configs
    - step: patch-and-transform
      functionRef:
        name: function-patch-and-transform
""")
    assert where(res, "KG208", tmp_path) == []


def test_external_secret_stores(tmp_path):
    res = run(tmp_path, """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider:
    region: eu-west-1
  publishConnectionDetailsTo:
    name: logs
---
apiVersion: secrets.crossplane.io/v1alpha1
kind: StoreConfig
metadata:
  name: vault
spec:
  type: Vault
""")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 8), ("res.yaml", 12)]
    assert "writeConnectionSecretToRef" in messages(res, "KG208")[0]


def test_environment_config_and_usage(tmp_path):
    res = run(tmp_path, """\
apiVersion: apiextensions.crossplane.io/v1alpha1
kind: EnvironmentConfig
metadata:
  name: defaults
data:
  region: eu-west-1
---
apiVersion: apiextensions.crossplane.io/v1beta1
kind: Usage
metadata:
  name: db-uses-vpc
spec:
  of:
    apiVersion: ec2.aws.upbound.io/v1beta1
    kind: VPC
    resourceRef:
      name: main
---
apiVersion: apiextensions.crossplane.io/v1beta1
kind: EnvironmentConfig
metadata:
  name: current
data:
  region: eu-west-1
""")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 1), ("res.yaml", 8)]
    assert "protection.crossplane.io/v1beta1" in messages(res, "KG208")[1]


XRD = """\
apiVersion: apiextensions.crossplane.io/%s
kind: CompositeResourceDefinition
metadata:
  name: xqueues.platform.example.org
spec:
  group: platform.example.org
  names:
    kind: XQueue
    plural: xqueues
  claimNames:
    kind: Queue
    plural: queues
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
---
apiVersion: platform.example.org/v1alpha1
kind: Queue
metadata:
  name: events
  namespace: orders
"""


def test_v2_xrd_with_claim_names(tmp_path):
    res = run(tmp_path, XRD % "v2")
    assert where(res, "KG208", tmp_path) == [("res.yaml", 10)]
    assert "namespaced composite resources" in messages(res, "KG208")[0]


def test_legacy_option(tmp_path):
    res = run(tmp_path, XRD % "v1")
    assert where(res, "KG208", tmp_path) == []
    res = run(tmp_path, XRD % "v1", {"kustgen.yaml": """\
rules:
  KG208:
    options:
      legacy: true
"""})
    assert where(res, "KG208", tmp_path) == [("res.yaml", 1), ("res.yaml", 19)]
    text = "\n".join(messages(res, "KG208"))
    assert "apiextensions.crossplane.io/v1 is deprecated" in text
    assert "Queue is a claim" in text


def test_in_overlays(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/staging/kustomization.yaml": "resources:\n  - cc.yaml\n",
        "overlays/staging/cc.yaml": """\
apiVersion: pkg.crossplane.io/v1alpha1
kind: ControllerConfig
metadata:
  name: aws
""",
    }, select=["KG208"])
    assert where(res, "KG208", tmp_path) == [("overlays/staging/cc.yaml", 2)]
