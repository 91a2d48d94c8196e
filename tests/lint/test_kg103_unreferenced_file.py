"""KG103 unreferenced-file: YAML files in kustomization folders that nothing reads."""

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

PATCH = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forceDestroy: true
"""


def test_forgotten_patch_file(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "overlays/dev/bucket-patch.yaml": PATCH,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == [("overlays/dev/bucket-patch.yaml", 1)]
    [msg] = messages(res, "KG103")
    assert "overlays/dev/kustomization.yaml" in msg


def test_every_reference_kind_counts(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": """\
resources:
  - bucket.yaml
  - ../../base
components:
  - ../../components/orphan
patches:
  - path: patches/bucket.yaml
configMapGenerator:
  - name: settings
    files:
      - config/settings.yaml
replacements:
  - path: replacements/region.yaml
configurations:
  - kustomizeconfig.yaml
""",
        "overlays/dev/bucket.yaml": BUCKET.replace("logs", "dev-logs"),
        "overlays/dev/patches/bucket.yaml": PATCH,
        "overlays/dev/config/settings.yaml": "region: eu-west-1\n",
        "overlays/dev/replacements/region.yaml": """\
source:
  kind: ConfigMap
  name: settings
  fieldPath: metadata.name
targets:
  - select:
      kind: Bucket
      name: dev-logs
    fieldPaths: [metadata.annotations.settings]
    options: {create: true}
""",
        "overlays/dev/kustomizeconfig.yaml": "nameReference: []\n",
        "base/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "base/bucket.yaml": BUCKET,
        "components/orphan/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - path: orphan.yaml
    target:
      kind: Bucket
""",
        "components/orphan/orphan.yaml": "- op: add\n  path: /spec/deletionPolicy\n  value: Orphan\n",
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert res.render_errors == 0
    assert where(res, "KG103", tmp_path) == []


def test_subfolder_without_kustomization_belongs_to_the_folder_above(tmp_path):
    files = {
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": BUCKET,
        "overlays/prod/patches/old/bucket.yaml": PATCH,
        # a folder with its own kustomization: its files are its own business
        "overlays/prod/extra/kustomization.yaml": "resources:\n  - table.yaml\n",
        "overlays/prod/extra/table.yaml": BUCKET.replace("logs", "table"),
        "overlays/prod/extra/unused.yaml": PATCH,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == [("overlays/prod/extra/unused.yaml", 1),
                                             ("overlays/prod/patches/old/bucket.yaml", 1)]
    msgs = sorted(messages(res, "KG103"))
    assert "overlays/prod/extra/kustomization.yaml" in msgs[0] + msgs[1]


def test_file_used_by_another_kustomization_counts(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "base/bucket.yaml": BUCKET,
        "base/shared-patch.yaml": PATCH,
        "overlays/dev/kustomization.yaml": """\
resources:
  - ../../base
patches:
  - path: ../../base/shared-patch.yaml
""",
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == []


def test_files_outside_kustomization_folders_are_not_reported(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "manifests/table.yaml": BUCKET.replace("logs", "table"),
        "overlays/dev/notes.txt": "not YAML\n",
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == []


def test_ignore_option(tmp_path):
    files = {
        "kustgen.yaml": """\
apiVersion: kustgen.dev/v1alpha1
kind: Config
rules:
  KG103:
    options:
      ignore: ["overlays/*/drafts/**"]
""",
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "overlays/dev/drafts/table.yaml": BUCKET.replace("logs", "table"),
        "overlays/dev/bucket-patch.yaml": PATCH,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == [("overlays/dev/bucket-patch.yaml", 1)]


def test_default_ignore_covers_examples(tmp_path):
    files = {
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "overlays/dev/bucket.example.yaml": BUCKET,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == []


def test_environment_scope_from_settings(tmp_path):
    # a file of an overlay folder concerns that overlay's environment
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
  KG103:
    environments: [protected]
""",
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": BUCKET,
        "overlays/dev/bucket-patch.yaml": PATCH,
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": BUCKET,
        "overlays/prod/bucket-patch.yaml": PATCH,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == [("overlays/prod/bucket-patch.yaml", 1)]


def test_vendored_schemas_under_a_root_kustomization_are_not_reported(tmp_path):
    files = {
        "kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "bucket.yaml": BUCKET,
        "schemas/s3.aws.upbound.io/bucket_v1beta2.yaml": "type: object\n",
        "stray.yaml": PATCH,
    }
    res = lint_tree(tmp_path, files, select=["KG103"])
    assert where(res, "KG103", tmp_path) == [("stray.yaml", 1)]
