"""SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).

One run, tool ``kustgen``. ``tool.driver.rules`` lists the rules present in the findings
(sorted by id), described by the ``rules`` option (``{id: description}``; the id when not
given). Each result has ``ruleId``/``ruleIndex``, ``level`` (error, warning, note),
``message.text``, a physical location (``uri`` relative to ``base_dir``, percent-encoded,
POSIX separators; ``region.startLine``/``startColumn`` when known), the resource as a
logical location and ``partialFingerprints["kustgenFindingHash/v1"]``: a SHA-256 of rule,
file uri, overlay, resource identity and field path, so that a finding keeps its
fingerprint when lines move. ``properties`` carry the overlay and field path. A
suppressed finding (listed with ``--show-suppressed``) carries an ``inSource`` suppression
with its reason as justification.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import kustgen
from kustgen.model.finding import Finding, Severity
from kustgen.report import Reporter

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
FINGERPRINT_KEY = "kustgenFindingHash/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def file_uri(path: str) -> str:
    """A URI reference for a (POSIX) path: relative stays relative, absolute gets file://."""
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return quote(path, safe="/")


def fingerprint(rule: str, uri: str, overlay: str, resource: str, path: str) -> str:
    import hashlib  # only when writing SARIF: keeps the CLI's start-up lean

    data = "\x00".join((rule, uri, overlay, resource, path)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class SarifReporter(Reporter):
    name = "sarif"

    def _result(self, f: Finding, rule_index: int) -> dict:
        uri = file_uri(self.file_of(f)) if f.origin.file else ""
        resource = ""
        if f.resid is not None:
            r = f.resid
            resource = "%s/%s/%s/%s" % (r.gvk.api_version, r.gvk.kind, r.namespace, r.name)
        res: dict = {
            "ruleId": f.rule,
            "ruleIndex": rule_index,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
        }
        loc: dict = {}
        if uri:
            phys: dict = {"artifactLocation": {"uri": uri}}
            if f.origin.line > 0:
                region = {"startLine": f.origin.line}
                if f.origin.column > 0:
                    region["startColumn"] = f.origin.column
                phys["region"] = region
            loc["physicalLocation"] = phys
        if f.resid is not None:
            loc["logicalLocations"] = [{
                "name": f.resid.name,
                "fullyQualifiedName": f.resid.short(),
                "kind": "resource",
            }]
        if loc:
            res["locations"] = [loc]
        res["partialFingerprints"] = {
            FINGERPRINT_KEY: fingerprint(f.rule, uri, f.overlay, resource, f.path),
        }
        props: dict = {}
        if f.overlay:
            props["overlay"] = f.overlay
        if f.path:
            props["path"] = f.path
        if f.resid is not None:
            props["resource"] = {
                "apiVersion": f.resid.gvk.api_version,
                "kind": f.resid.gvk.kind,
                "namespace": f.resid.namespace,
                "name": f.resid.name,
            }
        if props:
            res["properties"] = props
        if f.suppressed:
            res["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
        return res

    def document(self) -> dict:
        findings = self.findings()
        rule_ids = sorted({f.rule for f in findings})
        index = {r: i for i, r in enumerate(rule_ids)}
        rules = [{
            "id": r,
            "shortDescription": {"text": self.rules.get(r) or r},
        } for r in rule_ids]
        return {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "kustgen",
                    "version": self.tool_version or kustgen.__version__,
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": [self._result(f, index[f.rule]) for f in findings],
            }],
        }

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        return json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n"
