"""The ``replacements`` transformer, as Kustomize v5.5 runs it.

Each replacement reads one value from exactly one *source* resource and writes it into
fields of every *target* resource:

* Source and target selectors compare group/version/kind/name/namespace exactly (no
  regexes); a resource is selected when its current id *or any previous id* (before
  prefixes, suffixes, namespace changes) matches. A namespace of ``default`` and no namespace
  are the same; cluster-scoped kinds get no special treatment here (kubectl kustomize
  selects a ClusterRole with ``namespace: default``).
* Targets may also use ``labelSelector``/``annotationSelector`` (Kubernetes syntax), and
  ``reject`` entries: a resource is rejected when any of its ids matches a reject's id part,
  or its labels/annotations match a reject's label/annotation part.
* The source path is walked with kyaml's PathGetter and the target paths with its
  PathMatcher (``[k=v]`` is an unanchored regex there, ``*`` visits every list entry); see
  :mod:`kustgen.kustomize.fieldpath`. Every selected target must have every field path
  (unless ``create: true``), otherwise the build fails.
* Writing into an existing scalar copies only the *text* of the source, so the target keeps
  its type: ``"3"`` into ``replicas: 1`` gives ``3``, ``abc`` into it is an error, a number into a
  string field gives a string. A created field takes the type the text resolves to
  (``"3"`` becomes ``3``). Maps and lists replace non-scalar targets whole.
"""

from __future__ import annotations

from typing import Any

from kustgen.model import Origin, RenderError, Resource, ResId, deep_copy
from kustgen.kustomize.fieldpath import (
    SCALAR, FieldPathError, ScalarDecodeError, Slot, Undecodable, decode_scalar, lookup,
    match, node_kind, scalar_text, split_path, tag_of,
)

from kustgen.kustomize.selector import label_selector_matches, parse_label_selector  # noqa: E402,F401

__all__ = ["apply_replacements", "parse_label_selector", "label_selector_matches"]

DEFAULT_FIELD_PATH = "metadata.name"
_ID_FIELDS = ("group", "version", "kind", "name", "namespace")


# -- selectors -----------------------------------------------------------------------------

class _IdSel:
    """A resid.ResId used as a selector (blank parts match anything)."""

    __slots__ = ("group", "version", "kind", "name", "namespace")

    def __init__(self, d: dict, what: str, where: str):
        for f in _ID_FIELDS:
            v = d.get(f)
            if v is None:
                v = ""
            if not isinstance(v, str):
                raise RenderError("%s.%s must be a string, not %r" % (what, f, v), where)
            setattr(self, f, v)

    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in _ID_FIELDS)

    def selects(self, rid: ResId) -> bool:
        if self.name and self.name != rid.name:
            return False
        if self.namespace and (self.namespace or "default") != (rid.namespace or "default"):
            return False
        g = rid.gvk
        if self.group and self.group != g.group:
            return False
        if self.version and self.version != g.version:
            return False
        if self.kind and self.kind != g.kind:
            return False
        return True

    def __str__(self) -> str:
        # kyaml's ResId.String(): Kind.version.group/name.namespace
        return "%s.%s.%s/%s.%s" % (self.kind or "[noKind]", self.version or "[noVer]",
                                    self.group or "[noGrp]", self.name or "[noName]",
                                    self.namespace or "[noNs]")


def _ids(res: Resource) -> list[ResId]:
    return [res.cur_id()] + list(res.prev_ids)


def _selector_matches(sel: dict, res: Resource, where: str) -> bool:
    """Both the label and the annotation selector of ``sel`` match ``res``."""
    for field, values in (("annotationSelector", res.annotations()),
                          ("labelSelector", res.labels())):
        s = sel.get(field) or ""
        if not isinstance(s, str):
            raise RenderError("%s must be a string" % field, where)
        try:
            if not label_selector_matches(s, values):
                return False
        except ValueError as e:
            raise RenderError(str(e), where) from None
    return True


# -- values --------------------------------------------------------------------------------

