"""KG105 smp-list-replaced: strategic-merge patches that replace a custom resource's list."""

from __future__ import annotations

from lintkit import lint_tree, messages, where

SG = """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: db-ingress
spec:
  forProvider:
    region: eu-west-1
    type: ingress
    cidrBlocks:
      - 10.0.0.0/16
      - 10.1.0.0/16
      - 10.2.0.0/16
"""

PATCH_ONE = """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: db-ingress
spec:
  forProvider:
    cidrBlocks:
      - 172.16.0.0/12
"""

BASE = {
    "base/kustomization.yaml": "resources:\n  - security-group.yaml\n",
    "base/security-group.yaml": SG,
}


def test_patch_file_replacing_a_list(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
patches:
  - path: allow-vpn.yaml
"""
    files["overlays/dev/allow-vpn.yaml"] = PATCH_ONE
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == [("overlays/dev/allow-vpn.yaml", 7)]
    [msg] = messages(res, "KG105")
    assert "spec.forProvider.cidrBlocks" in msg
    assert "(3 items in the base) with its 1 item" in msg
    assert "path: /spec/forProvider/cidrBlocks/-" in msg


def test_inline_patch_with_target(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
patches:
  - target:
      kind: SecurityGroupRule
    patch: |-
      apiVersion: ec2.aws.upbound.io/v1beta1
      kind: SecurityGroupRule
      metadata:
        name: any
      spec:
        forProvider:
          cidrBlocks:
            - 172.16.0.0/12
"""
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == [("overlays/dev/kustomization.yaml", 13)]


def test_list_repeating_the_base_items_is_clean(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = "resources:\n  - ../../base\n" \
                                               "patches:\n  - path: allow-vpn.yaml\n"
    files["overlays/dev/allow-vpn.yaml"] = PATCH_ONE + """\
      - 10.0.0.0/16
      - 10.1.0.0/16
      - 10.2.0.0/16
"""
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == []


def test_json6902_append_is_clean(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = """\
resources:
  - ../../base
patches:
  - target:
      kind: SecurityGroupRule
    patch: |-
      - op: add
        path: /spec/forProvider/cidrBlocks/-
        value: 172.16.0.0/12
"""
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == []


def test_replace_directive_is_taken_as_meant(tmp_path):
    files = dict(BASE)
    files["overlays/dev/kustomization.yaml"] = "resources:\n  - ../../base\n" \
                                               "patches:\n  - path: allow-vpn.yaml\n"
    files["overlays/dev/allow-vpn.yaml"] = """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: SecurityGroupRule
metadata:
  name: db-ingress
spec:
  forProvider:
    $patch: replace
    region: eu-west-1
    type: ingress
    cidrBlocks:
      - 172.16.0.0/12
"""
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == []


def test_builtin_kind_with_merge_key_is_clean(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "base/deploy.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
        - name: sidecar
          image: envoy:1.31
""",
        "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n"
                                           "patches:\n  - path: image.yaml\n",
        "overlays/dev/image.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.28
""",
    }
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == []


def test_patch_in_base_reported_once(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - security-group.yaml\n"
                                   "patches:\n  - path: allow-vpn.yaml\n",
        "base/security-group.yaml": SG,
        "base/allow-vpn.yaml": PATCH_ONE,
        "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    }
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == [("base/allow-vpn.yaml", 7)]


def test_environment_scope_from_settings(tmp_path):
    files = dict(BASE)
    for env in ("dev", "prod"):
        files["overlays/%s/kustomization.yaml" % env] = "resources:\n  - ../../base\n" \
                                                        "patches:\n  - path: allow-vpn.yaml\n"
        files["overlays/%s/allow-vpn.yaml" % env] = PATCH_ONE
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
  KG105:
    environments: [unprotected]
"""
    res = lint_tree(tmp_path, files, select=["KG105"])
    assert where(res, "KG105", tmp_path) == [("overlays/dev/allow-vpn.yaml", 7)]
