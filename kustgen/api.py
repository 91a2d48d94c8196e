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


def overlay_inputs(overlay: str, repo: str = ".") -> list[str]:
    """Every file the build of ``overlay`` (relative to ``repo``) reads: kustomizations,
    resources, patches, bases, components, generator inputs; relative to ``repo``."""
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.model import ConfigError
    d = os.path.abspath(os.path.join(repo, overlay))
    s = BuildSession()
    try:
        s.build(d)
    except KustgenError as e:
        raise ConfigError("--overlay %s does not build: %s" % (overlay, e)) from None
    top = os.path.realpath(repo)
    files = set()
    for f in s.inputs.get(os.path.realpath(d), ()):
        rel = os.path.relpath(os.path.realpath(f), top)
        if not rel.startswith(".."):
            files.add(rel.replace(os.sep, "/"))
    return sorted(files)


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


def provenance(resource) -> list[tuple[str, str]]:
    """Where a rendered resource and its transformed fields came from:
    [("", "base/bucket.yaml:3"), ("metadata.name", "overlays/dev/kustomization.yaml:4 (namePrefix)"), ...]."""
    from kustgen.kustomize.loader import display_path
    from kustgen.model.origin import dotted
    out = []
    o = resource.origin
    if o is not None:
        out.append(("", _fmt_origin(o, display_path)))
    for path, fo in sorted(resource.field_origins.items(), key=lambda kv: [str(x) for x in kv[0]]):
        out.append((dotted(path), _fmt_origin(fo, display_path)))
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


def load_manifests(paths: list[str], session, stdin: str | None = None) -> tuple[list, list]:
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
        if p == "-":
            files = ["-"]
        elif not os.path.exists(p):
            bad(p, 0, "no such file or directory")
            continue
        else:
            files = yaml_files(DiskFS(), [p])
        for f in files:
            try:
                # read as `kubectl apply` reads a manifest: numbers and booleans used as
                # keys become strings (kustomize would refuse them)
                from kustgen import yamlio
                if f == "-":
                    f = "stdin"
                    docs = yamlio.load_documents(stdin or "", "stdin", string_keys=True)
                else:
                    ap = os.path.abspath(f)
                    docs = yamlio.load_documents(session.cache.read(ap), ap, string_keys=True)
                session.cache.remember(os.path.abspath(f) if f != "stdin" else f, docs)
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
                        bad(f if f == "stdin" else os.path.abspath(f), line,
                            "not a Kubernetes object (a YAML map)")
                        continue
                    missing = [k for k in ("kind", "apiVersion") if not obj.get(k)]
                    if missing:
                        bad(f if f == "stdin" else os.path.abspath(f), line,
                            "missing '%s' key" % missing[0])
                        continue
                    fname = f if f == "stdin" else os.path.abspath(f)
                    r = Resource(deep_copy(obj), Origin(fname, line, 1, d.index))
                    if prefix:
                        r.extra["doc_prefix"] = prefix
                    resources.append(r)
    return resources, findings


def _kustomization_dir(p: str) -> bool:
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
    return os.path.isdir(p) and any(os.path.isfile(os.path.join(p, n))
                                    for n in KUSTOMIZATION_FILE_NAMES)


def _in_kustomization(path: str, stop: str) -> bool:
    """Whether a folder from `path`'s up to `stop` (included) holds a kustomization."""
    d = os.path.dirname(path)
    while True:
        if _kustomization_dir(d):
            return True
        if d == stop or len(d) <= len(stop):
            return False
        d = os.path.dirname(d)


