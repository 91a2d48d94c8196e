"""The dependency graph of a repository: which files each overlay's build reads.

    g = build_graph()                       # kustgen.yaml's environments (else the roots)
    g.affected(["base/network/vpc.yaml"])   # -> ["overlays/dev", "overlays/prod", ...]
    g.dependents("base/claims/buckets.yaml")
    print(g.to_dot())

The inputs come from rendering every overlay once (``BuildSession.inputs``: kustomizations,
resources, components, patches, generator inputs, replacement sources, openapi and
configurations files, bases included). Paths are relative to the repository root (the
folder of kustgen.yaml); files outside it stay absolute.

Rendering every overlay is most of the cost, so the inputs of each overlay that rendered
are kept in a small cache file (``graph-<hash>.json`` in kustgen's cache folder) with the
size and modification time of each file read: an overlay none of whose inputs changed is
not rendered again. The cache also remembers what an overlay read before, so a deleted
file still finds the overlays that used it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field

__all__ = ["Graph", "build_graph"]

_CACHE_VERSION = 1
_YAML_EXT = (".yaml", ".yml", ".json")
_REPO_FILES = ("kustgen.yaml",)


def _kfile(name: str) -> bool:
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
    return name in KUSTOMIZATION_FILE_NAMES


def _kdir(d: str) -> bool:
    from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
    return os.path.isdir(d) and any(os.path.isfile(os.path.join(d, n))
                                    for n in KUSTOMIZATION_FILE_NAMES)


@dataclass
class Graph:
    """Overlays (repo-relative folders) and the repo-relative files each one reads."""

    root: str                                             # absolute repository root
    overlays: list = field(default_factory=list)
    inputs: dict = field(default_factory=dict)            # overlay -> set of files
    errors: dict = field(default_factory=dict)            # overlay -> render error message
    previous: dict = field(default_factory=dict)          # overlay -> files read before
    schema_paths: list = field(default_factory=list)      # repo-relative schema sources
    cached: int = 0                                       # overlays not rendered again
    session: object = None                                # the BuildSession that rendered
    results: dict = field(default_factory=dict)           # overlay path -> RenderResult

    # -- paths ---------------------------------------------------------------------------
    def rel(self, path: str) -> str:
        """A path (relative to the current folder, or absolute) as the graph names it."""
        ap = os.path.realpath(os.path.abspath(path))
        root = os.path.realpath(self.root)
        if ap == root:
            return "."
        if ap.startswith(root.rstrip(os.sep) + os.sep):
            return os.path.relpath(ap, root).replace(os.sep, "/")
        return ap

    def path(self, rel: str) -> str:
        """A graph path relative to the current folder (what the CLI prints and renders)."""
        p = rel if os.path.isabs(rel) else os.path.join(self.root, rel)
        r = os.path.relpath(p)
        return p if r.startswith("..") else r

    # -- queries -------------------------------------------------------------------------
    def dependents(self, file: str) -> list[str]:
        """The overlays whose build reads `file` (a path relative to the current folder)."""
        f = self.rel(file)
        return [o for o in self.overlays if f in self.inputs.get(o, ())]

    def _affected_one(self, f: str, exists: bool) -> list[str]:
        users = [o for o in self.overlays if f in self.inputs.get(o, ())]
        if f in _REPO_FILES or any(f == s or f.startswith(s.rstrip("/") + "/")
                                   for s in self.schema_paths):
            return list(self.overlays)          # configuration or schemas: everything
        base = f.rsplit("/", 1)[-1]
        d = f.rsplit("/", 1)[0] if "/" in f else "."
        if _kfile(base) and exists and d not in users and _kdir(os.path.join(self.root, d)):
            # a new (or so far unread) kustomization: its folder is a root of its own,
            # unless an overlay's folder already is that folder
            if not users:
                return [d]
        if not exists:
            # deleted: who read it before (cache), and overlays that no longer render
            # while they read its folder (a kustomization still naming it)
            users += [o for o in self.overlays
                      if o not in users and f in self.previous.get(o, ())]
            # (the folder of one of its kustomizations holds the deleted file)
            users += [o for o in self.overlays if o not in users and o in self.errors
                      and any(_kfile(x.rsplit("/", 1)[-1]) and
                              (d == "." or (d + "/").startswith(
                                  (x.rsplit("/", 1)[0] if "/" in x else "") + "/")
                               or "/" not in x)
                              for x in self.inputs.get(o, ()))]
        elif not users:
            # an overlay that does not render reads only part of its inputs: a file below
            # its folder may be one it would read
            users = [o for o in self.errors if f.startswith(o.rstrip("/") + "/")]
        return users

    def affected(self, changed_files) -> list[str]:
        """Overlays to validate after `changed_files` (paths relative to the current
        folder) changed, in the graph's order. A file affects every overlay reading it; a
        new or changed kustomization that no overlay reads is a root of its own (its
        folder is returned); a deleted file affects the overlays that read it; kustgen.yaml
        and schema files affect every overlay; other files affect nothing."""
        hit: list[str] = []
        for cf in changed_files:
            exists = os.path.exists(cf)
            for o in self._affected_one(self.rel(cf), exists):
                if o not in hit:
                    hit.append(o)
        order = {o: i for i, o in enumerate(self.overlays)}
        return sorted(hit, key=lambda o: (order.get(o, len(order)), o))

    def manifests(self, changed_files) -> list[str]:
        """Changed files that are plain Kubernetes manifests: YAML/JSON files with
        apiVersion and kind that exist, that no overlay reads and that are not inside a
        kustomization folder (paths relative to the current folder)."""
        out = []
        read = set().union(*self.inputs.values()) if self.inputs else set()
        for cf in changed_files:
            f = self.rel(cf)
            if not cf.endswith(_YAML_EXT) or not os.path.isfile(cf) or f in read \
                    or _kfile(os.path.basename(f)) or f in _REPO_FILES:
                continue
            if any(f.startswith(s.rstrip("/") + "/") for s in self.schema_paths):
                continue
            if self._in_kustomization(os.path.realpath(cf)):
                continue
            if _looks_like_manifest(cf):
                out.append(cf)
        return out

    def _in_kustomization(self, ap: str) -> bool:
        stop = os.path.realpath(self.root)
        d = os.path.dirname(ap)
        while d.startswith(stop):
            if _kdir(d):
                return True
            if d == stop:
                return False
            d = os.path.dirname(d)
        return False

    # -- output --------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"root": self.root,
                "overlays": [{"path": o, "inputs": sorted(self.inputs.get(o, ())),
                              "error": self.errors.get(o)} for o in self.overlays]}

    def to_text(self) -> str:
        lines = []
        for o in self.overlays:
            files = sorted(self.inputs.get(o, ()))
            head = "%s (%d files)" % (o, len(files))
            if o in self.errors:
                head += "  [does not render: %s]" % self.errors[o]
            lines.append(head)
            for dname, fs in _by_dir(files):
                lines.append("  %s/" % dname)
                lines.extend("    %s" % f.rsplit("/", 1)[-1] for f in fs)
        return "\n".join(lines) + ("\n" if lines else "")

    def to_dot(self) -> str:
        """Graphviz: overlay -> kustomization folders it reads -> files of that folder."""
        def q(s):
            return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')
        out = ["digraph kustgen {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
        nodes: dict = {}
        edges: list = []

        def node(name, attrs):
            if name not in nodes:
                nodes[name] = attrs

        def edge(a, b):
            if (a, b) not in edges:
                edges.append((a, b))

        for o in self.overlays:
            node(o, "shape=box, style=filled, fillcolor=lightblue" +
                 (", color=red" if o in self.errors else ""))
            files = self.inputs.get(o, set())
            kdirs = sorted({f.rsplit("/", 1)[0] if "/" in f else "."
                            for f in files if _kfile(f.rsplit("/", 1)[-1])},
                           key=lambda d: (-len(d), d))
            for f in sorted(files):
                # the deepest kustomization folder holding the file; the overlay otherwise
                owner = next((d for d in kdirs if d == "." or f.startswith(d + "/")), None)
                if _kfile(f.rsplit("/", 1)[-1]):
                    d = owner
                    kd = d + "/"
                    if d == o:
                        edge(o, f)
                        continue
                    node(kd, "shape=folder")
                    edge(o, kd)
                    edge(kd, f)
                    continue
                if owner is None or owner == o:
                    edge(o, f)
                else:
                    node(owner + "/", "shape=folder")
                    edge(o, owner + "/")
                    edge(owner + "/", f)
        for n, attrs in nodes.items():
            out.append("  %s [%s];" % (q(n), attrs))
        for a, b in edges:
            out.append("  %s -> %s;" % (q(a), q(b)))
        out.append("}")
        return "\n".join(out) + "\n"


def _by_dir(files):
    groups: dict = {}
    for f in files:
        d = f.rsplit("/", 1)[0] if "/" in f else "."
        groups.setdefault(d, []).append(f)
    return sorted(groups.items())


_MANIFEST_RE = re.compile(rb'^\s*"?apiVersion"?\s*:', re.M)
_KIND_RE = re.compile(rb'^\s*"?kind"?\s*:', re.M)


def _looks_like_manifest(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
    except OSError:
        return False
    return bool(_MANIFEST_RE.search(head) and _KIND_RE.search(head))


# ---------------------------------------------------------------------------------------
# building (with a cache of each overlay's inputs)
# ---------------------------------------------------------------------------------------
def _stat(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _cache_file(root: str, roots: list[str]) -> str | None:
    if os.environ.get("KUSTGEN_GRAPH_CACHE", "1") == "0":
        return None
    from kustgen import __version__
    from kustgen.schemas.fetch import default_cache_dir
    key = hashlib.sha256(json.dumps([_CACHE_VERSION, __version__, root, roots])
                         .encode()).hexdigest()[:24]
    d = os.environ.get("KUSTGEN_CACHE_DIR")
    d = os.path.join(d, "graph") if d else os.path.join(
        os.path.dirname(default_cache_dir().rstrip(os.sep)) or ".", "graph")
    return os.path.join(d, "graph-%s.json" % key)


def _load_cache(path: str | None) -> dict:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) and data.get("v") == _CACHE_VERSION else {}
    except (OSError, ValueError):
        return {}


def _save_cache(path: str | None, data: dict) -> None:
    if not path:
        return
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass


def build_graph(config=None, roots=None, session=None) -> Graph:
    """Render the overlays (`roots`, default: kustgen.yaml's environments, else every
    kustomization root of the repository) and record the files each build reads.
    Overlays that fail to render are kept, with the files read before the failure and
    the error (``Graph.errors``)."""
    from kustgen import api
    from kustgen.config import load_config
    cfg = config if config is not None else load_config(".")
    root = os.path.realpath(os.path.abspath(cfg.root))
    if roots is None:
        roots = [d for d in cfg.overlay_dirs() if _kdir(d)] or api.find_roots(cfg.root)
    g = Graph(root=root)
    g.overlays = [g.rel(r) for r in roots]
    for s in [cfg.schema_vendor] + list(cfg.schema_crds):
        if s and "://" not in s:
            g.schema_paths.append(g.rel(cfg.path(s)))
    cpath = _cache_file(root, g.overlays) if session is None else None
    cache = _load_cache(cpath)
    entries = cache.get("overlays", {}) if isinstance(cache.get("overlays"), dict) else {}
    todo = []
    for o in g.overlays:
        e = entries.get(o)
        if isinstance(e, dict) and not e.get("error") and e.get("files"):
            files = e["files"]
            if all(_stat(f if os.path.isabs(f) else os.path.join(root, f)) == st
                   for f, st in files.items()):
                g.inputs[o] = set(files)
                g.cached += 1
                continue
        if isinstance(e, dict):
            g.previous[o] = set(e.get("files") or ()) | set(e.get("prev") or ())
        todo.append(o)
    if todo:
        from kustgen.kustomize.pipeline import BuildSession
        s = session or BuildSession()
        g.session = s                   # validation of affected overlays reuses the renders
        for r in api.render([g.path(o) for o in todo], session=s, fallback=False,
                            text=False):
            g.results[r.path] = r
            o = g.rel(r.path)
            files = s.inputs.get(os.path.realpath(r.path), set())
            g.inputs[o] = {g.rel(f) for f in files}
            if r.error is not None:
                g.errors[o] = " ".join(str(r.error).split("\n"))
                g.previous[o] = g.previous.get(o, set()) | g.inputs[o]
            entries[o] = {"files": {f: _stat(os.path.join(root, f) if not os.path.isabs(f)
                                             else f) for f in g.inputs[o]},
                          "error": g.errors.get(o),
                          "prev": sorted(g.previous.get(o, ())) if o in g.errors else []}
        if cpath:
            _save_cache(cpath, {"v": _CACHE_VERSION, "overlays": {
                o: entries[o] for o in g.overlays if o in entries}})
    return g
