"""JSON 6902 patches, applied the way Kustomize v5.5 applies them.

Kustomize marshals the resource to JSON, runs gopkg.in/evanphx/json-patch.v4 (v4.12.0)
``Patch.Apply`` and reads the result back. That library's quirks are reproduced here:

* array indexes may be negative (``-1`` is the last element; for ``add`` it counts from the
  end *after* insertion, so ``add /list/-1`` appends), ``-`` appends on ``add`` only, an
  index equal to the length appends on ``add``; indexes parse like Go's ``strconv.Atoi``
  (``01`` and ``+1`` are fine);
* the first segment of a path is ignored (``spec/x`` acts on ``/x``);
* a null value counts as missing while walking a path, ``replace`` of a missing *map key*
  adds it, ``copy`` from a missing map key copies ``null``, ``add`` without ``value`` adds
  ``null``;
* ``replace`` at the root path ``""`` swaps in a map value, and silently ignores a scalar;
* ``test`` compares scalars by their JSON text (``1`` is not ``1.0`` when the patch is JSON
  text), a missing or null field equals ``null``;
* error messages are the library's (``add operation does not apply: doc is missing path:
  "/a/b": missing value``).

The result is in Kustomize's normal form: the whole object went through JSON, so integral
floats come back as ints and ints beyond 2**53 lose precision as Go's float64 does.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from kustgen.model import RenderError
from kustgen.kustomize.fieldpath import FieldPathError, go_atoi, go_float_json, resolve_plain

__all__ = ["apply_json6902", "parse_json6902"]

_MISSING = ": missing value"
_BAD_INDEX = ": invalid index referenced"


class _RawFloat(float):
    """A float read from JSON text, remembering how it was written (``test`` compares it)."""

    raw: str

    def __new__(cls, text: str):
        f = float.__new__(cls, text)
        f.raw = text
        return f


class _RawInt(int):
    raw: str

    def __new__(cls, text: str):
        i = int.__new__(cls, text)
        i.raw = text
        return i


class _PatchError(Exception):
    pass


# -- decoding ----------------------------------------------------------------------------------

class _V2Loader(yaml.SafeLoader):
    """PyYAML tuned to go-yaml v2's implicit typing (what sigs.k8s.io/yaml.YAMLToJSON uses):
    y/n/yes/no/on/off are booleans, 0777 is octal, timestamps stay strings, no sexagesimal."""


_V2Loader.yaml_implicit_resolvers = {}
_V2Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False"
               r"|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"))
_V2Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""])
_V2Loader.add_implicit_resolver(
    "tag:kustgen:v2number", re.compile(r"^[-+.0-9]"), list("-+.0123456789"))
_V2Loader.add_implicit_resolver(
    "tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def _construct_bool(loader, node):
    return node.value in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                          "on", "On", "ON")


def _construct_number(loader, node):
    text = node.value
    if text in (".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                "-.inf", "-.Inf", "-.INF"):
        raise RenderError("json: unsupported value: %s" % text)
    return resolve_plain(text, timestamps=False)[1]


def _construct_mapping(loader, node):
    # Keys become JSON strings right away, so 1 and true stay distinct keys (Python's dict
    # would merge them); later duplicates win, as in Go.
    loader.flatten_mapping(node)
    out = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):
            key = "true" if key else "false"
        elif isinstance(key, int):
            key = str(key)
        elif isinstance(key, float):
            key = _go_g(key)
        elif key is None:
            raise RenderError("Unsupported map key of type: <nil>")
        elif not isinstance(key, str):
            raise RenderError("Unsupported map key: %r" % (key,))
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_V2Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_V2Loader.add_constructor("tag:kustgen:v2number", _construct_number)
_V2Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _go_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64) (how sigs.k8s.io/yaml names float map keys)."""
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    if math.isnan(f):
        return ".nan"
    from kustgen.yamlio import go_format_g
    return go_format_g(f)


