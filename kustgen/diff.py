"""What differs between two environments' rendered output, semantically.

    d = diff_envs(load_config("."), "staging", "prod")
    print(render_text(d))
    d.promotable        # a difference that is not environment-specific

Direction is diff(1)'s: A is the old side, B the new one. A field change's ``old`` is A's
value and ``new`` B's; a resource only in B is ``added``, one only in A ``removed``.

Resources are paired by their identity before each environment's naming (namePrefix,
nameSuffix, namespace, generator hash suffixes); names and namespaces, and references to
renamed objects, are not differences. Maps compare by key; lists in order unless a schema
says otherwise (``x-kubernetes-list-type: set|map``, or a strategic-merge key of a
built-in kind: containers by name, ...). Environment-specific differences (see
:mod:`kustgen.envspec`, plus values that only differ by the environment's own name) are
hidden and counted unless ``show_all``.

Values of a Secret's ``data``/``stringData`` never leave this module: they are replaced by
:data:`REDACTED` in every change and every rendered object.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kustgen.model.errors import ConfigError, KustgenError, RenderError

__all__ = ["REDACTED", "MISSING", "FieldChange", "ResourceDiff", "EnvDiff", "ListKey",
           "diff_renders", "diff_envs", "render_text", "render_json", "render_markdown",
           "format_path", "json_pointer"]

REDACTED = "<redacted>"
JSON_VERSION = 1


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return "MISSING"


MISSING = _Missing()


class ListKey(NamedTuple):
    """A list item matched by its map keys (``containers[name=app]``); ``index`` is its
    position in B (in A when it is only there)."""
    keys: tuple          # ((key, value), ...)
    index: int

    def __str__(self) -> str:
        return "[%s]" % ",".join("%s=%s" % (k, _scalar(v)) for k, v in self.keys)


@dataclass
class FieldChange:
    path: tuple
    old: Any
    new: Any
    env_specific: bool = False


@dataclass
class ResourceDiff:
    key: tuple                   # (group, kind, original namespace or "", original name)
    status: str                  # added | removed | changed
    a: Any = None                # Resource | None
    b: Any = None
    changes: list = field(default_factory=list)
    env_specific: bool = False   # an added/removed resource of an environment-only kind

    @property
    def kind(self) -> str:
        return self.key[1]

    @property
    def name(self) -> str:
        return self.key[3]


@dataclass
class EnvDiff:
    a: str
    b: str
    resources: list = field(default_factory=list)
    hidden: int = 0
    notes: list = field(default_factory=list)
    base: dict = field(default_factory=dict)     # env -> EnvDiff (REV vs working tree)
    promotable_changes: int = 0
    show_all: bool = False

    @property
    def promotable(self) -> bool:
        return self.promotable_changes > 0

    @property
    def identical(self) -> bool:
        return not self.resources and not self.hidden

    def counts(self) -> dict:
        c = {"added": 0, "removed": 0, "changed": 0}
        for r in self.resources:
            c[r.status] += 1
        return c


# --------------------------------------------------------------------------------------
# list semantics

def _builtin_strategy(gvk, spath):
    try:
        from kustgen.kustomize.openapi import builtin_schema
        return builtin_schema().list_strategy(tuple(gvk), tuple(spath))
    except Exception:  # pragma: no cover - a schema we cannot read: ordered
        return None


def _schema_node(root: Any, spath: tuple):
    node = root
    for step in spath:
        node = _deref(root, node)
        if not isinstance(node, dict):
            return None
        if step == "[]":
            node = node.get("items")
        else:
            props = node.get("properties")
            if isinstance(props, dict) and step in props:
                node = props[step]
            elif isinstance(node.get("additionalProperties"), dict):
                node = node["additionalProperties"]
            else:
                return None
    return _deref(root, node)


def _deref(root, node, depth=0):
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return None
        cur: Any = root
        for part in ref[2:].split("/"):
            cur = cur.get(part.replace("~1", "/").replace("~0", "~")) \
                if isinstance(cur, dict) else None
        node = cur
        depth += 1
    return node


class _Lists:
    """How a list field compares: ("ordered",), ("set",) or ("map", keys)."""

    def __init__(self, registry=None):
        self.registry = registry
        self._cache: dict = {}

    def kind_of(self, res, spath: tuple):
        gvk = res.gvk
        key = (gvk, spath)
        if key in self._cache:
            return self._cache[key]
        out = ("ordered",)
        st = _builtin_strategy(gvk, spath)
        if st is not None:
            out = ("map", tuple(st[1])) if st[1] else ("set",)
        elif self.registry is not None:
            try:
                entry = self.registry.lookup(res.api_version, res.kind)
            except KustgenError:
                entry = None
            if entry is not None:
                for root in (entry.openapi, _safe_schema(entry)):
                    node = _schema_node(root, spath) if isinstance(root, dict) else None
                    if not isinstance(node, dict):
                        continue
                    lt = node.get("x-kubernetes-list-type")
                    keys = node.get("x-kubernetes-list-map-keys")
                    mk = node.get("x-kubernetes-patch-merge-key")
                    if lt == "map" and isinstance(keys, list) and keys:
                        out = ("map", tuple(keys))
                    elif lt == "set":
                        out = ("set",)
                    elif isinstance(mk, str) and mk:
                        out = ("map", (mk,))
                    break
        self._cache[key] = out
        return out


def _safe_schema(entry):
    try:
        return entry.schema
    except Exception:
        return None


# --------------------------------------------------------------------------------------
# comparison

def _canon(v) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), default=str)


class _Ctx:
    def __init__(self, res_a, res_b, names_a, names_b, env_a, env_b, envspec, lists):
        self.ra, self.rb = res_a, res_b
        self.kind = (res_b or res_a).kind
        self.res = res_b or res_a
        self.names_a, self.names_b = names_a, names_b
        self.env_a, self.env_b = env_a, env_b
        self.envspec = envspec
        self.lists = lists
        self.out: list[FieldChange] = []

    # values equal but for naming
    def same(self, va, vb) -> bool:
        if va == vb and type(va) is type(vb):
            return True
        if isinstance(va, str) and isinstance(vb, str):
            oa, ob = self.names_a.get(va), self.names_b.get(vb)
            if oa is not None or ob is not None:
                return (oa if oa is not None else va) == (ob if ob is not None else vb)
        return False

    def env_value(self, va, vb) -> bool:
        """The values differ only by the environments' own names."""
        ea, eb = self.env_a, self.env_b
        if not (isinstance(va, str) and isinstance(vb, str)) or not ea or not eb or ea == eb:
            return False
        if len(ea) < 2 or len(eb) < 2 or ea not in va or eb not in vb:
            return False
        return va.replace(ea, "\x00") == vb.replace(eb, "\x00")

    def emit(self, path, va, vb):
        ep = tuple(p.index if isinstance(p, ListKey) else p for p in path)
        env = bool(self.kind in _ENV_KINDS(self.envspec)) or (
            self.envspec is not None and self.envspec.is_field(self.kind, ep)) or \
            self.env_value(va, vb)
        self.out.append(FieldChange(path, va, vb, env))

    def cmp(self, path: tuple, va, vb):
        if va is MISSING and vb is MISSING:
            return
        if isinstance(va, dict) and (isinstance(vb, dict) or vb is MISSING) or \
                isinstance(vb, dict) and va is MISSING:
            da = va if isinstance(va, dict) else {}
            db = vb if isinstance(vb, dict) else {}
            if (va is MISSING and not db) or (vb is MISSING and not da):
                self.emit(path, va, vb)     # {} added or removed
                return
            for k in list(da) + [k for k in db if k not in da]:
                self.cmp(path + (k,), da.get(k, MISSING), db.get(k, MISSING))
            return
        if isinstance(va, list) and isinstance(vb, list):
            self.cmp_list(path, va, vb)
            return
        if va is MISSING or vb is MISSING or not self.same(va, vb):
            self.emit(path, va, vb)

    def cmp_list(self, path, la, lb):
        spath = tuple("[]" if isinstance(p, (int, ListKey)) else p for p in path)
        how = self.lists.kind_of(self.res, spath)
        if how[0] == "map" and all(isinstance(x, dict) for x in la + lb):
            keys = how[1]

            def k(x):
                return tuple((n, _canon(x.get(n))) for n in keys)

            ia = {}
            for i, x in enumerate(la):
                ia.setdefault(k(x), i)
            ib = {}
            for i, x in enumerate(lb):
                ib.setdefault(k(x), i)
            if len(ia) == len(la) and len(ib) == len(lb):
                for key in list(ia) + [x for x in ib if x not in ia]:
                    item = lb[ib[key]] if key in ib else la[ia[key]]
                    lk = ListKey(tuple((n, item.get(n)) for n in keys),
                                 ib[key] if key in ib else ia[key])
                    self.cmp(path + (lk,), la[ia[key]] if key in ia else MISSING,
                             lb[ib[key]] if key in ib else MISSING)
                return
        if how[0] in ("set", "map"):
            ca = [_canon(x) for x in la]
            cb = [_canon(x) for x in lb]
            rest_b = list(cb)
            for i, c in enumerate(ca):
                if c in rest_b:
                    rest_b.remove(c)
                else:
                    self.emit(path + (i,), la[i], MISSING)
            rest_a = list(ca)
            for i, c in enumerate(cb):
                if c in rest_a:
                    rest_a.remove(c)
                else:
                    self.emit(path + (i,), MISSING, lb[i])
            return
        for i in range(max(len(la), len(lb))):
            self.cmp(path + (i,), la[i] if i < len(la) else MISSING,
                     lb[i] if i < len(lb) else MISSING)


