"""Built-in plugin configurations in `generators:` / `transformers:` fields
(`apiVersion: builtin`, `kind: PrefixSuffixTransformer`, ...), and build metadata
annotations (`buildMetadata: [originAnnotations]`)."""

from __future__ import annotations

import os

from kustgen.model import Origin, RenderError, Resource, UnsupportedFeature
from kustgen.kustomize import fieldspecs as FS
from kustgen.kustomize.filters import hash_suffix, images, labels, namespace
from kustgen.kustomize.filters import patches as P
from kustgen.kustomize.filters import prefix_suffix, replicas
from kustgen.kustomize.generators.configmap import generate_configmap
from kustgen.kustomize.generators.secret import generate_secret

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


def _fss(cfg: dict):
    # Plugin configs are decoded leniently by Kustomize: unknown keys are ignored.
    out = []
    for it in cfg.get("fieldSpecs") or []:
        if isinstance(it, dict):
            out.append(FS.FieldSpec(path=str(it.get("path") or ""), group=str(it.get("group") or ""),
                                    version=str(it.get("version") or ""),
                                    kind=str(it.get("kind") or ""), create=bool(it.get("create"))))
    return tuple(out)


def _check_builtin(cfg: dict, where) -> str:
    api = str(cfg.get("apiVersion") or "")
    kind = str(cfg.get("kind") or "")
    if api != "builtin":
        raise UnsupportedFeature("plugins", "the embedded engine runs only built-in plugins; "
                                 "'%s %s' is an external plugin or KRM function" % (api, kind),
                                 where[0], where[1])
    return kind


def run_generator(session, ctx, ldr, kust, cfg: dict, where, cfile) -> list[Resource]:
    kind = _check_builtin(cfg, where)
    md = cfg.get("metadata") or {}
    origin = Origin(where[0], where[1], 0, 0, kind)
    if kind in ("ConfigMapGenerator", "SecretGenerator"):
        args = dict(cfg)
        args.pop("apiVersion", None)
        args.pop("kind", None)
        args.pop("metadata", None)
        if not args.get("name"):
            args["name"] = md.get("name")
        if not args.get("namespace") and md.get("namespace"):
            args["namespace"] = md.get("namespace")
        gen = generate_configmap if kind == "ConfigMapGenerator" else generate_secret
        r = gen(ldr, args, None, origin)
        if "originAnnotations" in ctx.build_metadata:
            _set_origin_text(r, _configured_text(ctx, cfile, ldr, cfg, kind, with_name=True))
        return [r]
    if kind == "IAMPolicyGenerator":
        if str(cfg.get("cloud") or "") != "gke":
            raise RenderError("IAMPolicyGenerator: only cloud 'gke' is supported", *where)
        ks = cfg.get("kubernetesService") or {}
        sa = cfg.get("serviceAccount") or {}
        obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
            "annotations": {"iam.gke.io/gcp-service-account": "%s@%s.iam.gserviceaccount.com"
                            % (sa.get("name"), sa.get("projectId"))},
            "name": ks.get("name")}}
        if ks.get("namespace"):
            obj["metadata"]["namespace"] = ks["namespace"]
        r = Resource(obj, origin)
        r.behavior = "create"
        return [r]
    raise UnsupportedFeature("plugins", "built-in generator '%s' is not supported by the "
                             "embedded engine" % kind, where[0], where[1])


