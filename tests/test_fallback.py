"""Features outside the embedded engine (remote resources, Helm, exec plugins): kustgen
hands the overlay to kustomize/kubectl when one is on PATH, else exits 2 naming the field
and file."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, need_kubectl


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
                   cwd=cwd, check=True, capture_output=True)


def make_remote_overlay(tmp_path):
    repo = tmp_path / "remote"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    (repo / "app" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared-settings\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "settings")
    ov = tmp_path / "overlay"
    ov.mkdir()
    (ov / "kustomization.yaml").write_text(
        "namePrefix: dev-\nresources:\n- file://%s//app\n" % repo)
    return ov


def run(args, env=None):
    e = dict(os.environ, PYTHONPATH=REPO)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "kustgen", *args], capture_output=True,
                          text=True, env=e, timeout=120)


def test_remote_resource_is_rendered_by_kubectl_and_said_in_verbose(tmp_path):
    ref = need_kubectl()
    ov = make_remote_overlay(tmp_path)
    want = subprocess.run(ref + [str(ov)], capture_output=True, text=True, check=True).stdout
    p = run(["build", "-v", str(ov)])
    assert p.returncode == 0, p.stderr
    assert p.stdout == want
    assert "name: dev-shared-settings" in p.stdout
    assert "rendered with" in p.stderr and "remote" in p.stderr


def test_without_kustomize_on_path_the_field_and_file_are_named(tmp_path):
    ov = make_remote_overlay(tmp_path)
    p = run(["build", str(ov)], env={"PATH": str(tmp_path / "empty-bin")})
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "kustomization.yaml:3" in p.stderr
    assert "remote" in p.stderr and "kubectl on PATH" in p.stderr


def test_helm_charts_are_not_rendered_by_the_embedded_engine(tmp_path):
    (tmp_path / "kustomization.yaml").write_text(
        "helmCharts:\n- name: minio\n  repo: https://charts.example.org\n  version: 1.0.0\n")
    p = run(["build", str(tmp_path)], env={"PATH": str(tmp_path / "empty-bin")})
    assert p.returncode == 2
    assert "helmCharts" in p.stderr and "kustomization.yaml:1" in p.stderr
