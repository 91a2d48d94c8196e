from __future__ import annotations

import re

from kustgen.model import Finding, Origin, Severity
from kustgen.report import get_reporter, render
from kustgen.report.text import TextReporter

from test_report_common import RDS, check_golden, sample_findings

ANSI = re.compile("\x1b\\[[0-9;]*m")


def test_golden(update_golden):
    check_golden("text.txt", render("text", sample_findings(), resources=40, files=12),
                 update_golden)


def test_golden_color(update_golden):
    check_golden("text_color.txt", render("text", sample_findings(), color=True),
                 update_golden)


def test_line_format():
    f = sample_findings()[0]
    assert TextReporter().format_finding(f) == (
        "overlays/prod/db.yaml:12:5: error KG101: deletionPolicy must be Orphan in prod, "
        "got Delete [Instance/orders-db in overlays/prod]")


def test_unknown_position_and_namespace_and_no_resource():
    fs = sample_findings()
    rep = TextReporter()
    assert rep.format_finding(fs[6]).startswith(
        "overlays/dev/kustomization.yaml: error parse-error: mapping values")
    assert rep.format_finding(fs[4]).startswith("base/bucket.yaml:1: info KG310:")
    assert "[team-a/PostgresInstance/orders in overlays/dev]" in rep.format_finding(fs[3])
    assert rep.format_finding(fs[6]).endswith("[in overlays/dev]")
    bare = Finding(Origin(""), "R", Severity.WARNING, "no file")
    assert rep.format_finding(bare) == "warning R: no file"


def test_grouped_by_file_with_blank_line_between_files():
    out = render("text", sample_findings()).splitlines()
    files = []
    for line in out[:-2]:
        if line and not line.startswith(" "):
            files.append(line.split(":", 1)[0])
    # each file's lines are contiguous, files in sorted order
    runs = [f for i, f in enumerate(files) if i == 0 or files[i - 1] != f]
    assert runs == sorted(set(files))
    assert out.count("") == len(runs)  # one blank between groups and one before the summary


def test_summary_line():
    out = render("text", sample_findings())
    assert out.endswith("\n4 errors, 3 warnings, 1 info in 6 files\n")
    one = render("text", sample_findings()[:1], resources=1)
    assert one.endswith("\n1 error, 0 warnings in 1 file (1 resource checked)\n")
    assert render("text", []) == "0 errors, 0 warnings in 0 files\n"


def test_color_only_when_asked():
    plain = render("text", sample_findings())
    colored = render("text", sample_findings(), color=True)
    assert "\x1b" not in plain
    assert "\x1b[1;31merror\x1b[0m" in colored
    assert ANSI.sub("", colored) == plain


def test_multiline_message_is_indented():
    out = render("text", sample_findings())
    assert "mapping values are not allowed here,\n    line 4: a: b: c [in overlays/dev]" in out


def test_control_characters_cannot_reach_the_terminal():
    f = Finding(Origin("a.yaml", 1, 1), "R", Severity.ERROR, "evil \x1b]0;title\x07 \x1b[2J",
                RDS)
    out = get_reporter("text", color=False).format_finding(f)
    assert "\x1b" not in out and "\x07" not in out
    assert "evil \\x1b]0;title\\x07 \\x1b[2J" in out


def test_base_dir_makes_paths_relative():
    f = Finding(Origin("/repo/overlays/dev/a.yaml", 2, 1), "R", Severity.ERROR, "m")
    assert get_reporter("text", base_dir="/repo").format_finding(f) == (
        "overlays/dev/a.yaml:2:1: error R: m")
