from __future__ import annotations

from kustgen.model import Finding, Origin, Severity
from kustgen.report import render
from kustgen.report.github import GithubReporter, escape_data, escape_property

from test_report_common import RDS, sample_findings


def _unescape(s: str) -> str:
    # what the Actions runner does with a command's data and property values
    for k, v in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        s = s.replace(k, v)
    return s


def test_one_command_per_finding():
    out = render("github", sample_findings())
    lines = out.splitlines()
    assert len(lines) == 8
    assert out.endswith("\n")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert render("github", []) == ""


def test_command_format():
    f = sample_findings()[0]
    assert GithubReporter().format_finding(f) == (
        "::error file=overlays/prod/db.yaml,line=12,col=5,title=KG101::deletionPolicy must be "
        "Orphan in prod, got Delete [Instance/orders-db in overlays/prod]")


def test_severity_mapping_and_unknown_position():
    fs = sample_findings()
    rep = GithubReporter()
    assert rep.format_finding(fs[2]).startswith("::warning file=base/claims/orders.yaml,line=8,")
    assert rep.format_finding(fs[4]).startswith("::notice file=base/bucket.yaml,line=1,title=")
    assert rep.format_finding(fs[6]).startswith(
        "::error file=overlays/dev/kustomization.yaml,title=parse-error::")


def test_escaping():
    assert escape_data("100% a\r\nb") == "100%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    f = Finding(Origin("dir,x/a:b.yaml", 3, 0), "rule,with:colon", Severity.ERROR,
                "two\nlines, 50%: done", RDS)
    line = GithubReporter().format_finding(f)
    assert "\n" not in line
    props, msg = line[len("::error "):].split("::", 1)
    assert dict(p.split("=", 1) for p in props.split(",")) == {
        "file": "dir%2Cx/a%3Ab.yaml", "line": "3", "title": "rule%2Cwith%3Acolon"}
    assert _unescape(msg) == "two\nlines, 50%: done [Instance/orders-db]"


def test_base_dir():
    f = Finding(Origin("/work/repo/base/a.yaml", 4, 2), "R", Severity.WARNING, "m")
    assert render("github", [f], base_dir="/work/repo") == (
        "::warning file=base/a.yaml,line=4,col=2,title=R::m\n")
