"""Every rule's documentation holds a bad and a good example; both are linted here, so the
documentation never drifts from what the rule does."""

from __future__ import annotations

import os
import pkgutil

import pytest

from kustgen.lint import registry
from kustgen.lint.rule import CATEGORIES
from lintkit import lint_tree, where

RULES = registry.all_rules()


def _select(rule) -> list:
    """Only the rule itself; a rule about the other rules' findings needs them all."""
    return [] if rule.runs_last else [rule.id]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_bad_example_fires(rule, tmp_path):
    assert rule.bad, "%s has no bad example" % rule.id
    res = lint_tree(tmp_path, rule.bad, select=_select(rule))
    assert where(res, rule.id, tmp_path), "%s does not fire on its bad example" % rule.id


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_good_example_is_clean(rule, tmp_path):
    assert rule.good, "%s has no good example" % rule.id
    res = lint_tree(tmp_path, rule.good, select=_select(rule))
    assert where(res, rule.id, tmp_path) == [], [f.message for f in res.findings]
    assert res.render_errors == 0 or rule.id == "KG104"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_metadata(rule):
    assert rule.id.startswith("KG") and len(rule.id) == 5 and rule.id[2:].isdigit()
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert rule.category in CATEGORIES
    assert rule.summary and "\n" not in rule.summary
    assert len(rule.doc.strip().splitlines()) >= 3, "%s: document why and what to do" % rule.id
    assert rule.environments in ("all", "protected", "unprotected")


def test_registry_is_complete_and_unique():
    import kustgen.lint.rules as pkg
    modules = {m.name for m in pkgutil.iter_modules([os.path.dirname(pkg.__file__)])
               if not m.name.startswith("_")}
    assert modules == set(registry.MODULES), "rule modules and the registry differ"
    ids = [r.id for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for m in registry.MODULES:     # the module name starts with the rule's id
        assert m.startswith(registry.find(m.split("_")[0]).id.lower())
