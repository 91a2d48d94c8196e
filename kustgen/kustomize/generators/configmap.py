"""configMapGenerator."""

from __future__ import annotations

import base64

from kustgen.model import Origin, Resource
from kustgen.kustomize.generators.common import base_object, collect_pairs, merge_options


def encode_base64_lines(b: bytes) -> str:
    """Kustomize writes binaryData as base64 in lines of 70 characters."""
    s = base64.b64encode(b).decode("ascii")
    if len(s) < 70:
        return s
    return "".join(s[i:i + 70] + "\n" for i in range(0, len(s), 70))


def generate_configmap(loader, args: dict, global_opts: dict | None, origin: Origin) -> Resource:
    opts = merge_options(global_opts, args.get("options"))
    obj = base_object("ConfigMap", args, opts)
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for k, v in collect_pairs(loader, args, "ConfigMap"):
        if isinstance(v, bytes):
            try:
                data[k] = v.decode("utf-8")
            except UnicodeDecodeError:
                binary[k] = encode_base64_lines(v)
        else:
            data[k] = v
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    if opts["immutable"]:
        obj["immutable"] = True
    r = Resource(obj, origin)
    r.behavior = str(args.get("behavior") or "create")
    r.needs_hash = not opts["disableNameSuffixHash"]
    return r
