"""All-or-nothing edits of several files (``kustgen init/add/env add``, ``promote``).

Changes are planned in memory (``create``/``update``/``delete``), can be shown as a
unified diff (``--dry-run``), and ``commit`` writes them all or none: every target is
checked first, new contents go to temporary files beside their targets, then everything
is renamed into place; a failure on the way puts back what was already replaced.

Crash safety (SIGKILL, power loss) comes from a write-ahead journal,
``<root>/.kustgen-commit.json``, always written atomically (temporary file, fsync,
``os.replace``, fsync of the folder):

1. journal ``prepare``: the temporaries, backups and folders about to be made;
2. every new content written to its temporary (fsync), every replaced or deleted file
   hard-linked to a backup;
3. journal ``commit``: from here on the new state is complete on disk;
4. the renames and deletions, then the folders are synced;
5. the backups removed, then the journal.

:func:`recover` (run by ``ChangeSet()`` and before every commit) finishes whatever a
killed process left: a ``commit`` journal is rolled forward (the remaining temporaries
renamed, deletions done), a ``prepare`` journal rolled back (temporaries and backups
removed: the files were not touched yet), a ``rollback`` journal (a failed commit killed
while putting things back) rolled back from the backups. Recovery is idempotent. A lock
(``flock`` on the root folder, where available) keeps a second process from recovering a
commit still under way.

Test hook: ``KUSTGEN_TEST_CRASH=<point>:<n>`` makes ``commit`` call ``os._exit(86)`` at
``before-journal`` (temporaries written, ``commit`` journal not yet), ``after-journal``
(no rename yet) or ``rename`` (after ``n`` renames/deletions; ``n`` at least their number:
after all of them, before the cleanup). ``n`` is ignored for the first two points.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from typing import Callable

from kustgen.model.errors import KustgenError

__all__ = ["ChangeSet", "Conflict", "recover", "JOURNAL"]

_TMP_SUFFIX = ".kustgen-tmp"
_BAK_SUFFIX = ".kustgen-bak"
JOURNAL = ".kustgen-commit.json"
_JOURNAL_TMP = JOURNAL + ".tmp"
_CRASH_ENV = "KUSTGEN_TEST_CRASH"
_CRASH_CODE = 86


class Conflict(KustgenError):
    """A file would be overwritten without ``force``."""


def _reason(err: OSError) -> str:
    """'permission denied', 'is a directory', ... from an OSError."""
    text = err.strerror or str(err) or type(err).__name__
    return text[:1].lower() + text[1:]


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class _Entry:
    __slots__ = ("display", "real", "original", "new", "temp", "backup")

    def __init__(self, display: str, real: str, original: str | None):
        self.display = display      # path relative to the root, with "/"
        self.real = real            # absolute path written (symlinks resolved)
        self.original = original    # content on disk when first planned (None: absent)
        self.new = original         # planned content (None: absent / deleted)
        self.temp: str | None = None    # during a commit: temporary with the new content
        self.backup: str | None = None  # during a commit: hard link of the old file


class ChangeSet:
    """Planned file changes under ``root``; paths are relative to it (or absolute)."""

    def __init__(self, root: str = "."):
        self.root = os.path.abspath(root)
        self._entries: dict[str, _Entry] = {}
        #: what :func:`recover` did for a commit a killed process left (None: nothing)
        self.recovered: str | None = recover(self.root)

    # -- planning ------------------------------------------------------------------------

    def _entry(self, path: str) -> _Entry:
        full = os.path.normpath(os.path.join(self.root, path))
        real = os.path.realpath(full)
        e = self._entries.get(real)
        if e is not None:
            return e
        display = os.path.relpath(full, self.root).replace(os.sep, "/")
        if os.path.isdir(real):
            raise KustgenError("cannot write %s: is a directory" % display)
        try:
            with open(real, "rb") as fh:
                original: str | None = _decode(fh.read())
        except FileNotFoundError:
            original = None
        except NotADirectoryError:
            raise KustgenError("cannot write %s: a parent is not a directory"
                               % display) from None
        except OSError as err:
            raise KustgenError("cannot read %s: %s" % (display, _reason(err))) from None
        e = _Entry(display, real, original)
        self._entries[real] = e
        return e

    def create(self, path: str, text: str, *, force: bool = False) -> None:
        """Plan a new file. Nothing to do when it exists with this content; Conflict when
        it exists with other content, unless ``force``."""
        e = self._entry(path)
        if e.new is None or e.new == text:
            e.new = text
            return
        if not force:
            raise Conflict("%s already exists with other content (use --force to "
                           "overwrite it)" % e.display)
        e.new = text

    def update(self, path: str, edit: Callable[[str], str]) -> None:
        """Plan ``edit(current text) -> new text``; the current text is the one planned
        earlier in this change set, else the file's. KustgenError when the file does not
        exist (use ``create``)."""
        e = self._entry(path)
        if e.new is None:
            raise KustgenError("cannot update %s: no such file" % e.display)
        new = edit(e.new)
        if not isinstance(new, str):
            raise TypeError("edit must return str, not %s" % type(new).__name__)
        e.new = new

    def delete(self, path: str) -> None:
        """Plan the removal of a file; nothing to do when it does not exist."""
        self._entry(path).new = None

    # -- looking -------------------------------------------------------------------------

    def _changes(self) -> list[_Entry]:
        return sorted((e for e in self._entries.values() if e.new != e.original),
                      key=lambda e: e.display)

    def planned(self) -> dict[str, str | None]:
        """Path (relative to the root) -> new text, None for a deletion; only files whose
        content really changes."""
        return {e.display: e.new for e in self._changes()}

    def planned_abs(self) -> dict[str, str | None]:
        """:meth:`planned` keyed by absolute path (what a LayeredFS takes)."""
        return {os.path.join(self.root, e.display): e.new for e in self._changes()}

    def diff(self) -> str:
        """Unified diffs of every change, paths relative to the root, sorted."""
        from kustgen.yamlio.rewrite import unified_diff
        return "".join(unified_diff(e.original or "", e.new or "", e.display)
                       for e in self._changes())

    def __bool__(self) -> bool:
        return bool(self._changes())

    # -- writing -------------------------------------------------------------------------

    def commit(self) -> list[str]:
        """Write every planned change or none; returns the changed paths (relative,
        sorted). KustgenError naming the path and the reason when something cannot be
        written; files are then as they were before. Crash-safe through the journal
        described in the module documentation."""
        changes = self._changes()
        if not changes:
            return []
        for e in changes:
            self._check(e)
        crash = _crash_plan()
        root_made: list[str] = []
        try:
            self._makedirs(self.root, root_made)
        except OSError as err:
            raise KustgenError("cannot write %s: %s" % (changes[0].display, _reason(err))) \
                from None
        real_root = os.path.realpath(self.root)
        with _Lock(real_root):
            if _recover_locked(real_root) is not None:
                for e in changes:   # the recovered commit may have touched these files
                    self._check(e)
            return self._commit_locked(changes, real_root, crash, root_made)

    def _commit_locked(self, changes: list[_Entry], real_root: str,
                       crash: tuple[str, int] | None, root_made: list[str]) -> list[str]:
        token = secrets.token_hex(8)
        planned_dirs: list[str] = []
        for e in changes:
            d, base = os.path.split(e.real)
            e.temp = e.backup = None
            if e.new is not None:
                e.temp = os.path.join(d, ".%s.%s%s" % (base, token, _TMP_SUFFIX))
                for m in _missing_dirs(d):
                    if m not in planned_dirs:
                        planned_dirs.append(m)
            if e.original is not None:
                e.backup = os.path.join(d, ".%s.%s%s" % (base, token, _BAK_SUFFIX))

        def rel(p: str | None) -> str | None:
            return None if p is None else os.path.relpath(p, real_root)

        journal = {
            "version": 1,
            "state": "prepare",
            "token": token,
            "made_dirs": [rel(m) for m in planned_dirs],
            "entries": [{"target": rel(e.real), "temp": rel(e.temp),
                         "backup": rel(e.backup), "delete": e.new is None}
                        for e in changes],
            "deletes": [rel(e.real) for e in changes if e.new is None],
        }
        state: str | None = None        # the journal's state on disk
        made_dirs: list[str] = []
        current: _Entry | None = None
        try:
            _write_journal(real_root, journal)
            state = "prepare"
            for e in changes:
                current = e
                if e.new is not None:
                    self._makedirs(os.path.dirname(e.real), made_dirs)
                    self._write_temp(e)
            for e in changes:
                current = e
                if e.backup is not None:
                    self._backup(e)
            current = None
            dirs = _dirs_of(changes, made_dirs)
            for d in dirs:
                _fsync_dir(d)
            _crash_at(crash, "before-journal")
            journal["state"] = "commit"
            _write_journal(real_root, journal)
            state = "commit"
            _crash_at(crash, "after-journal")
            for i, e in enumerate(changes):
                _crash_at(crash, "rename", i)
                current = e
                if e.new is None:
                    os.unlink(e.real)
                else:
                    os.replace(e.temp, e.real)
            current = None
            _crash_at(crash, "rename", len(changes), last=True)
            for d in dirs:
                _fsync_dir(d)
        except OSError as err:
            name = current.display if current is not None else changes[0].display
            msg = "cannot write %s: %s" % (name, _reason(err))
            kept = self._undo(real_root, journal, state, root_made)
            if kept:
                msg += (" (could not restore %s; backups kept: %s; kustgen retries on its "
                        "next run)" % (", ".join(sorted(kept)),
                                       ", ".join(sorted(kept.values()))))
            else:
                msg += "; nothing was changed"
            raise KustgenError(msg) from None
        # done: the new state is on disk. Backups first, then the journal: a crash in
        # between only makes the next run remove the journal.
        for e in changes:
            if e.backup is not None:
                _unlink_quiet(e.backup)
        _unlink_quiet(os.path.join(real_root, JOURNAL))
        _fsync_dir(real_root)
        for e in changes:
            e.temp = e.backup = None
        self._entries = {}
        return [e.display for e in changes]

    @staticmethod
    def _undo(real_root: str, journal: dict, state: str | None,
              root_made: list[str]) -> dict[str, str]:
        """Put things back after an error in commit; {path: backup} of files that could
        not be restored (the journal is then kept, for the next run to retry)."""
        kept: dict[str, str] = {}
        if state == "commit":
            journal["state"] = "rollback"
            try:
                _write_journal(real_root, journal)
            except OSError:
                pass
            kept = _roll_back(real_root, journal)
        else:
            _discard(real_root, journal)
        if not kept:
            _unlink_quiet(os.path.join(real_root, _JOURNAL_TMP))
            _unlink_quiet(os.path.join(real_root, JOURNAL))
            for d in reversed(root_made):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
        return kept

    def _check(self, e: _Entry) -> None:
        """Fail early, before anything is written: a directory in the way, a folder that
        cannot be created or written, a file changed on disk since it was planned."""
        def fail(reason: str):
            raise KustgenError("cannot write %s: %s" % (e.display, reason))

        if os.path.isdir(e.real):
            fail("is a directory")
        try:
            with open(e.real, "rb") as fh:
                now: str | None = _decode(fh.read())
        except (FileNotFoundError, NotADirectoryError):
            now = None
        except OSError as err:
            fail(_reason(err))
        if now != e.original:
            fail("it changed on disk since the change was planned")
        d = os.path.dirname(e.real)
        while not os.path.exists(d):
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        if not os.path.isdir(d):
            fail("%s is not a directory" % os.path.relpath(d, self.root).replace(os.sep, "/"))
        if not os.access(d, os.W_OK | os.X_OK):
            fail("permission denied")

    @staticmethod
    def _makedirs(d: str, made: list[str]) -> None:
        for m in _missing_dirs(d):
            os.mkdir(m)
            made.append(m)

    @staticmethod
    def _write_temp(e: _Entry) -> str:
        """Write e.new to e.temp (a new file) and sync it; returns e.temp."""
        tmp = e.temp
        assert tmp is not None and e.new is not None
        if e.original is not None:
            mode = stat.S_IMODE(os.stat(e.real).st_mode)
        else:
            mode = 0o666  # less the umask, as for any new file
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_encode(e.new))
                fh.flush()
                os.fsync(fh.fileno())
            if e.original is not None:
                os.chmod(tmp, mode)
        except BaseException:
            _unlink_quiet(tmp)
            raise
        return tmp

    @staticmethod
    def _backup(e: _Entry) -> str:
        """Hard-link the current file to e.backup (a copy where links are refused)."""
        bak = e.backup
        assert bak is not None
        try:
            os.link(e.real, bak)
        except FileExistsError:
            raise
        except OSError:
            import shutil
            shutil.copy2(e.real, bak)
            with open(bak, "rb") as fh:
                os.fsync(fh.fileno())
        return bak


# -- journal and recovery ----------------------------------------------------------------

def _unlink_quiet(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _missing_dirs(d: str) -> list[str]:
    """The folders to create, outermost first, for d to exist."""
    missing = []
    while not os.path.isdir(d):
        missing.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return list(reversed(missing))


def _dirs_of(changes: list[_Entry], made_dirs: list[str]) -> list[str]:
    """Folders whose entries change: those of the targets, and the parents of new ones."""
    out: list[str] = []
    for d in [os.path.dirname(e.real) for e in changes] + \
             [os.path.dirname(m) for m in made_dirs]:
        if d not in out:
            out.append(d)
    return out


def _fsync_dir(d: str) -> None:
    """Make renames/creations in folder d durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(d, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_journal(real_root: str, data: dict) -> None:
    """Atomically replace the journal with data, durably."""
    tmp = os.path.join(real_root, _JOURNAL_TMP)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, os.path.join(real_root, JOURNAL))
    except BaseException:
        _unlink_quiet(tmp)
        raise
    _fsync_dir(real_root)


