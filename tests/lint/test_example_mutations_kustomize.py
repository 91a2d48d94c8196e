"""Kustomize rules on the example repository: the unchanged copy is clean, and one small,
realistic edit makes exactly the expected rule fire at the expected file:line."""

from __future__ import annotations

import os

import pytest

from conftest import copy_example
from lintkit import lint_tree, messages, where

RULES = ["KG102", "KG103", "KG104", "KG105", "KG106"]


@pytest.fixture
def repo(tmp_path):
    return copy_example(tmp_path / "repo")


def edit(repo, rel: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in `rel`; returns the 1-based line it started on."""
    p = os.path.join(str(repo), rel)
    with open(p) as fh:
        text = fh.read()
    assert text.count(old) == 1, (rel, old)
    line = text[:text.index(old)].count("\n") + 1
    with open(p, "w") as fh:
        fh.write(text.replace(old, new))
    return line


def write(repo, rel: str, text: str) -> None:
    p = os.path.join(str(repo), rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as fh:
        fh.write(text)


def test_example_repo_is_clean(repo):
    res = lint_tree(repo, select=RULES)
    assert res.render_errors == 0
    assert [f for f in res.findings if f.rule in RULES] == []


def test_kg102_provider_patch_target_typo(repo):
    # prod: the IRSA runtime config patch targets a kind that does not exist
    line = edit(repo, "overlays/prod/kustomization.yaml",
                "  - target:\n      group: pkg.crossplane.io\n      kind: Provider\n",
                "  - target:\n      group: pkg.crossplane.io\n      kind: Providers\n")
    res = lint_tree(repo, select=["KG102"])
    assert where(res, "KG102", repo) == [("overlays/prod/kustomization.yaml", line)]
    assert "kind: Providers" in messages(res, "KG102")[0]


def test_kg102_replacement_target_renamed_subnet(repo):
    # staging: the zone-b replacement still names a subnet the base no longer has
    edit(repo, "base/network/subnets.yaml", "  name: orders-private-b\n",
         "  name: orders-private-c\n")
    edit(repo, "overlays/dev/kustomization.yaml", "name: orders-private-b", "name: orders-private-c")
    edit(repo, "overlays/prod/kustomization.yaml", "name: orders-private-b", "name: orders-private-c")
    p = os.path.join(str(repo), "overlays/staging/kustomization.yaml")
    with open(p) as fh:
        text = fh.read()
    sel = "      - select:\n          kind: Subnet\n          name: orders-private-b\n"
    line = text[:text.index(sel)].count("\n") + 1
    res = lint_tree(repo, select=["KG102"])
    assert where(res, "KG102", repo) == [("overlays/staging/kustomization.yaml", line)]


def test_kg103_patch_file_never_listed(repo):
    write(repo, "overlays/staging/patches/invoices-bucket.yaml", """\
apiVersion: platform.example.org/v1alpha1
kind: Bucket
metadata:
  name: invoices
  namespace: orders
spec:
  parameters:
    versioning: false
""")
    res = lint_tree(repo, select=["KG103"])
    assert where(res, "KG103", repo) == [("overlays/staging/patches/invoices-bucket.yaml", 1)]
    assert "overlays/staging/kustomization.yaml" in messages(res, "KG103")[0]


def test_kg104_base_resource_renamed(repo):
    line = edit(repo, "base/kustomization.yaml", "  - network/vpc.yaml\n",
                "  - network/vpcs.yaml\n")
    res = lint_tree(repo, select=["KG104"])
    assert where(res, "KG104", repo) == [("base/kustomization.yaml", line)]
    [msg] = messages(res, "KG104")
    assert msg.startswith("overlays/dev, overlays/prod, overlays/staging do not build")
    assert "vpcs.yaml" in msg


def test_kg105_composition_pipeline_replaced(repo):
    # staging: adding a function step with a strategic-merge patch drops the existing step
    edit(repo, "overlays/staging/kustomization.yaml", "  - path: patches/orders-db.yaml\n",
         "  - path: patches/orders-db.yaml\n  - path: patches/auto-ready.yaml\n")
    write(repo, "overlays/staging/patches/auto-ready.yaml", """\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets-aws
spec:
  pipeline:
    - step: auto-ready
      functionRef:
        name: function-auto-ready
""")
    res = lint_tree(repo, select=["KG105"])
    assert where(res, "KG105", repo) == [("overlays/staging/patches/auto-ready.yaml", 6)]
    [msg] = messages(res, "KG105")
    assert "spec.pipeline" in msg and "(1 item in the base) with its 1 item" in msg


def test_kg106_second_localstack_component(repo):
    # dev: a second component also brings a ProviderConfig named "localstack"
    write(repo, "base/components/localstack-s3/kustomization.yaml", """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - provider-config.yaml
""")
    write(repo, "base/components/localstack-s3/provider-config.yaml", """\
# S3 only, virtual-host style
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: localstack
spec:
  credentials:
    source: Secret
    secretRef:
      namespace: crossplane-system
      name: localstack-aws-credentials
      key: credentials
""")
    edit(repo, "overlays/dev/kustomization.yaml", "  - ../../base/components/localstack\n",
         "  - ../../base/components/localstack\n  - ../../base/components/localstack-s3\n")
    res = lint_tree(repo, select=["KG106"])
    assert where(res, "KG106", repo) == [("base/components/localstack-s3/provider-config.yaml", 2)]
    [msg] = messages(res, "KG106")
    assert "base/components/localstack/provider-config.yaml:1" in msg
