"""Strategic-merge patching, as Kustomize v5.5.0 applies it (kyaml ``merge2`` + ``walk``).

Kustomize does not use Kubernetes' apimachinery strategic merge: it walks the resource and
the patch together with kyaml's walker, and that walker has its own rules and quirks.  This
module reproduces them on plain JSON-like data; every rule below was checked against
``kubectl kustomize`` (Kustomize v5.5.0), see tests/test_patch_smp.py.

* Maps merge key by key.  ``null`` in the patch removes the field (and never adds it); an
  explicit ``null`` in the resource that the patch does not touch stays.
* A list whose schema strategy contains ``merge`` is merged by its keys
  (``x-kubernetes-list-map-keys`` if any, else ``x-kubernetes-patch-merge-key``; no key: a
  list of primitives merged as a set).  The result lists the patch's elements first, in
  the patch's order, then the resource's other elements (lists with two keys, such as
  ports by containerPort+protocol, follow kyaml's odder matching and ordering, reproduced
  as is).  Every other list (no schema, a custom resource, ``args``...) is replaced by
  the patch's.
* Merged lists are rebuilt even when the patch does not touch them: duplicates collapse
  into the last one, ``{}`` elements go, and an element lacking the merge key removes the
  resource's keyed elements (kyaml's quirks, kept on purpose).
* Directives: ``$patch: delete`` (a list element: removes it, never adds it; a map: removes
  it; the whole patch: deletes the resource), ``$patch: replace`` (a map: replaces it;
  the whole patch: ignored, the resource is left as it was), ``$patch: merge``.  In a
  merged list, an element that is only ``{$patch: replace}`` / ``{$patch: delete}``
  replaces / deletes the whole list; in a replaced list it is copied like any element.
  Any other ``$patch`` value is an error.  kyaml does not implement
  ``$retainKeys``, ``$setElementOrder/...`` nor ``$deleteFromPrimitiveList/...``: like
  Kustomize, they are copied into the result as ordinary fields.
* Patch strategy ``retainKeys`` (volumes, a Deployment's strategy) is ignored, as in kyaml.

Schema lookup follows kyaml: the resource's apiVersion/kind picks the type; below a field
that has no schema, a map carrying its own ``apiVersion`` and ``kind`` (an embedded
manifest) picks the schema of that type.

Key values are compared as YAML scalar text (``80`` matches ``"80"``).
"""

from __future__ import annotations

from typing import Any

from kustgen.kustomize.openapi import PatchSchema, SchemaNode
from kustgen.model.errors import RenderError
from kustgen.model.resource import deep_copy

__all__ = ["strategic_merge", "SmpError"]


class SmpError(RenderError):
    """A strategic merge patch that Kustomize rejects."""


class _Missing:
    """An absent node (kyaml's nil *RNode), distinct from an explicit null (None)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


class _KeepNull:
    """A null that the merge keeps (kyaml re-creates it as an untagged 'null' scalar)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "KEEP_NULL"


MISSING: Any = _Missing()
KEEP_NULL: Any = _KeepNull()

_MERGE, _REPLACE, _DELETE = "merge", "replace", "delete"
_DIRECTIVE = "$patch"


def strategic_merge(base: dict, patch: dict, schema: PatchSchema | None) -> dict | None:
    """Apply one SMP document to one resource object, as kyaml ``merge2.Merge`` with
    Kustomize's options (list elements from the patch first).

    Returns the new object (``base``, modified in place), or None when the patch deletes
    the resource (``$patch: delete`` at the top, or nothing left).  ``patch`` is not
    modified.  Raises :class:`SmpError` (a RenderError) where Kustomize fails.

    The caller does Kustomize's bookkeeping around it (``Resource.ApplySmPatch``): the patch
    takes the target's apiVersion; afterwards the target's name and kind are restored
    unless the patch allows changing them, and its namespace always is.
    """
    w = _Walker(schema)
    out = w.walk([base, deep_copy(patch)], None, ())
    if out is MISSING or out is None or out is KEEP_NULL:
        return None
    if out is not base:
        # `$patch: replace` at the top: kyaml returns the patch as a new node, which
        # Kustomize never stores back into the resource, so the resource is unchanged
        return base if isinstance(base, dict) and base else None
    if isinstance(out, dict) and not out:
        return None
    return out


# --------------------------------------------------------------------------------------
# node helpers

def _kind(v: Any) -> str:
    if isinstance(v, dict):
        return "MappingNode"
    if isinstance(v, list):
        return "SequenceNode"
    return "ScalarNode"


