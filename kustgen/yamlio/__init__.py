"""YAML in and out, byte-compatible with ``kubectl kustomize`` (Kustomize v5.5.0).

``load_documents`` reads a stream into JSON-like data as kustomize sees it (go-yaml v3
resolution, JSON normal form) with positions; ``dump``/``dump_documents`` print data the
way kustomize prints a build.
"""

from kustgen.yamlio.load import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    Document,
    load_documents,
    load_one,
)
from kustgen.yamlio.dump import dump, dump_documents, format_float, go_format_g

__all__ = [
    "Document", "load_documents", "load_one", "dump", "dump_documents", "format_float",
    "go_format_g",
    "MAX_ALIAS_NODES", "MAX_DEPTH",
]
