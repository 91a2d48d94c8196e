"""kustgen apps check: every Argo CD Application / ApplicationSet of the repository points
at a path that exists (and renders) at the revision Argo CD will read."""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field

from kustgen.argocd import appset as _as
from kustgen.gitfs import GitFS, GitError, git, resolve, toplevel
from kustgen.model.errors import ConfigError, KustgenError, UnsupportedFeature
from kustgen.model.finding import Finding, Severity
from kustgen.model.origin import Origin

APP_RULES = {
    "app-path-missing": "The source path of an Application does not exist at its target "
                        "revision (Argo CD: 'app path does not exist').",
    "app-path-render": "The source path is a kustomization that does not build at the "
                       "target revision.",
    "app-path-empty": "The source path holds nothing Argo CD can render (no kustomization, "
                      "Helm chart or manifests).",
    "app-revision": "The target revision cannot be resolved in this repository.",
    "app-other-repo": "The source is another repository: not checked.",
    "appset-empty": "A git generator of an ApplicationSet matches nothing: it generates "
                    "no Applications.",
    "appset-shrinks": "An ApplicationSet generates fewer Applications than at the base "
                      "revision (those Applications would be deleted or orphaned).",
}

ARGO_KINDS = ("Application", "ApplicationSet")
MANIFEST_EXT = (".yaml", ".yml", ".json", ".jsonnet", ".libsonnet")
REV_MODES = ("worktree", "staged", "committed")
SKIP_DIRS = (".git", "node_modules", "__pycache__")


@dataclass
class AppsResult:
    findings: list = field(default_factory=list)
    checked: int = 0
    notes: list = field(default_factory=list)


@dataclass
class Found:
    kind: str
    data: dict
    file: str
    line: int = 0
    positions: dict = field(default_factory=dict)
    rel: str | None = None           # file relative to the repo root (None: rendered)
    doc: int = 0
    field_origins: dict = field(default_factory=dict)   # rendered: fields set by patches

    def at(self, path: tuple) -> tuple[str, int, int]:
        while path:
            if path in self.field_origins:
                o = self.field_origins[path]
                return (o.file or self.file, o.line, o.column)
            if path in self.positions:
                return (self.file,) + tuple(self.positions[path])
            path = path[:-1]
        return (self.file, self.line, 0)

    @property
    def name(self) -> str:
        md = self.data.get("metadata") or {}
        return str(md.get("name") or "?") if isinstance(md, dict) else "?"


def normalize_url(u: str) -> str:
    """A repository URL reduced to ``host/org/repo``: no scheme, user, port, ``.git`` or
    trailing slash; ``git@host:org/repo`` is ``https://host/org/repo``; host lower-cased."""
    u = str(u or "").strip()
    m = re.match(r"^([A-Za-z][\w.+-]*)://(.*)$", u)
    if m:
        rest = m.group(2)
        host, _, path = rest.partition("/")
    else:
        m2 = re.match(r"^(?:[^@/]+@)?([^:/]+):(?!//)(.*)$", u)
        if m2 and not os.path.isabs(u):
            host, path = m2.group(1), m2.group(2)
        else:
            host, path = "", u
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if ":" in host:
        host = host.split(":", 1)[0]
    host = host.lower()
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    path = path.rstrip("/")
    return host + "/" + path


# ----------------------------------------------------------------------------------------
# discovery
# ----------------------------------------------------------------------------------------
def _docs_of(data: bytes, file: str, rel: str | None) -> list[Found]:
    from kustgen import yamlio
    if b"argoproj.io" not in data:
        return []
    try:
        docs = yamlio.load_documents(data, file)
    except KustgenError:
        return []
    except Exception:
        return []
    out = []
    for d in docs:
        o = d.data
        if not isinstance(o, dict):
            continue
        if str(o.get("apiVersion", "")).startswith("argoproj.io/") and o.get("kind") in ARGO_KINDS:
            out.append(Found(o["kind"], o, file, d.line, d.positions, rel, d.index))
    return out


def _walk_files(top: str) -> list[str]:
    if os.path.isfile(top):
        return [top]
    out = []
    for d, subdirs, files in os.walk(top):
        subdirs[:] = sorted(s for s in subdirs if s not in SKIP_DIRS)
        out.extend(os.path.join(d, f) for f in sorted(files) if f.endswith(MANIFEST_EXT[:3]))
    return out