class _Value:
    """The replacement value: a YAML node's kind, tag and text, plus the JSON-like data it
    came from (so maps, lists and unmodified scalars copy exactly)."""

    __slots__ = ("data", "kind", "tag", "text", "refined")

    def __init__(self, data: Any):
        self.data = data
        self.kind = node_kind(data)
        self.tag = tag_of(data) if self.kind == SCALAR else ""
        self.text = scalar_text(data) if self.kind == SCALAR else ""
        self.refined = False

    def with_text(self, text: str) -> "_Value":
        v = _Value(self.data)
        v.text = text
        v.refined = True
        return v

    def materialize(self) -> Any:
        """The node itself (for non-scalar targets)."""
        if self.kind != SCALAR or not self.refined:
            return deep_copy(self.data)
        return decode_scalar(self.tag, self.text)


def _first_undecodable(v: Any) -> Undecodable | None:
    if isinstance(v, Undecodable):
        return v
    if isinstance(v, dict):
        v = v.values()
    elif not isinstance(v, list):
        return None
    for x in v:
        u = _first_undecodable(x)
        if u is not None:
            return u
    return None


def _options(d: Any, what: str, where: str) -> tuple[str, int, bool]:
    if d is None:
        return "", 0, False
    if not isinstance(d, dict):
        raise RenderError("%s.options must be a map" % what, where)
    delim = d.get("delimiter") or ""
    index = d.get("index") or 0
    create = d.get("create") or False
    if not isinstance(delim, str):
        raise RenderError("%s.options.delimiter must be a string" % what, where)
    if isinstance(index, bool) or not isinstance(index, int):
        raise RenderError("%s.options.index must be an integer" % what, where)
    if not isinstance(create, bool):
        raise RenderError("%s.options.create must be true or false" % what, where)
    return delim, index, create


def _options_str(delim: str, index: int, create: bool) -> str:
    if not delim and not create:
        return ""
    return "%s(%d), create=%s" % (delim, index, "true" if create else "false")


# -- the transformer -------------------------------------------------------------------------

def _get_value(resources: list[Resource], source: dict, where: str) -> _Value:
    sel = _IdSel(source, "source", where)
    fp = source.get("fieldPath") or ""
    if not isinstance(fp, str):
        raise RenderError("source.fieldPath must be a string", where)
    delim, index, create = _options(source.get("options"), "source", where)
    desc = str(sel)
    if fp:
        desc += ":" + fp
    o = _options_str(delim, index, create)
    if o:
        desc += ":" + o

    found = None
    for res in resources:
        if any(sel.selects(i) for i in _ids(res)):
            if found is not None:
                raise RenderError("multiple matches for selector %s" % desc, where)
            found = res
    if found is None:
        raise RenderError("nothing selected by %s" % desc, where)

    fp = fp or DEFAULT_FIELD_PATH
    try:
        ok, node = lookup(found.obj, split_path(fp))
    except FieldPathError as e:
        raise RenderError("error looking up replacement source: %s" % e, where) from None
    if not ok or node is None or node == {} or node == []:
        raise RenderError("fieldPath `%s` is missing for replacement source %s" % (fp, sel),
                          where)
    value = _Value(node)
    if not delim:
        return value
    if value.kind != SCALAR:
        raise RenderError("delimiter option can only be used with scalar nodes", where)
    parts = value.text.split(delim)
    if index >= len(parts) or index < 0:
        raise RenderError("options.index %d is out of bounds for value %s"
                          % (index, value.text), where)
    return value.with_text(parts[index])


def _set(slot: Slot, value: _Value, delim: str, index: int, res: Resource, fp: str,
         where: str, origin: Origin | None = None) -> None:
    target = slot.get()
    scalar_target = slot.created or node_kind(target) == SCALAR
    if delim:
        if not scalar_target:
            raise RenderError("delimiter option can only be used with scalar nodes", where)
        tv = ("" if slot.created else scalar_text(target)).split(delim)  # created: no text
        if index < 0:
            tv.insert(0, value.text)
        elif index >= len(tv):
            tv.append(value.text)
        else:
            tv[index] = value.text
        value = value.with_text(delim.join(tv))
    if slot.detached:
        return
    tag = value.tag
    if scalar_target:
        # only the text is copied: the target keeps its tag (none, if just created)
        tag = "" if slot.tagless else tag_of(target)
    try:
        new = decode_scalar(tag, value.text) if scalar_target else value.materialize()
    except ScalarDecodeError as e:
        # Kustomize fails later, when it next turns the resource into JSON; until then a
        # later replacement may still overwrite the field.
        new = Undecodable(value.text, tag, "replacement target %s field %r: yaml: %s"
                          % (res.cur_id(), fp, e))
    slot.set(new)
    res.set_origin(tuple(str(k) for k in slot.path),
                   origin or Origin(where, via="replacements"))


