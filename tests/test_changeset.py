"""kustgen.changeset: all-or-nothing multi-file edits."""

from __future__ import annotations

import os

import pytest

from kustgen.changeset import ChangeSet, Conflict
from kustgen.model.errors import KustgenError
from kustgen.yamlio.rewrite import append_to_list

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def snapshot(root) -> dict[str, bytes]:
    """Every file under root (temporaries and backups included) with its content."""
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as fh:
        fh.write(text)


def read(path):
    with open(path, newline="") as fh:
        return fh.read()


@pytest.fixture
def repo(tmp_path):
    write(str(tmp_path / "base" / "kustomization.yaml"),
          "# base\nresources:\n- a.yaml  # first\n")
    write(str(tmp_path / "base" / "a.yaml"), "kind: ConfigMap\n")
    return tmp_path


def test_create_update_delete(repo):
    cs = ChangeSet(str(repo))
    assert not cs
    cs.create("base/b.yaml", "kind: Secret\n")
    cs.update("base/kustomization.yaml",
              lambda t: append_to_list(t, ("resources",), "b.yaml"))
    cs.delete("base/a.yaml")
    cs.delete("base/absent.yaml")  # nothing to do
    assert cs
    assert cs.planned() == {
        "base/a.yaml": None,
        "base/b.yaml": "kind: Secret\n",
        "base/kustomization.yaml": "# base\nresources:\n- a.yaml  # first\n- b.yaml\n",
    }
    changed = cs.commit()
    assert changed == ["base/a.yaml", "base/b.yaml", "base/kustomization.yaml"]
    assert not (repo / "base" / "a.yaml").exists()
    assert read(str(repo / "base" / "b.yaml")) == "kind: Secret\n"
    assert read(str(repo / "base" / "kustomization.yaml")).endswith("- b.yaml\n")
    assert sorted(snapshot(repo)) == ["base/b.yaml", "base/kustomization.yaml"]
    assert not cs


def test_update_sees_earlier_plans_and_creates_folders(repo):
    cs = ChangeSet(str(repo))
    cs.create("overlays/dev/kustomization.yaml", "resources:\n- ../../base\n")
    cs.update("overlays/dev/kustomization.yaml",
              lambda t: append_to_list(t, ("resources",), "extra.yaml"))
    assert cs.planned() == {
        "overlays/dev/kustomization.yaml": "resources:\n- ../../base\n- extra.yaml\n"}
    assert cs.commit() == ["overlays/dev/kustomization.yaml"]
    assert read(str(repo / "overlays/dev/kustomization.yaml")).endswith("- extra.yaml\n")
    mode = os.stat(repo / "overlays/dev/kustomization.yaml").st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_identical_create_is_noop(repo):
    cs = ChangeSet(str(repo))
    cs.create("base/a.yaml", "kind: ConfigMap\n")
    assert not cs and cs.planned() == {} and cs.diff() == ""
    assert cs.commit() == []


def test_update_to_same_text_is_noop(repo):
    cs = ChangeSet(str(repo))
    cs.update("base/kustomization.yaml",
              lambda t: append_to_list(t, ("resources",), "a.yaml"))
    assert not cs


def test_conflict_without_force(repo):
    before = snapshot(repo)
    cs = ChangeSet(str(repo))
    with pytest.raises(Conflict, match="base/a.yaml") as ei:
        cs.create("base/a.yaml", "kind: Other\n")
    assert isinstance(ei.value, KustgenError)
    assert not cs
    cs.commit()
    assert snapshot(repo) == before


def test_force_overwrites_and_keeps_mode(repo):
    os.chmod(repo / "base" / "a.yaml", 0o640)
    cs = ChangeSet(str(repo))
    cs.create("base/a.yaml", "kind: Other\n", force=True)
    assert cs.commit() == ["base/a.yaml"]
    assert read(str(repo / "base" / "a.yaml")) == "kind: Other\n"
    assert os.stat(repo / "base" / "a.yaml").st_mode & 0o777 == 0o640


def test_update_missing_file_is_error(repo):
    cs = ChangeSet(str(repo))
    with pytest.raises(KustgenError, match="no such file"):
        cs.update("base/nope.yaml", lambda t: t + "x: 1\n")


def test_directory_as_target_is_error(repo):
    cs = ChangeSet(str(repo))
    with pytest.raises(KustgenError, match="cannot write base: is a directory"):
        cs.create("base", "x")


def test_diff(repo):
    cs = ChangeSet(str(repo))
    cs.update("base/kustomization.yaml",
              lambda t: append_to_list(t, ("resources",), "b.yaml"))
    cs.create("base/b.yaml", "kind: Secret\n")
    cs.delete("base/a.yaml")
    assert cs.diff() == (
        "--- a/base/a.yaml\n+++ b/base/a.yaml\n@@ -1 +0,0 @@\n-kind: ConfigMap\n"
        "--- a/base/b.yaml\n+++ b/base/b.yaml\n@@ -0,0 +1 @@\n+kind: Secret\n"
        "--- a/base/kustomization.yaml\n+++ b/base/kustomization.yaml\n"
        "@@ -1,3 +1,4 @@\n # base\n resources:\n - a.yaml  # first\n+- b.yaml\n")


def test_crlf_and_bytes_kept(repo):
    p = repo / "base" / "crlf.yaml"
    p.write_bytes(b"resources:\r\n- a.yaml\r\n")
    cs = ChangeSet(str(repo))
    cs.update("base/crlf.yaml", lambda t: append_to_list(t, ("resources",), "b.yaml"))
    cs.commit()
    assert p.read_bytes() == b"resources:\r\n- a.yaml\r\n- b.yaml\r\n"


