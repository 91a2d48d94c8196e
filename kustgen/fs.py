"""Filesystem access, injected so tests can use memory trees and later issues git trees.

Only this module (and its callers through it) reads the repository.
"""

from __future__ import annotations

import os
from typing import Protocol


class FileSystem(Protocol):
    def read_bytes(self, path: str) -> bytes: ...
    def is_dir(self, path: str) -> bool: ...
    def is_file(self, path: str) -> bool: ...
    def exists(self, path: str) -> bool: ...
    def listdir(self, path: str) -> list[str]: ...
    def realpath(self, path: str) -> str: ...


class DiskFS:
    """The real disk. Paths are absolute, normalised by the caller."""

    def read_bytes(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read()

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def realpath(self, path: str) -> str:
        return os.path.realpath(path)


class MemoryFS:
    """An in-memory tree: {"/abs/path": b"content"}; directories are implied."""

    def __init__(self, files: dict[str, bytes | str]):
        self.files = {os.path.normpath(k): (v.encode() if isinstance(v, str) else v)
                      for k, v in files.items()}
        self.dirs = set()
        for p in self.files:
            d = os.path.dirname(p)
            while d and d not in self.dirs:
                self.dirs.add(d)
                if d == os.path.dirname(d):
                    break
                d = os.path.dirname(d)

    def read_bytes(self, path: str) -> bytes:
        try:
            return self.files[os.path.normpath(path)]
        except KeyError:
            raise FileNotFoundError(path) from None

    def is_dir(self, path: str) -> bool:
        return os.path.normpath(path) in self.dirs

    def is_file(self, path: str) -> bool:
        return os.path.normpath(path) in self.files

    def exists(self, path: str) -> bool:
        return self.is_dir(path) or self.is_file(path)

    def listdir(self, path: str) -> list[str]:
        p = os.path.normpath(path)
        out = {os.path.relpath(f, p).split(os.sep)[0]
               for f in list(self.files) + list(self.dirs)
               if f.startswith(p + os.sep)}
        return sorted(out)

    def realpath(self, path: str) -> str:
        return os.path.normpath(path)


class LayeredFS:
    """The disk as it will be once planned changes are written: ``changes`` maps absolute
    paths to new content (str or bytes), or None for a file to be deleted. Lets a change
    be rendered and validated before anything is written."""

    def __init__(self, changes: dict, base=None):
        self.base = base or DiskFS()
        self.changes = {os.path.abspath(k): (v.encode("utf-8", "surrogateescape")
                                              if isinstance(v, str) else v)
                        for k, v in changes.items()}
        self.new_dirs: set[str] = set()
        for p, v in self.changes.items():
            if v is None:
                continue
            d = os.path.dirname(p)
            while d and d != os.path.dirname(d):
                self.new_dirs.add(d)
                d = os.path.dirname(d)

    def read_bytes(self, path: str) -> bytes:
        p = os.path.abspath(path)
        if p in self.changes:
            if self.changes[p] is None:
                raise FileNotFoundError(path)
            return self.changes[p]
        return self.base.read_bytes(path)

    def is_file(self, path: str) -> bool:
        p = os.path.abspath(path)
        if p in self.changes:
            return self.changes[p] is not None
        return self.base.is_file(path)

    def is_dir(self, path: str) -> bool:
        return os.path.abspath(path) in self.new_dirs or self.base.is_dir(path)

    def exists(self, path: str) -> bool:
        return self.is_file(path) or self.is_dir(path)

    def listdir(self, path: str) -> list[str]:
        p = os.path.abspath(path)
        names = set(self.base.listdir(path)) if self.base.is_dir(path) else set()
        for f, v in self.changes.items():
            if os.path.dirname(f) == p:
                if v is None:
                    names.discard(os.path.basename(f))
                else:
                    names.add(os.path.basename(f))
        for d in self.new_dirs:
            if os.path.dirname(d) == p:
                names.add(os.path.basename(d))
        return sorted(names)

    def realpath(self, path: str) -> str:
        p = os.path.abspath(path)
        if p in self.changes or p in self.new_dirs:
            return p
        return self.base.realpath(path)


def atomic_write(path: str, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never a part: a
    temporary file in the same folder, then a rename. Folders are created. Text is written
    as UTF-8 (lone surrogates from undecodable input kept as they were read), newlines
    as given."""
    import tempfile
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
