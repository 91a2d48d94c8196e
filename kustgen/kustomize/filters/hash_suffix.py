"""The content hash Kustomize appends to generated ConfigMap and Secret names."""

from __future__ import annotations

import hashlib
import json

from kustgen.model import Resource

_ENC = str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"})


def _go_json(v) -> str:
    # Go's encoding/json: sorted keys, no spaces, HTML-safe escapes.
    s = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def content_hash(obj: dict) -> str:
    kind = obj.get("kind")
    md = obj.get("metadata") or {}
    if kind == "Secret":
        m = {"kind": "Secret", "type": obj.get("type") or "", "name": md.get("name") or "",
             "data": obj.get("data") or {}}
    else:
        m = {"kind": kind, "name": md.get("name") or "", "data": obj.get("data") or {}}
        if obj.get("binaryData"):
            m["binaryData"] = obj["binaryData"]
    if obj.get("immutable") is True:
        m["immutable"] = True
    if kind != "Secret" and not obj.get("data"):
        m["data"] = {}
    h = hashlib.sha256(_go_json(m).encode("utf-8")).hexdigest()
    return h[:10].translate(_ENC)


def add_hash_suffixes(resources: list[Resource]) -> None:
    for r in resources:
        if r.needs_hash:
            h = content_hash(r.obj)
            r.remember_id()
            r.name = "%s-%s" % (r.name, h)
            r.needs_hash = False