def _jsonable(v: Any, where: str) -> Any:
    """YAML data -> what json.Marshal makes of it (keys become strings, bytes text)."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(k, bool):
                k = "true" if k else "false"
            elif isinstance(k, int):
                k = str(k)
            elif isinstance(k, float):
                k = _go_g(k)
            elif not isinstance(k, str):
                raise RenderError("Unsupported map key of type: %s, key: %r"
                                  % (type(k).__name__, k), where)
            out[k] = _jsonable(x, where)
        return out
    if isinstance(v, list):
        return [_jsonable(x, where) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise RenderError("json: unsupported value: %r" % v, where)
        return v
    if v is None or isinstance(v, (str, int)):
        return v
    return str(v)


def _raw_int(text: str) -> int:
    i = int(text)
    return i if str(i) == text else _RawInt(text)


def _no_constant(name: str):
    raise ValueError("invalid character '%s' looking for beginning of value" % name[0])


def parse_json6902(text: str, path: str) -> list[dict]:
    """Decode a JSON 6902 patch (a JSON array, or YAML as Kustomize converts it to JSON).

    Raises RenderError (file = ``path``) when the text is not a non-empty list of
    operations that each have ``op`` and ``path``.
    """
    s = text.strip()
    if not s:
        raise RenderError("patch appears to be empty; file=%s" % path, path)
    if s.startswith("["):
        try:
            data = json.loads(s, parse_float=_RawFloat, parse_int=_raw_int,
                              parse_constant=_no_constant)
        except ValueError as e:
            raise RenderError("unable to parse the JSON patch: %s" % e, path) from None
    else:
        try:
            docs = yaml.load_all(text, Loader=_V2Loader)  # noqa: S506 (safe loader subclass)
            data = next(iter(docs), None)
        except yaml.YAMLError as e:
            raise RenderError("unable to parse the JSON patch as YAML: %s"
                              % str(e).replace("\n", " "), path) from None
        except RenderError as e:  # raised by the constructors above
            raise RenderError(e.message, path) from None
        data = _jsonable(data, path)
    if data is None or data == []:
        raise RenderError("patch appears to be empty; file=%s" % path, path)
    if not isinstance(data, list):
        raise RenderError("a JSON 6902 patch must be a list of operations, not a %s"
                          % ("map" if isinstance(data, dict) else type(data).__name__), path)
    for i, op in enumerate(data):
        if not isinstance(op, dict):
            raise RenderError("JSON patch operation %d is not a map: %s"
                              % (i, json.dumps(op)), path)
        kind = op.get("op")
        if not isinstance(kind, str):
            raise RenderError("JSON patch operation %d: Unexpected kind: unknown "
                              "(every operation needs an 'op')" % i, path)
        if not isinstance(op.get("path"), str):
            raise RenderError("JSON patch operation %d: %s operation failed to decode path%s "
                              "(every operation needs a 'path')" % (i, kind, _MISSING), path)
    return data


# -- the containers (partialDoc / partialArray) -----------------------------------------------

def _atoi_error(key: str) -> _PatchError:
    reason = "value out of range" if key.lstrip("+-").isdigit() else "invalid syntax"
    return _PatchError('strconv.Atoi: parsing %s: %s' % (json.dumps(key), reason))


def _index(key: str) -> int:
    idx = go_atoi(key)
    if idx is None:
        raise _atoi_error(key)
    return idx


def _bad_index(idx: int) -> _PatchError:
    return _PatchError("Unable to access invalid index: %d%s" % (idx, _BAD_INDEX))


def _get(con, key: str) -> Any:
    """-> the value, or None for missing/null (json-patch v4 keeps nulls as nil nodes)."""
    if isinstance(con, dict):
        return con.get(key)
    idx = _index(key)
    n = len(con)
    if idx < 0:
        if idx < -n:
            raise _bad_index(idx)
        idx += n
    if idx >= n:
        raise _bad_index(idx)
    return con[idx]


def _set(con, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    idx = _index(key)
    n = len(con)
    if idx < 0:
        if idx < -n:
            raise _bad_index(idx)
        idx += n
    if idx >= n:
        raise _bad_index(idx)
    con[idx] = val


def _add(con, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    if key == "-":
        con.append(val)
        return
    idx = go_atoi(key)
    if idx is None:
        raise _PatchError("value was not a proper array index: '%s': %s"
                          % (key, _atoi_error(key)))
    sz = len(con) + 1
    if idx >= sz:
        raise _bad_index(idx)
    if idx < 0:
        if idx < -sz:
            raise _bad_index(idx)
        idx += sz
    con.insert(idx, val)


def _remove(con, key: str) -> None:
    if isinstance(con, dict):
        if key not in con:
            raise _PatchError("Unable to remove nonexistent key: %s%s" % (key, _MISSING))
        del con[key]
        return
    idx = _index(key)
    n = len(con)
    if idx >= n:
        raise _bad_index(idx)
    if idx < 0:
        if idx < -n:
            raise _bad_index(idx)
        idx += n
    del con[idx]


def _decode_key(k: str) -> str:
    return k.replace("~1", "/").replace("~0", "~")


def _find(doc, path: str):
    """json-patch's findObject: (container, key) or (None, '')."""
    split = path.split("/")
    if len(split) < 2:
        return None, ""
    cur = doc
    for part in split[1:-1]:
        try:
            nxt = _get(cur, _decode_key(part))
        except _PatchError:
            return None, ""
        if not isinstance(nxt, (dict, list)):
            return None, ""
        cur = nxt
    return cur, _decode_key(split[-1])