def select_targets(paths: list[str], candidates: list[str], session,
                   skip=None, prerendered: dict | None = None) -> tuple[list, list, dict]:
    """Split PATHS into overlays to render and plain manifests to validate as they are.

    A kustomization folder is an overlay. Any other file stands for the overlays whose
    build reads it, found by rendering the candidate overlays (and the kustomization roots
    below any folder given) once in `session` (results are kept for reuse); a file that
    none reads is a plain manifest. A folder stands for the overlays reading files below
    it, the kustomization roots below it, and its YAML files that no overlay reads and
    that are not inside a kustomization folder (plain manifests).
    Returns (overlays, manifests, {overlay: RenderResult})."""
    from kustgen.fs import DiskFS
    from kustgen.schemas.sources import yaml_files
    overlays: list[str] = []
    manifests: list[str] = []
    rendered: dict = {}
    rest = []
    for p in paths:
        if p == "-" or not os.path.exists(p):
            manifests.append(p)
        elif _kustomization_dir(p):
            overlays.append(p)
        else:
            rest.append(p)
    if rest:
        below_roots = {p: [r for r in find_roots(p) if skip is None or not skip(r)]
                       for p in rest if os.path.isdir(p)}
        todo = list(candidates)
        known = {os.path.realpath(c) for c in todo}
        for roots in below_roots.values():
            for r in roots:
                if os.path.realpath(r) not in known:
                    known.add(os.path.realpath(r))
                    todo.append(r)
        inputs = {}
        pre = prerendered or {}
        for r in [pre[t] for t in todo if t in pre] + render(
                [t for t in todo if t not in pre], session=session, fallback=False,
                text=False):
            rendered[r.path] = r
            if r.error is None:
                inputs[r.path] = session.inputs.get(os.path.realpath(r.path), set())
        read = set().union(*inputs.values()) if inputs else set()
        for p in rest:
            ap = os.path.realpath(p)
            if not os.path.isdir(ap):
                users = [c for c, files in inputs.items() if ap in files]
                if users:
                    overlays.extend(u for u in users if u not in overlays)
                else:
                    manifests.append(p)
                continue
            below = ap.rstrip(os.sep) + os.sep
            users = [c for c, files in inputs.items() if any(f.startswith(below) for f in files)]
            users += [r for r in below_roots[p] if r not in users]
            overlays.extend(u for u in users if u not in overlays)
            for f in yaml_files(DiskFS(), [p]):
                rf = os.path.realpath(f)
                if rf not in read and not _in_kustomization(rf, ap):
                    manifests.append(f)
    seen: set = set()
    overlays = [o for o in overlays if not (os.path.realpath(o) in seen
                                            or seen.add(os.path.realpath(o)))]
    return overlays, manifests, rendered


def _render_elsewhere(r: RenderResult, offline: bool, result: "ValidateResult") -> RenderResult:
    """An overlay using what the embedded engine does not do (Helm, remote resources):
    render it with kustomize/kubectl when one is on PATH and the network may be used, and
    validate that output (located at the overlay, without field provenance). Otherwise
    it is not validated: a warning says why (it is not an error in the overlay)."""
    from kustgen.kustomize.pipeline import kustomize_binary
    from kustgen.model import Finding, Origin, Resource, Severity
    e = r.error
    why = None
    if offline:
        why = "--offline"
    elif kustomize_binary() is None:
        why = "neither kustomize nor kubectl is on PATH"
    if why is None:
        out = RenderResult(path=r.path, engine="kustomize")
        try:
            text = render_with_kustomize(r.path, None)
            from kustgen import yamlio
            kfile = os.path.join(os.path.abspath(r.path), "kustomization.yaml")
            for d in yamlio.load_documents(text, r.path):
                if isinstance(d.data, dict):
                    out.resources.append(Resource(d.data, Origin(kfile, 0, 0, d.index)))
            result.notes.append("%s: rendered with %s (%s)" % (
                r.path, " ".join(kustomize_binary()), e.message))
            return out
        except KustgenError as ke:
            out.error = ke
            return out
    result.findings.append(Finding(
        Origin(e.file or r.path, e.line or 0, e.column or 0), "not-rendered", Severity.WARNING,
        "%s; not validated (%s): run without --offline with kustomize or kubectl on PATH "
        "to render it" % (e.message, why), None, "", r.path))
    return RenderResult(path=r.path, engine="none")


