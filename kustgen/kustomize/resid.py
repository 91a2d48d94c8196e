"""Kustomize's identity rules: cluster scope, namespace equality, selectors."""

from __future__ import annotations

import re
from functools import lru_cache

from kustgen.model import Gvk, ResId

# Built-in kinds that are cluster-scoped (Kustomize asks its embedded Kubernetes OpenAPI).
CLUSTER_SCOPED_KINDS = frozenset("""
APIService CertificateSigningRequest ClusterRole ClusterRoleBinding ComponentStatus CSIDriver
CSINode CustomResourceDefinition FlowSchema IngressClass MutatingWebhookConfiguration Namespace
Node PersistentVolume PodSecurityPolicy PriorityClass PriorityLevelConfiguration RuntimeClass
SelfSubjectAccessReview SelfSubjectRulesReview StorageClass SubjectAccessReview TokenReview
ValidatingWebhookConfiguration VolumeAttachment
""".split())


def is_cluster_scoped(gvk: Gvk) -> bool:
    return gvk.kind in CLUSTER_SCOPED_KINDS


def is_ns_equal(a: str, b: str) -> bool:
    return (a or "default") == (b or "default")


def id_equals(a: ResId, b: ResId) -> bool:
    return a.gvk == b.gvk and a.name == b.name and (
        is_cluster_scoped(a.gvk) or is_ns_equal(a.namespace, b.namespace))


def effective_namespace(rid: ResId) -> str:
    if is_cluster_scoped(rid.gvk):
        return "_non_namespaceable_"
    return rid.namespace or "default"


def gvk_selected(gvk: Gvk, group: str = "", version: str = "", kind: str = "") -> bool:
    """A field spec / selector with blank parts matches anything in those parts."""
    if kind and kind != gvk.kind:
        return False
    if group and group != gvk.group:
        return False
    if version and version != gvk.version:
        return False
    return True


@lru_cache(maxsize=1024)
def anchored(pattern: str) -> re.Pattern:
    """A selector pattern (Go RE2 syntax; Python's re agrees on what selectors use),
    anchored at both ends as Kustomize does; an invalid pattern matches literally."""
    try:
        return re.compile("^(?:%s)$" % pattern)
    except re.error:
        return re.compile("^%s$" % re.escape(pattern))


def id_key(rid: ResId) -> tuple:
    """A hashable key under which ids that Kustomize considers equal collide."""
    if is_cluster_scoped(rid.gvk):
        return (rid.gvk, rid.name, "")
    return (rid.gvk, rid.name, rid.namespace or "default")
