from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple


@lru_cache(maxsize=4096)
def _parse_gvk(api_version: str, kind: str) -> "Gvk":
    # a pure function: memoised because every transformer asks for every resource's gvk
    if "/" in api_version:
        g, v = api_version.split("/", 1)
    else:
        g, v = "", api_version
    return Gvk(g, v, kind)


class Gvk(NamedTuple):
    group: str
    version: str
    kind: str

    @classmethod
    def from_api_version(cls, api_version: str, kind: str) -> "Gvk":
        return _parse_gvk(api_version, kind)

    @property
    def api_version(self) -> str:
        return "%s/%s" % (self.group, self.version) if self.group else self.version

    def __str__(self) -> str:
        # Kustomize's spelling: Kind.version.group, with placeholders for blanks.
        return "%s.%s.%s" % (self.kind or "[noKind]", self.version or "[noVer]",
                             self.group or "[noGrp]")


class ResId(NamedTuple):
    """A resource identity: group/version/kind + namespace + name."""

    gvk: Gvk
    name: str
    namespace: str = ""

    @property
    def kind(self) -> str:
        return self.gvk.kind

    def __str__(self) -> str:
        # Kustomize's spelling, used in its error messages: ConfigMap.v1.[noGrp]/name.[noNs]
        return "%s/%s.%s" % (self.gvk, self.name, self.namespace or "[noNs]")

    def short(self) -> str:
        s = "%s/%s" % (self.gvk.kind, self.name)
        if self.namespace:
            s = "%s/%s" % (self.namespace, s)
        return s
