"""The schema registry: an ordered chain of sources, and validation of one object.

A *source* is any object with ``lookup(api_version, kind) -> SchemaEntry | None``; sources
are tried in order and "not found" (None) falls through to the next. Results (found or not)
are cached per Registry instance.

:func:`validate_object` applies the schema's defaults (as the API server does), runs the
compiled JSON Schema (``jsonschema_rs``, compiled once per entry), checks
``x-kubernetes-list-type: map`` key uniqueness, and returns every error as a
:class:`SchemaError` with a JSON pointer into the resource.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from kustgen.schemas.convert import (K8S_FORMATS, Defaulter, crd_version_to_json_schema,
                                     list_map_locations)

__all__ = ["SchemaEntry", "SchemaError", "Registry", "Source", "validate_object",
           "pointer", "dotted"]


class Source(Protocol):
    def lookup(self, api_version: str, kind: str) -> "SchemaEntry | None": ...


class SchemaEntry:
    """The schema of one (apiVersion, kind).

    ``schema``: the JSON Schema (converted from ``openapi`` on first use when not given);
    ``openapi``: the raw ``openAPIV3Schema`` (CEL rules live there and in ``schema``);
    ``source``: where it came from (a file, a URL, "xrd:<file>"); ``validator``: the
    ``jsonschema_rs`` validator, compiled on first use and then reused.
    """

    __slots__ = ("api_version", "kind", "source", "strict", "openapi", "_schema",
                 "_validator", "_defaulter", "_list_maps", "base_uri", "retriever")

    def __init__(self, api_version: str, kind: str, source: str, *,
                 openapi: dict | None = None, schema: dict | None = None, strict: bool = True,
                 base_uri: str | None = None, retriever=None):
        if openapi is None and schema is None:
            raise ValueError("SchemaEntry needs an openAPIV3 schema or a JSON schema")
        self.api_version = api_version
        self.kind = kind
        self.source = source
        self.strict = strict
        self.openapi = openapi
        self._schema = schema
        self._validator = None
        self._defaulter = None
        self._list_maps = None
        # for JSON schemas with relative or remote `$ref`s: the URI they were read from and
        # a callable uri -> dict that resolves the references (see schemas.sources.location)
        self.base_uri = base_uri
        self.retriever = retriever

    def __repr__(self) -> str:
        return "SchemaEntry(%s %s from %s)" % (self.api_version, self.kind, self.source)

    @property
    def schema(self) -> dict:
        if self._schema is None:
            self._schema = crd_version_to_json_schema(self.openapi, strict=self.strict)
        return self._schema

    @property
    def validator(self):
        if self._validator is None:
            import jsonschema_rs  # imported on first use: start-up stays cheap
            kw = {}
            if self.retriever is not None:
                kw["retriever"] = self.retriever
            if self.base_uri:
                kw["base_uri"] = self.base_uri
            self._validator = jsonschema_rs.Draft7Validator(
                self.schema, formats=K8S_FORMATS, validate_formats=True, **kw)
        return self._validator

    @property
    def defaulter(self) -> Defaulter:
        if self._defaulter is None:
            self._defaulter = Defaulter(self.openapi if self.openapi is not None else self.schema)
        return self._defaulter

    @property
    def list_maps(self) -> list:
        if self._list_maps is None:
            self._list_maps = list_map_locations(
                self.openapi if self.openapi is not None else self.schema)
        return self._list_maps

    def compile(self) -> "SchemaEntry":
        """Convert and compile now (otherwise done on first validation)."""
        _ = self.validator, self.defaulter, self.list_maps
        return self


@dataclass(frozen=True, order=True)
class SchemaError:
    """One schema violation: ``path`` is a JSON pointer into the resource ("" = root),
    ``message`` one line for a user, ``keyword`` the JSON Schema keyword that failed
    ('type', 'required', 'additionalProperties', 'enum', 'pattern', ...), or 'nullable' (a
    null where the field is not nullable), or 'listMapKeys' (duplicate keys in a
    ``x-kubernetes-list-type: map`` list)."""

    path: str
    message: str
    keyword: str


class Registry:
    """Ordered chain of schema sources; lookups cached per instance."""

    def __init__(self, sources: Iterable[Source]):
        self.sources = list(sources)
        self._cache: dict = {}

    def lookup(self, api_version: str, kind: str) -> SchemaEntry | None:
        key = (api_version, kind)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = None
        for src in self.sources:
            found = src.lookup(api_version, kind)
            if found is not None:
                break
        self._cache[key] = found
        return found

    def validate(self, obj: Any) -> list[SchemaError] | None:
        """Errors of a resource against the schema of its apiVersion/kind; None when no
        source has a schema for it."""
        if not isinstance(obj, dict):
            return None
        entry = self.lookup(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        return None if entry is None else validate_object(entry, obj)


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------

def pointer(parts: Iterable) -> str:
    """JSON pointer of a path ("" for the root)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def dotted(parts: Iterable) -> str:
    """``spec.rules[0].name``; keys that are not simple names in brackets."""
    s = ""
    for p in parts:
        if isinstance(p, int):
            s += "[%d]" % p
        elif p and all(c.isalnum() or c in "_-$" for c in p):
            s += ("." if s else "") + p
        else:
            s += "[%s]" % json.dumps(p)
    return s


