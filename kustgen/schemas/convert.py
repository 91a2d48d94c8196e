"""A CRD version's ``openAPIV3Schema`` → JSON Schema (Draft 7) with the API server's semantics.

What the conversion does, node by node (a *structural* node is one reached through
``properties`` / ``additionalProperties`` / ``items``; nodes inside ``allOf`` / ``anyOf`` /
``oneOf`` / ``not`` are value validations only and are copied without strictness):

- ``nullable: true`` adds ``"null"`` to the node's type (and to its ``enum``; junctors are
  wrapped so that null passes them). A non-nullable typed node rejects null. Decision: the
  API server silently *drops* a null whose field is not nullable and has no default
  (``PruneNonNullableNullsWithoutDefaults``); kustgen reports it instead, because such a null
  is almost always a value the user meant to write (``region:`` with nothing after it). A
  null with a default is replaced by the default first (:func:`apply_defaults`), like the
  API server does, so no error there.
- ``x-kubernetes-int-or-string: true`` → ``type: [integer, string]``; the other form
  (``anyOf: [{type: integer}, {type: string}]``) is plain JSON Schema and kept.
- ``x-kubernetes-preserve-unknown-fields: true``: that node stays open (no
  ``additionalProperties: false``); declared properties are still checked, and nested nodes
  that declare properties are still closed in strict mode, because the API server prunes
  below them too (the extension is not inherited).
- ``x-kubernetes-embedded-resource: true``: ``apiVersion`` and ``kind`` (strings, required,
  as the API server requires them) and ``metadata`` (light ObjectMeta, never closed) are
  allowed even when the node is closed. The root gets the same three fields (not required).
- ``x-kubernetes-list-type: set`` → ``uniqueItems: true``. ``map`` keys uniqueness cannot be
  said in JSON Schema: :func:`list_map_locations` lists where to check it
  (``kustgen.schemas.registry.validate_object`` does).
- ``format``: the API server checks formats on strings only (kube-openapi strfmt), so
  ``int32``/``int64``/``float``/``double`` never constrain anything: dropped. Of the string
  formats, the two found in real CRDs, ``byte`` and ``date-time``, are kept and checked
  exactly as strfmt does (:data:`K8S_FORMATS`: base64 with padding; ``YYYY-MM-DD`` ``T``
  ``hh:mm:ss[.frac]`` then ``Z`` or ``±hh:mm``); every other format is dropped (lenient).
  Validators must be built with ``formats=K8S_FORMATS`` and format assertion on.
- ``default`` is kept as an annotation; :func:`apply_defaults` applies defaults the way the
  API server does, before validation.
- strict (default): every structural object node with ``properties``, without
  ``additionalProperties`` and without preserve-unknown-fields gets
  ``additionalProperties: false`` (the API server would drop unknown fields silently).
- ``x-kubernetes-validations`` (CEL) and other ``x-kubernetes-*`` keys stay on their nodes
  (JSON Schema ignores them; ``kustgen.schemas.cel`` reads them).

The input is never modified.
"""

from __future__ import annotations

import copy
import datetime
import re
from typing import Any

__all__ = [
    "crd_version_to_json_schema", "apply_defaults", "Defaulter", "list_map_locations",
    "OBJECT_META", "K8S_FORMATS", "is_byte", "is_date_time",
]


_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_TIME_RE = re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})\Z")


def is_byte(s: str) -> bool:
    """strfmt ``byte``: Go's ``base64.StdEncoding.DecodeString`` succeeds (standard alphabet,
    padding required; CR and LF ignored). Not a string: True (formats constrain strings)."""
    if not isinstance(s, str):
        return True
    return bool(_B64_RE.match(s.replace("\r", "").replace("\n", "")))


_B64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")


def is_date_time(s: str) -> bool:
    """strfmt ``IsDateTime``: lower-cased and split at ``t``, the first piece a valid
    ``YYYY-MM-DD`` date, the second ``hh:mm:ss[.frac]`` then ``z`` or ``±hh:mm``. Not a
    string: True."""
    if not isinstance(s, str):
        return True
    parts = s.lower().split("t")
    if len(s) < 4 or len(parts) < 2:
        return False
    m = _DATE_RE.match(parts[0])
    if not m:
        return False
    try:
        datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    t = _TIME_RE.match(parts[1])
    return bool(t) and t.group(1) <= "23" and t.group(2) <= "59" and t.group(3) <= "59"


# Formats the API server asserts on strings (the others in real CRDs constrain nothing).
K8S_FORMATS = {"byte": is_byte, "date-time": is_date_time}

_JUNCTORS = ("allOf", "anyOf", "oneOf")