def _ENV_KINDS(envspec):
    return envspec.env_kinds if envspec is not None else frozenset()


def _key(res) -> tuple:
    oid = res.prev_ids[0] if res.prev_ids else res.cur_id()
    return (oid.gvk.group, oid.gvk.kind, oid.namespace or "", oid.name)


def _names(resources) -> dict:
    """Current name/namespace -> original, for every renamed resource of one side."""
    out: dict = {}
    for r in resources:
        if not r.prev_ids:
            continue
        o, c = r.prev_ids[0], r.cur_id()
        if o.name != c.name and c.name:
            out.setdefault(c.name, o.name)
        if o.namespace != c.namespace and c.namespace:
            out.setdefault(c.namespace, o.namespace)
    return out


def _body(obj: dict) -> dict:
    out = dict(obj)
    md = out.get("metadata")
    if isinstance(md, dict):
        md = dict(md)
        md.pop("name", None)
        md.pop("namespace", None)
        out["metadata"] = md
    return out


def _is_secret(res) -> bool:
    return res is not None and res.kind == "Secret" and res.gvk.group == ""


def _redact_value(v):
    if v is MISSING:
        return v
    if isinstance(v, dict):
        return {k: REDACTED for k in v}
    return REDACTED


def _redact_change(res, ch: FieldChange) -> FieldChange:
    if _is_secret(res) and ch.path and ch.path[0] in ("data", "stringData"):
        if len(ch.path) == 1:
            ch.old, ch.new = _redact_value(ch.old), _redact_value(ch.new)
        else:
            ch.old = ch.old if ch.old is MISSING else REDACTED
            ch.new = ch.new if ch.new is MISSING else REDACTED
    elif _is_secret(res) and not ch.path:
        ch.old, ch.new = redact_obj(ch.old, res), redact_obj(ch.new, res)
    return ch


