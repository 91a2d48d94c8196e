"""The library facade: what the CLI (and other programs) call."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

from kustgen.model import KustgenError, RenderError, UnsupportedFeature


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
           fallback: bool = True, session=None) -> list[RenderResult]:
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
