"""kustgen.changeset: commits survive a kill at any point (write-ahead journal).

A subprocess plans a change set and commits it with KUSTGEN_TEST_CRASH set, which makes
it exit (os._exit(86)) at the given point; afterwards the tree must be the old state, or
the new state once recovered, never a mix, and never with leftovers after recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kustgen.changeset import JOURNAL, ChangeSet, recover

OLD = {
    "kustgen.yaml": b"environments: [dev]\n",
    "base/kustomization.yaml": b"resources:\n- a.yaml\n- b.yaml\n",
    "base/a.yaml": b"kind: ConfigMap\n",
    "base/b.yaml": b"kind: Secret\r\n",
    "README.md": b"untouched\n",
}
NEW = {
    "kustgen.yaml": b"environments: [dev, prod]\n",
    "base/kustomization.yaml": b"resources:\n- b.yaml\n- c.yaml\n",
    "base/b.yaml": b"kind: Secret\r\nmetadata: {}\r\n",
    "base/c.yaml": b"kind: Service\n",
    "overlays/prod/kustomization.yaml": b"resources:\n- ../../base\n",
    "README.md": b"untouched\n",
}
N_OPS = 6  # 3 updates, 2 creates (one in new folders), 1 delete

PLAN = textwrap.dedent("""
    import sys
    from kustgen.changeset import ChangeSet
    cs = ChangeSet(sys.argv[1])
    cs.update("kustgen.yaml", lambda t: t.replace("[dev]", "[dev, prod]"))
    cs.update("base/kustomization.yaml", lambda t: t.replace("- a.yaml\\n", "") + "- c.yaml\\n")
    cs.update("base/b.yaml", lambda t: t + "metadata: {}\\r\\n")
    cs.create("base/c.yaml", "kind: Service\\n")
    cs.create("overlays/prod/kustomization.yaml", "resources:\\n- ../../base\\n")
    cs.delete("base/a.yaml")
    assert len(cs.planned()) == %d, cs.planned()
    print(cs.commit())
""" % N_OPS)


def tree(root) -> tuple[dict[str, bytes], set[str]]:
    """Every file (leftovers included) with its content, and every folder."""
    files, dirs = {}, set()
    for d, ds, fs in os.walk(root):
        for s in ds:
            dirs.add(os.path.relpath(os.path.join(d, s), root).replace(os.sep, "/"))
        for f in fs:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                files[os.path.relpath(p, root).replace(os.sep, "/")] = fh.read()
    return files, dirs


def dirs_of(files) -> set[str]:
    out = set()
    for f in files:
        parts = f.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return out


OLD_TREE = (OLD, dirs_of(OLD))
NEW_TREE = (NEW, dirs_of(NEW))


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "repo"
    for rel, data in OLD.items():
        p = r / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return r


def run_commit(root, crash: str | None):
    env = dict(os.environ)
    env.pop("KUSTGEN_TEST_CRASH", None)
    if crash:
        env["KUSTGEN_TEST_CRASH"] = crash
    return subprocess.run([sys.executable, "-c", PLAN, str(root)], env=env,
                          capture_output=True, text=True, timeout=60)


def crash(root, point: str) -> None:
    p = run_commit(root, point)
    assert p.returncode == 86, (p.stdout, p.stderr)


def test_plan_without_crash(root):
    p = run_commit(root, None)
    assert p.returncode == 0, p.stderr
    assert tree(root) == NEW_TREE


POINTS = ["before-journal:%d" % n for n in range(6)] + \
    ["after-journal:%d" % n for n in range(6)] + \
    ["rename:%d" % n for n in range(N_OPS + 2)]


@pytest.mark.parametrize("point", POINTS)
def test_crash_then_recover(root, point):
    crash(root, point)
    files, _ = tree(root)
    live = {k: v for k, v in files.items()
            if not k.endswith((".kustgen-tmp", ".kustgen-bak")) and
            not k.startswith(".kustgen-commit")}
    # before recovery every target is either its old or its new version (never torn)
    for k, v in live.items():
        assert v in (OLD.get(k), NEW.get(k)), k
    if point.startswith("before-journal"):
        msg = recover(str(root))
        assert msg and msg.startswith("discarded")
        assert tree(root) == OLD_TREE
    else:
        assert (root / JOURNAL).exists()
        msg = recover(str(root))
        assert msg and msg.startswith("completed an interrupted commit")
        assert tree(root) == NEW_TREE
    # idempotent
    assert recover(str(root)) is None
    assert tree(root) in (OLD_TREE, NEW_TREE)


@pytest.mark.parametrize("point", ["before-journal:0", "rename:0", "rename:3"])
def test_changeset_constructor_recovers(root, point):
    crash(root, point)
    cs = ChangeSet(str(root))
    assert cs.recovered
    assert tree(root) == (OLD_TREE if point.startswith("before") else NEW_TREE)
    assert ChangeSet(str(root)).recovered is None


def test_second_process_completes_the_commit(root):
    crash(root, "rename:2")
    p = subprocess.run([sys.executable, "-c",
                        "import sys; from kustgen.changeset import ChangeSet; "
                        "print(ChangeSet(sys.argv[1]).recovered)", str(root)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "completed an interrupted commit" in p.stdout
    assert tree(root) == NEW_TREE


def test_kustgen_command_completes_the_commit(root):
    crash(root, "rename:4")
    subprocess.run([sys.executable, "-m", "kustgen", "init", str(root), "--dry-run"],
                   capture_output=True, text=True, timeout=120)
    assert tree(root) == NEW_TREE


def test_commit_after_crash_recovers_first(root):
    """A change set planned before the recovery (impossible through the constructor,
    but a journal may appear later): commit recovers, then sees the files changed."""
    cs = ChangeSet(str(root))
    cs.update("README.md", lambda t: t + "more\n")
    crash(root, "rename:1")
    assert cs.commit() == ["README.md"]
    files, dirs = tree(root)
    assert files == dict(NEW, **{"README.md": b"untouched\nmore\n"})
    assert dirs == NEW_TREE[1]


KILL_DURING_RECOVERY = textwrap.dedent("""
    import os, sys
    from kustgen import changeset
    calls = [0]
    real = os.replace
    def replace(a, b):
        if calls[0] == int(sys.argv[2]):
            os._exit(86)
        calls[0] += 1
        return real(a, b)
    os.replace = replace
    changeset.recover(sys.argv[1])
