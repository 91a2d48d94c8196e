"""Helpers shared by the Crossplane rules (KG2xx); not a rule itself.

- what a managed resource is, and its management policies;
- the CompositeResourceDefinitions (XRDs) of the repository, found once per context;
- the composed-resource templates and patches of a Composition (Pipeline mode with
  function-patch-and-transform, and the legacy ``mode: Resources``);
- Crossplane field paths (``spec.a[0].b``, ``metadata.annotations[x.io/y]``,
  ``a["k.with.dots"]``) and walking an OpenAPI / JSON schema along them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterator

# API groups of Crossplane itself (not of a provider)
CORE_GROUPS = frozenset({
    "apiextensions.crossplane.io", "pkg.crossplane.io", "ops.crossplane.io",
    "protection.crossplane.io", "secrets.crossplane.io",
})
XRD_KIND = "CompositeResourceDefinition"
XRD_GROUP = "apiextensions.crossplane.io"
PT_GROUP = "pt.fn.crossplane.io"     # function-patch-and-transform input

EXTERNAL_NAME = "crossplane.io/external-name"
IMPORTED = "kustgen.io/imported"

# management policies that let Crossplane create the external resource
CREATING_POLICIES = frozenset({"*", "Create", "Orphan", "MustCreate"})


# -- small accessors ----------------------------------------------------------------------
def get(d: Any, *path) -> Any:
    """d[path[0]][path[1]]... or None (dicts and lists)."""
    for p in path:
        if isinstance(p, int):
            if not isinstance(d, list) or not -len(d) <= p < len(d):
                return None
            d = d[p]
        else:
            if not isinstance(d, dict):
                return None
            d = d.get(p)
    return d


def split_api_version(av: Any) -> tuple[str, str]:
    """("group", "version") of an apiVersion ("" group for the core API)."""
    if not isinstance(av, str):
        return "", ""
    if "/" in av:
        g, v = av.rsplit("/", 1)
        return g, v
    return "", av


def group_of(obj: dict) -> str:
    return split_api_version(obj.get("apiVersion"))[0]


def is_managed(obj: Any) -> bool:
    """A provider's managed resource: `spec.forProvider` is a mapping and the group is not
    one of Crossplane's own (provider groups: *.upbound.io, *.crossplane.io, *.m.upbound.io,
    ...)."""
    if not isinstance(obj, dict) or not isinstance(get(obj, "spec", "forProvider"), dict):
        return False
    g = group_of(obj)
    return bool(g) and "." in g and g not in CORE_GROUPS


def is_namespaced_mr_group(group: str) -> bool:
    """Crossplane v2 namespaced managed resources live in `*.m.<provider domain>` groups
    (ec2.aws.m.upbound.io, kubernetes.m.crossplane.io)."""
    return "m" in group.split(".")[1:]


def management_policies(obj: dict) -> list | None:
    """spec.managementPolicies as a list of strings; None when absent (default ["*"])."""
    mp = get(obj, "spec", "managementPolicies")
    if not isinstance(mp, list):
        return None
    return [str(x) for x in mp]


def is_imported(obj: dict) -> tuple[bool, tuple]:
    """(True, path of the marker) when the resource adopts an existing external resource:
    managementPolicies that cannot create it (non-empty, without "*", "Create", "Orphan" or
    "MustCreate"), or the annotation kustgen.io/imported: "true"."""
    mp = management_policies(obj)
    if mp and not CREATING_POLICIES & set(mp):
        return True, ("spec", "managementPolicies")
    ann = get(obj, "metadata", "annotations")
    if isinstance(ann, dict) and str(ann.get(IMPORTED, "")).lower() == "true":
        return True, ("metadata", "annotations", IMPORTED)
    return False, ()


# -- XRDs ---------------------------------------------------------------------------------
@dataclass
class Xrd:
    data: dict
    file: str = ""
    line: int = 0

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion") or "")

    @property
    def name(self) -> str:
        return str(get(self.data, "metadata", "name") or "<unnamed>")

    @property
    def group(self) -> str:
        return str(get(self.data, "spec", "group") or "")

    @property
    def kind(self) -> str:
        return str(get(self.data, "spec", "names", "kind") or "")

    @property
    def claim_kind(self) -> str:
        return str(get(self.data, "spec", "claimNames", "kind") or "")

    @property
    def versions(self) -> list[dict]:
        v = get(self.data, "spec", "versions")
        return [x for x in v if isinstance(x, dict) and x.get("name")] if isinstance(v, list) \
            else []

    def version(self, name: str) -> dict | None:
        return next((v for v in self.versions if v.get("name") == name), None)

    def version_names(self) -> list[str]:
        return [str(v["name"]) for v in self.versions]

    @property
    def scope(self) -> str:
        s = get(self.data, "spec", "scope")
        if isinstance(s, str) and s:
            return s
        return "Namespaced" if self.api_version.endswith("/v2") else "LegacyCluster"

    @property
    def offers_claim(self) -> bool:
        return bool(self.claim_kind) and self.scope == "LegacyCluster" \
            and not self.api_version.endswith("/v2")


def is_composition(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("kind") == "Composition" and \
        group_of(obj) == XRD_GROUP


def is_xrd(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("kind") == XRD_KIND and \
        group_of(obj) == XRD_GROUP


def _collect(ctx, scan_files: bool) -> list[Xrd]:
    out: list[Xrd] = []
    seen: set = set()

    def add(x: Xrd):
        key = (x.group, x.kind)
        if x.group and x.kind and key not in seen:
            seen.add(key)
            out.append(x)

    for _ov, r in ctx.resources():
        if is_xrd(r.obj):
            add(Xrd(r.obj, r.origin.file if r.origin else "", r.origin.line if r.origin else 0))
    if scan_files:
        for f in ctx.files:
            for d in ctx.docs(f):
                if is_xrd(d.data):
                    add(Xrd(d.data, d.path, d.line))
    return out


def xrds(ctx, scan_files: bool = True) -> list[Xrd]:
    """The XRDs of the repository, one per (group, kind): rendered ones (ctx.resources())
    and, with `scan_files`, those in any YAML file of the repository (ctx.files; parsed
    once per context, on first need)."""
    return ctx.memo(("crossplane.xrds", scan_files), lambda: _collect(ctx, scan_files))


def xrds_of_group(ctx, group: str) -> list[Xrd]:
    """XRDs of `group`: the rendered ones, else any in the repository's files."""
    found = [x for x in xrds(ctx, False) if x.group == group]
    return found or [x for x in xrds(ctx) if x.group == group]


