"""Schema sources, one module each: look up the schema of an apiVersion + kind."""

from __future__ import annotations

import os
from typing import Iterable, Iterator

YAML_EXTENSIONS = (".yaml", ".yml", ".json")


def yaml_files(fs, paths: Iterable[str]) -> list[str]:
    """The files named, and the YAML/JSON files below the folders named (sorted, hidden
    entries skipped)."""
    out: list[str] = []
    for p in paths:
        if not fs.is_dir(p):
            out.append(p)
            continue
        for name in sorted(fs.listdir(p)):
            if name.startswith("."):
                continue
            c = os.path.join(p, name)
            if fs.is_dir(c):
                out.extend(yaml_files(fs, [c]))
            elif name.endswith(YAML_EXTENSIONS):
                out.append(c)
    return out


def read_documents(fs, paths: Iterable[str], errors: list) -> Iterator[tuple[str, object]]:
    """(file, yamlio Document) for every document of those files; a file that cannot be
    read or parsed goes to `errors` and the others are still read."""
    from kustgen.model import KustgenError
    from kustgen.yamlio import load_documents
    for p in yaml_files(fs, paths):
        try:
            docs = load_documents(fs.read_bytes(p), p)
        except KustgenError as e:
            errors.append(e)
            continue
        except OSError as e:
            errors.append(KustgenError("cannot read: %s" % (e.strerror or e), p))
            continue
        for d in docs:
            yield p, d
