"""KG203 multiple-regions."""

from __future__ import annotations

from lintkit import lint_tree, messages, where


def mr(kind: str, name: str, region: str, group: str = "ec2.aws.upbound.io/v1beta1") -> str:
    return """\
apiVersion: %s
kind: %s
metadata:
  name: %s
spec:
  forProvider:
    region: %s
  providerConfigRef:
    name: aws
""" % (group, kind, name, region)


def tree(bucket_region: str = "eu-west-1") -> dict:
    return {
        "overlays/prod/kustomization.yaml":
            "resources:\n  - vpc.yaml\n  - subnet.yaml\n  - bucket.yaml\n",
        "overlays/prod/vpc.yaml": mr("VPC", "main", "eu-central-1"),
        "overlays/prod/subnet.yaml": mr("Subnet", "main-a", "eu-central-1"),
        "overlays/prod/bucket.yaml": mr("Bucket", "exports", bucket_region,
                                        "s3.aws.upbound.io/v1beta2"),
    }


def test_stray_resource_reported_at_its_region(tmp_path):
    res = lint_tree(tmp_path, tree(), select=["KG203"])
    assert where(res, "KG203", tmp_path) == [("overlays/prod/bucket.yaml", 7)]
    msg = messages(res, "KG203")[0]
    assert "Bucket exports is in eu-west-1" in msg
    assert "eu-central-1 (2), eu-west-1 (1)" in msg


def test_one_region_is_clean(tmp_path):
    res = lint_tree(tmp_path, tree("eu-central-1"), select=["KG203"])
    assert where(res, "KG203", tmp_path) == []


def test_each_overlay_on_its_own(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - vpc.yaml\n  - bucket.yaml\n",
        "base/vpc.yaml": mr("VPC", "main", "eu-west-1"),
        "base/bucket.yaml": mr("Bucket", "exports", "eu-west-1", "s3.aws.upbound.io/v1beta2"),
        "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n",
        "overlays/prod/kustomization.yaml": """\
resources:
  - ../../base
patches:
  - target:
      kind: VPC|Bucket
    patch: |-
      - op: replace
        path: /spec/forProvider/region
        value: eu-central-1
""",
    }
    res = lint_tree(tmp_path, files, select=["KG203"])
    assert where(res, "KG203", tmp_path) == []


def test_region_from_a_patch_points_at_the_patch(tmp_path):
    files = tree("eu-central-1")
    files["overlays/prod/kustomization.yaml"] += """\
patches:
  - target:
      kind: Subnet
    patch: |-
      - op: replace
        path: /spec/forProvider/region
        value: us-east-1
  - target:
      kind: Bucket
    patch: |-
      - op: replace
        path: /spec/forProvider/region
        value: us-east-1
"""
    res = lint_tree(tmp_path, files, select=["KG203"])
    # 2 in us-east-1 and 1 in eu-central-1: the VPC is the stray
    assert where(res, "KG203", tmp_path) == [("overlays/prod/vpc.yaml", 7)]
    assert "us-east-1 (2), eu-central-1 (1)" in messages(res, "KG203")[0]


def test_allowed_regions_option(tmp_path):
    files = tree("us-east-1")
    files["kustgen.yaml"] = """\
rules:
  KG203:
    options:
      allowedRegions: [us-east-1]
"""
    res = lint_tree(tmp_path, files, select=["KG203"])
    assert where(res, "KG203", tmp_path) == []


def test_ignore_kinds_option(tmp_path):
    files = tree()
    files["kustgen.yaml"] = """\
rules:
  KG203:
    options:
      ignoreKinds: [Bucket]
"""
    res = lint_tree(tmp_path, files, select=["KG203"])
    assert where(res, "KG203", tmp_path) == []


def test_azure_and_gcp_locations_are_normalised(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/prod/kustomization.yaml": "resources:\n  - res.yaml\n",
        "overlays/prod/res.yaml": """\
apiVersion: azure.upbound.io/v1beta1
kind: ResourceGroup
metadata:
  name: main
spec:
  forProvider:
    location: West Europe
---
apiVersion: storage.azure.upbound.io/v1beta1
kind: Account
metadata:
  name: data
spec:
  forProvider:
    location: westeurope
---
apiVersion: storage.azure.upbound.io/v1beta1
kind: Account
metadata:
  name: backup
spec:
  forProvider:
    location: northeurope
""",
    }, select=["KG203"])
    assert where(res, "KG203", tmp_path) == [("overlays/prod/res.yaml", 23)]
    assert "westeurope (2), northeurope (1)" in messages(res, "KG203")[0]