def _is_null(v: Any) -> bool:
    """kyaml IsMissingOrNull."""
    return v is MISSING or v is None


def _scalar_text(v: Any) -> str:
    """The text of a scalar node, as kyaml compares values."""
    if type(v) is str:
        return v
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (dict, list)):
        return ""
    if isinstance(v, float):
        if v != v:
            return ".nan"
        if v in (float("inf"), float("-inf")):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    return str(v)


def _key_value(elem: Any, key: str) -> str:
    """kyaml ElementValuesList for one element and key: "" when absent or empty."""
    if not isinstance(elem, dict) or key not in elem:
        return ""
    v = elem[key]
    if v is None or isinstance(v, (dict, list)):
        return ""
    return _scalar_text(v)


def _dump(v: Any) -> str:
    try:
        import yaml
        text = yaml.safe_dump(v, default_flow_style=False, sort_keys=True)
        if text.endswith("\n...\n"):
            text = text[:-4]
        return text.rstrip("\n")
    except Exception:  # pragma: no cover - PyYAML is a dependency
        return repr(v)


def _field_matches(elem: Any, name: str, value: str) -> bool:
    """kyaml FieldMatcher{Name: name, StringValue: value} applied to a list element:
    an empty value matches any element that has the field."""
    if elem is None:
        return False
    if name == "":
        if isinstance(elem, (dict, list)):
            raise SmpError("wrong node kind: expected ScalarNode but got %s: node contents:\n%s"
                           % (_kind(elem), _dump(elem)))
        return _scalar_text(elem) == value
    if not isinstance(elem, dict):
        raise SmpError("wrong node kind: expected MappingNode but got %s: node contents:\n%s"
                       % (_kind(elem), _dump(elem)))
    if name not in elem:
        return False
    return value == "" or _scalar_text(elem[name]) == value


def _element_setter(lst: list, element: Any, keys: list, values: list) -> None:
    """kyaml ElementSetter: replace every element matching keys=values by ``element``
    (MISSING: delete them), append ``element`` when none matched.  Empty elements ({} and
    null) are dropped on the way."""
    if not keys:
        keys = [""]
    mapping_setter = bool(keys[0]) and bool(values) and values[0] != ""
    # the (key, value) pairs checked: kyaml stops at the first key without a value, and an
    # element only matches when at least one pair was checked
    pairs = [(keys[j], values[j]) for j in range(min(len(keys), len(values)))]
    new = []
    matched = False
    for elem in lst:
        if elem is None:
            continue
        is_map = type(elem) is dict
        if is_map and not elem:
            continue
        if not is_map and mapping_setter:
            new.append(elem)
            continue
        found = bool(pairs)
        for k, v in pairs:
            if is_map and k:
                # fast path of _field_matches for the usual mapping element
                if k not in elem:
                    found = False
                    break
                if v:
                    x = elem[k]
                    if (x if type(x) is str else _scalar_text(x)) != v:
                        found = False
                        break
            elif not _field_matches(elem, k, v):
                found = False
                break
        if not found:
            if values:
                new.append(elem)
            continue
        matched = True
        if element is MISSING:
            continue
        new.append(element)
    lst[:] = new
    if element is MISSING or element is None:
        return
    if not matched:
        lst.append(element)


def _element_matcher(lst: Any, keys: list, values: list) -> Any:
    """kyaml ElementList / ElementMatcher: the first element whose fields keys[i] have the
    text values[i] exactly, or MISSING."""
    if not isinstance(lst, list):
        return MISSING
    if not keys or keys[0] == "":
        want = values[0] if values else ""
        for item in lst:
            if _scalar_text(item) == want:
                return item
        return MISSING
    pairs = list(zip(keys, values))
    for elem in lst:
        if type(elem) is not dict:
            continue
        for k, v in pairs:
            if k not in elem:
                break
            x = elem[k]
            if (x if type(x) is str else _scalar_text(x)) != v:
                break
        else:
            return elem
    return MISSING


def _present_keys(values_list: list, keys: list) -> set:
    present = set()
    for vs in values_list:
        for i, v in enumerate(vs):
            if v != "":
                present.add(keys[i])
    return present


def _validate_keys(values_list: list, values: list, keys: list,
                   present: set | None = None) -> tuple[list, list]:
    """kyaml validateKeys: drop the keys no element has a value for (all of them missing:
    keep them all).  ``present`` may be given precomputed for ``values_list``."""
    if present is None:
        present = _present_keys(values_list, keys)
    if not present:
        return keys, values
    vkeys = [k for k in keys if k in present]
    vvalues = [v for i, v in enumerate(values) if v != "" or keys[i] in present]
    return vkeys, vvalues


