"""Kustomize's own end-to-end cases (../shared/conformance/kustomize), run through the
corpus's run.py against `python -m kustgen build`.

Every case must pass except those in tests/conformance_xfail.txt (each with its reason);
an expected failure that starts passing fails this test too, so the list stays honest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, need_shared

XFAIL_FILE = os.path.join(REPO, "tests", "conformance_xfail.txt")


def load_xfail() -> dict[str, str]:
    out = {}
    with open(XFAIL_FILE, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cid, _, why = line.partition(" -- ")
            assert why.strip(), "expected failure %s has no reason" % cid
            out[cid.strip()] = why.strip()
    return out


def test_conformance_corpus(tmp_path):
    cases = need_shared("conformance", "kustomize", "cases.jsonl")
    runner = need_shared("conformance", "kustomize", "run.py")
    out_json = tmp_path / "results.jsonl"
    cmd = "%s -m kustgen build {root}" % sys.executable
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, runner, cases, "--cmd", cmd, "--json", str(out_json),
                        "--failures", str(tmp_path / "failures.txt"), "-j", "2"],
                       capture_output=True, text=True, env=env, timeout=1800)
    assert p.returncode == 0, p.stderr
    results = [json.loads(line) for line in out_json.read_text().splitlines() if line.strip()]
    assert len(results) >= 170
    xfail = load_xfail()
    unexpected = [r for r in results if not r["passed"] and r["id"] not in xfail]
    now_passing = [r["id"] for r in results if r["passed"] and r["id"] in xfail]
    passed = sum(1 for r in results if r["passed"])
    rate = passed / len(results)
    print("conformance: %d/%d passed (%.1f%%)" % (passed, len(results), 100 * rate))
    failures = (tmp_path / "failures.txt").read_text()
    assert not unexpected, "unexpected failures: %s\n%s" % (
        [(r["id"], r["why"]) for r in unexpected], failures[:20000])
    assert not now_passing, "these cases now pass; remove them from %s: %s" % (
        XFAIL_FILE, now_passing)
    assert rate >= 0.95, "pass rate %.1f%% is below 95%%" % (100 * rate)
    unknown = set(xfail) - {r["id"] for r in results}
    assert not unknown, "expected failures name cases that do not exist: %s" % sorted(unknown)
