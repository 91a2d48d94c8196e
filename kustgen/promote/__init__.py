"""`kustgen promote A B`: make B's overlay carry what A's has, except what is
environment-specific (kustgen.envspec), as one verified, all-or-nothing change.

    from kustgen.promote import plan_promotion
    p = plan_promotion(cfg, "staging", "prod")
    if not p.refused:
        p.changeset.commit()
"""

from kustgen.promote.merge import sync
from kustgen.promote.plan import (MARKER, Change, Promotion, ResourceFilter,
                                  next_environment, plan_promotion, render_changes)

__all__ = ["sync", "plan_promotion", "next_environment", "Promotion", "Change",
           "ResourceFilter", "render_changes", "MARKER"]
