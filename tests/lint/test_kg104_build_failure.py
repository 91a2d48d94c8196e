"""KG104 build-failure: overlays that do not build, kustomizations that cannot be read."""

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


def test_missing_resource_file(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - bucket.yaml
  - table.yaml
""",
        "overlays/dev/bucket.yaml": BUCKET,
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    assert where(res, "KG104", tmp_path) == [("overlays/dev/kustomization.yaml", 5)]
    [msg] = messages(res, "KG104")
    assert msg.startswith("overlays/dev does not build: ")
    assert "table.yaml" in msg and "kustgen build overlays/dev" in msg


def test_building_overlay_is_clean(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    assert where(res, "KG104", tmp_path) == []


def test_base_error_is_one_finding_naming_every_overlay(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - bucket.yaml\n  - bucket-copy.yaml\n",
        "base/bucket.yaml": BUCKET,
        "base/bucket-copy.yaml": BUCKET,
        "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    found = where(res, "KG104", tmp_path)
    assert len(found) == 1, found
    [msg] = messages(res, "KG104")
    assert "overlays/dev, overlays/prod do not build" in msg
    assert "already registered id" in msg


def test_unparsable_kustomization(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": """\
resources:
  - bucket.yaml
patches:
  - path: [oops
""",
        "overlays/dev/bucket.yaml": BUCKET,
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    found = where(res, "KG104", tmp_path)
    assert len(found) == 1 and found[0][0] == "overlays/dev/kustomization.yaml", found


def test_broken_kustomization_outside_the_linted_overlays(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "legacy/kustomization.yaml": "resources:\n  - a.yaml\nnamePrefix: [x\n",
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    # linting the whole repository: the broken folder is a root and is built (and fails)
    found = where(res, "KG104", tmp_path)
    assert [f for f, _ in found] == ["legacy/kustomization.yaml"], found
    # linting only overlays/dev: the broken kustomization is out of scope
    res = lint_tree(tmp_path, paths=["overlays/dev"], select=["KG104"])
    assert where(res, "KG104", tmp_path) == []


def test_environment_scope_from_settings(tmp_path):
    files = {
        "kustgen.yaml": """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: overlays/dev
  - name: prod
    path: overlays/prod
    protected: true
rules:
  KG104:
    environments: [protected]
""",
        "overlays/dev/kustomization.yaml": "resources:\n  - missing.yaml\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n  - gone.yaml\n",
        "overlays/prod/bucket.yaml": BUCKET,
    }
    res = lint_tree(tmp_path, files, select=["KG104"])
    assert where(res, "KG104", tmp_path) == [("overlays/prod/kustomization.yaml", 3)]
