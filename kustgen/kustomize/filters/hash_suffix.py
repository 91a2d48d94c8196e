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
    # Kustomize hashes with an empty name (it looks the name up under a key that never
    # exists), and a missing data map as "".
    data = obj.get("data", "")
    if kind == "Secret":
        m = {"kind": "Secret", "type": obj.get("type", ""), "name": "", "data": data}
        if isinstance(obj.get("stringData"), dict):
            m["stringData"] = obj["stringData"]
    else:
        m = {"kind": "ConfigMap", "name": "", "data": data}
        if isinstance(obj.get("binaryData"), dict):
            m["binaryData"] = obj["binaryData"]
    h = hashlib.sha256(_go_json(m).encode("utf-8")).hexdigest()
    return h[:10].translate(_ENC)


def add_hash_suffixes(resources: list[Resource]) -> None:
    for r in resources:
        if r.needs_hash:
            h = content_hash(r.obj)
            r.remember_id()
            r.name = "%s-%s" % (r.name, h)
            r.needs_hash = False
