"""What a lint rule is: metadata, documentation with examples, and a check.

A rule is a class with its metadata as class attributes and one method,
``check(ctx, opts)``, a generator of :class:`Hit`. It gets a prepared
:class:`~kustgen.lint.context.LintContext` (rendered overlays with provenance, source
documents, the kustomization graph, build events, the schema registry): it never renders
or reads files itself. The engine turns hits into findings (rule id, severity for the
environment, location), drops those the configuration excludes and applies suppressions.

Documentation lives beside the code: ``summary`` (one line), ``doc`` (markdown: what goes
wrong and what to do) and two example file trees, ``bad`` (the rule fires) and ``good``
(it does not). A test lints both trees for every rule, and ``kustgen explain`` prints
them, so the documentation cannot drift from what the rule does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

from kustgen.model import Origin, Resource, Severity

CATEGORIES = ("kustomize", "crossplane", "argocd", "general", "lint")

# which environments a rule applies to by default
ALL = "all"                   # every overlay, and plain manifests
PROTECTED = "protected"       # overlays of environments marked protected (prod by default)
UNPROTECTED = "unprotected"   # every other overlay and plain manifests


@dataclass
class Hit:
    """One problem a rule found.

    ``origin``: the file:line to edit; when None, the engine locates ``path`` (a field path
    tuple) in ``resource`` through its provenance (a patch that set the field, else the
    resource's source document). ``overlay``: the overlay the resource was rendered in
    ("" for plain manifests and repository-wide findings). ``environment``: the
    environment the problem concerns when it is not the overlay's own (an Argo CD
    Application deploying prod from a shared folder)."""

    message: str
    origin: Origin | None = None
    resource: Resource | None = None
    path: tuple = ()
    overlay: str = ""
    environment: str | None = None


@dataclass(frozen=True)
class Option:
    default: Any
    help: str


class Rule:
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    environments: ClassVar[str] = ALL
    options: ClassVar[dict[str, Option]] = {}
    doc: ClassVar[str] = ""
    bad: ClassVar[dict[str, str]] = {}
    good: ClassVar[dict[str, str]] = {}
    # run after every other rule (a rule about the other rules' findings)
    runs_last: ClassVar[bool] = False

    def check(self, ctx, opts: dict) -> Iterable[Hit]:   # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def describe(cls) -> dict:
        """The rule's metadata as JSON-able data (for `kustgen rules --format json`)."""
        return {
            "id": cls.id, "name": cls.name, "category": cls.category,
            "severity": str(cls.severity), "environments": cls.environments,
            "summary": cls.summary,
            "options": {k: {"default": o.default, "help": o.help}
                        for k, o in cls.options.items()},
        }
