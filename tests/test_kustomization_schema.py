"""schemas/kustomization.schema.json: the JSON Schema kustgen ships for kustomization.yaml
(editor completion, later `kustgen lint`). It must know exactly the fields the engine
knows, and accept real kustomizations."""

from __future__ import annotations

import glob
import json
import os

import jsonschema
import pytest

from conftest import REPO, need_shared
from kustgen.kustomize.kustomization import KNOWN_FIELDS, parse_kustomization
from kustgen.kustomize.loader import load_kustomization_yaml

SCHEMA_PATH = os.path.join(REPO, "schemas", "kustomization.schema.json")


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_PATH) as fh:
        schema = json.load(fh)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _load(path):
    with open(path, "rb") as fh:
        return load_kustomization_yaml(fh.read(), path)[0]


def test_schema_and_engine_know_the_same_fields():
    with open(SCHEMA_PATH) as fh:
        props = set(json.load(fh)["properties"])
    assert props == set(KNOWN_FIELDS)


def test_example_repo_kustomizations_are_valid(validator):
    files = glob.glob(os.path.join(REPO, "base", "**", "kustomization.yaml"), recursive=True) + \
        glob.glob(os.path.join(REPO, "overlays", "**", "kustomization.yaml"), recursive=True)
    assert len(files) >= 5
    for f in files:
        errors = list(validator.iter_errors(_load(f)))
        assert not errors, (f, [e.message for e in errors])


def test_typos_and_wrong_types_are_caught(validator):
    bad = {"resources": ["a.yaml"], "namePrefx": "dev-", "replicas": [{"name": "x", "count": "2"}],
           "configMapGenerator": [{"name": "s", "behavior": "append"}]}
    msgs = " ".join(e.message for e in validator.iter_errors(bad))
    assert "namePrefx" in msgs
    assert "'2' is not of type 'integer'" in msgs
    assert "'append' is not one of" in msgs


def test_conformance_kustomizations_that_build_are_valid(validator, tmp_path):
    cases_path = need_shared("conformance", "kustomize", "cases.jsonl")
    checked = 0
    with open(cases_path) as fh:
        for line in fh:
            case = json.loads(line)
            if case["expected"] is None:
                continue
            for rel, text in case["files"].items():
                if os.path.basename(rel) not in ("kustomization.yaml", "kustomization.yml"):
                    continue
                data = load_kustomization_yaml(text.encode("utf-8", "surrogateescape"), rel)[0]
                # field names are case-insensitive to Kustomize (Go's encoding/json)
                data = parse_kustomization(data, rel).raw
                errors = [e.message for e in validator.iter_errors(data)]
                assert not errors, (case["id"], rel, errors)
                checked += 1
    assert checked > 150
