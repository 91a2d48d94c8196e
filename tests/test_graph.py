"""kustgen.graph: which overlays a changed file affects (table-driven on this repo's
example), `kustgen validate --changed/--since` and `kustgen graph`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, copy_example
from kustgen.config import load_config
from kustgen.graph import build_graph

ALL = ["overlays/dev", "overlays/staging", "overlays/prod"]

TABLE = [
    ("base/network/vpc.yaml", ALL),
    ("base/network/subnets.yaml", ALL),
    ("base/claims/buckets.yaml", ALL),
    ("base/claims/kustomization.yaml", ALL),
    ("base/kustomization.yaml", ALL),
    ("base/apis/database/composition.yaml", ALL),
    ("base/components/localstack/provider-config.yaml", ["overlays/dev"]),
    ("base/components/localstack/kustomization.yaml", ["overlays/dev"]),
    ("overlays/prod/patches/orders-db.yaml", ["overlays/prod"]),
    ("overlays/staging/patches/orders-db.yaml", ["overlays/staging"]),
    ("overlays/prod/runtime-config.yaml", ["overlays/prod"]),
    ("overlays/dev/kustomization.yaml", ["overlays/dev"]),
    ("overlays/dev/patches/invoices-bucket.yaml", ["overlays/dev"]),
    ("kustgen.yaml", ALL),                                  # configuration: everything
    ("README.md", []),
    ("kustgen/graph.py", []),
    (".pre-commit-hooks.yaml", []),                         # YAML no overlay reads
    ("tests/conftest.py", []),
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    old = os.getcwd()
    os.chdir(REPO)
    try:
        os.environ["KUSTGEN_GRAPH_CACHE"] = "0"
        return build_graph(load_config("."))
    finally:
        os.environ.pop("KUSTGEN_GRAPH_CACHE", None)
        os.chdir(old)


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("file,expected", TABLE, ids=[t[0] for t in TABLE])
def test_affected(graph, in_repo, file, expected):
    assert graph.affected([file]) == expected
    if not file.startswith("kustgen"):
        assert graph.dependents(file) == expected


def test_graph_shape(graph):
    assert graph.overlays == ALL
    assert not graph.errors
    for o in ALL:
        assert "base/kustomization.yaml" in graph.inputs[o]
        assert o + "/kustomization.yaml" in graph.inputs[o]
    assert "base/components/localstack/provider-config.yaml" in graph.inputs["overlays/dev"]
    assert "base/components/localstack/provider-config.yaml" not in \
        graph.inputs["overlays/prod"]


def test_several_files_keep_graph_order(graph, in_repo):
    assert graph.affected(["overlays/prod/patches/claims.yaml", "README.md",
                           "base/components/localstack/provider-config.yaml"]) == \
        ["overlays/dev", "overlays/prod"]
    assert graph.manifests(["README.md", "overlays/prod/patches/claims.yaml"]) == []


def _copy(tmp_path):
    return copy_example(tmp_path / "repo")


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
                   + list(args), cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _kustgen(cwd, *args):
    return subprocess.run([sys.executable, "-m", "kustgen"] + list(args), cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_unread_files_new_roots_and_deletions(tmp_path, monkeypatch):
    repo = _copy(tmp_path)
    monkeypatch.chdir(repo)
    (repo / "overlays/prod/patches/unused.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    (repo / "extra").mkdir()
    (repo / "extra/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                        "  name: plain\n")
    (repo / "extra/notes.yaml").write_text("just: data\n")
    (repo / "overlays/qa").mkdir()
    (repo / "overlays/qa/kustomization.yaml").write_text("resources:\n  - ../../base\n")
    g = build_graph(load_config("."))
    assert g.affected(["overlays/prod/patches/unused.yaml"]) == []   # no overlay reads it
    assert g.manifests(["overlays/prod/patches/unused.yaml"]) == []  # inside an overlay
    assert g.affected(["extra/cm.yaml", "extra/notes.yaml"]) == []
    assert g.manifests(["extra/cm.yaml", "extra/notes.yaml"]) == ["extra/cm.yaml"]
    # a new kustomization that no environment reads is a root of its own
    assert g.affected(["overlays/qa/kustomization.yaml"]) == ["overlays/qa"]
    # deleted: the overlays that read it (remembered from the previous graph)
    os.remove("overlays/prod/patches/orders-db.yaml")
    g2 = build_graph(load_config("."))
    assert "overlays/prod" in g2.errors
    assert g2.affected(["overlays/prod/patches/orders-db.yaml"]) == ["overlays/prod"]


def test_deleted_file_without_cache(tmp_path, monkeypatch):
    repo = _copy(tmp_path)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("KUSTGEN_GRAPH_CACHE", "0")
    os.remove("base/network/vpc.yaml")
    g = build_graph(load_config("."))
    assert g.affected(["base/network/vpc.yaml"]) == ALL


def test_cache_reuses_unchanged_overlays(tmp_path, monkeypatch):
    repo = _copy(tmp_path)
    monkeypatch.chdir(repo)
    assert build_graph(load_config(".")).cached == 0
    assert build_graph(load_config(".")).cached == 3
    with open("overlays/prod/patches/orders-db.yaml", "a") as fh:
        fh.write("# touched\n")
    g = build_graph(load_config("."))
    assert g.cached == 2
    assert g.affected(["overlays/prod/patches/orders-db.yaml"]) == ["overlays/prod"]


def test_validate_changed_json_lists_only_affected(tmp_path):
    repo = _copy(tmp_path)
    p = _kustgen(repo, "validate", "--format", "json", "--changed",
                 "base/components/localstack/provider-config.yaml", "README.md")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["overlays"] == ["overlays/dev"]
    assert "validating overlays/dev " in p.stderr
    # variadic, as pre-commit passes file names
    p = _kustgen(repo, "validate", "--format", "json", "--changed",
                 "overlays/prod/patches/orders-db.yaml", "overlays/staging/patches/claims.yaml")
    assert json.loads(p.stdout)["overlays"] == ["overlays/staging", "overlays/prod"]


def test_validate_changed_nothing(tmp_path):
    repo = _copy(tmp_path)
    (repo / "README.md").write_text("x\n")
    p = _kustgen(repo, "validate", "--changed", "README.md", "tool.py")
    assert p.returncode == 0
    assert "nothing to validate" in p.stdout


def test_validate_changed_plain_manifest_and_positional_paths(tmp_path):
    repo = _copy(tmp_path)
    (repo / "extra").mkdir()
    (repo / "extra/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                        "  name: plain\ndata:\n  a: 1\n")
    p = _kustgen(repo, "validate", "--changed", "extra/cm.yaml")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "extra/cm.yaml:6" in p.stdout
    # positional PATHS before --changed keep their meaning (validated as well)
    p = _kustgen(repo, "validate", "--format", "json", "overlays/prod", "--changed",
                 "base/components/localstack/provider-config.yaml")
    assert json.loads(p.stdout)["overlays"] == ["overlays/dev", "overlays/prod"]
    # without --changed, a file PATH still means the overlays that read it
    p = _kustgen(repo, "validate", "base/components/localstack/provider-config.yaml")
    assert p.returncode == 0, p.stdout + p.stderr


def test_validate_since(tmp_path):
    repo = _copy(tmp_path)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    p = _kustgen(repo, "validate", "--since", "HEAD")
    assert p.returncode == 0 and "nothing to validate" in p.stdout
    with open(repo / "overlays/staging/patches/orders-db.yaml", "a") as fh:
        fh.write("# changed\n")
    (repo / "overlays/prod/extra.md").write_text("untracked, not YAML\n")
    p = _kustgen(repo, "validate", "--format", "json", "--since", "HEAD")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["overlays"] == ["overlays/staging"]
    # untracked file: a new component used by dev
    (repo / "overlays/dev/patches/invoices-bucket.yaml").unlink()
    p = _kustgen(repo, "validate", "--format", "json", "--since", "HEAD")
    assert p.returncode == 2          # dev no longer renders: the deleted patch
    assert json.loads(p.stdout)["overlays"] == ["overlays/dev", "overlays/staging"]
    p = _kustgen(repo, "validate", "--since", "no-such-rev")
    assert p.returncode == 2 and "no-such-rev" in p.stderr


def test_graph_cli(tmp_path):
    repo = _copy(tmp_path)
    p = _kustgen(repo, "graph", "--dot")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("digraph")
    assert '"overlays/dev" -> "base/";' in p.stdout
    assert '"base/" -> "base/network/vpc.yaml";' in p.stdout
    assert '"overlays/dev" -> "base/components/localstack/";' in p.stdout
    assert '"overlays/prod" -> "overlays/prod/patches/orders-db.yaml";' in p.stdout
    assert '"overlays/prod" -> "base/components/localstack/";' not in p.stdout
    p = _kustgen(repo, "graph", "--format", "json")
    doc = json.loads(p.stdout)
    assert [o["path"] for o in doc["overlays"]] == ALL
    p = _kustgen(repo, "graph")
    assert "overlays/prod (" in p.stdout and "orders-db.yaml" in p.stdout
    p = _kustgen(repo, "graph", "--affected", "base/components/localstack/provider-config.yaml")
    assert p.stdout.split() == ["overlays/dev"]
