"""patches / patchesStrategicMerge / patchesJson6902: decode, target, apply."""

from __future__ import annotations

from kustgen.model import Origin, RenderError, Resource, ResId, deep_copy
from kustgen.kustomize.resid import id_equals
from kustgen.kustomize.selector import select


class Patch:
    """One decoded patch: either a strategic-merge document or a JSON 6902 op list."""

    __slots__ = ("smp", "ops", "origin", "positions", "offset", "allow_name_change",
                 "allow_kind_change")

    def __init__(self, smp=None, ops=None, origin: Origin | None = None, positions=None,
                 offset: int = 0):
        self.smp = smp
        self.ops = ops
        self.origin = origin
        # positions of the patch text's keys and items, counted from the text's first line;
        # `offset` turns them into lines of origin.file (an inline patch starts below its key)
        self.positions = positions or {}
        self.offset = offset
        self.allow_name_change = False
        self.allow_kind_change = False

    def patch_id(self) -> ResId:
        r = Resource(self.smp)
        return r.cur_id()


def decode_patches(docs: list, where: str, base_line: int = 0, text: str | None = None) -> list[Patch]:
    """Docs from yamlio for one patch text -> Patch list (SMP docs, or one JSON 6902 list).

    A JSON 6902 patch is decoded again from its text the way Kustomize does (YAML 1.1
    scalars, as sigs.k8s.io/yaml reads them), when the text is at hand."""
    data = [d for d in docs if d.data is not None]
    if len(data) == 1 and isinstance(data[0].data, list):
        if text is not None:
            from kustgen.kustomize.filters.patch_json6902 import parse_json6902
            try:
                ops = parse_json6902(text, where)
            except RenderError as e:
                raise RenderError(e.message, where, data[0].line + base_line) from None
        else:
            ops = data[0].data
        for i, op in enumerate(ops):
            if not isinstance(op, dict) or "op" not in op or "path" not in op:
                raise RenderError("JSON patch operation %d must be a map with 'op' and 'path'" % i,
                                  where, data[0].line + base_line)
        return [Patch(ops=ops, origin=Origin(where, data[0].line + base_line),
                      positions=data[0].positions, offset=base_line)]
    out = []
    for d in data:
        if not isinstance(d.data, dict):
            raise RenderError("unable to parse SM or JSON patch: a patch must be a YAML map "
                              "(strategic merge) or a list of operations (JSON 6902)",
                              where, d.line + base_line)
        out.append(Patch(smp=d.data, origin=Origin(where, d.line + base_line, 1, d.index),
                         positions=d.positions, offset=base_line))
    return out


def _record(res: Resource, patch: Patch) -> None:
    if patch.origin is None:
        return
    if patch.smp is not None:
        stack = [((), patch.smp)]
        while stack:
            path, node = stack.pop()
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in ("apiVersion", "kind") and not path:
                        continue
                    p = path + (k,)
                    pos = patch.positions.get(p)
                    o = Origin(patch.origin.file,
                               pos[0] + patch.offset if pos else patch.origin.line,
                               pos[1] if pos else 0, patch.origin.doc, "patch")
                    if not isinstance(v, dict) or not v:
                        res.set_origin(p, o)
                    else:
                        stack.append((p, v))
    else:
        for i, op in enumerate(patch.ops or ()):
            p = tuple(x.replace("~1", "/").replace("~0", "~")
                      for x in str(op.get("path", "")).split("/")[1:])
            # the operation's value line (else its first line): what a user edits
            pos = patch.positions.get((i, "value")) or patch.positions.get((i,))
            res.set_origin(p, Origin(patch.origin.file,
                                     pos[0] + patch.offset if pos else patch.origin.line, 0,
                                     0, "json6902 %s" % op.get("op")))


