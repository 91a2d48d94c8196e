"""The bottom layer: identities, origins, resources, findings and the error tree.

Nothing here imports anything outside the standard library.
"""

from kustgen.model.errors import (
    KustgenError,
    YamlError,
    LoadError,
    RenderError,
    UnsupportedFeature,
    ConfigError,
)
from kustgen.model.origin import Origin
from kustgen.model.resid import Gvk, ResId
from kustgen.model.resource import Resource, deep_copy
from kustgen.model.finding import Finding, Severity

__all__ = [
    "KustgenError", "YamlError", "LoadError", "RenderError", "UnsupportedFeature", "ConfigError",
    "Origin", "Gvk", "ResId", "Resource", "deep_copy", "Finding", "Severity",
]
