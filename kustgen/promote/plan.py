"""Plan a promotion of environment A's overlay onto environment B's (see
``kustgen.promote``): one ChangeSet, verified by rendering and validating B as it
will be."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kustgen.changeset import ChangeSet
from kustgen.envspec import EnvSpecific, parse_path
from kustgen.model.errors import KustgenError
from kustgen.promote.merge import item_key, load_docs, sync
from kustgen.yamlio.rewrite import rewrite

__all__ = ["Promotion", "Change", "plan_promotion", "next_environment", "MARKER",
           "render_changes", "ResourceFilter"]

MARKER = "kustgen.dev/promoted-from"
_KUST_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_YAML = (".yaml", ".yml", ".json")
_FILE_FIELDS = ("resources", "components", "crds", "configurations", "bases",
                "patchesStrategicMerge", "transformers", "generators", "validators")
_PATCH_FIELDS = ("patches", "patchesJson6902", "patchesStrategicMerge")
_GENERATORS = ("configMapGenerator", "secretGenerator")
_LITERAL_TOKENS = ("region", "zone", "account", "providerconfig", "deletionpolicy",
                   "externalname", "endpoint")
_MISSING = object()
_SEP = re.compile(r"^---(\s.*)?$")


@dataclass
class Change:
    """One rendered difference of B: ``op`` is "~" (field changed), "+" or "-"
    (resource added/removed)."""
    kind: str
    name: str
    op: str
    path: str = ""
    old: Any = None
    new: Any = None

    def text(self, env: str) -> str:
        if self.op == "+":
            return "%s: %s %s: added" % (env, self.kind, self.name)
        if self.op == "-":
            return "%s: %s %s: removed" % (env, self.kind, self.name)
        return "%s: %s %s: %s %s → %s" % (env, self.kind, self.name, self.path,
                                           _show(self.old), _show(self.new))


def _show(v) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, str):
        return v
    import json
    return json.dumps(v, sort_keys=True)


@dataclass
class Promotion:
    source: str
    target: str
    source_dir: str
    target_dir: str
    changeset: ChangeSet
    marker: str = ""
    verified: bool = False
    before: list = field(default_factory=list)      # B's resources before
    after: list = field(default_factory=list)       # B's resources after (when verified)
    new_errors: list = field(default_factory=list)  # findings the promotion would add
    render_error: KustgenError | None = None        # B would not render
    registry: Any = None
    secrets: set = field(default_factory=set)       # values never to print
    notes: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.new_errors) or self.render_error is not None

    def redact(self, text: str) -> str:
        for s in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(s, "***")
        return text

    def changes(self) -> list[Change]:
        return render_changes(self.before, self.after)


class ResourceFilter:
    """``--resource KIND/NAME`` (repeatable)."""

    def __init__(self, specs=()):
        self.items = []
        for s in specs:
            if "/" not in s or not all(s.split("/", 1)):
                raise KustgenError("--resource takes KIND/NAME, not %r" % s)
            self.items.append(tuple(s.split("/", 1)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def doc(self, d) -> bool:
        if not isinstance(d, dict):
            return False
        name = (d.get("metadata") or {}).get("name") if isinstance(d.get("metadata"),
                                                                    dict) else None
        return any(d.get("kind") == k and name == n for k, n in self.items)

    def target(self, t) -> bool:
        if not isinstance(t, dict) or not t.get("name"):
            return False
        for k, n in self.items:
            try:
                kind_ok = not t.get("kind") or re.fullmatch(str(t["kind"]), k)
                name_ok = re.fullmatch(str(t["name"]), n)
            except re.error:
                kind_ok, name_ok = t.get("kind") == k, t.get("name") == n
            if kind_ok and name_ok:
                return True
        return False


# ---------------------------------------------------------------------------------------
def next_environment(cfg, name: str) -> str:
    names = [e.name for e in cfg.environments]
    if name not in names:
        raise KustgenError("unknown environment %r (kustgen.yaml has: %s)"
                           % (name, ", ".join(names) or "none"))
    i = names.index(name)
    if i + 1 >= len(names):
        raise KustgenError("%s is the last environment; there is nothing after it" % name)
    return names[i + 1]


def _git_head(root: str) -> str | None:
    try:
        p = subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "HEAD"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    out = p.stdout.decode().strip()
    return out if p.returncode == 0 and out else None


def _kust_file(d: str) -> str | None:
    return next((os.path.join(d, n) for n in _KUST_NAMES
                 if os.path.isfile(os.path.join(d, n))), None)


def _files(d: str) -> dict[str, str]:
    """rel path (with /) -> absolute path, kustomization file left out."""
    out = {}
    for cur, dirs, files in os.walk(d):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        for f in sorted(files):
            if f.startswith(".") or f.endswith((".kustgen-tmp", ".kustgen-bak")):
                continue
            full = os.path.join(cur, f)
            rel = os.path.relpath(full, d).replace(os.sep, "/")
            if rel in _KUST_NAMES:
                continue
            out[rel] = full
    return out


def _read(p: str) -> str:
    with open(p, "rb") as fh:
        return fh.read().decode("utf-8", "surrogateescape")


def _is_yaml(rel: str) -> bool:
    return rel.lower().endswith(_YAML)


def _doc_key(d) -> tuple:
    if not isinstance(d, dict):
        return ("", "", "")
    md = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    return (str(d.get("apiVersion", "")), str(d.get("kind", "")), str(md.get("name", "")))


def _keys(docs) -> list:
    seen: Counter = Counter()
    out = []
    for d in docs:
        k = _doc_key(d)
        out.append(k + (seen[k],))
        seen[k] += 1
    return out


def split_documents(text: str) -> list[str]:
    """The texts of a YAML stream's documents (separators left out; comments before the
    first document stay with it)."""
    segs: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if _SEP.match(line.rstrip("\r\n")):
            segs.append([])
        else:
            segs[-1].append(line)
    out = ["".join(s) for s in segs]
    while len(out) > 1 and not load_docs(out[0]):
        out[1] = out[0] + out[1]
        out.pop(0)
    return out


def _subst(v, a: str, b: str):
    if isinstance(v, dict):
        return {k: _subst(x, a, b) for k, x in v.items()}
    if isinstance(v, list):
        return [_subst(x, a, b) for x in v]
    if isinstance(v, str):
        if v == a:
            return b
        if "=" in v and "\n" not in v and v.split("=", 1)[1] == a:
            return v.split("=", 1)[0] + "=" + b
    return v


def _leaves(v, path=()):
    if isinstance(v, dict) and v:
        for k, x in v.items():
            yield from _leaves(x, path + (k,))
    elif isinstance(v, list) and v and any(isinstance(x, (dict, list)) for x in v):
        for i, x in enumerate(v):
            yield from _leaves(x, path + (i,))
    else:
        yield path, v


# ---------------------------------------------------------------------------------------
class _Planner:
    def __init__(self, cfg, a: str, b: str, rfilter: ResourceFilter):
        self.cfg = cfg
        self.a, self.b = a, b
        ea, eb = cfg.environment(a), cfg.environment(b)
        for n, e in ((a, ea), (b, eb)):
            if e is None:
                raise KustgenError("unknown environment %r (kustgen.yaml has: %s)" % (
                    n, ", ".join(x.name for x in cfg.environments) or "none"))
        if a == b:
            raise KustgenError("cannot promote %s onto itself" % a)
        self.a_dir = os.path.abspath(cfg.path(ea.path))
        self.b_dir = os.path.abspath(cfg.path(eb.path))
        self.a_kust = _kust_file(self.a_dir)
        self.b_kust = _kust_file(self.b_dir)
        for n, k, d in ((a, self.a_kust, self.a_dir), (b, self.b_kust, self.b_dir)):
            if k is None:
                raise KustgenError("environment %s: %s has no kustomization.yaml" % (n, d))
        self.spec = EnvSpecific.from_config(cfg)
        self.filter = rfilter
        self.cs = ChangeSet(cfg.root)
        self.secrets: set = set()
        self.notes: list = []
        self._docs: dict = {}
        self.tokens = set(_LITERAL_TOKENS)
        for r in self.spec.fields:
            last = [p for p in r.path if isinstance(p, str) and p != "*"]
            if last:
                self.tokens.add(re.sub(r"[^a-z0-9]", "", last[-1].lower()))

    # -- helpers -------------------------------------------------------------------
    def docs_of(self, full: str):
        if full not in self._docs:
            docs = None
            if os.path.isfile(full) and _is_yaml(full):
                try:
                    docs = load_docs(_read(full), full)
                except KustgenError:
                    docs = None
            self._docs[full] = docs
        return self._docs[full]

    def file_env(self, rel: str, full: str) -> bool:
        return self.spec.is_file(rel, self.docs_of(full))

    def keep_fn(self, kind: str):
        spec = self.spec
        return (lambda p: spec.is_field(kind, p)), (lambda p: spec.touches(kind, p))

    def collect_secrets(self, docs) -> None:
        for d in docs or []:
            if isinstance(d, dict) and d.get("kind") == "Secret":
                for f in ("data", "stringData"):
                    for v in (d.get(f) or {}).values() if isinstance(d.get(f), dict) else []:
                        if isinstance(v, str) and len(v) >= 3:
                            self.secrets.add(v)
                            if f == "data":
                                import base64
                                try:
                                    self.secrets.add(base64.b64decode(v).decode())
                                except Exception:  # noqa: BLE001
                                    pass

    def collect_kust_secrets(self, k: dict) -> None:
        import base64
        for g in k.get("secretGenerator") or []:
            if not isinstance(g, dict):
                continue
            for lit in g.get("literals") or []:
                if isinstance(lit, str) and "=" in lit:
                    v = lit.split("=", 1)[1].strip().strip("\"'")
                    if len(v) >= 3:
                        self.secrets.add(v)
                        self.secrets.add(base64.b64encode(v.encode()).decode())

    # -- files ---------------------------------------------------------------------
    def merge_yaml(self, rel: str, a_text: str, b_text: str) -> str:
        a_docs, b_docs = load_docs(a_text, rel), load_docs(b_text, rel)
        ka, kb = _keys(a_docs), _keys(b_docs)
        envk = self.spec.env_kinds

        def skip(d) -> bool:
            return (isinstance(d, dict) and d.get("kind") in envk) or \
                (bool(self.filter) and not self.filter.doc(d))

        def merged(text: str, ad, i: int) -> str:
            kind = ad.get("kind", "") if isinstance(ad, dict) else ""
            keep, touches = self.keep_fn(kind)
            return rewrite(text, lambda root: sync(root, ad, keep, touches),
                           path=os.path.join(self.b_dir, rel), doc=i)

        if ka == kb:
            text = b_text
            for i, (ad, bd) in enumerate(zip(a_docs, b_docs)):
                if ad != bd and not skip(bd):
                    text = merged(text, ad, i)
            return text
        a_segs, b_segs = split_documents(a_text), split_documents(b_text)
        if len(a_segs) != len(a_docs) or len(b_segs) != len(b_docs):
            raise KustgenError("cannot split the documents of %s" % rel)
        a_by = dict(zip(ka, range(len(ka))))
        out = []
        for j, (k, bd) in enumerate(zip(kb, b_docs)):
            if k in a_by:
                ad = a_docs[a_by[k]]
                out.append(b_segs[j] if (ad == bd or skip(bd)) else merged(b_segs[j], ad, 0))
            elif skip(bd):
                out.append(b_segs[j])
        kbs = set(kb)
        for i, (k, ad) in enumerate(zip(ka, a_docs)):
            if k not in kbs and not skip(ad):
                out.append(a_segs[i])
        out = [s if s.endswith("\n") else s + "\n" for s in out if s.strip()]
        return "---\n".join(out)

    def plan_files(self) -> None:
        fa, fb = _files(self.a_dir), _files(self.b_dir)
        self.fa, self.fb = fa, fb
        for rel, full in fa.items():
            self.collect_secrets(self.docs_of(full))
        for rel, full in fb.items():
            self.collect_secrets(self.docs_of(full))
        for rel, full in fa.items():
            if self.file_env(rel, full):
                continue
            target = os.path.join(self.b_dir, rel)
            a_text = _read(full)
            if rel not in fb:
                if self.filter:
                    docs = self.docs_of(full) or []
                    if not docs or not any(self.filter.doc(d) for d in docs):
                        continue
                    if not all(self.filter.doc(d) for d in docs):
                        segs = split_documents(a_text)
                        a_text = "---\n".join(s if s.endswith("\n") else s + "\n"
                                              for s, d in zip(segs, docs) if self.filter.doc(d))
                self.cs.create(target, a_text)
                for d in load_docs(a_text, rel) if _is_yaml(rel) else []:
                    if isinstance(d, dict):
                        paths = self.env_leaves(d, [d.get("kind", "")])
                        if paths:
                            self.notes.append(
                                "%s: new file %s sets environment-specific %s to %s's "
                                "value; check it" % (self.b, rel, ", ".join(
                                    ".".join(map(str, p)) for p in paths), self.a))
                continue
            if self.file_env(rel, fb[rel]):
                continue
            b_text = _read(fb[rel])
            if a_text == b_text:
                continue
            if _is_yaml(rel) and self.docs_of(full) is not None \
                    and self.docs_of(fb[rel]) is not None:
                new = self.merge_yaml(rel, a_text, b_text)
            elif self.filter:
                continue
            else:
                new = a_text
            if new != b_text:
                self.cs.update(target, lambda _t, new=new: new)

    # -- kustomization -------------------------------------------------------------
    def entry_files(self, fld: str, item) -> list[str]:
        out = []
        if isinstance(item, str) and fld in _FILE_FIELDS and "\n" not in item:
            out.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("path"), str):
                out.append(item["path"])
            if fld in _GENERATORS:
                for f in (item.get("files") or []) + (item.get("envs") or []) + \
                        ([item["env"]] if isinstance(item.get("env"), str) else []):
                    if isinstance(f, str):
                        out.append(f.split("=", 1)[-1])
        return out

    def _rel(self, d: str, f: str) -> str | None:
        full = os.path.normpath(os.path.join(d, f))
        rel = os.path.relpath(full, d)
        return None if rel.startswith("..") else rel.replace(os.sep, "/")

    def env_entry(self, fld: str, item, d: str) -> bool:
        for f in self.entry_files(fld, item):
            rel = self._rel(d, f)
            if rel is not None and self.file_env(rel, os.path.join(d, rel)):
                return True
        patch = None
        kinds = [""]
        if fld in _PATCH_FIELDS and isinstance(item, dict) and isinstance(item.get("patch"), str):
            patch = item["patch"]
            t = item.get("target") if isinstance(item.get("target"), dict) else {}
            if t.get("kind"):
                kinds = str(t["kind"]).split("|")
        elif fld == "patchesStrategicMerge" and isinstance(item, str) and "\n" in item:
            patch = item
        if patch is None:
            return False
        try:
            docs = load_docs(patch)
        except KustgenError:
            return False
        paths = []
        for doc in docs:
            if isinstance(doc, list):       # JSON 6902 operations
                for op in doc:
                    if isinstance(op, dict) and isinstance(op.get("path"), str):
                        try:
                            paths.append((kinds, parse_path(op["path"])))
                        except KustgenError:
                            return False
            elif isinstance(doc, dict):
                ks = [doc["kind"]] if doc.get("kind") else kinds
                for p, _v in _leaves({k: v for k, v in doc.items()
                                       if k not in ("apiVersion", "kind", "metadata")}):
                    paths.append((ks, p))
        return bool(paths) and all(any(self.spec.is_field(k, p) for k in ks)
                                   for ks, p in paths)

    def relevant(self, fld: str, item, d: str) -> bool:
        for f in self.entry_files(fld, item):
            rel = self._rel(d, f)
            docs = self.docs_of(os.path.join(d, rel)) if rel else None
            if docs and any(self.filter.doc(x) for x in docs):
                return True
        if isinstance(item, dict) and self.filter.target(item.get("target")):
            return True
        if fld == "patchesStrategicMerge" and isinstance(item, str) and "\n" in item:
            try:
                return any(self.filter.doc(x) for x in load_docs(item))
            except KustgenError:
                return False
        return False

    def env_literals(self, a_k: dict, b_k: dict) -> set:
        """(generator name, literal key) pairs copied by replacements into
        environment-specific fields."""
        out = set()
        for k in (a_k, b_k):
            for r in k.get("replacements") or []:
                if not isinstance(r, dict) or not isinstance(r.get("source"), dict):
                    continue
                src = r["source"]
                fp = str(src.get("fieldPath", ""))
                if not fp.startswith("data."):
                    continue
                for t in r.get("targets") or []:
                    if not isinstance(t, dict):
                        continue
                    sel = t.get("select") if isinstance(t.get("select"), dict) else {}
                    for p in t.get("fieldPaths") or []:
                        try:
                            if self.spec.is_field(sel.get("kind", ""), parse_path(str(p))):
                                out.add((src.get("name"), fp[5:]))
                        except KustgenError:
                            pass
        return out

    def literal_env(self, fld: str, gen: str, key: str, env_lits: set) -> bool:
        if fld == "secretGenerator" or (gen, key) in env_lits:
            return True
        norm = re.sub(r"[^a-z0-9]", "", key.lower())
        return any(t and t in norm for t in self.tokens)

    def merge_generator(self, fld, a_item, b_item, env_lits):
        if not isinstance(a_item, dict) or not isinstance(b_item, dict):
            return a_item
        out = dict(a_item)
        la, lb = a_item.get("literals"), b_item.get("literals")
        if not isinstance(la, list) and not isinstance(lb, list):
            return out
        la, lb = la or [], lb or []
        name = a_item.get("name")

        def key(s):
            return str(s).split("=", 1)[0].strip()
        bvals = {key(s): s for s in lb}
        res, seen = [], set()
        for s in la:
            k = key(s)
            seen.add(k)
            res.append(bvals[k] if self.literal_env(fld, name, k, env_lits) and k in bvals
                       else s)
        for s in lb:
            if key(s) not in seen and self.literal_env(fld, name, key(s), env_lits):
                res.append(s)
        out["literals"] = res
        return out

    def merge_list(self, fld: str, a_list: list, b_list: list, env_lits: set) -> list:
        a_list = a_list if isinstance(a_list, list) else []
        b_list = b_list if isinstance(b_list, list) else []
        a_f = [_subst(x, self.a, self.b) for x in a_list
               if not self.env_entry(fld, x, self.a_dir)]
        b_env = {i for i, x in enumerate(b_list) if self.env_entry(fld, x, self.b_dir)}
        if fld in ("patches", "patchesJson6902"):
            a_f = self.pair_inline_patches(a_f, [x for i, x in enumerate(b_list)
                                                 if i not in b_env])
        if fld in _GENERATORS:
            b_by = {x.get("name"): x for i, x in enumerate(b_list)
                    if isinstance(x, dict) and i not in b_env}
            a_f = [self.merge_generator(fld, x, b_by.get(x.get("name")), env_lits)
                   if isinstance(x, dict) else x for x in a_f]
        if self.filter:
            if fld not in _FILE_FIELDS + _PATCH_FIELDS:
                return b_list
            a_rel = [x for x in a_f if self.relevant(fld, x, self.a_dir)]
            result, at = [], None
            for i, x in enumerate(b_list):
                if i not in b_env and self.relevant(fld, x, self.b_dir):
                    if at is None:
                        at = len(result)
                    continue
                result.append(x)
            at = len(result) if at is None else at
            return result[:at] + [x for x in a_rel if x not in result] + result[at:]
        result = list(a_f)
        keys = [item_key(x) for x in result]
        for i in sorted(b_env):
            x = b_list[i]
            if item_key(x) in keys:
                continue
            pos = 0
            for j in range(i - 1, -1, -1):
                kj = item_key(b_list[j])
                if kj in keys:
                    pos = keys.index(kj) + 1
                    break
            result.insert(pos, x)
            keys.insert(pos, item_key(x))
        return result

    def merge_plain(self, a, b, kinds, path=()):
        """A's data with B's values at environment-specific paths (_MISSING: absent)."""
        if any(self.spec.is_field(k, path) for k in kinds):
            return b
        if isinstance(a, dict):
            bd = b if isinstance(b, dict) else {}
            out = {}
            for k, v in a.items():
                m = self.merge_plain(v, bd.get(k, _MISSING), kinds, path + (k,))
                if m is not _MISSING:
                    out[k] = m
            for k, v in bd.items():
                if k not in a and any(self.spec.is_field(x, path + (k,)) for x in kinds):
                    out[k] = v
            return out
        return a

    def env_leaves(self, data, kinds) -> list:
        return [p for p, _v in _leaves(data)
                if p and any(self.spec.is_field(k, p) for k in kinds)]

    def pair_inline_patches(self, a_items: list, b_items: list) -> list:
        """Inline patches of A and B with the same target: A's patch with B's values of
        environment-specific fields (written into B's text, keeping its comments)."""
        out = []
        used: set = set()
        for x in a_items:
            if not (isinstance(x, dict) and isinstance(x.get("patch"), str)):
                out.append(x)
                continue
            t = x.get("target") if isinstance(x.get("target"), dict) else {}
            kinds = str(t.get("kind")).split("|") if t.get("kind") else [""]
            y = next((b for i, b in enumerate(b_items) if i not in used
                      and isinstance(b, dict) and isinstance(b.get("patch"), str)
                      and b.get("target") == x.get("target")), None)
            try:
                a_docs = load_docs(x["patch"])
            except KustgenError:
                out.append(x)
                continue
            if y is None:
                for d in a_docs:
                    ks = [d["kind"]] if isinstance(d, dict) and d.get("kind") else kinds
                    if isinstance(d, list):
                        paths = [parse_path(op["path"]) for op in d if isinstance(op, dict)
                                 and isinstance(op.get("path"), str)
                                 and any(self.spec.is_field(k, parse_path(op["path"]))
                                         for k in ks)]
                    else:
                        paths = self.env_leaves(d, ks)
                    if paths:
                        self.notes.append(
                            "%s: a new inline patch sets environment-specific %s to %s's "
                            "value; check it" % (self.b, ", ".join(
                                ".".join(map(str, p)) for p in paths), self.a))
                out.append(x)
                continue
            used.add(b_items.index(y))
            try:
                b_docs = load_docs(y["patch"])
            except KustgenError:
                out.append(x)
                continue
            if len(a_docs) != 1 or len(b_docs) != 1:
                out.append(x)
                continue
            ad, bd = a_docs[0], b_docs[0]
            if isinstance(ad, list) and isinstance(bd, list):
                b_ops = {op.get("path"): op for op in bd if isinstance(op, dict)}
                want = []
                for op in ad:
                    pth = op.get("path") if isinstance(op, dict) else None
                    try:
                        env = isinstance(pth, str) and any(
                            self.spec.is_field(k, parse_path(pth)) for k in kinds)
                    except KustgenError:
                        env = False
                    want.append(b_ops[pth] if env and pth in b_ops else op)
            elif isinstance(ad, dict) and isinstance(bd, dict):
                ks = [ad["kind"]] if ad.get("kind") else kinds
                want = self.merge_plain(ad, bd, ks)
            else:
                out.append(x)
                continue
            text = rewrite(y["patch"], lambda root, w=want: sync(root, w))
            out.append(dict(x, patch=text))
        return out

    def kust_target(self, a_k: dict, b_k: dict, marker: str | None) -> dict:
        env_lits = self.env_literals(a_k, b_k)
        naming = tuple(self.spec.naming)
        t: dict = {}
        if self.filter:
            t = dict(b_k)
            for k in set(a_k) | set(b_k):
                if k in _FILE_FIELDS + _PATCH_FIELDS and (
                        isinstance(a_k.get(k), list) or isinstance(b_k.get(k), list)):
                    lst = self.merge_list(k, a_k.get(k), b_k.get(k), env_lits)
                    if lst or k in b_k:
                        t[k] = lst
        else:
            for k, v in a_k.items():
                if k in naming or k == "metadata":
                    continue
                if isinstance(v, list) or isinstance(b_k.get(k), list):
                    t[k] = self.merge_list(k, v, b_k.get(k), env_lits)
                else:
                    t[k] = _subst(v, self.a, self.b)
            for k, v in b_k.items():
                if k in naming or k == "metadata":
                    t[k] = v
                elif k not in a_k and isinstance(v, list):
                    lst = self.merge_list(k, [], v, env_lits)
                    if lst:
                        t[k] = lst
                elif k not in a_k:
                    # a setting only B has (prod's commonAnnotations, say): B's own choice,
                    # not something A removed
                    t[k] = v
        if marker:
            md = dict(t.get("metadata") or {})
            ann = dict(md.get("annotations") or {})
            ann[MARKER] = marker
            md["annotations"] = ann
            t["metadata"] = md
        if "metadata" in t and "metadata" not in b_k:    # put it after kind
            md = t.pop("metadata")
            items = list(t.items())
            at = next((i + 1 for i, (k, _v) in enumerate(items) if k == "kind"), 0)
            t = dict(items[:at] + [("metadata", md)] + items[at:])
        return t

    def plan_kustomization(self, marker: str) -> None:
        a_text, b_text = _read(self.a_kust), _read(self.b_kust)
        a_k = (load_docs(a_text, self.a_kust) or [{}])[0] or {}
        b_k = (load_docs(b_text, self.b_kust) or [{}])[0] or {}
        if not isinstance(a_k, dict) or not isinstance(b_k, dict):
            raise KustgenError("a kustomization is not a mapping")
        self.collect_kust_secrets(a_k)
        self.collect_kust_secrets(b_k)

        def edit(t):
            return lambda root: sync(root, t)
        new = rewrite(b_text, edit(self.kust_target(a_k, b_k, None)), path=self.b_kust)
        if new != b_text or self.cs:
            new = rewrite(b_text, edit(self.kust_target(a_k, b_k, marker)), path=self.b_kust)
        if new != b_text:
            self.cs.update(self.b_kust, lambda _t: new)
        self.b_new = (load_docs(new, self.b_kust) or [{}])[0] or {}

    def plan_orphans(self) -> None:
        refs = set()
        for fld, v in self.b_new.items():
            for item in v if isinstance(v, list) else []:
                for f in self.entry_files(fld, item):
                    rel = self._rel(self.b_dir, f)
                    if rel:
                        refs.add(rel)
        for rel, full in self.fb.items():
            if rel in self.fa or self.file_env(rel, full):
                continue
            if any(rel == r or rel.startswith(r.rstrip("/") + "/") for r in refs):
                continue
            if self.filter:
                docs = self.docs_of(full) or []
                if not docs or not all(self.filter.doc(d) for d in docs):
                    continue
            self.cs.delete(full)


# ---------------------------------------------------------------------------------------
def _check(cfg, fs, b_dir: str):
    """Render B from ``fs`` and validate it -> (resources, error findings, registry)."""
    from kustgen.kustomize.pipeline import BuildSession
    from kustgen.kustomize.provenance import locate
    from kustgen.model import Severity
    from kustgen.schemas.chain import SchemaChain
    from kustgen.validate import MissingSchemaPolicy, Validator
    session = BuildSession(fs)
    res = session.build(b_dir, "legacy")
    chain = SchemaChain(cfg)
    chain.collect(res, b_dir)
    registry = chain.build()
    v = Validator(registry, locate=lambda r, p: locate(session.cache, r, p),
                  missing=MissingSchemaPolicy(cfg.missing), cel=cfg.cel)
    errors = [f for f in v.validate(res, b_dir) if f.severity >= Severity.ERROR]
    return res, errors, registry


def _finding_key(f) -> tuple:
    return (f.rule, f.message, str(f.resid) if f.resid is not None else "", f.path)


def plan_promotion(cfg, source: str, target: str, *, resources=(), verify: bool = True,
                   marker: str | None = None) -> Promotion:
    """Plan (never write) the promotion of ``source``'s overlay onto ``target``'s."""
    rf = ResourceFilter(resources)
    p = _Planner(cfg, source, target, rf)
    if marker is None:
        head = _git_head(cfg.root)
        marker = "%s@%s" % (source, head) if head else source
    p.plan_files()
    p.plan_kustomization(marker)
    p.plan_orphans()
    out = Promotion(source, target, p.a_dir, p.b_dir, p.cs, marker=marker, secrets=p.secrets,
                    notes=p.notes)
    from kustgen.fs import DiskFS, LayeredFS
    try:
        out.before, before_errors, out.registry = _check(cfg, DiskFS(), p.b_dir) if verify \
            else (_render(DiskFS(), p.b_dir), [], None)
    except KustgenError as e:
        raise KustgenError("environment %s does not render before the promotion: %s"
                           % (target, e)) from None
    if not p.cs:
        out.after = out.before
        out.verified = verify
        return out
    fs = LayeredFS(p.cs.planned_abs())
    try:
        if verify:
            out.after, after_errors, out.registry = _check(cfg, fs, p.b_dir)
            old = Counter(_finding_key(f) for f in before_errors)
            for f in after_errors:
                k = _finding_key(f)
                if old[k] > 0:
                    old[k] -= 1
                else:
                    out.new_errors.append(f)
            out.verified = True
        else:
            out.after = _render(fs, p.b_dir)
    except KustgenError as e:
        out.render_error = e
    return out


def _render(fs, d: str) -> list:
    from kustgen.kustomize.pipeline import BuildSession
    return BuildSession(fs).build(d, "legacy")


# ---------------------------------------------------------------------------------------
def _rkey(r) -> tuple:
    return (r.kind, r.namespace or "", r.name or "")


def render_changes(before, after) -> list[Change]:
    """Field-level differences between two renders of an environment (Secret values
    shown as ***)."""
    b = {_rkey(r): r for r in before}
    a = {_rkey(r): r for r in after}
    out = []
    for k in sorted(set(b) | set(a)):
        name = k[2]
        if k not in a:
            out.append(Change(k[0], name, "-"))
            continue
        if k not in b:
            out.append(Change(k[0], name, "+"))
            continue
        lo, ln = dict(_leaves(b[k].obj)), dict(_leaves(a[k].obj))
        for path in sorted(set(lo) | set(ln), key=lambda p: [str(x) for x in p]):
            if lo.get(path) == ln.get(path) and (path in lo) == (path in ln):
                continue
            old, new = lo.get(path), ln.get(path)
            if k[0] == "Secret" and path and path[0] in ("data", "stringData"):
                old, new = ("***" if old is not None else None), ("***" if new is not None
                                                                   else None)
            from kustgen.model.origin import dotted as _dotted
            out.append(Change(k[0], name, "~", _dotted(path), old, new))
    return out
