"""A kustomization file, typed, with Kustomize's legacy-field fix-ups.

Unknown fields are an error, as in Kustomize (`json: unknown field "x"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kustgen.model import RenderError

KUSTOMIZATION_FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

KUSTOMIZATION_KIND = "Kustomization"
COMPONENT_KIND = "Component"
KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"

# Every field Kustomize v5.5 accepts in a Kustomization or Component.
KNOWN_FIELDS = frozenset("""
apiVersion kind metadata openapi namePrefix nameSuffix namespace commonLabels labels
commonAnnotations patchesStrategicMerge patchesJson6902 patches images imageTags replacements
replicas vars sortOptions resources components crds bases configMapGenerator secretGenerator
helmGlobals helmCharts helmChartInflationGenerator generatorOptions configurations generators
transformers validators buildMetadata
""".split())

# Fields the embedded engine does not implement; with kustomize/kubectl on PATH kustgen
# hands the overlay to it, otherwise the build fails naming the field. (helmGlobals alone
# changes nothing, so it is accepted.)
UNSUPPORTED_FIELDS = ("helmCharts", "helmChartInflationGenerator", "validators")


_FOLD = {f.lower(): f for f in KNOWN_FIELDS}


def _list(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, list):
        return v
    return [v]


def _str_list(v: Any, fname: str, where: str) -> list[str]:
    out = []
    for x in _list(v):
        if isinstance(x, (dict, list)):
            raise RenderError("invalid Kustomization: field %s: expected a list of strings" % fname,
                              where)
        out.append("" if x is None else str(x))
    return out


def _str_map(v: Any, fname: str, where: str) -> dict[str, str]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise RenderError("invalid Kustomization: field %s: expected a map of strings" % fname,
                          where)
    out = {}
    for k, x in v.items():
        if x is not None and not isinstance(x, str):
            what = "bool" if isinstance(x, bool) else "number" if isinstance(
                x, (int, float)) else "object"
            raise RenderError("invalid Kustomization: json: cannot unmarshal %s into Go struct "
                              "field Kustomization.%s of type string (quote the value of %s.%s)"
                              % (what, fname, fname, k), where)
        out[str(k)] = "" if x is None else x
    return out


@dataclass
class Kustomization:
    path: str                      # the kustomization file
    raw: dict
    positions: dict = field(default_factory=dict)
    kind: str = KUSTOMIZATION_KIND
    api_version: str = KUSTOMIZATION_VERSION

    # -- simple fields ---------------------------------------------------------------
    def get(self, name: str, default: Any = None) -> Any:
        v = self.raw.get(name)
        return default if v is None else v

    def line_of(self, *path) -> int:
        pos = self.positions.get(tuple(path)) if self.positions else None
        return pos[0] if pos else 0

    @property
    def resources(self) -> list[str]:
        return _str_list(self.raw.get("resources"), "resources", self.path) + \
            _str_list(self.raw.get("bases"), "bases", self.path)

    @property
    def components(self) -> list[str]:
        return _str_list(self.raw.get("components"), "components", self.path)

    @property
    def crds(self) -> list[str]:
        return _str_list(self.raw.get("crds"), "crds", self.path)

    @property
    def configurations(self) -> list[str]:
        return _str_list(self.raw.get("configurations"), "configurations", self.path)

    def _string(self, name: str) -> str:
        v = self.raw.get(name)
        if v is None:
            return ""
        if not isinstance(v, str):
            what = "bool" if isinstance(v, bool) else "number" if isinstance(
                v, (int, float)) else "object"
            raise RenderError("invalid Kustomization: json: cannot unmarshal %s into Go struct "
                              "field Kustomization.%s of type string (quote the value)"
                              % (what, name), self.path, self.line_of(name))
        return v

    @property
    def name_prefix(self) -> str:
        return self._string("namePrefix")

    @property
    def name_suffix(self) -> str:
        return self._string("nameSuffix")

    @property
    def namespace(self) -> str:
        return self._string("namespace")

    @property
    def common_labels(self) -> dict[str, str]:
        return _str_map(self.raw.get("commonLabels"), "commonLabels", self.path)

    @property
    def common_annotations(self) -> dict[str, str]:
        return _str_map(self.raw.get("commonAnnotations"), "commonAnnotations", self.path)

    @property
    def labels(self) -> list[dict]:
        out = []
        for i, lab in enumerate(_list(self.raw.get("labels"))):
            if not isinstance(lab, dict):
                raise RenderError("invalid Kustomization: labels[%d] must be a map" % i, self.path)
            out.append(lab)
        return out

    @property
    def images(self) -> list[dict]:
        return [x for x in _list(self.raw.get("images")) + _list(self.raw.get("imageTags"))
                if isinstance(x, dict)]

    @property
    def replicas(self) -> list[dict]:
        return [x for x in _list(self.raw.get("replicas")) if isinstance(x, dict)]

    @property
    def build_metadata(self) -> list[str]:
        return _str_list(self.raw.get("buildMetadata"), "buildMetadata", self.path)

    def generator_list(self, name: str) -> list[dict]:
        out = []
        for g in _list(self.raw.get(name)):
            if not isinstance(g, dict):
                raise RenderError("invalid Kustomization: %s entries must be maps" % name, self.path)
            g = dict(g)
            # legacy 'env' -> 'envs'
            if g.get("env"):
                g["envs"] = _list(g.get("envs")) + [g.pop("env")]
            out.append(g)
        return out


def parse_kustomization(data: Any, path: str, positions: dict | None = None) -> Kustomization:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RenderError("invalid Kustomization: expected a map at the top level", path, 1)
    # Go's encoding/json matches field names case-insensitively; so does Kustomize.
    if any(k not in KNOWN_FIELDS for k in data):
        fixed = {}
        for k, v in data.items():
            canon = _FOLD.get(str(k).lower(), k) if k not in KNOWN_FIELDS else k
            fixed[canon] = v
        data = fixed
    for key in data:
        if key not in KNOWN_FIELDS:
            line = 0
            if positions:
                p = positions.get((key,))
                line = p[0] if p else 0
            raise RenderError('invalid Kustomization: json: unknown field "%s"' % key, path, line)
    k = Kustomization(path=path, raw=data, positions=positions or {})
    kind = data.get("kind") or ""
    api = data.get("apiVersion") or ""
    if kind == "":
        kind = KUSTOMIZATION_KIND
    if kind not in (KUSTOMIZATION_KIND, COMPONENT_KIND):
        raise RenderError("invalid Kustomization: kind %r is neither %s nor %s"
                          % (kind, KUSTOMIZATION_KIND, COMPONENT_KIND), path)
    if api == "":
        api = COMPONENT_VERSION if kind == COMPONENT_KIND else KUSTOMIZATION_VERSION
    if kind == COMPONENT_KIND and api != COMPONENT_VERSION:
        raise RenderError("apiVersion for Component should be %s" % COMPONENT_VERSION, path)
    k.kind = kind
    k.api_version = api
    return k
