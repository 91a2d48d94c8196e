"""What differs between environments by design, and is therefore never promoted nor shown
as a difference by default: files of an overlay, fields of resources, and the overlay's
own naming (namePrefix, nameSuffix, namespace).

    spec = EnvSpecific.from_config(cfg)
    spec.is_file("provider-config.yaml", docs)      # True
    spec.is_field("Bucket", ("spec", "forProvider", "region"))   # True

kustgen.yaml::

    promotion:
      envSpecificFiles: ["provider-config.yaml", "secrets/*"]
      envSpecificFields:
        - spec.forProvider.region                       # any kind
        - {path: spec.forProvider.instanceClass, kinds: [Instance]}
        - metadata.annotations["crossplane.io/external-name"]
        - /spec/parameters/size                           # JSON pointers work too

When kustgen.yaml says nothing, the defaults below fit Crossplane managed resources and
claims. Configured lists replace the defaults; `envSpecificDefaults: true` keeps them too.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from kustgen.model.errors import ConfigError

__all__ = ["EnvSpecific", "FieldRule", "parse_path", "DEFAULT_FIELDS", "DEFAULT_FILES",
           "ENV_KINDS", "NAMING_FIELDS"]

# Fields whose values are chosen per environment.
DEFAULT_FIELDS = (
    "spec.forProvider.region",
    "spec.forProvider.availabilityZone",
    "spec.providerConfigRef",
    "spec.deletionPolicy",
    "spec.managementPolicies",
    'metadata.annotations["crossplane.io/external-name"]',
    "spec.writeConnectionSecretToRef.namespace",
    "spec.parameters.region",
    "spec.parameters.providerConfigName",
    "spec.parameters.deletionPolicy",
)
# Files of an overlay that belong to it alone (globs, relative to the overlay).
DEFAULT_FILES = ("provider-config.yaml", "providerconfig*.yaml", "runtime-config.yaml",
                 "*secret*.yaml", "*.env", "secrets/*")
# Kinds that only ever describe one environment: a file holding nothing else is
# environment-specific whatever its name.
ENV_KINDS = frozenset({"ProviderConfig", "ClusterProviderConfig", "ProviderConfigUsage",
                       "DeploymentRuntimeConfig", "StoreConfig", "Secret",
                       "EnvironmentConfig"})
# kustomization fields naming an environment's objects: always B's own.
NAMING_FIELDS = ("namePrefix", "nameSuffix", "namespace")

_SEGMENT = re.compile(r'\.?([^.\[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[\'([^\']*)\'\]'
                      r'|\[([^\]"\x27]*)\]')


def parse_path(p: str) -> tuple:
    """`spec.forProvider.region`, `metadata.annotations["crossplane.io/external-name"]`,
    `spec.items[0].name`, `spec.items[*].name` or a JSON pointer `/spec/forProvider/region`
    -> a tuple of keys (str), indexes (int) and "*" (any item or key)."""
    if not isinstance(p, str) or not p.strip():
        raise ConfigError("a field path must be a non-empty string, not %r" % (p,))
    p = p.strip()
    if p.startswith("/"):
        out = []
        for raw in p[1:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            out.append(int(part) if part.isdigit() else part)
        return tuple(out)
    out: list = []
    pos = 0
    while pos < len(p):
        m = _SEGMENT.match(p, pos)
        if not m or m.end() == pos:
            raise ConfigError("cannot read the field path %r at %r; write it as "
                              "spec.forProvider.region or a[\"key.with.dots\"]" % (p, p[pos:]))
        name, idx, dq, sq, other = m.groups()
        if name is not None:
            out.append(name)
        elif idx is not None:
            out.append(int(idx))
        elif dq is not None:
            out.append(dq.replace('\\"', '"'))
        elif sq is not None:
            out.append(sq)
        else:
            out.append("*" if other in ("*", "") else other)
        pos = m.end()
    return tuple(out)


@dataclass(frozen=True)
class FieldRule:
    path: tuple
    kinds: tuple = ()          # empty: every kind

    def matches(self, kind: str, path: tuple) -> bool:
        """`path` is this rule's field or lies below it."""
        if self.kinds and kind not in self.kinds:
            return False
        if len(path) < len(self.path):
            return False
        return all(r == "*" or r == p for r, p in zip(self.path, path))

    def covers_part_of(self, kind: str, path: tuple) -> bool:
        """This rule's field lies below `path` (so a change of `path` as a whole touches
        an environment-specific field)."""
        if self.kinds and kind not in self.kinds:
            return False
        return len(path) < len(self.path) and all(
            r == "*" or r == p for r, p in zip(self.path, path))


