"""The general rules (KG4xx) on the example repository: clean as it is; each fires at
the exact line of one realistic edit."""

from __future__ import annotations

import os

from conftest import copy_example
from lintkit import lint_tree, where

RULES = ["KG401", "KG402"]


def edit(root, rel, old, new):
    p = os.path.join(str(root), rel)
    with open(p) as fh:
        text = fh.read()
    assert old in text, (rel, old)
    with open(p, "w") as fh:
        fh.write(text.replace(old, new, 1))
    return text.replace(old, new, 1)


def line_of(text, needle):
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_example_repo_is_clean(tmp_path):
    root = copy_example(tmp_path / "repo")
    res = lint_tree(root, select=RULES)
    assert res.render_errors == 0
    assert [f for f in res.findings if f.rule in RULES] == []


def test_kg401_label_value_with_a_slash(tmp_path):
    root = copy_example(tmp_path / "repo")
    text = edit(root, "base/network/subnets.yaml",
                "networking.platform.example.org/tier: private\n",
                "networking.platform.example.org/tier: private/a\n")
    res = lint_tree(root, select=["KG401"])
    assert where(res, "KG401", root) == [
        ("base/network/subnets.yaml", line_of(text, "tier: private/a"))]


def test_kg402_localstack_component_in_prod(tmp_path):
    root = copy_example(tmp_path / "repo")
    edit(root, "overlays/prod/kustomization.yaml",
         "  - runtime-config.yaml\n",
         "  - runtime-config.yaml\n\ncomponents:\n  - ../../base/components/localstack\n")
    res = lint_tree(root, select=["KG402"])
    with open(os.path.join(str(root), "base/components/localstack/kustomization.yaml")) as fh:
        comp = fh.read()
    assert where(res, "KG402", root) == [
        ("base/components/localstack/kustomization.yaml", line_of(comp, "    literals:"))]
    [f] = [f for f in res.findings if f.rule == "KG402"]
    assert "prod" in f.message and "aws_secret_access_key" not in f.message
