"""kustgen validate on the example repo: clean as it is; an error injected in a base file or
in a patch is reported at that file and line, and nothing else."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, need_shared


@pytest.fixture
def repo(tmp_path):
    for d in ("base", "overlays"):
        shutil.copytree(os.path.join(REPO, d), tmp_path / d)
    return tmp_path


def run(cwd, *args):
    env = dict(os.environ, PYTHONPATH=REPO, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "kustgen", "validate", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


def errors(p):
    data = json.loads(p.stdout)
    assert data["version"] == 1
    return [f for f in data["findings"] if f["severity"] == "error"]


def test_example_repo_is_clean_against_upstream_crds(repo):
    crds = need_shared("crds")
    p = run(repo, "overlays/dev", "overlays/staging", "overlays/prod", "--crds", crds,
            "--format", "json")
    assert p.returncode == 0, p.stderr + p.stdout
    data = json.loads(p.stdout)
    assert data["findings"] == []


def test_unknown_claim_field_in_base_is_located_there(repo):
    f = repo / "base" / "claims" / "database.yaml"
    text = f.read_text()
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith("size:"))
    f.write_text(text.replace("size:", "sise:", 1))
    p = run(repo, "overlays/dev", "--format", "json")
    assert p.returncode == 1
    errs = errors(p)
    assert len(errs) == 1, errs
    e = errs[0]
    assert e["file"].endswith("base/claims/database.yaml") and e["line"] == line
    assert "sise" in e["message"] and e["rule"] == "schema"
    assert e["resource"]["kind"] == "Database" and e["overlay"] == "overlays/dev"


def test_wrong_value_set_by_a_patch_is_located_in_the_patch(repo):
    crds = need_shared("crds")
    patch = repo / "overlays" / "prod" / "patches" / "orphan.yaml"
    patch.write_text("apiVersion: ec2.aws.upbound.io/v1beta1\nkind: VPC\nmetadata:\n"
                     "  name: orders-vpc\nspec:\n  forProvider:\n    enableDnsSupport: sometimes\n")
    k = repo / "overlays" / "prod" / "kustomization.yaml"
    txt = k.read_text()
    assert "\npatches:\n" in txt
    k.write_text(txt.replace("\npatches:\n", "\npatches:\n  - path: patches/orphan.yaml\n", 1))
    p = run(repo, "overlays/prod", "--crds", crds, "--format", "json")
    errs = errors(p)
    assert len(errs) == 1, (p.stderr, errs)
    e = errs[0]
    assert e["file"].endswith("overlays/prod/patches/orphan.yaml") and e["line"] == 7
    assert e["path"] == "/spec/forProvider/enableDnsSupport"


def test_an_overlay_that_does_not_render_is_exit_2_with_the_place(repo):
    k = repo / "overlays" / "dev" / "kustomization.yaml"
    k.write_text(k.read_text().replace("- ../../base", "- ../../bsae", 1))
    p = run(repo, "overlays/dev", "overlays/prod")
    assert p.returncode == 2
    assert "overlays/dev/kustomization.yaml" in p.stdout and "render-error" in p.stdout
    assert "Traceback" not in p.stderr


def test_every_root_is_found_without_paths(repo):
    p = run(repo, "--format", "json")
    data = json.loads(p.stdout)
    overlays = {f["overlay"] for f in data["findings"]}
    assert overlays == {"overlays/dev", "overlays/staging", "overlays/prod"}


def test_several_formats_each_to_its_output(repo):
    p = run(repo, "overlays/dev", "--format", "text", "--format", "sarif", "--output", "v.sarif",
            "--format", "junit", "--output", "v.xml", "--format", "json", "--output", "v.json")
    assert p.returncode == 0, p.stderr
    assert "resources checked" in p.stdout            # text went to standard output
    sarif = json.loads((repo / "v.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert (repo / "v.xml").read_text().startswith("<?xml")
    assert json.loads((repo / "v.json").read_text())["version"] == 1


def test_output_without_its_format_is_a_usage_error(repo):
    p = run(repo, "overlays/dev", "--output", "x.json")
    assert p.returncode == 2 and "must follow the --format" in p.stderr
