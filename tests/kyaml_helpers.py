"""Helpers shared by the differential tests of the Kustomize filters: an independent YAML
reading with kyaml's (go-yaml v3) scalar typing, and a leaf diff for readable failures."""

from __future__ import annotations

import json

import yaml

from kustgen.kustomize import fieldpath as fp


def _conv(node):
    if isinstance(node, yaml.MappingNode):
        return {_conv(k): _conv(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_conv(v) for v in node.value]
    if node.style is None:  # plain scalar: YAML 1.2 typing, as kyaml reads it
        return fp.decode_scalar("", node.value)
    return node.value


def load(text: str) -> list:
    """YAML documents -> JSON-like data with kyaml's (go-yaml v3) scalar typing."""
    return [_conv(n) for n in yaml.compose_all(text) if n is not None]


def diff(a, b, path=()):
    """Leaf differences from a to b: {dotted path: new value}; '<gone>' for removed keys."""
    out = {}
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            if k not in b:
                out[".".join(path + (k,))] = "<gone>"
            elif k not in a:
                out[".".join(path + (k,))] = b[k]
            else:
                out.update(diff(a[k], b[k], path + (k,)))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            out.update(diff(x, y, path + (str(i),)))
        return out
    if json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True) or type(a) != type(b):
        out[".".join(path)] = b
    return out
