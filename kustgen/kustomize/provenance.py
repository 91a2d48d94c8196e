"""Where a field of a rendered resource came from: the file and line a user edits.

A field set by a patch or transformer points at that patch/kustomization line (recorded in
`Resource.field_origins` while rendering). Any other field points into the resource's own
source document, through the positions yamlio recorded when the file was parsed (the file
is not read again: the build session's cache holds its documents).
"""

from __future__ import annotations

from kustgen.model import Origin, Resource


def _doc_positions(cache, origin: Origin) -> dict:
    try:
        docs = cache.docs(origin.file)
    except Exception:  # the file is gone or not YAML any more: fall back to the document line
        return {}
    for d in docs:
        if d.index == origin.doc:
            return d.positions or {}
    return {}


def locate(cache, res: Resource, path: tuple) -> Origin | None:
    """The most specific known origin of `path` (a tuple of keys and list indexes) in `res`.

    In order: a patch/transformer that set exactly this field, or a parent of it (the
    whole subtree came from there); the field in the resource's source document; a patch
    that set fields below it (a subtree the source does not have); the nearest parent in
    the source document; the resource's own origin."""
    path = tuple(path)
    best_len = -1
    best = None
    for p, fo in res.field_origins.items():
        n = len(p)
        if n > best_len and path[:n] == p:
            best_len, best = n, fo
    if best is not None:
        return best
    o = res.origin
    positions: dict = {}
    prefix: tuple = ()
    from_file = o is not None and bool(o.file) and not o.via
    if from_file:
        positions = _doc_positions(cache, o)
        prefix = tuple(res.extra.get("doc_prefix", ()))
        exact = positions.get(prefix + path)
        if exact is not None:
            return Origin(o.file, exact[0], exact[1], o.doc)
    inside = [fo for p, fo in res.field_origins.items()
              if len(p) > len(path) and p[:len(path)] == path]
    if inside:
        return min(inside, key=lambda x: (x.file, x.line, x.column))
    if from_file:
        for n in range(len(path) - 1, -1, -1):
            pos = positions.get(prefix + path[:n])
            if pos is not None:
                return Origin(o.file, pos[0], pos[1], o.doc)
    return o
