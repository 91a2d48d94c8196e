"""Target selectors (patches, replacements): gvk/name/namespace regexes, label and
annotation selectors in Kubernetes syntax."""

from __future__ import annotations

import functools
import re

from kustgen.model import RenderError, Resource
from kustgen.kustomize.fieldpath import scalar_text
from kustgen.kustomize.resid import anchored, effective_namespace

_SPECIAL = set("!=(),<>")
_DNS1123 = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_QNAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z")


def _tokens(s: str) -> list[str]:
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if c in "=!" and s[i + 1:i + 2] == "=":
            out.append(c + "=")
            i += 2
            continue
        if c in _SPECIAL:
            out.append(c)
            i += 1
            continue
        j = i
        while j < len(s) and not s[j].isspace() and s[j] not in _SPECIAL:
            j += 1
        out.append(s[i:j])
        i = j
    return out


def _check_key(key: str) -> None:
    prefix, _, name = key.rpartition("/")
    ok = bool(name) and len(name) <= 63 and bool(_QNAME.match(name))
    if "/" in key:
        ok = ok and bool(prefix) and len(prefix) <= 253 and bool(_DNS1123.match(prefix))
    if not ok:
        raise ValueError("invalid label key %r: name part must consist of alphanumeric "
                         "characters, '-', '_' or '.', and must start and end with an "
                         "alphanumeric character" % key)


def _check_value(v: str) -> None:
    if v and (len(v) > 63 or not _QNAME.match(v)):
        raise ValueError("invalid label value: %r: a valid label must be an empty string or "
                         "consist of alphanumeric characters, '-', '_' or '.', and must start "
                         "and end with an alphanumeric character" % v)


@functools.lru_cache(maxsize=256)
def _parse_cached(s: str) -> tuple:
    return tuple(_parse(s))


def parse_label_selector(s: str) -> list[tuple[str, str, tuple]]:
    """Parse a Kubernetes label selector -> [(key, op, values)], op one of exists, !,
    =, !=, in, notin, gt, lt. Raises ValueError with Kubernetes' wording."""
    return list(_parse_cached(s or ""))


def _parse(s: str) -> list[tuple[str, str, tuple]]:
    toks = _tokens(s)
    reqs: list[tuple[str, str, tuple]] = []
    i = 0

    def err(msg: str) -> ValueError:
        return ValueError("unable to parse requirement: " + msg)

    def at(k: int) -> str | None:
        return toks[k] if k < len(toks) else None

    while i < len(toks):
        t = toks[i]
        if t == "!":
            key = at(i + 1)
            if key is None or key in _SPECIAL or key in ("==", "!="):
                raise err("found '%s', expected: identifier" % (key or ""))
            try:
                _check_key(key)
            except ValueError as e:
                raise err(str(e)) from None
            reqs.append((key, "!", ()))
            i += 2
        elif t in _SPECIAL or t in ("==", "!="):
            raise err("found '%s', expected: !, identifier, or 'end of string'" % t)
        else:
            key = t
            try:
                _check_key(key)
            except ValueError as e:
                raise err(str(e)) from None
            op = at(i + 1)
            if op is None or op == ",":
                reqs.append((key, "exists", ()))
                i += 1
            elif op in ("=", "==", "!="):
                v = at(i + 2)
                if v is None or v == ",":
                    v, i = "", i + 2
                elif v in _SPECIAL or v in ("==", "!="):
                    raise err("found '%s', expected: identifier" % v)
                else:
                    i += 3
                try:
                    _check_value(v)
                except ValueError as e:
                    raise err(str(e)) from None
                reqs.append((key, "!=" if op == "!=" else "=", (v,)))
            elif op in ("in", "notin"):
                if at(i + 2) != "(":
                    raise err("found '%s', expected: '('" % (at(i + 2) or ""))
                j, vals, expect_val = i + 3, [], True
                while True:
                    x = at(j)
                    if x is None:
                        raise err("found '', expected: ',', or identifier")
                    if x == ")":
                        if expect_val and vals:
                            vals.append("")
                        j += 1
                        break
                    if x == ",":
                        if expect_val:
                            vals.append("")
                        expect_val = True
                        j += 1
                        continue
                    if x in _SPECIAL or not expect_val:
                        raise err("found '%s', expected: ',', ')' or identifier" % x)
                    vals.append(x)
                    expect_val = False
                    j += 1
                for v in vals:
                    try:
                        _check_value(v)
                    except ValueError as e:
                        raise err(str(e)) from None
                reqs.append((key, op, tuple(vals)))
                i = j
            elif op in ("<", ">"):
                v = at(i + 2)
                if v is None or not re.fullmatch(r"[+-]?[0-9]+", v):
                    raise err("for 'Gt', 'Lt' operators, exactly one value is required "
                              "and it must be an integer")
                reqs.append((key, "gt" if op == ">" else "lt", (int(v),)))
                i += 3
            else:
                raise err("found '%s', expected: '=', '!=', '==', 'in', notin'" % op)
        if i < len(toks):
            if toks[i] != ",":
                raise ValueError("found '%s', expected: ',' or 'end of string'" % toks[i])
            i += 1
            if i == len(toks):
                raise ValueError("found '', expected: identifier after ','")
    return reqs


def label_selector_matches(selector: str, labels: dict) -> bool:
    """Does a Kubernetes label selector match a label (or annotation) map?"""
    labels = {str(k): scalar_text(v) for k, v in (labels or {}).items()}
    for key, op, vals in parse_label_selector(selector):
        has = key in labels
        v = labels.get(key)
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
        if op in ("=", "in") and (not has or v not in vals):
            return False
        if op in ("!=", "notin") and has and v in vals:
            return False
        if op in ("gt", "lt"):
            try:
                n = int(v) if has else None
            except ValueError:
                n = None
            if n is None or (op == "gt" and not n > vals[0]) or (op == "lt" and not n < vals[0]):
                return False
    return True



def matches_selector(labels: dict, selector: str) -> bool:
    try:
        return label_selector_matches(selector, labels)
    except ValueError as e:
        raise RenderError("invalid selector %r: %s" % (selector, e)) from None


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