def xrd_for(ctx, group: str, kind: str) -> Xrd | None:
    """The XRD defining composite kind `kind` in `group` (rendered first, then files)."""
    for scan in (False, True):
        x = next((x for x in xrds(ctx, scan) if x.group == group and x.kind == kind), None)
        if x is not None:
            return x
    return None


def may_be_composite(obj: dict) -> bool:
    """Could this be an XR or a claim (a kind some XRD defines)? Not a managed resource,
    not a Kubernetes or Crossplane API."""
    g = group_of(obj)
    return bool(g) and "." in g and g not in CORE_GROUPS and not g.endswith(".k8s.io") \
        and not is_managed(obj)


def xr_schema(xrd: Xrd, version: str) -> dict | None:
    """The OpenAPI schema of the XR at `version` as Crossplane serves it (the XRD's own
    schema plus Crossplane's machinery fields); None when the XRD does not define it."""
    from kustgen.schemas.sources.xrd import XrdError, xrd_schemas
    try:
        for d in xrd_schemas(xrd.data, crossplane=2):
            if d.kind == xrd.kind and d.version == version:
                return d.openapi_v3
    except XrdError:
        pass
    v = xrd.version(version)
    if v is None:
        return None
    s = get(v, "schema", "openAPIV3Schema")
    return s if isinstance(s, dict) else {}