def duplicate_findings(resources, overlay: str = "") -> list:
    """Two documents of one file (applied together) with the same group, kind, namespace
    and name are one object in the cluster: the second silently replaces the first.
    (Versions do not matter.) Separate files of a folder are often independent examples,
    so they are not compared; a rendered overlay cannot hold duplicates at all (the
    render fails)."""
    from kustgen.model import Finding, Severity
    seen: dict = {}
    out = []
    for r in resources:
        if not r.name:
            continue
        key = (r.origin.file if r.origin else "", r.gvk.group, r.kind, r.namespace or "",
               r.name)
        first = seen.get(key)
        if first is None:
            seen[key] = r
            continue
        where = "line %d" % first.origin.line if first.origin else "another document"
        out.append(Finding(r.origin, "duplicate-resource", Severity.ERROR,
                           "%s %s is defined twice in this file (also at %s); the cluster "
                           "keeps only one of them" % (
                               r.kind, "%s/%s" % (r.namespace, r.name) if r.namespace
                               else r.name, where), r.cur_id(), "", overlay))
    return out


def validate(paths: list[str] | None = None, *, config=None, crds: list[str] = (),
             locations: list[str] = (), kubernetes_version: str | None = None,
             strict: bool | None = None, missing: dict | None = None, cel: bool | None = None,
             offline: bool | None = None, cache_dir: str | None = None,
             stdin: str | None = None, session=None,
             prerendered: dict | None = None) -> ValidateResult:
    """Render each overlay and validate every resource; findings are located at the
    file:line to edit. Render failures are findings too (rule `render-error`).

    PATHS: overlays, files or folders of the repo (the overlays that read them), plain
    manifests that no kustomization reads (validated as they are), "-" for `stdin`; none:
    the environments of kustgen.yaml, else every kustomization root here. Options left at
    None come from kustgen.yaml (`config`, default: the one found from here). `session`
    and `prerendered` ({overlay path: RenderResult}) reuse renders done already (by the
    dependency graph of `--changed`)."""
    from kustgen.config import load_config
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.kustomize.provenance import locate
    from kustgen.model import Finding, Origin, Severity
    from kustgen.schemas.chain import SchemaChain
    from kustgen.validate import MissingSchemaPolicy, Validator

    cfg = config if config is not None else load_config(".")
    result = ValidateResult()
    session = session if session is not None else BuildSession()
    candidates = cfg.overlay_dirs() or find_roots(cfg.root)
    if paths:
        overlays, manifests, rendered_by = select_targets(list(paths), candidates, session,
                                                          prerendered=prerendered)
    else:
        overlays, manifests, rendered_by = list(candidates), [], {}
        for e in cfg.environments:
            if not _kustomization_dir(cfg.path(e.path)):
                result.findings.append(Finding(
                    Origin(cfg.file or "", e.line), "render-error", Severity.ERROR,
                    "environment %r: %s has no kustomization.yaml (create the overlay, e.g. "
                    "`kustgen env add %s`, or fix its path)" % (e.name, cfg.path(e.path), e.name),
                    None, "", cfg.path(e.path)))
                result.render_errors += 1
        overlays = [o for o in overlays if _kustomization_dir(o)]
    result.overlays = overlays
    rendered = []
    if manifests:
        rr = RenderResult(path="")
        rr.resources, problems = load_manifests(manifests, session, stdin=stdin)
        result.findings.extend(problems)
        result.findings.extend(duplicate_findings(rr.resources))
        rendered.append(rr)
    if prerendered:
        rendered_by = {**prerendered, **rendered_by}
    todo = [o for o in overlays if o not in rendered_by]
    done = {r.path: r for r in render(todo, session=session, fallback=False, text=False)}
    use_offline = cfg.offline if offline is None else offline
    for o in overlays:
        r = rendered_by.get(o) or done[o]
        if isinstance(r.error, UnsupportedFeature):
            r = _render_elsewhere(r, use_offline, result)
        if r.error is not None:
            e = r.error
            result.render_errors += 1
            result.findings.append(Finding(Origin(e.file or r.path, e.line or 0, e.column or 0),
                                           "render-error", Severity.ERROR, e.message,
                                           None, "", r.path))
            continue
        if r.resources or r.engine == "embedded":
            rendered.append(r)
    chain = SchemaChain(cfg, crds=crds, locations=locations,
                        kubernetes_version=kubernetes_version, strict=strict,
                        offline=offline, cache_dir=cache_dir)
    for r in rendered:
        chain.collect(r.resources, r.path)
    registry = chain.build()
    from kustgen.schemas.fetch import default_cache_dir
    from kustgen.schemas.results import ResultCache
    validator = Validator(registry, locate=lambda res, path: locate(session.cache, res, path),
                          missing=MissingSchemaPolicy(missing if missing is not None
                                                      else cfg.missing),
                          cel=cfg.cel if cel is None else cel,
                          results=ResultCache(default_cache_dir()))
    for r in rendered:
        result.findings.extend(validator.validate(r.resources, r.path))
    seen_err: set = set()
    for e in chain.errors():
        key = str(e)
        if key in seen_err:
            continue
        seen_err.add(key)
        result.findings.append(Finding(Origin(e.file or "", e.line or 0, e.column or 0),
                                       "schema-source", Severity.WARNING, e.message))
    result.notes.extend(chain.notes)
    result.notes.extend("schema source %d: %s" % (i, d)
                        for i, d in enumerate(chain.describe_sources(), 1))
    result.stats = dict(validator.stats)
    result.findings.sort()
    return result


