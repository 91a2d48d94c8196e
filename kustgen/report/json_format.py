"""The versioned JSON report (``--format json``); the module is not called ``json`` so as not
to shadow the standard library.

::

    {"version": 1,
     "findings": [{"rule", "severity", "message", "file", "line", "column", "path",
                   "overlay", "resource": {"apiVersion", "kind", "namespace", "name"} | null,
                   "suppressed": reason | null}],
     "summary": {"errors", "warnings", "infos", "findings", "files", "resources",
                 "resourcesChecked", "filesChecked", "suppressed"},
     "coverage": [{"apiVersion", "kind", "validated", "skipped", "source"}]}

``coverage`` (when the caller passes it): per kind, how many resources were validated and
how many skipped for want of a schema, and the schema source used.

Keys always come in this order and are always present (``null`` when unknown: ``resource``
of a finding about no resource, ``resourcesChecked``/``filesChecked`` when the caller did
not say). ``files``/``resources`` count those with findings. Suppressed findings are
listed only with ``--show-suppressed`` (``suppressed``: the reason; ``null`` otherwise) and
counted apart (``summary.suppressed``), never as errors or warnings. ``line``/``column`` are 1-based,
0 when unknown. Indented with two spaces, UTF-8 kept as is, one trailing newline.
Any change of meaning or removal of a key bumps ``version``; adding keys does not.
"""

from __future__ import annotations

import json

from kustgen.model.finding import Finding
from kustgen.report import Reporter

VERSION = 1


class JsonReporter(Reporter):
    name = "json"

    def finding_dict(self, f: Finding) -> dict:
        res = None
        if f.resid is not None:
            res = {
                "apiVersion": f.resid.gvk.api_version,
                "kind": f.resid.gvk.kind,
                "namespace": f.resid.namespace,
                "name": f.resid.name,
            }
        return {
            "rule": f.rule,
            "severity": str(f.severity),
            "message": f.message,
            "file": self.file_of(f),
            "line": f.origin.line,
            "column": f.origin.column,
            "path": f.path,
            "overlay": f.overlay,
            "resource": res,
            "suppressed": f.suppressed or None,
        }

    def document(self, resources: int | None = None, files: int | None = None) -> dict:
        findings = self.findings()
        s = self.summary(resources, files)
        return {
            "version": VERSION,
            "findings": [self.finding_dict(f) for f in findings],
            "summary": {
                "errors": s.errors,
                "warnings": s.warnings,
                "infos": s.infos,
                "findings": s.findings,
                "files": s.files,
                "resources": s.resources,
                "resourcesChecked": s.resources_checked,
                "filesChecked": s.files_checked,
                "suppressed": s.suppressed,
            },
        } | ({"coverage": [
            {"apiVersion": k.split(" ", 1)[0], "kind": k.split(" ", 1)[1],
             "validated": v["validated"], "skipped": v["skipped"], "source": v.get("source")}
            for k, v in sorted(self.coverage.items())]} if self.coverage is not None else {})

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        return json.dumps(self.document(resources, files), indent=2, ensure_ascii=False) + "\n"
