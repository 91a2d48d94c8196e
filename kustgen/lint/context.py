"""The prepared context every lint rule reads: nothing here renders; `api.lint` fills it.

- ``overlays``: each overlay linted, rendered once (resources with provenance), with its
  environment and the files its build read (or the error that stopped the build);
- ``manifests``: plain manifests (files no kustomization reads) given as PATHS;
- ``kustomizations``: every kustomization of the repository (parsed, with line
  positions), with the files it references: the kustomization graph;
- ``events``: what the builds noticed on the way (a patch target that matched nothing, a
  strategic-merge patch that replaced a whole list);
- ``registry``: the schema registry (``lookup(apiVersion, kind)``), as validate uses it;
- ``docs(path)``: a source file's parsed documents (shared with the builds: each file is
  parsed once);
- ``suppressions``: the `# kustgen: ignore[...]` comments and `kustgen.io/ignore`
  annotations found (see :mod:`kustgen.lint.suppress`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator

from kustgen.model import KustgenError, Origin, Resource
from kustgen.model.event import BuildEvent  # noqa: F401  (what ctx.events holds)

PROTECTED_BY_DEFAULT = ("prod", "production")

# kustomization fields that name files or folders: field -> how to find them in an entry
_FILE_LIST_FIELDS = ("resources", "bases", "components", "crds", "configurations",
                     "patchesStrategicMerge", "generators", "transformers", "validators")
_PATH_ENTRY_FIELDS = ("patches", "patchesJson6902", "replacements")
_GENERATOR_FIELDS = ("configMapGenerator", "secretGenerator")


@dataclass(frozen=True)
class EnvInfo:
    """The environment an overlay deploys: its name ("" when unknown) and whether it is
    protected (kustgen.yaml `protected: true`; without any, `prod`/`production`)."""
    name: str
    protected: bool = False
    local: bool = False             # kustgen.yaml `local: true` (LocalStack)


@dataclass
class OverlayView:
    path: str                       # as given (relative to the working folder)
    dir: str                        # absolute, real path
    env: EnvInfo
    resources: list = field(default_factory=list)
    error: KustgenError | None = None
    inputs: set = field(default_factory=set)     # absolute paths the build read
    engine: str = "embedded"


@dataclass(frozen=True)
class Ref:
    """A file or folder a kustomization names: ``field`` (e.g. "resources",
    "patches", "configMapGenerator"), ``value`` as written, ``path`` resolved (absolute,
    normalised; None for URLs and inline content), ``line`` of the entry."""
    field: str
    value: str
    path: str | None
    line: int


@dataclass
class KustView:
    """One kustomization file of the repository (parsed, not built)."""
    dir: str                        # absolute
    file: str                       # absolute path of kustomization.yaml
    data: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)
    error: KustgenError | None = None

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "Kustomization")

    @property
    def is_component(self) -> bool:
        return self.kind == "Component"

    def line_of(self, *path) -> int:
        """1-based line of a key or list item (path of keys and indexes); 0 when absent."""
        while path:
            pos = self.positions.get(tuple(path))
            if pos:
                return pos[0]
            path = path[:-1]
        return 1

    def origin(self, *path) -> Origin:
        return Origin(self.file, self.line_of(*path), 1)

    def refs(self) -> list[Ref]:
        """Every file or folder this kustomization names, in field order."""
        out: list[Ref] = []
        d = self.data

        def add(fld, value, *at):
            v = str(value).strip()
            if not v or "\n" in v or "://" in v or v.startswith(("github.com/", "git@")):
                p = None
            else:
                p = os.path.normpath(os.path.join(self.dir, v))
            out.append(Ref(fld, str(value), p, self.line_of(*at)))

        for fld in _FILE_LIST_FIELDS:
            v = d.get(fld)
            for i, x in enumerate(v if isinstance(v, list) else []):
                if isinstance(x, str):
                    add(fld, x, fld, i)
        for fld in _PATH_ENTRY_FIELDS:
            v = d.get(fld)
            for i, x in enumerate(v if isinstance(v, list) else []):
                if isinstance(x, dict) and isinstance(x.get("path"), str):
                    add(fld, x["path"], fld, i, "path")
        for fld in _GENERATOR_FIELDS:
            v = d.get(fld)
            for i, g in enumerate(v if isinstance(v, list) else []):
                if not isinstance(g, dict):
                    continue
                for j, f in enumerate(g.get("files") or []):
                    if isinstance(f, str):
                        add(fld, f.split("=", 1)[-1], fld, i, "files", j)
                for j, f in enumerate(g.get("envs") or []):
                    if isinstance(f, str):
                        add(fld, f, fld, i, "envs", j)
                if isinstance(g.get("env"), str):
                    add(fld, g["env"], fld, i, "env")
        oa = d.get("openapi")
        if isinstance(oa, dict) and isinstance(oa.get("path"), str):
            add("openapi", oa["path"], "openapi", "path")
        return out


class LintContext:
    def __init__(self, *, config, session, overlays: list[OverlayView] = (),
                 manifests: list[Resource] = (), kustomizations: dict | None = None,
                 events: list[BuildEvent] = (), registry=None, suppressions=None,
                 files: list[str] = ()):
        self.config = config
        self.root = os.path.abspath(config.root)
        self.session = session
        self.overlays = list(overlays)
        self.manifests = list(manifests)
        self.kustomizations: dict[str, KustView] = dict(kustomizations or {})
        self.events = list(events)
        self._registry = registry
        self.registry_factory = None   # builds the registry on first use
        self.suppressions = suppressions
        self.files = list(files)       # YAML files in the repository (absolute)
        # the whole repository is linted (no PATHS): repository-wide conclusions hold
        self.complete = False
        self.rules_run: list = []      # ids of the rules run so far (the engine's)
        self.all_rules_selected = True
        self._memo: dict = {}

    def memo(self, key, compute):
        """``compute()`` once per context (what several rules derive from the same data:
        the repository's XRDs, say); later calls with ``key`` return the first result."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def registry(self):
        """The schema registry (``lookup(apiVersion, kind) -> SchemaEntry | None``; an
        entry's ``schema`` is its JSON Schema), built on first use."""
        if self._registry is None and self.registry_factory is not None:
            self._registry = self.registry_factory()
        return self._registry

    # -- resources -----------------------------------------------------------------------
    def resources(self) -> Iterator[tuple[OverlayView | None, Resource]]:
        """Every rendered resource (with its overlay) and every plain manifest (None)."""
        for o in self.overlays:
            for r in o.resources:
                yield o, r
        for r in self.manifests:
            yield None, r

    def overlay(self, path: str) -> OverlayView | None:
        return next((o for o in self.overlays if o.path == path), None)

    # -- files ---------------------------------------------------------------------------
    def docs(self, path: str) -> list:
        """The parsed documents of a source file ([] when it cannot be read or parsed:
        another rule or validate reports that)."""
        try:
            return self.session.cache.docs(os.path.abspath(path))
        except (KustgenError, OSError):
            return []

    def kustomization(self, d: str) -> KustView | None:
        return self.kustomizations.get(os.path.abspath(d))

    def relpath(self, path: str) -> str:
        """A path relative to the repository root (POSIX separators)."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        return rel.replace(os.sep, "/")

    # -- provenance ----------------------------------------------------------------------
    def locate(self, res: Resource, path: tuple = ()) -> Origin | None:
        """The file:line a user edits to change ``path`` of ``res``."""
        from kustgen.kustomize.provenance import locate
        return locate(self.session.cache, res, tuple(path)) if path else res.origin

    # -- environments --------------------------------------------------------------------
    def env_of_dir(self, d: str) -> EnvInfo:
        """The environment whose overlay is folder ``d`` (EnvInfo("") when none)."""
        return environment_of(self.config, d)

    def env_of_file(self, path: str) -> EnvInfo:
        """The environment whose overlay folder holds file ``path`` (EnvInfo("") when
        it is in none: a base file serves every environment)."""
        ap = os.path.realpath(path)
        for e in self.config.environments:
            d = os.path.realpath(self.config.path(e.path)).rstrip(os.sep) + os.sep
            if ap.startswith(d):
                return self.env_named(e.name)
        overlays = os.path.realpath(self.config.path(self.config.overlays)) + os.sep
        if not self.config.environments and ap.startswith(overlays):
            rest = ap[len(overlays):].split(os.sep)
            if len(rest) > 1:
                return self.env_named(rest[0])
        return EnvInfo("")

    def env_named(self, name: str) -> EnvInfo:
        cfg = self.config
        e = cfg.environment(name) if cfg.environments else None
        if e is not None:
            return EnvInfo(e.name, _protected(cfg, e.name, e.protected), e.local)
        return EnvInfo(name, _protected(cfg, name, False))


def _protected(cfg, name: str, flag: bool) -> bool:
    if any(e.protected for e in cfg.environments):
        return flag
    return name.lower() in PROTECTED_BY_DEFAULT


def environment_of(cfg, d: str) -> EnvInfo:
    """The environment of overlay folder ``d``: the kustgen.yaml environment with that
    path; without one, the folder's name when it is directly under the overlays folder
    (overlays/prod -> prod). Protected: as marked in kustgen.yaml; when no environment is
    marked, prod and production are."""
    ad = os.path.realpath(d)
    for e in cfg.environments:
        if os.path.realpath(cfg.path(e.path)) == ad:
            return EnvInfo(e.name, _protected(cfg, e.name, e.protected), e.local)
    overlays = os.path.realpath(cfg.path(cfg.overlays))
    if os.path.dirname(ad) == overlays:
        name = os.path.basename(ad)
        return EnvInfo(name, _protected(cfg, name, False))
    return EnvInfo("", False)
