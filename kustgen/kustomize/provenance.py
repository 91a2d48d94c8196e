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
    """The most specific known origin of `path` (a tuple of keys and list indexes) in `res`."""
    path = tuple(path)
    best_len = -1
    best = None
    for p, o in res.field_origins.items():
        n = len(p)
        if n > best_len and path[:n] == p:
            best_len, best = n, o
    if best is not None and best_len == len(path):
        return best
    # a patch that set a whole subtree records its leaves: the subtree came from there
    inside = [o for p, o in res.field_origins.items() if len(p) > len(path) and p[:len(path)] == path]
    if inside:
        return min(inside, key=lambda o: (o.file, o.line, o.column))
    o = res.origin
    if o is None:
        return best
    if not o.file or o.via:           # generated: the generator's kustomization line
        return best or o
    positions = _doc_positions(cache, o)
    prefix = tuple(res.extra.get("doc_prefix", ()))
    # the longest prefix of the path that the source document has
    for n in range(len(path), -1, -1):
        if n <= best_len:
            break
        pos = positions.get(prefix + path[:n])
        if pos is not None:
            return Origin(o.file, pos[0], pos[1], o.doc)
    return best or o