def test_changed_on_disk_after_planning(repo):
    cs = ChangeSet(str(repo))
    cs.update("base/a.yaml", lambda t: t + "metadata: {}\n")
    write(str(repo / "base" / "a.yaml"), "kind: Changed\n")
    with pytest.raises(KustgenError, match="changed on disk"):
        cs.commit()
    assert read(str(repo / "base" / "a.yaml")) == "kind: Changed\n"


def _plan_three(repo) -> ChangeSet:
    cs = ChangeSet(str(repo))
    cs.update("base/kustomization.yaml",
              lambda t: append_to_list(t, ("resources",), "b.yaml"))
    cs.delete("base/a.yaml")
    cs.create("locked/new.yaml", "kind: New\n")
    cs.create("z/other.yaml", "kind: Z\n")
    return cs


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions "
                    "(test_failed_commit_target_is_directory covers this)")
def test_failed_commit_read_only_dir(repo):
    locked = repo / "locked"
    locked.mkdir()
    cs = _plan_three(repo)
    os.chmod(locked, 0o500)
    try:
        before = snapshot(repo)
        with pytest.raises(KustgenError) as ei:
            cs.commit()
        assert str(ei.value).startswith("cannot write locked/new.yaml: permission denied")
        assert snapshot(repo) == before
    finally:
        os.chmod(locked, 0o700)


def test_failed_commit_target_is_directory(repo):
    """Planned, then the target became a directory: the check before writing fails and
    nothing changes."""
    cs = _plan_three(repo)
    (repo / "locked" / "new.yaml").mkdir(parents=True)
    before = snapshot(repo)
    with pytest.raises(KustgenError, match="cannot write locked/new.yaml: is a directory"):
        cs.commit()
    assert snapshot(repo) == before
    assert not (repo / "z").exists()


def test_failed_rename_rolls_back(repo, monkeypatch):
    """A failure in the middle of the renames: files already replaced are restored,
    temporaries, backups and created folders removed."""
    cs = _plan_three(repo)
    before = snapshot(repo)
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst).endswith("other.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(KustgenError) as ei:
        cs.commit()
    monkeypatch.setattr(os, "replace", real_replace)
    assert str(ei.value) == ("cannot write z/other.yaml: permission denied; "
                             "nothing was changed")
    assert len(calls) >= 3  # kustomization.yaml and locked/new.yaml were replaced first
    assert snapshot(repo) == before
    assert sorted(os.listdir(repo)) == ["base"]


def test_failed_write_of_temporaries(repo, monkeypatch):
    cs = _plan_three(repo)
    before = snapshot(repo)
    import kustgen.changeset as mod

    def boom(e):
        if e.display == "z/other.yaml":
            raise OSError(28, "No space left on device")
        return real(e)

    real = mod.ChangeSet._write_temp
    monkeypatch.setattr(mod.ChangeSet, "_write_temp", staticmethod(boom))
    with pytest.raises(KustgenError, match="cannot write z/other.yaml: no space left"):
        cs.commit()
    assert snapshot(repo) == before
    assert sorted(os.listdir(repo)) == ["base"]


def test_parent_is_a_file(repo):
    cs = ChangeSet(str(repo))
    with pytest.raises(KustgenError, match="not a directory"):
        cs.create("base/a.yaml/x.yaml", "x")


def test_absolute_paths_and_same_file(repo):
    cs = ChangeSet(str(repo))
    cs.update(str(repo / "base" / "a.yaml"), lambda t: t + "a: 1\n")
    cs.update("base/../base/a.yaml", lambda t: t + "b: 2\n")
    assert cs.planned() == {"base/a.yaml": "kind: ConfigMap\na: 1\nb: 2\n"}


def test_failed_commit_unwritable_dir_simulated(repo, monkeypatch):
    """The permission check before writing, with os.access saying no (runs as root too)."""
    (repo / "locked").mkdir()
    cs = _plan_three(repo)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("locked")
                        else real_access(p, mode))
    before = snapshot(repo)
    with pytest.raises(KustgenError) as ei:
        cs.commit()
    assert str(ei.value) == "cannot write locked/new.yaml: permission denied"
    assert snapshot(repo) == before


def test_commit_leaves_no_journal_and_reports_no_recovery(repo):
    cs = ChangeSet(str(repo))
    assert cs.recovered is None
    cs.create("base/b.yaml", "kind: Secret\n")
    cs.commit()
    assert sorted(snapshot(repo)) == ["base/a.yaml", "base/b.yaml",
                                      "base/kustomization.yaml"]


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_recovery_waits_for_a_commit_under_way(repo):
    """A journal of a commit still running (the root is locked) is not touched until
    the lock is released."""
    import threading
    from kustgen import changeset as mod
    (repo / mod.JOURNAL).write_text('{"state": "prepare", "entries": [], '
                                    '"made_dirs": []}')
    result = []
    with mod._Lock(os.path.realpath(str(repo))):
        t = threading.Thread(target=lambda: result.append(mod.recover(str(repo))))
        t.start()
        t.join(0.3)
        assert t.is_alive() and (repo / mod.JOURNAL).exists()
    t.join(10)
    assert result and result[0].startswith("discarded")
    assert not (repo / mod.JOURNAL).exists()
