"""Bad input: each is a one-line message naming file and line, exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO


def kustgen(*args, cwd):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "kustgen", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=60)


def write(root, files: dict):
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)


CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"

BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x, x]"] +
                 ["%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]"
                  % ((chr(ord("b") + i),) * 2 + (chr(ord("a") + i),) * 10) for i in range(9)])

CASES = {
    "malformed-yaml": (
        {"kustomization.yaml": "resources:\n- cm.yaml\n",
         "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [a\n"},
        "cm.yaml:", None),
    "missing-file": (
        {"kustomization.yaml": "resources:\n- cm.yaml\n- nope.yaml\n", "cm.yaml": CM % "x"},
        "kustomization.yaml:3", "nope.yaml"),
    "reference-cycle": (
        {"kustomization.yaml": "resources:\n- a\n",
         "a/kustomization.yaml": "resources:\n- ../b\n",
         "b/kustomization.yaml": "resources:\n- ../a\n"},
        "kustomization.yaml:2", "cycle"),
    "outside-root": (
        {"app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: ../p.yaml\n",
         "app/cm.yaml": CM % "x", "p.yaml": CM % "x"},
        "kustomization.yaml:4", "not in or below"),
    "duplicate-id": (
        {"kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n",
         "a.yaml": CM % "same", "b.yaml": CM % "same"},
        "kustomization.yaml:3", "already registered id"),
    "duplicate-id-in-one-file": (
        {"kustomization.yaml": "resources:\n- a.yaml\n",
         "a.yaml": CM % "same" + "---\n" + CM % "same"},
        "a.yaml:6, first at a.yaml:1", "already registered id: ConfigMap.v1.[noGrp]/same.[noNs]"),
    "unknown-field": (
        {"kustomization.yaml": "resources:\n- cm.yaml\nnamePrefx: a-\n", "cm.yaml": CM % "x"},
        "kustomization.yaml:3", 'unknown field "namePrefx"'),
    "yaml-bomb": (
        {"kustomization.yaml": "resources:\n- bomb.yaml\n",
         "bomb.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                      + "".join("  " + l + "\n" for l in BOMB.splitlines())},
        "bomb.yaml", None),
    "invalid-utf8": (
        {"kustomization.yaml": "resources:\n- cm.yaml\n",
         "cm.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n"},
        "cm.yaml", "UTF-8"),
    "no-kustomization": (
        {"kustomization.yaml": "resources:\n- base\n", "base/cm.yaml": CM % "x"},
        "kustomization.yaml:2", "kustomization.yaml"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_line_exit_2(tmp_path, name):
    files, where, text = CASES[name]
    write(tmp_path, files)
    p = kustgen("build", "app" if name == "outside-root" else ".", cwd=tmp_path)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2, err
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert where in lines[0], lines[0]
    if text:
        assert text in lines[0], lines[0]
    assert p.stdout == b""


def test_directory_without_kustomization_at_top(tmp_path):
    write(tmp_path, {"cm.yaml": CM % "x"})
    p = kustgen("build", ".", cwd=tmp_path)
    err = p.stderr.decode()
    assert p.returncode == 2 and "Traceback" not in err
    assert "unable to find one of 'kustomization.yaml'" in err


def test_one_bad_overlay_does_not_stop_the_others(tmp_path):
    write(tmp_path, {"good/kustomization.yaml": "resources:\n- cm.yaml\n",
                     "good/cm.yaml": CM % "ok",
                     "bad/kustomization.yaml": "resources:\n- missing.yaml\n"})
    p = kustgen("build", "bad", "good", "--output-dir", "out", cwd=tmp_path)
    assert p.returncode == 2
    assert (tmp_path / "out" / "good.yaml").read_text() == (CM % "ok")
    assert not (tmp_path / "out" / "bad.yaml").exists()
