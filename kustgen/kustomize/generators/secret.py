"""secretGenerator."""

from __future__ import annotations

from kustgen.kustomize.generators.configmap import encode_base64_lines
from kustgen.model import Origin, Resource
from kustgen.kustomize.generators.common import base_object, collect_pairs, merge_options


def generate_secret(loader, args: dict, global_opts: dict | None, origin: Origin) -> Resource:
    opts = merge_options(global_opts, args.get("options"))
    obj = base_object("Secret", args, opts)
    data: dict[str, str] = {}
    for k, v in collect_pairs(loader, args, "Secret"):
        b = v if isinstance(v, bytes) else v.encode("utf-8")
        data[k] = encode_base64_lines(b)
    obj["type"] = str(args.get("type") or "Opaque")
    if data:
        obj["data"] = data
    if opts["immutable"]:
        obj["immutable"] = True
    r = Resource(obj, origin)
    r.behavior = str(args.get("behavior") or "create")
    r.needs_hash = not opts["disableNameSuffixHash"]
    return r
