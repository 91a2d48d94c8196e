"""Real upstream manifests (../shared/examples: upjet and classic AWS provider examples,
Argo CD examples) render byte-identically with kustgen and `kubectl kustomize`, as they are
and under an overlay that namespaces, labels and annotates everything."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import need_kubectl, need_shared
from kustgen import api


def _buildable(path: str) -> bool:
    """Files Kustomize takes as resources on their own (some upstream examples are
    kustomizations or fragments)."""
    try:
        with open(path) as fh:
            docs = [d for d in yaml.safe_load_all(fh) if d is not None]
    except yaml.YAMLError:
        return False
    return bool(docs) and all(
        isinstance(d, dict) and d.get("kind") not in (None, "Kustomization")
        and isinstance(d.get("metadata"), dict) and d["metadata"].get("name") for d in docs)


def make_tree(root, overlay: str) -> int:
    src = need_shared("examples")
    files = sorted(f for sub in ("provider-aws", "provider-aws-classic", "argocd")
                   for f in glob.glob(os.path.join(src, sub, "**", "*.yaml"), recursive=True))
    files = [f for f in files if _buildable(f)]
    entries = []
    for i, f in enumerate(files):
        d = root / ("f%03d" % i)
        d.mkdir(parents=True)
        shutil.copy(f, d / "m.yaml")           # a copy in tmp, never in the repo
        (d / "kustomization.yaml").write_text("namePrefix: f%03d-\nresources:\n- m.yaml\n" % i)
        entries.append(d.name)
    (root / "kustomization.yaml").write_text(
        overlay + "resources:\n" + "".join("- %s\n" % e for e in entries))
    return len(files)


@pytest.mark.parametrize("overlay", [
    "",
    "namespace: team-a\nlabels:\n- pairs: {team: a, env: prod}\n  includeSelectors: true\n"
    "commonAnnotations:\n  owner: platform@example.org\n",
], ids=["as-is", "namespaced-labelled"])
def test_upstream_examples_render_like_kubectl(tmp_path, overlay):
    ref = need_kubectl()
    n = make_tree(tmp_path, overlay)
    assert n > 300
    want = subprocess.run(ref + [str(tmp_path)], capture_output=True, text=True, check=True).stdout
    got = api.build(str(tmp_path))
    assert got.count("\n---\n") + 1 >= n
    assert got == want


def test_upstream_crds_render_like_kubectl(tmp_path):
    """All 254 upstream CRDs (23 MB of OpenAPI schemas with every kind of string in their
    descriptions) through one kustomization."""
    ref = need_kubectl()
    src = need_shared("crds")
    files = sorted(glob.glob(os.path.join(src, "**", "*.yaml"), recursive=True))
    assert len(files) > 250
    names = []
    for f in files:
        shutil.copy(f, tmp_path / os.path.basename(f))
        names.append(os.path.basename(f))
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n" + "".join("- %s\n" % n for n in names))
    want = subprocess.run(ref + [str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert api.build(str(tmp_path)) == want
