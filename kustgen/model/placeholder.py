"""Values a user must fill in: `kustgen add` writes them where a schema needs something only
the user knows (a bucket name, an ARN, a CIDR). They always start with PLACEHOLDER_PREFIX, so
`kustgen validate` reports them as one "fill me" finding per resource instead of letting
them pass (the API server would take most of them as valid strings)."""

from __future__ import annotations

from typing import Any

PLACEHOLDER_PREFIX = "<fill-me"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX)


def find_placeholders(obj: Any, path: tuple = ()) -> list[tuple]:
    """Paths (tuples of keys and indexes) of every placeholder value in obj."""
    out: list[tuple] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.extend(find_placeholders(v, path + (k,)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(find_placeholders(v, path + (i,)))
    elif is_placeholder(obj):
        out.append(path)
    return out
