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

_DUMP_NAMES = ("dump", "dump_documents", "format_float", "go_format_g")


def __getattr__(name):
    # The emitter compiles large Unicode character classes: load it only when output is
    # written (validate never writes YAML).
    if name in _DUMP_NAMES:
        from kustgen.yamlio import emit as _emit
        value = getattr(_emit, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'kustgen.yamlio' has no attribute %r" % name)

__all__ = [
    "Document", "load_documents", "load_one", "dump", "dump_documents", "format_float",
    "go_format_g",
    "MAX_ALIAS_NODES", "MAX_DEPTH",
]
