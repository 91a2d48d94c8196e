"""kustgen.yaml: the repository's configuration.

    cfg = load_config(".")          # finds kustgen.yaml here or in a parent folder
    cfg.overlay_dirs()              # environments' overlays, in promotion order

Every problem is a :class:`ConfigError` naming file:line and what to write instead. The JSON
Schema for editors is ``schemas/kustgen.schema.json``; ``tests/test_config.py`` checks that it
accepts and rejects the same documents as this module.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from kustgen.model.errors import ConfigError

__all__ = ["CONFIG_FILE", "API_VERSION", "Config", "Environment", "find_config",
           "load_config", "parse_config", "check_kubernetes_version"]

CONFIG_FILE = "kustgen.yaml"
API_VERSION = "kustgen.dev/v1alpha1"
_SEVERITIES = ("error", "warning", "warn", "info", "skip", "ignore", "off")
_MISSING_ACTIONS = ("error", "warn", "warning", "info", "skip", "ignore")


@dataclass
class Environment:
    name: str
    path: str                      # overlay folder, relative to the config's folder
    local: bool = False            # LocalStack: never promoted from
    protected: bool = False        # stricter rules (prod)
    line: int = 0


@dataclass
class PlatformConfig:
    """`platform:` of kustgen.yaml: what `kustgen platform render` generates."""
    path: str = "platform"
    families: list = field(default_factory=lambda: ["s3", "ec2", "rds", "iam"])
    test_image: str = "ghcr.io/example/infra-tests:latest"
    test_command: list = field(default_factory=lambda: ["/bin/sh", "-c", "make test"])
    test_timeout: str = "15m"
    wait_timeout: str = "10m"
    git_secret: str = "kustgen-git"
    branch: str = "main"
    kustgen_image: str = "ghcr.io/example/kustgen:latest"
    kubectl_image: str = "bitnami/kubectl:1.32"
    line: int = 0


@dataclass
class Config:
    """The parsed kustgen.yaml. Paths are as written (relative to :attr:`root`)."""

    root: str = "."                            # folder holding kustgen.yaml
    file: str | None = None                    # None: no kustgen.yaml, all defaults
    repo_url: str | None = None
    kubernetes_version: str = "1.32.0"
    base: str = "base"
    overlays: str = "overlays"
    environments: list[Environment] = field(default_factory=list)
    schema_crds: list[str] = field(default_factory=list)
    schema_locations: list[str] = field(default_factory=list)
    schema_vendor: str = "schemas"
    missing: dict = field(default_factory=lambda: {"default": "warn"})
    strict: bool = True
    cel: bool = True
    offline: bool = False
    cache: str | None = None
    promotion: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    platform: "PlatformConfig | None" = None   # `platform:` (None: not configured)
    rules_positions: dict = field(default_factory=dict)   # (key, ...) -> (line, col)
    raw: dict = field(default_factory=dict)

    def path(self, p: str) -> str:
        """A path from the config, relative to the current folder (URLs unchanged)."""
        if "://" in p or os.path.isabs(p):
            return p
        return os.path.normpath(os.path.join(self.root, p))

    def overlay_dirs(self) -> list[str]:
        return [self.path(e.path) for e in self.environments]

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)


def find_config(start: str = ".") -> str | None:
    """kustgen.yaml in `start` or the nearest parent folder; None when there is none."""
    d = os.path.abspath(start)
    while True:
        p = os.path.join(d, CONFIG_FILE)
        if os.path.isfile(p):
            return p
        if os.path.exists(os.path.join(d, ".git")):
            return None           # do not leave the repository (.git is a file in worktrees)
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def load_config(start: str = ".", path: str | None = None) -> Config:
    """The configuration for `start` (or the file `path`); defaults when there is no
    kustgen.yaml."""
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    elif os.path.isdir(path):
        path = os.path.join(path, CONFIG_FILE)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        raise ConfigError("cannot read the configuration: %s" % (e.strerror or e), path) from None
    return parse_config(raw, path)


def parse_config(raw: bytes | str, path: str = CONFIG_FILE) -> Config:
    from kustgen import yamlio
    docs = yamlio.load_documents(raw, path)
    if not docs:
        return Config(root=_rel_root(path), file=path)
    if len(docs) > 1:
        raise ConfigError("kustgen.yaml holds one document, found %d: merge them and remove "
                          "the '---' line" % len(docs), path, docs[1].line)
    return _Parser(docs[0], path).config()


def _rel_root(path: str) -> str:
    d = os.path.dirname(path) or "."
    rel = os.path.relpath(d)
    return d if rel.startswith("..") else rel


class _Parser:
    def __init__(self, doc, path: str):
        self.data = doc.data
        self.pos = doc.positions or {}
        self.doc_line = doc.line
        self.path = path

    def err(self, where: tuple, msg: str) -> ConfigError:
        line = None
        w = where
        while line is None:
            p = self.pos.get(w)
            if p:
                line = p[0]
            elif not w:
                line = self.doc_line
            else:
                w = w[:-1]
        return ConfigError(msg, self.path, line)

    def where(self, at: tuple) -> str:
        s = ""
        for p in at:
            s += "[%d]" % p if isinstance(p, int) else ("." if s else "") + str(p)
        return s

    def mapping(self, at: tuple, allowed: tuple | None = None) -> dict:
        v = self.get(at)
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise self.err(at, "%s must be a mapping" % self.where(at))
        if allowed is not None:
            for k in v:
                if k not in allowed:
                    hint = _closest(k, allowed)
                    raise self.err(at + (k,), "unknown key %r in %s%s" % (
                        k, self.where(at) or "kustgen.yaml",
                        "; did you mean %r?" % hint if hint else
                        "; allowed: %s" % ", ".join(allowed)))
        return v

    def get(self, at: tuple):
        v = self.data
        for p in at:
            if isinstance(v, dict):
                v = v.get(p)
            elif isinstance(v, list) and isinstance(p, int) and p < len(v):
                v = v[p]
            else:
                return None
        return v

    def string(self, at: tuple, default=None) -> str | None:
        v = self.get(at)
        if v is None:
            return default
        if not isinstance(v, str):
            raise self.err(at, "%s must be a string%s" % (
                self.where(at), " (quote it: \"%s\")" % v
                if isinstance(v, (int, float)) and not isinstance(v, bool) else ""))
        return v

    def boolean(self, at: tuple, default: bool) -> bool:
        v = self.get(at)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.err(at, "%s must be true or false" % self.where(at))
        return v

    def strings(self, at: tuple) -> list[str]:
        v = self.get(at)
        if v is None:
            return []
        if isinstance(v, str) and v:
            return [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise self.err(at, "%s must be a list of strings" % self.where(at))
        return list(v)

    def platform(self) -> PlatformConfig:
        at = ("platform",)
        self.mapping(at, ("path", "families", "tests", "wait", "git", "images"))
        p = PlatformConfig(line=(self.pos.get(at) or (0,))[0])
        p.path = self.string(at + ("path",), p.path)
        fams = self.get(at + ("families",))
        if fams is not None:
            fams = self.strings(at + ("families",))
            for i, f in enumerate(fams):
                if not re.match(r"^[a-z][a-z0-9]*$", f):
                    raise self.err(at + ("families", i), "platform.families[%d] %r is not an "
                                   "AWS service family (s3, ec2, rds, ...)" % (i, f))
            if not fams:
                raise self.err(at + ("families",), "platform.families needs at least one family")
            p.families = list(dict.fromkeys(fams))
        t = at + ("tests",)
        self.mapping(t, ("image", "command", "timeout"))
        p.test_image = self._image(t + ("image",), p.test_image)
        if self.get(t + ("command",)) is not None:
            cmd = self.get(t + ("command",))
            # one string is a shell command line, as people write it: make test
            p.test_command = ["/bin/sh", "-c", cmd] if isinstance(cmd, str) else \
                self.strings(t + ("command",))
            if not p.test_command:
                raise self.err(t + ("command",), "platform.tests.command is empty")
        p.test_timeout = self._duration(t + ("timeout",), p.test_timeout)
        w = at + ("wait",)
        self.mapping(w, ("timeout",))
        p.wait_timeout = self._duration(w + ("timeout",), p.wait_timeout)
        g = at + ("git",)
        self.mapping(g, ("secret", "branch"))
        p.git_secret = self.string(g + ("secret",), p.git_secret)
        p.branch = self.string(g + ("branch",), p.branch)
        im = at + ("images",)
        self.mapping(im, ("kustgen", "kubectl"))
        p.kustgen_image = self._image(im + ("kustgen",), p.kustgen_image)
        p.kubectl_image = self._image(im + ("kubectl",), p.kubectl_image)
        return p


    def _duration(self, at: tuple, default: str) -> str:
        v = self.get(at)
        if v is None:
            return default
        if not isinstance(v, str) or not _DURATION.match(v):
            raise self.err(at, "%s is a duration like 10m, 90s or 1h30m (got %r)"
                           % (self.where(at), v))
        return v


    def _image(self, at: tuple, default: str) -> str:
        v = self.string(at, default)
        if not _IMAGE.match(v):
            raise self.err(at, "%s %r is not a container image reference" % (self.where(at), v))
        return v

    def config(self) -> Config:
        top = ("apiVersion", "kind", "repoURL", "kubernetesVersion", "paths", "environments",
               "schemas", "promotion", "rules", "platform")
        if not isinstance(self.data, dict):
            raise self.err((), "kustgen.yaml must be a mapping (apiVersion: %s, kind: Config, "
                               "...)" % API_VERSION)
        self.mapping((), top)
        av = self.string(("apiVersion",))
        if av is not None and av != API_VERSION:
            raise self.err(("apiVersion",), "apiVersion %r is not supported; use %s"
                           % (av, API_VERSION))
        kind = self.string(("kind",))
        if kind is not None and kind != "Config":
            raise self.err(("kind",), "kind must be Config")
        cfg = Config(root=_rel_root(self.path), file=self.path, raw=self.data)
        cfg.repo_url = self.string(("repoURL",))
        kv = self.get(("kubernetesVersion",))
        if isinstance(kv, (int, float)) and not isinstance(kv, bool):
            raise self.err(("kubernetesVersion",), "kubernetesVersion %s is a number: write a "
                           "full version x.y.z in quotes (e.g. \"1.32.0\") or \"master\"" % kv)
        kv = self.string(("kubernetesVersion",), cfg.kubernetes_version)
        cfg.kubernetes_version = check_kubernetes_version(kv, self.err(("kubernetesVersion",),
                                                                       ""))
        paths = self.mapping(("paths",), ("base", "overlays"))
        cfg.base = self.string(("paths", "base"), cfg.base) if paths else cfg.base
        cfg.overlays = self.string(("paths", "overlays"), cfg.overlays) if paths else cfg.overlays
        envs = self.get(("environments",))
        if envs is not None and not isinstance(envs, list):
            raise self.err(("environments",), "environments must be a list, in promotion "
                                              "order: [{name: dev}, {name: prod}]")
        seen: dict = {}
        for i, e in enumerate(envs or []):
            at = ("environments", i)
            if isinstance(e, str):
                e = {"name": e}
            elif not isinstance(e, dict):
                raise self.err(at, "an environment is a mapping with a name: {name: dev}")
            else:
                self.mapping(at, ("name", "path", "local", "protected"))
            name = e.get("name")
            if not isinstance(name, str) or not name:
                raise self.err(at + ("name",) if "name" in e else at,
                               "environment %d needs a name (a non-empty string): "
                               "{name: dev}" % (i + 1))
            if name in seen:
                raise self.err(at, "environment %r is listed twice (first at line %d)"
                               % (name, seen[name]))
            line = (self.pos.get(at) or (0,))[0]
            seen[name] = line
            p = self.string(at + ("path",)) or os.path.join(cfg.overlays, name)
            cfg.environments.append(Environment(
                name, p, self.boolean(at + ("local",), False),
                self.boolean(at + ("protected",), False), line))
        sch = ("schemas",)
        self.mapping(sch, ("crds", "locations", "vendor", "missing", "strict", "cel",
                           "offline", "cache"))
        cfg.schema_crds = self.strings(sch + ("crds",))
        cfg.schema_locations = self.strings(sch + ("locations",))
        cfg.schema_vendor = self.string(sch + ("vendor",), cfg.schema_vendor)
        cfg.strict = self.boolean(sch + ("strict",), True)
        cfg.cel = self.boolean(sch + ("cel",), True)
        cfg.offline = self.boolean(sch + ("offline",), False)
        cfg.cache = self.string(sch + ("cache",))
        missing = self.get(sch + ("missing",))
        if isinstance(missing, str):
            missing = {"default": missing}
        if missing is not None:
            if not isinstance(missing, dict):
                raise self.err(sch + ("missing",), "schemas.missing maps API group globs to "
                               "error|warn|info|skip, e.g. {default: warn, \"*.upbound.io\": "
                               "error}")
            for k, v in missing.items():
                if not isinstance(v, str) or v not in _MISSING_ACTIONS:
                    raise self.err(sch + ("missing", k), "schemas.missing[%r] is %r; use "
                                   "error, warn, info or skip" % (k, v))
            cfg.missing = dict({"default": "warn"}, **{str(k): str(v) for k, v in missing.items()})
        cfg.promotion = self.mapping(("promotion",), ("envSpecificFiles", "envSpecificFields",
                                                     "envSpecificDefaults"))
        cfg.rules = self.mapping(("rules",))
        if self.get(("platform",)) is not None or "platform" in (self.data or {}):
            cfg.platform = self.platform()
        cfg.rules_positions = {k[1:]: v for k, v in self.pos.items() if k[:1] == ("rules",)}
        return cfg


_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$")
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*[a-z0-9]$")


def check_kubernetes_version(v: str, err: ConfigError | None = None) -> str:
    """"1.32.0", "v1.32.0" or "master"; anything else is a ConfigError."""
    import re
    s = str(v)
    if s == "master":
        return s
    m = re.fullmatch(r"v?([0-9]+\.[0-9]+\.[0-9]+)", s)
    if m:
        return m.group(1)
    msg = ("%r is not a Kubernetes version: write a full version x.y.z (e.g. \"1.32.0\") "
           "or \"master\"" % v)
    if err is not None:
        err.message = msg
        err.args = (msg,)
        raise err
    raise ConfigError(msg)


def _closest(word: str, choices) -> str | None:
    import difflib
    m = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.7)
    return m[0] if m else None
