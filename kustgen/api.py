"""The library facade: what the CLI (and other programs) call."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

from kustgen.model import KustgenError, RenderError, UnsupportedFeature  # noqa: F401


@dataclass
class RenderResult:
    path: str
    text: str = ""
    engine: str = "embedded"
    resources: list = field(default_factory=list)
    error: KustgenError | None = None
    notes: list = field(default_factory=list)


def _session(fs=None):
    from kustgen.kustomize.pipeline import BuildSession
    return BuildSession(fs)


def render_with_kustomize(path: str, reorder: str | None) -> str:
    from kustgen.kustomize.pipeline import kustomize_binary
    cmd = kustomize_binary()
    if cmd is None:
        raise RenderError("neither 'kustomize' nor 'kubectl' is on PATH", path)
    argv = cmd + [path]
    if reorder:
        argv += ["--reorder", reorder]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError("%s failed: %s" % (" ".join(cmd), msg[-1] if msg else "exit %d"
                                             % p.returncode), path)
    return p.stdout.decode("utf-8", "surrogateescape")


def render(paths: list[str], reorder: str | None = None, engine: str = "embedded",
           fallback: bool = True, session=None, text: bool = True) -> list[RenderResult]:
    """Render overlays in one process, sharing parsed files and bases between them.

    ``reorder``: None (Kustomize's default: sortOptions, else legacy), 'legacy' or 'none'.
    Errors are returned per overlay (``RenderResult.error``), never raised.
    """
    out = []
    s = session or (_session() if engine == "embedded" else None)
    for p in paths:
        rr = RenderResult(path=p)
        try:
            if engine == "kustomize":
                rr.engine = "kustomize"
                rr.text = render_with_kustomize(p, reorder)
            else:
                try:
                    res = s.build(p, reorder or "legacy")
                    from kustgen import yamlio
                    rr.resources = res
                    if text:
                        rr.text = yamlio.dump_documents([r.obj for r in res])
                except UnsupportedFeature as e:
                    from kustgen.kustomize.pipeline import kustomize_binary
                    if not fallback:
                        raise
                    if kustomize_binary() is None:
                        raise UnsupportedFeature(e.feature, e.message + "; put kustomize or "
                                                 "kubectl on PATH to render this overlay",
                                                 e.file, e.line) from None
                    rr.engine = "kustomize"
                    rr.notes.append("%s: rendered with %s (%s)" % (
                        p, " ".join(kustomize_binary()), e))
                    rr.text = render_with_kustomize(p, reorder)
        except KustgenError as e:
            rr.error = e
        except RecursionError:
            rr.error = RenderError("nesting too deep while rendering (a reference cycle?)", p)
        out.append(rr)
    return out


def build(path: str, reorder: str | None = None) -> str:
    """Render one overlay exactly as `kustomize build`; raises KustgenError."""
    r = render([path], reorder, fallback=False)[0]
    if r.error:
        raise r.error
    return r.text


def build_many(dirs: list[str], reorder: str = "legacy") -> dict[str, str]:
    """Render many overlays in one process -> {dir: YAML}; raises the first error."""
    out = {}
    for r in render(list(dirs), reorder, fallback=False):
        if r.error:
            raise r.error
        out[r.path] = r.text
    return out


def output_name(path: str) -> str:
    """`overlays/dev` -> `overlays_dev.yaml` (for --output-dir)."""
    p = os.path.normpath(path)
    if os.path.isabs(p):
        try:
            p = os.path.relpath(p)
        except ValueError:
            pass
    p = p.replace(os.sep, "_").strip("_.") or "root"
    return p + ".yaml"


def _dotted(path: tuple) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += "[%d]" % p
        elif any(c in str(p) for c in "./[] "):
            out += "[%s]" % p
        else:
            out += ("." if out else "") + str(p)
    return out


def provenance(resource) -> list[tuple[str, str]]:
    """Where a rendered resource and its transformed fields came from:
    [("", "base/bucket.yaml:3"), ("metadata.name", "overlays/dev/kustomization.yaml:4 (namePrefix)"), ...]."""
    from kustgen.kustomize.loader import display_path
    out = []
    o = resource.origin
    if o is not None:
        out.append(("", _fmt_origin(o, display_path)))
    for path, fo in sorted(resource.field_origins.items(), key=lambda kv: [str(x) for x in kv[0]]):
        out.append((_dotted(path), _fmt_origin(fo, display_path)))
    return out


def _fmt_origin(o, display_path) -> str:
    import dataclasses
    return str(dataclasses.replace(o, file=display_path(o.file), column=0))


def render_with_origins(resources) -> str:
    """The rendered stream with `# source:` / `# set by:` comments before each document."""
    from kustgen import yamlio
    docs = []
    for r in resources:
        lines = []
        for path, where in provenance(r):
            if not path:
                lines.append("# source: %s" % where)
            else:
                lines.append("# %s: %s" % (path, where))
        docs.append("".join(l + "\n" for l in lines) + yamlio.dump(r.obj))
    return "---\n".join(docs)


# ---------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------
@dataclass
class ValidateResult:
    findings: list = field(default_factory=list)
    overlays: list = field(default_factory=list)
    render_errors: int = 0
    stats: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


class _XrdAdapter:
    """XRD-derived schemas as registry entries (compiled once per kind)."""

    def __init__(self, xrd_source):
        self.src = xrd_source
        self._entries: dict = {}

    def lookup(self, api_version: str, kind: str):
        key = (api_version, kind)
        if key not in self._entries:
            d = self.src.lookup(api_version, kind)
            entry = None
            if d is not None:
                from kustgen.schemas.registry import SchemaEntry
                entry = SchemaEntry(api_version, kind, d.source, openapi=d.openapi_v3)
            self._entries[key] = entry
        return self._entries[key]


def find_roots(top: str = ".") -> list[str]:
    """Kustomization directories under `top` that no other kustomization includes."""
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES, _list
    from kustgen.kustomize.loader import load_kustomization_yaml
    dirs, referenced = [], set()
    for d, subdirs, files in os.walk(top):
        subdirs[:] = sorted(s for s in subdirs if not s.startswith(".") and s not in (
            "node_modules", "__pycache__", "rendered"))
        kf = next((f for f in KUSTOMIZATION_FILE_NAMES if f in files), None)
        if kf is None:
            continue
        dirs.append(os.path.normpath(d))
        try:
            with open(os.path.join(d, kf), "rb") as fh:
                data, _ = load_kustomization_yaml(fh.read(), os.path.join(d, kf))
        except (OSError, KustgenError):
            continue
        if isinstance(data, dict):
            for fld in ("resources", "bases", "components"):
                for r in _list(data.get(fld)):
                    referenced.add(os.path.normpath(os.path.join(d, str(r))))
    return [d for d in dirs if d not in referenced]


def load_manifests(paths: list[str], session) -> tuple[list, list]:
    """Plain manifests (files, or folders of .yaml/.yml/.json) that no kustomization is
    asked to render: their resources, and findings for what cannot be validated (a file
    that does not parse, a document without apiVersion or kind)."""
    from kustgen.fs import DiskFS
    from kustgen.model import Finding, Origin, Resource, Severity, deep_copy
    from kustgen.schemas.sources import yaml_files
    resources, findings = [], []

    def bad(file, line, msg):
        findings.append(Finding(Origin(file, line, 1), "invalid-manifest", Severity.ERROR, msg))

    for p in paths:
        if not os.path.exists(p):
            bad(p, 0, "no such file or directory")
            continue
        for f in yaml_files(DiskFS(), [p]):
            try:
                docs = session.cache.docs(os.path.abspath(f))
            except KustgenError as e:
                findings.append(Finding(Origin(e.file or f, e.line or 0, e.column or 0),
                                        "invalid-manifest", Severity.ERROR, e.message))
                continue
            except OSError as e:
                bad(f, 0, "cannot read: %s" % (e.strerror or e))
                continue
            for d in docs:
                objs = [((), d.data)]
                if isinstance(d.data, dict) and str(d.data.get("kind", "")).endswith("List") \
                        and isinstance(d.data.get("items"), list):
                    objs = [(("items", i), it) for i, it in enumerate(d.data["items"])]
                for prefix, obj in objs:
                    pos = d.positions.get(prefix) if d.positions else None
                    line = pos[0] if pos else d.line
                    if not isinstance(obj, dict):
                        bad(os.path.abspath(f), line, "not a Kubernetes object (a YAML map)")
                        continue
                    missing = [k for k in ("kind", "apiVersion") if not obj.get(k)]
                    if missing:
                        bad(os.path.abspath(f), line, "missing '%s' key" % missing[0])
                        continue
                    r = Resource(deep_copy(obj), Origin(os.path.abspath(f), line, 1, d.index))
                    if prefix:
                        r.extra["doc_prefix"] = prefix
                    resources.append(r)
    return resources, findings


def validate(paths: list[str] | None = None, *, crds: list[str] = (),
             kubernetes_version: str = "1.32.0", strict: bool = True,
             missing: dict | None = None, cel: bool = True) -> ValidateResult:
    """Render each overlay and validate every resource; findings are located at the
    file:line to edit. Render failures are findings too (rule `render-error`)."""
    from kustgen.model import Finding, Origin, Severity
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.kustomize.provenance import locate
    from kustgen.schemas.registry import Registry
    from kustgen.schemas.sources.builtin import BuiltinSource
    from kustgen.schemas.sources.crd import CrdSource
    from kustgen.validate import MissingSchemaPolicy, Validator

    result = ValidateResult()
    targets = list(paths) if paths else find_roots(".")
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
    overlays = [t for t in targets if os.path.isdir(t) and any(
        os.path.isfile(os.path.join(t, n)) for n in KUSTOMIZATION_FILE_NAMES)]
    manifests = [t for t in targets if t not in overlays]
    result.overlays = overlays
    session = BuildSession()
    rendered = []
    if manifests:
        rr = RenderResult(path="")
        rr.resources, problems = load_manifests(manifests, session)
        result.findings.extend(problems)
        rendered.append(rr)
    for r in render(overlays, session=session, fallback=False, text=False):
        if r.error is not None:
            e = r.error
            result.render_errors += 1
            result.findings.append(Finding(Origin(e.file or r.path, e.line or 0, e.column or 0),
                                           "render-error", Severity.ERROR, e.message,
                                           None, "", r.path))
            continue
        rendered.append(r)
    crd_src = CrdSource(strict=strict)
    for p in crds:
        crd_src.add_path(p)
    xrds = []
    for r in rendered:
        for res in r.resources:
            if res.kind == "CustomResourceDefinition" and res.gvk.group == "apiextensions.k8s.io":
                crd_src.add(res.obj, res.origin.file if res.origin else r.path)
            elif res.kind == "CompositeResourceDefinition" and \
                    res.gvk.group == "apiextensions.crossplane.io":
                xrds.append(res.obj)
    sources = [crd_src]
    if xrds:
        from kustgen.schemas.sources.xrd import XrdSource
        sources.append(_XrdAdapter(XrdSource(xrds)))
    sources.append(BuiltinSource(kubernetes_version, strict))
    validator = Validator(Registry(sources), locate=lambda res, path: locate(session.cache, res, path),
                          missing=MissingSchemaPolicy(missing), cel=cel)
    for r in rendered:
        result.findings.extend(validator.validate(r.resources, r.path))
    result.stats = dict(validator.stats)
    result.findings.sort()
    return result