@dataclass
class EnvSpecific:
    files: tuple = DEFAULT_FILES
    fields: tuple = tuple(FieldRule(parse_path(f)) for f in DEFAULT_FIELDS)
    naming: tuple = NAMING_FIELDS
    env_kinds: frozenset = ENV_KINDS
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg) -> "EnvSpecific":
        promo = getattr(cfg, "promotion", None) or {}
        if not isinstance(promo, dict):
            raise ConfigError("promotion must be a mapping", getattr(cfg, "file", None))
        keep_defaults = promo.get("envSpecificDefaults", False) is True
        files = promo.get("envSpecificFiles")
        fields = promo.get("envSpecificFields")
        out = cls()
        if files is not None:
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                raise ConfigError("promotion.envSpecificFiles is a list of file globs",
                                  getattr(cfg, "file", None))
            out.files = tuple(files) + (DEFAULT_FILES if keep_defaults else ())
        if fields is not None:
            if not isinstance(fields, list):
                raise ConfigError("promotion.envSpecificFields is a list of field paths",
                                  getattr(cfg, "file", None))
            rules = [_rule(f, getattr(cfg, "file", None)) for f in fields]
            out.fields = tuple(rules) + (cls().fields if keep_defaults else ())
        return out

    # -- files ---------------------------------------------------------------------
    def is_file(self, rel: str, docs: Iterable[Any] | None = None) -> bool:
        """`rel` (relative to the overlay, / separators) matches a glob, or every document
        of it is of an environment-only kind."""
        rel = rel.replace("\\", "/")
        base = rel.rsplit("/", 1)[-1]
        if any(fnmatch.fnmatchcase(rel, g) or ("/" not in g and fnmatch.fnmatchcase(base, g))
               for g in self.files):
            return True
        if docs is not None:
            kinds = [d.get("kind") for d in docs if isinstance(d, dict)]
            return bool(kinds) and all(k in self.env_kinds for k in kinds)
        return False

    # -- fields --------------------------------------------------------------------
    def is_field(self, kind: str, path: tuple) -> bool:
        """The field at `path` (or a field above it) is environment-specific."""
        return any(r.matches(kind, tuple(path)) for r in self.fields)

    def touches(self, kind: str, path: tuple) -> bool:
        """`path` is environment-specific or contains an environment-specific field."""
        path = tuple(path)
        return any(r.matches(kind, path) or r.covers_part_of(kind, path) for r in self.fields)


def _rule(f, file) -> FieldRule:
    if isinstance(f, str):
        return FieldRule(parse_path(f))
    if isinstance(f, dict) and isinstance(f.get("path"), str):
        kinds = f.get("kinds") or ()
        if isinstance(kinds, str):
            kinds = (kinds,)
        if not isinstance(kinds, (list, tuple)) or not all(isinstance(k, str) for k in kinds):
            raise ConfigError("promotion.envSpecificFields: kinds is a list of kind names", file)
        return FieldRule(parse_path(f["path"]), tuple(kinds))
    raise ConfigError("promotion.envSpecificFields entries are paths, or {path: ..., kinds: "
                      "[...]}, not %r" % (f,), file)
