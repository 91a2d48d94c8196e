"""The engine reads through an injected filesystem: an in-memory tree renders exactly like
the same tree on disk (the seam later used for git trees at a revision)."""

from __future__ import annotations

import os

from kustgen.fs import DiskFS, MemoryFS
from kustgen.kustomize.pipeline import BuildSession

from conftest import REPO


def _tree(root: str) -> dict[str, bytes]:
    out = {}
    for sub in ("base", "overlays"):
        for d, _, files in os.walk(os.path.join(root, sub)):
            for f in files:
                p = os.path.join(d, f)
                with open(p, "rb") as fh:
                    out[p] = fh.read()
    return out


def test_memory_tree_renders_like_disk():
    files = _tree(REPO)
    mem = MemoryFS({p.replace(REPO, "/repo", 1): b for p, b in files.items()})
    for env in ("dev", "staging", "prod"):
        on_disk = BuildSession(DiskFS()).render(os.path.join(REPO, "overlays", env))
        in_mem = BuildSession(mem).render("/repo/overlays/" + env)
        assert in_mem == on_disk


def test_memory_tree_missing_file_is_reported():
    mem = MemoryFS({"/r/kustomization.yaml": b"resources:\n- gone.yaml\n"})
    try:
        BuildSession(mem).build("/r")
    except Exception as e:  # a KustgenError with the place to fix
        assert "gone.yaml" in str(e) and "/r/kustomization.yaml:2" in str(e)
    else:
        raise AssertionError("a missing resource must fail the build")


def test_parsed_once_per_session():
    class CountingFS(DiskFS):
        def __init__(self):
            self.reads: dict[str, int] = {}

        def read_bytes(self, path):
            self.reads[path] = self.reads.get(path, 0) + 1
            return super().read_bytes(path)

    fs = CountingFS()
    s = BuildSession(fs)
    for env in ("dev", "staging", "prod"):
        s.build(os.path.join(REPO, "overlays", env))
    assert fs.reads and max(fs.reads.values()) == 1
    assert any("/base/" in p for p in fs.reads)
