#!/usr/bin/env python3
"""Benchmark kustgen's renderer against `kubectl kustomize` on a generated repo.

    python bench/render.py [--envs 50] [--resources 100] [--seed 1] [--keep DIR]

In one run:
  1. generate a repo (bench/genrepo.py) with ENVS overlays over a base of RESOURCES objects;
  2. render every overlay in this process with ``kustgen.api.build_many``;
  3. render every overlay with ``kubectl kustomize DIR`` (one process per overlay);
  4. compare the two outputs byte for byte, per overlay;
  5. time ``kustgen build DIR... --output-dir OUT`` as a subprocess (CLI start-up included).

It prints the wall times, resources/s for each, the ratio kubectl time / kustgen time
and the mismatches (count and the first diff lines). Exit status: 0 all identical,
1 some overlay differs, 2 kustgen (or kubectl) could not render or is not available.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import genrepo  # noqa: E402


def _import_build_many():
    """kustgen.api.build_many from this checkout (preferred) or the installed package."""
    if REPO_ROOT not in sys.path:
        sys.path.insert(1, REPO_ROOT)
    try:
        import kustgen
        from kustgen.api import build_many
    except Exception as e:  # ImportError, or an error inside the package while importing
        return None, None, e
    return build_many, os.path.dirname(os.path.abspath(kustgen.__file__)), None


def _count_docs(text: bytes) -> int:
    if not text.strip():
        return 0
    return text.count(b"\n---\n") + (0 if text.startswith(b"---\n") else 1)


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} resources/s" if seconds > 0 else "n/a"


def _first_diff(expected: bytes, got: bytes, name: str, limit: int) -> list[str]:
    lines = list(difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        got.decode("utf-8", "replace").splitlines(),
        fromfile=f"{name} (kubectl)", tofile=f"{name} (kustgen)", lineterm="", n=2))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"]
    return lines


def _first_diff_doc(expected: bytes, got: bytes) -> str:
    """'document N (Kind name)' of the first document that differs."""
    a, b = expected.split(b"\n---\n"), got.split(b"\n---\n")
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else b""
        y = b[i] if i < len(b) else b""
        if x != y:
            doc = x or y
            kind = re.search(rb"^kind: *(\S+)", doc, re.M)
            name = re.search(rb"^  name: *(\S+)", doc, re.M)
            label = " ".join(m.group(1).decode("utf-8", "replace") for m in (kind, name) if m)
            return f"document {i + 1} of {len(a)} ({label or 'unnamed'})"
    return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark kustgen against kubectl kustomize.")
    ap.add_argument("--envs", type=int, default=50, help="overlays to generate (default 50)")
    ap.add_argument("--resources", type=int, default=100,
                    help="objects in the base (default 100)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--keep", metavar="DIR",
                    help="generate into DIR and keep it, with the outputs in DIR/out/")
    ap.add_argument("--reorder", choices=["legacy", "none"], default="legacy")
    ap.add_argument("--kubectl", default="kubectl kustomize",
                    help="reference command, run as CMD DIR (default: 'kubectl kustomize'; "
                         "'kustomize build' works too)")
    ap.add_argument("--kustgen-cmd", default=None,
                    help="CLI command for the subprocess timing (default: this Python "
                         "with -m kustgen, using the same package as the in-process run)")
    ap.add_argument("--kubectl-only", action="store_true",
                    help="only generate and time kubectl (no kustgen needed)")
    ap.add_argument("--no-cli", action="store_true", help="skip the kustgen CLI timing")
    ap.add_argument("--diff-lines", type=int, default=30,
                    help="diff lines shown for the first mismatch (default 30)")
    args = ap.parse_args(argv)

    ref_cmd = shlex.split(args.kubectl)
    if not ref_cmd or shutil.which(ref_cmd[0]) is None:
        print(f"error: reference command not found: {args.kubectl!r}", file=sys.stderr)
        return 2
    if args.reorder != "legacy":
        if ref_cmd[:2] == ["kubectl", "kustomize"] or os.path.basename(ref_cmd[0]) == "kubectl":
            print("error: kubectl kustomize has no --reorder flag; use --kubectl 'kustomize build'",
                  file=sys.stderr)
            return 2
        ref_cmd = ref_cmd + ["--reorder", args.reorder]

    build_many = pkg_dir = None
    if not args.kubectl_only:
        build_many, pkg_dir, err = _import_build_many()
        if build_many is None:
            print("error: cannot import kustgen.api.build_many "
                  f"({type(err).__name__}: {err}).\n"
                  f"  Run from the checkout ({REPO_ROOT}) or install it (pip install -e .).\n"
                  "  Use --kubectl-only to time kubectl alone.", file=sys.stderr)
            return 2

    if args.keep:
        root = os.path.abspath(args.keep)
        os.makedirs(root, exist_ok=True)
        cleanup = None
    else:
        root = tempfile.mkdtemp(prefix="kustgen-bench-")
        cleanup = root
    try:
        return _run(args, root, ref_cmd, build_many, pkg_dir)
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)


def _run(args, root, ref_cmd, build_many, pkg_dir) -> int:
    repo = os.path.join(root, "repo") if not args.keep else root
    t = time.perf_counter()
    dirs = genrepo.generate(repo, args.envs, args.resources, args.seed)
    gen_s = time.perf_counter() - t
    print(f"repo: {len(dirs)} overlays x {args.resources} base objects (seed {args.seed}) "
          f"in {repo} [generated in {gen_s:.2f} s]")
    if pkg_dir:
        print(f"kustgen package: {pkg_dir}")
    rc = 0

    # (a) kustgen, in process
    ours: dict[str, str] | None = None
    kg_s = 0.0
    if build_many is not None:
        t = time.perf_counter()
        try:
            ours = build_many(list(dirs), reorder=args.reorder)
        except Exception:
            kg_s = time.perf_counter() - t
            print(f"kustgen build_many FAILED after {kg_s:.3f} s:", file=sys.stderr)
            traceback.print_exc()
            rc = 2
        else:
            kg_s = time.perf_counter() - t

    # (b) kubectl kustomize, one process per overlay
    theirs: dict[str, bytes] = {}
    kc_failed = []
    t = time.perf_counter()
    for d in dirs:
        p = subprocess.run(ref_cmd + [d], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            kc_failed.append((d, p.stderr.decode("utf-8", "replace").strip()))
        theirs[d] = p.stdout
    kc_s = time.perf_counter() - t
    if kc_failed:
        rc = 2
        print(f"{' '.join(ref_cmd)} failed on {len(kc_failed)} overlay(s); first: "
              f"{kc_failed[0][0]}:\n  {kc_failed[0][1][-2000:]}", file=sys.stderr)

    per_overlay = {d: _count_docs(theirs[d]) for d in dirs}
    total = sum(per_overlay.values())
    total_bytes = sum(len(v) for v in theirs.values())
    sizes = sorted(set(per_overlay.values()))
    print(f"rendered: {total} objects ({total_bytes / 1e6:.1f} MB of YAML); per overlay: "
          + (str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}..{sizes[-1]}"))

    if args.keep:
        for sub, data in (("kubectl", theirs),
                          ("kustgen", {d: v.encode("utf-8", "surrogateescape")
                                       for d, v in (ours or {}).items()})):
            outdir = os.path.join(root, "out", sub)
            os.makedirs(outdir, exist_ok=True)
            for d, v in data.items():
                with open(os.path.join(outdir, os.path.basename(d) + ".yaml"), "wb") as fh:
                    fh.write(v)

    # compare
    if ours is not None:
        mismatched, missing = [], []
        for d in dirs:
            got = ours.get(d)
            if got is None:
                got = ours.get(os.path.realpath(d))
            if got is None:
                missing.append(d)
                continue
            got_b = got.encode("utf-8", "surrogateescape")
            if got_b != theirs[d]:
                mismatched.append((d, got_b))
        same = len(dirs) - len(mismatched) - len(missing)
        print(f"identical: {same}/{len(dirs)} overlays byte-identical to {' '.join(ref_cmd)}")
        if missing:
            rc = max(rc, 2)
            print(f"  {len(missing)} overlay(s) missing from build_many's result, e.g. "
                  f"{missing[0]} (keys look like {next(iter(ours), None)!r})")
        if mismatched:
            rc = max(rc, 1)
            print(f"  MISMATCH in {len(mismatched)} overlay(s): "
                  + ", ".join(os.path.basename(d) for d, _ in mismatched[:10])
                  + (" ..." if len(mismatched) > 10 else ""))
            d, got_b = mismatched[0]
            where = _first_diff_doc(theirs[d], got_b)
            if where:
                print(f"  first difference in {os.path.basename(d)}: {where}")
            for line in _first_diff(theirs[d], got_b, os.path.basename(d), args.diff_lines):
                print("    " + line)

    # timings
    print()
    print(f"{'':<44}{'wall':>10}   rate")
    if build_many is not None and ours is not None:
        print(f"{'kustgen build_many (1 process, in-process)':<44}{kg_s:>9.3f}s   {_rate(total, kg_s)}")
    print(f"{(' '.join(ref_cmd[:2]) + f' ({len(dirs)} processes)'):<44}{kc_s:>9.3f}s   "
          f"{_rate(total, kc_s)}")
    if ours is not None and kg_s > 0:
        print(f"{'speed-up (kubectl time / kustgen time)':<44}{kc_s / kg_s:>9.1f}x")

    # kustgen CLI, one subprocess for all overlays
    if build_many is not None and not args.no_cli:
        if args.kustgen_cmd:
            cli = shlex.split(args.kustgen_cmd)
            env = None
        else:
            cli = [sys.executable, "-m", "kustgen"]
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(
                [REPO_ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        outdir = (os.path.join(root, "out", "kustgen-cli") if args.keep
                  else tempfile.mkdtemp(prefix="kustgen-cli-"))
        if args.keep:
            shutil.rmtree(outdir, ignore_errors=True)
        argv = cli + ["build", *dirs, "--output-dir", outdir]
        if args.reorder != "legacy":
            argv += ["--reorder", args.reorder]
        t = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        cli_s = time.perf_counter() - t
        label = "kustgen build --output-dir (CLI, 1 process)"
        if p.returncode != 0:
            rc = max(rc, 2)
            err = p.stderr.decode("utf-8", "replace").strip().splitlines()
            print(f"{label:<44}{cli_s:>9.3f}s   FAILED (exit {p.returncode}): "
                  f"{err[-1] if err else ''}")
        else:
            # match the files written by content, whatever their names
            written = []
            for dirpath, _dn, fnames in os.walk(outdir):
                for fn in fnames:
                    with open(os.path.join(dirpath, fn), "rb") as fh:
                        written.append(fh.read())
            expected = sorted(theirs[d] for d in dirs)
            same = sum(1 for a, b in zip(expected, sorted(written)) if a == b) \
                if len(written) == len(expected) else None
            check = (f"{same}/{len(dirs)} files identical to kubectl" if same is not None
                     else f"{len(written)} files written for {len(dirs)} overlays")
            print(f"{label:<44}{cli_s:>9.3f}s   {_rate(total, cli_s)}; {check}")
            if same is not None and same != len(dirs):
                rc = max(rc, 1)
        if not args.keep:
            shutil.rmtree(outdir, ignore_errors=True)
    if args.keep:
        print(f"\nkept: repo in {root}, outputs in {os.path.join(root, 'out')}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
