"""Argo CD manifests of a team repository: the AppProject, one Application per environment
overlay, and the app-of-apps that syncs those Applications.

Pure functions: they return plain data (dicts with keys in the order a person writes
them), never touch files. Every result validates against the Argo CD CRDs.
"""

from __future__ import annotations

import re

from kustgen.model.errors import ConfigError

__all__ = ["ARGOCD_NAMESPACE", "IN_CLUSTER", "RESOURCES_FINALIZER", "CROSSPLANE_SYNC_OPTIONS",
           "app_project", "application", "app_of_apps"]

ARGOCD_NAMESPACE = "argocd"
IN_CLUSTER = "https://kubernetes.default.svc"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"

# Sync options for overlays of Crossplane resources:
# - SkipDryRunOnMissingResource: a Provider installs the CRDs of its managed resources (and
#   an XRD those of its XR and claim) during the same sync that applies the resources, so
#   the dry run would fail on "no matches for kind"; skip it for kinds not known yet.
# - ServerSideApply: Compositions and XRDs easily outgrow the 256 KiB last-applied
#   annotation of client-side apply, and fields Crossplane late-initializes stay owned by
#   the provider instead of showing as drift.
# - CreateNamespace: the destination namespace (crossplane-system, a team namespace) may
#   not exist yet on a fresh cluster.
CROSSPLANE_SYNC_OPTIONS = ("CreateNamespace=true", "SkipDryRunOnMissingResource=true",
                           "ServerSideApply=true")

# Retries with backoff: resources whose CRDs are still being installed by a Provider fail
# their first apply and succeed a little later.
_RETRY = {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}}

_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(r"^%s(\.%s)*$" % (_DNS_LABEL, _DNS_LABEL))


def check_name(value: str, what: str) -> str:
    """``value`` when it is a valid object name (DNS-1123 subdomain), else ConfigError."""
    if not isinstance(value, str) or not value:
        raise ConfigError("%s must be a non-empty string" % what)
    if len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise ConfigError("%s %r is not a valid Kubernetes name (lower-case letters, digits, "
                          "'-' and '.', starting and ending with a letter or digit)"
                          % (what, value))
    return value


def _check_nonempty(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("%s must be a non-empty string" % what)
    return value


def app_project(name: str, repo_url: str, destinations: list[tuple[str, str]], *,
                description: str = "", cluster_resources: bool = True) -> dict:
    """An Argo CD ``AppProject`` that may deploy from ``repo_url`` to ``destinations``
    (``(server, namespace)`` pairs).

    ``cluster_resources``: allow every cluster-scoped kind (``clusterResourceWhitelist``
    ``*/*``): Crossplane managed resources, XRDs, Compositions, Providers and
    ProviderConfigs are cluster-scoped, and Argo CD denies cluster-scoped kinds a project
    does not list. Namespaced kinds are all allowed (no namespace whitelist).
    """
    check_name(name, "AppProject name")
    _check_nonempty(repo_url, "repository URL")
    dests = []
    for d in destinations:
        try:
            server, namespace = d
        except (TypeError, ValueError):
            raise ConfigError("AppProject destination %r is not a (server, namespace) pair"
                              % (d,)) from None
        _check_nonempty(server, "destination server")
        _check_nonempty(namespace, "destination namespace")   # "*" allowed
        dests.append({"server": server, "namespace": namespace})
    if not dests:
        raise ConfigError("AppProject %s needs at least one destination" % name)
    spec: dict = {}
    if description:
        spec["description"] = description
    spec["sourceRepos"] = [repo_url]
    spec["destinations"] = dests
    if cluster_resources:
        spec["clusterResourceWhitelist"] = [{"group": "*", "kind": "*"}]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": name, "namespace": ARGOCD_NAMESPACE},
        "spec": spec,
    }


def application(name: str, *, repo_url: str, path: str, project: str,
                target_revision: str = "HEAD", dest_server: str = IN_CLUSTER,
                dest_namespace: str = "crossplane-system", automated: bool = True,
                prune: bool = False, self_heal: bool = True,
                labels: dict | None = None, finalizer: bool = True,
                allow_empty_guard: bool = False) -> dict:
    """An Argo CD ``Application`` syncing the overlay at ``path`` of ``repo_url``.

    It carries the resources finalizer unless ``finalizer`` is False (deleting the
    Application deletes what it deployed, so Crossplane deletes the cloud resources unless
    their deletionPolicy is Orphan). ``allow_empty_guard``: write ``allowEmpty: false``
    explicitly into the automated policy.
    ``automated``: sync on every change (``prune``/``self_heal`` as given); False leaves
    ``syncPolicy.automated`` out: syncs are started by hand (prod).
    """
    check_name(name, "Application name")
    check_name(project, "project name")
    _check_nonempty(repo_url, "repository URL")
    _check_nonempty(path, "application path")
    _check_nonempty(target_revision, "target revision")
    _check_nonempty(dest_server, "destination server")
    metadata: dict = {"name": name, "namespace": ARGOCD_NAMESPACE}
    if labels:
        metadata["labels"] = {str(k): str(v) for k, v in labels.items()}
    if finalizer:
        metadata["finalizers"] = [RESOURCES_FINALIZER]
    sync: dict = {}
    if automated:
        sync["automated"] = {"prune": bool(prune), "selfHeal": bool(self_heal)}
        if allow_empty_guard:
            # never prune everything because a render came out empty
            sync["automated"]["allowEmpty"] = False
    sync["syncOptions"] = list(CROSSPLANE_SYNC_OPTIONS)
    sync["retry"] = {"limit": _RETRY["limit"], "backoff": dict(_RETRY["backoff"])}
    destination = {"server": dest_server}
    if dest_namespace:
        destination["namespace"] = dest_namespace
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": metadata,
        "spec": {
            "project": project,
            "source": {"repoURL": repo_url, "targetRevision": target_revision, "path": path},
            "destination": destination,
            "syncPolicy": sync,
        },
    }


def app_of_apps(name: str, *, repo_url: str, path: str, project: str,
                target_revision: str = "HEAD") -> dict:
    """The root ``Application`` syncing the folder of per-environment Applications into
    the ``argocd`` namespace of this cluster.

    Automated with self-heal, but without prune and without the resources finalizer: an
    environment's Application (and with it the cloud resources) is never deleted because a
    file went missing or the root Application was removed; delete it explicitly.
    """
    check_name(name, "Application name")
    check_name(project, "project name")
    _check_nonempty(repo_url, "repository URL")
    _check_nonempty(path, "application path")
    _check_nonempty(target_revision, "target revision")
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": ARGOCD_NAMESPACE},
        "spec": {
            "project": project,
            "source": {"repoURL": repo_url, "targetRevision": target_revision, "path": path},
            "destination": {"server": IN_CLUSTER, "namespace": ARGOCD_NAMESPACE},
            "syncPolicy": {
                "automated": {"prune": False, "selfHeal": True},
                "retry": {"limit": _RETRY["limit"], "backoff": dict(_RETRY["backoff"])},
            },
        },
    }
