"""Output order: Kustomize's legacy kind order (default), as-listed (`--reorder none`,
`sortOptions.order: fifo`), or a legacy order with custom first/last kinds."""

from __future__ import annotations

from kustgen.model import RenderError, Resource

ORDER_FIRST = (
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
    "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget",
)
ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")


def _ranks(first, last) -> dict[str, int]:
    m = {}
    for i, k in enumerate(first):
        m[k] = -len(first) + i
    for i, k in enumerate(last):
        m[k] = 1 + i
    return m


def _gvk_str(g: str, v: str, k: str) -> str:
    return "%s_%s_%s" % (g or "~G", v or "~V", k or "~K")


def legacy_sort(resources: list[Resource], first=ORDER_FIRST, last=ORDER_LAST) -> list[Resource]:
    ranks = _ranks(first, last)

    def key(r: Resource):
        gvk = r.gvk
        gs = _gvk_str(gvk.group, gvk.version, gvk.kind)
        ns = r.namespace or "~X"
        nm = r.name or "~N"
        return (ranks.get(gvk.kind, 0), gs, "%s|%s|%s" % (gs, ns, nm))

    return sorted(resources, key=key)


def sort_resources(resources: list[Resource], reorder: str, sort_options, where: str):
    """reorder: 'legacy' | 'none' (from the command line)."""
    # sortOptions in the kustomization win over the command line, as in Kustomize.
    if not sort_options:
        return resources if reorder == "none" else legacy_sort(resources)
    if not isinstance(sort_options, dict):
        raise RenderError("sortOptions must be a map", where)
    order = sort_options.get("order")
    if order == "fifo":
        if sort_options.get("legacySortOptions"):
            raise RenderError("the field 'sortOptions.legacySortOptions' is set but the "
                              "specified sort order is 'fifo', not 'legacy'", where)
        return resources
    if order != "legacy":
        raise RenderError("the field 'sortOptions.order' must be one of [fifo, legacy]", where)
    lso = sort_options.get("legacySortOptions") or {}
    first = tuple(lso.get("orderFirst") or ()) if lso else ORDER_FIRST
    last = tuple(lso.get("orderLast") or ()) if lso else ORDER_LAST
    return legacy_sort(resources, first, last)
