"""KG204 imported-without-external-name."""

from __future__ import annotations

from lintkit import lint_tree, messages, where


def vpc(meta_extra: str = "", spec_extra: str = "") -> str:
    return """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
metadata:
  name: legacy
%sspec:
%s  forProvider:
    region: eu-central-1
  providerConfigRef:
    name: aws
""" % (meta_extra, spec_extra)


def run(tmp_path, text: str, extra: dict | None = None):
    files = {"overlays/prod/kustomization.yaml": "resources:\n  - vpc.yaml\n",
             "overlays/prod/vpc.yaml": text}
    files.update(extra or {})
    return lint_tree(tmp_path, files, select=["KG204"])


def test_observe_only_without_external_name(tmp_path):
    res = run(tmp_path, vpc(spec_extra='  managementPolicies: ["Observe"]\n'))
    assert where(res, "KG204", tmp_path) == [("overlays/prod/vpc.yaml", 6)]
    msg = messages(res, "KG204")[0]
    assert "[Observe]" in msg and "crossplane.io/external-name" in msg


def test_adopt_and_update_without_external_name(tmp_path):
    res = run(tmp_path, vpc(spec_extra="  managementPolicies: [Observe, Update, "
                                       "LateInitialize]\n"))
    assert where(res, "KG204", tmp_path) == [("overlays/prod/vpc.yaml", 6)]


def test_with_external_name_is_clean(tmp_path):
    res = run(tmp_path, vpc("  annotations:\n    crossplane.io/external-name: vpc-0abc\n",
                            '  managementPolicies: ["Observe"]\n'))
    assert where(res, "KG204", tmp_path) == []


def test_external_name_from_overlay_patch_is_clean(tmp_path):
    res = lint_tree(tmp_path, {
        "base/kustomization.yaml": "resources:\n  - vpc.yaml\n",
        "base/vpc.yaml": vpc(spec_extra='  managementPolicies: ["Observe"]\n'),
        "overlays/prod/kustomization.yaml": """\
resources:
  - ../../base
patches:
  - target:
      kind: VPC
    patch: |-
      - op: add
        path: /metadata/annotations
        value:
          crossplane.io/external-name: vpc-0prod
""",
    }, select=["KG204"])
    assert where(res, "KG204", tmp_path) == []


def test_policies_that_can_create_are_not_imports(tmp_path):
    for mp in ('["*"]', "[Observe, Create, Update, LateInitialize]", "[Orphan]",
               "[Observe, MustCreate, Update, Delete]", "[]"):
        res = run(tmp_path, vpc(spec_extra="  managementPolicies: %s\n" % mp))
        assert where(res, "KG204", tmp_path) == [], mp


def test_imported_annotation(tmp_path):
    res = run(tmp_path, vpc('  annotations:\n    kustgen.io/imported: "true"\n'))
    assert where(res, "KG204", tmp_path) == [("overlays/prod/vpc.yaml", 6)]
    assert "marked kustgen.io/imported" in messages(res, "KG204")[0]
    res = run(tmp_path, vpc('  annotations:\n    kustgen.io/imported: "true"\n'
                            '    crossplane.io/external-name: vpc-0abc\n'))
    assert where(res, "KG204", tmp_path) == []


def test_every_environment(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/dev/kustomization.yaml": "resources:\n  - vpc.yaml\n",
        "overlays/dev/vpc.yaml": vpc(spec_extra='  managementPolicies: ["Observe"]\n'),
    }, select=["KG204"])
    assert where(res, "KG204", tmp_path) == [("overlays/dev/vpc.yaml", 6)]
