from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kustgen.model.origin import Origin


@dataclass(frozen=True)
class BuildEvent:
    """Something a build noticed that is not an error, kept for the lint rules
    (``BuildSession.events``). ``kind``: "patch-no-match" (a patch's target selected
    nothing), "replacement-no-match" (a replacement target selected nothing),
    "smp-list-replaced" (a strategic-merge patch replaced a whole list of a kind without a
    merge key). ``origin``: the kustomization entry or patch line; ``overlay``: the root of
    the build that noticed it; ``data``: details for the rule that reads it."""
    kind: str
    origin: Origin
    message: str
    overlay: str = ""
    data: Any = None