""")


@pytest.mark.parametrize("after", [0, 1, 2])
def test_killed_during_recovery(root, after):
    crash(root, "rename:0")
    p = subprocess.run([sys.executable, "-c", KILL_DURING_RECOVERY, str(root), str(after)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 86, p.stderr
    assert (root / JOURNAL).exists()
    assert recover(str(root)).startswith("completed")
    assert tree(root) == NEW_TREE


def test_recovery_error_keeps_journal(root, monkeypatch):
    crash(root, "after-journal:0")
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")))
    from kustgen.model.errors import KustgenError
    with pytest.raises(KustgenError, match="interrupted commit.*permission denied"):
        recover(str(root))
    monkeypatch.setattr(os, "replace", real)
    assert (root / JOURNAL).exists()
    assert recover(str(root)).startswith("completed")
    assert tree(root) == NEW_TREE


def test_rollback_journal_restores_old_state(root):
    """A commit that failed in the middle of its renames and was killed while putting
    things back: the journal says 'rollback', recovery restores the old files."""
    crash(root, "rename:3")
    j = root / JOURNAL
    data = json.loads(j.read_text())
    data["state"] = "rollback"
    j.write_text(json.dumps(data))
    assert recover(str(root)).startswith("undid")
    assert tree(root) == OLD_TREE
    assert recover(str(root)) is None


def test_unreadable_journal(root):
    crash(root, "after-journal:0")
    (root / JOURNAL).write_text('{"state": "comm')
    msg = recover(str(root))
    assert msg.startswith("removed an unreadable commit journal")
    files, _ = tree(root)
    assert files == OLD   # temporaries and backups gone, files as they were
    assert recover(str(root)) is None


def test_leftover_journal_temp(root):
    (root / (JOURNAL + ".tmp")).write_text('{"sta')
    assert recover(str(root)).startswith("removed an unfinished journal write")
    assert tree(root) == OLD_TREE


def test_no_journal_is_noop(root, tmp_path):
    assert recover(str(root)) is None
    assert recover(str(tmp_path / "missing")) is None
    assert tree(root) == OLD_TREE


def test_journal_contents(root):
    crash(root, "after-journal:0")
    data = json.loads((root / JOURNAL).read_text())
    assert data["state"] == "commit"
    by_target = {e["target"]: e for e in data["entries"]}
    assert sorted(by_target) == sorted(set(OLD) ^ set(NEW) | {
        "kustgen.yaml", "base/kustomization.yaml", "base/b.yaml"})
    assert by_target["base/a.yaml"]["delete"] and by_target["base/a.yaml"]["temp"] is None
    assert data["deletes"] == ["base/a.yaml"]
    assert by_target["base/c.yaml"]["backup"] is None
    for e in data["entries"]:
        if e["temp"]:
            assert (root / e["temp"]).read_bytes() == NEW[e["target"]]
        if e["backup"]:
            assert (root / e["backup"]).read_bytes() == OLD[e["target"]]
    assert data["made_dirs"] == ["overlays", "overlays/prod"]