@dataclass
class SchemaCoverage:
    """What `kustgen schemas list` shows: per kind used by the overlays, the resources
    and the source of its schema (None: missing); and the sources in the order asked."""
    used: list = field(default_factory=list)      # [{apiVersion, kind, resources, source}]
    known: list = field(default_factory=list)     # [{apiVersion, kind, source}] (all=True)
    sources: list = field(default_factory=list)   # [description]
    findings: list = field(default_factory=list)  # render errors, unusable sources


def list_schemas(paths: list[str] | None = None, *, config=None, crds: list[str] = (),
                 locations: list[str] = (), kubernetes_version: str | None = None,
                 offline: bool | None = None, cache_dir: str | None = None,
                 all: bool = False) -> SchemaCoverage:
    """Which kinds the overlays use, and which source validates each of them."""
    from kustgen.config import load_config
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.model import Finding, Origin, Severity
    from kustgen.schemas.chain import SchemaChain
    cfg = config if config is not None else load_config(".")
    session = BuildSession()
    targets = list(paths) if paths else (cfg.overlay_dirs() or find_roots(cfg.root))
    out = SchemaCoverage()
    chain = SchemaChain(cfg, crds=crds, locations=locations,
                        kubernetes_version=kubernetes_version, offline=offline,
                        cache_dir=cache_dir)
    counts: dict = {}
    for r in render([t for t in targets if _kustomization_dir(t)], session=session,
                    fallback=False, text=False):
        if r.error is not None:
            e = r.error
            out.findings.append(Finding(Origin(e.file or r.path, e.line or 0), "render-error",
                                        Severity.ERROR, e.message, None, "", r.path))
            continue
        for res in r.resources:
            key = (res.api_version, res.kind)
            counts[key] = counts.get(key, 0) + 1
        chain.collect(r.resources, r.path)
    registry = chain.build()
    for (av, kind), n in sorted(counts.items()):
        entry = registry.lookup(av, kind)
        out.used.append({"apiVersion": av, "kind": kind, "resources": n,
                         "source": entry.source if entry is not None else None})
    out.sources = chain.describe_sources()
    if all:
        out.known = [{"apiVersion": av, "kind": k,
                      "source": s.describe() if hasattr(s, "describe") else type(s).__name__}
                     for av, k, s in chain.known()]
    for e in chain.errors():
        out.findings.append(Finding(Origin(e.file or "", e.line or 0), "schema-source",
                                    Severity.WARNING, e.message))
    return out


