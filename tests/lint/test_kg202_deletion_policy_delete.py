"""KG202 deletion-policy-delete."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

VPC = """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
metadata:
  name: main
spec:
%s  forProvider:
    region: eu-central-1
    cidrBlock: 10.0.0.0/16
  providerConfigRef:
    name: aws
"""


def tree(spec_extra: str = "", prod_patch: str = "") -> dict:
    return {
        "base/kustomization.yaml": "resources:\n  - vpc.yaml\n",
        "base/vpc.yaml": VPC % spec_extra,
        "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n" + prod_patch,
    }


ORPHAN_PATCH = """\
patches:
  - target:
      group: ec2.aws.upbound.io
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: %s
"""


def test_absent_deletion_policy_fires_in_prod_only(tmp_path):
    res = lint_tree(tmp_path, tree(), select=["KG202"])
    found = [f for f in res.findings if f.rule == "KG202"]
    assert [f.overlay for f in found] == ["overlays/prod"]
    assert where(res, "KG202", tmp_path) == [("base/vpc.yaml", 5)]
    assert "deletionPolicy defaults to Delete" in found[0].message
    assert "deletionPolicy: Orphan" in found[0].message


def test_prod_patch_orphan_is_clean(tmp_path):
    res = lint_tree(tmp_path, tree(prod_patch=ORPHAN_PATCH % "Orphan"), select=["KG202"])
    assert where(res, "KG202", tmp_path) == []


def test_patch_setting_delete_points_at_the_patch(tmp_path):
    res = lint_tree(tmp_path, tree(prod_patch=ORPHAN_PATCH % "Delete"), select=["KG202"])
    # the `value: Delete` line of the inline JSON patch
    text = (tmp_path / "overlays/prod/kustomization.yaml").read_text().splitlines()
    line = next(i for i, ln in enumerate(text, 1) if ln.strip() == "value: Delete")
    assert line == 9
    assert where(res, "KG202", tmp_path) == [("overlays/prod/kustomization.yaml", line)]
    assert "spec.deletionPolicy is Delete" in messages(res, "KG202")[0]


def test_explicit_delete_in_base(tmp_path):
    res = lint_tree(tmp_path, tree("  deletionPolicy: Delete\n"), select=["KG202"])
    assert where(res, "KG202", tmp_path) == [("base/vpc.yaml", 6)]


def test_management_policies_with_delete_override_orphan(tmp_path):
    res = lint_tree(tmp_path, tree("  deletionPolicy: Orphan\n"
                                   "  managementPolicies: [Observe, Create, Update, Delete]\n"),
                    select=["KG202"])
    assert where(res, "KG202", tmp_path) == [("base/vpc.yaml", 7)]
    msg = messages(res, "KG202")[0]
    assert "wins over deletionPolicy: Orphan" in msg and "remove Delete" in msg


def test_management_policies_without_delete_are_clean(tmp_path):
    res = lint_tree(tmp_path, tree("  managementPolicies: [Observe, Create, Update, "
                                   "LateInitialize]\n"), select=["KG202"])
    assert where(res, "KG202", tmp_path) == []
    res = lint_tree(tmp_path, tree("  managementPolicies: [Observe]\n  deletionPolicy: Delete\n"),
                    select=["KG202"])
    assert where(res, "KG202", tmp_path) == []


def test_star_policy_follows_deletion_policy(tmp_path):
    res = lint_tree(tmp_path, tree('  managementPolicies: ["*"]\n  deletionPolicy: Orphan\n'),
                    select=["KG202"])
    assert where(res, "KG202", tmp_path) == []
    res = lint_tree(tmp_path, tree('  managementPolicies: ["*"]\n'), select=["KG202"])
    assert where(res, "KG202", tmp_path) == [("base/vpc.yaml", 6)]


def test_namespaced_resource_needs_management_policies(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.m.upbound.io/v1beta1
kind: Bucket
metadata:
  name: invoices
  namespace: billing
spec:
  forProvider:
    region: eu-central-1
""",
    }, select=["KG202"])
    assert where(res, "KG202", tmp_path) == [("overlays/prod/bucket.yaml", 6)]
    assert "set spec.managementPolicies" in messages(res, "KG202")[0]


def test_protected_environment_from_kustgen_yaml(tmp_path):
    files = tree()
    files["overlays/live/kustomization.yaml"] = "resources:\n  - ../../base\n"
    files["kustgen.yaml"] = """\
environments:
  - name: dev
  - name: prod
  - name: live
    protected: true
"""
    res = lint_tree(tmp_path, files, select=["KG202"])
    assert [f.overlay for f in res.findings if f.rule == "KG202"] == ["overlays/live"]


def test_plain_manifests_have_no_environment(tmp_path):
    res = lint_tree(tmp_path, {"vpc.yaml": VPC % ""}, paths=["vpc.yaml"], select=["KG202"])
    assert where(res, "KG202", tmp_path) == []
