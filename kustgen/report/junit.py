"""JUnit XML, for CI test-report views (GitLab, Jenkins, Azure, GitHub test reporters).

Shape (one test case per resource, which is what those views list best: a row per
``Kind/name`` with its file as the class, grouped in one suite per overlay)::

    <testsuites name="kustgen" tests="2" failures="1" errors="0">
      <testsuite name="overlays/prod" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="overlays/prod/db.yaml" name="RDSInstance/main">
          <failure message="deletionPolicy must be Orphan" type="error">...one line per finding...</failure>
        </testcase>
        <testcase classname="base/bucket.yaml" name="Bucket/logs">
          <system-out>...findings below fail_on...</system-out>
        </testcase>

- A test case is one resource in one overlay, its class the file of its first finding;
  findings about no resource (a file that does not parse, say) make a test case per file,
  named after the file.
- It fails (one ``<failure>``, whose body lists every finding of the case, one line each in
  the text format) when one of its findings is at or above ``fail_on`` (default: error);
  otherwise its findings go to ``<system-out>`` and it passes. ``message`` is the first
  such finding's message (``(+N more)`` when there are more); ``type`` its severity.
- Suites are named after the overlay (``kustgen`` for findings with none).
- Only resources with findings are listed (a reporter sees findings, not everything
  checked); a run with no findings gives one passing case ``kustgen`` so that CI shows
  something ran.
- Characters XML 1.0 cannot carry are replaced by U+FFFD.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kustgen.model.finding import Finding
from kustgen.report import Reporter, _resid_key, resource_label
from kustgen.report.text import TextReporter


@lru_cache(maxsize=1)
def _xml_bad() -> "re.Pattern[str]":
    # compiled on first use: the pattern is slow to compile and most runs write no JUnit
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(s: str) -> str:
    return _xml_bad().sub("\ufffd", s)


class JunitReporter(Reporter):
    name = "junit"

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        import xml.etree.ElementTree as ET  # only when writing JUnit: keeps startup lean

        line_fmt = TextReporter(base_dir=self.base_dir)
        # overlay -> resource (or file, for findings about no resource) -> findings
        suites: dict[str, dict[tuple, list[Finding]]] = {}
        for f in self.findings():
            key = ("r",) + _resid_key(f.resid) if f.resid is not None else ("f", f.origin.file)
            suites.setdefault(f.overlay or "kustgen", {}).setdefault(key, []).append(f)

        root = ET.Element("testsuites", name="kustgen")
        total = total_fail = 0
        if not suites:
            suite = ET.SubElement(root, "testsuite", name="kustgen", tests="1", failures="0",
                                  errors="0", skipped="0")
            case = ET.SubElement(suite, "testcase", classname="kustgen", name="kustgen")
            checked = []
            if resources is not None:
                checked.append("%d resources" % resources)
            if files is not None:
                checked.append("%d files" % files)
            out = ET.SubElement(case, "system-out")
            out.text = "no findings" + (" (%s checked)" % " in ".join(checked) if checked else "")
            total = 1
        for overlay in sorted(suites):
            cases = suites[overlay]
            suite = ET.SubElement(root, "testsuite", name=_x(overlay))
            fails = 0
            rows = []
            for fs in cases.values():
                # class: the file of the resource's first finding; name: the resource
                file = self.file_of(fs[0]) or "kustgen"
                name = resource_label(fs[0].resid) if fs[0].resid is not None else file
                rows.append((file, name, fs))
            for file, name, fs in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
                case = ET.SubElement(suite, "testcase", classname=_x(file), name=_x(name))
                body = "\n".join(_x(line_fmt.format_finding(f)) for f in fs)
                failing = [f for f in fs if f.severity >= self.fail_on and not f.suppressed]
                if failing:
                    fails += 1
                    first = failing[0]
                    msg = first.message
                    if len(fs) > 1:
                        msg += " (+%d more)" % (len(fs) - 1)
                    fail = ET.SubElement(case, "failure", message=_x(msg),
                                         type=str(max(f.severity for f in failing)))
                    fail.text = body
                else:
                    out = ET.SubElement(case, "system-out")
                    out.text = body
            suite.set("tests", str(len(cases)))
            suite.set("failures", str(fails))
            suite.set("errors", "0")
            suite.set("skipped", "0")
            total += len(cases)
            total_fail += fails
        root.set("tests", str(total))
        root.set("failures", str(total_fail))
        root.set("errors", "0")
        ET.indent(root)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                + ET.tostring(root, encoding="unicode") + "\n")
