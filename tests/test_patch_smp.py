"""Strategic-merge patching (kustgen.kustomize.filters.patch_smp) and its merge-key schema
(kustgen.kustomize.openapi), checked against Kustomize v5.5.0.

Every ``expected`` object in the tables below is what ``kubectl kustomize`` (Kustomize
v5.5.0) produced for that resource and patch (a kustomization with ``resources:`` and
``patches: - path: ...``), recorded when the cases were written; the differential tests at
the end run ``kubectl kustomize`` again on the same tables when kubectl is installed.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import tempfile

import pytest
import yaml

from kustgen.kustomize.filters.patch_smp import SmpError, strategic_merge
from kustgen.kustomize.openapi import (
    PatchSchema, builtin_schema, compile_definitions, schema_from_openapi_document,
)
from kustgen.model.errors import RenderError


def apply(base: dict, patch: dict, schema: PatchSchema | None = None) -> dict | None:
    """One SMP as Kustomize's Resource.ApplySmPatch applies it: the patch takes the target's
    apiVersion; the target keeps its name, kind and namespace."""
    schema = builtin_schema() if schema is None else schema
    obj = copy.deepcopy(base)
    md = obj.get("metadata") or {}
    name, ns, kind = md.get("name"), md.get("namespace"), obj.get("kind")
    p = dict(patch)
    p["apiVersion"] = obj.get("apiVersion")
    out = strategic_merge(obj, p, schema)
    if out is None:
        return None
    out["kind"] = kind
    out.setdefault("metadata", {})["name"] = name
    if ns:
        out["metadata"]["namespace"] = ns
    else:
        out["metadata"].pop("namespace", None)
    return out


def canon(v) -> str:
    return json.dumps(v, sort_keys=True)


CASES = [
    ('map-merge',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'map-merge', 'labels': {'x': '1'}},
      'spec': {'replicas': 1, 'selector': {'matchLabels': {'a': '1'}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'map-merge', 'labels': {'y': '2'}, 'annotations': {'k': 'v'}},
      'spec': {'replicas': 3, 'paused': True}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'annotations': {'k': 'v'}, 'labels': {'x': '1', 'y': '2'}, 'name': 'map-merge'},
      'spec': {'paused': True, 'replicas': 3, 'selector': {'matchLabels': {'a': '1'}}}}),
    ('null-deletes',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'null-deletes', 'labels': {'x': '1', 'y': '2'}},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'null-deletes', 'labels': {'x': None}},
      'spec': {'replicas': None}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'labels': {'y': '2'}, 'name': 'null-deletes'},
      'spec': {}}),
    ('null-absent-not-added',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'null-absent-not-added'},
      'spec': {'template': {'spec': {'volumes': [{'name': 'v', 'configMap': {'name': 'cm'}}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'null-absent-not-added'},
      'spec': {'template': {'spec': {'volumes': [{'name': 'v', 'emptyDir': None}],
                                     'dnsPolicy': None}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'null-absent-not-added'},
      'spec': {'template': {'spec': {'volumes': [{'configMap': {'name': 'cm'}, 'name': 'v'}]}}}}),
    ('dest-null-kept',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-kept'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': None}],
                                     'hostname': None}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-kept'},
      'spec': {'replicas': 2}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-kept'},
      'spec': {'replicas': 2,
               'template': {'spec': {'containers': [{'image': None, 'name': 'a'}],
                                     'hostname': None}}}}),
    ('dest-null-patched',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-patched'},
      'spec': {'template': {'spec': {'nodeSelector': None, 'hostname': None}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-patched'},
      'spec': {'template': {'spec': {'nodeSelector': {'a': 'b'}, 'hostname': None}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-null-patched'},
      'spec': {'template': {'spec': {'nodeSelector': {'a': 'b'}}}}}),
    ('containers-by-name',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'containers-by-name'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a:1', 'args': ['1']},
                                                    {'name': 'b', 'image': 'b:1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'containers-by-name'},
      'spec': {'template': {'spec': {'containers': [{'name': 'b', 'image': 'b:2'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'containers-by-name'},
      'spec': {'template': {'spec': {'containers': [{'image': 'b:2', 'name': 'b'},
                                                    {'args': ['1'],
                                                     'image': 'a:1',
                                                     'name': 'a'}]}}}}),
    ('new-container-first',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'new-container-first'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a:1'},
                                                    {'name': 'b', 'image': 'b:1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'new-container-first'},
      'spec': {'template': {'spec': {'containers': [{'name': 'c', 'image': 'c:1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'new-container-first'},
      'spec': {'template': {'spec': {'containers': [{'image': 'c:1', 'name': 'c'},
                                                    {'image': 'a:1', 'name': 'a'},
                                                    {'image': 'b:1', 'name': 'b'}]}}}}),
    ('patch-order-first',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'patch-order-first'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}, {'name': 'b'}, {'name': 'c'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'patch-order-first'},
      'spec': {'template': {'spec': {'containers': [{'name': 'c', 'image': 'c'}, {'name': 'new'},
                                                    {'name': 'a', 'image': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'patch-order-first'},
      'spec': {'template': {'spec': {'containers': [{'image': 'c', 'name': 'c'}, {'name': 'new'},
                                                    {'image': 'a', 'name': 'a'}, {'name': 'b'}]}}}}),
    ('env-volumemounts',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'env-volumemounts'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'env': [{'name': 'E1', 'value': '1'},
                                                             {'name': 'E2', 'value': '2'}],
                                                     'volumeMounts': [{'name': 'v',
                                                                       'mountPath': '/a'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'env-volumemounts'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'env': [{'name': 'E2', 'value': 'x'},
                                                             {'name': 'E3', 'value': '3'}],
                                                     'volumeMounts': [{'name': 'w',
                                                                       'mountPath': '/a',
                                                                       'readOnly': True},
                                                                      {'name': 'v',
                                                                       'mountPath': '/b'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'env-volumemounts'},
      'spec': {'template': {'spec': {'containers': [{'env': [{'name': 'E2', 'value': 'x'},
                                                             {'name': 'E3', 'value': '3'},
                                                             {'name': 'E1', 'value': '1'}],
                                                     'name': 'a',
                                                     'volumeMounts': [{'mountPath': '/a',
                                                                       'name': 'w',
                                                                       'readOnly': True},
                                                                      {'mountPath': '/b',
                                                                       'name': 'v'}]}]}}}}),
    ('args-replaced',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'args-replaced'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'args': ['1', '2'],
                                                     'command': ['x']}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'args-replaced'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'args': ['3']}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'args-replaced'},
      'spec': {'template': {'spec': {'containers': [{'args': ['3'],
                                                     'command': ['x'],
                                                     'name': 'a'}]}}}}),
    ('tolerations-replaced',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'tolerations-replaced'},
      'spec': {'template': {'spec': {'tolerations': [{'key': 'k1', 'operator': 'Exists'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'tolerations-replaced'},
      'spec': {'template': {'spec': {'tolerations': [{'key': 'k2', 'operator': 'Exists'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'tolerations-replaced'},
      'spec': {'template': {'spec': {'tolerations': [{'key': 'k2', 'operator': 'Exists'}]}}}}),
    ('volumes-no-retainkeys',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'volumes-no-retainkeys'},
      'spec': {'template': {'spec': {'volumes': [{'name': 'v1', 'emptyDir': {}},
                                                 {'name': 'v2', 'secret': {'secretName': 's'}}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'volumes-no-retainkeys'},
      'spec': {'template': {'spec': {'volumes': [{'name': 'v1', 'configMap': {'name': 'cm'}},
                                                 {'name': 'v3', 'emptyDir': {}}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'volumes-no-retainkeys'},
      'spec': {'template': {'spec': {'volumes': [{'configMap': {'name': 'cm'},
                                                  'emptyDir': {},
                                                  'name': 'v1'},
                                                 {'emptyDir': {}, 'name': 'v3'},
                                                 {'name': 'v2', 'secret': {'secretName': 's'}}]}}}}),
    ('imagepullsecrets',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'imagepullsecrets'},
      'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 's1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'imagepullsecrets'},
      'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 's2'}, {'name': 's1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'imagepullsecrets'},
      'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 's2'}, {'name': 's1'}]}}}}),
    ('ports-add',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-add'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80},
                                                               {'containerPort': 90,
                                                                'protocol': 'UDP'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-add'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 81}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-add'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 81},
                                                               {'containerPort': 80},
                                                               {'containerPort': 90,
                                                                'protocol': 'UDP'}]}]}}}}),
    ('ports-modify-same-keys',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-modify-same-keys'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80},
                                                               {'containerPort': 90,
                                                                'protocol': 'UDP'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-modify-same-keys'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 90,
                                                                'protocol': 'UDP',
                                                                'name': 'u'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-modify-same-keys'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80},
                                                               {'containerPort': 90,
                                                                'name': 'u',
                                                                'protocol': 'UDP'}]}]}}}}),
    ('ports-protocol-only-in-dest',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-dest'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80,
                                                                'protocol': 'TCP'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-dest'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80,
                                                                'name': 'http'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-dest'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80,
                                                                'protocol': 'TCP'}]}]}}}}),
    ('ports-protocol-only-in-patch',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-patch'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-patch'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80,
                                                                'protocol': 'TCP',
                                                                'name': 'http'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-protocol-only-in-patch'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80}]}]}}}}),
    ('ports-other-protocol',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-other-protocol'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 90,
                                                                'protocol': 'UDP'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-other-protocol'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 90,
                                                                'protocol': 'TCP'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-other-protocol'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 90,
                                                                'protocol': 'TCP'},
                                                               {'containerPort': 90,
                                                                'protocol': 'UDP'}]}]}}}}),
    ('ports-string-key',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-string-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-string-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': '80',
                                                                'name': 's'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'ports-string-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': '80',
                                                                'name': 's'}]}]}}}}),
    ('service-ports',
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-ports'},
      'spec': {'ports': [{'port': 80, 'targetPort': 8080}, {'port': 53, 'protocol': 'UDP'}]}},
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-ports'},
      'spec': {'ports': [{'port': 80, 'targetPort': 9090}, {'port': 443},
                         {'port': 53, 'protocol': 'UDP', 'name': 'dns'}]}},
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-ports'},
      'spec': {'ports': [{'port': 443}, {'port': 80, 'targetPort': 9090},
                         {'name': 'dns', 'port': 53, 'protocol': 'UDP'}]}}),
    ('service-port-delete',
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-port-delete'},
      'spec': {'ports': [{'port': 80, 'protocol': 'TCP'}, {'port': 443, 'protocol': 'TCP'}]}},
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-port-delete'},
      'spec': {'ports': [{'port': 443, 'protocol': 'TCP', '$patch': 'delete'}]}},
     {'apiVersion': 'v1',
      'kind': 'Service',
      'metadata': {'name': 'service-port-delete'},
      'spec': {'ports': [{'port': 80, 'protocol': 'TCP'}]}}),
    ('topology-two-keys',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'topology-two-keys'},
      'spec': {'template': {'spec': {'topologySpreadConstraints': [{'topologyKey': 'z',
                                                                    'whenUnsatisfiable': 'DoNotSchedule',
                                                                    'maxSkew': 1}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'topology-two-keys'},
      'spec': {'template': {'spec': {'topologySpreadConstraints': [{'topologyKey': 'z',
                                                                    'whenUnsatisfiable': 'DoNotSchedule',
                                                                    'maxSkew': 2},
                                                                   {'topologyKey': 'z',
                                                                    'whenUnsatisfiable': 'ScheduleAnyway',
                                                                    'maxSkew': 3}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'topology-two-keys'},
      'spec': {'template': {'spec': {'topologySpreadConstraints': [{'maxSkew': 3,
                                                                    'topologyKey': 'z',
                                                                    'whenUnsatisfiable': 'ScheduleAnyway'},
                                                                   {'maxSkew': 2,
                                                                    'topologyKey': 'z',
                                                                    'whenUnsatisfiable': 'DoNotSchedule'}]}}}}),
    ('finalizers-union',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'finalizers-union', 'finalizers': ['f1', 'f2']},
      'spec': {}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'finalizers-union', 'finalizers': ['f3', 'f1']},
      'spec': {}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'finalizers': ['f3', 'f1', 'f2'], 'name': 'finalizers-union'},
      'spec': {}}),
    ('finalizers-dedupe',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'finalizers-dedupe', 'finalizers': ['a', 'b', 'a']},
      'spec': {}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'finalizers-dedupe'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'finalizers': ['a', 'b'], 'name': 'finalizers-dedupe'},
      'spec': {'replicas': 1}}),
    ('delete-element',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-element'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}, {'name': 'b'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-element'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', '$patch': 'delete'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-element'},
      'spec': {'template': {'spec': {'containers': [{'name': 'b'}]}}}}),
    ('delete-missing-element',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-missing-element'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-missing-element'},
      'spec': {'template': {'spec': {'containers': [{'name': 'zz', '$patch': 'delete'}],
                                     'volumes': [{'name': 'v', '$patch': 'delete'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-missing-element'},
      'spec': {'template': {'spec': {'containers': [{'image': 'a', 'name': 'a'}], 'volumes': []}}}}),
    ('delete-map',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-map'},
      'spec': {'template': {'metadata': {'labels': {'a': 'b'}}, 'spec': {'hostname': 'h'}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-map'},
      'spec': {'template': {'metadata': {'$patch': 'delete'}}, 'strategy': {'$patch': 'delete'}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-map'},
      'spec': {'template': {'spec': {'hostname': 'h'}}}}),
    ('delete-resource',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-resource'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-resource'},
      '$patch': 'delete'},
     None),
    ('replace-map',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-map', 'labels': {'x': '1', 'y': '2'}},
      'spec': {'selector': {'matchLabels': {'a': '1'}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-map', 'labels': {'$patch': 'replace', 'z': '3'}},
      'spec': {'selector': {'$patch': 'replace',
                            'matchExpressions': [{'key': 'k', 'operator': 'Exists'}]}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'labels': {'z': '3'}, 'name': 'replace-map'},
      'spec': {'selector': {'matchExpressions': [{'key': 'k', 'operator': 'Exists'}]}}}),
    ('merge-directive',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'merge-directive', 'labels': {'x': '1'}},
      'spec': {}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'merge-directive', 'labels': {'$patch': 'merge', 'y': '2'}},
      'spec': {}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'labels': {'x': '1', 'y': '2'}, 'name': 'merge-directive'},
      'spec': {}}),
    ('replace-list',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-list'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a'},
                                                    {'name': 'b', 'image': 'b'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-list'},
      'spec': {'template': {'spec': {'containers': [{'$patch': 'replace'},
                                                    {'name': 'c', 'image': 'c'},
                                                    {'name': 'a', 'args': ['x']}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-list'},
      'spec': {'template': {'spec': {'containers': [{'image': 'c', 'name': 'c'},
                                                    {'args': ['x'], 'name': 'a'}]}}}}),
    ('delete-list',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-list'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}],
                                     'volumes': [{'name': 'v', 'emptyDir': {}}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-list'},
      'spec': {'template': {'spec': {'volumes': [{'$patch': 'delete'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'delete-list'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}}),
    ('replace-resource-noop',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-resource-noop'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-resource-noop'},
      '$patch': 'replace',
      'spec': {'paused': True}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'replace-resource-noop'},
      'spec': {'replicas': 1}}),
    ('nonassoc-list-directive-kept',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'nonassoc-list-directive-kept'},
      'spec': {'template': {'spec': {'tolerations': [{'key': 'k1'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'nonassoc-list-directive-kept'},
      'spec': {'template': {'spec': {'tolerations': [{'$patch': 'replace'}, {'key': 'k2'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'nonassoc-list-directive-kept'},
      'spec': {'template': {'spec': {'tolerations': [{'$patch': 'replace'}, {'key': 'k2'}]}}}}),
    ('unimplemented-directives-copied',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'unimplemented-directives-copied', 'finalizers': ['f1']},
      'spec': {'strategy': {'type': 'RollingUpdate'},
               'template': {'spec': {'containers': [{'name': 'a'}, {'name': 'b'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'unimplemented-directives-copied',
                   '$deleteFromPrimitiveList/finalizers': ['f1']},
      'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate'},
               'template': {'spec': {'$setElementOrder/containers': [{'name': 'b'}, {'name': 'a'}],
                                     'containers': [{'name': 'a', 'image': 'x'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'$deleteFromPrimitiveList/finalizers': ['f1'],
                   'finalizers': ['f1'],
                   'name': 'unimplemented-directives-copied'},
      'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate'},
               'template': {'spec': {'$setElementOrder/containers': [{'name': 'b'}, {'name': 'a'}],
                                     'containers': [{'image': 'x', 'name': 'a'}, {'name': 'b'}]}}}}),
    ('element-without-key',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'element-without-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'env': [{'name': 'E1', 'value': '1'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'element-without-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'env': [{'value': 'x'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'element-without-key'},
      'spec': {'template': {'spec': {'containers': [{'env': [], 'name': 'a'}]}}}}),
    ('dest-element-without-key',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-element-without-key'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}, {'image': 'nameless'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-element-without-key'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'dest-element-without-key'},
      'spec': {'replicas': 1, 'template': {'spec': {'containers': [{'image': 'nameless'}]}}}}),
    ('duplicates-collapse',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'duplicates-collapse'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'env': [{'name': 'E', 'value': '1'},
                                                             {'name': 'F'},
                                                             {'name': 'E', 'value': '2'}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'duplicates-collapse'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'duplicates-collapse'},
      'spec': {'replicas': 1,
               'template': {'spec': {'containers': [{'env': [{'name': 'E', 'value': '2'},
                                                             {'name': 'F'}],
                                                     'name': 'a'}]}}}}),
    ('empty-element-dropped',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'empty-element-dropped'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}, {}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'empty-element-dropped'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'empty-element-dropped'},
      'spec': {'replicas': 1, 'template': {'spec': {'containers': [{'name': 'a'}]}}}}),
    ('empty-patch',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'empty-patch', 'labels': {'x': 'y'}},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'empty-patch'}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'labels': {'x': 'y'}, 'name': 'empty-patch'},
      'spec': {'template': {'spec': {'containers': [{'image': 'a', 'name': 'a'}]}}}}),
    ('list-to-null',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'list-to-null'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}], 'volumes': [{'name': 'v'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'list-to-null'},
      'spec': {'template': {'spec': {'volumes': None}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'list-to-null'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}}),
    ('add-missing-list',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'add-missing-list'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'add-missing-list'},
      'spec': {'template': {'spec': {'initContainers': [{'name': 'i', 'image': 'i'}],
                                     'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80}]}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'add-missing-list'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                     'ports': [{'containerPort': 80}]}],
                                     'initContainers': [{'image': 'i', 'name': 'i'}]}}}}),
    ('cronjob-nested',
     {'apiVersion': 'batch/v1',
      'kind': 'CronJob',
      'metadata': {'name': 'cronjob-nested'},
      'spec': {'schedule': '* * * * *',
               'jobTemplate': {'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                                              'image': 'a'}]}}}}}},
     {'apiVersion': 'batch/v1',
      'kind': 'CronJob',
      'metadata': {'name': 'cronjob-nested'},
      'spec': {'jobTemplate': {'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                                              'image': 'b'},
                                                                             {'name': 'side'}]}}}}}},
     {'apiVersion': 'batch/v1',
      'kind': 'CronJob',
      'metadata': {'name': 'cronjob-nested'},
      'spec': {'jobTemplate': {'spec': {'template': {'spec': {'containers': [{'image': 'b',
                                                                              'name': 'a'},
                                                                             {'name': 'side'}]}}}},
               'schedule': '* * * * *'}}),
    ('cr-lists-replaced',
     {'apiVersion': 'example.com/v1',
      'kind': 'Thing',
      'metadata': {'name': 'cr-lists-replaced', 'finalizers': ['f1']},
      'spec': {'items': [{'name': 'a', 'v': 1}, {'name': 'b'}], 'm': {'x': 1}}},
     {'apiVersion': 'example.com/v1',
      'kind': 'Thing',
      'metadata': {'name': 'cr-lists-replaced', 'finalizers': ['f2']},
      'spec': {'items': [{'name': 'a', 'v': 2}], 'm': {'y': 2}}},
     {'apiVersion': 'example.com/v1',
      'kind': 'Thing',
      'metadata': {'finalizers': ['f2'], 'name': 'cr-lists-replaced'},
      'spec': {'items': [{'name': 'a', 'v': 2}], 'm': {'x': 1, 'y': 2}}}),
    ('cr-embedded-manifest',
     {'apiVersion': 'kubernetes.crossplane.io/v1alpha1',
      'kind': 'Object',
      'metadata': {'name': 'cr-embedded-manifest'},
      'spec': {'forProvider': {'manifest': {'apiVersion': 'apps/v1',
                                            'kind': 'Deployment',
                                            'metadata': {'name': 'inner'},
                                            'spec': {'template': {'spec': {'containers': [{'name': 'a',
                                                                                           'image': 'a'}]}}}}}}},
     {'apiVersion': 'kubernetes.crossplane.io/v1alpha1',
      'kind': 'Object',
      'metadata': {'name': 'cr-embedded-manifest'},
      'spec': {'forProvider': {'manifest': {'spec': {'template': {'spec': {'containers': [{'name': 'b',
                                                                                           'image': 'b'}]}}}}}}},
     {'apiVersion': 'kubernetes.crossplane.io/v1alpha1',
      'kind': 'Object',
      'metadata': {'name': 'cr-embedded-manifest'},
      'spec': {'forProvider': {'manifest': {'apiVersion': 'apps/v1',
                                            'kind': 'Deployment',
                                            'metadata': {'name': 'inner'},
                                            'spec': {'template': {'spec': {'containers': [{'image': 'b',
                                                                                           'name': 'b'},
                                                                                          {'image': 'a',
                                                                                           'name': 'a'}]}}}}}}}),
]

ERROR_CASES = [
    ('unknown-directive',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e1'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e1'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', '$patch': 'bogus'}]}}}},
     "unknown patch strategy 'bogus'"),
    ('unknown-list-directive',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e2'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e2'},
      'spec': {'template': {'spec': {'containers': [{'$patch': 'bogus'}]}}}},
     "unknown patch strategy 'bogus'"),
    ('wrong-kind-map-for-scalar',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e3'},
      'spec': {'replicas': 1}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e3'},
      'spec': {'replicas': {'a': 1}}},
     'wrong node kind: expected ScalarNode but got MappingNode'),
    ('wrong-kind-map-for-list',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e4'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e4'},
      'spec': {'template': {'spec': {'containers': {'name': 'a'}}}}},
     'wrong node kind: expected SequenceNode but got MappingNode'),
    ('wrong-kind-scalar-element',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e5'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a'}, 'x']}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'e5'},
      'spec': {'replicas': 1}},
     'wrong node kind: expected MappingNode but got ScalarNode'),
]

CUSTOM_SCHEMA = {'definitions': {'com.example.v1.Foo': {'type': 'object',
                                            'x-kubernetes-group-version-kind': [{'group': 'example.com',
                                                                                 'version': 'v1',
                                                                                 'kind': 'Foo'}],
                                            'properties': {'spec': {'$ref': '#/definitions/com.example.v1.FooSpec'}}},
                     'com.example.v1.FooSpec': {'type': 'object',
                                                'properties': {'items': {'type': 'array',
                                                                         'items': {'$ref': '#/definitions/com.example.v1.Item'},
                                                                         'x-kubernetes-patch-merge-key': 'id',
                                                                         'x-kubernetes-patch-strategy': 'merge'},
                                                               'multi': {'type': 'array',
                                                                         'items': {'type': 'object'},
                                                                         'x-kubernetes-list-map-keys': ['a',
                                                                                                        'b'],
                                                                         'x-kubernetes-patch-merge-key': 'a',
                                                                         'x-kubernetes-patch-strategy': 'merge'},
                                                               'tags': {'type': 'array',
                                                                        'items': {'type': 'string'},
                                                                        'x-kubernetes-patch-strategy': 'merge'},
                                                               'nomerge': {'type': 'array',
                                                                           'items': {'type': 'object'},
                                                                           'x-kubernetes-patch-merge-key': 'id'}}},
                     'com.example.v1.Item': {'type': 'object',
                                             'properties': {'id': {'type': 'string'},
                                                            'v': {'type': 'string'}}}}}

CUSTOM_CASES = [
    ('custom-crd-merge-keys',
     {'apiVersion': 'example.com/v1',
      'kind': 'Foo',
      'metadata': {'name': 'f'},
      'spec': {'items': [{'id': '1', 'v': 'a'}, {'id': '2', 'v': 'b'}],
               'tags': ['x', 'y'],
               'nomerge': [{'id': '1'}],
               'multi': [{'a': '1', 'b': 'x'}],
               'other': [{'name': 'n1', 'v': 1}]}},
     {'apiVersion': 'example.com/v1',
      'kind': 'Foo',
      'metadata': {'name': 'f'},
      'spec': {'items': [{'id': '3', 'v': 'c'}, {'id': '1', 'v': 'z'}],
               'tags': ['z', 'x'],
               'nomerge': [{'id': '2'}],
               'multi': [{'a': '1', 'b': 'y'}],
               'other': [{'name': 'n2'}]}},
     {'apiVersion': 'example.com/v1',
      'kind': 'Foo',
      'metadata': {'name': 'f'},
      'spec': {'items': [{'id': '3', 'v': 'c'}, {'id': '1', 'v': 'z'}, {'id': '2', 'v': 'b'}],
               'multi': [{'a': '1', 'b': 'y'}, {'a': '1', 'b': 'x'}],
               'nomerge': [{'id': '2'}],
               'other': [{'name': 'n2'}],
               'tags': ['z', 'x', 'y']}}),
    ('custom-replaces-builtin',
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'd'},
      'spec': {'template': {'spec': {'containers': [{'name': 'a', 'image': 'a'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'd'},
      'spec': {'template': {'spec': {'containers': [{'name': 'b', 'image': 'b'}]}}}},
     {'apiVersion': 'apps/v1',
      'kind': 'Deployment',
      'metadata': {'name': 'd'},
      'spec': {'template': {'spec': {'containers': [{'image': 'b', 'name': 'b'}]}}}}),
]


# --------------------------------------------------------------------------------------
# recorded Kustomize behaviour

@pytest.mark.parametrize("base,patch,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_smp_matches_recorded_kustomize(base, patch, expected):
    assert canon(apply(base, patch)) == canon(expected)


@pytest.mark.parametrize("base,patch,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_patch_is_not_mutated(base, patch, expected):
    before = copy.deepcopy(patch)
    strategic_merge(copy.deepcopy(base), patch, builtin_schema())
    assert patch == before


def test_same_patch_applies_to_many_resources():
    patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
             "spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "c"}],
                                            "volumes": [{"name": "v", "$patch": "delete"}]}}}}
    for _ in range(3):
        base = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                "spec": {"template": {"spec": {"containers": [{"name": "a"}],
                                               "volumes": [{"name": "v"}, {"name": "w"}]}}}}
        out = strategic_merge(base, patch, builtin_schema())
        assert out["spec"]["template"]["spec"] == {"containers": [{"name": "c"}],
                                                   "volumes": [{"name": "w"}]}


def test_delete_directive_returns_none_and_replace_at_top_is_a_noop():
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    assert strategic_merge(copy.deepcopy(base), {"$patch": "delete"}, builtin_schema()) is None
    out = strategic_merge(copy.deepcopy(base), {"$patch": "replace", "data": {"b": "2"}},
                          builtin_schema())
    assert out == base


def test_emptied_resource_is_deleted():
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    patch = {"apiVersion": None, "kind": None, "metadata": None}
    assert strategic_merge(base, patch, builtin_schema()) is None


def test_without_schema_every_list_is_replaced():
    base = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}
    out = strategic_merge(copy.deepcopy(base), patch, None)
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "b"}]
    out = strategic_merge(copy.deepcopy(base), patch, builtin_schema())
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "b"}, {"name": "a"}]


@pytest.mark.parametrize("base,patch,message", [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_errors_like_kustomize(base, patch, message):
    with pytest.raises(SmpError) as ei:
        apply(base, patch)
    assert message in str(ei.value)
    assert isinstance(ei.value, RenderError)


# --------------------------------------------------------------------------------------
# schema data

@pytest.mark.parametrize("gvk,path,expected", [
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "containers"), ("merge", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "initContainers"), ("merge", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "containers", "[]", "ports"),
     ("merge", ["containerPort", "protocol"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "containers", "[]", "env"), ("merge", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "containers", "[]", "volumeMounts"),
     ("merge", ["mountPath"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "volumes"), ("merge,retainKeys", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "imagePullSecrets"), ("merge", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "topologySpreadConstraints"),
     ("merge", ["topologyKey", "whenUnsatisfiable"])),
    (("apps", "v1", "StatefulSet"), ("spec", "template", "spec", "hostAliases"), ("merge", ["ip"])),
    (("batch", "v1", "CronJob"), ("spec", "jobTemplate", "spec", "template", "spec", "containers"), ("merge", ["name"])),
    (("", "v1", "Pod"), ("spec", "containers", "[]", "volumeDevices"), ("merge", ["devicePath"])),
    (("", "v1", "Service"), ("spec", "ports"), ("merge", ["port", "protocol"])),
    (("", "v1", "ServiceAccount"), ("secrets",), ("merge", ["name"])),
    (("", "v1", "ConfigMap"), ("metadata", "finalizers"), ("merge", [])),
    (("", "v1", "ConfigMap"), ("metadata", "ownerReferences"), ("merge", ["uid"])),
    (("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration"), ("webhooks",), ("merge", ["name"])),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "containers", "[]", "args"), None),
    (("apps", "v1", "Deployment"), ("spec", "template", "spec", "tolerations"), None),
    (("apps", "v1", "Deployment"), ("spec", "nope"), None),
    (("example.com", "v1", "Thing"), ("spec", "items"), None),
])
def test_builtin_list_strategies(gvk, path, expected):
    assert builtin_schema().list_strategy(gvk, path) == expected


def test_builtin_schema_is_cached_and_immutable():
    s = builtin_schema()
    assert s is builtin_schema()
    node = s.lookup(("apps", "v1", "Deployment"), ("spec",))
    assert node is not None
    with pytest.raises(TypeError):
        node._raw["p"]["x"] = {}          # read-only mapping
    assert ("apps/v1", "Deployment") in s.types()
    assert ("networking.k8s.io/v1", "Ingress") in s.types()


def test_compile_definitions_keeps_only_merge_facts():
    data = compile_definitions({
        "A": {"type": "object", "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "A"}],
              "properties": {"s": {"type": "string"}, "l": {"type": "array", "items": {"type": "string"}},
                             "m": {"type": "array", "items": {"$ref": "#/definitions/B"},
                                   "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "k"},
                             "o": {"type": "object"}, "r": {"$ref": "#/definitions/B"}}},
        "B": {"type": "object", "properties": {"k": {"type": "string"}}},
    })
    assert data == {"definitions": {"A": {"p": {"m": {"s": "merge", "k": "k", "t": 1, "i": "B"}, "o": {}, "r": "B"}},
                                    "B": {}},
                    "gvk": {"v1 A": "A"}}
    s = PatchSchema(data)
    assert s.list_strategy(("", "v1", "A"), ("m",)) == ("merge", ["k"])
    assert s.lookup(("", "v1", "A"), ("m", "[]")) is not None
    assert s.lookup(("", "v1", "A"), ("s",)) is None


def test_custom_schema_layering_is_optional():
    only = schema_from_openapi_document(CUSTOM_SCHEMA, None)
    layered = schema_from_openapi_document(CUSTOM_SCHEMA, builtin_schema())
    foo = ("example.com", "v1", "Foo")
    dep = ("apps", "v1", "Deployment")
    containers = ("spec", "template", "spec", "containers")
    for s in (only, layered):
        assert s.list_strategy(foo, ("spec", "items")) == ("merge", ["id"])
        assert s.list_strategy(foo, ("spec", "multi")) == ("merge", ["a", "b"])
        assert s.list_strategy(foo, ("spec", "tags")) == ("merge", [])
        assert s.list_strategy(foo, ("spec", "nomerge")) is None
    assert only.list_strategy(dep, containers) is None          # Kustomize: custom replaces built-in
    assert layered.list_strategy(dep, containers) == ("merge", ["name"])


def test_custom_schema_rejects_non_maps():
    with pytest.raises(RenderError):
        schema_from_openapi_document(["not", "a", "map"], None)
    with pytest.raises(RenderError):
        schema_from_openapi_document({"definitions": []}, None)


@pytest.mark.parametrize("base,patch,expected", [c[1:] for c in CUSTOM_CASES],
                         ids=[c[0] for c in CUSTOM_CASES])
def test_custom_schema_matches_recorded_kustomize(base, patch, expected):
    schema = schema_from_openapi_document(CUSTOM_SCHEMA, None)
    assert canon(apply(base, patch, schema)) == canon(expected)


# --------------------------------------------------------------------------------------
# differential: run kubectl kustomize now

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl (with its embedded Kustomize v5.5.0) is not installed")


def _kustomize(resources: list, patches: list, schema_doc: dict | None = None):
    """kubectl kustomize on a tmp dir: resources + one `patches:` entry per patch.
    Returns (output objects, None) or (None, stderr)."""
    d = tempfile.mkdtemp(prefix="kustgen-smp-")
    try:
        with open(os.path.join(d, "r.yaml"), "w") as f:
            yaml.safe_dump_all(resources, f)
        kust = {"resources": ["r.yaml"], "patches": []}
        for i, p in enumerate(patches):
            fn = "p%d.yaml" % i
            with open(os.path.join(d, fn), "w") as f:
                yaml.safe_dump(p, f)
            kust["patches"].append({"path": fn})
        if schema_doc is not None:
            with open(os.path.join(d, "schema.json"), "w") as f:
                json.dump(schema_doc, f)
            kust["openapi"] = {"path": "schema.json"}
        with open(os.path.join(d, "kustomization.yaml"), "w") as f:
            yaml.safe_dump(kust, f)
        p = subprocess.run([KUBECTL, "kustomize", d], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            return None, p.stderr
        return [o for o in yaml.safe_load_all(p.stdout) if o], None
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _kustomize_version() -> str:
    p = subprocess.run([KUBECTL, "version", "--client"], capture_output=True, text=True, timeout=60)
    return p.stdout


@needs_kubectl
def test_differential_cases_against_kubectl():
    if "v5.5.0" not in _kustomize_version():
        pytest.skip("kubectl does not embed Kustomize v5.5.0: %s" % _kustomize_version().strip())
    bases = [c[1] for c in CASES]
    patches = [c[2] for c in CASES]
    out, err = _kustomize(bases, patches)
    assert err is None, err
    got = {o["metadata"]["name"]: o for o in out}
    mismatches = []
    for id, base, patch, expected in CASES:
        k = got.get(base["metadata"]["name"])
        m = apply(base, patch)
        if canon(k) != canon(m):
            mismatches.append("%s:\n  kubectl: %s\n  kustgen: %s" % (id, canon(k), canon(m)))
    assert not mismatches, "\n".join(mismatches)


@needs_kubectl
def test_differential_errors_against_kubectl():
    if "v5.5.0" not in _kustomize_version():
        pytest.skip("kubectl does not embed Kustomize v5.5.0")
    for id, base, patch, message in ERROR_CASES[:3]:
        out, err = _kustomize([base], [patch])
        assert out is None and message in err, (id, out, err)
        with pytest.raises(SmpError):
            apply(base, patch)


@needs_kubectl
def test_differential_custom_schema_against_kubectl():
    if "v5.5.0" not in _kustomize_version():
        pytest.skip("kubectl does not embed Kustomize v5.5.0")
    out, err = _kustomize([c[1] for c in CUSTOM_CASES], [c[2] for c in CUSTOM_CASES], CUSTOM_SCHEMA)
    assert err is None, err
    got = {o["kind"]: o for o in out}
    schema = schema_from_openapi_document(CUSTOM_SCHEMA, None)
    for id, base, patch, expected in CUSTOM_CASES:
        assert canon(got[base["kind"]]) == canon(apply(base, patch, schema)), id
