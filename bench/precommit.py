#!/usr/bin/env python3
"""Time the pre-commit hook entry point (`kustgen validate --changed FILE`, a subprocess as
pre-commit runs it) on a generated repo, against `kustgen validate` of everything. Run by
hand; prints figures, asserts nothing. Goal: under 1 s for one changed overlay file.

    python bench/precommit.py [--envs 50] [--resources 100] [--runs 3]

"cold": the graph cache (each overlay's inputs) is empty and every overlay is rendered to
find the affected ones; "warm": the cache holds the previous run's graph and only the
overlays reading the changed file are rendered again.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import genrepo  # noqa: E402


def _run(repo: str, env: dict, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    p = subprocess.run(["kustgen", "validate"] + list(args), cwd=repo, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        print("  exit %d: %s" % (p.returncode, (p.stderr or p.stdout).strip()[-300:]))
    return dt, p


def _touch(path: str, i: int) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("# change %d\n" % i)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--envs", type=int, default=50)
    ap.add_argument("--resources", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="kustgen-pcbench-")
    try:
        repo = os.path.join(tmp, "repo")
        genrepo.generate(repo, args.envs, args.resources, 1)
        env = dict(os.environ, KUSTGEN_CACHE_DIR=os.path.join(tmp, "cache", "schemas"))
        base_file = sorted(glob.glob(os.path.join(repo, "base", "managed", "*.yaml")))[0]
        patch = sorted(glob.glob(os.path.join(repo, "overlays", "*", "patches", "*.yaml")))[0]
        rel_base = os.path.relpath(base_file, repo)
        rel_patch = os.path.relpath(patch, repo)
        print("repo: %d overlays x %d base resources (%s)" % (args.envs, args.resources, repo))

        full = min(_run(repo, env)[0] for _ in range(args.runs))
        print("kustgen validate (everything):                %6.2f s" % full)
        rows = []
        for label, f in (("one overlay patch", rel_patch), ("one base file", rel_base)):
            shutil.rmtree(os.path.join(tmp, "cache", "schemas", "graph"), ignore_errors=True)
            _touch(os.path.join(repo, f), 0)
            cold, p = _run(repo, env, "--changed", f)
            n = p.stderr.split("kustgen: validating ", 1)[-1].count(", ") + 1
            warm = []
            for i in range(args.runs):
                _touch(os.path.join(repo, f), i + 1)
                warm.append(_run(repo, env, "--changed", f)[0])
            rows.append((label, f, cold, min(warm), n))
        _, p = _run(repo, env, "--changed", "README.md")
        nothing = min(_run(repo, env, "--changed", "README.md")[0] for _ in range(args.runs))
        for label, f, cold, warm, n in rows:
            print("--changed %-18s cold %5.2f s, warm %5.2f s  (%d overlay%s; %.0f%% of "
                  "everything warm) [%s]" % (label + ":", cold, warm, n, "" if n == 1 else "s",
                                             100 * warm / full, f))
        print("--changed README.md (nothing to validate):    %6.2f s" % nothing)
        patch_warm = rows[0][3]
        print("goal (one changed overlay file < 1 s): %s (%.2f s warm, %.2f s cold)"
              % ("met" if patch_warm < 1 else "NOT met", patch_warm, rows[0][2]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