# The parts of ObjectMeta worth typing; everything else in metadata stays open.
OBJECT_META: dict = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "generateName": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
        "annotations": {"type": ["object", "null"],
                        "additionalProperties": {"type": "string"}},
    },
}


def crd_version_to_json_schema(openapi_v3: dict, *, strict: bool = True) -> dict:
    """JSON Schema (Draft 7) for one CRD version's ``openAPIV3Schema`` (see module doc)."""
    out = _structural(openapi_v3 or {}, strict, "root")
    out["$schema"] = "http://json-schema.org/draft-07/schema#"
    return out


def _metadata(s: Any) -> dict:
    """metadata of the root or an embedded resource: the CRD's own rules + light ObjectMeta,
    never closed (ObjectMeta has many more fields)."""
    out = _junction(s) if isinstance(s, dict) else {}
    out.pop("additionalProperties", None)
    if out.get("type") in (None, "object"):
        out["type"] = "object"
    props = dict(out.get("properties") or {})
    for k, v in OBJECT_META["properties"].items():
        if k in props:
            props[k] = {"allOf": [props[k], v]}
        else:
            props[k] = copy.deepcopy(v)
    out["properties"] = props
    return out


def _structural(s: Any, strict: bool, where: str = "") -> Any:
    if not isinstance(s, dict):
        return s
    nullable = s.get("nullable") is True
    preserve = s.get("x-kubernetes-preserve-unknown-fields") is True
    int_or_string = s.get("x-kubernetes-int-or-string") is True
    embedded = s.get("x-kubernetes-embedded-resource") is True
    out: dict = {}
    for k, v in s.items():
        if k == "properties" and isinstance(v, dict):
            out[k] = {n: _structural(p, strict) for n, p in v.items()}
        elif k == "additionalProperties":
            out[k] = _structural(v, strict) if isinstance(v, dict) else v
        elif k == "items":
            out[k] = ([_structural(x, strict) for x in v] if isinstance(v, list)
                      else _structural(v, strict))
        elif k in _JUNCTORS and isinstance(v, list):
            out[k] = [_junction(x) for x in v]
        elif k == "not":
            out[k] = _junction(v)
        elif k in ("nullable", "type") or (k == "format" and v not in K8S_FORMATS):
            continue
        elif k in ("exclusiveMinimum", "exclusiveMaximum"):
            continue                  # OpenAPI v3 booleans: folded in below
        else:
            out[k] = v
    _exclusive_bounds(s, out)
    if int_or_string:
        types: list | None = ["integer", "string"]
    elif isinstance(s.get("type"), str) and s["type"]:
        types = [s["type"]]
    else:
        types = None
    if types is not None:
        if nullable:
            types.append("null")
        out["type"] = types[0] if len(types) == 1 else types
    if s.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True

    if where == "root" or embedded:
        props = dict(out.get("properties") or {})
        props["apiVersion"] = _merge(props.get("apiVersion"), {"type": "string"})
        props["kind"] = _merge(props.get("kind"), {"type": "string"})
        props["metadata"] = _metadata(s.get("properties", {}).get("metadata"))
        out["properties"] = props
        if embedded:
            req = list(out.get("required") or [])
            out["required"] = req + [r for r in ("apiVersion", "kind") if r not in req]

    if (strict and "properties" in out and not preserve
            and "additionalProperties" not in out):
        out["additionalProperties"] = False

    if nullable:
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        junct = {k: out.pop(k) for k in (*_JUNCTORS, "not") if k in out}
        if junct:
            out["anyOf"] = [{"type": "null"}, junct]
    return out


def _merge(a: Any, b: dict) -> dict:
    """``a`` (already converted) when it says its type, else ``a`` with ``b``'s keys."""
    if not isinstance(a, dict):
        return dict(b)
    return a if "type" in a else {**a, **b}