def run_transformer(session, ctx, ldr, kust, ra, cfg: dict, where, cfile) -> None:
    kind = _check_builtin(cfg, where)
    origin = Origin(where[0], where[1], 0, 0, kind)
    res = ra.resources
    schema = session.schema(ctx)
    if kind == "PrefixSuffixTransformer":
        prefix_suffix.apply_prefix_suffix(res, str(cfg.get("prefix") or ""),
                                          str(cfg.get("suffix") or ""), _fss(cfg), origin)
    elif kind == "PrefixTransformer":
        prefix_suffix.apply_prefix_suffix(res, str(cfg.get("prefix") or ""), "", _fss(cfg), origin)
    elif kind == "SuffixTransformer":
        prefix_suffix.apply_prefix_suffix(res, "", str(cfg.get("suffix") or ""), _fss(cfg), origin)
    elif kind == "LabelTransformer":
        labels.apply_labels(res, {str(k): "" if v is None else str(v)
                                  for k, v in (cfg.get("labels") or {}).items()}, _fss(cfg), origin)
    elif kind == "AnnotationsTransformer":
        labels.apply_annotations(res, {str(k): "" if v is None else str(v)
                                       for k, v in (cfg.get("annotations") or {}).items()},
                                 _fss(cfg), origin)
    elif kind == "NamespaceTransformer":
        ns = (cfg.get("metadata") or {}).get("namespace") or ""
        namespace.apply_namespace(res, str(ns), _fss(cfg), unset_only=bool(cfg.get("unsetOnly")),
                                  role_binding_subjects=str(cfg.get("setRoleBindingSubjects")
                                                            or "defaultOnly"), origin=origin)
    elif kind == "ImageTagTransformer":
        images.apply_image(res, cfg.get("imageTag") or {}, _fss(cfg), origin)
    elif kind == "ReplicaCountTransformer":
        rep = cfg.get("replica") or {}
        replicas.apply_replicas(res, str(rep.get("name") or ""), rep.get("count"), _fss(cfg), origin)
    elif kind == "HashTransformer":
        hash_suffix.add_hash_suffixes(res)
    elif kind == "PatchTransformer":
        entry = {k: cfg.get(k) for k in ("path", "patch", "target", "options") if cfg.get(k)}
        session._apply_patch_entry(ldr, kust, ra, entry, 0, schema)
    elif kind == "PatchJson6902Transformer":
        entry = {"target": cfg.get("target")}
        if cfg.get("path"):
            entry["path"] = cfg["path"]
        else:
            entry["patch"] = cfg.get("jsonOp")
        if not entry["target"]:
            raise RenderError("must specify a target for patch %s" % cfg.get("jsonOp"), *where)
        for p in session._load_patch_entry(ldr, kust, entry, "transformers", 0):
            if p.ops is None:
                raise RenderError("PatchJson6902Transformer: the patch is not a JSON 6902 "
                                  "operation list", *where)
            ra.resources = P.patch_with_target(ra.resources, p, entry["target"], schema)
    elif kind == "PatchStrategicMergeTransformer":
        entries = list(cfg.get("paths") or [])
        if cfg.get("patches"):
            entries.append(cfg["patches"])
        for e in entries:
            for p in session._load_patch_entry(ldr, kust, e, "transformers", 0):
                ra.resources = P.patch_without_target(ra.resources, p, schema)
    elif kind == "ReplacementTransformer":
        from kustgen.kustomize.filters.replacements import apply_replacements
        reps = session._load_replacements(ldr, kust, cfg.get("replacements") or [])
        apply_replacements(res, reps, where[0])
    else:
        raise UnsupportedFeature("plugins", "built-in transformer '%s' is not supported by the "
                                 "embedded engine" % kind, where[0], where[1])


# -- build metadata -------------------------------------------------------------------
def _set_origin_text(r: Resource, text: str) -> None:
    ann = r.metadata.get("annotations")
    if not isinstance(ann, dict):
        ann = {}
        r.metadata["annotations"] = ann
    ann[ORIGIN_ANNOTATION] = text


def _top_root(ctx) -> str:
    return getattr(ctx, "root", None) or os.getcwd()


def add_file_origin(ctx, r: Resource, ldr, rel: str) -> None:
    if ORIGIN_ANNOTATION in r.annotations():
        return
    path = os.path.relpath(os.path.join(ldr.root, rel), _top_root(ctx))
    _set_origin_text(r, "path: %s\n" % path)


def _configured_text(ctx, cfile, ldr, cfg, kind, with_name: bool) -> str:
    path = cfile if os.path.isabs(cfile) else os.path.join(ldr.root, cfile)
    lines = ["configuredIn: %s" % os.path.relpath(path, _top_root(ctx)),
             "configuredBy:", "  apiVersion: builtin", "  kind: %s" % kind]
    name = (cfg.get("metadata") or {}).get("name") if with_name else None
    if name:
        lines.append("  name: %s" % name)
    return "\n".join(lines) + "\n"


def add_generator_origin(ctx, r: Resource, kust, ldr, kind: str) -> None:
    _set_origin_text(r, _configured_text(ctx, kust.path, ldr, {}, kind, with_name=False))


TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations"


def note_transformation(ctx, resources, cfile, ldr, kind: str, name) -> None:
    """buildMetadata transformerAnnotations: remember each transformer run over a resource."""
    path = cfile if os.path.isabs(cfile) else os.path.join(ldr.root, cfile)
    entry = (os.path.relpath(path, _top_root(ctx)), kind, name or "")
    for r in resources:
        r.extra.setdefault("transformations", []).append(entry)


def finish_transformations(resources) -> None:
    for r in resources:
        ts = r.extra.get("transformations") or []
        if not ts:
            continue
        lines = []
        for path, kind, name in ts:
            lines += ["- configuredIn: %s" % path, "  configuredBy:", "    apiVersion: builtin",
                      "    kind: %s" % kind]
            if name:
                lines.append("    name: %s" % name)
        ann = r.metadata.get("annotations")
        if not isinstance(ann, dict):
            ann = {}
            r.metadata["annotations"] = ann
        ann[TRANSFORMATIONS_ANNOTATION] = "\n".join(lines) + "\n"