class _Lock:
    """Exclusive flock on the root folder: one commit or recovery at a time per root.
    Released when the process dies. A no-op where flock is not available."""

    def __init__(self, real_root: str):
        self.root = real_root
        self.fd: int | None = None

    def __enter__(self) -> "_Lock":
        try:
            import fcntl
        except ImportError:
            return self
        try:
            self.fd = os.open(self.root, os.O_RDONLY)
        except OSError:
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            os.close(self.fd)
            self.fd = None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)   # releases the lock
            self.fd = None


def _crash_plan() -> tuple[str, int] | None:
    """Test hook: KUSTGEN_TEST_CRASH=<point>:<n> (see the module documentation)."""
    value = os.environ.get(_CRASH_ENV)
    if not value:
        return None
    point, _, n = value.partition(":")
    try:
        count = int(n) if n else 0
    except ValueError:
        count = 0
    return point.strip(), count


def _crash_at(plan: tuple[str, int] | None, point: str, done: int = 0,
              last: bool = False) -> None:
    if plan is None or plan[0] != point:
        return
    if point != "rename" or plan[1] == done or (last and plan[1] >= done):
        os._exit(_CRASH_CODE)


class _BadJournal(Exception):
    pass


def _load_journal(real_root: str) -> dict:
    try:
        with open(os.path.join(real_root, JOURNAL), encoding="utf-8") as fh:
            data = json.load(fh)
    except (ValueError, UnicodeDecodeError) as err:
        raise _BadJournal(str(err)) from None
    if not isinstance(data, dict) or data.get("state") not in ("prepare", "commit",
                                                                "rollback"):
        raise _BadJournal("unknown state")
    entries = data.get("entries")
    dirs = data.get("made_dirs", [])
    if not isinstance(entries, list) or not isinstance(dirs, list) or \
            not all(isinstance(d, str) for d in dirs):
        raise _BadJournal("no entries")
    for ent in entries:
        if not isinstance(ent, dict) or not isinstance(ent.get("target"), str) or \
                not all(ent.get(k) is None or isinstance(ent.get(k), str)
                        for k in ("temp", "backup")):
            raise _BadJournal("bad entry")
    return data


