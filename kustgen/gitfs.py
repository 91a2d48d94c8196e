"""A read-only FileSystem over a git revision, without checking anything out.

``GitFS(repo_root, rev)``: ``rev`` is a commit-ish (``HEAD``, a branch, a tag, a commit),
``":"`` for the index (staged content), or ``None`` for the working tree (the disk).
Paths are absolute, under ``repo_root`` (the top of the work tree); anything outside it
does not exist.
"""

from __future__ import annotations

import os
import subprocess

from kustgen.fs import DiskFS
from kustgen.model.errors import GitError  # noqa: F401  (raised here, caught by callers)


def git(repo_root: str, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    p = subprocess.run(["git", "-C", repo_root, *args], input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise GitError("git %s: %s" % (" ".join(args),
                                       p.stderr.decode("utf-8", "replace").strip()))
    return p.stdout


def toplevel(start: str = ".") -> str | None:
    """The top of the git work tree holding ``start``, or None."""
    p = subprocess.run(["git", "-C", start, "rev-parse", "--show-toplevel"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return None
    return os.path.realpath(p.stdout.decode().strip())


def resolve(repo_root: str, rev: str) -> str | None:
    """The commit id ``rev`` names, or None."""
    p = subprocess.run(["git", "-C", repo_root, "rev-parse", "--verify", "-q",
                        rev + "^{commit}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return None
    return p.stdout.decode().strip() or None


class GitFS:
    """Files and folders of ``repo_root`` at ``rev`` (see the module docstring)."""

    def __init__(self, repo_root: str, rev: str | None = "HEAD"):
        self.root = os.path.realpath(repo_root)
        self._alt_root = os.path.abspath(repo_root)
        self.rev = rev
        self._disk = DiskFS() if rev is None else None
        self._blobs: dict[str, str] = {}      # relative path -> object id
        self._modes: dict[str, str] = {}
        self._dirs: set[str] = {""}
        self._children: dict[str, set] = {"": set()}
        self._cache: dict[str, bytes] = {}
        if rev is not None:
            self._load()

    # -- listing -------------------------------------------------------------------------
    def _load(self) -> None:
        if self.rev == ":":
            out = git(self.root, "ls-files", "-s", "-z")
            for rec in out.split(b"\0"):
                if not rec:
                    continue
                meta, _, name = rec.partition(b"\t")
                mode, oid, stage = meta.decode().split()
                if stage not in ("0", "2"):     # conflicts: keep ours
                    continue
                self._add(name.decode("utf-8", "surrogateescape"), mode, oid)
        else:
            commit = resolve(self.root, self.rev)
            if commit is None:
                raise GitError("unknown revision %r" % self.rev)
            self.commit = commit
            out = git(self.root, "ls-tree", "-r", "-z", "--full-tree", commit)
            for rec in out.split(b"\0"):
                if not rec:
                    continue
                meta, _, name = rec.partition(b"\t")
                mode, _typ, oid = meta.decode().split()
                self._add(name.decode("utf-8", "surrogateescape"), mode, oid)

    def _add(self, name: str, mode: str, oid: str) -> None:
        if mode == "160000":            # a submodule: a folder whose content is elsewhere
            self._dirs.add(name)
        else:
            self._blobs[name] = oid
            self._modes[name] = mode
        child = name
        d = os.path.dirname(name)
        while True:
            self._children.setdefault(d, set()).add(os.path.basename(child))
            if d in self._dirs:
                break
            self._dirs.add(d)
            child, d = d, os.path.dirname(d)

    def _rel(self, path: str) -> str | None:
        p = os.path.normpath(os.path.abspath(path))
        for root in (self.root, self._alt_root):
            if p == root:
                return ""
            if p.startswith(root + os.sep):
                return p[len(root) + 1:].replace(os.sep, "/")
        return None

    # -- FileSystem ----------------------------------------------------------------------
    def read_bytes(self, path: str) -> bytes:
        if self._disk:
            return self._disk.read_bytes(path)
        rel = self._rel(path)
        if rel is None or rel not in self._blobs:
            raise FileNotFoundError(path)
        if rel not in self._cache:
            self._cache[rel] = git(self.root, "cat-file", "blob", self._blobs[rel])
        data = self._cache[rel]
        if self._modes.get(rel) == "120000":     # a symlink: follow it inside the tree
            target = os.path.normpath(os.path.join(os.path.dirname(path),
                                                   data.decode("utf-8", "replace")))
            return self.read_bytes(target)
        return data

    def is_dir(self, path: str) -> bool:
        if self._disk:
            return self._disk.is_dir(path)
        rel = self._rel(path)
        return rel is not None and rel in self._dirs

    def is_file(self, path: str) -> bool:
        if self._disk:
            return self._disk.is_file(path)
        rel = self._rel(path)
        return rel is not None and rel in self._blobs

    def exists(self, path: str) -> bool:
        return self.is_file(path) or self.is_dir(path)

    def listdir(self, path: str) -> list[str]:
        if self._disk:
            return self._disk.listdir(path)
        rel = self._rel(path)
        if rel is None or rel not in self._dirs:
            raise FileNotFoundError(path)
        return sorted(self._children.get(rel, ()))

    def realpath(self, path: str) -> str:
        if self._disk:
            return self._disk.realpath(path)
        return os.path.normpath(os.path.abspath(path))

    # -- extras --------------------------------------------------------------------------
    def files(self) -> list[str]:
        """Every file, relative to the root ('/'-separated)."""
        if self._disk:
            return [f for f, _ in _walk_disk(self.root, dirs=False)]
        return sorted(self._blobs)

    def dirs(self) -> list[str]:
        """Every folder but the root, relative to the root ('/'-separated)."""
        if self._disk:
            return [d for d, _ in _walk_disk(self.root, dirs=True)]
        return sorted(d for d in self._dirs if d)


def _walk_disk(root: str, dirs: bool):
    out = []
    for d, subdirs, files in os.walk(root):
        subdirs[:] = sorted(s for s in subdirs if s != ".git")
        rel = os.path.relpath(d, root).replace(os.sep, "/")
        if dirs:
            out.extend(((s if rel == "." else rel + "/" + s), None) for s in subdirs)
        else:
            out.extend(((f if rel == "." else rel + "/" + f), None) for f in sorted(files))
    return out