# ---------------------------------------------------------------------------------------
# lint, check
# ---------------------------------------------------------------------------------------
@dataclass
class LintResult:
    findings: list = field(default_factory=list)     # active and suppressed (Finding.suppressed)
    overlays: list = field(default_factory=list)
    render_errors: int = 0
    rules_run: list = field(default_factory=list)
    resources: int = 0
    notes: list = field(default_factory=list)

    @property
    def active(self) -> list:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list:
        return [f for f in self.findings if f.suppressed]


def _repo_kustomizations(root: str, session, skip=None) -> dict:
    """Every kustomization under ``root`` (hidden folders skipped), parsed once through
    the session's cache: {absolute folder: KustView}."""
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
    from kustgen.kustomize.loader import Loader
    from kustgen.lint.context import KustView
    out = {}
    for d, subdirs, files in os.walk(os.path.abspath(root)):
        subdirs[:] = sorted(s for s in subdirs if not s.startswith(".") and s not in (
            "node_modules", "__pycache__"))
        if skip is not None:
            subdirs[:] = [s for s in subdirs if not skip(os.path.join(d, s))]
        kf = next((f for f in KUSTOMIZATION_FILE_NAMES if f in files), None)
        if kf is None:
            continue
        kv = KustView(d, os.path.join(d, kf))
        try:
            k = Loader.at(d, session.cache).load_kustomization()
            kv.file, kv.data, kv.positions = k.path, k.raw, k.positions
        except KustgenError as e:
            kv.error = e
        out[d] = kv
    return out


def _repo_files(root: str, skip=None) -> list[str]:
    from kustgen.fs import DiskFS
    from kustgen.schemas.sources import yaml_files
    return [os.path.abspath(f) for f in yaml_files(DiskFS(), [root])
            if skip is None or not skip(f)]


def _scan_suppressions(files, resources_iter, session, ctx):
    from kustgen.lint.suppress import ANNOTATION, Suppressions, from_annotation, scan_text
    sup = Suppressions()
    for f in sorted(files):
        try:
            text = session.cache.read(f).decode("utf-8", "replace")
        except (OSError, KustgenError):
            continue
        found = scan_text(f, text)
        if found:
            sup.by_file[f] = found
    for _ov, res in resources_iter:
        ann = res.annotations()
        if ANNOTATION in ann:
            o = ctx.locate(res, ("metadata", "annotations", ANNOTATION)) or res.origin
            s = from_annotation(ann[ANNOTATION], o)
            sup.by_resource.setdefault(id(res), []).append(s)
            sup.annotations.append(s)
    return sup


