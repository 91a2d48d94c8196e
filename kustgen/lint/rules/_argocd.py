"""Shared helpers of the Argo CD rules (KG30x): which Applications the repository holds,
the environment each one deploys, and its sources.

An Application's environment is the environment whose overlay folder one of its source
paths names (relative to the repository root), when the source is this repository (or
kustgen.yaml gives no repoURL to compare with). An ApplicationSet is checked through its
template, once per parameter set its list / git-directory generators produce where that
can be known without git (git directories are matched against the environment folders
kustgen.yaml and the linted overlays know); otherwise once, as written.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from kustgen.argocd import normalize_url
from kustgen.argocd import appset as _as
from kustgen.argocd.check import ARGO_KINDS

APP_SPEC = ("spec",)
APPSET_SPEC = ("spec", "template", "spec")
APPSET_META = ("spec", "template", "metadata")


@dataclass
class AppView:
    """One Application, or one parameter set of an ApplicationSet's template.

    ``spec``/``metadata``: the Application's (template's, with the parameters of this set
    substituted where they resolve); ``at``/``meta_at``: where they are in the rendered
    resource (for locating); ``env``: the environment its sources deploy ("" unknown)."""
    res: object
    overlay: object                 # OverlayView | None
    kind: str
    name: str
    spec: dict
    metadata: dict
    at: tuple
    meta_at: tuple
    env: str = ""
    sources: list = field(default_factory=list)   # [(source dict, path tuple)]

    @property
    def overlay_path(self) -> str:
        return self.overlay.path if self.overlay is not None else ""

    @property
    def what(self) -> str:
        return "%s %s" % (self.kind, self.name or "?")

    def environment(self) -> str | None:
        """For Hit(environment=...): this Application's environment, or None (the
        overlay's own)."""
        return self.env or None

    def known_env(self, ctx) -> str:
        """The environment it deploys: from its sources, else the overlay it is in."""
        if self.env:
            return self.env
        if self.overlay is not None and self.overlay.env.name:
            return self.overlay.env.name
        return ""


def is_argo(res, kinds=ARGO_KINDS) -> bool:
    return res.api_version.startswith("argoproj.io/") and res.kind in kinds


def sources_of(spec: dict) -> list[tuple[dict, tuple]]:
    """The sources of an Application spec with their paths (relative to the spec)."""
    out = []
    srcs = spec.get("sources")
    if isinstance(srcs, list) and srcs:
        for i, s in enumerate(srcs):
            if isinstance(s, dict):
                out.append((s, ("sources", i)))
    elif isinstance(spec.get("source"), dict):
        out.append((spec["source"], ("source",)))
    return out


def own_repo(ctx, url) -> bool:
    """Whether a repoURL is this repository (True when kustgen.yaml gives no repoURL)."""
    mine = getattr(ctx.config, "repo_url", None)
    if not mine or not isinstance(url, str) or not url:
        return True
    return normalize_url(url) == normalize_url(mine)


def env_dirs(ctx) -> dict[str, str]:
    """{overlay folder relative to the repository root: environment name}."""
    cfg = ctx.config
    out: dict[str, str] = {}
    if cfg.environments:
        for e in cfg.environments:
            out[ctx.relpath(cfg.path(e.path))] = e.name
        return out
    overlays = ctx.relpath(cfg.path(cfg.overlays))
    for ov in ctx.overlays:
        rel = ctx.relpath(ov.dir)
        if posixpath.dirname(rel) == overlays:
            out[rel] = posixpath.basename(rel)
    return out


def env_of_path(ctx, path) -> str:
    """The environment whose overlay folder ``path`` (an Application source path) is."""
    if not isinstance(path, str) or not path.strip() or _as.templated(path):
        return ""
    rel = posixpath.normpath(path.strip().strip("/")) or "."
    dirs = env_dirs(ctx)
    if rel in dirs:
        return dirs[rel]
    if not ctx.config.environments:
        overlays = ctx.relpath(ctx.config.path(ctx.config.overlays))
        if posixpath.dirname(rel) == overlays and overlays not in ("", "."):
            return posixpath.basename(rel)
    return ""


def _env_of_spec(ctx, spec: dict) -> str:
    for src, _ in sources_of(spec):
        if not own_repo(ctx, src.get("repoURL")):
            continue
        e = env_of_path(ctx, src.get("path"))
        if e:
            return e
    return ""


