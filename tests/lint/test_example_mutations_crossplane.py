"""The Crossplane rules (KG2xx) on small realistic edits of the example repository."""

from __future__ import annotations

import os

import pytest

from conftest import copy_example
from lintkit import lint_tree, messages, where

CROSSPLANE = ["KG201", "KG202", "KG203", "KG204", "KG205", "KG206", "KG207", "KG208"]


@pytest.fixture
def repo(tmp_path):
    return copy_example(tmp_path / "repo")


def edit(repo, rel: str, old: str, new: str, count: int = 1) -> None:
    p = os.path.join(str(repo), rel)
    with open(p) as fh:
        text = fh.read()
    assert text.count(old) >= count, (rel, old)
    with open(p, "w") as fh:
        fh.write(text.replace(old, new, count))


def line_of(repo, rel: str, needle: str) -> int:
    with open(os.path.join(str(repo), rel)) as fh:
        for i, line in enumerate(fh, 1):
            if needle in line:
                return i
    raise AssertionError("%s not in %s" % (needle, rel))


def test_example_repo_is_clean(repo):
    res = lint_tree(repo, select=CROSSPLANE)
    assert [(f.rule, str(f.origin), f.message) for f in res.findings] == []
    assert res.render_errors == 0


def test_kg201_bucket_without_provider_config(repo):
    edit(repo, "overlays/staging/kustomization.yaml", "  - runtime-config.yaml\n",
         "  - runtime-config.yaml\n  - logs-bucket.yaml\n")
    with open(os.path.join(str(repo), "overlays/staging/logs-bucket.yaml"), "w") as fh:
        fh.write("""\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: orders-access-logs
spec:
  forProvider:
    region: eu-west-1
""")
    res = lint_tree(repo, select=["KG201"])
    assert where(res, "KG201", repo) == [("overlays/staging/logs-bucket.yaml", 5)]


def test_kg202_prod_patch_deletes(repo):
    edit(repo, "overlays/prod/kustomization.yaml", "        value: Orphan", "        value: Delete")
    res = lint_tree(repo, select=["KG202"])
    line = line_of(repo, "overlays/prod/kustomization.yaml", "path: /spec/deletionPolicy") + 1
    # the five network resources, all set by the patch's `value: Delete` line
    assert where(res, "KG202", repo) == [("overlays/prod/kustomization.yaml", line)] * 5
    assert all("spec.deletionPolicy is Delete" in m for m in messages(res, "KG202"))


def test_kg202_not_in_staging(repo):
    # staging sets no deletionPolicy at all: not protected, so nothing is reported
    res = lint_tree(repo, select=["KG202"])
    assert where(res, "KG202", repo) == []


def test_kg203_prod_bucket_copied_from_staging(repo):
    # a bucket copied from staging into prod keeps staging's region
    edit(repo, "overlays/prod/kustomization.yaml", "  - runtime-config.yaml\n",
         "  - runtime-config.yaml\n  - exports-bucket.yaml\n")
    with open(os.path.join(str(repo), "overlays/prod/exports-bucket.yaml"), "w") as fh:
        fh.write("""\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: orders-exports
spec:
  deletionPolicy: Orphan
  forProvider:
    region: eu-west-1
  providerConfigRef:
    name: aws-prod
""")
    res = lint_tree(repo, select=["KG203"])
    assert where(res, "KG203", repo) == [("overlays/prod/exports-bucket.yaml", 8)]
    msg = messages(res, "KG203")[0]
    assert "Bucket orders-exports is in eu-west-1" in msg
    assert "eu-central-1 (5), eu-west-1 (1)" in msg


def test_kg204_vpc_observed_without_external_name(repo):
    edit(repo, "base/network/vpc.yaml", "spec:\n  forProvider:\n",
         "spec:\n  managementPolicies: [Observe]\n  forProvider:\n")
    res = lint_tree(repo, select=["KG204"])
    assert where(res, "KG204", repo) == [("base/network/vpc.yaml", 11)]


def test_kg205_patch_path_typo(repo):
    edit(repo, "base/apis/bucket/composition.yaml",
         "fromFieldPath: spec.parameters.forceDestroy",
         "fromFieldPath: spec.parameters.forcedestroy")
    res = lint_tree(repo, select=["KG205"])
    assert where(res, "KG205", repo) == [("base/apis/bucket/composition.yaml", 48)]
    assert "did you mean spec.parameters.forceDestroy?" in messages(res, "KG205")[0]


def test_kg205_composed_side_with_vendored_schema(repo):
    # a patch into a field the vendored VPC schema does not have
    edit(repo, "base/apis/database/composition.yaml", """\
          - name: subnet-group
            base:""", """\
          - name: vpc
            base:
              apiVersion: ec2.aws.upbound.io/v1beta1
              kind: VPC
              spec:
                forProvider:
                  region: eu-west-1
            patches:
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.networkName
                toFieldPath: spec.forProvider.tag.Name
          - name: subnet-group
            base:""")
    res = lint_tree(repo, select=["KG205"])
    assert where(res, "KG205", repo) == [("base/apis/database/composition.yaml", 47)]
    assert "did you mean spec.forProvider.tags?" in messages(res, "KG205")[0]


def test_kg206_composite_kind_typo(repo):
    edit(repo, "base/apis/bucket/composition.yaml", "    kind: XBucket", "    kind: XBuckets")
    res = lint_tree(repo, select=["KG206"])
    assert where(res, "KG206", repo) == [("base/apis/bucket/composition.yaml", 11)]


def test_kg207_version_no_longer_served(repo):
    edit(repo, "base/apis/bucket/definition.yaml", "      served: true", "      served: false")
    res = lint_tree(repo, select=["KG207"])
    assert where(res, "KG207", repo) == [("base/claims/buckets.yaml", 2)]


def test_kg208_unqualified_function_package(repo):
    edit(repo, "base/packages/functions.yaml", "package: xpkg.crossplane.io/",
         "package: ")
    res = lint_tree(repo, select=["KG208"])
    assert where(res, "KG208", repo) == [("base/packages/functions.yaml", 7)]
