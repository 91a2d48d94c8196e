"""kubeconform's own fixtures (../shared/examples/kubeconform, expectations.md): kustgen
validate behaves as kubeconform does, row by row, where it should; each deliberate
difference is a test of its own, with the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, need_shared


def validate(*args, cwd=None):
    root = cwd or need_shared("examples", "kubeconform")
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", "validate", "--format", "json", *args],
                       cwd=root, capture_output=True, text=True, env=env, timeout=120)
    data = json.loads(p.stdout) if p.stdout.strip().startswith("{") else None
    return p, data


# (row in expectations.md, fixture, extra flags, exit, resources, message substring)
SAME = [
    ("3", "fixtures/valid.yaml", [], 0, 1, None),
    ("4", "fixtures/folder", [], 0, 7, None),
    ("5", "fixtures/int_or_string.yaml", [], 0, 1, None),
    ("6", "fixtures/valid.json", ["--kubernetes-version", "1.25.0"], 0, 1, None),
    ("7", "fixtures/generate_name.yaml", [], 0, 1, None),
    ("8", "fixtures/quantity.yaml", [], 0, 1, None),
    ("9", "fixtures/null_string.yaml", [], 0, 1, None),
    ("11", "fixtures/multi_valid.yaml", [], 0, 6, None),
    ("12", "fixtures/multi_invalid.yaml", [], 1, 6, "is not of type"),
    ("13", "fixtures/invalid.yaml", [], 1, 1, 'unknown field "templates"'),
    ("15", "fixtures/blank.yaml", [], 0, 0, None),
    ("16", "fixtures/comment.yaml", [], 0, 0, None),
    ("17", "fixtures/missing_kind.yaml", [], 1, 0, "missing 'kind' key"),
    ("18", "fixtures/missing_apiversion.yaml", [], 1, 0, "missing 'apiVersion' key"),
    ("19", "fixtures/missing_kind_value.yaml", [], 1, 0, "missing 'kind' key"),
    ("23", "fixtures/extra_property.yaml", ["--kubernetes-version", "1.25.0"], 1, 1,
     'unknown field "replicas"'),
    ("24", "fixtures/duplicate_property.yaml", [], 1, 0, 'mapping key "containers" already defined'),
]


@pytest.mark.parametrize("row, fixture, flags, code, n, text", SAME, ids=[r[0] for r in SAME])
def test_like_kubeconform(row, fixture, flags, code, n, text):
    p, data = validate(fixture, *flags)
    assert p.returncode == code, (p.stdout, p.stderr)
    assert data["summary"]["resourcesChecked"] == n
    if text:
        assert any(text in f["message"] for f in data["findings"]), data["findings"]
        located = [f for f in data["findings"] if f["severity"] == "error"]
        assert all(f["file"] and f["line"] for f in located)
    else:
        assert data["findings"] == []


def test_row14_missing_path_is_an_error_naming_it():
    p, data = validate("fixtures/not-here")
    assert p.returncode == 1
    assert data["findings"][0]["file"].endswith("not-here")
    assert "no such file" in data["findings"][0]["message"]


def test_row22_differs_strict_is_our_default():
    """kubeconform allows unknown properties unless -strict; the API server silently
    drops them, which on this platform hides typos until sync time, so kustgen is strict
    by default and --no-strict gives kubeconform's answer."""
    p, _ = validate("fixtures/extra_property.yaml")
    assert p.returncode == 1
    p, data = validate("fixtures/extra_property.yaml", "--no-strict")
    assert p.returncode == 0 and data["findings"] == []


def test_row25_differs_duplicate_keys_are_always_errors():
    """kubeconform tolerates a repeated key without -strict; Kustomize (go-yaml v3) refuses
    such a file, so it could never be applied through a kustomization: always an error."""
    p, _ = validate("fixtures/duplicate_property.yaml", "--no-strict")
    assert p.returncode == 1


def test_rows20_21_differ_missing_schema_is_a_warning_by_default(tmp_path):
    """kubeconform fails on a kind it has no schema for (row 20) unless
    -ignore-missing-schemas (row 21). kustgen warns by default (repos carry many CRDs it
    may not have been given) and fails with --fail-on warning."""
    src = need_shared("examples", "kubeconform", "fixtures", "test_crd.yaml")
    alone = tmp_path / "test_crd.yaml"
    alone.write_bytes(open(src, "rb").read())
    p, data = validate(str(alone), cwd=str(tmp_path))
    assert p.returncode == 0
    assert [f["rule"] for f in data["findings"]] == ["missing-schema"]
    assert data["findings"][0]["severity"] == "warning"
    p, _ = validate(str(alone), "--fail-on", "warning", cwd=str(tmp_path))
    assert p.returncode == 1


def test_row20_differs_crds_in_the_repo_are_found():
    """Run where kubeconform's fixtures are, kustgen finds the TrainingJob CRD that sits in
    the same tree (fixtures/crd_schema.yaml, fixtures/registry/...) and
    validates against it, where kubeconform reports a missing schema: CRDs in the
    repository count as schemas."""
    p, data = validate("fixtures/test_crd.yaml", "--summary")
    assert p.returncode == 0, p.stdout
    assert data["findings"] == []
    cov = {c["kind"]: c for c in data["coverage"]}
    assert cov["TrainingJob"]["validated"] == 1
    assert "CRD trainingjobs.sagemaker.aws.amazon.com" in cov["TrainingJob"]["source"]
