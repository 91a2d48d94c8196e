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