# -- Compositions -------------------------------------------------------------------------
@dataclass
class Template:
    """A composed-resource template of a Composition: its base, its patches, where it is
    (a path in the Composition) and the patch sets it can name."""
    name: str
    base: dict
    path: tuple
    patches: list = field(default_factory=list)        # [(patch dict, path)]
    patch_sets: dict = field(default_factory=dict)     # name -> [(patch dict, path)]


def composition_mode(obj: dict) -> str:
    """"Pipeline", "Resources" (explicit or implied by spec.resources) or ""."""
    mode = get(obj, "spec", "mode")
    if isinstance(mode, str) and mode:
        return mode
    return "Resources" if isinstance(get(obj, "spec", "resources"), list) else ""


def _patch_sets(ps: Any, at: tuple) -> dict:
    out: dict = {}
    for i, s in enumerate(ps if isinstance(ps, list) else []):
        if isinstance(s, dict) and isinstance(s.get("name"), str):
            pl = s.get("patches")
            out[s["name"]] = [(p, at + (i, "patches", j))
                              for j, p in enumerate(pl if isinstance(pl, list) else [])
                              if isinstance(p, dict)]
    return out


def _templates(resources: Any, at: tuple, sets: dict) -> list[Template]:
    out = []
    for j, r in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(r, dict):
            continue
        base = r.get("base")
        pl = r.get("patches")
        out.append(Template(
            str(r.get("name") or "#%d" % j), base if isinstance(base, dict) else {},
            at + (j,),
            [(p, at + (j, "patches", k)) for k, p in enumerate(pl if isinstance(pl, list)
                                                               else []) if isinstance(p, dict)],
            sets))
    return out


def composition_templates(obj: dict) -> list[Template]:
    """The composed-resource templates of a Composition: spec.resources (mode Resources)
    and the `resources` of every function-patch-and-transform step (mode Pipeline)."""
    if composition_mode(obj) == "Resources":
        sets = _patch_sets(get(obj, "spec", "patchSets"), ("spec", "patchSets"))
        return _templates(get(obj, "spec", "resources"), ("spec", "resources"), sets)
    out: list[Template] = []
    steps = get(obj, "spec", "pipeline")
    for i, st in enumerate(steps if isinstance(steps, list) else []):
        inp = get(st, "input")
        if not isinstance(inp, dict) or inp.get("kind") != "Resources" or \
                split_api_version(inp.get("apiVersion"))[0] != PT_GROUP:
            continue
        at = ("spec", "pipeline", i, "input")
        sets = _patch_sets(inp.get("patchSets"), at + ("patchSets",))
        out.extend(_templates(inp.get("resources"), at + ("resources",), sets))
    return out


def expand_patches(t: Template) -> Iterator[tuple[dict, tuple]]:
    """The patches of a template with PatchSet patches replaced by the set's patches
    (patch sets do not nest). A PatchSet naming no set is skipped."""
    for p, at in t.patches:
        if p.get("type") == "PatchSet":
            for q, qat in t.patch_sets.get(str(p.get("patchSetName")), []):
                if q.get("type") != "PatchSet":
                    yield q, qat
        else:
            yield p, at


# -- field paths --------------------------------------------------------------------------
class FieldPathError(ValueError):
    pass


def parse_field_path(s: str) -> list:
    """Segments of a Crossplane field path: str keys, int indexes, "*" wildcards.
    `a.b[0].c`, `metadata.annotations[crossplane.io/external-name]`, `a["k.with.dots"]`."""
    if not isinstance(s, str) or not s.strip():
        raise FieldPathError("empty field path")
    out: list = []
    i, n = 0, len(s)
    cur = ""
    expect_key = True       # at the start or after a dot: a key must follow
    while i < n:
        c = s[i]
        if c == ".":
            if cur:
                out.append(cur)
                cur = ""
            elif expect_key:
                raise FieldPathError("empty segment at character %d of %r" % (i + 1, s))
            expect_key = True
            i += 1
        elif c == "[":
            if cur:
                out.append(cur)
                cur = ""
            j = s.find("]", i)
            if j < 0:
                raise FieldPathError("unclosed '[' in %r" % s)
            inner = s[i + 1:j].strip()
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "\"'":
                out.append(inner[1:-1])
            elif inner == "*":
                out.append("*")
            elif inner.isdigit():
                out.append(int(inner))
            elif inner:
                out.append(inner)
            else:
                raise FieldPathError("empty brackets in %r" % s)
            i = j + 1
            expect_key = False
        elif c == "]":
            raise FieldPathError("unexpected ']' in %r" % s)
        else:
            cur += c
            expect_key = False
            i += 1
    if cur:
        out.append(cur)
    elif expect_key:
        raise FieldPathError("field path %r ends with '.'" % s)
    return out