def _match(a: list, b: list) -> tuple[bool, list | None]:
    if len(a) != len(b):
        return False, None
    common = False
    res = []
    for x, y in zip(a, b):
        if x == y:
            common = True
            res.append(x)
            continue
        if x != "" and y != "":
            return False, None
        res.append(x if x != "" else y)
    return common, res


def _merge_values(values_list: list) -> list:
    """Elements whose keys only differ by an absent value are the same element."""
    n = len(values_list)
    for i in range(n):
        v1 = values_list[i]
        for j in range(n):
            ok, res = _match(v1, values_list[j])
            if ok:
                values_list[i] = res
                values_list[j] = res
    return values_list


def _determine_directive(origin: Any) -> str:
    """The ``$patch`` directive of a patch node (removed from it), merge when none."""
    if origin is MISSING:
        return _MERGE
    if isinstance(origin, list):
        # a list's directive is an element that is only {$patch: ...}; the first element
        # carrying $patch decides (with other fields, it is that element's directive)
        for elem in origin:
            if not isinstance(elem, dict) or _DIRECTIVE not in elem:
                continue
            if len(elem) > 1:
                return _MERGE
            v = _scalar_text(elem[_DIRECTIVE])
            if v in (_DELETE, _REPLACE, _MERGE):
                _element_setter(origin, MISSING, [_DIRECTIVE], [v])
                return v
            raise SmpError("unknown patch strategy '%s'" % v)
        return _MERGE
    if isinstance(origin, dict):
        if _DIRECTIVE not in origin:
            return _MERGE
        v = _scalar_text(origin[_DIRECTIVE])
        if v in (_DELETE, _REPLACE, _MERGE):
            del origin[_DIRECTIVE]
            return v
        raise SmpError("unknown patch strategy '%s'" % v)
    raise SmpError("no implemented strategic merge patch strategy for %s ('%s')"
                   % (_kind(origin), _scalar_text(origin)))


# --------------------------------------------------------------------------------------
# the walker: sources are [dest (the resource), origin (the patch)]

