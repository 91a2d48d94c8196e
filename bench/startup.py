#!/usr/bin/env python3
"""CLI start-up: time `kustgen --version` and `kustgen build --help` against a bare
interpreter, and `kustgen validate overlays/dev` (the example repo's 19-resource overlay)
cold (empty cache: schemas compiled, CEL loaded) and warm (results remembered), N runs
each; print the medians (run by hand; not a test). Use the interpreter of a real install
(a venv with `pip install .`) for figures users see: editable installs add a path hook."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env() -> dict:
    """The interpreter's own kustgen when it has one (an install, with compiled .pyc
    files); else this source tree."""
    env = dict(os.environ)
    probe = subprocess.run([sys.executable, "-c", "import kustgen"], capture_output=True,
                           cwd="/")
    if probe.returncode != 0:
        env["PYTHONPATH"] = REPO
    return env


def median_ms(argv, n, env_extra=None, before=None):
    env = dict(_env(), **(env_extra or {}))
    times = []
    for _ in range(n):
        if before:
            before()
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       cwd=REPO)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    py = sys.executable
    bare = median_ms([py, "-c", "pass"], n)
    ver = median_ms([py, "-m", "kustgen", "--version"], n)
    helpb = median_ms([py, "-m", "kustgen", "build", "--help"], n)
    imp = median_ms([py, "-c", "import kustgen.cli"], n)
    print("bare interpreter             %6.1f ms" % bare)
    print("import kustgen.cli           %6.1f ms  (+%.1f)" % (imp, imp - bare))
    print("kustgen --version            %6.1f ms  (+%.1f)" % (ver, ver - bare))
    print("kustgen build --help         %6.1f ms  (+%.1f)" % (helpb, helpb - bare))
    import shutil
    import tempfile
    cache = tempfile.mkdtemp(prefix="kustgen-startup-cache-")
    argv = [py, "-m", "kustgen", "validate", "overlays/dev"]
    env = {"KUSTGEN_CACHE_DIR": cache}
    cold = median_ms(argv, n, env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = median_ms(argv, n, env)
    shutil.rmtree(cache, ignore_errors=True)
    print("kustgen validate overlays/dev, cold cache   %6.1f ms" % cold)
    print("kustgen validate overlays/dev, warm cache   %6.1f ms" % warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