def _show(v: Any) -> str:
    s = json.dumps(v, sort_keys=True, default=str)
    return s if len(s) <= 60 else s[:57] + "..."


def _at(parts: list, msg: str) -> str:
    d = dotted(parts)
    return "%s: %s" % (d, msg) if d else msg


def _errors_of(e) -> list[SchemaError]:
    parts = list(e.instance_path)
    sp = [x for x in e.schema_path if isinstance(x, str)]
    keyword = sp[-1] if sp else type(e.kind).__name__
    kname = type(e.kind).__name__
    if kname == "AdditionalProperties":
        return [SchemaError(pointer(parts + [f]), _at(parts, 'unknown field "%s"' % f),
                            "additionalProperties") for f in e.kind.unexpected]
    if kname == "Required":
        return [SchemaError(pointer(parts), _at(parts, 'missing required field "%s"'
                                                % e.kind.property), "required")]
    if kname == "Type":
        types = " or ".join("'%s'" % t for t in e.kind.types)
        if e.instance is None:
            # keyword 'nullable': the API server drops such a null in an object field
            # (and rejects it in a list); callers may weigh it apart from other type errors
            msg = "null is not allowed, the field is not nullable (expected %s)" % types
            return [SchemaError(pointer(parts), _at(parts, msg), "nullable")]
        msg = "%s is not of type %s" % (_show(e.instance), types)
        return [SchemaError(pointer(parts), _at(parts, msg), "type")]
    if kname == "Enum":
        opts = e.kind.options
        msg = "%s is not one of %s" % (
            _show(e.instance), ", ".join(_show(o) for o in opts) if isinstance(opts, list)
            else _show(opts))
        return [SchemaError(pointer(parts), _at(parts, msg), "enum")]
    if kname == "Format":
        msg = "%s is not a valid %s" % (_show(e.instance), e.kind.format)
        return [SchemaError(pointer(parts), _at(parts, msg), "format")]
    msg = e.message.replace("\n", " ")
    return [SchemaError(pointer(parts), _at(parts, msg), keyword)]


def _list_map_errors(obj: Any, path: tuple, keys: tuple, where: list,
                     out: list) -> None:
    if not path:
        if not isinstance(obj, list):
            return
        seen: dict = {}
        for i, item in enumerate(obj):
            if not isinstance(item, dict):
                continue
            k = tuple(json.dumps(item.get(n), sort_keys=True) for n in keys)
            if k in seen:
                desc = ", ".join("%s=%s" % (n, _show(item.get(n))) for n in keys)
                out.append(SchemaError(
                    pointer(where + [i]),
                    _at(where + [i], "duplicate entry (%s), also at index %d" % (desc, seen[k])),
                    "listMapKeys"))
            else:
                seen[k] = i
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(obj, list):
            for i, v in enumerate(obj):
                _list_map_errors(v, rest, keys, where + [i], out)
    elif head == "**":
        if isinstance(obj, dict):
            for k, v in obj.items():
                _list_map_errors(v, rest, keys, where + [k], out)
    elif isinstance(obj, dict) and head in obj:
        _list_map_errors(obj[head], rest, keys, where + [head], out)


def validate_object(entry: SchemaEntry, obj: Any) -> list[SchemaError]:
    """Every schema error of ``obj`` (a resource as a JSON-like dict), defaults applied
    first; [] when valid. ``obj`` is not modified."""
    obj = entry.defaulter.apply(obj)
    v = entry.validator
    errors: list[SchemaError] = []
    if not v.is_valid(obj):
        for e in v.iter_errors(obj):
            errors.extend(_errors_of(e))
    for path, keys in entry.list_maps:
        _list_map_errors(obj, path, keys, [], errors)
    return sorted(set(errors))