def apply_smp_to(res: Resource, patch: Patch, schema, notify=None) -> bool:
    """Apply an SMP to a resource; False when the patch deleted the resource.

    ``notify(kind, message, data)``, when given, hears of lists the patch replaced whole
    on a kind without a patch schema (a custom resource) and that lost items ("smp-list-
    replaced"); ``data["at"]`` is the patch's position of the list key."""
    from kustgen.kustomize.filters.patch_smp import strategic_merge
    name, ns, kind = res.name, res.namespace, res.kind
    watched = _lists_to_watch(res, patch, schema) if notify is not None else None
    if patch.allow_name_change or patch.allow_kind_change:
        res.remember_id()
    p = dict(patch.smp)
    if "apiVersion" in res.obj:
        p["apiVersion"] = res.obj["apiVersion"]
    shared = _shared_values(res)
    out = strategic_merge(res.obj, p, schema)
    if out is None or not out:
        res.obj = {}
        return False
    res.obj = out
    if shared:
        _replay_shared(res, shared)
    if not patch.allow_kind_change:
        res.obj["kind"] = kind
    if not patch.allow_name_change:
        if name or "name" in res.metadata:
            res.metadata["name"] = name
    if ns:
        res.metadata["namespace"] = ns
    else:
        md = res.obj.get("metadata")
        if isinstance(md, dict):
            md.pop("namespace", None)
    _record(res, patch)
    if watched:
        _report_replaced_lists(res, patch, watched, notify)
    return True


def _get_path(obj, path: tuple):
    for k in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def _lists_to_watch(res: Resource, patch: Patch, schema) -> list | None:
    """The lists of ``res`` that ``patch`` replaces whole (a kind without a patch schema:
    no merge keys) and that hold items now: [(path, the list before)]. The old lists are
    kept by reference: a replaced list is not modified, only swapped for the patch's."""
    if not isinstance(patch.smp, dict) or not isinstance(res.obj, dict):
        return None
    av, kind = res.obj.get("apiVersion"), res.obj.get("kind")
    if schema is None or not isinstance(av, str) or not isinstance(kind, str):
        return None
    if patch.smp.get("$patch") is not None or schema.for_type(av, kind) is not None:
        return None
    out = []
    stack = [((), patch.smp)]
    while stack:
        path, node = stack.pop()
        for k, v in node.items():
            if isinstance(v, dict):
                if v.get("$patch") is None and v:
                    stack.append((path + (k,), v))
            elif isinstance(v, list) and v and not any(
                    isinstance(x, dict) and "$patch" in x for x in v):
                old = _get_path(res.obj, path + (k,))
                if isinstance(old, list) and old:
                    out.append((path + (k,), old))
    return out


def _report_replaced_lists(res: Resource, patch: Patch, watched: list, notify) -> None:
    for path, old in watched:
        new = _get_path(res.obj, path)
        if not isinstance(new, list) or new is old:
            continue
        lost = [x for x in old if x not in new]
        if not lost:
            continue
        pos = patch.positions.get(path)
        notify("smp-list-replaced",
               "the strategic-merge patch replaces the whole list %s of %s (%d items) with "
               "its %d" % (".".join(str(p) for p in path), res.cur_id(), len(old), len(new)),
               {"path": path, "before": len(old), "after": len(new), "lost": len(lost),
                "resource": str(res.cur_id()), "kind": res.kind,
                "patch_file": patch.origin.file if patch.origin else None,
                "at": pos[0] if pos else None})


_MISSING = object()


def _shared_values(res: Resource):
    """Values at the places that share a node (see filters/labels.py), before a patch."""
    from kustgen.kustomize.filters.labels import SHARED, get_at
    groups = res.extra.get(SHARED)
    if not groups:
        return None
    out = []
    for key, paths in groups:
        vals = []
        for p in paths:
            m = get_at(res.obj, p)
            vals.append(m.get(key, _MISSING) if isinstance(m, dict) else _MISSING)
        out.append((key, paths, vals))
    return out