# -- test equality -----------------------------------------------------------------------------

class _Crash(Exception):
    """Where Kustomize itself panics (nil pointer dereference in json-patch)."""


def _raw(v: Any) -> str:
    if isinstance(v, (_RawFloat, _RawInt)):
        return v.raw
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float_json(v)
    return json.dumps(v, ensure_ascii=False)


def _equal(n: Any, o: Any) -> bool:
    """lazyNode.equal: ``n`` from the document, ``o`` from the patch; neither is None."""
    if n is None or o is None:
        raise _Crash()
    if isinstance(n, dict):
        if not isinstance(o, dict) or len(n) != len(o):
            return False
        for k, v in n.items():
            if k not in o:
                return False
            ov = o[k]
            if (v is None) != (ov is None):
                return False
            if v is None:
                continue
            if not _equal(v, ov):
                return False
        return True
    if isinstance(n, list):
        if not isinstance(o, list) or len(n) != len(o):
            return False
        return all(_equal(a, b) for a, b in zip(n, o))
    if isinstance(o, (dict, list)):
        return False
    if isinstance(n, str) or isinstance(o, str):
        return isinstance(n, str) and isinstance(o, str) and n == o
    return _raw(n) == _raw(o)


# -- applying -----------------------------------------------------------------------------------

def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def _normal(v: Any) -> Any:
    """The JSON round trip Kustomize does after patching (through Go's float64)."""
    if isinstance(v, dict):
        return {k: _normal(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_normal(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        v = int(v)
        if abs(v) > (1 << 53):
            return json.loads(go_float_json(float(v)))
        return v
    if isinstance(v, float):
        try:
            return json.loads(go_float_json(float(v)))
        except FieldPathError as e:
            raise _PatchError(str(e)) from None
    return v


def _kind(op: dict) -> str:
    k = op.get("op")
    return k if isinstance(k, str) else "unknown"


def _path(op: dict, kind: str) -> str:
    p = op.get("path")
    if not isinstance(p, str):
        raise _PatchError("%s operation failed to decode path%s" % (kind, _MISSING))
    return p


def _from(op: dict, kind: str) -> str:
    p = op.get("from")
    if not isinstance(p, str):
        raise _PatchError("%s operation failed to decode from: operation, missing from "
                          "field%s" % (kind, _MISSING))
    return p


class _Doc:
    def __init__(self, root):
        self.root = root

    def add(self, op):
        path = _path(op, "add")
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError('add operation does not apply: doc is missing path: "%s"%s'
                              % (path, _MISSING))
        try:
            _add(con, key, _copy(op.get("value")))
        except _PatchError as e:
            raise _PatchError("error in add for path: '%s': %s" % (path, e)) from None

    def remove(self, op):
        path = _path(op, "remove")
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError('remove operation does not apply: doc is missing path: "%s"%s'
                              % (path, _MISSING))
        try:
            _remove(con, key)
        except _PatchError as e:
            raise _PatchError("error in remove for path: '%s': %s" % (path, e)) from None

    def replace(self, op):
        path = _path(op, "replace")
        if path == "":
            if "value" not in op:
                raise _Crash()
            val = op["value"]
            if isinstance(val, (dict, list)):
                self.root = _copy(val)
            return  # json-patch v4 silently ignores a scalar or null here
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError("replace operation does not apply: doc is missing path: %s%s"
                              % (path, _MISSING))
        try:
            _get(con, key)
        except _PatchError:
            raise _PatchError("replace operation does not apply: doc is missing key: %s%s"
                              % (path, _MISSING)) from None
        _set(con, key, _copy(op.get("value")))

    def move(self, op):
        frm = _from(op, "move")
        con, key = _find(self.root, frm)
        if con is None:
            raise _PatchError("move operation does not apply: doc is missing from path: %s%s"
                              % (frm, _MISSING))
        try:
            val = _get(con, key)
            _remove(con, key)
        except _PatchError as e:
            raise _PatchError("error in move for path: '%s': %s" % (key, e)) from None
        path = _path(op, "move")
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError("move operation does not apply: doc is missing destination "
                              "path: %s%s" % (path, _MISSING))
        try:
            _add(con, key, val)
        except _PatchError as e:
            raise _PatchError("error in move for path: '%s': %s" % (path, e)) from None

    def copy(self, op):
        frm = _from(op, "copy")
        con, key = _find(self.root, frm)
        if con is None:
            raise _PatchError("copy operation does not apply: doc is missing from path: %s%s"
                              % (frm, _MISSING))
        try:
            val = _get(con, key)
        except _PatchError as e:
            raise _PatchError("error in copy for from: '%s': %s" % (frm, e)) from None
        path = _path(op, "copy")
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError("copy operation does not apply: doc is missing destination "
                              "path: %s%s" % (path, _MISSING))
        try:
            _add(con, key, _copy(val))
        except _PatchError as e:
            raise _PatchError("error while adding value during copy: %s" % e) from None

    def test(self, op):
        path = _path(op, "test")
        failed = _PatchError("testing value %s failed: test failed" % path)
        if path == "":
            if "value" not in op:
                raise _Crash()
            if op["value"] is None or not _equal(self.root, op["value"]):
                raise failed
            return
        con, key = _find(self.root, path)
        if con is None:
            raise _PatchError("test operation does not apply: is missing path: %s%s"
                              % (path, _MISSING))
        try:
            val = _get(con, key)
        except _PatchError as e:
            raise _PatchError("error in test for path: '%s': %s" % (path, e)) from None
        if val is None:
            if "value" not in op:
                raise _Crash()
            if op["value"] is None:
                return
            raise failed
        if op.get("value") is None:
            raise failed
        if not _equal(val, op["value"]):
            raise failed


def apply_json6902(obj: dict, ops: list[dict]) -> dict:
    """Apply JSON 6902 ``ops`` to a copy of ``obj`` (neither argument is modified) and
    return the patched object. Raises RenderError with json-patch's message."""
    doc = _Doc(_copy(obj))
    for i, op in enumerate(ops):
        if not isinstance(op, dict):
            raise RenderError("JSON patch operation %d is not a map" % i)
        kind = _kind(op)
        fn = getattr(doc, kind, None) if kind in ("add", "remove", "replace", "move",
                                                  "copy", "test") else None
        try:
            if fn is None:
                raise _PatchError("Unexpected kind: %s" % kind)
            fn(op)
        except _PatchError as e:
            raise RenderError(str(e)) from None
        except _Crash:
            raise RenderError("%s operation on path %r: kustomize crashes on this operation "
                              "(nil pointer dereference in json-patch: a missing 'value', or "
                              "null list items compared by 'test')"
                              % (kind, op.get("path"))) from None
    try:
        out = _normal(doc.root)
    except _PatchError as e:
        raise RenderError(str(e)) from None
    if not isinstance(out, dict):
        raise RenderError("json: cannot unmarshal %s into Go value of type "
                          "map[string]interface {}" % ("array" if isinstance(out, list)
                                                       else "value"))
    return out
