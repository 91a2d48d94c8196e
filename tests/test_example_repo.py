"""The example GitOps repo in this tree: every overlay renders byte-identically with
kustgen and with `kubectl kustomize`, and matches its golden file."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import REPO, need_kubectl
from kustgen import api

OVERLAYS = sorted(d for d in os.listdir(os.path.join(REPO, "overlays"))
                  if os.path.isdir(os.path.join(REPO, "overlays", d)))
GOLDEN = os.path.join(REPO, "tests", "golden")


def test_example_repo_has_the_three_environments():
    assert OVERLAYS == ["dev", "prod", "staging"]


@pytest.mark.parametrize("env", OVERLAYS)
def test_overlay_renders_like_kubectl(env):
    ref = need_kubectl()
    path = os.path.join(REPO, "overlays", env)
    want = subprocess.run(ref + [path], capture_output=True, text=True, check=True).stdout
    got = api.build(path)
    assert got == want


@pytest.mark.parametrize("env", OVERLAYS)
def test_overlay_matches_golden(env, update_golden):
    got = api.build(os.path.join(REPO, "overlays", env))
    golden = os.path.join(GOLDEN, "overlays_%s.yaml" % env)
    if update_golden:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(golden, "w") as fh:
            fh.write(got)
    with open(golden) as fh:
        assert got == fh.read(), "run pytest --update-golden after an intended change"


def test_overlays_differ_where_environments_differ():
    out = api.build_many([os.path.join(REPO, "overlays", e) for e in OVERLAYS])
    texts = list(out.values())
    assert len(set(texts)) == len(texts)
    dev = out[os.path.join(REPO, "overlays", "dev")]
    prod = out[os.path.join(REPO, "overlays", "prod")]
    assert "localstack" in dev and "localstack" not in prod
    assert "Orphan" in prod