def lint(paths: list[str] | None = None, *, config=None, select: list[str] = (),
         ignore: list[str] = (), offline: bool | None = None, session=None,
         prerendered: dict | None = None, registry=None) -> LintResult:
    """Lint overlays and manifests with the rules of :mod:`kustgen.lint` (configured by
    kustgen.yaml `rules:`). PATHS are read as `validate` reads them; without PATHS, every
    environment and every other kustomization root of the repository is linted.
    Findings carry `suppressed` (the reason) when a comment or annotation suppresses
    them. `session`/`prerendered` reuse renders done already (`kustgen check`)."""
    from kustgen.config import load_config
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.lint import engine, settings as lint_settings
    from kustgen.lint.context import LintContext, OverlayView, environment_of

    cfg = config if config is not None else load_config(".")
    rule_settings = lint_settings.parse(cfg)
    skipped = _lint_skipper(cfg, rule_settings)

    session = session if session is not None else BuildSession()
    result = LintResult()
    candidates = cfg.overlay_dirs() or find_roots(cfg.root)
    manifests: list = []
    scope_dirs: list = []
    if paths:
        overlays, manifest_paths, rendered_by = select_targets(list(paths), candidates, session,
                                                               prerendered=prerendered)
        scope_dirs = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
        if manifest_paths:
            manifests, problems = load_manifests(manifest_paths, session)
            result.notes.extend("%s: %s" % (f.origin, f.message) for f in problems)
    else:
        # every overlay and kustomization root, and the plain manifests of the repository
        # that no build reads (an Argo CD root Application, say)
        overlays = default_lint_targets(cfg, skipped)
        _, manifest_paths, rendered_by = select_targets([cfg.root], overlays, session,
                                                        skip=skipped,
                                                        prerendered=prerendered)
        own = {os.path.abspath(cfg.file)} if cfg.file else set()
        vendor = os.path.abspath(cfg.path(cfg.schema_vendor)) + os.sep
        manifest_paths = [m for m in manifest_paths if m.endswith((".yaml", ".yml")) and
                          os.path.abspath(m) not in own and
                          not os.path.abspath(m).startswith(vendor) and not skipped(m)]
        if manifest_paths:
            manifests, problems = load_manifests(manifest_paths, session)
    if prerendered:
        rendered_by = {**prerendered, **rendered_by}
    todo = [o for o in overlays if o not in rendered_by]
    done = {r.path: r for r in render(todo, session=session, fallback=False, text=False)}
    views = []
    for o in overlays:
        r = rendered_by.get(o) or done[o]
        real = os.path.realpath(o)
        err = r.error
        if isinstance(err, UnsupportedFeature):
            result.notes.append("%s: not linted as rendered (%s)" % (o, err.message))
            err = None
        elif err is not None:
            result.render_errors += 1
        views.append(OverlayView(o, real, environment_of(cfg, o), list(r.resources), err,
                                 set(session.inputs.get(real, set())), r.engine))
        result.resources += len(r.resources)
    result.resources += len(manifests)
    result.overlays = [v.path for v in views]
    kusts = _repo_kustomizations(cfg.root, session, skipped)

    def make_registry():
        from kustgen.schemas.chain import SchemaChain
        chain = SchemaChain(cfg, offline=offline)
        for v in views:
            chain.collect(v.resources, v.path)
        return chain.build()

    ctx = LintContext(config=cfg, session=session, overlays=views, manifests=manifests,
                      kustomizations=kusts, events=list(getattr(session, "events", [])),
                      registry=registry, files=_repo_files(cfg.root, skipped))
    ctx.complete = not paths
    if registry is None:
        ctx.registry_factory = make_registry
    files = set()
    for v in views:
        files |= v.inputs
    files |= {k.file for k in kusts.values()}
    files |= {r.origin.file for r in manifests if r.origin and r.origin.file != "stdin"}
    ctx.suppressions = _scan_suppressions(files, ctx.resources(), session, ctx)
    run = engine.run(ctx, rule_settings, select=list(select), ignore=list(ignore))
    findings = run.findings
    if paths:
        scope_files = set()
        for v in views:
            scope_files |= v.inputs
        scope_files |= {r.origin.file for r in manifests if r.origin}
        view_paths = {v.path for v in views}

        def in_scope(f) -> bool:
            if f.overlay and f.overlay in view_paths:
                return True
            fl = os.path.abspath(f.origin.file) if f.origin.file else ""
            return fl in scope_files or any(fl.startswith(d.rstrip(os.sep) + os.sep)
                                            for d in scope_dirs)
        findings = [f for f in findings if in_scope(f)]
    result.findings = findings
    result.rules_run = run.rules_run
    return result


@dataclass
class CheckResult:
    """`kustgen check`: validate + lint + Argo CD apps, from one render per overlay."""
    findings: list = field(default_factory=list)
    overlays: list = field(default_factory=list)
    render_errors: int = 0
    resources: int = 0
    rules: dict = field(default_factory=dict)      # rule id -> one-line description
    notes: list = field(default_factory=list)