def discover(paths: list[str], repo_root: str | None, session=None,
             prerendered: dict | None = None) -> list[Found]:
    """Applications and ApplicationSets in YAML files under ``paths`` and in what their
    kustomization roots render (an app of apps). ``session``/``prerendered`` ({overlay
    path: api.RenderResult}) reuse renders done already (`kustgen check`)."""
    from kustgen import api
    from kustgen.kustomize.pipeline import BuildSession
    found: list[Found] = []
    seen: set = set()
    for top in paths:
        for f in _walk_files(top):
            try:
                with open(f, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            rel = _rel(f, repo_root)
            for x in _docs_of(data, f, rel):
                key = (x.kind, json.dumps(x.data, sort_keys=True, default=str))
                if key not in seen:
                    seen.add(key)
                    found.append(x)
    session = session if session is not None else BuildSession(None)
    done = {os.path.realpath(k): v for k, v in (prerendered or {}).items()}
    raw = {(os.path.realpath(x.file), x.doc): x for x in found}
    replaced: set = set()          # raw documents an overlay renders differently
    same: set = set()              # raw documents an overlay renders unchanged
    for top in paths:
        if not os.path.isdir(top):
            continue
        for root in api.find_roots(top):
            pre = done.get(os.path.realpath(root))
            for rr in [pre] if pre is not None else api.render(
                    [root], session=session, fallback=False, text=False):
                if rr.error:
                    continue
                for r in rr.resources:
                    o = r.obj
                    if not (str(o.get("apiVersion", "")).startswith("argoproj.io/")
                            and o.get("kind") in ARGO_KINDS):
                        continue
                    org = r.origin
                    src = raw.get((os.path.realpath(org.file), org.doc)) if (
                        org and org.file) else None
                    key = (o["kind"], json.dumps(o, sort_keys=True, default=str))
                    if src is not None and src.data == o:
                        same.add(id(src))
                    if key in seen:
                        continue
                    seen.add(key)
                    if src is not None:
                        replaced.add(id(src))
                    file = org.file if org and org.file else root
                    found.append(Found(o["kind"], o, file, org.line if org else 0,
                                       src.positions if src is not None else {},
                                       None,
                                       org.doc if org else 0, dict(r.field_origins)))
    # a file's own version that overlays only render changed is just their input
    return [x for x in found if id(x) not in replaced or id(x) in same]


def _rel(f: str, root: str | None) -> str | None:
    if not root:
        return None
    p = os.path.realpath(f)
    if p.startswith(root + os.sep):
        return p[len(root) + 1:].replace(os.sep, "/")
    return None


# ----------------------------------------------------------------------------------------
# the repository at a revision
# ----------------------------------------------------------------------------------------
class Repo:
    def __init__(self, root: str | None, own_urls: set, rev_mode: str):
        self.root = root
        self.own = own_urls
        self.rev_mode = rev_mode
        self.fs_cache: dict = {}
        self.lists: dict = {}
        self.sessions: dict = {}
        self.branch = None
        if root:
            try:
                self.branch = git(root, "symbolic-ref", "-q", "--short", "HEAD",
                                  check=False).decode().strip() or None
            except OSError:
                self.branch = None

    def is_own(self, url) -> bool:
        return bool(url) and normalize_url(url) in self.own

    def is_current(self, rev) -> bool:
        rev = str(rev or "").strip()
        return rev in ("", "HEAD") or (self.branch is not None and rev in (
            self.branch, "refs/heads/" + self.branch))

    def current_fs(self):
        """The FileSystem standing for HEAD in this run, with a label."""
        if self.root is None or self.rev_mode == "worktree":
            return self._fs(None), "in the working tree"
        if self.rev_mode == "staged":
            return self._fs(":"), "in the index"
        c = resolve(self.root, "HEAD")
        return (self._fs(c), "at HEAD") if c else (None, "HEAD")

    def fs_for(self, rev, base: str | None = None):
        """(fs, label) for ``rev`` as a target revision; fs None when it cannot be resolved.
        ``base``: a commit standing for HEAD (the --base comparison)."""
        if self.is_current(rev):
            if base is not None:
                return self._fs(base), "at " + base[:12]
            return self.current_fs()
        rev = str(rev).strip()
        if self.root is None:
            return None, rev
        for cand in (rev, "refs/tags/" + rev, "origin/" + rev, "refs/remotes/origin/" + rev):
            c = resolve(self.root, cand)
            if c:
                return self._fs(c), "at " + rev
        return None, rev

    def _fs(self, rev):
        if rev not in self.fs_cache:
            root = self.root or os.getcwd()
            self.fs_cache[rev] = GitFS(root, rev) if self.root else GitFS(root, None)
        return self.fs_cache[rev]

    def tree(self, fs) -> tuple[list, list]:
        k = id(fs)
        if k not in self.lists:
            self.lists[k] = (fs.dirs(), fs.files())
        return self.lists[k]

    def session(self, fs):
        from kustgen.kustomize.pipeline import BuildSession
        k = id(fs)
        if k not in self.sessions:
            self.sessions[k] = BuildSession(fs)
        return self.sessions[k]


# ----------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------
class Checker:
    def __init__(self, repo: Repo):
        self.repo = repo
        self.findings: list[Finding] = []
        self._seen: set = set()
        self._built: dict = {}

    def add(self, found: Found, path: tuple, rule: str, sev: Severity, msg: str) -> None:
        file, line, col = found.at(path)
        f = Finding(Origin(file, line, col), rule, sev, msg,
                    path=".".join(str(p) for p in path))
        key = (f.origin, rule, msg)
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(f)

    # -- one source ----------------------------------------------------------------------
    def source(self, found: Found, src: dict, pos: tuple, what: str) -> None:
        url = src.get("repoURL")
        if not url or any(_as.templated(src.get(k)) for k in ("repoURL", "path",
                                                              "targetRevision")):
            return
        if not self.repo.is_own(url):
            self.add(found, pos + ("repoURL",), "app-other-repo", Severity.INFO,
                     "%s: not this repository: %s; not checked" % (what, url))
            return
        if src.get("chart") and not src.get("path"):
            return                                   # a Helm repository source
        if src.get("ref") and not src.get("path"):
            return                                   # a values reference of multi-source
        rev = src.get("targetRevision")
        fs, label = self.repo.fs_for(rev)
        if fs is None:
            self.add(found, pos + ("targetRevision",), "app-revision", Severity.ERROR,
                     "%s: targetRevision %r cannot be resolved in this repository"
                     % (what, str(rev or "HEAD")))
            return
        self.path(found, fs, label, str(src.get("path") or "."), src, pos + ("path",), what)

    def path(self, found: Found, fs, label: str, path: str, src: dict, pos: tuple,
             what: str) -> None:
        root = self.repo.root or os.getcwd()
        rel = os.path.normpath(path.strip("/") or ".").replace(os.sep, "/")
        if rel == ".." or rel.startswith("../"):
            self.add(found, pos, "app-path-missing", Severity.ERROR,
                     "%s: app path %r leaves the repository" % (what, path))
            return
        absp = os.path.join(root, rel) if rel != "." else root
        if not fs.is_dir(absp):
            kind = "is a file, not a folder" if fs.is_file(absp) else "does not exist"
            msg = "%s: app path %s %s %s" % (what, path, kind, label)
            hint = _closest(fs, root, rel, self.repo.tree(fs)[0])
            if hint:
                msg += " (did you mean %s?)" % hint
            wt = self.repo._fs(None)
            if fs is not wt and wt.is_dir(absp):
                msg += "; it exists in the working tree, not %s" % label
            self.add(found, pos, "app-path-missing", Severity.ERROR, msg)
            return
        if src.get("plugin"):
            return
        names = fs.listdir(absp)
        from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES
        if any(n in names for n in KUSTOMIZATION_FILE_NAMES):
            key = (id(fs), absp)
            if key not in self._built:
                err = None
                try:
                    self.repo.session(fs).build(absp)
                except UnsupportedFeature:
                    err = None
                except KustgenError as e:
                    err = " ".join(str(e).split("\n"))
                except RecursionError:
                    err = "nesting too deep while rendering (a reference cycle?)"
                self._built[key] = err
            err = self._built[key]
            if err:
                self.add(found, pos, "app-path-render", Severity.ERROR,
                         "%s: %s does not build %s: %s" % (what, path, label, err))
            return
        if "Chart.yaml" in names:
            return
        if any(n.endswith(MANIFEST_EXT) and fs.is_file(os.path.join(absp, n)) for n in names):
            return
        recurse = isinstance(src.get("directory"), dict) and src["directory"].get("recurse")
        deep = self._has_manifests_below(fs, absp)
        if recurse and deep:
            return
        msg = ("%s: %s %s holds no kustomization, Helm chart or manifests"
               % (what, path, label))
        if deep:
            msg += " (manifests are in subfolders: set directory.recurse: true)"
        self.add(found, pos, "app-path-empty", Severity.ERROR, msg)

    def _has_manifests_below(self, fs, absp: str) -> bool:
        stack = [absp]
        while stack:
            d = stack.pop()
            for n in fs.listdir(d):
                p = os.path.join(d, n)
                if fs.is_dir(p):
                    if n != ".git":
                        stack.append(p)
                elif n.endswith(MANIFEST_EXT):
                    return True
        return False

    # -- Application ---------------------------------------------------------------------
    def application(self, found: Found) -> None:
        spec = found.data.get("spec")
        if not isinstance(spec, dict):
            return
        what = "Application %s" % found.name
        if isinstance(spec.get("sources"), list):
            for i, s in enumerate(spec["sources"]):
                if isinstance(s, dict):
                    self.source(found, s, ("spec", "sources", i), what)
        elif isinstance(spec.get("source"), dict):
            self.source(found, spec["source"], ("spec", "source"), what)

    # -- ApplicationSet ------------------------------------------------------------------
    def generators(self, found: Found, gens, pos: tuple, base: str | None,
                   report: bool) -> list | None:
        """Parameter sets of a list of generators combined as siblings (concatenated)."""
        if not isinstance(gens, list):
            return None
        out: list | None = []
        for i, g in enumerate(gens):
            p = self.generator(found, g, pos + (i,), base, report)
            if p is None or out is None:
                out = None
            else:
                out.extend(p)
        return out

    def generator(self, found: Found, g, pos: tuple, base: str | None,
                  report: bool) -> list | None:
        if not isinstance(g, dict):
            return None
        if isinstance(g.get("git"), dict):
            return self.git_generator(found, g["git"], pos + ("git",), base, report)
        if isinstance(g.get("list"), dict):
            els = g["list"].get("elements")
            if not isinstance(els, list) or g["list"].get("elementsYaml"):
                return None
            out = []
            for e in els:
                p: dict = {}
                _as._flatten("", e, p)
                out.append(p)
            return out
        if isinstance(g.get("matrix"), dict):
            kids = g["matrix"].get("generators")
            if not isinstance(kids, list) or len(kids) != 2:
                return None
            kpos = pos + ("matrix", "generators")
            first = self.generator(found, kids[0], kpos + (0,), base, report)
            if first is None:
                return None
            out = []
            second_static = not _as.templated(json.dumps(kids[1]))
            if second_static:
                second = self.generator(found, kids[1], kpos + (1,), base, report)
                if second is None:
                    return None
                return [dict(a, **b) for a in first for b in second]
            for a in first:
                text = json.dumps(kids[1])
                sub = _as._VAR.sub(lambda m: json.dumps(
                    a.get(m.group(1).lstrip("."), m.group(0)))[1:-1], text)
                if _as.templated(sub):
                    return None
                second = self.generator(found, json.loads(sub), kpos + (1,), base, report)
                if second is None:
                    return None
                out.extend(dict(a, **b) for b in second)
            return out
        if isinstance(g.get("merge"), dict):
            kids = g["merge"].get("generators")
            if not isinstance(kids, list) or not kids:
                return None
            kpos = pos + ("merge", "generators")
            res = [self.generator(found, k, kpos + (j,), base, report)
                   for j, k in enumerate(kids)]
            return res[0]
        return None

    def git_generator(self, found: Found, g: dict, pos: tuple, base: str | None,
                      report: bool) -> list | None:
        url = g.get("repoURL")
        if not url or _as.templated(url) or _as.templated(g.get("revision")):
            return None
        if not self.repo.is_own(url):
            if report:
                self.add(found, pos + ("repoURL",), "app-other-repo", Severity.INFO,
                         "ApplicationSet %s: not this repository: %s; not checked"
                         % (found.name, url))
            return None
        fs, label = self.repo.fs_for(g.get("revision"), base)
        if fs is None:
            if report:
                self.add(found, pos + ("revision",), "app-revision", Severity.ERROR,
                         "ApplicationSet %s: revision %r cannot be resolved in this "
                         "repository" % (found.name, str(g.get("revision"))))
            return None
        dirs, files = self.repo.tree(fs)
        out: list = []
        if isinstance(g.get("directories"), list):
            ents = g["directories"]
            if any(_as.templated(e.get("path")) for e in ents if isinstance(e, dict)):
                return None
            matched, inc, exc = _as.git_match(dirs, ents)
            if not matched and report:
                msg = ("ApplicationSet %s: git directories generator matches no folder "
                       "%s (%s)" % (found.name, label, ", ".join(inc) or "no include path"))
                if exc:
                    base_m, _, _ = _as.git_match(dirs, [e for e in ents if isinstance(e, dict)
                                                        and not e.get("exclude")])
                    if base_m:
                        msg += "; the exclude entries (%s) remove all %d matches" % (
                            ", ".join(exc), len(base_m))
                self.add(found, pos + ("directories",), "appset-empty", Severity.ERROR,
                         msg + ": it generates no Applications")
            out.extend(_as.dir_params(d) for d in matched)
        if isinstance(g.get("files"), list):
            ents = g["files"]
            if any(_as.templated(e.get("path")) for e in ents if isinstance(e, dict)):
                return None
            matched, inc, _ = _as.git_match(files, ents)
            if not matched and report:
                self.add(found, pos + ("files",), "appset-empty", Severity.ERROR,
                         "ApplicationSet %s: git files generator matches no file %s "
                         "(%s): it generates no Applications" % (found.name, label,
                                                                 ", ".join(inc)))
            from kustgen import yamlio
            root = self.repo.root or os.getcwd()
            for f in matched:
                try:
                    docs = yamlio.load_documents(fs.read_bytes(os.path.join(root, f)), f)
                except Exception:
                    docs = []
                items = []
                for d in docs:
                    items.extend(d.data if isinstance(d.data, list) else [d.data])
                for it in items or [{}]:
                    out.append(_as.file_params(f, it if isinstance(it, dict) else {}))
        return out

    def applicationset(self, found: Found, base: str | None = None,
                       report: bool = True) -> int | None:
        spec = found.data.get("spec")
        if not isinstance(spec, dict):
            return None
        params = self.generators(found, spec.get("generators"), ("spec", "generators"),
                                 base, report)
        if report:
            self.template(found, spec, params)
        return None if params is None else len(params)

    def template(self, found: Found, spec: dict, params: list | None) -> None:
        tspec = ((spec.get("template") or {}).get("spec") or {}) if isinstance(
            spec.get("template"), dict) else {}
        if not isinstance(tspec, dict):
            return
        srcs = []
        if isinstance(tspec.get("sources"), list):
            srcs = [(s, ("spec", "template", "spec", "sources", i))
                    for i, s in enumerate(tspec["sources"]) if isinstance(s, dict)]
        elif isinstance(tspec.get("source"), dict):
            srcs = [(tspec["source"], ("spec", "template", "spec", "source"))]
        for src, pos in srcs:
            fields = ("repoURL", "path", "targetRevision")
            if not any(_as.templated(src.get(k)) for k in fields):
                self.source(found, src, pos, "ApplicationSet %s" % found.name)
                continue
            if params is None:
                continue
            done = set()
            for p in params[:500]:
                s = dict(src)
                ok = True
                for k in fields:
                    if k in src:
                        v = _as.substitute(src[k], p)
                        if v is None:
                            ok = False
                            break
                        s[k] = v
                if not ok:
                    continue
                key = tuple(s.get(k) for k in fields)
                if key in done:
                    continue
                done.add(key)
                self.source(found, s, pos, "ApplicationSet %s" % found.name)


def _closest(fs, root: str, rel: str, dirs: list[str]) -> str | None:
    """The existing folder ``rel`` looks like a misspelling of: the deepest existing
    parent, then each missing segment matched against the folders there."""
    segs = rel.split("/")
    have = ""
    for i, seg in enumerate(segs):
        nxt = seg if not have else have + "/" + seg
        if fs.is_dir(os.path.join(root, nxt)):
            have = nxt
            continue
        try:
            names = [n for n in fs.listdir(os.path.join(root, have) if have else root)
                     if fs.is_dir(os.path.join(root, have, n)) and n != ".git"]
        except OSError:
            return None
        close = difflib.get_close_matches(seg, names, n=1, cutoff=0.75)
        if not close:
            return None
        have = close[0] if not have else have + "/" + close[0]
    return have if have != rel and fs.is_dir(os.path.join(root, have)) else None


def deletes(spec: dict) -> bool:
    """Whether the ApplicationSet controller deletes Applications it no longer generates."""
    sp = spec.get("syncPolicy") if isinstance(spec, dict) else None
    if not isinstance(sp, dict):
        return True
    if sp.get("preserveResourcesOnDeletion"):
        return False
    return sp.get("applicationsSync") not in ("create-only", "create-update")


# ----------------------------------------------------------------------------------------
# the facade
# ----------------------------------------------------------------------------------------
def own_urls(config, root: str | None) -> set:
    urls = set()
    if config is not None and getattr(config, "repo_url", None):
        urls.add(normalize_url(config.repo_url))
    if root:
        try:
            out = git(root, "remote", "-v", check=False).decode("utf-8", "replace")
        except OSError:
            out = ""
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                urls.add(normalize_url(parts[1]))
    return urls


def check_apps(paths: list[str] | None = None, *, config=None, base_rev: str | None = None,
               rev_mode: str = "worktree", session=None,
               prerendered: dict | None = None) -> AppsResult:
    """Check every Argo CD Application and ApplicationSet under ``paths`` (default: the
    repository) against the repository at the revisions they target. ``session`` and
    ``prerendered`` reuse the working tree's renders done already (`kustgen check`)."""
    if rev_mode not in REV_MODES:
        raise ConfigError("unknown --rev-mode %r (%s)" % (rev_mode, ", ".join(REV_MODES)))
    if config is None:
        from kustgen.config import load_config
        config = load_config(".")
    start = config.root if getattr(config, "file", None) else "."
    root = toplevel(start) or toplevel(".")
    repo = Repo(root, own_urls(config, root), rev_mode)
    base = None
    if base_rev:
        if root is None:
            raise ConfigError("--base %s: not in a git repository" % base_rev)
        base = resolve(root, base_rev)
        if base is None:
            raise ConfigError("--base %s: unknown revision" % base_rev)
    for p in paths or []:
        if not os.path.exists(p):
            raise ConfigError("%s: no such file or folder" % p)
    tops = list(paths) if paths else [root or "."]
    res = AppsResult()
    chk = Checker(repo)
    try:
        found = discover(tops, root, session, prerendered)
        for x in found:
            res.checked += 1
            if x.kind == "Application":
                chk.application(x)
            else:
                now = chk.applicationset(x)
                if base is not None:
                    _compare_base(chk, repo, x, now, base, base_rev)
    except GitError as e:
        raise ConfigError(str(e)) from None
    res.findings = chk.findings
    return res


def _compare_base(chk: Checker, repo: Repo, x: Found, now: int | None, base: str,
                  base_label: str) -> None:
    if now is None or x.rel is None:
        return
    bfs = repo._fs(base)
    path = os.path.join(repo.root, x.rel)
    if not bfs.is_file(path):
        return
    old = [y for y in _docs_of(bfs.read_bytes(path), x.file, x.rel)
           if y.kind == "ApplicationSet" and y.name == x.name]
    if not old:
        return
    then = chk.applicationset(old[0], base=base, report=False)
    if then is None or now >= then:
        return
    spec = x.data.get("spec") or {}
    gone = then - now
    if deletes(spec):
        chk.add(x, ("spec", "generators"), "appset-shrinks", Severity.ERROR,
                "ApplicationSet %s generates %d Applications, %d at %s: %d would be "
                "deleted with their resources (syncPolicy allows deletion)"
                % (x.name, now, then, base_label, gone))
    else:
        chk.add(x, ("spec", "generators"), "appset-shrinks", Severity.WARNING,
                "ApplicationSet %s generates %d Applications, %d at %s: %d would no "
                "longer be managed" % (x.name, now, then, base_label, gone))
