"""buildMetadata (origin and transformer annotations, managed-by label) across a base and an
overlay, byte-identical to kubectl kustomize."""

from __future__ import annotations

import subprocess

import pytest

from conftest import need_kubectl
from kustgen import api

FILES = {
    "base/kustomization.yaml": "resources:\n- bucket.yaml\nconfigMapGenerator:\n- name: settings\n"
                               "  literals: [region=eu-west-1]\nnamePrefix: team-\n",
    "base/bucket.yaml": "apiVersion: s3.aws.upbound.io/v1beta2\nkind: Bucket\nmetadata:\n"
                        "  name: logs\nspec:\n  forProvider:\n    region: us-east-1\n",
    "prod/kustomization.yaml": "resources:\n- ../base\nbuildMetadata: [%s]\nnamespace: prod\n"
                               "commonAnnotations: {owner: platform}\n",
}


@pytest.mark.parametrize("meta", ["managedByLabel", "originAnnotations",
                                  "originAnnotations, transformerAnnotations",
                                  "transformerAnnotations, managedByLabel"])
def test_build_metadata_like_kubectl(tmp_path, meta):
    ref = need_kubectl()
    for rel, text in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text % meta if "%s" in text else text)
    want = subprocess.run(ref + [str(tmp_path / "prod")], capture_output=True, text=True,
                          check=True).stdout
    got = api.build(str(tmp_path / "prod"))
    assert got == want
    if "managedByLabel" in meta:
        assert "app.kubernetes.io/managed-by: kustomize-" in got
    if "originAnnotations" in meta:
        assert "path: ../base/bucket.yaml" in got
