"""Kustomize v5.5.0's default transformer configuration ("field specs"), as data,
and the rules Kustomize uses to parse, merge and order these configurations.

Source of the data: the constants in `api/internal/konfig/builtinpluginconsts/*.go`
of kubernetes-sigs/kustomize at kustomize/v5.5.0 (as embedded in kubectl v1.32,
Kustomize v5.5.0). Each list below keeps the upstream order, including upstream's
duplicates and oddities (e.g. the Secret referrer `spec/tls/secretName` of Ingress
listed twice; IngressClass declared with group `networking.k8s.io/v1`).

Paths are kept exactly as upstream spells them: slash separated, `[]` marks a
sequence (`spec/containers[]/image`) and `\\/` escapes a slash inside a key
(`metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret`).

Ordering facts (builtinconfig.TransformerConfig):
  * Every parse of a config (the defaults too) and every `Merge` ends with
    `sortFields()`: each field-spec list and the nameReference list are sorted with
    Go's `sort.Sort` (pdqsort, *not* stable) by `Gvk.IsLessThan`. The referrers inside
    one nameReference entry are never sorted. `go_sort` below reproduces Go's
    algorithm exactly, so ties (same group/version/kind) come out in Go's order.
  * Merge of lists (`FsSlice.MergeAll`): the existing list, then each incoming spec
    not already present. "Already present" = an existing spec with the same path
    that is *selected by* the incoming spec's gvk (blank incoming group/version/kind
    are wildcards). If present with a different `create`, the merge fails with
    "conflicting fieldspecs".
  * Merge of nameReference (`nbrSlice.mergeAll`): an incoming entry whose gvk is
    exactly equal (group, version and kind) to an existing one has its referrers
    merged into it (same rule as above); otherwise the entry is appended whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields as dc_fields, replace
from typing import Any, Callable, Iterable, Mapping, Sequence


class FieldSpecError(ValueError):
    """A configuration could not be read or merged (messages follow Kustomize's)."""


@dataclass(frozen=True)
class FieldSpec:
    path: str
    group: str = ""
    version: str = ""
    kind: str = ""
    create: bool = False

    def selected_by(self, group: str = "", version: str = "", kind: str = "") -> bool:
        """Gvk.IsSelected: blank selector parts match anything."""
        return ((not group or group == self.group)
                and (not version or version == self.version)
                and (not kind or kind == self.kind))

    def effectively_equals(self, other: "FieldSpec") -> bool:
        """FieldSpec.effectivelyEquals: same path and self selected by other's gvk."""
        return self.path == other.path and self.selected_by(other.group, other.version, other.kind)

    def __str__(self) -> str:  # FieldSpec.String(): Kind.version.group:create:path
        return "%s:%s:%s" % (gvk_string(self.group, self.version, self.kind),
                             "true" if self.create else "false", self.path)


@dataclass(frozen=True)
class NameBackRef:
    """One nameReference entry: the referred-to gvk and where it is referenced."""
    group: str
    version: str
    kind: str
    referrers: tuple[FieldSpec, ...] = ()


def _fs(path: str, group: str = "", version: str = "", kind: str = "",
        create: bool = False) -> FieldSpec:
    return FieldSpec(path=path, group=group, version=version, kind=kind, create=create)


def _nbr(group: str = "", version: str = "", kind: str = "",
         referrers: tuple[FieldSpec, ...] = ()) -> NameBackRef:
    return NameBackRef(group=group, version=version, kind=kind, referrers=referrers)


# --------------------------------------------------------------------------------------
# Defaults, in upstream order (before Kustomize's own sort; see DEFAULT_CONFIG for the
# order Kustomize actually works with).
# --------------------------------------------------------------------------------------

NAME_PREFIX: tuple[FieldSpec, ...] = (
    _fs('metadata/name'),
)

NAME_SUFFIX: tuple[FieldSpec, ...] = (
    _fs('metadata/name'),
)

NAMESPACE: tuple[FieldSpec, ...] = (
    _fs('metadata/name', kind='Namespace', create=True),
    _fs('spec/service/namespace', group='apiregistration.k8s.io', kind='APIService', create=True),
    _fs('spec/conversion/webhook/clientConfig/service/namespace', group='apiextensions.k8s.io', kind='CustomResourceDefinition'),
)

COMMON_LABELS: tuple[FieldSpec, ...] = (
    _fs('spec/selector', version='v1', kind='Service', create=True),
    _fs('spec/selector', version='v1', kind='ReplicationController', create=True),
    _fs('spec/selector/matchLabels', kind='Deployment', create=True),
    _fs('spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels', group='apps', kind='Deployment'),
    _fs('spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels', group='apps', kind='Deployment'),
    _fs('spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels', group='apps', kind='Deployment'),
    _fs('spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels', group='apps', kind='Deployment'),
    _fs('spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', group='apps', kind='Deployment'),
    _fs('spec/selector/matchLabels', kind='ReplicaSet', create=True),
    _fs('spec/selector/matchLabels', kind='DaemonSet', create=True),
    _fs('spec/selector/matchLabels', group='apps', kind='StatefulSet', create=True),
    _fs('spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels', group='apps', kind='StatefulSet'),
    _fs('spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels', group='apps', kind='StatefulSet'),
    _fs('spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels', group='apps', kind='StatefulSet'),
    _fs('spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels', group='apps', kind='StatefulSet'),
    _fs('spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', group='apps', kind='StatefulSet'),
    _fs('spec/selector/matchLabels', group='batch', kind='Job'),
    _fs('spec/jobTemplate/spec/selector/matchLabels', group='batch', kind='CronJob'),
    _fs('spec/selector/matchLabels', group='policy', kind='PodDisruptionBudget'),
    _fs('spec/podSelector/matchLabels', group='networking.k8s.io', kind='NetworkPolicy'),
    _fs('spec/ingress/from/podSelector/matchLabels', group='networking.k8s.io', kind='NetworkPolicy'),
    _fs('spec/egress/to/podSelector/matchLabels', group='networking.k8s.io', kind='NetworkPolicy'),
    _fs('metadata/labels', create=True),
    _fs('spec/template/metadata/labels', version='v1', kind='ReplicationController', create=True),
    _fs('spec/template/metadata/labels', kind='Deployment', create=True),
    _fs('spec/template/metadata/labels', kind='ReplicaSet', create=True),
    _fs('spec/template/metadata/labels', kind='DaemonSet', create=True),
    _fs('spec/template/metadata/labels', group='apps', kind='StatefulSet', create=True),
    _fs('spec/volumeClaimTemplates[]/metadata/labels', group='apps', kind='StatefulSet', create=True),
    _fs('spec/template/metadata/labels', group='batch', kind='Job', create=True),
    _fs('spec/jobTemplate/metadata/labels', group='batch', kind='CronJob', create=True),
    _fs('spec/jobTemplate/spec/template/metadata/labels', group='batch', kind='CronJob', create=True),
)

TEMPLATE_LABELS: tuple[FieldSpec, ...] = (
    _fs('metadata/labels', create=True),
    _fs('spec/template/metadata/labels', version='v1', kind='ReplicationController', create=True),
    _fs('spec/template/metadata/labels', kind='Deployment', create=True),
    _fs('spec/template/metadata/labels', kind='ReplicaSet', create=True),
    _fs('spec/template/metadata/labels', kind='DaemonSet', create=True),
    _fs('spec/template/metadata/labels', group='apps', kind='StatefulSet', create=True),
    _fs('spec/volumeClaimTemplates[]/metadata/labels', group='apps', kind='StatefulSet', create=True),
    _fs('spec/template/metadata/labels', group='batch', kind='Job', create=True),
    _fs('spec/jobTemplate/metadata/labels', group='batch', kind='CronJob', create=True),
    _fs('spec/jobTemplate/spec/template/metadata/labels', group='batch', kind='CronJob', create=True),
)

COMMON_ANNOTATIONS: tuple[FieldSpec, ...] = (
    _fs('metadata/annotations', create=True),
    _fs('spec/template/metadata/annotations', version='v1', kind='ReplicationController', create=True),
    _fs('spec/template/metadata/annotations', kind='Deployment', create=True),
    _fs('spec/template/metadata/annotations', kind='ReplicaSet', create=True),
    _fs('spec/template/metadata/annotations', kind='DaemonSet', create=True),
    _fs('spec/template/metadata/annotations', kind='StatefulSet', create=True),
    _fs('spec/template/metadata/annotations', group='batch', kind='Job', create=True),
    _fs('spec/jobTemplate/metadata/annotations', group='batch', kind='CronJob', create=True),
    _fs('spec/jobTemplate/spec/template/metadata/annotations', group='batch', kind='CronJob', create=True),
)

VAR_REFERENCE: tuple[FieldSpec, ...] = (
    _fs('spec/jobTemplate/spec/template/spec/containers/args', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/containers/command', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/containers/env/value', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/initContainers/args', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/initContainers/command', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/initContainers/env/value', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath', kind='CronJob'),
    _fs('spec/jobTemplate/spec/template/volumes/nfs/server', kind='CronJob'),
    _fs('spec/template/spec/containers/args', kind='DaemonSet'),
    _fs('spec/template/spec/containers/command', kind='DaemonSet'),
    _fs('spec/template/spec/containers/env/value', kind='DaemonSet'),
    _fs('spec/template/spec/containers/volumeMounts/mountPath', kind='DaemonSet'),
    _fs('spec/template/spec/initContainers/args', kind='DaemonSet'),
    _fs('spec/template/spec/initContainers/command', kind='DaemonSet'),
    _fs('spec/template/spec/initContainers/env/value', kind='DaemonSet'),
    _fs('spec/template/spec/initContainers/volumeMounts/mountPath', kind='DaemonSet'),
    _fs('spec/template/spec/volumes/nfs/server', kind='DaemonSet'),
    _fs('spec/template/spec/containers/args', kind='Deployment'),
    _fs('spec/template/spec/containers/command', kind='Deployment'),
    _fs('spec/template/spec/containers/env/value', kind='Deployment'),
    _fs('spec/template/spec/containers/volumeMounts/mountPath', kind='Deployment'),
    _fs('spec/template/spec/initContainers/args', kind='Deployment'),
    _fs('spec/template/spec/initContainers/command', kind='Deployment'),
    _fs('spec/template/spec/initContainers/env/value', kind='Deployment'),
    _fs('spec/template/spec/initContainers/volumeMounts/mountPath', kind='Deployment'),
    _fs('spec/template/spec/volumes/nfs/server', kind='Deployment'),
    _fs('spec/template/metadata/annotations', kind='Deployment'),
    _fs('spec/rules/host', kind='Ingress'),
    _fs('spec/tls/hosts', kind='Ingress'),
    _fs('spec/tls/secretName', kind='Ingress'),
    _fs('spec/template/spec/containers/args', kind='Job'),
    _fs('spec/template/spec/containers/command', kind='Job'),
    _fs('spec/template/spec/containers/env/value', kind='Job'),
    _fs('spec/template/spec/containers/volumeMounts/mountPath', kind='Job'),
    _fs('spec/template/spec/initContainers/args', kind='Job'),
    _fs('spec/template/spec/initContainers/command', kind='Job'),
    _fs('spec/template/spec/initContainers/env/value', kind='Job'),
    _fs('spec/template/spec/initContainers/volumeMounts/mountPath', kind='Job'),
    _fs('spec/template/spec/volumes/nfs/server', kind='Job'),
    _fs('spec/containers/args', kind='Pod'),
    _fs('spec/containers/command', kind='Pod'),
    _fs('spec/containers/env/value', kind='Pod'),
    _fs('spec/containers/volumeMounts/mountPath', kind='Pod'),
    _fs('spec/initContainers/args', kind='Pod'),
    _fs('spec/initContainers/command', kind='Pod'),
    _fs('spec/initContainers/env/value', kind='Pod'),
    _fs('spec/initContainers/volumeMounts/mountPath', kind='Pod'),
    _fs('spec/volumes/nfs/server', kind='Pod'),
    _fs('spec/template/spec/containers/args', kind='ReplicaSet'),
    _fs('spec/template/spec/containers/command', kind='ReplicaSet'),
    _fs('spec/template/spec/containers/env/value', kind='ReplicaSet'),
    _fs('spec/template/spec/containers/volumeMounts/mountPath', kind='ReplicaSet'),
    _fs('spec/template/spec/initContainers/args', kind='ReplicaSet'),
    _fs('spec/template/spec/initContainers/command', kind='ReplicaSet'),
    _fs('spec/template/spec/initContainers/env/value', kind='ReplicaSet'),
    _fs('spec/template/spec/initContainers/volumeMounts/mountPath', kind='ReplicaSet'),
    _fs('spec/template/spec/volumes/nfs/server', kind='ReplicaSet'),
    _fs('spec/ports/port', kind='Service'),
    _fs('spec/ports/targetPort', kind='Service'),
    _fs('spec/template/spec/containers/args', kind='StatefulSet'),
    _fs('spec/template/spec/containers/command', kind='StatefulSet'),
    _fs('spec/template/spec/containers/env/value', kind='StatefulSet'),
    _fs('spec/template/spec/containers/volumeMounts/mountPath', kind='StatefulSet'),
    _fs('spec/template/spec/initContainers/args', kind='StatefulSet'),
    _fs('spec/template/spec/initContainers/command', kind='StatefulSet'),
    _fs('spec/template/spec/initContainers/env/value', kind='StatefulSet'),
    _fs('spec/template/spec/initContainers/volumeMounts/mountPath', kind='StatefulSet'),
    _fs('spec/volumeClaimTemplates/spec/nfs/server', kind='StatefulSet'),
    _fs('spec/nfs/server', kind='PersistentVolume'),
    _fs('metadata/labels'),
    _fs('metadata/annotations'),
)

IMAGES: tuple[FieldSpec, ...] = (
    _fs('spec/containers[]/image', create=True),
    _fs('spec/initContainers[]/image', create=True),
    _fs('spec/template/spec/containers[]/image', create=True),
    _fs('spec/template/spec/initContainers[]/image', create=True),
)

REPLICAS: tuple[FieldSpec, ...] = (
    _fs('spec/replicas', kind='Deployment', create=True),
    _fs('spec/replicas', kind='ReplicationController', create=True),
    _fs('spec/replicas', kind='ReplicaSet', create=True),
    _fs('spec/replicas', kind='StatefulSet', create=True),
)

NAME_REFERENCE: tuple[NameBackRef, ...] = (
    _nbr(kind='Deployment', referrers=(
        _fs('spec/scaleTargetRef/name', kind='HorizontalPodAutoscaler'),
    )),
    _nbr(kind='ReplicationController', referrers=(
        _fs('spec/scaleTargetRef/name', kind='HorizontalPodAutoscaler'),
    )),
    _nbr(kind='ReplicaSet', referrers=(
        _fs('spec/scaleTargetRef/name', kind='HorizontalPodAutoscaler'),
    )),
    _nbr(kind='StatefulSet', referrers=(
        _fs('spec/scaleTargetRef/name', kind='HorizontalPodAutoscaler'),
    )),
    _nbr(version='v1', kind='ConfigMap', referrers=(
        _fs('spec/volumes/configMap/name', version='v1', kind='Pod'),
        _fs('spec/containers/env/valueFrom/configMapKeyRef/name', version='v1', kind='Pod'),
        _fs('spec/initContainers/env/valueFrom/configMapKeyRef/name', version='v1', kind='Pod'),
        _fs('spec/containers/envFrom/configMapRef/name', version='v1', kind='Pod'),
        _fs('spec/initContainers/envFrom/configMapRef/name', version='v1', kind='Pod'),
        _fs('spec/volumes/projected/sources/configMap/name', version='v1', kind='Pod'),
        _fs('template/spec/volumes/configMap/name', kind='PodTemplate'),
        _fs('template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='PodTemplate'),
        _fs('template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='PodTemplate'),
        _fs('template/spec/containers/envFrom/configMapRef/name', kind='PodTemplate'),
        _fs('template/spec/initContainers/envFrom/configMapRef/name', kind='PodTemplate'),
        _fs('template/spec/volumes/projected/sources/configMap/name', kind='PodTemplate'),
        _fs('spec/template/spec/volumes/configMap/name', kind='Deployment'),
        _fs('spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='Deployment'),
        _fs('spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='Deployment'),
        _fs('spec/template/spec/containers/envFrom/configMapRef/name', kind='Deployment'),
        _fs('spec/template/spec/initContainers/envFrom/configMapRef/name', kind='Deployment'),
        _fs('spec/template/spec/volumes/projected/sources/configMap/name', kind='Deployment'),
        _fs('spec/template/spec/volumes/configMap/name', kind='ReplicaSet'),
        _fs('spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/containers/envFrom/configMapRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/initContainers/envFrom/configMapRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/volumes/projected/sources/configMap/name', kind='ReplicaSet'),
        _fs('spec/template/spec/volumes/configMap/name', kind='DaemonSet'),
        _fs('spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/containers/envFrom/configMapRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/initContainers/envFrom/configMapRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/volumes/projected/sources/configMap/name', kind='DaemonSet'),
        _fs('spec/template/spec/volumes/configMap/name', kind='StatefulSet'),
        _fs('spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/containers/envFrom/configMapRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/initContainers/envFrom/configMapRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/volumes/projected/sources/configMap/name', kind='StatefulSet'),
        _fs('spec/template/spec/volumes/configMap/name', kind='Job'),
        _fs('spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='Job'),
        _fs('spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='Job'),
        _fs('spec/template/spec/containers/envFrom/configMapRef/name', kind='Job'),
        _fs('spec/template/spec/initContainers/envFrom/configMapRef/name', kind='Job'),
        _fs('spec/template/spec/volumes/projected/sources/configMap/name', kind='Job'),
        _fs('spec/jobTemplate/spec/template/spec/volumes/configMap/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name', kind='CronJob'),
        _fs('spec/configSource/configMap', kind='Node'),
        _fs('rules/resourceNames', kind='Role'),
        _fs('rules/resourceNames', kind='ClusterRole'),
        _fs('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', kind='Ingress'),
    )),
    _nbr(version='v1', kind='Secret', referrers=(
        _fs('spec/volumes/secret/secretName', version='v1', kind='Pod'),
        _fs('spec/containers/env/valueFrom/secretKeyRef/name', version='v1', kind='Pod'),
        _fs('spec/initContainers/env/valueFrom/secretKeyRef/name', version='v1', kind='Pod'),
        _fs('spec/containers/envFrom/secretRef/name', version='v1', kind='Pod'),
        _fs('spec/initContainers/envFrom/secretRef/name', version='v1', kind='Pod'),
        _fs('spec/imagePullSecrets/name', version='v1', kind='Pod'),
        _fs('spec/volumes/projected/sources/secret/name', version='v1', kind='Pod'),
        _fs('template/spec/volumes/secret/secretName', kind='PodTemplate'),
        _fs('template/spec/containers/env/valueFrom/secretKeyRef/name', kind='PodTemplate'),
        _fs('template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='PodTemplate'),
        _fs('template/spec/containers/envFrom/secretRef/name', kind='PodTemplate'),
        _fs('template/spec/initContainers/envFrom/secretRef/name', kind='PodTemplate'),
        _fs('template/spec/imagePullSecrets/name', kind='PodTemplate'),
        _fs('template/spec/volumes/projected/sources/secret/name', kind='PodTemplate'),
        _fs('spec/template/spec/volumes/secret/secretName', kind='Deployment'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='Deployment'),
        _fs('spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='Deployment'),
        _fs('spec/template/spec/containers/envFrom/secretRef/name', kind='Deployment'),
        _fs('spec/template/spec/initContainers/envFrom/secretRef/name', kind='Deployment'),
        _fs('spec/template/spec/imagePullSecrets/name', kind='Deployment'),
        _fs('spec/template/spec/volumes/projected/sources/secret/name', kind='Deployment'),
        _fs('spec/template/spec/volumes/secret/secretName', kind='ReplicaSet'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/containers/envFrom/secretRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/initContainers/envFrom/secretRef/name', kind='ReplicaSet'),
        _fs('spec/template/spec/imagePullSecrets/name', kind='ReplicaSet'),
        _fs('spec/template/spec/volumes/projected/sources/secret/name', kind='ReplicaSet'),
        _fs('spec/template/spec/volumes/secret/secretName', kind='DaemonSet'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/containers/envFrom/secretRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/initContainers/envFrom/secretRef/name', kind='DaemonSet'),
        _fs('spec/template/spec/imagePullSecrets/name', kind='DaemonSet'),
        _fs('spec/template/spec/volumes/projected/sources/secret/name', kind='DaemonSet'),
        _fs('spec/template/spec/volumes/secret/secretName', kind='StatefulSet'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/containers/envFrom/secretRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/initContainers/envFrom/secretRef/name', kind='StatefulSet'),
        _fs('spec/template/spec/imagePullSecrets/name', kind='StatefulSet'),
        _fs('spec/template/spec/volumes/projected/sources/secret/name', kind='StatefulSet'),
        _fs('spec/template/spec/volumes/secret/secretName', kind='Job'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='Job'),
        _fs('spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='Job'),
        _fs('spec/template/spec/containers/envFrom/secretRef/name', kind='Job'),
        _fs('spec/template/spec/initContainers/envFrom/secretRef/name', kind='Job'),
        _fs('spec/template/spec/imagePullSecrets/name', kind='Job'),
        _fs('spec/template/spec/volumes/projected/sources/secret/name', kind='Job'),
        _fs('spec/jobTemplate/spec/template/spec/volumes/secret/secretName', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name', kind='CronJob'),
        _fs('spec/jobTemplate/spec/template/spec/imagePullSecrets/name', kind='CronJob'),
        _fs('spec/tls/secretName', kind='Ingress'),
        _fs('metadata/annotations/ingress.kubernetes.io\\/auth-secret', kind='Ingress'),
        _fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', kind='Ingress'),
        _fs('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', kind='Ingress'),
        _fs('spec/tls/secretName', kind='Ingress'),
        _fs('imagePullSecrets/name', kind='ServiceAccount'),
        _fs('parameters/secretName', kind='StorageClass'),
        _fs('parameters/adminSecretName', kind='StorageClass'),
        _fs('parameters/userSecretName', kind='StorageClass'),
        _fs('parameters/secretRef', kind='StorageClass'),
        _fs('rules/resourceNames', kind='Role'),
        _fs('rules/resourceNames', kind='ClusterRole'),
        _fs('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', group='serving.knative.dev', version='v1', kind='Service'),
        _fs('spec/azureFile/secretName', kind='PersistentVolume'),
    )),
    _nbr(version='v1', kind='Service', referrers=(
        _fs('spec/serviceName', group='apps', kind='StatefulSet'),
        _fs('spec/rules/http/paths/backend/serviceName', kind='Ingress'),
        _fs('spec/backend/serviceName', kind='Ingress'),
        _fs('spec/rules/http/paths/backend/service/name', kind='Ingress'),
        _fs('spec/defaultBackend/service/name', kind='Ingress'),
        _fs('spec/service/name', group='apiregistration.k8s.io', kind='APIService'),
        _fs('webhooks/clientConfig/service', group='admissionregistration.k8s.io', kind='ValidatingWebhookConfiguration'),
        _fs('webhooks/clientConfig/service', group='admissionregistration.k8s.io', kind='MutatingWebhookConfiguration'),
    )),
    _nbr(group='rbac.authorization.k8s.io', kind='Role', referrers=(
        _fs('roleRef/name', group='rbac.authorization.k8s.io', kind='RoleBinding'),
    )),
    _nbr(group='rbac.authorization.k8s.io', kind='ClusterRole', referrers=(
        _fs('roleRef/name', group='rbac.authorization.k8s.io', kind='RoleBinding'),
        _fs('roleRef/name', group='rbac.authorization.k8s.io', kind='ClusterRoleBinding'),
    )),
    _nbr(version='v1', kind='ServiceAccount', referrers=(
        _fs('subjects', group='rbac.authorization.k8s.io', kind='RoleBinding'),
        _fs('subjects', group='rbac.authorization.k8s.io', kind='ClusterRoleBinding'),
        _fs('spec/serviceAccountName', kind='Pod'),
        _fs('spec/template/spec/serviceAccountName', kind='StatefulSet'),
        _fs('spec/template/spec/serviceAccountName', kind='Deployment'),
        _fs('spec/template/spec/serviceAccountName', kind='ReplicationController'),
        _fs('spec/jobTemplate/spec/template/spec/serviceAccountName', kind='CronJob'),
        _fs('spec/template/spec/serviceAccountName', kind='Job'),
        _fs('spec/template/spec/serviceAccountName', kind='DaemonSet'),
    )),
    _nbr(version='v1', kind='PersistentVolumeClaim', referrers=(
        _fs('spec/volumes/persistentVolumeClaim/claimName', kind='Pod'),
        _fs('spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='StatefulSet'),
        _fs('spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='Deployment'),
        _fs('spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='ReplicationController'),
        _fs('spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='CronJob'),
        _fs('spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='Job'),
        _fs('spec/template/spec/volumes/persistentVolumeClaim/claimName', kind='DaemonSet'),
    )),
    _nbr(version='v1', kind='PersistentVolume', referrers=(
        _fs('spec/volumeName', kind='PersistentVolumeClaim'),
        _fs('rules/resourceNames', kind='ClusterRole'),
    )),
    _nbr(group='storage.k8s.io', version='v1', kind='StorageClass', referrers=(
        _fs('spec/storageClassName', kind='PersistentVolume'),
        _fs('spec/storageClassName', kind='PersistentVolumeClaim'),
        _fs('spec/volumeClaimTemplates/spec/storageClassName', kind='StatefulSet'),
    )),
    _nbr(group='scheduling.k8s.io', version='v1', kind='PriorityClass', referrers=(
        _fs('spec/priorityClassName', kind='Pod'),
        _fs('spec/template/spec/priorityClassName', kind='StatefulSet'),
        _fs('spec/template/spec/priorityClassName', kind='Deployment'),
        _fs('spec/template/spec/priorityClassName', kind='ReplicationController'),
        _fs('spec/jobTemplate/spec/template/spec/priorityClassName', kind='CronJob'),
        _fs('spec/template/spec/priorityClassName', kind='Job'),
        _fs('spec/template/spec/priorityClassName', kind='DaemonSet'),
    )),
    _nbr(group='networking.k8s.io/v1', version='v1', kind='IngressClass', referrers=(
        _fs('spec/ingressClassName', kind='Ingress'),
    )),
    _nbr(group='admissionregistration.k8s.io', kind='ValidatingAdmissionPolicy', referrers=(
        _fs('spec/policyName', group='admissionregistration.k8s.io', kind='ValidatingAdmissionPolicyBinding'),
    )),
)

# The keys of a `configurations:` file (and of Kustomize's default config), mapped to
# TransformerConfig attribute names. `labels` has no defaults; its specs are added to
# every `labels:` entry of a kustomization (with or without includeSelectors).
CONFIG_KEYS: dict[str, str] = {
    "namePrefix": "name_prefix",
    "nameSuffix": "name_suffix",
    "namespace": "namespace",
    "commonLabels": "common_labels",
    "labels": "labels",
    "templateLabels": "template_labels",
    "commonAnnotations": "common_annotations",
    "nameReference": "name_reference",
    "varReference": "var_reference",
    "images": "images",
    "replicas": "replicas",
}

LABELS: tuple[FieldSpec, ...] = ()

# --------------------------------------------------------------------------------------
# Gvk ordering (kyaml/resid/gvk.go): also the default of the legacy resource sort.
# --------------------------------------------------------------------------------------

ORDER_FIRST: tuple[str, ...] = (
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
    "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
    "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
    "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment",
    "StatefulSet", "CronJob", "PodDisruptionBudget",
)
ORDER_LAST: tuple[str, ...] = (
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
)


def type_orders(order_first: Sequence[str] = ORDER_FIRST,
                order_last: Sequence[str] = ORDER_LAST) -> dict[str, int]:
    """Kind -> rank: orderFirst kinds get -len(first)+i, orderLast kinds 1+i, others 0
    (built in that sequence, so a later duplicate wins)."""
    m: dict[str, int] = {}
    for i, k in enumerate(order_first):
        m[k] = -len(order_first) + i
    for i, k in enumerate(order_last):
        m[k] = 1 + i
    return m


_TYPE_ORDERS = type_orders()


def gvk_string(group: str, version: str, kind: str) -> str:
    """Gvk.String(): `Kind.version.group` with [noKind]/[noVer]/[noGrp] for blanks."""
    return "%s.%s.%s" % (kind or "[noKind]", version or "[noVer]", group or "[noGrp]")


def gvk_sort_string(group: str, version: str, kind: str) -> str:
    """Gvk.stableSortString (= legacyGVKSortString): `group_version_kind`, ~G/~V/~K for blanks."""
    return "%s_%s_%s" % (group or "~G", version or "~V", kind or "~K")


def gvk_is_less_than(a: tuple[str, str, str], b: tuple[str, str, str],
                     orders: Mapping[str, int] = _TYPE_ORDERS) -> bool:
    """Gvk.IsLessThan for (group, version, kind) triples: kind rank, then sort string."""
    ra, rb = orders.get(a[2], 0), orders.get(b[2], 0)
    if ra != rb:
        return ra < rb
    return gvk_sort_string(*a) < gvk_sort_string(*b)


def legacy_sort_key(group: str, version: str, kind: str, namespace: str, name: str,
                    orders: Mapping[str, int] = _TYPE_ORDERS) -> tuple:
    """Sort key equivalent to SortOrderTransformer's legacy `Less` on a resource's
    current id: kind rank, then `group_version_kind` (~G/~V/~K for blanks), then
    `namespace|name` with ~X / ~N for a blank namespace / name (bytewise, so a blank
    namespace sorts after every real one). Ids in a resmap are unique, so there are no
    ties and a stable Python sort gives Go's result."""
    return (orders.get(kind, 0), gvk_sort_string(group, version, kind),
            "%s|%s" % (namespace or "~X", name or "~N"))


# --------------------------------------------------------------------------------------
# Go's sort.Sort (pattern-defeating quicksort, Go >= 1.19), reproduced step by step so
# that elements that compare equal end up where Go puts them.
# --------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def go_sort(items: Iterable[Any], less: Callable[[Any, Any], bool]) -> list:
    """Return a new list ordered exactly as Go's (unstable) sort.Sort would order it."""
    data = list(items)
    n = len(data)
    if n <= 1:
        return data

    def lt(i: int, j: int) -> bool:
        return less(data[i], data[j])

    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and lt(j, j - 1):
                swap(j, j - 1)
                j -= 1

    def sift_down(lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and lt(first + child, first + child + 1):
                child += 1
            if not lt(first + root, first + child):
                return
            swap(first + root, first + child)
            root = child

    def heap_sort(a: int, b: int) -> None:
        first, lo, hi = a, 0, b - a
        for i in range((hi - 1) // 2, -1, -1):
            sift_down(i, hi, first)
        for i in range(hi - 1, -1, -1):
            swap(first, first + i)
            sift_down(lo, i, first)

    def order2(x: int, y: int, swaps: list) -> tuple[int, int]:
        if lt(y, x):
            swaps[0] += 1
            return y, x
        return x, y

    def median(x: int, y: int, z: int, swaps: list) -> int:
        x, y = order2(x, y, swaps)
        y, z = order2(y, z, swaps)
        x, y = order2(x, y, swaps)
        return y

    def choose_pivot(a: int, b: int) -> tuple[int, int]:
        # hint: 0 unknown, 1 increasing, 2 decreasing
        length = b - a
        swaps = [0]
        i = a + length // 4 * 1
        j = a + length // 4 * 2
        k = a + length // 4 * 3
        if length >= 8:
            if length >= 50:
                i = median(i - 1, i, i + 1, swaps)
                j = median(j - 1, j, j + 1, swaps)
                k = median(k - 1, k, k + 1, swaps)
            j = median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, 1
        if swaps[0] == 12:
            return j, 2
        return j, 0

    def reverse_range(a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            swap(i, j)
            i += 1
            j -= 1

    def partial_insertion_sort(a: int, b: int) -> bool:
        max_steps, shortest_shifting = 5, 50
        i = a + 1
        for _ in range(max_steps):
            while i < b and not lt(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < shortest_shifting:
                return False
            swap(i, i - 1)
            if i - a >= 2:  # shift the smaller one left (Go's loop bound is 1, not a+1)
                j = i - 1
                while j >= 1:
                    if not lt(j, j - 1):
                        break
                    swap(j, j - 1)
                    j -= 1
            if b - i >= 2:  # shift the greater one right
                j = i + 1
                while j < b:
                    if not lt(j, j - 1):
                        break
                    swap(j, j - 1)
                    j += 1
        return False

    def break_patterns(a: int, b: int) -> None:
        length = b - a
        if length >= 8:
            r = length & _MASK64
            modulus = 1 << length.bit_length()
            idx = a + (length // 4) * 2 - 1
            while idx <= a + (length // 4) * 2 + 1:
                r ^= (r << 13) & _MASK64
                r ^= r >> 17
                r ^= (r << 5) & _MASK64
                other = r & (modulus - 1)
                if other >= length:
                    other -= length
                swap(idx, a + other)
                idx += 1

    def partition_equal(a: int, b: int, pivot: int) -> int:
        swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not lt(a, i):
                i += 1
            while i <= j and lt(a, j):
                j -= 1
            if i > j:
                break
            swap(i, j)
            i += 1
            j -= 1
        return i

    def partition(a: int, b: int, pivot: int) -> tuple[int, bool]:
        swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and lt(i, a):
            i += 1
        while i <= j and not lt(j, a):
            j -= 1
        if i > j:
            swap(j, a)
            return j, True
        swap(i, j)
        i += 1
        j -= 1
        while True:
            while i <= j and lt(i, a):
                i += 1
            while i <= j and not lt(j, a):
                j -= 1
            if i > j:
                break
            swap(i, j)
            i += 1
            j -= 1
        swap(j, a)
        return j, False

    def pdqsort(a: int, b: int, limit: int) -> None:
        was_balanced = True
        was_partitioned = True
        while True:
            length = b - a
            if length <= 12:
                insertion_sort(a, b)
                return
            if limit == 0:
                heap_sort(a, b)
                return
            if not was_balanced:
                break_patterns(a, b)
                limit -= 1
            pivot, hint = choose_pivot(a, b)
            if hint == 2:
                reverse_range(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = 1
            if was_balanced and was_partitioned and hint == 1:
                if partial_insertion_sort(a, b):
                    return
            if a > 0 and not lt(a - 1, pivot):
                a = partition_equal(a, b, pivot)
                continue
            mid, already = partition(a, b, pivot)
            was_partitioned = already
            left_len, right_len = mid - a, b - mid
            threshold = length // 8
            if left_len < right_len:
                was_balanced = left_len >= threshold
                pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right_len >= threshold
                pdqsort(mid + 1, b, limit)
                b = mid

    pdqsort(0, n, n.bit_length())
    return data


def _fs_less(x: FieldSpec, y: FieldSpec) -> bool:
    return gvk_is_less_than((x.group, x.version, x.kind), (y.group, y.version, y.kind))


def _nbr_less(x: NameBackRef, y: NameBackRef) -> bool:
    return gvk_is_less_than((x.group, x.version, x.kind), (y.group, y.version, y.kind))


def sort_fieldspecs(specs: Iterable[FieldSpec]) -> tuple[FieldSpec, ...]:
    """sort.Sort(FsSlice): by gvk only (IsLessThan), Go's unstable order for ties."""
    return tuple(go_sort(specs, _fs_less))


def sort_name_reference(refs: Iterable[NameBackRef]) -> tuple[NameBackRef, ...]:
    """sort.Sort(nbrSlice): entries by their gvk; referrers inside are left alone."""
    return tuple(go_sort(refs, _nbr_less))


# --------------------------------------------------------------------------------------
# Merging (types.FsSlice.MergeAll / builtinconfig.nbrSlice.mergeAll), without sorting.
# --------------------------------------------------------------------------------------

def merge_one_fieldspec(existing: Sequence[FieldSpec], x: FieldSpec) -> tuple[FieldSpec, ...]:
    for cur in existing:
        if cur.effectively_equals(x):
            if cur.create != x.create:
                raise FieldSpecError("conflicting fieldspecs")
            return tuple(existing)
    return tuple(existing) + (x,)


def merge_fieldspecs(a: Sequence[FieldSpec], b: Sequence[FieldSpec]) -> tuple[FieldSpec, ...]:
    """a followed by each spec of b that a (as grown so far) does not already have.
    Raises FieldSpecError("conflicting fieldspecs") on a same-key, different-create spec."""
    result = tuple(a)
    for x in b:
        result = merge_one_fieldspec(result, x)
    return result


def merge_one_name_reference(existing: Sequence[NameBackRef],
                             other: NameBackRef) -> tuple[NameBackRef, ...]:
    result = []
    found = False
    for cur in existing:
        if (cur.group, cur.version, cur.kind) == (other.group, other.version, other.kind):
            cur = replace(cur, referrers=merge_fieldspecs(cur.referrers, other.referrers))
            found = True
        result.append(cur)
    if not found:
        result.append(other)
    return tuple(result)


def merge_name_reference(a: Sequence[NameBackRef],
                         b: Sequence[NameBackRef]) -> tuple[NameBackRef, ...]:
    """Entries of b with exactly a's gvk (group, version, kind all equal) merge their
    referrers into that entry (merge_fieldspecs); other entries are appended whole."""
    result = tuple(a)
    for other in b:
        result = merge_one_name_reference(result, other)
    return result


# --------------------------------------------------------------------------------------
# Parsing user `configurations:` files (strict, like Kustomize: unknown keys fail).
# --------------------------------------------------------------------------------------

_FS_KEYS = ("path", "group", "version", "kind", "create")
_NBR_KEYS = ("group", "version", "kind", "fieldSpecs")


def _unmarshal_error(msg: str) -> FieldSpecError:
    return FieldSpecError("error unmarshaling JSON: while decoding JSON: " + msg)


def _str_field(d: Mapping, key: str, where: str) -> str:
    v = d.get(key)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise _unmarshal_error("json: cannot unmarshal %s into Go struct field %s.%s of type string"
                               % (_json_type(v), where, key))
    return v


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _check_keys(d: Mapping, allowed: Sequence[str]) -> None:
    for k in sorted(map(str, d)):
        if k not in allowed:
            raise _unmarshal_error('json: unknown field "%s"' % k)


def _parse_fieldspec(item: Any, where: str) -> FieldSpec:
    if item is None:
        return FieldSpec(path="")
    if not isinstance(item, Mapping):
        raise _unmarshal_error("json: cannot unmarshal %s into Go struct field %s of type types.FieldSpec"
                               % (_json_type(item), where))
    _check_keys(item, _FS_KEYS)
    create = item.get("create")
    if create is None:
        create = False
    if not isinstance(create, bool):
        raise _unmarshal_error("json: cannot unmarshal %s into Go struct field FieldSpec.%s.create of type bool"
                               % (_json_type(create), where))
    return FieldSpec(path=_str_field(item, "path", "FieldSpec." + where),
                     group=_str_field(item, "group", "FieldSpec." + where),
                     version=_str_field(item, "version", "FieldSpec." + where),
                     kind=_str_field(item, "kind", "FieldSpec." + where),
                     create=create)


def _as_list(items: Any, where: str) -> list:
    if items is None:
        return []
    if not isinstance(items, list):
        raise _unmarshal_error("json: cannot unmarshal %s into Go struct field TransformerConfig.%s"
                               % (_json_type(items), where))
    return items


def parse_fieldspecs(items: Any, where: str = "fieldSpecs") -> tuple[FieldSpec, ...]:
    """A list of {path, group, version, kind, create} maps, in the given order (unsorted)."""
    return tuple(_parse_fieldspec(it, where) for it in _as_list(items, where))


def parse_name_reference(items: Any) -> tuple[NameBackRef, ...]:
    """A nameReference list: [{kind, group, version, fieldSpecs: [...]}], unsorted.
    Referrers are kept as written (duplicates included)."""
    out = []
    for it in _as_list(items, "nameReference"):
        if it is None:
            out.append(NameBackRef("", "", ""))
            continue
        if not isinstance(it, Mapping):
            raise _unmarshal_error("json: cannot unmarshal %s into Go struct field "
                                   "TransformerConfig.nameReference of type builtinconfig.NameBackReferences"
                                   % _json_type(it))
        _check_keys(it, _NBR_KEYS)
        where = "NameBackReferences.nameReference"
        out.append(NameBackRef(group=_str_field(it, "group", where),
                               version=_str_field(it, "version", where),
                               kind=_str_field(it, "kind", where),
                               referrers=parse_fieldspecs(it.get("fieldSpecs"),
                                                          "nameReference.fieldSpecs")))
    return tuple(out)


# --------------------------------------------------------------------------------------
# TransformerConfig: the whole set, with Kustomize's merge/sort semantics.
# --------------------------------------------------------------------------------------

_MERGE_ORDER = (  # (attribute, name used in Kustomize's merge error)
    ("name_prefix", "NamePrefix"), ("name_suffix", "NameSuffix"), ("namespace", "NameSpace"),
    ("common_annotations", "CommonAnnotations"), ("common_labels", "CommonLabels"),
    ("labels", "Labels"), ("template_labels", "TemplateLabels"),
    ("var_reference", "VarReference"), ("name_reference", "NameReference"),
    ("images", "Images"), ("replicas", "Replicas"),
)


@dataclass(frozen=True)
class TransformerConfig:
    name_prefix: tuple[FieldSpec, ...] = ()
    name_suffix: tuple[FieldSpec, ...] = ()
    namespace: tuple[FieldSpec, ...] = ()
    common_labels: tuple[FieldSpec, ...] = ()
    labels: tuple[FieldSpec, ...] = ()
    template_labels: tuple[FieldSpec, ...] = ()
    common_annotations: tuple[FieldSpec, ...] = ()
    name_reference: tuple[NameBackRef, ...] = ()
    var_reference: tuple[FieldSpec, ...] = ()
    images: tuple[FieldSpec, ...] = ()
    replicas: tuple[FieldSpec, ...] = ()

    def sorted(self) -> "TransformerConfig":
        """sortFields(): every list sorted with Go's sort.Sort by gvk."""
        kw = {}
        for f in dc_fields(self):
            v = getattr(self, f.name)
            kw[f.name] = sort_name_reference(v) if f.name == "name_reference" else sort_fieldspecs(v)
        return TransformerConfig(**kw)

    def merge(self, other: "TransformerConfig | None") -> "TransformerConfig":
        """TransformerConfig.Merge: per list, self then other's new items; then sorted."""
        if other is None:
            return self
        kw = {}
        for attr, label in _MERGE_ORDER:
            mine, theirs = getattr(self, attr), getattr(other, attr)
            try:
                if attr == "name_reference":
                    kw[attr] = merge_name_reference(mine, theirs)
                else:
                    kw[attr] = merge_fieldspecs(mine, theirs)
            except FieldSpecError as e:
                raise FieldSpecError("failed to merge %s fieldSpec: %s" % (label, e)) from None
        return TransformerConfig(**kw).sorted()

    @classmethod
    def from_dict(cls, doc: Mapping | None, sort: bool = True) -> "TransformerConfig":
        """Parse a configurations file (already YAML-decoded). Like Kustomize, unknown
        keys are errors and the result is sorted (makeTransformerConfigFromBytes)."""
        if doc is None:
            doc = {}
        if not isinstance(doc, Mapping):
            raise _unmarshal_error("json: cannot unmarshal %s into Go value of type "
                                   "builtinconfig.TransformerConfig" % _json_type(doc))
        _check_keys(doc, tuple(CONFIG_KEYS))
        kw = {}
        for key, attr in CONFIG_KEYS.items():
            if attr == "name_reference":
                kw[attr] = parse_name_reference(doc.get(key))
            else:
                kw[attr] = parse_fieldspecs(doc.get(key), key)
        tc = cls(**kw)
        return tc.sorted() if sort else tc


def parse_transformer_config_text(text: str | bytes) -> TransformerConfig:
    """Parse the text of a configurations file (YAML or JSON) as Kustomize does."""
    import yaml  # PyYAML, a dependency of kustgen

    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        doc = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as e:
        raise FieldSpecError("error converting YAML to JSON: %s" % e) from None
    return TransformerConfig.from_dict(doc)


DEFAULT_FIELD_SPECS_UNSORTED = TransformerConfig(
    name_prefix=NAME_PREFIX, name_suffix=NAME_SUFFIX, namespace=NAMESPACE,
    common_labels=COMMON_LABELS, labels=LABELS, template_labels=TEMPLATE_LABELS,
    common_annotations=COMMON_ANNOTATIONS, name_reference=NAME_REFERENCE,
    var_reference=VAR_REFERENCE, images=IMAGES, replicas=REPLICAS,
)

# MakeDefaultConfig(): the defaults as Kustomize parses them (sorted once).
DEFAULT_CONFIG: TransformerConfig = DEFAULT_FIELD_SPECS_UNSORTED.sorted()


def default_config() -> TransformerConfig:
    return DEFAULT_CONFIG


def make_transformer_config(configurations: Sequence[str] | None,
                            load: Callable[[str], str | bytes]) -> TransformerConfig:
    """builtinconfig.MakeTransformerConfig for one kustomization's `configurations:`.

    An entry containing a newline (\\n or \\r) is an inline config: these are merged
    into the defaults one by one, in order. Every other entry is a file path (read with
    `load`); all files are merged together (empty config, then each file) and the
    result is merged into the defaults last. Each merge sorts (see module doc)."""
    t1 = DEFAULT_CONFIG
    if not configurations:
        return t1
    paths = []
    for c in configurations:
        if "\n" not in c and "\r" not in c:
            paths.append(c)
            continue
        t1 = t1.merge(parse_transformer_config_text(c))
    if not paths:
        return t1
    t2 = TransformerConfig()
    for p in paths:
        t2 = t2.merge(parse_transformer_config_text(load(p)))
    return t1.merge(t2)


# How the config travels in a build (ResAccumulator.MergeConfig == Merge):
#   accumulateTarget(dir):
#     ra = empty (or the parent's ra for a component)
#     resources: each base's accumulator is merged in (ra.config.merge(base.config))
#     ra.config = ra.config.merge(make_transformer_config(configurations))
#     ra.config = ra.config.merge(load_config_from_crds(crds))
#     generators run; components accumulate into ra; transformers use ra.config.
# So a base's custom configurations also apply in every overlay above it.


# --------------------------------------------------------------------------------------
# `crds:` (api/internal/accumulator/loadconfigfromcrds.go)
# --------------------------------------------------------------------------------------

X_ANNOTATION = "x-kubernetes-annotation"          # -> commonAnnotations spec
X_LABEL_SELECTOR = "x-kubernetes-label-selector"  # -> commonLabels spec
X_IDENTITY = "x-kubernetes-identity"              # -> namePrefix spec
X_VERSION = "x-kubernetes-object-ref-api-version"  # with X_KIND -> nameReference
X_KIND = "x-kubernetes-object-ref-kind"
X_NAME_KEY = "x-kubernetes-object-ref-name-key"   # default "name"


def _ci_get(d: Mapping, key: str) -> Any:
    """encoding/json matches struct field names case-insensitively."""
    if key in d:
        return d[key]
    low = key.lower()
    for k, v in d.items():
        if isinstance(k, str) and k.lower() == low:
            return v
    return None


def _ext_string(prop: Mapping, key: str) -> str | None:
    """spec.Extensions.GetString: extension names are case-insensitive; only a
    string value counts (a boolean `true` does not)."""
    for k, v in prop.items():
        if isinstance(k, str) and k.lower() == key:
            return v if isinstance(v, str) else None
    return None


def _properties(api: Any) -> Mapping:
    if not isinstance(api, Mapping):
        return {}
    schema = _ci_get(api, "Schema")
    if not isinstance(schema, Mapping):
        return {}
    props = schema.get("properties")
    return props if isinstance(props, Mapping) else {}


def _load_crd_into_config(tc: dict, kind: str, the_map: Mapping, type_name: str,
                          path: list[str]) -> None:
    if type_name not in the_map:
        return
    for prop_name, prop in _properties(the_map[type_name]).items():
        if not isinstance(prop, Mapping):
            continue
        here = path + [str(prop_name)]
        spec = FieldSpec(path="/".join(here), kind=kind)
        if _ext_string(prop, X_ANNOTATION) is not None:
            tc["common_annotations"] = merge_one_fieldspec(tc["common_annotations"], spec)
        if _ext_string(prop, X_LABEL_SELECTOR) is not None:
            tc["common_labels"] = merge_one_fieldspec(tc["common_labels"], spec)
        if _ext_string(prop, X_IDENTITY) is not None:
            tc["name_prefix"] = merge_one_fieldspec(tc["name_prefix"], spec)
        version = _ext_string(prop, X_VERSION)
        if version is not None:
            ref_kind = _ext_string(prop, X_KIND)
            if ref_kind is not None:
                name_key = _ext_string(prop, X_NAME_KEY)
                if name_key is None:
                    name_key = "name"
                nbr = NameBackRef(group="", version=version, kind=ref_kind, referrers=(
                    FieldSpec(path="/".join(here + [name_key]), kind=kind),))
                tc["name_reference"] = merge_one_name_reference(tc["name_reference"], nbr)
        ref = prop.get("$ref")
        if isinstance(ref, str) and ref:
            _load_crd_into_config(tc, kind, the_map, ref, here)


def _looks_like_k8s_type(api: Any) -> bool:
    props = _properties(api)
    return "kind" in props and "apiVersion" in props and "metadata" in props


def config_from_crd_openapi(doc: Mapping) -> TransformerConfig:
    """makeConfigFromApiMap: `doc` maps OpenAPI type names (e.g.
    `github.com/example/pkg/apis/jingfang/v1beta1.MyKind`) to {"Schema": {...},
    "Dependencies": [...]}. Each type whose properties have kind, apiVersion and
    metadata is a root; its kind is the text after the last '.' of the type name
    (no group/version). Properties are walked recursively through `$ref` (looked up
    as a type name in `doc`). Kustomize walks Go maps (random order); this walks in
    document order."""
    result = TransformerConfig()
    for name, api in doc.items():
        if not _looks_like_k8s_type(api):
            continue
        kind = str(name).split(".")[-1]
        tc = {f.name: () for f in dc_fields(TransformerConfig)}
        _load_crd_into_config(tc, kind, doc, name, [])
        result = result.merge(TransformerConfig(**tc))
    return result


def name_refs_from_crd_openapi(doc: Mapping) -> tuple[NameBackRef, ...]:
    """The nameReference entries a `crds:` OpenAPI document adds."""
    return config_from_crd_openapi(doc).name_reference


def load_config_from_crds(paths: Sequence[str] | None,
                          load: Callable[[str], str | bytes]) -> TransformerConfig:
    """LoadConfigFromCRDs: each file is JSON if it starts with '{', else YAML."""
    tc = TransformerConfig()
    for p in paths or ():
        content = load(p)
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        try:
            if content[:1] == "{":
                doc = json.loads(content)
            else:
                import yaml
                doc = yaml.safe_load(content)
        except Exception as e:  # noqa: BLE001 - report like Kustomize
            raise FieldSpecError("unable to parse open API definition from '%s': %s" % (p, e)) from None
        tc = tc.merge(config_from_crd_openapi(doc or {}))
    return tc


__all__ = [
    "FieldSpec", "NameBackRef", "FieldSpecError", "TransformerConfig",
    "NAME_PREFIX", "NAME_SUFFIX", "NAMESPACE", "COMMON_LABELS", "TEMPLATE_LABELS", "LABELS",
    "COMMON_ANNOTATIONS", "VAR_REFERENCE", "IMAGES", "REPLICAS", "NAME_REFERENCE",
    "CONFIG_KEYS", "DEFAULT_CONFIG", "DEFAULT_FIELD_SPECS_UNSORTED", "default_config",
    "ORDER_FIRST", "ORDER_LAST", "type_orders", "gvk_string", "gvk_sort_string",
    "gvk_is_less_than", "legacy_sort_key", "go_sort", "sort_fieldspecs",
    "sort_name_reference", "merge_fieldspecs", "merge_name_reference",
    "merge_one_fieldspec", "merge_one_name_reference", "parse_fieldspecs",
    "parse_name_reference", "parse_transformer_config_text", "make_transformer_config",
    "config_from_crd_openapi", "name_refs_from_crd_openapi", "load_config_from_crds",
    "X_ANNOTATION", "X_LABEL_SELECTOR", "X_IDENTITY", "X_VERSION", "X_KIND", "X_NAME_KEY",
]