def _paths(real_root: str, ent: dict) -> tuple[str, str | None, str | None]:
    def ab(p):
        return None if p is None else os.path.normpath(os.path.join(real_root, p))
    return ab(ent["target"]), ab(ent.get("temp")), ab(ent.get("backup"))


def _same_file(a: str, b: str) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
        import filecmp
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _roll_forward(real_root: str, data: dict) -> None:
    """The new state was complete on disk: finish the renames and deletions."""
    dirs: list[str] = []
    for ent in data["entries"]:
        target, temp, backup = _paths(real_root, ent)
        if ent.get("delete"):
            # deleted already unless it is still the file backed up (a file recreated
            # since by someone else is left alone)
            if os.path.lexists(target) and backup is not None and \
                    os.path.lexists(backup) and _same_file(target, backup):
                os.unlink(target)
        elif temp is not None and os.path.lexists(temp):
            os.replace(temp, target)
        d = os.path.dirname(target)
        if d not in dirs:
            dirs.append(d)
    for d in dirs:
        _fsync_dir(d)
    for ent in data["entries"]:
        backup = _paths(real_root, ent)[2]
        if backup is not None and os.path.lexists(backup):
            os.unlink(backup)


def _discard(real_root: str, data: dict) -> None:
    """Nothing was renamed yet: remove the temporaries, backups and new folders."""
    for ent in data["entries"]:
        _, temp, backup = _paths(real_root, ent)
        for p in (temp, backup):
            if p is not None and os.path.lexists(p):
                os.unlink(p)
    _remove_made_dirs(real_root, data)


