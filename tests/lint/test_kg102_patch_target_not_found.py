"""KG102 patch-target-not-found: patch and replacement targets that select nothing."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

BUCKET = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider:
    region: eu-west-1
"""

BASE = {
    "base/kustomization.yaml": "resources:\n  - bucket.yaml\n",
    "base/bucket.yaml": BUCKET,
}

SETTINGS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: eu-central-1
"""


def overlay(body: str) -> str:
    return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" \
           "resources:\n  - ../../base\n" + body


def test_patch_target_matching_nothing(tmp_path):
    files = dict(BASE)
    files["overlays/prod/kustomization.yaml"] = overlay("""\
patches:
  - target:
      group: s3.aws.upbound.io
      kind: Buckets
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
""")
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/prod/kustomization.yaml", 6)]
    [msg] = messages(res, "KG102")
    assert "{group: s3.aws.upbound.io, kind: Buckets}" in msg
    assert "fix the selector" in msg


def test_matching_target_is_clean(tmp_path):
    files = dict(BASE)
    files["overlays/prod/kustomization.yaml"] = overlay("""\
patches:
  - target:
      group: s3.aws.upbound.io
      kind: Bucket|Table
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
""")
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == []
    assert res.render_errors == 0


def test_strategic_merge_patch_with_target_matching_nothing(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = overlay("""\
patches:
  - path: force-destroy.yaml
    target:
      kind: Bucket
      name: invoices
""")
    files["overlays/dev/force-destroy.yaml"] = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: any
spec:
  forceDestroy: true
"""
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/dev/kustomization.yaml", 6)]


def test_patches_json6902_matching_nothing(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = overlay("""\
patchesJson6902:
  - target:
      group: s3.aws.upbound.io
      version: v1beta1
      kind: Bucket
      name: logs
    path: orphan.yaml
""")
    files["overlays/dev/orphan.yaml"] = "- op: add\n  path: /spec/deletionPolicy\n  value: Orphan\n"
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/dev/kustomization.yaml", 6)]
    assert "patchesJson6902" in messages(res, "KG102")[0]


def test_replacement_target_matching_nothing(tmp_path):
    files = dict(BASE)
    files["overlays/dev/settings.yaml"] = SETTINGS
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
  - settings.yaml
replacements:
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: data.region
    targets:
      - select:
          kind: Bucket
        fieldPaths:
          - spec.forProvider.region
      - select:
          kind: Subnet
          name: private-a
        fieldPaths:
          - spec.forProvider.region
"""
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/dev/kustomization.yaml", 14)]
    [msg] = messages(res, "KG102")
    assert "{kind: Subnet, name: private-a}" in msg and "replacement" in msg


def test_replacement_from_a_file(tmp_path):
    files = dict(BASE)
    files["overlays/dev/settings.yaml"] = SETTINGS
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
  - settings.yaml
replacements:
  - path: region.yaml
"""
    files["overlays/dev/region.yaml"] = """\
source:
  kind: ConfigMap
  name: settings
  fieldPath: data.region
targets:
  - select:
      kind: Bucket
    fieldPaths: [spec.forProvider.region]
  - select:
      kind: Table
    fieldPaths: [spec.forProvider.region]
"""
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/dev/region.yaml", 9)]


def test_replacement_target_rejected_on_purpose_is_clean(tmp_path):
    files = dict(BASE)
    files["overlays/dev/settings.yaml"] = SETTINGS
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
  - settings.yaml
replacements:
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: data.region
    targets:
      - select:
          kind: Bucket
        reject:
          - name: logs
        fieldPaths:
          - spec.forProvider.region
"""
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == []


def test_base_entry_reported_once_for_all_overlays(tmp_path):
    files = {
        "base/kustomization.yaml": """\
resources:
  - bucket.yaml
patches:
  - target:
      kind: Table
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
""",
        "base/bucket.yaml": BUCKET,
        "overlays/dev/kustomization.yaml": overlay(""),
        "overlays/prod/kustomization.yaml": overlay(""),
    }
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("base/kustomization.yaml", 4)]
    assert "overlays/" not in messages(res, "KG102")[0]


def test_component_names_the_overlay_once(tmp_path):
    files = dict(BASE)
    files["components/orphan/kustomization.yaml"] = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target:
      kind: Table
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
"""
    for env in ("dev", "prod"):
        files["overlays/%s/kustomization.yaml" % env] = overlay(
            "components:\n  - ../../components/orphan\n")
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("components/orphan/kustomization.yaml", 4)]
    [msg] = messages(res, "KG102")
    assert "(component, as built in overlays/dev)" in msg


def test_environment_scope_from_settings(tmp_path):
    body = """\
patches:
  - target:
      kind: Table
    patch: |-
      - op: add
        path: /spec/deletionPolicy
        value: Orphan
"""
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = overlay(body)
    files["overlays/prod/kustomization.yaml"] = overlay(body)
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/dev/kustomization.yaml", 6),
                                             ("overlays/prod/kustomization.yaml", 6)]
    files["kustgen.yaml"] = """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: overlays/dev
  - name: prod
    path: overlays/prod
    protected: true
rules:
  KG102:
    environments: [protected]
"""
    res = lint_tree(tmp_path, files, select=["KG102"])
    assert where(res, "KG102", tmp_path) == [("overlays/prod/kustomization.yaml", 6)]
