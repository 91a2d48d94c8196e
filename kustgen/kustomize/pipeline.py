"""The build, in Kustomize's order. This is the only module that knows the step order.

    build(dir):
      accumulate_target(dir)            resources (files, nested kustomizations), configs,
                                        generators, components, transformers, vars
      hash suffixes                     generated ConfigMap/Secret names
      name references                   follow renames into referring fields
      vars                              $(VAR) substitution
      drop local-config resources
      sort                              legacy kind order, or as listed (--reorder none)

A BuildSession parses every file once and caches accumulated bases, so many overlays over
the same base render in one process at the cost of a copy each.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from typing import Any

from kustgen.model import (LoadError, Origin, RenderError, Resource, UnsupportedFeature,
                           YamlError)
from kustgen.kustomize import fieldspecs as FS
from kustgen.kustomize.filters import hash_suffix, images, labels, namespace, nameref
from kustgen.kustomize.filters import patches as P
from kustgen.kustomize.filters import prefix_suffix, replicas, vars as V
from kustgen.kustomize.generators.configmap import generate_configmap
from kustgen.kustomize.generators.secret import generate_secret
from kustgen.kustomize.kustomization import (COMPONENT_KIND, UNSUPPORTED_FIELDS, Kustomization,
                                             _list)
from kustgen.kustomize.loader import FileCache, Loader, display_path
from kustgen.kustomize.resid import id_equals, id_key
from kustgen.kustomize import sort as S
from kustgen import yamlio

LOCAL_CONFIG = "config.kubernetes.io/local-config"
MANAGED_BY = "app.kubernetes.io/managed-by"
# What `kubectl kustomize` (our reference) writes; the kustomize CLI writes its version.
MANAGED_BY_VALUE = "kustomize-(devel)"


TransformerConfig = FS.TransformerConfig
_EMPTY_CONFIG = FS.TransformerConfig()


# ---------------------------------------------------------------------------------------
@dataclass
class Accumulator:
    resources: list = field(default_factory=list)
    keys: Any = None   # id keys of resources during one batch of appends (reset before)
    config: Any = field(default_factory=lambda: _EMPTY_CONFIG)
    vars: list = field(default_factory=list)

    def copy(self) -> "Accumulator":
        return Accumulator([r.copy() for r in self.resources], None, self.config, list(self.vars))


def _append(ra: Accumulator, res: Resource) -> None:
    cid = res.cur_id()
    keys = ra.keys
    if keys is None:
        keys = ra.keys = {id_key(r.cur_id()) for r in ra.resources}
    k = id_key(cid)
    if k in keys:
        o = res.origin
        first = next((r.origin for r in ra.resources if id_key(r.cur_id()) == k), None)
        where = ""
        if o is not None and first is not None:
            where = " (%s:%d, first at %s:%d: rename one, or use a patch to change it)" % (
                display_path(o.file), o.line, display_path(first.file), first.line)
        raise RenderError("may not add resource with an already registered id: %s%s"
                          % (cid, where), o.file if o else None, o.line if o else None)
    ra.resources.append(res)
    keys.add(k)


_BUILD_ANNOTATIONS = ("config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations")


def _absorb(ra: Accumulator, res: Resource) -> None:
    """appendReplaceOrMerge: generated resources with behavior create|merge|replace."""
    cid = res.cur_id()
    matches = [r for r in ra.resources
               if any(id_equals(i, cid) for i in r.prev_ids + [r.cur_id()])]
    o = res.origin
    where = (o.file if o else None, o.line if o else None)
    if not matches:
        if res.behavior in ("merge", "replace"):
            raise RenderError("id %s does not exist; cannot merge or replace" % (cid,), *where)
        ra.resources.append(res)
        return
    if len(matches) > 1:
        raise RenderError("found multiple objects %s that could accept merge of %s"
                          % ([str(m.cur_id()) for m in matches], cid), *where)
    old = matches[0]
    if res.behavior == "replace":
        pass
    elif res.behavior == "merge":
        for fld in ("data", "binaryData"):
            od = old.obj.get(fld)
            nd = res.obj.get(fld)
            if isinstance(od, dict) or isinstance(nd, dict):
                merged = dict(od or {})
                merged.update(nd or {})
                res.obj[fld] = merged
    else:
        raise RenderError("id %s exists; behavior must be merge or replace" % (cid,), *where)
    # CopyMergeMetaDataFieldsFrom(old)
    lab = dict(old.labels())
    lab.update(res.labels())
    ann = dict(old.annotations())
    ann.update(res.annotations())
    for k in (_BUILD_ANNOTATIONS if res.behavior == "merge" else ()):
        # merged: these come from the resource merged into
        if k in old.annotations():
            ann[k] = old.annotations()[k]
        else:
            ann.pop(k, None)
    md = res.metadata
    if lab:
        md["labels"] = lab
    if ann:
        md["annotations"] = ann
    md["name"] = old.name
    if old.namespace:
        md["namespace"] = old.namespace
    else:
        md.pop("namespace", None)
    res.prev_ids = list(old.prev_ids)
    res.prefixes = list(old.prefixes)
    res.suffixes = list(old.suffixes)
    if "ref_var_names" in old.extra:
        res.extra["ref_var_names"] = list(old.extra["ref_var_names"])
    ra.resources[ra.resources.index(old)] = res


# ---------------------------------------------------------------------------------------
class BuildContext:
    """State of one top-level build: the patch schema in force and build metadata flags."""

    def __init__(self, session: "BuildSession"):
        self.session = session
        self.schema = None           # openapi.PatchSchema in force
        self.schema_key = ""         # cache key part
        self.build_metadata: list[str] = []
        self.root = ""
        self.notes: list[str] = []


class BuildSession:
    """Parse each file once; cache accumulated targets for reuse between overlays."""

    def __init__(self, fs=None):
        self.cache = FileCache(fs)
        self._targets: dict[tuple, Accumulator] = {}
        self._target_files: dict[tuple, set] = {}
        # overlay root (absolute, real path) -> every file its last build read
        self.inputs: dict[str, set] = {}
        # what builds noticed that is not an error (model.event.BuildEvent), for lint
        self.events: list = []
        self._event_keys: set = set()
        self._merged: dict[tuple, tuple] = {}
        self._builtin_schema = None

    # -- public ------------------------------------------------------------------------
    def build(self, path: str, reorder: str = "legacy") -> list[Resource]:
        ldr = Loader.at(path, self.cache)
        with self.cache.recording() as files:
            self.inputs[ldr.root] = files
            return self._build(ldr, reorder)

    def _build(self, ldr: Loader, reorder: str) -> list[Resource]:
        ctx = BuildContext(self)
        ctx.root = ldr.root
        kust = ldr.load_kustomization()
        self._check_supported(kust)
        ctx.build_metadata = kust.build_metadata
        self._set_schema(ctx, ldr, kust, reset=True)
        ra = self._accumulate_target(ctx, ldr, kust, Accumulator(), top=True)
        res = ra.resources
        hash_suffix.add_hash_suffixes(res)
        nameref.fix_name_references(res, ra.config.name_reference)
        V.resolve_vars(res, ra.vars, ra.config.var_reference)
        res = [r for r in res if not _is_local(r)]
        if "transformerAnnotations" in ctx.build_metadata:
            from kustgen.kustomize import plugins
            plugins.finish_transformations(res)
        if "managedByLabel" in ctx.build_metadata:
            for r in res:
                lab = r.metadata.get("labels")
                if not isinstance(lab, dict):
                    lab = r.metadata["labels"] = {}
                lab[MANAGED_BY] = MANAGED_BY_VALUE
        so = kust.get("sortOptions")
        res = S.sort_resources(res, reorder, so, kust.path)
        return res

    def render(self, path: str, reorder: str = "legacy") -> str:
        return yamlio.dump_documents([r.obj for r in self.build(path, reorder)])

    # -- accumulation ------------------------------------------------------------------
    def _check_supported(self, kust: Kustomization) -> None:
        for f in UNSUPPORTED_FIELDS:
            if kust.raw.get(f):
                what = "run validator plugins" if f == "validators" else "render Helm charts"
                raise UnsupportedFeature(f, "the embedded engine does not %s ('%s')" % (what, f),
                                         kust.path, kust.line_of(f))
        for fld in ("resources", "bases", "components"):
            for i, r in enumerate(_list(kust.raw.get(fld))):
                r = str(r)
                if "://" in r or r.startswith("git@") or r.startswith("github.com/"):
                    raise UnsupportedFeature("remote", "the embedded engine does not fetch "
                                             "remote %s ('%s')" % (fld, r), kust.path,
                                             kust.line_of(fld, i))

    def _set_schema(self, ctx: BuildContext, ldr: Loader, kust: Kustomization, reset: bool):
        oa = kust.get("openapi")
        if not oa:
            return
        if not isinstance(oa, dict):
            raise RenderError("openapi must be a map with 'path' or 'version'", kust.path)
        if oa.get("path") and oa.get("version"):
            raise RenderError("builtin version and custom schema provided, cannot use both",
                              kust.path, kust.line_of("openapi"))
        if not reset and ctx.schema is not None:
            return
        from kustgen.kustomize import openapi as OA
        if oa.get("path"):
            docs = ldr.docs(str(oa["path"]))
            if not docs:
                raise RenderError("openapi schema file %s is empty" % oa["path"], kust.path)
            ctx.schema = OA.schema_from_openapi_document(docs[0].data, None)
            ctx.schema_key = os.path.join(ldr.root, str(oa["path"]))
        elif oa.get("version"):
            v = str(oa["version"])
            if v not in ("v1.21.2", "v1212", "v1_21_2"):
                raise RenderError("the embedded engine knows only the default Kubernetes "
                                  "OpenAPI (v1.21.2), not %r" % v, kust.path, kust.line_of("openapi"))

    def merge_config(self, a, b):
        """TransformerConfig.merge is pure and costly (it sorts); overlays over the same
        bases merge the same configs again and again, so remember results: by identity
        first, then by value (configs are frozen and hashable; equal inputs give equal
        results)."""
        if b is None or a is b:
            return a
        key = (id(a), id(b))
        hit = self._merged.get(key)
        if hit is not None and hit[0] is a and hit[1] is b:
            return hit[2]
        try:
            vkey = ("value", a, b)
            out = self._merged.get(vkey)
        except TypeError:          # an unhashable field spec: merge without memo
            vkey, out = None, None
        if out is None:
            out = a.merge(b)
            if vkey is not None:
                self._merged[vkey] = out
        self._merged[key] = (a, b, out)
        return out

    def schema(self, ctx: BuildContext):
        if ctx.schema is not None:
            return ctx.schema
        if self._builtin_schema is None:
            from kustgen.kustomize import openapi as OA
            self._builtin_schema = OA.builtin_schema()
        return self._builtin_schema

    def _accumulate_target(self, ctx: BuildContext, ldr: Loader, kust: Kustomization,
                           ra: Accumulator, top: bool = False) -> Accumulator:
        where = kust.path
        # 1. resources
        ra = self._accumulate_resources(ctx, ldr, kust, ra)
        # 2. configurations + crds
        try:
            ckey = ("configurations", kust.path)
            tc = self._merged.get(ckey)
            if tc is None:
                tc = FS.make_transformer_config(kust.configurations, ldr.read)
                if kust.crds:
                    tc = (tc, FS.load_config_from_crds(kust.crds, ldr.read))
                else:
                    tc = (tc, None)
                self._merged[ckey] = tc
            ra.config = self.merge_config(ra.config, tc[0])
            if tc[1] is not None:
                ra.config = self.merge_config(ra.config, tc[1])
        except FS.FieldSpecError as e:
            raise RenderError(str(e), kust.path, kust.line_of("configurations")) from None
        except LoadError as e:
            raise RenderError(e.message, kust.path, kust.line_of("configurations")) from None
        # 3. generators
        gopts = kust.get("generatorOptions")
        for i, g in enumerate(kust.generator_list("configMapGenerator")):
            o = Origin(where, kust.line_of("configMapGenerator", i), 0, 0, "configMapGenerator")
            with _located(kust, "configMapGenerator", i):
                r = generate_configmap(ldr, g, gopts, o)
            self._origin_annotation_generated(ctx, r, kust, ldr, "ConfigMapGenerator")
            _absorb(ra, r)
        for i, g in enumerate(kust.generator_list("secretGenerator")):
            o = Origin(where, kust.line_of("secretGenerator", i), 0, 0, "secretGenerator")
            with _located(kust, "secretGenerator", i):
                r = generate_secret(ldr, g, gopts, o)
            self._origin_annotation_generated(ctx, r, kust, ldr, "SecretGenerator")
            _absorb(ra, r)
        for cfg, cwhere, cfile in self._plugin_configs(ctx, ldr, kust, "generators"):
            for r in self._run_generator_plugin(ctx, ldr, kust, cfg, cwhere, cfile):
                _absorb(ra, r)
        # 4. components
        for i, c in enumerate(kust.components):
            ra = self._accumulate_dir(ctx, ldr, kust, c, ra, component=True,
                                      line=kust.line_of("components", i))
        # 5. transformers
        with _located(kust, None):
            self._run_transformers(ctx, ldr, kust, ra)
        # 6. vars
        self._merge_vars(ra, kust.get("vars") or [], kust)
        return ra

    def _merge_vars(self, ra: Accumulator, incoming: list, kust: Kustomization) -> None:
        for v in incoming:
            if not isinstance(v, dict):
                raise RenderError("vars entries must be maps", kust.path, kust.line_of("vars"))
            tid = V.var_target_id(v)
            matched = []
            for r in ra.resources:
                for i in r.prev_ids + [r.cur_id()]:
                    same = i.gvk == tid.gvk and i.name == tid.name
                    if same and tid.namespace:
                        same = id_equals(i, tid)
                    if same:
                        matched.append(r)
                        break
            if len(matched) > 1:
                raise RenderError("found %d resId matches for var %s (unable to disambiguate)"
                                  % (len(matched), V.var_str(v)), kust.path, kust.line_of("vars"))
            if matched:
                matched[0].extra.setdefault("ref_var_names", []).append(str(v.get("name")))
        for v in incoming:
            name = str(v.get("name"))
            if any(str(x.get("name")) == name for x in ra.vars):
                raise RenderError("var '%s' already encountered" % name, kust.path,
                                  kust.line_of("vars"))
            ra.vars.append(v)

    def _accumulate_resources(self, ctx, ldr: Loader, kust: Kustomization,
                              ra: Accumulator) -> Accumulator:
        for i, rel in enumerate(kust.resources):
            ra.keys = None
            line = kust.line_of("resources", i)
            p = os.path.normpath(os.path.join(ldr.root, rel))
            if ldr.fs.is_file(p):
                try:
                    res = ldr.resources_from_file(rel)
                except YamlError:
                    raise
                except LoadError as e:
                    raise RenderError("accumulating resources from '%s': %s" % (rel, e.message),
                                      kust.path, line) from None
                for r in res:
                    self._origin_annotation_file(ctx, r, ldr, rel)
                    try:
                        _append(ra, r)
                    except RenderError as e:
                        raise RenderError("accumulating resources: merging resources from '%s': %s"
                                          % (rel, e.message), kust.path, line) from None
            elif ldr.fs.is_dir(p):
                ra = self._accumulate_dir(ctx, ldr, kust, rel, ra, component=False, line=line)
            else:
                raise RenderError("accumulating resources: '%s' is neither a file nor a directory "
                                  "(looked for %s): fix the path or create it" % (rel, p),
                                  kust.path, line)
        return ra

    def _accumulate_dir(self, ctx, ldr: Loader, kust: Kustomization, rel: str, ra: Accumulator,
                        component: bool, line: int) -> Accumulator:
        what = "components" if component else "resources"
        try:
            sub = ldr.new(rel)
            skust = sub.load_kustomization()
        except LoadError as e:
            raise RenderError("accumulating %s: %s" % (what, e.message), kust.path, line) from None
        self._check_supported(skust)
        if component and skust.kind != COMPONENT_KIND:
            raise RenderError("accumulating components: accumulateDirectory: \"expected kind "
                              "'Component' for path '%s' but got '%s'\"" % (sub.root, skust.kind),
                              kust.path, line)
        if not component and skust.kind == COMPONENT_KIND:
            raise RenderError("accumulating resources: accumulateDirectory: \"expected kind != "
                              "'Component' for path '%s'\": list components under 'components:'"
                              % sub.root, kust.path, line)
        self._set_schema(ctx, sub, skust, reset=False)
        if component:
            sub_ra = self._accumulate_target(ctx, sub, skust, ra)
            return self._merge_accumulator(Accumulator(), sub_ra, kust, sub, line, what)
        key = (sub.root, ctx.schema_key, tuple(ctx.build_metadata),
               ctx.root if ctx.build_metadata else "")
        cached = self._targets.get(key)
        if cached is None:
            with self.cache.recording() as files:
                cached = self._accumulate_target(ctx, sub, skust, Accumulator())
            self._targets[key] = cached
            self._target_files[key] = files
        else:
            self.cache.note(self._target_files[key])
        return self._merge_accumulator(ra, cached.copy(), kust, sub, line, what)

    def _merge_accumulator(self, ra: Accumulator, sub_ra: Accumulator, kust, sub, line, what):
        """MergeAccumulator: append resources, merge configs, merge the var set."""
        ra.keys = None
        for r in sub_ra.resources:
            try:
                _append(ra, r)
            except RenderError as e:
                raise RenderError("accumulating %s: recursed merging from path '%s': %s"
                                  % (what, sub.root, e.message), kust.path, line) from None
        ra.config = self.merge_config(ra.config, sub_ra.config)
        for v in sub_ra.vars:
            name = str(v.get("name"))
            if any(str(x.get("name")) == name for x in ra.vars):
                raise RenderError("var '%s' already encountered" % name, kust.path, line)
            ra.vars.append(v)
        return ra

    # -- transformers ------------------------------------------------------------------
    def _run_transformers(self, ctx, ldr: Loader, kust: Kustomization, ra: Accumulator):
        tc = ra.config
        where = kust.path
        schema = self.schema(ctx)

        def org(field, *more):
            return Origin(where, kust.line_of(field, *more), 0, 0, field)

        track = "transformerAnnotations" in ctx.build_metadata

        def note(kind: str) -> None:
            if track:
                from kustgen.kustomize import plugins
                plugins.note_transformation(ctx, ra.resources, kust.path, ldr, kind, None)

        # patchesStrategicMerge
        for i, entry in enumerate(kust.get("patchesStrategicMerge") or []):
            for patch in self._load_patch_entry(ldr, kust, entry, "patchesStrategicMerge", i):
                if patch.ops is not None:
                    raise RenderError("patchesStrategicMerge entry %d is a JSON 6902 patch: move "
                                      "it to 'patches' with a target" % i, where,
                                      kust.line_of("patchesStrategicMerge", i))
                ra.resources = P.patch_without_target(
                    ra.resources, patch, schema,
                    self._notifier(ctx, kust, "patchesStrategicMerge", i, entry))
        if kust.get("patchesStrategicMerge"):
            note("PatchStrategicMergeTransformer")
        # patches
        for i, entry in enumerate(kust.get("patches") or []):
            with _located(kust, "patches", i):
                self._apply_patch_entry(ldr, kust, ra, entry, i, schema,
                                        self._notifier(ctx, kust, "patches", i, entry))
            note("PatchTransformer")
        # namespace
        if kust.namespace:
            with _located(kust, "namespace"):
                namespace.apply_namespace(ra.resources, kust.namespace, tc.namespace,
                                          origin=org("namespace"))
            note("NamespaceTransformer")
        # prefix, suffix
        if kust.name_prefix or "namePrefix" in kust.raw:
            prefix_suffix.apply_prefix_suffix(ra.resources, kust.name_prefix, "", tc.name_prefix,
                                              origin=org("namePrefix"))
            note("PrefixTransformer")
        if kust.name_suffix or "nameSuffix" in kust.raw:
            prefix_suffix.apply_prefix_suffix(ra.resources, "", kust.name_suffix, tc.name_suffix,
                                              origin=org("nameSuffix"))
            note("SuffixTransformer")
        # labels, commonLabels
        for i, lab in enumerate(kust.labels):
            from kustgen.kustomize.kustomization import _str_map
            pairs = _str_map(lab.get("pairs"), "labels.pairs", kust.path)
            fss = FS.merge_fieldspecs(FS.parse_fieldspecs(lab.get("fields") or []), tc.labels)
            if lab.get("includeSelectors"):
                fss = FS.merge_fieldspecs(fss, tc.common_labels)
            else:
                if lab.get("includeTemplates"):
                    fss = FS.merge_fieldspecs(fss, tc.template_labels)
                fss = FS.merge_fieldspecs(fss, (FS.FieldSpec(path="metadata/labels", create=True),))
            labels.apply_labels(ra.resources, pairs, fss, origin=org("labels", i))
            note("LabelTransformer")
        if kust.common_labels:
            labels.apply_labels(ra.resources, kust.common_labels, tc.common_labels,
                                origin=org("commonLabels"))
        if kust.labels or "commonLabels" in kust.raw:
            note("LabelTransformer")
        if kust.common_annotations:
            labels.apply_annotations(ra.resources, kust.common_annotations, tc.common_annotations,
                                     origin=org("commonAnnotations"))
            note("AnnotationsTransformer")
        # patchesJson6902
        for i, entry in enumerate(kust.get("patchesJson6902") or []):
            if not isinstance(entry, dict) or not entry.get("target"):
                raise RenderError("patchesJson6902 entry %d must have a target" % i, where,
                                  kust.line_of("patchesJson6902", i))
            for patch in self._load_patch_entry(ldr, kust, entry, "patchesJson6902", i):
                if patch.ops is None:
                    raise RenderError("patchesJson6902 entry %d is not a list of JSON patch "
                                      "operations" % i, where, kust.line_of("patchesJson6902", i))
                ra.resources = P.patch_with_target(
                    ra.resources, patch, entry["target"], schema,
                    self._notifier(ctx, kust, "patchesJson6902", i, entry))
            note("PatchJson6902Transformer")
        # replicas
        for i, rep in enumerate(kust.replicas):
            with _located(kust, "replicas", i):
                replicas.apply_replicas(ra.resources, str(rep.get("name") or ""),
                                        rep.get("count"), tc.replicas, origin=org("replicas", i))
            note("ReplicaCountTransformer")
        # images
        for i, im in enumerate(kust.images):
            with _located(kust, "images", i):
                images.apply_image(ra.resources, im, tc.images, origin=org("images", i))
            note("ImageTagTransformer")
        # replacements
        rep_origins: list = []
        reps = self._load_replacements(ldr, kust, kust.get("replacements") or [], rep_origins)
        if reps:
            from kustgen.kustomize.filters.replacements import apply_replacements

            def no_match(ri, ti, t):
                f, pos, pre, dflt = rep_origins[ri]
                at = pos.get(pre + ("targets", ti, "select")) or pos.get(pre + ("targets", ti))
                self._event(ctx, "replacement-no-match", Origin(f, at[0] if at else dflt, 1),
                            "the replacement target selects no resource",
                            {"select": t.get("select"), "kustomization": kust.path,
                             "component": kust.kind == COMPONENT_KIND})
            def origin_of(ri, ti):
                f, pos, pre, dflt = rep_origins[ri]
                at = pos.get(pre + ("targets", ti)) or pos.get(pre)
                return Origin(f, at[0] if at else dflt, 0, 0, "replacements")
            with _located(kust, "replacements"):
                apply_replacements(ra.resources, reps, where, no_match, origin_of)
            note("ReplacementTransformer")
        # transformers: plugin configs, in order
        for cfg, cwhere, cfile in self._plugin_configs(ctx, ldr, kust, "transformers"):
            self._run_transformer_plugin(ctx, ldr, kust, ra, cfg, cwhere, cfile)
            if track:
                from kustgen.kustomize import plugins
                plugins.note_transformation(ctx, ra.resources, cfile, ldr, str(cfg.get("kind")),
                                            (cfg.get("metadata") or {}).get("name"))

    def _load_replacements(self, ldr: Loader, kust: Kustomization, entries: list,
                           origins: list | None = None) -> list:
        """The replacements of ``entries`` (``path:`` entries loaded). ``origins``, when
        given, gets for each one (file, positions, key prefix, line) to locate its parts."""
        out = []
        org = origins if origins is not None else []
        for i, e in enumerate(entries):
            if isinstance(e, dict) and e.get("path") and not e.get("source"):
                f = os.path.join(ldr.root, str(e["path"]))
                for d in ldr.docs(str(e["path"])):
                    if isinstance(d.data, list):
                        out.extend(d.data)
                        org.extend((f, d.positions, (j,), d.line) for j in range(len(d.data)))
                    elif isinstance(d.data, dict):
                        out.append(d.data)
                        org.append((f, d.positions, (), d.line))
            elif isinstance(e, dict):
                out.append(e)
                org.append((kust.path, kust.positions or {}, ("replacements", i),
                            kust.line_of("replacements", i)))
            else:
                raise RenderError("replacements entry %d must be a map" % i, kust.path,
                                  kust.line_of("replacements", i))
        return out

    def _load_patch_entry(self, ldr: Loader, kust: Kustomization, entry, fld: str, i: int):
        line = kust.line_of(fld, i)
        if isinstance(entry, str):
            text = entry
            if "\n" not in text.strip() and ldr.is_file(text.strip()):
                rel = text.strip()
                try:
                    docs = ldr.docs(rel)
                    raw = ldr.read(rel).decode("utf-8", "replace")
                except LoadError as e:
                    raise RenderError(e.message, kust.path, line) from None
                return P.decode_patches(docs, os.path.join(ldr.root, rel), text=raw)
            if "\n" not in text.strip() and not text.strip().startswith(("{", "[")):
                try:
                    ldr.resolve(text.strip())
                except LoadError as e:
                    raise RenderError("%s: %s" % (fld, e.message), kust.path, line) from None
            docs = yamlio.load_documents(text, kust.path)
            return P.decode_patches(docs, kust.path, line, text=text)
        if not isinstance(entry, dict):
            raise RenderError("%s entry %d must be a path or a map" % (fld, i), kust.path, line)
        path, text = entry.get("path"), entry.get("patch")
        if path and text:
            raise RenderError("patch and path can't be set at the same time", kust.path, line)
        if path:
            try:
                docs = ldr.docs(str(path))
                raw = ldr.read(str(path)).decode("utf-8", "replace")
            except LoadError as e:
                raise RenderError(e.message, kust.path, line) from None
            return P.decode_patches(docs, os.path.join(ldr.root, str(path)), text=raw)
        if text is None or str(text).strip() == "":
            raise RenderError("must specify one of patch and path", kust.path, line)
        if isinstance(text, (dict, list)):
            from kustgen.yamlio import Document  # structured inline patch
            d = Document(text, kust.path, 0, line, {})
            return P.decode_patches([d], kust.path)
        docs = yamlio.load_documents(str(text), kust.path)
        # the text's first line is the one below its `patch:` key
        return P.decode_patches(docs, kust.path, kust.line_of(fld, i, "patch") or line,
                                text=str(text))

    def _apply_patch_entry(self, ldr, kust, ra, entry, i, schema, notify=None):
        if not isinstance(entry, dict):
            raise RenderError("patches entry %d must be a map with path or patch" % i, kust.path,
                              kust.line_of("patches", i))
        ps = self._load_patch_entry(ldr, kust, entry, "patches", i)
        opts = entry.get("options") or {}
        target = entry.get("target")
        for p in ps:
            p.allow_name_change = bool(opts.get("allowNameChange"))
            p.allow_kind_change = bool(opts.get("allowKindChange"))
            if p.ops is not None:
                if not target:
                    raise RenderError("must specify a target for JSON patch", kust.path,
                                      kust.line_of("patches", i))
                ra.resources = P.patch_with_target(ra.resources, p, target, schema, notify)
            elif target:
                ra.resources = P.patch_with_target(ra.resources, p, target, schema, notify)
            else:
                ra.resources = P.patch_without_target(ra.resources, p, schema, notify)

    # -- build events (for lint) -------------------------------------------------------
    def _event(self, ctx, kind: str, origin: Origin, message: str, data=None) -> None:
        """Record a BuildEvent once per (kind, file, line)."""
        key = (kind, origin.file, origin.line)
        if key in self._event_keys:
            return
        self._event_keys.add(key)
        from kustgen.model.event import BuildEvent
        self.events.append(BuildEvent(kind, origin, message, ctx.root, data))

    def _notifier(self, ctx, kust: Kustomization, fld: str, i: int, entry):
        """The ``notify(kind, message, data)`` the patch filters call for entry ``i`` of
        ``fld``: patch-no-match is located at the entry, smp-list-replaced at the list's
        key in the patch (a file, or the entry's inline text)."""
        def notify(kind, message, data):
            data = dict(data or {})
            line = kust.line_of(fld, i) or 1
            f = kust.path
            at = data.get("at")
            if kind == "smp-list-replaced" and at:
                pf = data.get("patch_file")
                if pf and os.path.abspath(pf) != os.path.abspath(kust.path):
                    f, line = pf, at
                else:      # inline: positions count from the text's first line
                    start = kust.line_of(fld, i, "patch") if isinstance(entry, dict) else 0
                    line = (start or line) + at
            data.update(field=fld, index=i, kustomization=kust.path,
                        component=kust.kind == COMPONENT_KIND)
            self._event(ctx, kind, Origin(f, line, 1), message, data)
        return notify

    # -- plugin configs (generators: / transformers: fields) ---------------------------
    def _plugin_configs(self, ctx, ldr: Loader, kust: Kustomization, fld: str):
        out = []
        for i, entry in enumerate(kust.get(fld) or []):
            line = kust.line_of(fld, i)
            if not isinstance(entry, str):
                raise RenderError("%s entries must be file paths or inline YAML" % fld,
                                  kust.path, line)
            e = entry.strip()
            if "\n" in e or e.startswith(("apiVersion", "kind")):
                for d in yamlio.load_documents(entry, kust.path):
                    if d.data:
                        out.append((d.data, (kust.path, line + d.line), kust.path))
                continue
            p = os.path.normpath(os.path.join(ldr.root, e))
            if ldr.fs.is_dir(p):
                sub_res = self.build_subtree(ctx, ldr, kust, e, line)
                for r in sub_res:
                    out.append((r.obj, (r.origin.file if r.origin else p,
                                        r.origin.line if r.origin else 0), p))
                continue
            try:
                docs = ldr.docs(e)
            except LoadError as ex:
                raise RenderError("%s: %s" % (fld, ex.message), kust.path, line) from None
            for d in docs:
                if d.data:
                    out.append((d.data, (os.path.join(ldr.root, e), d.line), e))
        return out

    def build_subtree(self, ctx, ldr: Loader, kust: Kustomization, rel: str, line: int):
        try:
            sub = ldr.new(rel)
            skust = sub.load_kustomization()
        except LoadError as e:
            raise RenderError(e.message, kust.path, line) from None
        sra = self._accumulate_target(ctx, sub, skust, Accumulator())
        res = sra.resources
        hash_suffix.add_hash_suffixes(res)
        nameref.fix_name_references(res, sra.config.name_reference)
        V.resolve_vars(res, sra.vars, sra.config.var_reference)
        return res

    def _run_generator_plugin(self, ctx, ldr, kust, cfg, cwhere, cfile):
        from kustgen.kustomize import plugins
        return plugins.run_generator(self, ctx, ldr, kust, cfg, cwhere, cfile)

    def _run_transformer_plugin(self, ctx, ldr, kust, ra, cfg, cwhere, cfile):
        from kustgen.kustomize import plugins
        plugins.run_transformer(self, ctx, ldr, kust, ra, cfg, cwhere, cfile)

    # -- build metadata ----------------------------------------------------------------
    def _origin_annotation_file(self, ctx, r: Resource, ldr: Loader, rel: str) -> None:
        if "originAnnotations" not in ctx.build_metadata:
            return
        from kustgen.kustomize import plugins
        plugins.add_file_origin(ctx, r, ldr, rel)

    def _origin_annotation_generated(self, ctx, r, kust, ldr, kind) -> None:
        if "originAnnotations" not in ctx.build_metadata:
            return
        from kustgen.kustomize import plugins
        plugins.add_generator_origin(ctx, r, kust, ldr, kind)


@contextlib.contextmanager
def _located(kust: Kustomization, field: str | None, index: int | None = None):
    """Errors raised without a location get the kustomization file (and field line)."""
    try:
        yield
    except LoadError as e:
        if e.file:
            raise
        raise RenderError(e.message, kust.path,
                          kust.line_of(field, index) if field else None) from None
    except RenderError as e:
        if not e.file:
            e.file = kust.path
            if field:
                e.line = kust.line_of(field, index) if index is not None else kust.line_of(field)
        raise


def _is_local(r: Resource) -> bool:
    v = r.annotations().get(LOCAL_CONFIG)
    return v is not None and str(v).lower() == "true"


# ---------------------------------------------------------------------------------------
def kustomize_binary() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None
