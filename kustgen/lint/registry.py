"""The explicit list of lint rules: one module per rule under ``kustgen/lint/rules/``, each
defining ``RULE`` (a :class:`~kustgen.lint.rule.Rule` subclass). Add a rule by writing
its module and naming it here; a test checks that every module is listed, that ids and
names are unique, and that every rule's examples behave as documented."""

from __future__ import annotations

import importlib

_LINT = (
    "kg001_suppression",
    "kg002_unused_suppression",
)

_KUSTOMIZE = (
    "kg101_deprecated_fields",
    "kg102_patch_target_not_found",
    "kg103_unreferenced_file",
    "kg104_build_failure",
    "kg105_smp_list_replaced",
    "kg106_duplicate_across_components",
)

_CROSSPLANE = (
    "kg201_missing_provider_config_ref",
    "kg202_deletion_policy_delete",
    "kg203_multiple_regions",
    "kg204_imported_without_external_name",
    "kg205_composition_patch_path",
    "kg206_composition_without_xrd",
    "kg207_claim_xrd_not_served",
    "kg208_deprecated_crossplane_api",
)

_ARGOCD = (
    "kg301_floating_target_revision",
    "kg302_prune_without_guard",
    "kg303_missing_resources_finalizer",
    "kg304_default_project",
)

_GENERAL = (
    "kg401_invalid_k8s_name",
    "kg402_secret_literal",
)

MODULES = _LINT + _KUSTOMIZE + _CROSSPLANE + _ARGOCD + _GENERAL


def all_rules() -> list:
    """Every rule class, in id order."""
    out = []
    for m in MODULES:
        out.append(importlib.import_module("kustgen.lint.rules." + m).RULE)
    return sorted(out, key=lambda r: r.id)


def descriptions() -> dict:
    """{rule id: "name: summary"}: how reports (SARIF's rule list) describe the rules."""
    return {r.id: "%s: %s" % (r.name, r.summary) for r in all_rules()}


def find(key: str):
    """A rule by id (KG101, case-insensitive) or name; None when there is none."""
    k = key.strip().lower()
    for r in all_rules():
        if r.id.lower() == k or r.name.lower() == k:
            return r
    return None


def closest(key: str) -> str | None:
    import difflib
    names = [r.id for r in all_rules()] + [r.name for r in all_rules()]
    m = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return m[0] if m else None
