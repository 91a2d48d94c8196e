"""Suppression rules on the example repository, and one check across the mutation tests:
every rule of the registry is triggered by an edit of the example repository."""

from __future__ import annotations

import glob
import os
import re

import pytest

from conftest import copy_example
from kustgen.lint import registry
from lintkit import lint_tree, where


@pytest.fixture
def repo(tmp_path):
    return copy_example(tmp_path / "repo")


def test_kg101_prod_back_on_patches_strategic_merge(repo):
    k = repo / "overlays/prod/kustomization.yaml"
    text = k.read_text()
    assert text.count("  - path: patches/orders-db.yaml\n") == 1
    k.write_text(text.replace("  - path: patches/orders-db.yaml\n", "") +
                 "patchesStrategicMerge:\n  - patches/orders-db.yaml\n")
    line = k.read_text().splitlines().index("patchesStrategicMerge:") + 1
    res = lint_tree(repo)
    assert where(res, "KG101", repo) == [("overlays/prod/kustomization.yaml", line)]
    assert res.render_errors == 0


def test_kg001_reasonless_suppression(repo):
    p = repo / "overlays/prod/patches/orders-db.yaml"
    lines = p.read_text().splitlines(keepends=True)
    lines.insert(0, "# kustgen: ignore[KG202]\n")
    p.write_text("".join(lines))
    res = lint_tree(repo)
    assert where(res, "KG001", repo) == [("overlays/prod/patches/orders-db.yaml", 1)]


def test_kg002_stale_suppression(repo):
    p = repo / "base/network/vpc.yaml"
    text = p.read_text()
    p.write_text(text.replace("kind: VPC\n", "kind: VPC  # kustgen: ignore[KG201] the "
                              "default ProviderConfig is right here\n", 1))
    line = text.splitlines().index("kind: VPC") + 1
    res = lint_tree(repo)
    assert where(res, "KG002", repo) == [("base/network/vpc.yaml", line)]


def test_every_rule_has_a_mutation_test():
    """Each rule id appears in a test function name of the example-mutation modules."""
    here = os.path.dirname(__file__)
    names = []
    for f in glob.glob(os.path.join(here, "test_example_mutations_*.py")):
        with open(f) as fh:
            names += re.findall(r"^def (test_\w+)", fh.read(), re.M)
    covered = {m.upper() for n in names for m in re.findall(r"kg\d{3}", n)}
    assert {r.id for r in registry.all_rules()} - covered == set()