# -- ApplicationSet parameter sets ---------------------------------------------------------
def _param_sets(ctx, gens) -> list[dict] | None:
    """Parameter sets of sibling generators (concatenated); None when any is unknown."""
    if not isinstance(gens, list):
        return None
    out: list[dict] = []
    for g in gens:
        p = _gen_params(ctx, g)
        if p is None:
            return None
        out.extend(p)
    return out


def _gen_params(ctx, g) -> list[dict] | None:
    if not isinstance(g, dict):
        return None
    lst = g.get("list")
    if isinstance(lst, dict):
        els = lst.get("elements")
        if not isinstance(els, list) or lst.get("elementsYaml"):
            return None
        out = []
        for e in els:
            p: dict = {}
            _as._flatten("", e, p)
            out.append(p)
        return out
    gitg = g.get("git")
    if isinstance(gitg, dict) and isinstance(gitg.get("directories"), list):
        if not own_repo(ctx, gitg.get("repoURL")):
            return None
        dirs = sorted(env_dirs(ctx))
        matched, inc, _ = _as.git_match(dirs, gitg["directories"])
        if not inc:
            return None
        return [_as.dir_params(d) for d in matched]
    mx = g.get("matrix")
    if isinstance(mx, dict):
        kids = mx.get("generators")
        if not isinstance(kids, list) or len(kids) != 2:
            return None
        if _as.templated(json.dumps(kids[1])):
            return None
        a, b = _gen_params(ctx, kids[0]), _gen_params(ctx, kids[1])
        if a is None or b is None:
            return None
        return [dict(x, **y) for x in a for y in b]
    return None


def _subst(v, params: dict):
    """``v`` with the parameters substituted in every string that resolves."""
    if isinstance(v, str):
        if not _as.templated(v):
            return v
        s = _as.substitute(v, params)
        return v if s is None else s
    if isinstance(v, dict):
        return {k: _subst(x, params) for k, x in v.items()}
    if isinstance(v, list):
        return [_subst(x, params) for x in v]
    return v


def app_views(ctx) -> list[AppView]:
    """Every Application and ApplicationSet of the linted overlays and manifests, as
    views (one per parameter set of an ApplicationSet, where they can be known)."""
    out: list[AppView] = []
    for ov, res in ctx.resources():
        if not is_argo(res):
            continue
        spec = res.obj.get("spec")
        if not isinstance(spec, dict):
            continue
        if res.kind == "Application":
            md = res.obj.get("metadata")
            md = md if isinstance(md, dict) else {}
            v = AppView(res, ov, res.kind, res.name, spec, md, APP_SPEC, ("metadata",))
            v.sources = sources_of(spec)
            v.env = _env_of_spec(ctx, spec)
            out.append(v)
            continue
        tmpl = spec.get("template")
        if not isinstance(tmpl, dict) or not isinstance(tmpl.get("spec"), dict):
            continue
        tspec = tmpl["spec"]
        tmd = tmpl.get("metadata") if isinstance(tmpl.get("metadata"), dict) else {}
        params = _param_sets(ctx, spec.get("generators"))
        seen: set = set()
        for p in (params or [None]):
            s = _subst(tspec, p) if p is not None else tspec
            m = _subst(tmd, p) if p is not None else tmd
            key = json.dumps([s, m], sort_keys=True, default=str)
            if key in seen:
                continue
            seen.add(key)
            v = AppView(res, ov, res.kind, res.name, s, m, APPSET_SPEC, APPSET_META)
            v.sources = sources_of(s)
            v.env = _env_of_spec(ctx, s)
            out.append(v)
    return out


def is_templated(v) -> bool:
    """An ApplicationSet parameter left unresolved (or a ${...} substitution)."""
    return isinstance(v, str) and ("{{" in v or "${" in v)


def automated(spec: dict) -> dict | None:
    """``syncPolicy.automated`` when automated sync is on (``enabled: false`` turns it
    off in Argo CD 3), else None."""
    sp = spec.get("syncPolicy")
    a = sp.get("automated") if isinstance(sp, dict) else None
    if isinstance(a, dict) and a.get("enabled") is not False and a.get("enabled") != "false":
        return a
    return None