def _lint_skipper(cfg, settings=None):
    """``skipped(path)``: whether kustgen.yaml `rules: {exclude: [...]}` takes a path of
    the repository out of linting altogether."""
    from kustgen.lint import settings as lint_settings
    st = settings if settings is not None else lint_settings.parse(cfg)
    root = os.path.abspath(cfg.root)

    def skipped(p: str) -> bool:
        rel = os.path.relpath(os.path.abspath(p), root).replace(os.sep, "/")
        return not rel.startswith("..") and st.skips(rel)
    return skipped


def default_lint_targets(cfg, skipped=None) -> list[str]:
    """What `lint` and `check` cover without PATHS: the environments' overlays, then every
    other kustomization root of the repository, less the paths kustgen.yaml `rules:
    {exclude: [...]}` takes out."""
    skipped = skipped or _lint_skipper(cfg)
    roots = find_roots(cfg.root)
    overlays = [o for o in (cfg.overlay_dirs() or roots) if _kustomization_dir(o)]
    seen = {os.path.realpath(o) for o in overlays}
    for r in roots:
        if os.path.realpath(r) not in seen:
            seen.add(os.path.realpath(r))
            overlays.append(r)
    return [o for o in overlays if not skipped(o)]


def check(paths: list[str] | None = None, *, config=None, offline: bool | None = None,
          select: list[str] = (), ignore: list[str] = (), apps: bool = True,
          overlays: list[str] | None = None) -> CheckResult:
    """Every check in one pass: each overlay is rendered once and the render is shared by
    validate and lint; then Argo CD Applications are checked (`apps`). `overlays`
    (instead of PATHS) limits the run to those overlays (`kustgen ci --shard`)."""
    from kustgen.config import load_config
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.lint import registry
    from kustgen.validate import RULES
    cfg = config if config is not None else load_config(".")
    session = BuildSession()
    targets = list(paths) if paths else list(overlays if overlays is not None
                                             else default_lint_targets(cfg))
    out = CheckResult(rules=dict(RULES))
    out.rules.update(registry.descriptions())
    prerendered: dict = {}
    if targets:
        # without PATHS, lint the whole repository (repository-wide rules included)
        lint_paths = targets if paths or overlays is not None else None
        prerendered = {r.path: r for r in render(
            [t for t in targets if _kustomization_dir(t)], session=session, fallback=False,
            text=False)}
        _check_overlays(out, targets, lint_paths, prerendered, cfg, session, offline,
                        select, ignore)
    if apps:
        from kustgen.argocd import APP_RULES, check_apps
        a = check_apps(list(paths) if paths else None, config=cfg, session=session,
                       prerendered=prerendered)
        out.findings.extend(a.findings)
        out.rules.update(APP_RULES)
    out.findings.sort()
    return out


def _check_overlays(out: CheckResult, targets, lint_paths, prerendered, cfg, session,
                    offline, select, ignore) -> None:
    v = validate(targets, config=cfg, offline=offline, session=session,
                 prerendered=prerendered)
    lr = lint(lint_paths, config=cfg, select=select, ignore=ignore, offline=offline,
              session=session, prerendered=prerendered)
    # an overlay that does not render is reported by validate (render-error) and by lint
    # (KG104) at the same place: keep validate's
    broken = {(f.origin.file, f.origin.line) for f in v.findings if f.rule == "render-error"}
    out.findings = list(v.findings) + [f for f in lr.findings if not (
        f.rule == "KG104" and (f.origin.file, f.origin.line) in broken)]
    out.overlays = list(v.overlays)
    out.render_errors = max(v.render_errors, lr.render_errors)
    out.resources = v.stats.get("resources", 0)
    out.notes = list(v.notes) + list(lr.notes)
