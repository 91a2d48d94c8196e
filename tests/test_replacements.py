"""Replacements, checked against kubectl kustomize (Kustomize v5.5.0).

Every expectation in CASES and PREVIOUS_ID_CASES was produced by running ``kubectl kustomize``
on RESOURCES (or on the BASE_* kustomization) with the listed replacements; the differential
tests at the bottom re-run a sample through kubectl when it is installed.

An expectation is either ``{"changes": {"Kind/name": {"dotted.path": new value}}}`` (the leaf
fields that differ from the input; ``""`` maps to a whole new document after a rename) or
``{"error": text}`` (Kustomize's message; ours must contain it. For errors Kustomize only
raises when it turns the object into JSON, its ``map[string]interface {}(nil):`` prefix is
left out, and node dumps after ``node contents:`` are not compared).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kustgen.model import RenderError, ResId, Resource
from kustgen.kustomize import fieldpath as fp
from kustgen.kustomize.filters.replacements import (
    apply_replacements, label_selector_matches, parse_label_selector,
)


# -- helpers -----------------------------------------------------------------------------------

from kyaml_helpers import diff as _diff, load  # noqa: E402


def changes(before: list, after: list) -> dict:
    old = {d["kind"] + "/" + d["metadata"]["name"]: d for d in before}
    out = {}
    for d in after:
        k = d["kind"] + "/" + str(d["metadata"].get("name"))
        if k not in old:
            out[k] = {"": d}
        else:
            dd = _diff(old[k], d)
            if dd:
                out[k] = dd
    return out


def run_ours(resources: list, reps: list, before: list) -> dict:
    try:
        apply_replacements(resources, json.loads(json.dumps(reps)), "kustomization.yaml")
    except RenderError as e:
        assert e.file == "kustomization.yaml"
        return {"error": e.message}
    return {"changes": changes(before, [r.obj for r in resources])}


def check(expected: dict, got: dict) -> None:
    if "error" in expected:
        assert "error" in got, "kustomize fails with %r, we did not" % expected["error"]
        assert expected["error"] in got["error"]
    else:
        assert got == expected


# -- the table -----------------------------------------------------------------------------------

RESOURCES = (
    'apiVersion: v1\n'
    'kind: ConfigMap\n'
    'metadata:\n'
    '  name: src\n'
    '  labels:\n'
    '    app: a\n'
    'data:\n'
    '  word: abc\n'
    '  num: "3"\n'
    '  t: "true"\n'
    '  ver: "1.2.3"\n'
    '  e: ""\n'
    '  date: "2024-01-02"\n'
    '  x.y: dotted\n'
    '  n: null\n'
    '  list:\n'
    '  - name: x\n'
    '    v: "1"\n'
    '  - name: "y"\n'
    '    v: "2"\n'
    '  - name: 80\n'
    '    v: "3"\n'
    '  prim:\n'
    '  - a\n'
    '  - b\n'
    'spec:\n'
    '  i: 5\n'
    '  b: true\n'
    '  f: 1.5\n'
    '  m:\n'
    '    a: 1\n'
    '  l:\n'
    '  - 1\n'
    '  - 2\n'
    '---\n'
    'apiVersion: v1\n'
    'kind: ConfigMap\n'
    'metadata:\n'
    '  name: src2\n'
    '  namespace: ns1\n'
    'data:\n'
    '  word: other\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: dep\n'
    '  labels:\n'
    '    app: a\n'
    '    tier: web\n'
    '  annotations:\n'
    '    note: "yes"\n'
    'spec:\n'
    '  replicas: 1\n'
    '  f: a-b-c\n'
    '  flag: false\n'
    '  ratio: 2.5\n'
    '  nul: null\n'
    '  empty: []\n'
    '  m:\n'
    '    k: 1\n'
    '  template:\n'
    '    spec:\n'
    '      containers:\n'
    '      - name: nginx\n'
    '        image: nginx:1.0\n'
    '        ports:\n'
    '        - containerPort: 80\n'
    '          name: http\n'
    '        args:\n'
    '        - --a\n'
    '        - -jar\n'
    '        - x.jar\n'
    '      - name: nginx-sidecar\n'
    '        image: side:2\n'
    '      - name: 42\n'
    '        image: num\n'
    '      - name: "01"\n'
    '        image: zero\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: dep2\n'
    '  namespace: ns1\n'
    '  labels:\n'
    '    app: b\n'
    'spec:\n'
    '  f: a-b-c\n'
    '---\n'
    'apiVersion: rbac.authorization.k8s.io/v1\n'
    'kind: ClusterRole\n'
    'metadata:\n'
    '  name: cr\n'
)

CASES = [
    ('str into str',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('str number into int keeps int',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]}],
     {'changes': {'Deployment/dep': {'spec.replicas': 3}}}),
    ('int into str keeps str',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.i'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '5'}}}),
    ('bool into str',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.b'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'true'}}}),
    ('float into str',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.f'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '1.5'}}}),
    ('str true into bool',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.t'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.flag']}]}],
     {'changes': {'Deployment/dep': {'spec.flag': True}}}),
    ('str number into float',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.ratio']}]}],
     {'changes': {'Deployment/dep': {'spec.ratio': 3}}}),
    ('word into int fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]}],
     {'error': 'yaml: cannot decode !!str `abc` as a !!int'}),
    ('number into bool fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.flag']}]}],
     {'error': 'yaml: cannot decode !!int `3` as a !!bool'}),
    ('word into null fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.nul']}]}],
     {'error': 'yaml: cannot decode !!str `abc` as a !!null'}),
    ('empty string into str',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.e'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': ''}}}),
    ('empty string into int fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.e'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]}],
     {'error': 'yaml: cannot decode !!null `` as a !!int'}),
    ('map into str gives empty',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.m'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': ''}}}),
    ('map into map replaces',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.m'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.m']}]}],
     {'changes': {'Deployment/dep': {'spec.m.a': 1, 'spec.m.k': '<gone>'}}}),
    ('str into map replaces',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.m']}]}],
     {'changes': {'Deployment/dep': {'spec.m': '3'}}}),
    ('list into list',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.l'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.empty']}]}],
     {'changes': {'Deployment/dep': {'spec.empty': [1, 2]}}}),
    ('int into int element',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.i'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.0.ports.0.containerPort']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.ports.0.containerPort': 5}}}),
    ('source null is missing',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.n'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'fieldPath `data.n` is missing for replacement source '
               'ConfigMap.[noVer].[noGrp]/src.[noNs]'}),
    ('source missing',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.nope'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'fieldPath `data.nope` is missing for replacement source '
               'ConfigMap.[noVer].[noGrp]/src.[noNs]'}),
    ('source empty map missing',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.none'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'fieldPath `spec.none` is missing for replacement source '
               'ConfigMap.[noVer].[noGrp]/src.[noNs]'}),
    ('source default fieldPath',
     [{'source': {'kind': 'ConfigMap', 'name': 'src'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'src'}}}),
    ('source list entry exact',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.[name=y].v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '2'}}}),
    ('source list entry number',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.[name=80].v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '3'}}}),
    ('source list entry no regex',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.[name=.].v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'fieldPath `data.list.[name=.].v` is missing for replacement source '
               'ConfigMap.[noVer].[noGrp]/src.[noNs]'}),
    ('source index',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.1.v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '2'}}}),
    ('source last',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.-.v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '3'}}}),
    ('source negative index',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.-1.v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'error looking up replacement source: array index -1 cannot be negative'}),
    ('source index past end',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.9.v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'fieldPath `data.list.9.v` is missing for replacement source '
               'ConfigMap.[noVer].[noGrp]/src.[noNs]'}),
    ('source wildcard',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.*.v'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'error looking up replacement source: wildcard is not supported in PathGetter'}),
    ('source primitive entry',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.prim.[=b]'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'b'}}}),
    ('source path trimmed',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data. word '},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('source empty element dropped',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data..word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('source bracketed key',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.[x.y]'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'dotted'}}}),
    ('source field of scalar',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word.x'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'error looking up replacement source: wrong node kind: expected MappingNode but got '
               'ScalarNode: '}),
    ('source field of list',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.name'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'error looking up replacement source: wrong node kind: expected MappingNode but got '
               'SequenceNode: '}),
    ('source bad list element',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.list.[name]'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'error looking up replacement source: list path element must contain '
               'fieldName=fieldValue for element to match'}),
    ('source delimiter',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'fieldPath': 'data.ver',
                  'options': {'delimiter': '.', 'index': 1}},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': '2'}}}),
    ('source delimiter out of bounds',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'fieldPath': 'data.ver',
                  'options': {'delimiter': '.', 'index': 3}},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'options.index 3 is out of bounds for value 1.2.3'}),
    ('source delimiter negative',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'fieldPath': 'data.ver',
                  'options': {'delimiter': '.', 'index': -1}},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'options.index -1 is out of bounds for value 1.2.3'}),
    ('source delimiter on map',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'fieldPath': 'spec.m',
                  'options': {'delimiter': '.'}},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'delimiter option can only be used with scalar nodes'}),
    ('source by name only',
     [{'source': {'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('source multiple',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'multiple matches for selector ConfigMap.[noVer].[noGrp]/[noName].[noNs]:data.word'}),
    ('source nothing',
     [{'source': {'kind': 'ConfigMap', 'name': 'nope', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'nothing selected by ConfigMap.[noVer].[noGrp]/nope.[noNs]:data.word'}),
    ('source nothing full',
     [{'source': {'group': 'apps',
                  'version': 'v1',
                  'kind': 'ConfigMap',
                  'name': 'nope',
                  'namespace': 'x',
                  'fieldPath': 'data.word',
                  'options': {'delimiter': '-', 'index': 1, 'create': True}},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'nothing selected by ConfigMap.v1.apps/nope.x:data.word:-(1), create=true'}),
    ('source nothing no fieldPath',
     [{'source': {'kind': 'ConfigMap', 'name': 'nope'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'nothing selected by ConfigMap.[noVer].[noGrp]/nope.[noNs]'}),
    ('source name is not a regex',
     [{'source': {'kind': 'ConfigMap', 'name': 'sr.', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'nothing selected by ConfigMap.[noVer].[noGrp]/sr..[noNs]:data.word'}),
    ('source namespace default',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'namespace': 'default',
                  'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('source namespace ns1',
     [{'source': {'kind': 'ConfigMap', 'namespace': 'ns1', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'other'}}}),
    ('default target fieldPath',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}}]}],
     {'changes': {'Deployment/abc': {'': {'apiVersion': 'apps/v1',
                                          'kind': 'Deployment',
                                          'metadata': {'annotations': {'note': 'yes'},
                                                       'labels': {'app': 'a', 'tier': 'web'},
                                                       'name': 'abc'},
                                          'spec': {'empty': [],
                                                   'f': 'a-b-c',
                                                   'flag': False,
                                                   'm': {'k': 1},
                                                   'nul': None,
                                                   'ratio': 2.5,
                                                   'replicas': 1,
                                                   'template': {'spec': {'containers': [{'args': ['--a',
                                                                                                  '-jar',
                                                                                                  'x.jar'],
                                                                                         'image': 'nginx:1.0',
                                                                                         'name': 'nginx',
                                                                                         'ports': [{'containerPort': 80,
                                                                                                    'name': 'http'}]},
                                                                                        {'image': 'side:2',
                                                                                         'name': 'nginx-sidecar'},
                                                                                        {'image': 'num',
                                                                                         'name': 42},
                                                                                        {'image': 'zero',
                                                                                         'name': '01'}]}}}}}}}),
    ('list entry regex unanchored',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=nginx].image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.image': 'abc',
                                     'spec.template.spec.containers.1.image': 'abc'}}}),
    ('list entry regex anchored',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=^nginx$].image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.image': 'abc'}}}),
    ('list entry regex dot',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=ngi.x].image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.image': 'abc',
                                     'spec.template.spec.containers.1.image': 'abc'}}}),
    ('list entry number',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=42].image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.2.image': 'abc'}}}),
    ('list entry quoted string',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=^"01"$].image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.3.image': 'abc'}}}),
    ('list entry no match',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=nomatch].image']}]}],
     {'error': 'unable to find field "spec.template.spec.containers.[name=nomatch].image" in '
               'replacement target'}),
    ('list entry bad regex',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=(].image']}]}],
     {'error': 'unable to find field "spec.template.spec.containers.[name=(].image" in replacement '
               'target: error parsing regexp: missing closing ): `(`'}),
    ('index',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.0.image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.image': 'abc'}}}),
    ('index past end',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.9.image']}]}],
     {'error': 'unable to find field "spec.template.spec.containers.9.image" in replacement target: '
               'index 9 specified but only 4 elements found'}),
    ('dash is a field',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.-.image']}]}],
     {'error': 'unable to find field "spec.template.spec.containers.-.image" in replacement target: '
               'wrong node kind: expected MappingNode but got SequenceNode: '}),
    ('wildcard',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.*.image']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.image': 'abc',
                                     'spec.template.spec.containers.1.image': 'abc',
                                     'spec.template.spec.containers.2.image': 'abc',
                                     'spec.template.spec.containers.3.image': 'abc'}}}),
    ('wildcard on map',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.m.*']}]}],
     {'error': 'unable to find field "spec.m.*" in replacement target: wrong node kind: expected '
               'SequenceNode but got MappingNode: '}),
    ('primitive entry',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=nginx].args.[=-jar]']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.args.1': 'abc'}}}),
    ('nested entry by number',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=^nginx$].ports.[containerPort=80].name']}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.ports.0.name': 'abc'}}}),
    ('through null',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.nul.x']}]}],
     {'error': 'unable to find field "spec.nul.x" in replacement target'}),
    ('field of list',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.image']}]}],
     {'error': 'unable to find field "spec.template.spec.containers.image" in replacement target: '
               'wrong node kind: expected MappingNode but got SequenceNode: '}),
    ('field of scalar',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f.x']}]}],
     {'error': 'unable to find field "spec.f.x" in replacement target: wrong node kind: expected '
               'MappingNode but got ScalarNode: '}),
    ('empty element',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec..f']}]}],
     {'error': 'unable to find field "spec..f" in replacement target: wrong node kind: expected '
               'ScalarNode but got MappingNode: '}),
    ('spaces kept',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec. f']}]}],
     {'error': 'unable to find field "spec. f" in replacement target'}),
    ('missing field',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.nope']}]}],
     {'error': 'unable to find field "spec.nope" in replacement target'}),
    ('escaped dot key',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.a\\.b'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.a.b': 'abc'}}}),
    ('bracketed key',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.[config.kubernetes.io/x]'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.config.kubernetes.io/x': 'abc'}}}),
    ('two fieldPaths, second fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.0.image', 'spec.replicas']}]}],
     {'error': 'yaml: cannot decode !!str `abc` as a !!int'}),
    ('create field from str number',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.new'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.new': 3}}}),
    ('create field from str true',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.t'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.new'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.new': True}}}),
    ('create field from date',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.date'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.new'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.new': '2024-01-02T00:00:00Z'}}}),
    ('create field from empty',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.e'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.new'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.new': None}}}),
    ('create nested',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.a.b.c'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.a': {'b': {'c': 'abc'}}}}}),
    ('create map value',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'spec.m'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.new'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.new': {'a': 1}}}}),
    ('create list entry',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.[name=new].image'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers': [{'args': ['--a',
                                                                                 '-jar',
                                                                                 'x.jar'],
                                                                        'image': 'nginx:1.0',
                                                                        'name': 'nginx',
                                                                        'ports': [{'containerPort': 80,
                                                                                   'name': 'http'}]},
                                                                       {'image': 'side:2',
                                                                        'name': 'nginx-sidecar'},
                                                                       {'image': 'num', 'name': 42},
                                                                       {'image': 'zero',
                                                                        'name': '01'},
                                                                       {'image': 'abc',
                                                                        'name': 'new'}]}}}),
    ('create list entry numeric',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.newlist.[port=8080].name'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.newlist': [{'name': 'abc', 'port': 8080}]}}}),
    ('create primitive entry',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.empty.[=80]'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.empty': ['abc']}}}),
    ('create append index',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.4.image'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers': [{'args': ['--a',
                                                                                 '-jar',
                                                                                 'x.jar'],
                                                                        'image': 'nginx:1.0',
                                                                        'name': 'nginx',
                                                                        'ports': [{'containerPort': 80,
                                                                                   'name': 'http'}]},
                                                                       {'image': 'side:2',
                                                                        'name': 'nginx-sidecar'},
                                                                       {'image': 'num', 'name': 42},
                                                                       {'image': 'zero',
                                                                        'name': '01'},
                                                                       {'image': 'abc'}]}}}),
    ('create index past end',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.5.image'],
                    'options': {'create': True}}]}],
     {'error': 'unable to find or create field "spec.template.spec.containers.5.image" in '
               'replacement target: index 5 specified but only 4 elements found'}),
    ('create through null is a no-op',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.nul.x'],
                    'options': {'create': True}}]}],
     {'changes': {}}),
    ('create with wildcard',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.template.spec.containers.*.imagePullPolicy'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.template.spec.containers.0.imagePullPolicy': 'abc',
                                     'spec.template.spec.containers.1.imagePullPolicy': 'abc',
                                     'spec.template.spec.containers.2.imagePullPolicy': 'abc',
                                     'spec.template.spec.containers.3.imagePullPolicy': 'abc'}}}),
    ('create under scalar fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f.x'],
                    'options': {'create': True}}]}],
     {'error': 'unable to find or create field "spec.f.x" in replacement target: wrong node kind: '
               'expected MappingNode but got ScalarNode: '}),
    ('create into null fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.nul'],
                    'options': {'create': True}}]}],
     {'error': 'yaml: cannot decode !!str `abc` as a !!null'}),
    ('delimiter index 1',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f'],
                    'options': {'delimiter': '-', 'index': 1}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'a-abc-c'}}}),
    ('delimiter prefix',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f'],
                    'options': {'delimiter': '-', 'index': -1}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc-a-b-c'}}}),
    ('delimiter suffix',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f'],
                    'options': {'delimiter': '-', 'index': 9}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'a-b-c-abc'}}}),
    ('delimiter default index',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f'],
                    'options': {'delimiter': '-'}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc-b-c'}}}),
    ('index without delimiter',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.f'], 'options': {'index': 2}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('delimiter on created',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.g'],
                    'options': {'delimiter': '-', 'index': 1, 'create': True}}]}],
     {'changes': {'Deployment/dep': {'spec.g': '-abc'}}}),
    ('delimiter on map',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.m'],
                    'options': {'delimiter': '-'}}]}],
     {'error': 'delimiter option can only be used with scalar nodes'}),
    ('delimiter number into int',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.replicas'],
                    'options': {'delimiter': '0', 'index': 9}}]}],
     {'changes': {'Deployment/dep': {'spec.replicas': 103}}}),
    ('delimiter both',
     [{'source': {'kind': 'ConfigMap',
                  'name': 'src',
                  'fieldPath': 'data.ver',
                  'options': {'delimiter': '.', 'index': 0}},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['spec.f'],
                    'options': {'delimiter': '-', 'index': 2}}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'a-b-1'}}}),
    ('select all kinds needs field everywhere',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'unable to find field "spec.f" in replacement target'}),
    ('select kind',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Deployment'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}, 'Deployment/dep2': {'spec.f': 'abc'}}}),
    ('select is not a regex',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Deploy.*'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {}}),
    ('select missing',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'fieldPaths': ['spec.f']}]}],
     {'error': 'target must specify resources to select'}),
    ('no targets',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'}}],
     {'error': 'replacements must specify a source and at least one target'}),
    ('empty targets',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'}, 'targets': []}],
     {'error': 'replacements must specify a source and at least one target'}),
    ('nothing selected is fine',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Nope'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {}}),
    ('select namespace default',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'namespace': 'default'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep': {'metadata.annotations.r': 'abc'},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('select namespace ns1',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'namespace': 'ns1'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}}}}),
    ('select version',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'version': 'v1'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src': {'metadata.annotations': {'r': 'abc'}},
                  'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep': {'metadata.annotations.r': 'abc'},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('select group',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'group': 'apps'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.r': 'abc'},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}}}}),
    ('label equals',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app=a'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep': {'metadata.annotations.r': 'abc'}}}),
    ('label in',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app in (a,b)'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep': {'metadata.annotations.r': 'abc'},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}}}}),
    ('label not equals',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app!=a'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('label notin',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app notin (a)'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('label and',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app==a,tier=web'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.r': 'abc'}}}),
    ('label exists',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'tier'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.r': 'abc'}}}),
    ('label not exists',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': '!tier'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'ConfigMap/src': {'metadata.annotations': {'r': 'abc'}},
                  'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('label empty value',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app='},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {}}),
    ('label bad',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'a b'}, 'fieldPaths': ['spec.f']}]}],
     {'error': "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"}),
    ('label trailing comma',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'labelSelector': 'app=a,'}, 'fieldPaths': ['spec.f']}]}],
     {'error': "found '', expected: identifier after ','"}),
    ('annotation selector',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'annotationSelector': 'note=yes'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.r': 'abc'}}}),
    ('reject by name',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Deployment'},
                    'fieldPaths': ['spec.f'],
                    'reject': [{'name': 'dep'}]}]}],
     {'changes': {'Deployment/dep2': {'spec.f': 'abc'}}}),
    ('reject by label',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Deployment'},
                    'fieldPaths': ['spec.f'],
                    'reject': [{'labelSelector': 'app=b'}]}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}}}),
    ('reject empty',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'kind': 'Deployment'}, 'fieldPaths': ['spec.f'], 'reject': [{}]}]}],
     {'changes': {'Deployment/dep': {'spec.f': 'abc'}, 'Deployment/dep2': {'spec.f': 'abc'}}}),
    ('reject id or labels',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True},
                    'reject': [{'namespace': 'default', 'labelSelector': 'app=a'}]}]}],
     {'changes': {'ConfigMap/src2': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/dep2': {'metadata.annotations': {'r': 'abc'}}}}),
    ('reject kind and label',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True},
                    'reject': [{'kind': 'ConfigMap'}, {'labelSelector': 'app=b'}]}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.r': 'abc'},
                  'ClusterRole/cr': {'metadata.annotations': {'r': 'abc'}}}}),
    ('replacements run in order',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.one'],
                    'options': {'create': True}}]},
      {'source': {'kind': 'Deployment', 'name': 'dep', 'fieldPath': 'metadata.annotations.one'},
       'targets': [{'select': {'name': 'dep2'}, 'fieldPaths': ['spec.f']}]}],
     {'changes': {'Deployment/dep': {'metadata.annotations.one': 'abc'},
                  'Deployment/dep2': {'spec.f': 'abc'}}}),
    ('rename target',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep2'}, 'fieldPaths': ['metadata.name']}]}],
     {'changes': {'Deployment/abc': {'': {'apiVersion': 'apps/v1',
                                          'kind': 'Deployment',
                                          'metadata': {'labels': {'app': 'b'},
                                                       'name': 'abc',
                                                       'namespace': 'ns1'},
                                          'spec': {'f': 'a-b-c'}}}}}),
    ('bad value overwritten later is fine',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]},
      {'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.num'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]}],
     {'changes': {'Deployment/dep': {'spec.replicas': 3}}}),
    ('bad value read later still fails',
     [{'source': {'kind': 'ConfigMap', 'name': 'src', 'fieldPath': 'data.word'},
       'targets': [{'select': {'name': 'dep'}, 'fieldPaths': ['spec.replicas']}]},
      {'source': {'kind': 'Deployment', 'name': 'dep', 'fieldPath': 'spec.replicas'},
       'targets': [{'select': {'name': 'dep2'}, 'fieldPaths': ['spec.f']}]}],
     {'error': 'yaml: cannot decode !!str `abc` as a !!int'}),
]


@pytest.mark.parametrize("name,reps,expected", CASES, ids=[c[0] for c in CASES])
def test_replacements_match_kustomize(name, reps, expected):
    before = load(RESOURCES)
    resources = [Resource(d) for d in load(RESOURCES)]
    check(expected, run_ours(resources, reps, before))


# -- previous ids: selection by the names a resource had before namePrefix/namespace ----------

BASE_KUSTOMIZATION = "resources: [r.yaml]\nnamePrefix: p-\nnamespace: nsb\n"
BASE_RESOURCES = (
    'apiVersion: v1\n'
    'kind: ConfigMap\n'
    'metadata:\n'
    '  name: src\n'
    'data:\n'
    '  word: abc\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: dep\n'
    'spec:\n'
    '  replicas: 1\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: other\n'
    'spec:\n'
    '  replicas: 1\n'
)
BASE_OUTPUT = (
    'apiVersion: v1\n'
    'data:\n'
    '  word: abc\n'
    'kind: ConfigMap\n'
    'metadata:\n'
    '  name: p-src\n'
    '  namespace: nsb\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: p-dep\n'
    '  namespace: nsb\n'
    'spec:\n'
    '  replicas: 1\n'
    '---\n'
    'apiVersion: apps/v1\n'
    'kind: Deployment\n'
    'metadata:\n'
    '  name: p-other\n'
    '  namespace: nsb\n'
    'spec:\n'
    '  replicas: 1\n'
)

PREVIOUS_ID_CASES = [
    ('source and target by original names',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/p-dep': {'metadata.annotations': {'r': 'abc'}}}}),
    ('source and target by current names',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'p-src'},
       'targets': [{'select': {'name': 'p-dep'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/p-dep': {'metadata.annotations': {'r': 'abc'}}}}),
    ('original namespace (none) is default',
     [{'source': {'kind': 'ConfigMap',
                  'fieldPath': 'data.word',
                  'name': 'src',
                  'namespace': 'default'},
       'targets': [{'select': {'name': 'dep', 'namespace': 'default'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/p-dep': {'metadata.annotations': {'r': 'abc'}}}}),
    ('current namespace',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src', 'namespace': 'nsb'},
       'targets': [{'select': {'namespace': 'nsb', 'kind': 'Deployment'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/p-dep': {'metadata.annotations': {'r': 'abc'}},
                  'Deployment/p-other': {'metadata.annotations': {'r': 'abc'}}}}),
    ('reject by original name',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src'},
       'targets': [{'select': {'kind': 'Deployment'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True},
                    'reject': [{'name': 'dep'}]}]}],
     {'changes': {'Deployment/p-other': {'metadata.annotations': {'r': 'abc'}}}}),
    ('reject by current name',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src'},
       'targets': [{'select': {'kind': 'Deployment'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True},
                    'reject': [{'name': 'p-dep'}]}]}],
     {'changes': {'Deployment/p-other': {'metadata.annotations': {'r': 'abc'}}}}),
    ('select original, reject current',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True},
                    'reject': [{'name': 'p-dep'}]}]}],
     {'changes': {}}),
    ('mixed old name new namespace',
     [{'source': {'kind': 'ConfigMap', 'fieldPath': 'data.word', 'name': 'src', 'namespace': 'nsb'},
       'targets': [{'select': {'name': 'dep', 'namespace': 'nsb'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'changes': {'Deployment/p-dep': {'metadata.annotations': {'r': 'abc'}}}}),
    ('source ambiguous across ids',
     [{'source': {'kind': 'Deployment', 'namespace': 'default', 'fieldPath': 'metadata.name'},
       'targets': [{'select': {'name': 'dep'},
                    'fieldPaths': ['metadata.annotations.r'],
                    'options': {'create': True}}]}],
     {'error': 'multiple matches for selector '
               'Deployment.[noVer].[noGrp]/[noName].default:metadata.name'}),
]


def _renamed_resources() -> list:
    """BASE_OUTPUT with the previous ids Kustomize records for it: the namespace transformer
    runs first (src/'' -> src/nsb), then the prefix (src/nsb -> p-src/nsb)."""
    out = []
    for d in load(BASE_OUTPUT):
        r = Resource(d)
        old = r.name[len("p-"):]
        r.prev_ids = [ResId(r.gvk, old, ""), ResId(r.gvk, old, "nsb")]
        out.append(r)
    return out


@pytest.mark.parametrize("name,reps,expected", PREVIOUS_ID_CASES,
                         ids=[c[0] for c in PREVIOUS_ID_CASES])
def test_selection_by_previous_ids(name, reps, expected):
    check(expected, run_ours(_renamed_resources(), reps, load(BASE_OUTPUT)))


def test_without_previous_ids_the_original_name_selects_nothing():
    resources = [Resource(d) for d in load(BASE_OUTPUT)]
    reps = [{"source": {"kind": "ConfigMap", "name": "src", "fieldPath": "data.word"},
             "targets": [{"select": {"name": "p-dep"}, "fieldPaths": ["spec.replicas"]}]}]
    with pytest.raises(RenderError, match="nothing selected by ConfigMap"):
        apply_replacements(resources, reps, "k.yaml")


# -- direct checks of pieces --------------------------------------------------------------------

def test_inputs_are_not_modified_and_values_are_copied():
    resources = [Resource(d) for d in load(RESOURCES)]
    reps = [{"source": {"kind": "ConfigMap", "name": "src", "fieldPath": "spec.m"},
             "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.m"],
                          "options": {"create": True}}]}]
    frozen = json.dumps(reps)
    apply_replacements(resources, reps, "k.yaml")
    assert json.dumps(reps) == frozen
    src, dep, dep2 = resources[0], resources[2], resources[3]
    assert dep.obj["spec"]["m"] == {"a": 1}
    assert dep.obj["spec"]["m"] is not src.obj["spec"]["m"]
    dep.obj["spec"]["m"]["a"] = 2
    assert src.obj["spec"]["m"] == {"a": 1}
    assert dep2.obj["spec"]["m"] == {"a": 1}


def test_error_names_the_kustomization():
    resources = [Resource(d) for d in load(RESOURCES)]
    with pytest.raises(RenderError) as ei:
        apply_replacements(resources, [{"source": {"kind": "Nope"},
                                        "targets": [{"select": {}}]}], "over/kustomization.yaml")
    assert ei.value.file == "over/kustomization.yaml"
    assert str(ei.value).startswith("over/kustomization.yaml: nothing selected by Nope.")


@pytest.mark.parametrize("path,parts", [
    ("metadata.name", ["metadata", "name"]),
    ("spec.template.spec.containers.[name=nginx].image",
     ["spec", "template", "spec", "containers", "[name=nginx]", "image"]),
    ("spec.containers.[name=com.foo.app].image", ["spec", "containers", "[name=com.foo.app]", "image"]),
    ("metadata.annotations.[config.kubernetes.io/origin]",
     ["metadata", "annotations", "config.kubernetes.io/origin"]),
    ("spec.containers.0.image", ["spec", "containers", "0", "image"]),
    ("spec.x.*", ["spec", "x", "*"]),
    ("a\\.b.c", ["a.b", "c"]),
    ("spec.[a.b", ["spec", "a.b"]),
    ("spec..x", ["spec", "", "x"]),
    ("spec.[=a.b]", ["spec", "[=a.b]"]),
])
def test_split_path(path, parts):
    assert fp.split_path(path) == parts


# decode_scalar: what text copied into a field with a given YAML tag becomes (checked with
# kubectl kustomize; tag "" is a field a replacement created).
@pytest.mark.parametrize("tag,text,value", [
    ("", "0x10", 16), ("", "010", 8), ("", "08", 8), ("", "1_000", 1000), ("", "1e3", 1000),
    ("", ".5", 0.5), ("", "+1", 1), ("", "1.", 1), ("", "0b101", 5), ("", "0o17", 15),
    ("", "-0x1F", -31), ("", "9223372036854775808", 9223372036854775808),
    ("", "2001-12-14", "2001-12-14T00:00:00Z"),
    ("", "2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"),
    ("", "yes", "yes"), ("", "on", "on"), ("", "~", None), ("", "Null", None), ("", "", None),
    ("", "TRUE", True), ("", "tRue", "tRue"), ("", "1e", "1e"), ("", "-", "-"), ("", "<<", "<<"),
    ("", "3.0e+2", 300), ("!!int", "0x10", 16), ("!!int", "1_000", 1000),
    ("!!float", "3", 3), ("!!float", "08", 8), ("!!float", "1e3", 1000), ("!!float", "0.5", 0.5),
    ("!!bool", "TRUE", True), ("!!bool", "false", False), ("!!null", "~", None),
    ("!!null", "", None), ("!!str", "3", "3"), ("!!str", "true", "true"),
])
def test_decode_scalar(tag, text, value):
    got = fp.decode_scalar(tag, text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("tag,text,message", [
    ("!!int", "abc", "cannot decode !!str `abc` as a !!int"),
    ("!!int", "1e3", "cannot decode !!float `1e3` as a !!int"),
    ("!!int", "", "cannot decode !!null `` as a !!int"),
    ("!!int", "TRUE", "cannot decode !!bool `TRUE` as a !!int"),
    ("!!int", "18446744073709551616", "cannot decode !!float `18446744073709551616` as a !!int"),
    ("!!int", "2001-12-14", "cannot decode !!str `2001-12-14` as a !!int"),
    ("!!bool", "yes", "cannot decode !!str `yes` as a !!bool"),
    ("!!bool", "1", "cannot decode !!int `1` as a !!bool"),
    ("!!float", "~", "cannot decode !!null `~` as a !!float"),
    ("!!null", "3", "cannot decode !!int `3` as a !!null"),
    ("", ".inf", "json: unsupported value: +Inf"),
])
def test_decode_scalar_errors(tag, text, message):
    with pytest.raises(fp.ScalarDecodeError) as ei:
        fp.decode_scalar(tag, text)
    assert str(ei.value) == message


def test_lookup_and_match_differ_on_list_entries():
    obj = {"l": [{"name": "nginx-sidecar", "v": 1}, {"name": "nginx", "v": 2}, {"name": 80, "v": 3}]}
    assert fp.lookup(obj, fp.split_path("l.[name=nginx].v")) == (True, 2)  # exact
    assert fp.lookup(obj, fp.split_path("l.[name=80].v")) == (True, 3)  # scalar text
    assert fp.lookup(obj, fp.split_path("l.-.v")) == (True, 3)
    assert fp.lookup(obj, fp.split_path("l.7.v")) == (False, None)
    slots = fp.match(obj, fp.split_path("l.[name=nginx].v"))  # unanchored regex
    assert [s.get() for s in slots] == [1, 2]
    assert [s.get() for s in fp.match(obj, fp.split_path("l.*.v"))] == [1, 2, 3]
    with pytest.raises(fp.FieldPathError, match="index 7 specified but only 3 elements found"):
        fp.match(obj, fp.split_path("l.7.v"))
    with pytest.raises(fp.FieldPathError, match="wildcard is not supported in PathGetter"):
        fp.lookup(obj, fp.split_path("l.*.v"))


def test_match_create_builds_missing_parts():
    obj = {"spec": {}}
    slots = fp.match(obj, fp.split_path("spec.list.[name=a].port"), create=fp.SCALAR)
    assert obj == {"spec": {"list": [{"name": "a"}]}}
    assert len(slots) == 1 and slots[0].created
    slots[0].set(8080)
    assert obj == {"spec": {"list": [{"name": "a", "port": 8080}]}}
    fp.match(obj, fp.split_path("spec.list.1.port"), create=fp.SCALAR)
    assert obj["spec"]["list"][1] == {}
    slots = fp.match({"spec": None}, fp.split_path("spec.a.b"), create=fp.SCALAR)
    assert len(slots) == 1 and slots[0].detached


@pytest.mark.parametrize("selector,labels,ok", [
    ("", {}, True), ("app=a", {"app": "a"}, True), ("app==a", {"app": "b"}, False),
    ("app!=a", {}, True), ("app in (a, b)", {"app": "b"}, True),
    ("app notin (a)", {"app": "a"}, False), ("app,tier", {"app": "x"}, False),
    ("!tier", {"app": "x"}, True), ("app=", {"app": ""}, True),
    ("n>3", {"n": "4"}, True), ("n<3", {"n": "4"}, False), ("n>3", {}, False),
    ("example.com/app=x", {"example.com/app": "x"}, True),
])
def test_label_selectors(selector, labels, ok):
    assert label_selector_matches(selector, labels) is ok


@pytest.mark.parametrize("selector,message", [
    ("a b", "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"),
    ("app=a,", "found '', expected: identifier after ','"),
    ("app in (a,", "unable to parse requirement: found '', expected: ',', or identifier"),
    ("app=a b", "found 'b', expected: ',' or 'end of string'"),
    ("-bad=x", "invalid label key"),
])
def test_label_selector_errors(selector, message):
    with pytest.raises(ValueError) as ei:
        parse_label_selector(selector)
    assert message in str(ei.value)


# -- differential: run kubectl kustomize now ---------------------------------------------------

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed; the "
                                   "tables above were recorded from kubectl kustomize v5.5.0")

DIFFERENTIAL = ["str number into int keeps int", "int into str keeps str", "word into int fails",
                "list entry regex unanchored", "create field from str number", "create list entry",
                "delimiter prefix", "label in", "reject id or labels", "source multiple",
                "bad value overwritten later is fine"]


def _kubectl(tmp_path, files: dict):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    r = subprocess.run([KUBECTL, "kustomize", str(tmp_path)], capture_output=True, text=True,
                       timeout=120)
    return r.returncode, r.stdout, r.stderr


def _kustomization(reps, resources="r.yaml") -> str:
    return "resources: [" + resources + "]\nreplacements:\n" + "".join(
        "- " + json.dumps(r) + "\n" for r in reps)


@needs_kubectl
@pytest.mark.parametrize("name", DIFFERENTIAL)
def test_differential_against_kubectl(tmp_path, name):
    reps = next(c[1] for c in CASES if c[0] == name)
    rc, out, err = _kubectl(tmp_path, {"kustomization.yaml": _kustomization(reps),
                                       "r.yaml": RESOURCES})
    ours = run_ours([Resource(d) for d in load(RESOURCES)], reps, load(RESOURCES))
    if rc != 0:
        assert "error" in ours, err
        core = err.split("err=", 1)[-1].strip().strip('"')
        core = core.replace("map[string]interface {}(nil): ", "").replace('\\"', '"')
        assert core.split("node contents:")[0] in ours["error"]
    else:
        assert ours == {"changes": changes(load(RESOURCES), load(out))}


@needs_kubectl
def test_differential_previous_ids(tmp_path):
    name, reps, _ = PREVIOUS_ID_CASES[0]
    rc, out, err = _kubectl(tmp_path, {"kustomization.yaml": _kustomization(reps, "base"),
                                       "base/kustomization.yaml": BASE_KUSTOMIZATION,
                                       "base/r.yaml": BASE_RESOURCES})
    assert rc == 0, err
    assert run_ours(_renamed_resources(), reps, load(BASE_OUTPUT)) == {
        "changes": changes(load(BASE_OUTPUT), load(out))}


def test_written_fields_record_their_origin():
    resources = [Resource(d) for d in load(RESOURCES)]
    reps = [{"source": {"kind": "ConfigMap", "name": "src", "fieldPath": "data.num"},
             "targets": [{"select": {"name": "dep"},
                          "fieldPaths": ["spec.replicas",
                                         "spec.template.spec.containers.[name=^nginx$].image"]}]}]
    apply_replacements(resources, reps, "over/kustomization.yaml")
    dep = resources[2]
    for path in (("spec", "replicas"), ("spec", "template", "spec", "containers", "0", "image")):
        o = dep.field_origins[path]
        assert (o.file, o.via) == ("over/kustomization.yaml", "replacements")
    assert ("spec", "f") not in dep.field_origins
