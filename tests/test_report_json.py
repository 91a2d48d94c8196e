from __future__ import annotations

import json

from kustgen.model import Finding, Origin, Severity
from kustgen.report import render

from test_report_common import CLAIM, check_golden, sample_findings

FINDING_KEYS = ["rule", "severity", "message", "file", "line", "column", "path", "overlay",
                "resource", "suppressed"]
SUMMARY_KEYS = ["errors", "warnings", "infos", "findings", "files", "resources",
                "resourcesChecked", "filesChecked", "suppressed"]


def test_golden(update_golden):
    check_golden("report.json", render("json", sample_findings(), resources=40, files=12),
                 update_golden)


def test_shape_and_key_order():
    doc = json.loads(render("json", sample_findings()))
    assert list(doc) == ["version", "findings", "summary"]
    assert doc["version"] == 1
    assert len(doc["findings"]) == 8
    for f in doc["findings"]:
        assert list(f) == FINDING_KEYS
        if f["resource"] is not None:
            assert list(f["resource"]) == ["apiVersion", "kind", "namespace", "name"]
    assert list(doc["summary"]) == SUMMARY_KEYS


def test_finding_fields():
    doc = json.loads(render("json", [sample_findings()[3]]))
    assert doc["findings"] == [{
        "rule": "KG204", "severity": "warning",
        "message": "storageGB 5 is below the platform minimum: 20",
        "file": "base/claims/orders.yaml", "line": 8, "column": 7,
        "path": "/spec/parameters/storageGB", "overlay": "overlays/dev",
        "resource": {"apiVersion": "platform.example.org/v1alpha1",
                     "kind": "PostgresInstance", "namespace": "team-a", "name": "orders"},
        "suppressed": None,
    }]
    assert CLAIM.gvk.api_version == "platform.example.org/v1alpha1"


def test_core_group_api_version_and_no_resource():
    fs = sample_findings()
    doc = json.loads(render("json", [fs[5], fs[6]]))
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert by_rule["KG500"]["resource"]["apiVersion"] == "v1"
    assert by_rule["parse-error"]["resource"] is None
    assert by_rule["parse-error"]["line"] == 0
    assert by_rule["parse-error"]["message"] == (
        "mapping values are not allowed here,\nline 4: a: b: c")


def test_summary():
    doc = json.loads(render("json", sample_findings(), resources=40, files=12))
    assert doc["summary"] == {"errors": 4, "warnings": 3, "infos": 1, "findings": 8,
                              "files": 6, "resources": 6, "resourcesChecked": 40,
                              "filesChecked": 12, "suppressed": 0}
    empty = json.loads(render("json", []))
    assert empty == {"version": 1, "findings": [], "summary": {
        "errors": 0, "warnings": 0, "infos": 0, "findings": 0, "files": 0, "resources": 0,
        "resourcesChecked": None, "filesChecked": None, "suppressed": 0}}


def test_unicode_kept_and_one_trailing_newline():
    out = render("json", sample_findings())
    assert "patch ü.yaml" in out
    assert out.endswith("}\n") and not out.endswith("\n\n")


def test_base_dir():
    f = Finding(Origin("/repo/base/a.yaml", 1, 1), "R", Severity.ERROR, "m")
    doc = json.loads(render("json", [f], base_dir="/repo"))
    assert doc["findings"][0]["file"] == "base/a.yaml"
