#!/usr/bin/env python3
"""Benchmark `kustgen validate` (render + schema + CEL) on a generated repo against
`kubectl kustomize` once per overlay (rendering alone, without any validation), in the
same run. Run by hand; prints figures, asserts nothing.

    python bench/validate.py [--envs 50] [--resources 300] [--crds ../shared/crds]
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, REPO_ROOT)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--envs", type=int, default=50)
    ap.add_argument("--resources", type=int, default=300)
    ap.add_argument("--crds", default=os.path.join(os.path.dirname(REPO_ROOT), "shared", "crds"))
    ap.add_argument("--skip-kubectl", action="store_true")
    args = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="kustgen-vbench-")
    repo = os.path.join(tmp, "repo")
    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "genrepo.py"), repo, "--envs",
                    str(args.envs), "--resources", str(args.resources)], check=True,
                   stdout=subprocess.DEVNULL)
    print("repo: %d overlays x %d base resources in %s [%.1f s]"
          % (args.envs, args.resources, repo, time.perf_counter() - t))
    overlays = sorted(glob.glob(os.path.join(repo, "overlays", "*")))

    from kustgen import api
    from kustgen.config import Config
    t = time.perf_counter()
    res = api.validate(overlays, config=Config(root=repo), crds=[args.crds])
    kg = time.perf_counter() - t
    n = res.stats.get("resources", 0)
    by_rule: dict = {}
    for f in res.findings:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    print("kustgen validate (render + schema + CEL, 1 process): %.2f s, %d resources, "
          "%.0f resources/s; %d validated, %d without schema; findings by rule: %s"
          % (kg, n, n / kg if kg else 0, res.stats.get("validated", 0),
             res.stats.get("skipped", 0), by_rule or "none"))
    for f in res.findings[:5]:
        print("  finding: %s" % f)
    if args.skip_kubectl:
        return 0
    t = time.perf_counter()
    for o in overlays:
        subprocess.run(["kubectl", "kustomize", o], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    kc = time.perf_counter() - t
    print("kubectl kustomize per overlay (rendering only): %.2f s, %.0f resources/s"
          % (kc, n / kc if kc else 0))
    print("speed-up: %.1fx (kustgen validate vs kubectl rendering alone)" % (kc / kg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
