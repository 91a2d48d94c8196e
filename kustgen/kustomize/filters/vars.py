"""vars (deprecated in Kustomize, still common): `$(NAME)` references filled from fields
of other resources, at the var-reference field specs."""

from __future__ import annotations

import re

from kustgen.model import Gvk, RenderError, Resource, ResId
from kustgen.kustomize.fieldspec import apply_fieldspec, fs_applies

_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def var_target_id(v: dict) -> ResId:
    ref = v.get("objref") or {}
    api = ref.get("apiVersion") or ""
    if api:
        gvk = Gvk.from_api_version(str(api), str(ref.get("kind") or ""))
    else:
        gvk = Gvk(str(ref.get("group") or ""), str(ref.get("version") or ""),
                  str(ref.get("kind") or ""))
    return ResId(gvk, str(ref.get("name") or ""), str(ref.get("namespace") or ""))


def var_str(v: dict) -> str:
    ref = v.get("objref") or {}
    fr = (v.get("fieldref") or {}).get("fieldpath") or "metadata.name"
    return "{%s %s %s}" % (v.get("name"), "{%s %s %s}" % (ref.get("kind") or "", ref.get("name") or "",
                                                         ref.get("apiVersion") or ""), fr)


def split_dotted(path: str) -> list[str]:
    out, cur, depth = [], "", 0
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def get_field_value(obj, path: str):
    node = obj
    for part in split_dotted(path):
        m = _INDEX.match(part)
        if part.startswith("[") and part.endswith("]") and "=" not in part:
            part = part[1:-1]
            m = None
        idxs = []
        while m:
            part, idx = m.group(1), int(m.group(2))
            idxs.insert(0, idx)
            m = _INDEX.match(part)
        if part:
            if not isinstance(node, dict) or part not in node:
                raise KeyError(path)
            node = node[part]
        for idx in idxs:
            if not isinstance(node, list) or idx >= len(node):
                raise KeyError(path)
            node = node[idx]
    if isinstance(node, (dict, list)) or node is None:
        raise KeyError(path)
    return node


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        from kustgen.yamlio import go_format_g
        return go_format_g(v)
    return str(v)


def expand(s: str, mapping: dict, used: set):
    m = re.fullmatch(r"\$\(([^)]*)\)", s)
    if m and m.group(1) in mapping:
        used.add(m.group(1))
        return mapping[m.group(1)]
    out = []
    checkpoint = 0
    i = 0
    n = len(s)
    while i < n:
        if s[i] == "$" and i + 1 < n:
            out.append(s[checkpoint:i])
            rest = s[i + 1:]
            if rest[0] == "$":
                out.append("$")
                adv = 1
            elif rest[0] == "(":
                j = rest.find(")", 1)
                if j >= 0:
                    name = rest[1:j]
                    if name in mapping:
                        used.add(name)
                        out.append(_fmt(mapping[name]))
                    else:
                        out.append("$(" + name + ")")
                    adv = j + 1
                else:
                    out.append("$(")
                    adv = 1
            else:
                out.append("$" + rest[0])
                adv = 1
            i += adv
            checkpoint = i + 1
        i += 1
    out.append(s[checkpoint:])
    return "".join(out)


def resolve_vars(resources: list[Resource], var_list: list[dict], fieldspecs) -> set:
    """Replace $(VAR) in every var-reference field; returns the names never used."""
    mapping = {}
    for v in sorted(var_list, key=lambda x: str(x.get("name"))):
        name = str(v.get("name"))
        fpath = (v.get("fieldref") or {}).get("fieldpath") or "metadata.name"
        found = False
        for r in resources:
            if name in r.extra.get("ref_var_names", ()):
                try:
                    mapping[name] = get_field_value(r.obj, fpath)
                except KeyError:
                    raise RenderError("field specified in var '%s' not found in corresponding "
                                      "resource" % var_str(v)) from None
                found = True
                break
        if not found:
            raise RenderError("var '%s' cannot be mapped to a field in the set of known resources"
                              % var_str(v))
    if not mapping:
        return set()
    used: set = set()

    def setter(parent, key):
        val = parent.get(key)
        if val is None:
            return
        if isinstance(val, str):
            parent[key] = expand(val, mapping, used)
        elif isinstance(val, dict):
            for k, x in val.items():
                if isinstance(x, str):
                    val[k] = expand(x, mapping, used)
        elif isinstance(val, list):
            for i, x in enumerate(val):
                if isinstance(x, str):
                    val[i] = expand(x, mapping, used)
                else:
                    raise RenderError("invalid value type expect a string")

    for r in resources:
        for fs in fieldspecs:
            if fs_applies(fs, r):
                apply_fieldspec(r.obj, fs, setter)
    return set(mapping) - used