def redact_obj(obj, res=None):
    """A copy of a resource object fit for output: a Secret's values replaced."""
    if not isinstance(obj, dict):
        return obj
    secret = (res is not None and _is_secret(res)) or (
        obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1")
    if not secret:
        return obj
    out = dict(obj)
    for f in ("data", "stringData"):
        if isinstance(out.get(f), dict):
            out[f] = {k: REDACTED for k in out[f]}
        elif f in out:
            out[f] = REDACTED
    return out


def diff_renders(a_res: list, b_res: list, *, a: str = "A", b: str = "B", envspec=None,
                 registry=None, show_all: bool = False) -> EnvDiff:
    """Compare two rendered resource lists (A old, B new). `a`/`b` name the environments
    (their names also mark values that differ only by them as environment-specific)."""
    lists = _Lists(registry)
    names_a, names_b = _names(a_res), _names(b_res)
    ma: dict = {}
    for r in a_res:
        ma.setdefault(_key(r), r)
    mb: dict = {}
    for r in b_res:
        mb.setdefault(_key(r), r)
    env_a, env_b = _env_word(a), _env_word(b)
    d = EnvDiff(a=a, b=b, show_all=show_all)
    for key in list(ma) + [k for k in mb if k not in ma]:
        ra, rb = ma.get(key), mb.get(key)
        if ra is None or rb is None:
            res = ra or rb
            env = res.kind in _ENV_KINDS(envspec)
            rd = ResourceDiff(key, "added" if ra is None else "removed", ra, rb, [], env)
            if env:
                d.hidden += 1
                if not show_all:
                    continue
            else:
                d.promotable_changes += 1
            d.resources.append(rd)
            continue
        ctx = _Ctx(ra, rb, names_a, names_b, env_a, env_b, envspec, lists)
        ctx.cmp((), _body(ra.obj), _body(rb.obj))
        if not ctx.out:
            continue
        shown = []
        for ch in ctx.out:
            _redact_change(rb, ch)
            if ch.env_specific:
                d.hidden += 1
                if not show_all:
                    continue
            else:
                d.promotable_changes += 1
            shown.append(ch)
        if shown:
            d.resources.append(ResourceDiff(key, "changed", ra, rb, shown))
    return d


def _env_word(label: str) -> str:
    label = (label or "").rstrip("/")
    label = label.split("@", 1)[0]
    return os.path.basename(label) if "/" in label else label


# --------------------------------------------------------------------------------------
# environments

def _resolve(cfg, name: str) -> tuple[str, str]:
    """(label, overlay folder) of an environment name or an overlay folder."""
    env = cfg.environment(name) if cfg is not None else None
    if env is not None:
        return env.name, cfg.path(env.path)
    if os.path.isdir(name):
        real = os.path.realpath(name)
        for e in (cfg.environments if cfg is not None else []):
            if os.path.realpath(cfg.path(e.path)) == real:
                return e.name, cfg.path(e.path)
        return os.path.basename(os.path.normpath(name)) or name, name
    known = ", ".join(e.name for e in cfg.environments) if cfg is not None and \
        cfg.environments else "none in kustgen.yaml"
    raise ConfigError("unknown environment or overlay folder: %s (environments: %s)"
                      % (name, known))


def _render(paths: list[str], session=None) -> list[list]:
    from kustgen import api
    out = []
    for rr in api.render(paths, session=session, fallback=False, text=False):
        if rr.error is not None:
            raise rr.error
        out.append(rr.resources)
    return out


def _registry(cfg, rendered: list[tuple[list, str]], notes: list):
    if cfg is None:
        return None
    try:
        from kustgen.schemas.chain import SchemaChain
        chain = SchemaChain(cfg, offline=True)
        for res, overlay in rendered:
            chain.collect(res, overlay)
        return chain.build()
    except KustgenError as e:
        notes.append("schemas unavailable, lists compared in order: %s" % e)
        return None


def _overlay_files(folder: str, env: str, envspec) -> dict | None:
    out = {}
    for dp, dns, fns in os.walk(folder):
        dns[:] = [x for x in dns if not x.startswith(".")]
        for fn in fns:
            p = os.path.join(dp, fn)
            rel = os.path.relpath(p, folder).replace(os.sep, "/")
            if envspec is not None and envspec.is_file(rel):
                continue
            try:
                with open(p, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                return None
            if fn.endswith((".yaml", ".yml")):
                text = _canon_yaml(text, p, fn, envspec)
            else:
                text = "\n".join(ln for ln in text.splitlines()
                                 if not ln.lstrip().startswith("#"))
            if env and len(env) >= 2:
                text = text.replace(env, "\x00ENV")
            out[rel] = text
    return out


_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _strip_fields(v, kind, path, envspec):
    if isinstance(v, dict):
        return {k: _strip_fields(x, kind, path + (k,), envspec) for k, x in v.items()
                if envspec is None or not envspec.is_field(kind, path + (k,))}
    if isinstance(v, list):
        return [_strip_fields(x, kind, path + (i,), envspec) for i, x in enumerate(v)]
    return v


def _canon_yaml(text: str, path: str, fn: str, envspec) -> str:
    """A YAML file of an overlay without what is environment-specific by design: naming
    and secrets of a kustomization, environment-specific fields of resources and patches."""
    from kustgen import yamlio
    try:
        docs = [d.data for d in yamlio.load_documents(text, path)]
    except KustgenError:
        return text
    out = []
    for d in docs:
        if isinstance(d, dict) and (fn in _KUSTOMIZATION_FILES or
                                    d.get("kind") in ("Kustomization", "Component")):
            d = {k: v for k, v in d.items()
                 if k not in ("namePrefix", "nameSuffix", "namespace", "secretGenerator")}
        elif isinstance(d, dict):
            kind = d.get("kind") if isinstance(d.get("kind"), str) else ""
            if envspec is not None and kind in envspec.env_kinds:
                continue
            d = _strip_fields(d, kind, (), envspec)
        out.append(_canon(d))
    return "\n".join(out)


def _git(root: str, *args) -> str:
    try:
        p = subprocess.run(["git", "-C", root] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    except OSError as e:
        raise ConfigError("--base needs git: %s" % e) from None
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError("git %s failed: %s" % (" ".join(args), msg[-1] if msg else
                                                 "exit %d" % p.returncode))
    return p.stdout.decode("utf-8", "replace").strip()


def _render_at(rev: str, folders: list[str]) -> list[list]:
    """Render `folders` (working-tree paths) as they were at git revision `rev`."""
    start = os.path.abspath(folders[0])
    top = _git(start if os.path.isdir(start) else os.path.dirname(start),
               "rev-parse", "--show-toplevel")
    _git(top, "rev-parse", "--verify", "--quiet", rev + "^{commit}")
    tmp = tempfile.mkdtemp(prefix="kustgen-diff-")
    wt = os.path.join(tmp, "wt")
    _git(top, "worktree", "add", "--detach", wt, rev)
    try:
        paths = []
        for f in folders:
            rel = os.path.relpath(os.path.realpath(f), os.path.realpath(top))
            p = os.path.join(wt, rel)
            if not os.path.isdir(p):
                raise RenderError("%s does not exist at %s" % (rel, rev), f)
            paths.append(p)
        from kustgen.kustomize.pipeline import BuildSession
        return _render(paths, BuildSession())
    finally:
        try:
            _git(top, "worktree", "remove", "--force", wt)
        except KustgenError:
            pass
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _git(top, "worktree", "prune")
        except KustgenError:
            pass


def diff_envs(cfg, a: str, b: str, *, show_all: bool = False,
              base_rev: str | None = None) -> EnvDiff:
    """Render environments (names from kustgen.yaml, or overlay folders) `a` and `b` and
    compare them. With `base_rev`, also compare each with itself at that git revision
    (:attr:`EnvDiff.base`) and say what the change since then does to both."""
    from kustgen.envspec import EnvSpecific
    from kustgen.kustomize.pipeline import BuildSession
    la, pa = _resolve(cfg, a)
    lb, pb = _resolve(cfg, b)
    envspec = EnvSpecific.from_config(cfg) if cfg is not None else EnvSpecific()
    ra, rb = _render([pa, pb], BuildSession())
    notes: list[str] = []
    registry = _registry(cfg, [(ra, pa), (rb, pb)], notes)
    d = diff_renders(ra, rb, a=la, b=lb, envspec=envspec, registry=registry,
                     show_all=show_all)
    d.notes.extend(notes)
    fa, fb = _overlay_files(pa, la, envspec), _overlay_files(pb, lb, envspec)
    same_overlays = fa is not None and fa == fb
    if same_overlays and d.promotable:
        d.notes.append("%s and %s differ only through files outside their overlay folders "
                       "(%s, %s are the same up to environment-specific content): a change "
                       "there affects both; nothing to promote" % (la, lb, pa, pb))
    elif same_overlays:
        d.notes.append("the overlays of %s and %s are the same up to environment-specific "
                       "content" % (la, lb))
    if base_rev:
        old = _render_at(base_rev, [pa, pb])
        for label, before, after in ((la, old[0], ra), (lb, old[1], rb)):
            bd = diff_renders(before, after, a="%s@%s" % (label, base_rev), b=label,
                              envspec=envspec, registry=registry, show_all=show_all)
            d.base[label] = bd
        ca, cb = d.base[la], d.base[lb]
        for label, bd in ((la, ca), (lb, cb)):
            c = bd.counts()
            if bd.resources:
                d.notes.append("since %s, %s: %d resources differ (%d added, %d removed, "
                               "%d changed)" % (base_rev, label, len(bd.resources),
                                                c["added"], c["removed"], c["changed"]))
            else:
                d.notes.append("since %s, %s: no difference" % (base_rev, label))
        if ca.resources and cb.resources and \
                _change_set(ca) == _change_set(cb):
            d.notes.append("the change since %s affects %s and %s alike: nothing to promote"
                           % (base_rev, la, lb))
        elif ca.resources and cb.resources:
            d.notes.append("the change since %s affects both %s and %s" % (base_rev, la, lb))
    behind = _promotion_lag(pa, la, pb, lb)
    if behind:
        d.notes.append(behind)
    return d


def _promotion_lag(pa: str, la: str, pb: str, lb: str) -> str | None:
    """From the marker `kustgen promote` leaves in B's kustomization
    (kustgen.dev/promoted-from: A@commit): how many commits touched A's overlay since."""
    import subprocess
    from kustgen.yamlio import load_documents
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        k = os.path.join(pb, name)
        if os.path.isfile(k):
            break
    else:
        return None
    try:
        with open(k, "rb") as fh:
            docs = load_documents(fh.read(), k)
    except (OSError, KustgenError):
        return None
    md = (docs[0].data.get("metadata") if docs and isinstance(docs[0].data, dict) else None)
    mark = ((md or {}).get("annotations") or {}).get("kustgen.dev/promoted-from") \
        if isinstance(md, dict) else None
    if not isinstance(mark, str) or "@" not in mark:
        return None
    src, _, commit = mark.rpartition("@")
    if src != la:
        return None
    try:
        p = subprocess.run(["git", "rev-list", "--count", "%s..HEAD" % commit, "--", "."],
                           cwd=pa, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if p.returncode != 0 or not p.stdout.strip().isdigit():
        return None
    n = int(p.stdout.strip())
    if n == 0:
        return "%s is up to date with %s (last promoted from %s)" % (lb, la, mark)
    return "%s is %d commit%s behind %s (last promoted from %s)" % (
        lb, n, "" if n == 1 else "s", la, mark)


def _change_set(d: EnvDiff) -> set:
    out = set()
    for r in d.resources:
        out.add((r.key, r.status, tuple((format_path(c.path), _canon(_jsonable(c.old)),
                                         _canon(_jsonable(c.new))) for c in r.changes
                                        if not c.env_specific)))
    return out


# --------------------------------------------------------------------------------------
# output

_PLAIN = re.compile(r"^[A-Za-z0-9_-]+$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def format_path(path: tuple) -> str:
    """spec.containers[name=app].image, metadata.labels["app.kubernetes.io/name"]"""
    s = ""
    for p in path:
        if isinstance(p, ListKey):
            s += str(p)
        elif isinstance(p, int):
            s += "[%d]" % p
        elif _PLAIN.match(p):
            s += ("." if s else "") + p
        else:
            s += "[%s]" % json.dumps(p)
    return s or "."


def json_pointer(path: tuple) -> str:
    parts = []
    for p in path:
        if isinstance(p, ListKey):
            p = p.index
        parts.append(str(p).replace("~", "~0").replace("/", "~1"))
    return "".join("/" + x for x in parts)


def _jsonable(v):
    return None if v is MISSING else v


def _scalar(v) -> str:
    if v is MISSING:
        return "(absent)"
    if isinstance(v, str):
        s = v if v and v.strip() == v and "\n" not in v and v not in (
            "true", "false", "null", "~") and not _looks_number(v) else json.dumps(v)
    else:
        s = json.dumps(v, sort_keys=True, default=str)
    return _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), s)


def _looks_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _label(res, key) -> str:
    if res is None:
        return "%s/%s" % (key[1], key[3])
    ns = res.namespace
    return "%s/%s%s" % (res.kind, res.name, " (namespace %s)" % ns if ns else "")


def _summary(d: EnvDiff) -> str:
    c = d.counts()
    n = len(d.resources)
    parts = ["%d %s" % (c[s], s) for s in ("added", "removed", "changed") if c[s]]
    hidden = ""
    if d.hidden:
        hidden = "%d environment-specific difference%s %s" % (
            d.hidden, "" if d.hidden == 1 else "s",
            "shown" if d.show_all else "hidden (--all shows them)")
    if not n:
        head = "no difference" if not d.hidden else "no promotable difference"
    else:
        head = "%d resource%s differ%s (%s)" % (n, "" if n == 1 else "s",
                                                "s" if n == 1 else "", ", ".join(parts))
        if not d.promotable:
            head += "; no promotable difference"
    return head + ("; " + hidden if hidden else "")


def render_text(d: EnvDiff, *, color: bool = False) -> str:
    def c(code, s):
        return "\x1b[%sm%s\x1b[0m" % (code, s) if color else s
    lines: list[str] = []
    _text_body(d, lines, c)
    for label, bd in d.base.items():
        lines.append(c("1", "# %s: %s -> working tree" % (label, bd.a)))
        _text_body(bd, lines, c)
    for n in d.notes:
        lines.append(c("36", "note: %s" % _CONTROL.sub("?", n)))
    return "\n".join(lines) + "\n"


def _text_body(d: EnvDiff, lines, c):
    for r in d.resources:
        mark = "  (env-specific)" if r.env_specific else ""
        if r.status == "added":
            lines.append(c("32", "+ %s (added)%s" % (_label(r.b, r.key), mark)))
            continue
        if r.status == "removed":
            lines.append(c("31", "- %s (removed)%s" % (_label(r.a, r.key), mark)))
            continue
        lines.append(c("1", "--- a/%s %s" % (d.a, _label(r.a, r.key))))
        lines.append(c("1", "+++ b/%s %s" % (d.b, _label(r.b, r.key))))
        for ch in r.changes:
            p = format_path(ch.path)
            tag = "  (env-specific)" if ch.env_specific else ""
            if ch.old is not MISSING:
                lines.append(c("31", "-  %s: %s%s" % (p, _scalar(ch.old), tag)))
            if ch.new is not MISSING:
                lines.append(c("32", "+  %s: %s%s" % (p, _scalar(ch.new), tag)))
        lines.append("")
    if lines and lines[-1] == "":
        lines.pop()
    lines.append(_summary(d))


def _json_doc(d: EnvDiff) -> dict:
    out_res = []
    for r in d.resources:
        res = r.b or r.a
        item = {"apiVersion": res.api_version if res else "", "kind": r.key[1],
                "namespace": r.key[2], "name": r.key[3], "status": r.status,
                "envSpecific": r.env_specific,
                "names": {"a": r.a.name if r.a else None, "b": r.b.name if r.b else None},
                "changes": [{"path": json_pointer(ch.path), "old": _jsonable(ch.old),
                             "new": _jsonable(ch.new), "envSpecific": ch.env_specific,
                             **({"oldAbsent": True} if ch.old is MISSING else {}),
                             **({"newAbsent": True} if ch.new is MISSING else {})}
                            for ch in r.changes]}
        if r.status != "changed":
            item["object"] = redact_obj(res.obj, res)
        out_res.append(item)
    c = d.counts()
    doc = {"version": JSON_VERSION, "a": d.a, "b": d.b, "resources": out_res,
           "summary": {"resources": len(d.resources), **c, "hidden": d.hidden,
                       "promotable": d.promotable,
                       "changes": sum(len(r.changes) for r in d.resources)},
           "notes": list(d.notes)}
    if d.base:
        doc["base"] = {k: _json_doc(v) for k, v in d.base.items()}
    return doc


def render_json(d: EnvDiff) -> str:
    return json.dumps(_json_doc(d), indent=2, sort_keys=False, default=str) + "\n"


def _md(s: str) -> str:
    s = _CONTROL.sub("?", s)
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", s)


def _md_value(v) -> str:
    s = _scalar(v)
    if v is MISSING:
        return "(absent)"
    return "`%s`" % s.replace("`", "'") if len(s) < 200 else "`%s…`" % s[:197].replace("`", "'")


def render_markdown(d: EnvDiff) -> str:
    lines: list[str] = []
    _md_body(d, lines)
    for label, bd in d.base.items():
        lines.append("")
        lines.append("**%s** (%s → working tree):" % (_md(label), _md(bd.a)))
        _md_body(bd, lines)
    if d.notes:
        lines.append("")
        lines.extend("> %s" % _md(n) for n in d.notes)
    return "\n".join(lines) + "\n"


def _md_body(d: EnvDiff, lines):
    env = _md(d.b)
    for r in d.resources:
        who = "%s %s" % (_md(r.key[1]), _md(r.key[3]))
        tag = " _(env-specific)_" if r.env_specific else ""
        if r.status != "changed":
            lines.append("- %s: %s %s%s" % (env, who, r.status, tag))
            continue
        for ch in r.changes:
            tag = " _(env-specific)_" if ch.env_specific else ""
            lines.append("- %s: %s: %s %s → %s%s" % (
                env, who, _md(format_path(ch.path)), _md_value(ch.old), _md_value(ch.new),
                tag))
    lines.append("")
    lines.append("_%s_" % _md(_summary(d)))