def _apply_target(resources: list[Resource], value: _Value, t: dict, where: str,
                  on_no_match=None, origin: Origin | None = None) -> None:
    """Write ``value`` into the fields ``t`` names; ``on_no_match()``, when given, is called
    when ``t.select`` selects no resource (Kustomize then does nothing, silently)."""
    if not isinstance(t, dict) or t.get("select") is None:
        raise RenderError("target must specify resources to select", where)
    select = t["select"]
    if not isinstance(select, dict):
        raise RenderError("target select must be a map", where)
    sel = _IdSel(select, "select", where)
    rejects = t.get("reject") or []
    if not isinstance(rejects, list) or not all(isinstance(r, dict) or r is None
                                                for r in rejects):
        raise RenderError("target reject must be a list of selectors", where)
    rejects = [r for r in rejects if r]
    reject_ids = [_IdSel(r, "reject", where) for r in rejects]
    reject_ids = [r for r in reject_ids if not r.is_empty()]
    reject_sels = [r for r in rejects if r.get("labelSelector") or r.get("annotationSelector")]
    paths = t.get("fieldPaths") or [DEFAULT_FIELD_PATH]
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise RenderError("target fieldPaths must be a list of strings", where)
    delim, index, create = _options(t.get("options"), "target", where)

    selected = False
    for res in resources:
        if not _selector_matches(select, res, where):
            continue
        rejected = any(_selector_matches(r, res, where) for r in reject_sels)
        ids = _ids(res)
        if not any(sel.selects(i) for i in ids):
            continue
        selected = True
        if rejected:
            continue
        if any(r.selects(i) for r in reject_ids for i in ids):
            continue
        for fp in paths:
            what = "find or create" if create else "find"
            try:
                slots = match(res.obj, split_path(fp), value.kind if create else None)
            except FieldPathError as e:
                raise RenderError('unable to %s field "%s" in replacement target: %s'
                                  % (what, fp, str(e).rstrip("\n")), where) from None
            if not slots:
                raise RenderError('unable to %s field "%s" in replacement target' % (what, fp),
                                  where)
            for slot in slots:
                _set(slot, value, delim, index, res, fp, where, origin)
    if not selected and on_no_match is not None:
        on_no_match()


def apply_replacements(resources: list[Resource], replacements: list[dict], where: str,
                       on_no_match=None, origin_of=None) -> None:
    """Run Kustomize's replacements over ``resources`` (in place, in order).

    ``replacements`` are the entries of a kustomization's ``replacements:`` with any
    ``path:`` entries already loaded (each a ``{source, targets}`` map). ``where`` (the
    kustomization file) locates errors. ``on_no_match(i, j, target)``, when given, is
    called for target ``j`` of replacement ``i`` when its ``select`` selects nothing;
    ``origin_of(i, j)``, when given, is the Origin recorded for the fields target ``j``
    of replacement ``i`` sets (default: the kustomization, without a line).
    """
    for ri, r in enumerate(replacements):
        if not isinstance(r, dict):
            raise RenderError("a replacement must be a map with source and targets", where)
        source, targets = r.get("source"), r.get("targets")
        if source is None or not targets:
            raise RenderError("replacements must specify a source and at least one target",
                              where)
        if not isinstance(source, dict):
            raise RenderError("replacement source must be a map", where)
        if not isinstance(targets, list):
            raise RenderError("replacement targets must be a list", where)
        value = _get_value(resources, source, where)
        for ti, t in enumerate(targets):
            cb = None if on_no_match is None else (
                lambda ri=ri, ti=ti, t=t: on_no_match(ri, ti, t))
            _apply_target(resources, value, t, where, cb,
                          origin_of(ri, ti) if origin_of is not None else None)
    for res in resources:
        u = _first_undecodable(res.obj)
        if u is not None:
            raise RenderError(u.error, where)