def format_segments(segs: list) -> str:
    out = ""
    for p in segs:
        if isinstance(p, int):
            out += "[%d]" % p
        elif p == "*":
            out += "[*]"
        elif any(c in p for c in "./[] "):
            out += "[%s]" % p
        else:
            out += ("." if out else "") + p
    return out


@dataclass
class Miss:
    """Where a field path leaves the schema: segment index, the schema node there, why."""
    index: int
    node: dict
    reason: str = ""
    suggestion: str | None = None


def _type(node: dict) -> str | None:
    t = node.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else None


def _merge_combinators(node: dict) -> dict | None:
    """A node with allOf/anyOf/oneOf and no properties of its own: the union of the
    branches' properties; None when no branch says anything (accept anything)."""
    subs = [s for k in ("allOf", "anyOf", "oneOf") for s in (node.get(k) or [])
            if isinstance(s, dict)]
    if not subs or node.get("properties") or node.get("items"):
        return node
    props: dict = {}
    items = None
    for s in subs:
        if isinstance(s.get("properties"), dict):
            props.update(s["properties"])
        if isinstance(s.get("items"), dict):
            items = s["items"]
        if s.get("x-kubernetes-preserve-unknown-fields") or s.get("additionalProperties") \
                not in (None, False):
            return None
    if not props and items is None:
        return None
    merged = dict(node)
    if props:
        merged["properties"] = props
    if items is not None:
        merged["items"] = items
    return merged


def walk_schema(schema: Any, segs: list) -> Miss | None:
    """None when `segs` can exist in `schema` (an openAPIV3Schema or the JSON Schema made
    from one), else where and why not. Open nodes (x-kubernetes-preserve-unknown-fields,
    objects without properties, $ref) accept anything below them."""
    node = schema
    for i, seg in enumerate(segs):
        if not isinstance(node, dict) or not node or "$ref" in node:
            return None
        node = _merge_combinators(node)
        if node is None:
            return None
        props = node.get("properties") if isinstance(node.get("properties"), dict) else None
        addl = node.get("additionalProperties")
        if node.get("x-kubernetes-preserve-unknown-fields") is True and not props:
            return None
        t = _type(node)
        if isinstance(seg, int) or (seg == "*" and (t == "array" or "items" in node)):
            if t == "array" or isinstance(node.get("items"), dict):
                node = node.get("items") or {}
                continue
            if t is None and not props:
                return None
            return Miss(i, node, "is not a list" if t != "object" else
                        "is an object, not a list")
        if seg == "*":
            if isinstance(addl, dict):
                node = addl
                continue
            return None       # any property of an object: not checked further
        if t == "array" or isinstance(node.get("items"), dict):
            return Miss(i, node, "is a list: index it, e.g. [0]")
        if props and seg in props:
            node = props[seg]
            continue
        if isinstance(addl, dict):
            node = addl
            continue
        if addl is True:
            return None
        if props:
            hint = difflib.get_close_matches(seg, list(props), n=1, cutoff=0.6)
            return Miss(i, node, "", hint[0] if hint else None)
        if t in ("string", "integer", "number", "boolean"):
            return Miss(i, node, "is a %s" % t)
        if addl is False:
            return Miss(i, node, "")
        return None
    return None
