"""namespace: set metadata.namespace and every namespace field spec."""

from __future__ import annotations

from kustgen.model import RenderError, Resource
from kustgen.kustomize.fieldspec import SCALAR, apply_fieldspec, fs_applies
from kustgen.kustomize.resid import id_key, is_cluster_scoped


def apply_namespace(resources: list[Resource], namespace: str, fieldspecs, *,
                    unset_only: bool = False, role_binding_subjects: str = "defaultOnly",
                    origin=None) -> None:
    if not namespace:
        return

    def setter(parent, key):
        v = parent.get(key)
        if unset_only and v not in (None, ""):
            return
        if isinstance(v, (dict, list)):
            return
        parent[key] = namespace

    specs = [fs for fs in fieldspecs if fs.path != "metadata/namespace"]
    for r in resources:
        if not r.obj:
            continue
        r.remember_id()
        if not is_cluster_scoped(r.gvk):
            md = r.metadata
            cur = md.get("namespace")
            if not (unset_only and cur not in (None, "")):
                md["namespace"] = namespace
            if origin is not None:
                r.set_origin(("metadata", "namespace"), origin)
        if r.kind in ("RoleBinding", "ClusterRoleBinding") and role_binding_subjects != "none":
            subjects = r.obj.get("subjects")
            if isinstance(subjects, list):
                for s in subjects:
                    if not isinstance(s, dict):
                        continue
                    if role_binding_subjects == "allServiceAccounts":
                        if s.get("kind") != "ServiceAccount":
                            continue
                    elif s.get("name") != "default":
                        continue
                    if unset_only and s.get("namespace") not in (None, ""):
                        continue
                    s["namespace"] = namespace
        for fs in specs:
            if fs_applies(fs, r):
                apply_fieldspec(r.obj, fs, setter, SCALAR)
    # a namespace change may collide two resources
    seen = set()
    for r in resources:
        cid = r.cur_id()
        k = id_key(cid)
        if k in seen:
            raise RenderError("namespace transformation produces ID conflict: %s" % (cid,))
        seen.add(k)