def _replay_shared(res: Resource, before) -> None:
    """A merge patch changes a shared node in place: its other places change too."""
    from kustgen.kustomize.filters.labels import get_at
    for key, paths, old in before:
        maps = [get_at(res.obj, p) for p in paths]
        now = [m.get(key, _MISSING) if isinstance(m, dict) else _MISSING for m in maps]
        changed = [n for o, n in zip(old, now) if n is not _MISSING and o is not _MISSING
                   and n != o]
        if not changed:
            continue
        new = changed[-1]
        for m, o, n in zip(maps, old, now):
            if isinstance(m, dict) and n is not _MISSING and n == o:
                m[key] = new


def apply_json_to(res: Resource, patch: Patch) -> None:
    from kustgen.kustomize.filters.patch_json6902 import apply_json6902
    res.remember_id()
    res.extra.pop("shared", None)   # Kustomize round-trips the object through JSON here
    try:
        res.obj = apply_json6902(res.obj, patch.ops)
        md = res.obj.get("metadata")
        if isinstance(md, dict) and "annotations" in md:
            # Kustomize re-sets the annotations after a JSON patch: as strings, or not at all.
            ann = md["annotations"]
            if isinstance(ann, dict) and ann:
                from kustgen.kustomize.loader import _scalar_str
                md["annotations"] = {k: v if isinstance(v, str) else _scalar_str(v)
                                     for k, v in ann.items()}
            else:
                del md["annotations"]
    except RenderError as e:
        where = patch.origin
        raise RenderError("%s (applying the JSON patch to %s)" % (e.message, res.cur_id()),
                          where.file if where else None, where.line if where else None) from None
    _record(res, patch)


def get_by_any_id(resources: list[Resource], rid: ResId) -> list[Resource]:
    out = []
    for r in resources:
        for i in r.prev_ids + [r.cur_id()]:
            if id_equals(i, rid):
                out.append(r)
                break
    return out


def patch_without_target(resources: list[Resource], patch: Patch, schema,
                         notify=None) -> list[Resource]:
    pid = patch.patch_id()
    matches = get_by_any_id(resources, pid)
    if len(matches) != 1:
        o = patch.origin
        what = "no matches" if not matches else "multiple matches"
        raise RenderError("%s for Id %s; failed to find unique target for patch %s: give the "
                          "patch the apiVersion, kind, name (and namespace) of exactly one "
                          "resource, or a target selector" % (what, pid, pid),
                          o.file if o else None, o.line if o else None)
    target = matches[0]
    if not apply_smp_to(target, patch, schema, notify):
        return [r for r in resources if r is not target]
    return resources


def patch_with_target(resources: list[Resource], patch: Patch, target: dict, schema,
                      notify=None) -> list[Resource]:
    """``notify(kind, message, data)``, when given, hears of a target that selects nothing
    ("patch-no-match": Kustomize skips the patch silently) and of lists replaced whole
    (see :func:`apply_smp_to`)."""
    selected = select(resources, target)
    if not selected:
        if notify is not None:
            notify("patch-no-match", "the patch target selects no resource",
                   {"target": target})
        return resources
    if patch.ops is not None:
        for r in selected:
            apply_json_to(r, patch)
        return resources
    deleted = set()
    for r in selected:
        p = Patch(smp=deep_copy(patch.smp), origin=patch.origin, positions=patch.positions,
                  offset=patch.offset)
        p.allow_name_change = patch.allow_name_change
        p.allow_kind_change = patch.allow_kind_change
        md = p.smp.get("metadata")
        if not isinstance(md, dict):
            md = {}
            p.smp["metadata"] = md
        if not patch.allow_name_change:
            md["name"] = r.name
        if r.namespace:
            md["namespace"] = r.namespace
        if not patch.allow_kind_change or "kind" not in p.smp:
            p.smp["kind"] = r.kind
        if not apply_smp_to(r, p, schema, notify):
            deleted.add(id(r))
    if deleted:
        return [r for r in resources if id(r) not in deleted]
    return resources
