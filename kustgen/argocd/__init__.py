"""Argo CD: check that Applications and ApplicationSets point at paths that exist."""

from kustgen.argocd.check import (  # noqa: F401
    APP_RULES,
    AppsResult,
    check_apps,
    normalize_url,
)

__all__ = ["APP_RULES", "AppsResult", "check_apps", "normalize_url"]