class _Walker:
    __slots__ = ("schema",)

    def __init__(self, schema: PatchSchema | None):
        self.schema = schema

    # -- dispatch ------------------------------------------------------------------------
    def _get_schema(self, sources: list, schema: SchemaNode | None) -> SchemaNode | None:
        if schema is not None or self.schema is None:
            return schema
        for r in sources:
            if not isinstance(r, dict):
                continue
            av, kind = r.get("apiVersion"), r.get("kind")
            if not isinstance(av, str) or not isinstance(kind, str) or not av or not kind:
                continue
            s = self.schema.for_type(av, kind)
            if s is not None:
                return s
        return None

    def walk(self, sources: list, schema: SchemaNode | None, path: tuple) -> Any:
        schema = self._get_schema(sources, schema)
        first = next((s for s in sources if not _is_null(s)), MISSING)
        if first is MISSING:
            return self._walk_map(sources, schema, path)
        kind = _kind(first)
        for s in sources:
            if not _is_null(s) and _kind(s) != kind:
                raise SmpError("wrong node kind: expected %s but got %s: node contents:\n%s"
                               % (kind, _kind(s), _dump(s)))
        if kind == "MappingNode":
            return self._walk_map(sources, schema, path)
        if kind == "SequenceNode":
            if schema is not None and schema.has_merge_strategy():
                return self._walk_assoc(sources, schema, path)
            # non-associative list: the patch's value wins
            origin = sources[1]
            return origin if origin is not MISSING else sources[0]
        origin = sources[1]
        return origin if origin is not MISSING else sources[0]

    # -- maps ----------------------------------------------------------------------------
    @staticmethod
    def _visit_map(sources: list) -> Any:
        dest, origin = sources[0], sources[1]
        if _is_null(dest):
            try:
                ps = _determine_directive(origin)
            except SmpError:
                ps = ""
            if ps == _DELETE:
                return MISSING
            if origin is MISSING and dest is None:
                return KEEP_NULL          # a null the patch does not touch stays
            return origin
        if origin is None:
            return MISSING
        ps = _determine_directive(origin)
        if ps == _DELETE:
            return MISSING
        if ps == _REPLACE:
            return origin
        return dest

    def _walk_map(self, sources: list, schema: SchemaNode | None, path: tuple) -> Any:
        dest = self._visit_map(sources)
        sources[0] = dest
        if dest is MISSING or not isinstance(dest, dict):
            return dest
        names: set = set()
        for s in sources:
            if isinstance(s, dict):
                names.update(s)
        for key in sorted(names):
            fs = schema.field(key) if schema is not None else None
            fv = [s.get(key, MISSING) if isinstance(s, dict) else MISSING for s in sources]
            val = self.walk(fv, fs, path + (key,))
            if val is MISSING or val is None:
                dest.pop(key, None)
            elif val is KEEP_NULL:
                dest[key] = None
            else:
                dest[key] = val
        return dest

    # -- associative lists ---------------------------------------------------------------
    def _walk_assoc(self, sources: list, schema: SchemaNode, path: tuple) -> Any:
        dest, origin = sources[0], sources[1]
        if _is_null(dest):
            dest = origin
        elif origin is None:
            return MISSING
        else:
            ps = _determine_directive(origin)
            if ps == _DELETE:
                return MISSING
            if ps == _REPLACE:
                dest = origin
        sources[0] = dest
        if dest is MISSING:
            return MISSING
        _, keys = schema.strategy_and_keys()
        values = self._element_values(sources, keys) if keys else []
        if values or keys:
            return self._set_elements(sources, values, keys, dest, schema, path)
        return self._set_elements(sources, self._primitive_values(sources), [""], dest,
                                  schema, path)

    @staticmethod
    def _ordered(sources: list) -> list:
        # patch first: Kustomize merges with ListIncreaseDirection = prepend
        n = len(sources)
        return [sources[(i + 1) % n] for i in range(n)]

    def _element_values(self, sources: list, keys: list) -> list:
        out: list = []
        seen: set = set()
        for src in self._ordered(sources):
            if not isinstance(src, list):
                continue
            for elem in src:
                vs = [_key_value(elem, k) for k in keys]
                t = tuple(vs)
                if not vs or t in seen:
                    continue
                out.append(vs)
                seen.add(t)
        return out

    def _primitive_values(self, sources: list) -> list:
        out: list = []
        seen: set = set()
        for src in self._ordered(sources):
            if not isinstance(src, list):
                continue
            for item in src:
                t = _scalar_text(item)
                if t in seen:
                    continue
                out.append([t])
                seen.add(t)
        return out

    def _element_sources(self, sources: list, keys: list, values: list) -> list:
        keys, values = _validate_keys([values], values, keys)
        return [MISSING if s is MISSING else _element_matcher(s, keys, values) for s in sources]

    def _set_elements(self, sources: list, values_list: list, keys: list, dest: list,
                      schema: SchemaNode, path: tuple) -> Any:
        items: list = []
        elem_schema = schema.elements()
        if len(keys) > 1:
            values_list = _merge_values(values_list)
        vkeys: list = []
        vvalues: list = []
        present = _present_keys(values_list, keys)
        for values in values_list:
            if not values:
                continue
            vkeys, vvalues = _validate_keys(values_list, values, keys, present)
            val = self.walk(self._element_sources(sources, vkeys, vvalues), elem_schema,
                            path + ("[]",))
            if val is KEEP_NULL:
                val = None
            drop = False
            for i, key in enumerate(vkeys):
                if _is_null(val) or (isinstance(val, dict) and not val):
                    _element_setter(dest, MISSING, vkeys, vvalues)
                    drop = True
                elif isinstance(val, dict) and key not in val and vvalues[i] != "":
                    val[key] = vvalues[i]
            if drop:
                continue
            _element_setter(items, val, vkeys, vvalues)
        if values_list:
            self._append_list(items, dest, vkeys)
            dest = items
        return dest

    @staticmethod
    def _append_list(dst: list, src: list, keys: list) -> None:
        """kyaml appendListNode: add src's elements to dst, replacing matching ones."""
        for elem in list(src):
            if keys[0] == "":
                _element_setter(dst, elem, [""], [_scalar_text(elem)])
                continue
            v = []
            for key in keys:
                if elem is None:
                    dst.append(elem)
                    continue
                if not isinstance(elem, dict):
                    raise SmpError("wrong node kind: expected MappingNode but got %s: node "
                                   "contents:\n%s" % (_kind(elem), _dump(elem)))
                if key not in elem:
                    dst.append(elem)
                    continue
                v.append(_scalar_text(elem[key]))
            if len(keys) > 1:
                _element_setter(dst, MISSING, keys, v)
            _element_setter(dst, elem, keys, v)
