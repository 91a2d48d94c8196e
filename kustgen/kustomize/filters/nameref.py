"""Name references: after names changed (prefix, suffix, hash, patches), fix every field
that refers to a renamed object (Deployment -> ConfigMap, RoleBinding -> ServiceAccount...).
"""

from __future__ import annotations

from kustgen.model import Gvk, RenderError, Resource, ResId
from kustgen.kustomize.fieldspec import apply_fieldspec, has_field
from kustgen.kustomize.resid import gvk_selected, is_cluster_scoped, is_ns_equal


def _all_ids(r: Resource) -> list[ResId]:
    # Kustomize matches referral targets on the ids they had before renames only.
    return r.prev_ids


def _same_ending(a: list[str], b: list[str]) -> bool:
    if len(a) > len(b):
        a, b = b, a
    diff = len(b) - len(a)
    if not a:
        return diff == 0
    return all(b[i + diff] == a[i] for i in range(len(a)))


def _ps_equals(r: Resource, o: Resource, allow_empty: bool) -> bool:
    if allow_empty:
        pe = not r.prefixes or not o.prefixes
        se = not r.suffixes or not o.suffixes
        return (pe or _same_ending(r.prefixes, o.prefixes)) and \
            (se or _same_ending(r.suffixes, o.suffixes))
    return _same_ending(r.prefixes, o.prefixes) and _same_ending(r.suffixes, o.suffixes)


def _candidates_for(referrer: Resource, resources: list[Resource]) -> list[Resource]:
    rid = referrer.cur_id()
    if is_cluster_scoped(rid.gvk):
        return resources
    rb_ns: set[str] = set()
    if referrer.kind == "RoleBinding":
        subjects = referrer.obj.get("subjects")
        if isinstance(subjects, list):
            for s in subjects:
                if isinstance(s, dict) and "namespace" in s and "kind" in s \
                        and s.get("kind") == "ServiceAccount":
                    ns = s.get("namespace")
                    if not isinstance(ns, str):
                        raise RenderError('Invalid Input: namespace is blank for resource "%s"'
                                          % (rid,))
                    rb_ns.add(ns)
    out = []
    for t in resources:
        tid = t.cur_id()
        if is_cluster_scoped(tid.gvk) or is_ns_equal(tid.namespace, rid.namespace) \
                or t.namespace in rb_ns:
            out.append(t)
    return out


class _Ref:
    def __init__(self, referrer: Resource, fs, target: Gvk, candidates: list[Resource]):
        self.referrer = referrer
        self.fs = fs
        self.target = target
        self.candidates = candidates

    def _role_ref_gvk(self):
        if not self.fs.path.endswith("roleRef/name"):
            return None
        rr = self.referrer.obj.get("roleRef")
        if not isinstance(rr, dict) or "apiGroup" not in rr or "kind" not in rr:
            return None
        return Gvk(str(rr.get("apiGroup") or ""), "", str(rr.get("kind") or ""))

    def select(self, old_name: str, cands: list[Resource], identical) -> Resource | None:
        t = self.target
        cands = [c for c in cands if any(i.name == old_name for i in _all_ids(c))]
        cands = [c for c in cands
                 if any(gvk_selected(i.gvk, t.group, t.version, t.kind) for i in _all_ids(c))]
        rr = self._role_ref_gvk()
        if rr is not None:
            cands = [c for c in cands
                     if any(gvk_selected(i.gvk, rr.group, rr.version, rr.kind) for i in _all_ids(c))]
        ref_id = self.referrer.cur_id()
        if not is_cluster_scoped(ref_id.gvk):
            cands = [c for c in cands
                     if is_cluster_scoped(c.gvk) or c.kind == "ServiceAccount"
                     or is_ns_equal(c.namespace, ref_id.namespace)]
        if len(cands) == 1:
            return cands[0]
        cands = [c for c in cands if _ps_equals(c, self.referrer, True)]
        if len(cands) == 1:
            return cands[0]
        cands = [c for c in cands if _ps_equals(c, self.referrer, False)]
        if len(cands) == 1:
            return cands[0]
        if not cands:
            return None
        if identical(cands):
            return cands[0]
        ids = ", ".join(str(c.cur_id()) for c in cands)
        raise RenderError("found multiple possible referrals: %s: %s refers to '%s' at '%s' and "
                          "more than one object could be meant; give them distinct names or "
                          "namespaces" % (ids, self.referrer.cur_id(), old_name, self.fs.path))

    def set_scalar(self, parent, key):
        old = parent[key]
        if not isinstance(old, str):
            return
        ref = self.select(old, self.candidates, _names_same)
        if ref is None:
            return
        if ref.name != old:
            parent[key] = ref.name

    def set_mapping(self, node: dict):
        if "name" not in node:
            raise RenderError("path config error; no 'name' field in node")
        cands = self.candidates
        if "namespace" in node:
            ns = node.get("namespace")
            ns = "" if ns is None else str(ns)
            by_org = [c for c in cands if is_ns_equal(c.org_id().namespace, ns)]
            cands = by_org if by_org else [c for c in cands if is_ns_equal(c.namespace, ns)]
        old = node.get("name")
        if not isinstance(old, str):
            return
        ref = self.select(old, cands, _names_ns_same)
        if ref is None:
            return
        if ref.name == old and ref.namespace == "":
            return
        node["name"] = ref.name
        if ref.namespace:
            node["namespace"] = ref.namespace

    def __call__(self, parent, key):
        v = parent.get(key)
        if v is None:
            return
        if isinstance(v, str):
            self.set_scalar(parent, key)
        elif isinstance(v, dict):
            self.set_mapping(v)
        elif isinstance(v, list):
            for i, el in enumerate(v):
                if isinstance(el, str):
                    self.set_scalar(v, i)
                elif isinstance(el, dict):
                    self.set_mapping(el)


def _names_same(cands) -> bool:
    return len({c.name for c in cands}) == 1


def _names_ns_same(cands) -> bool:
    return len({(c.name, c.namespace) for c in cands}) == 1


def fix_name_references(resources: list[Resource], backrefs) -> None:
    org_ids = [r.org_id() for r in resources]
    by_kind: dict[str, list[int]] = {}
    for i, oid in enumerate(org_ids):
        by_kind.setdefault(oid.gvk.kind, []).append(i)
    everyone = range(len(resources))
    work: dict[int, list] = {}
    order: list[Resource] = []
    for br in backrefs:
        target = Gvk(br.group, br.version, br.kind)
        for fs in br.referrers:
            for i in (by_kind.get(fs.kind, ()) if fs.kind else everyone):
                r = resources[i]
                if not gvk_selected(org_ids[i].gvk, fs.group, fs.version, fs.kind):
                    continue
                if not has_field(r.obj, fs.path):
                    continue
                if id(r) not in work:
                    work[id(r)] = []
                    order.append(r)
                work[id(r)].append((fs, target))
    for r in order:
        cands = _candidates_for(r, resources)
        for fs, target in work[id(r)]:
            ref = _Ref(r, fs, target, cands)
            try:
                apply_fieldspec(r.obj, fs, ref)
            except RenderError as e:
                raise RenderError("updating name reference in '%s' field of '%s': %s"
                                  % (fs.path, r.cur_id(), e.message)) from None
