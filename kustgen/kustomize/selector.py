"""Target selectors (patches, replacements): gvk/name/namespace regexes, label and
annotation selectors in Kubernetes syntax."""

from __future__ import annotations

import re

from kustgen.model import RenderError, Resource
from kustgen.kustomize.resid import anchored, effective_namespace

_REQ = re.compile(r"\s*(!?)\s*([A-Za-z0-9_.\-/]+)\s*(?:(==|=|!=|\s+in\s+|\s+notin\s+)\s*"
                  r"(\([^)]*\)|[A-Za-z0-9_.\-]*))?\s*$")


def _split_requirements(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def parse_label_selector(s: str):
    """-> list of (key, op, values). Raises RenderError on bad syntax."""
    reqs = []
    for part in _split_requirements(s or ""):
        m = _REQ.match(part)
        if not m:
            raise RenderError("unable to parse label selector %r" % s)
        neg, key, op, val = m.groups()
        if neg:
            reqs.append((key, "!", ()))
            continue
        if op is None:
            reqs.append((key, "exists", ()))
            continue
        op = op.strip()
        if op in ("in", "notin"):
            vals = tuple(v.strip() for v in val.strip("()").split(",") if v.strip())
            reqs.append((key, op, vals))
        else:
            reqs.append((key, "!=" if op == "!=" else "=", (val,)))
    return reqs


def matches_selector(labels: dict, selector: str) -> bool:
    for key, op, vals in parse_label_selector(selector):
        has = key in labels
        v = labels.get(key)
        v = "" if v is None else str(v)
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
        if op == "=" and (not has or v != vals[0]):
            return False
        if op == "!=" and has and v == vals[0]:
            return False
        if op == "in" and (not has or v not in vals):
            return False
        if op == "notin" and has and v in vals:
            return False
    return True


def select(resources: list[Resource], sel: dict) -> list[Resource]:
    """Kustomize's ResMap.Select: names and namespaces match the original or current id."""
    group = sel.get("group") or ""
    version = sel.get("version") or ""
    kind = sel.get("kind") or ""
    name = sel.get("name") or ""
    ns = sel.get("namespace") or ""
    lsel = sel.get("labelSelector") or ""
    asel = sel.get("annotationSelector") or ""
    out = []
    for r in resources:
        cur = r.cur_id()
        org = r.org_id()
        if ns:
            rx = anchored(ns)
            if not rx.match(effective_namespace(org)) and not rx.match(effective_namespace(cur)):
                continue
        if name:
            rx = anchored(name)
            if not rx.match(org.name) and not rx.match(cur.name):
                continue
        gvk = r.gvk
        if group and not anchored(group).match(gvk.group):
            continue
        if version and not anchored(version).match(gvk.version):
            continue
        if kind and not anchored(kind).match(gvk.kind):
            continue
        if lsel and not matches_selector(r.labels(), lsel):
            continue
        if asel and not matches_selector(r.annotations(), asel):
            continue
        out.append(r)
    return out
