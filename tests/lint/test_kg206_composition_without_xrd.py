"""KG206 composition-without-xrd."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

XRD = """\
apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xqueues.platform.example.org
spec:
  group: platform.example.org
  names:
    kind: XQueue
    plural: xqueues
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
"""

COMPOSITION = """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xqueues-aws
spec:
  compositeTypeRef:
    apiVersion: %s
    kind: %s
  mode: Pipeline
  pipeline:
    - step: patch-and-transform
      functionRef:
        name: function-patch-and-transform
      input:
        apiVersion: pt.fn.crossplane.io/v1beta1
        kind: Resources
        resources: []
"""


def run(tmp_path, av="platform.example.org/v1alpha1", kind="XQueue", xrd_in_kustomization=True,
        extra=None):
    files = {
        "kustomization.yaml": "resources:\n%s  - composition.yaml\n"
                              % ("  - xrd.yaml\n" if xrd_in_kustomization else ""),
        "composition.yaml": COMPOSITION % (av, kind),
        "apis/xrd.yaml" if not xrd_in_kustomization else "xrd.yaml": XRD,
    }
    files.update(extra or {})
    return lint_tree(tmp_path, files, select=["KG206"])


def test_matching_xrd_is_clean(tmp_path):
    assert where(run(tmp_path), "KG206", tmp_path) == []


def test_xrd_elsewhere_in_the_repository_counts(tmp_path):
    res = run(tmp_path, xrd_in_kustomization=False)
    assert where(res, "KG206", tmp_path) == []


def test_kind_typo(tmp_path):
    res = run(tmp_path, kind="XQueues")
    assert where(res, "KG206", tmp_path) == [("composition.yaml", 8)]
    assert "did you mean XQueue?" in messages(res, "KG206")[0]


def test_unknown_version(tmp_path):
    res = run(tmp_path, av="platform.example.org/v1beta1")
    assert where(res, "KG206", tmp_path) == [("composition.yaml", 7)]
    msg = messages(res, "KG206")[0]
    assert "defines no version v1beta1" in msg and "versions: v1alpha1" in msg


def test_unknown_group(tmp_path):
    res = run(tmp_path, av="storage.example.org/v1alpha1")
    assert where(res, "KG206", tmp_path) == [("composition.yaml", 8)]
    assert "no CompositeResourceDefinition" in messages(res, "KG206")[0]


def test_ignore_groups_option(tmp_path):
    res = run(tmp_path, av="storage.example.org/v1alpha1", extra={"kustgen.yaml": """\
rules:
  KG206:
    options:
      ignoreGroups: [storage.example.org]
"""})
    assert where(res, "KG206", tmp_path) == []


def test_every_environment(tmp_path):
    res = lint_tree(tmp_path, {
        "overlays/prod/kustomization.yaml": "resources:\n  - composition.yaml\n",
        "overlays/prod/composition.yaml": COMPOSITION % ("platform.example.org/v1alpha1",
                                                          "XQueue"),
    }, select=["KG206"])
    assert where(res, "KG206", tmp_path) == [("overlays/prod/composition.yaml", 8)]