def _remove_made_dirs(real_root: str, data: dict) -> None:
    for m in reversed(data.get("made_dirs", [])):
        try:
            os.rmdir(os.path.normpath(os.path.join(real_root, m)))
        except OSError:
            pass


def _roll_back(real_root: str, data: dict) -> dict[str, str]:
    """Put the old files back from the backups; {path: backup} of the ones that could
    not be restored."""
    kept: dict[str, str] = {}
    for ent in reversed(data["entries"]):
        target, temp, backup = _paths(real_root, ent)
        try:
            if temp is not None and os.path.lexists(temp):
                os.unlink(temp)
            if backup is None:
                if os.path.lexists(target):
                    os.unlink(target)       # a new file: it did not exist before
            elif os.path.lexists(backup):
                os.replace(backup, target)
                if os.path.lexists(backup):  # rename between links of one file: no-op
                    os.unlink(backup)
        except OSError:
            if backup is not None:
                kept[os.path.relpath(target, real_root).replace(os.sep, "/")] = \
                    os.path.relpath(backup, real_root).replace(os.sep, "/")
    for d in {os.path.dirname(_paths(real_root, ent)[0]) for ent in data["entries"]}:
        _fsync_dir(d)
    _remove_made_dirs(real_root, data)
    return kept


def _recover_corrupt(real_root: str) -> str:
    """An unreadable journal: remove the temporaries anywhere under the root and the
    backups still linked to their file; keep the files as they are."""
    removed, kept = 0, []
    for d, subdirs, files in os.walk(real_root):
        subdirs[:] = [s for s in subdirs if s != ".git"]
        for f in files:
            p = os.path.join(d, f)
            if f.endswith(_TMP_SUFFIX):
                _unlink_quiet(p)
                removed += 1
            elif f.endswith(_BAK_SUFFIX) and f.startswith("."):
                base = f[1:-len(_BAK_SUFFIX)].rpartition(".")[0]
                target = os.path.join(d, base)
                if base and os.path.lexists(target) and _same_file(target, p):
                    _unlink_quiet(p)
                else:
                    kept.append(os.path.relpath(p, real_root).replace(os.sep, "/"))
    os.unlink(os.path.join(real_root, JOURNAL))
    msg = ("removed an unreadable commit journal (%s) and %d temporary file(s); files "
           "left as they were" % (JOURNAL, removed))
    if kept:
        msg += "; backups kept: %s" % ", ".join(sorted(kept))
    return msg


