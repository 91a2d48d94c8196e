"""kustgen ci: the CI gate over the whole repository, its reports and its shards."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO, copy_example

from kustgen.cli.ci import shard_of


def kg(cwd, *args):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "kustgen", *args], cwd=cwd, capture_output=True,
                       text=True, env=env, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture
def repo(tmp_path):
    root = copy_example(tmp_path / "infra")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_shards_cover_every_overlay_once_and_are_stable():
    overlays = ["overlays/env-%03d" % i for i in range(60)]
    for n in (1, 2, 3, 7):
        parts = [[o for o in overlays if shard_of(o, n) == i] for i in range(1, n + 1)]
        assert sorted(sum(parts, [])) == overlays
        if n > 1:
            assert all(parts), "every shard gets work"
    before = {o: shard_of(o, 4) for o in overlays}
    more = overlays + ["overlays/new-env"]
    assert all(shard_of(o, 4) == before[o] for o in more[:-1])   # adding moves nothing


def test_ci_on_the_example_repo_is_clean_with_sarif_and_github_output(repo):
    p = kg(repo, "ci", "--offline", "--format", "sarif", "--output", "kustgen.sarif",
           "--format", "github")
    assert p.returncode == 0, p.stdout + p.stderr
    sarif = json.loads((repo / "kustgen.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    assert "shard 1/1: 3 of 3 overlays" in p.stderr


def test_ci_fails_on_an_error_and_reports_it_in_every_format(repo):
    vpc = repo / "base" / "network" / "vpc.yaml"
    vpc.write_text(vpc.read_text().replace("enableDnsSupport: true", "enableDnsSupport: 1"))
    p = kg(repo, "ci", "--offline", "--format", "json", "--output", "r.json", "--format",
           "github")
    assert p.returncode == 1
    data = json.loads((repo / "r.json").read_text())
    assert {f["overlay"] for f in data["findings"]} == {"overlays/dev", "overlays/staging",
                                                       "overlays/prod"}
    assert "::error file=base/network/vpc.yaml,line=" in p.stdout


def test_shards_split_the_work(repo):
    seen = []
    for i in (1, 2, 3):
        p = kg(repo, "ci", "--offline", "--shard", "%d/3" % i, "--format", "json")
        assert p.returncode == 0, p.stderr
        seen.append(int(re.search(r"(\d+) of 3 overlays", p.stderr).group(1)))
    assert sum(seen) == 3
    assert kg(repo, "ci", "--shard", "4/3").returncode == 2
