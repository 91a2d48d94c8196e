"""All-or-nothing edits of several files (``kustgen init/add/env add``, ``promote``).

Changes are planned in memory (``create``/``update``/``delete``), can be shown as a
unified diff (``--dry-run``), and ``commit`` writes them all or none: every target is
checked first, new contents go to temporary files beside their targets, then everything
is renamed into place; a failure on the way puts back what was already replaced.
"""

from __future__ import annotations

import os
import stat
from typing import Callable

from kustgen.model.errors import KustgenError

__all__ = ["ChangeSet", "Conflict"]

_TMP_SUFFIX = ".kustgen-tmp"
_BAK_SUFFIX = ".kustgen-bak"


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
    __slots__ = ("display", "real", "original", "new")

    def __init__(self, display: str, real: str, original: str | None):
        self.display = display      # path relative to the root, with "/"
        self.real = real            # absolute path written (symlinks resolved)
        self.original = original    # content on disk when first planned (None: absent)
        self.new = original         # planned content (None: absent / deleted)


class ChangeSet:
    """Planned file changes under ``root``; paths are relative to it (or absolute)."""

    def __init__(self, root: str = "."):
        self.root = os.path.abspath(root)
        self._entries: dict[str, _Entry] = {}

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
        written; files are then as they were before."""
        changes = self._changes()
        if not changes:
            return []
        for e in changes:
            self._check(e)

        made_dirs: list[str] = []
        temps: dict[str, str] = {}      # real -> temp file with the new content
        backups: dict[str, str] = {}    # real -> backup of the replaced/deleted file
        done: list[_Entry] = []
        current: _Entry | None = None
        try:
            for e in changes:
                current = e
                if e.new is not None:
                    self._makedirs(os.path.dirname(e.real), made_dirs)
                    temps[e.real] = self._write_temp(e)
            for e in changes:
                current = e
                if e.original is not None:
                    backups[e.real] = self._backup(e)
                if e.new is None:
                    os.unlink(e.real)
                else:
                    os.replace(temps[e.real], e.real)
                    del temps[e.real]
                done.append(e)
        except OSError as err:
            kept = self._rollback(done, temps, backups, made_dirs)
            name = current.display if current is not None else "?"
            msg = "cannot write %s: %s" % (name, _reason(err))
            if kept:
                msg += " (could not restore %s; backups kept: %s)" % (
                    ", ".join(sorted(kept)), ", ".join(sorted(kept.values())))
            else:
                msg += "; nothing was changed"
            raise KustgenError(msg) from None
        for bak in backups.values():
            try:
                os.unlink(bak)
            except OSError:
                pass
        self._entries = {}
        return [e.display for e in changes]

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
        missing = []
        while not os.path.isdir(d):
            missing.append(d)
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        for m in reversed(missing):
            os.mkdir(m)
            made.append(m)

    @staticmethod
    def _write_temp(e: _Entry) -> str:
        d, base = os.path.split(e.real)
        if e.original is not None:
            mode = stat.S_IMODE(os.stat(e.real).st_mode)
        else:
            mode = 0o666  # less the umask, as for any new file
        for n in range(100):
            tmp = os.path.join(d, ".%s.%d.%d%s" % (base, os.getpid(), n, _TMP_SUFFIX))
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            except FileExistsError:
                continue
            break
        else:
            raise FileExistsError(tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_encode(e.new))
            if e.original is not None:
                os.chmod(tmp, mode)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return tmp

    @staticmethod
    def _backup(e: _Entry) -> str:
        d, base = os.path.split(e.real)
        for n in range(100):
            bak = os.path.join(d, ".%s.%d.%d%s" % (base, os.getpid(), n, _BAK_SUFFIX))
            if os.path.lexists(bak):
                continue
            try:
                os.link(e.real, bak)
            except FileExistsError:
                continue
            except OSError:
                import shutil
                shutil.copy2(e.real, bak)
            return bak
        raise FileExistsError(bak)

    @staticmethod
    def _rollback(done: list[_Entry], temps: dict[str, str], backups: dict[str, str],
                  made_dirs: list[str]) -> dict[str, str]:
        """Undo the renames done so far; returns {path: backup} of files that could not
        be restored (their backups are kept)."""
        kept: dict[str, str] = {}
        for tmp in temps.values():
            try:
                os.unlink(tmp)
            except OSError:
                pass
        done_reals = {e.real for e in done}
        for e in reversed(done):
            try:
                if e.original is None:
                    os.unlink(e.real)
                else:
                    os.replace(backups[e.real], e.real)
            except OSError:
                if e.real in backups:
                    kept[e.display] = backups[e.real]
        # backups of files not renamed yet (the one that failed): the file is intact
        for real, bak in backups.items():
            if real not in done_reals:
                try:
                    os.unlink(bak)
                except OSError:
                    pass
        for d in reversed(made_dirs):
            try:
                os.rmdir(d)
            except OSError:
                pass
        return kept