def _recover_locked(real_root: str) -> str | None:
    """recover() with the lock held."""
    journal = os.path.join(real_root, JOURNAL)
    leftover = os.path.join(real_root, _JOURNAL_TMP)
    had_tmp = os.path.lexists(leftover)
    if had_tmp:
        os.unlink(leftover)    # a journal write killed before its rename
    if not os.path.lexists(journal):
        return "removed an unfinished journal write (%s)" % _JOURNAL_TMP if had_tmp else None
    try:
        data = _load_journal(real_root)
    except _BadJournal:
        return _recover_corrupt(real_root)
    targets = sorted(os.path.relpath(_paths(real_root, ent)[0], real_root)
                     .replace(os.sep, "/") for ent in data["entries"])
    state = data["state"]
    if state == "commit":
        _roll_forward(real_root, data)
        msg = "completed an interrupted commit: %s" % ", ".join(targets)
    elif state == "prepare":
        _discard(real_root, data)
        msg = "discarded an interrupted commit (no file had been changed): %s" % \
            ", ".join(targets)
    else:
        kept = _roll_back(real_root, data)
        if kept:
            raise OSError("could not restore %s" % ", ".join(sorted(kept)))
        msg = "undid an interrupted, failed commit: %s" % ", ".join(targets)
    os.unlink(journal)
    _fsync_dir(real_root)
    return msg


def recover(root: str = ".") -> str | None:
    """Finish a commit a killed process left under ``root`` (see the module
    documentation); returns what was done, None when there was nothing to do.
    Idempotent. KustgenError when the files cannot be put right (the journal is then
    kept for a retry)."""
    real_root = os.path.realpath(os.path.abspath(root))
    if not (os.path.lexists(os.path.join(real_root, JOURNAL)) or
            os.path.lexists(os.path.join(real_root, _JOURNAL_TMP))):
        return None
    with _Lock(real_root):
        try:
            return _recover_locked(real_root)
        except OSError as err:
            raise KustgenError("cannot complete the interrupted commit recorded in %s: %s"
                               % (os.path.join(root, JOURNAL), _reason(err))) from None
