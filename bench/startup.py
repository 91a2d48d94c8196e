#!/usr/bin/env python3
"""CLI start-up: time `kustgen --version` and `kustgen build --help` against a bare
interpreter, N runs each, and print the medians (run by hand; not a test)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_ms(argv, n):
    env = dict(os.environ, PYTHONPATH=REPO)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=True)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
