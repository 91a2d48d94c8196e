"""The `rules:` section of kustgen.yaml, checked against the rule registry.

    rules:
      exclude: ["legacy/**"]            # paths no rule reports on (globs, from the root)
      KG101: off                        # disable (also: false)
      KG203: warning                    # severity
      KG202:                            # or by name: deletion-policy-delete
        enabled: true
        severity: {default: warning, prod: error, dev: off}   # per environment
        environments: [staging, prod]   # only these environments (default: the rule's)
        options: {allowed: [Orphan]}
        exclude: ["overlays/sandbox/**"]

Every mistake is a ConfigError at its kustgen.yaml line, with "did you mean" for ids.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from kustgen.model import ConfigError, Severity

_OFF = ("off", "skip", "ignore", "none", "disable", "disabled")
_RULE_KEYS = ("enabled", "severity", "environments", "options", "exclude")


@dataclass
class RuleSettings:
    enabled: bool = True
    severity: Severity | None = None             # None: the rule's default
    by_env: dict = field(default_factory=dict)   # env name -> Severity | None (None: off)
    environments: list | None = None             # None: the rule's default scope
    options: dict = field(default_factory=dict)
    exclude: list = field(default_factory=list)


@dataclass
class Settings:
    rules: dict = field(default_factory=dict)     # rule id -> RuleSettings
    exclude: list = field(default_factory=list)

    def of(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id) or RuleSettings()

    def skips(self, relpath: str) -> bool:
        """A path the global `exclude` takes out of linting altogether (not rendered,
        not scanned)."""
        return any(_glob(relpath, p) for p in self.exclude)

    def excluded(self, rule_id: str, relpath: str) -> bool:
        pats = list(self.exclude) + list(self.of(rule_id).exclude)
        return any(_glob(relpath, p) for p in pats)


def _glob(path: str, pat: str) -> bool:
    pat = pat.rstrip("/")
    if fnmatch.fnmatchcase(path, pat) or fnmatch.fnmatchcase(path, pat + "/*"):
        return True
    if pat.endswith("/**"):
        return path == pat[:-3] or path.startswith(pat[:-3] + "/")
    return False


def _severity(v, where, err) -> Severity | None:
    """A severity value; None means off."""
    if v is False:
        return None
    if not isinstance(v, str):
        raise err(where, "severity must be error, warning, info or off (got %r)" % (v,))
    if v.strip().lower() in _OFF:
        return None
    try:
        return Severity.parse(v)
    except ValueError:
        raise err(where, "unknown severity %r: use error, warning, info or off" % v) from None


def parse(config) -> Settings:
    """Settings from ``config.rules`` (raw kustgen.yaml data, with line positions)."""
    from kustgen.lint import registry
    raw = config.rules or {}
    positions = getattr(config, "rules_positions", {}) or {}

    def err(where: tuple, msg: str) -> ConfigError:
        w = tuple(where)
        while w and w not in positions:
            w = w[:-1]
        pos = positions.get(w) or positions.get(())
        return ConfigError("rules.%s: %s" % (".".join(str(p) for p in where), msg),
                           _shown(config.file), pos[0] if pos else None)

    envs = [e.name for e in config.environments]
    out = Settings()
    for key, val in raw.items():
        if key == "exclude":
            out.exclude = _strings(val, ("exclude",), err)
            continue
        rule = registry.find(str(key))
        if rule is None:
            hint = registry.closest(str(key))
            raise err((key,), "no rule %r%s (`kustgen rules` lists them)" % (
                key, "; did you mean %s?" % hint if hint else ""))
        rs = out.rules.setdefault(rule.id, RuleSettings())
        if val is None or val is True:
            continue
        if val is False or isinstance(val, str):
            sev = _severity(val, (key,), err)
            if sev is None:
                rs.enabled = False
            else:
                rs.severity = sev
            continue
        if not isinstance(val, dict):
            raise err((key,), "a rule's setting is off, a severity, or a mapping with %s"
                      % ", ".join(_RULE_KEYS))
        for k in val:
            if k not in _RULE_KEYS:
                raise err((key, k), "unknown key %r (allowed: %s)" % (k, ", ".join(_RULE_KEYS)))
        if "enabled" in val:
            if not isinstance(val["enabled"], bool):
                raise err((key, "enabled"), "enabled is true or false")
            rs.enabled = val["enabled"]
        sev = val.get("severity")
        if isinstance(sev, dict):
            for env, v in sev.items():
                if env != "default" and envs and env not in envs:
                    raise err((key, "severity", env), "no environment %r in kustgen.yaml "
                              "(environments: %s)" % (env, ", ".join(envs)))
                s = _severity(v, (key, "severity", env), err)
                if env == "default":
                    if s is None:
                        rs.enabled = False
                    rs.severity = s
                else:
                    rs.by_env[str(env)] = s
        elif sev is not None:
            s = _severity(sev, (key, "severity"), err)
            if s is None:
                rs.enabled = False
            rs.severity = s
        if "environments" in val:
            names = _strings(val["environments"], (key, "environments"), err)
            for n in names:
                if envs and n not in envs and n not in ("protected", "unprotected", "all"):
                    raise err((key, "environments"), "no environment %r in kustgen.yaml "
                              "(environments: %s)" % (n, ", ".join(envs)))
            rs.environments = names
        opts = val.get("options")
        if opts is not None:
            if not isinstance(opts, dict):
                raise err((key, "options"), "options is a mapping")
            for o, v in opts.items():
                if o not in rule.options:
                    raise err((key, "options", o), "%s has no option %r%s" % (
                        rule.id, o, " (options: %s)" % ", ".join(rule.options)
                        if rule.options else " (it takes none)"))
                d = rule.options[o].default
                if d is not None and not isinstance(v, type(d)) and not (
                        isinstance(d, float) and isinstance(v, int)):
                    raise err((key, "options", o), "%s option %s is a %s (got %r)" % (
                        rule.id, o, type(d).__name__.replace("str", "string")
                        .replace("list", "list").replace("dict", "mapping"), v))
                rs.options[str(o)] = v
        if "exclude" in val:
            rs.exclude = _strings(val["exclude"], (key, "exclude"), err)
    return out


def _shown(path):
    """The config file as the user would name it: relative when below the current folder."""
    import os
    if not path:
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _strings(v, where, err) -> list[str]:
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise err(where, "a list of strings")
    return list(v)
