"""One error tree. The CLI maps every KustgenError to exit code 2 with a one-line message."""

from __future__ import annotations


class KustgenError(Exception):
    """Base of every error kustgen reports to a user.

    ``file``/``line``/``column`` locate the problem when known; ``str(err)`` is the
    one-line message a user sees (``file:line:col: message``).
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def where(self) -> str:
        if not self.file:
            return ""
        s = self.file
        if self.line:
            s += ":%d" % self.line
            if self.column:
                s += ":%d" % self.column
        return s

    def __str__(self) -> str:
        w = self.where()
        return "%s: %s" % (w, self.message) if w else self.message


class YamlError(KustgenError):
    """A file is not valid YAML (syntax, duplicate key, bad encoding, alias bomb)."""


class LoadError(KustgenError):
    """A file or directory cannot be loaded (missing, outside the root, cycle, ...)."""


class RenderError(KustgenError):
    """The kustomization is well-formed YAML but cannot be rendered."""


class UnsupportedFeature(RenderError):
    """A Kustomize feature the embedded engine does not implement (helm, plugins, remote)."""

    def __init__(self, feature: str, message: str, file: str | None = None,
                 line: int | None = None):
        super().__init__(message, file, line)
        self.feature = feature


class ConfigError(KustgenError):
    """kustgen.yaml or the command line is wrong."""


class GitError(KustgenError):
    """A git operation kustgen runs (e.g. ``kustgen revert``) is refused or fails."""
