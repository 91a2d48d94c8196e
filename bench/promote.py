#!/usr/bin/env python3
"""Time `kustgen promote` on a generated repo (bench/genrepo.py: 2 environments x 500
resources by default).

    python bench/promote.py [--resources 500] [--seed 1] [--keep DIR]

Prints wall times of: planning without verification, planning with verification
(render + validate B before and after), the CLI end to end (--dry-run, then a real
promotion, then the second run that finds nothing to promote), and one `kustgen build`
of B for comparison.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO_ROOT)
import genrepo  # noqa: E402


def _git(root, *args):
    subprocess.run(["git", "-C", root] + list(args), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _timed(label, fn, results):
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    results.append((label, dt))
    print("%-48s %8.3f s" % (label, dt), flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="generate into DIR and keep it")
    args = ap.parse_args(argv)
    top = args.keep or tempfile.mkdtemp(prefix="kustgen-bench-promote-")
    repo = os.path.join(top, "repo")
    try:
        dirs = genrepo.generate(repo, 2, args.resources, args.seed)
        a, b = (os.path.basename(d.rstrip("/")) for d in dirs)
        with open(os.path.join(repo, "kustgen.yaml"), "w") as fh:
            fh.write("apiVersion: kustgen.dev/v1alpha1\nkind: Config\nschemas:\n  offline: true\n"
                     "environments:\n  - name: %s\n    path: overlays/%s\n"
                     "  - name: %s\n    path: overlays/%s\n" % (a, a, b, b))
        _git(repo, "init", "-q")
        _git(repo, "add", "-A")
        _git(repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-qm", "gen")
        os.chdir(repo)
        from kustgen import api
        from kustgen.config import load_config
        from kustgen.promote import plan_promotion
        cfg = load_config(".")
        res = []
        print("repo: %s (%s -> %s, %d resources in the base)" % (repo, a, b, args.resources))
        out = _timed("kustgen build %s (in process)" % b,
                     lambda: api.build("overlays/%s" % b), res)
        print("  %d rendered documents" % (out.count("\n---\n") + 1))
        p = _timed("plan, no verification", lambda: plan_promotion(cfg, a, b, verify=False),
                   res)
        print("  %d file(s) would change" % len(p.changeset.planned()))
        p = _timed("plan + verify (render+validate B before/after)",
                   lambda: plan_promotion(cfg, a, b), res)
        print("  %d new error(s), %d rendered change(s)" % (len(p.new_errors),
                                                            len(p.changes())))
        exe = [sys.executable, "-m", "kustgen", "promote", a, b]

        def cli(*extra):
            r = subprocess.run(exe + list(extra), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            return r.returncode, r.stdout.decode(), r.stderr.decode()
        rc, o, e = _timed("CLI promote --dry-run", lambda: cli("--dry-run"), res)
        print("  exit %d, %d output lines %s" % (rc, len(o.splitlines()), e.strip()[:200]))
        rc, o, e = _timed("CLI promote (writes)", cli, res)
        print("  exit %d: %s" % (rc, (o.strip().splitlines() or [""])[-1][:160]))
        _git(repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-qam", "promoted")
        rc, o, e = _timed("CLI promote again (nothing to promote)", cli, res)
        print("  exit %d: %s" % (rc, o.strip()[:160]))
        return 0
    finally:
        if not args.keep:
            os.chdir("/")
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