def _junction(s: Any) -> Any:
    """A value-validation node (inside allOf/anyOf/oneOf/not): copied, unchecked formats
    dropped, nothing closed."""
    if isinstance(s, list):
        return [_junction(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k in ("nullable", "exclusiveMinimum", "exclusiveMaximum") or (
                k == "format" and v not in K8S_FORMATS):
            continue
        if k == "properties" and isinstance(v, dict):
            out[k] = {n: _junction(p) for n, p in v.items()}
        elif k in ("additionalProperties", "items", "not") or k in _JUNCTORS:
            out[k] = _junction(v)
        else:
            out[k] = v
    _exclusive_bounds(s, out)
    return out


def _exclusive_bounds(s: dict, out: dict) -> None:
    """OpenAPI v3 (CRDs) writes `exclusiveMinimum: true` next to `minimum`; JSON Schema
    draft 7 wants the bound itself: `exclusiveMinimum: <minimum>`."""
    for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        v = s.get(excl)
        if v is True and isinstance(s.get(bound), (int, float)):
            out[excl] = s[bound]
            out.pop(bound, None)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[excl] = v


# --------------------------------------------------------------------------------------
# list-type: map
# --------------------------------------------------------------------------------------

def list_map_locations(openapi_v3: dict) -> list[tuple[tuple, tuple]]:
    """Where ``x-kubernetes-list-type: map`` lists are, with their keys.

    Each entry is ``(path, keys)``; ``path`` is a tuple of property names, ``"*"`` for any
    item of a list and ``"**"`` for any value of a map (``additionalProperties``).
    """
    found: list = []

    def walk(s: Any, path: tuple) -> None:
        if not isinstance(s, dict):
            return
        if s.get("x-kubernetes-list-type") == "map":
            keys = s.get("x-kubernetes-list-map-keys") or []
            if keys:
                found.append((path, tuple(keys)))
        for n, p in (s.get("properties") or {}).items():
            walk(p, path + (n,))
        if isinstance(s.get("additionalProperties"), dict):
            walk(s["additionalProperties"], path + ("**",))
        if isinstance(s.get("items"), dict):
            walk(s["items"], path + ("*",))

    walk(openapi_v3 or {}, ())
    return found


# --------------------------------------------------------------------------------------
# defaulting
# --------------------------------------------------------------------------------------

class _Plan:
    """The part of a schema that leads to defaults."""

    __slots__ = ("props", "defaults", "items", "item_default", "addl")

    def __init__(self):
        self.props: dict = {}       # name -> _Plan (only names whose subtree has defaults)
        self.defaults: dict = {}    # name -> (default, nullable)
        self.items: _Plan | None = None
        self.item_default = None    # (default, nullable) for list items
        self.addl: _Plan | None = None


def _is_nullable(s: dict) -> bool:
    t = s.get("type")
    return s.get("nullable") is True or t == "null" or (isinstance(t, list) and "null" in t)


def _plan(s: Any) -> _Plan | None:
    if not isinstance(s, dict):
        return None
    p = _Plan()
    for n, sub in (s.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if sub.get("default") is not None:
            p.defaults[n] = (sub["default"], _is_nullable(sub))
        sp = _plan(sub)
        if sp is not None:
            p.props[n] = sp
    items = s.get("items")
    if isinstance(items, dict):
        p.items = _plan(items)
        if items.get("default") is not None:
            p.item_default = (items["default"], _is_nullable(items))
    if isinstance(s.get("additionalProperties"), dict):
        p.addl = _plan(s["additionalProperties"])
    if p.props or p.defaults or p.items or p.item_default or p.addl:
        return p
    return None


class Defaulter:
    """Applies a schema's defaults as the API server does (``structuraldefaulting.Default``):
    a property that is missing, or null while not nullable, gets a deep copy of its default;
    defaulted values are defaulted in turn; list items and map values are walked. Works on the
    raw ``openAPIV3Schema`` or on its conversion. The input object is never modified: changed
    containers are copied (copy on write)."""

    def __init__(self, schema: dict):
        self._plan = _plan(schema)

    @property
    def has_defaults(self) -> bool:
        return self._plan is not None

    def apply(self, obj: Any) -> Any:
        if self._plan is None:
            return obj
        return _apply(self._plan, obj)


def _apply(p: _Plan, x: Any) -> Any:
    if isinstance(x, dict):
        out = None
        for k, (d, nullable) in p.defaults.items():
            if k not in x or (x[k] is None and not nullable):
                if out is None:
                    out = dict(x)
                out[k] = copy.deepcopy(d)
        src = out if out is not None else x
        if p.addl is None:
            pairs = [(k, sp, src[k]) for k, sp in p.props.items() if k in src]
        else:  # properties and additionalProperties never meet in a structural schema
            pairs = [(k, p.props.get(k) or p.addl, v) for k, v in src.items()]
        for k, sp, v in pairs:
            if v is None:
                continue
            nv = _apply(sp, v)
            if nv is not v:
                if out is None:
                    out = dict(x)
                out[k] = nv
        return out if out is not None else x
    if isinstance(x, list):
        out_l = None
        for i, v in enumerate(x):
            nv = v
            if v is None and p.item_default is not None and not p.item_default[1]:
                nv = copy.deepcopy(p.item_default[0])
            if p.items is not None and nv is not None:
                nv = _apply(p.items, nv)
            if nv is not v:
                if out_l is None:
                    out_l = list(x)
                out_l[i] = nv
        return out_l if out_l is not None else x
    return x


def apply_defaults(schema: dict, obj: Any) -> Any:
    """``obj`` with ``schema``'s defaults applied (a new object where anything changed)."""
    return Defaulter(schema).apply(obj)
