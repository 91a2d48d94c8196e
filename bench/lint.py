#!/usr/bin/env python3
"""Benchmark `kustgen lint` and `kustgen check` (validate + lint from one render per
overlay) on a generated repo, against `kubectl kustomize` once per overlay (rendering
alone) in the same run. Run by hand; prints figures, asserts nothing.

    python bench/lint.py [--envs 50] [--resources 300] [--crds ../shared/crds]
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


def _by_rule(findings) -> dict:
    out: dict = {}
    for f in findings:
        if not f.suppressed:
            out[f.rule] = out.get(f.rule, 0) + 1
    return dict(sorted(out.items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--envs", type=int, default=50)
    ap.add_argument("--resources", type=int, default=300)
    ap.add_argument("--crds", default=os.path.join(os.path.dirname(REPO_ROOT), "shared", "crds"))
    ap.add_argument("--skip-kubectl", action="store_true")
    args = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="kustgen-lbench-")
    repo = os.path.join(tmp, "repo")
    subprocess.run([sys.executable, os.path.join(HERE, "genrepo.py"), repo, "--envs",
                    str(args.envs), "--resources", str(args.resources)], check=True,
                   stdout=subprocess.DEVNULL)
    overlays = sorted(glob.glob(os.path.join(repo, "overlays", "*")))
    print("repo: %d overlays x %d base resources" % (args.envs, args.resources))
    with open(os.path.join(repo, "kustgen.yaml"), "w") as fh:
        fh.write("apiVersion: kustgen.dev/v1alpha1\nkind: Config\nschemas:\n  crds: [%s]\n"
                 % args.crds)

    from kustgen import api
    from kustgen.config import load_config
    os.chdir(repo)
    cfg = load_config(".")
    t = time.perf_counter()
    lr = api.lint(config=cfg)
    t_lint = time.perf_counter() - t
    print("kustgen lint (render + %d rules, 1 process): %.2f s, %d resources; findings: %s"
          % (len(lr.rules_run), t_lint, lr.resources, _by_rule(lr.findings) or "none"))
    t = time.perf_counter()
    v = api.validate(config=cfg)
    t_val = time.perf_counter() - t
    print("kustgen validate alone: %.2f s" % t_val)
    t = time.perf_counter()
    cr = api.check(config=cfg, apps=False)
    t_check = time.perf_counter() - t
    print("kustgen check (validate + lint, one render per overlay): %.2f s; separately "
          "%.2f s (%.0f%% saved); findings: %s" % (
              t_check, t_lint + t_val, 100 * (1 - t_check / (t_lint + t_val)),
              _by_rule(cr.findings) or "none"))
    assert v is not None
    if args.skip_kubectl:
        return 0
    t = time.perf_counter()
    for o in overlays:
        subprocess.run(["kubectl", "kustomize", o], check=True, stdout=subprocess.DEVNULL)
    t_k = time.perf_counter() - t
    print("kubectl kustomize, %d overlays (rendering alone): %.2f s; kustgen check is "
          "%.1fx faster" % (len(overlays), t_k, t_k / t_check))
    return 0


if __name__ == "__main__":
    sys.exit(main())
