"""JUnit XML: parsed back with xml.etree and with junitparser (test dependency), the parser
many CI tools' Python glue uses. Without junitparser those tests skip, and fail when
KUSTGEN_REQUIRE_SHARED=1 (CI)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest

from kustgen.model import Finding, Origin, Severity
from kustgen.report import render

from test_report_common import RDS, sample_findings


def junitparser():
    try:
        import junitparser as jp
    except ModuleNotFoundError:
        msg = "junitparser is not installed"
        if os.environ.get("KUSTGEN_REQUIRE_SHARED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return jp


def _cases(root) -> dict[tuple[str, str, str], ET.Element]:
    return {(s.get("name"), c.get("classname"), c.get("name")): c
            for s in root.iter("testsuite") for c in s.iter("testcase")}


def test_structure_with_etree():
    out = render("junit", sample_findings())
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["overlays/dev", "overlays/prod",
                                              "overlays/staging"]
    for s in suites:
        cases = s.findall("testcase")
        assert int(s.get("tests")) == len(cases)
        assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert s.get("errors") == "0"
    assert int(root.get("tests")) == 7
    assert int(root.get("failures")) == 3
    cases = _cases(root)
    # one case per resource per overlay; a finding about no resource: a case for its file
    assert ("overlays/prod", "overlays/prod/db.yaml", "Instance/orders-db") in cases
    assert ("overlays/dev", "overlays/dev/kustomization.yaml",
            "overlays/dev/kustomization.yaml") in cases
    db = cases[("overlays/prod", "overlays/prod/db.yaml", "Instance/orders-db")]
    fail = db.find("failure")
    assert fail.get("type") == "error"
    assert fail.get("message") == "spec.forProvider.instanceClass: 42 is not of type 'string' (+1 more)"
    assert fail.text.splitlines() == [
        "overlays/prod/db.yaml:3:3: error schema: spec.forProvider.instanceClass: 42 is not "
        "of type 'string' [Instance/orders-db in overlays/prod]",
        "overlays/prod/db.yaml:12:5: error KG101: deletionPolicy must be Orphan in prod, got "
        "Delete [Instance/orders-db in overlays/prod]",
    ]
    warn = cases[("overlays/staging", "overlays/staging/patch ü.yaml", "Instance/orders-db")]
    assert warn.find("failure") is None
    assert 'region <eu-west-1> & "quoted" differs' in warn.find("system-out").text


def test_parsed_by_junitparser():
    jp = junitparser()
    xml = jp.JUnitXml.fromstring(render("junit", sample_findings()).encode("utf-8"))
    assert (xml.tests, xml.failures, xml.errors) == (7, 3, 0)
    seen = {}
    for suite in xml:
        for case in suite:
            seen[(suite.name, case.classname, case.name)] = case
    assert len(seen) == 7
    secret = seen[("overlays/dev", "base/secret.yaml", "team-a/Secret/db-creds")]
    assert not secret.is_passed
    (res,) = secret.result
    assert isinstance(res, jp.Failure)
    assert res.message == 'Secret key "password" has a literal value; use an ExternalSecret'
    claim = seen[("overlays/dev", "base/claims/orders.yaml", "team-a/PostgresInstance/orders")]
    assert claim.is_passed
    assert "KG204" in claim.system_out


def test_fail_on_warning_fails_warnings_too():
    root = ET.fromstring(render("junit", sample_findings(), fail_on=Severity.WARNING))
    assert root.get("failures") == "6"
    root = ET.fromstring(render("junit", sample_findings(), fail_on=Severity.INFO))
    assert root.get("failures") == "7"


def test_no_findings_still_shows_a_passing_case():
    root = ET.fromstring(render("junit", [], resources=12, files=3))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    (case,) = root.iter("testcase")
    assert case.find("failure") is None
    assert case.find("system-out").text == "no findings (12 resources in 3 files checked)"


def test_characters_xml_cannot_carry_are_replaced():
    f = Finding(Origin("a.yaml", 1, 1), "R", Severity.ERROR, "nul\x00 and bell\x07 here", RDS)
    out = render("junit", [f])
    fail = ET.fromstring(out).find("testsuite/testcase/failure")
    assert fail.get("message") == "nul\ufffd and bell\ufffd here"


def test_base_dir():
    f = Finding(Origin("/repo/base/a.yaml", 1, 1), "R", Severity.ERROR, "m", RDS, "", "dev")
    case = ET.fromstring(render("junit", [f], base_dir="/repo")).find("testsuite/testcase")
    assert case.get("classname") == "base/a.yaml"
