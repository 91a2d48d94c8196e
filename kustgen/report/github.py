"""GitHub Actions workflow commands: one annotation per finding.

::

    ::error file=overlays/prod/db.yaml,line=12,col=5,title=KG101::message [RDSInstance/main in overlays/prod]

error -> ``error``, warning -> ``warning``, info -> ``notice``. ``file`` is relative to
``base_dir`` (give the repository root: GitHub wants repository-relative paths); ``line``
and ``col`` are left out when unknown. Values are escaped as the Actions runner expects:
``%``, CR and LF in the message; those and ``:`` and ``,`` in properties.
"""

from __future__ import annotations

from kustgen.model.finding import Finding, Severity
from kustgen.report import Reporter, resource_label

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    name = "github"

    def format_finding(self, f: Finding) -> str:
        props = []
        file = self.file_of(f)
        if file:
            props.append(("file", file))
            if f.origin.line:
                props.append(("line", str(f.origin.line)))
                if f.origin.column:
                    props.append(("col", str(f.origin.column)))
        props.append(("title", f.rule))
        msg = f.message
        ctx = resource_label(f.resid) if f.resid is not None else ""
        if f.overlay:
            ctx = ("%s in %s" % (ctx, f.overlay)) if ctx else "in %s" % f.overlay
        if ctx:
            msg += " [%s]" % ctx
        return "::%s %s::%s" % (
            _COMMAND[f.severity],
            ",".join("%s=%s" % (k, escape_property(v)) for k, v in props),
            escape_data(msg),
        )

    def flush(self, resources: int | None = None, files: int | None = None) -> str:
        # a suppressed finding is never an annotation
        return "".join(self.format_finding(f) + "\n" for f in self.findings()
                       if not f.suppressed)
