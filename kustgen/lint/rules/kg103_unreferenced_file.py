"""KG103: a YAML file in a kustomization folder that no kustomization references."""

from __future__ import annotations

import fnmatch
import os

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.model import Origin, Severity

_KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _ignored(rel: str, patterns) -> bool:
    for p in patterns or ():
        p = str(p)
        if fnmatch.fnmatchcase(rel, p):
            return True
        if p.startswith("**/") and fnmatch.fnmatchcase(rel, p[3:]):
            return True
    return False


class UnreferencedFile(Rule):
    id = "KG103"
    name = "unreferenced-file"
    category = "kustomize"
    summary = "A YAML file in an overlay, base or component folder that no kustomization " \
              "references"
    severity = Severity.WARNING
    environments = ALL
    options = {
        "ignore": Option(["**/README*", "**/*.md", "**/*.example.yaml", "**/*.sample.yaml"],
                         "globs (relative to the repository root) of files never reported"),
    }
    doc = """\
Kustomize reads only the files a kustomization names (`resources`, `patches`, generator
`files`, `components`, `configurations`, `replacements` paths, ...); a YAML file lying in
the folder is ignored. A resource added to an overlay folder but not to its
`resources:`, or a patch file written but never listed under `patches:`, is not deployed
and no error says so; a file left behind after an entry was removed misleads the next
reader about what the environment contains.

List the file in the kustomization of its folder (the nearest folder above it that has
one), or delete it. Files referenced by any kustomization of the repository count as
used; `ignore` (globs) excludes files kept there on purpose.
"""
    bad = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - bucket.yaml
""",
        "overlays/dev/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forProvider:
    region: eu-west-1
""",
        "overlays/dev/bucket-patch.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: logs
spec:
  forceDestroy: true
""",
    }
    good = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - bucket.yaml
patches:
  - path: bucket-patch.yaml
""",
        "overlays/dev/bucket.yaml": bad["overlays/dev/bucket.yaml"],
        "overlays/dev/bucket-patch.yaml": bad["overlays/dev/bucket-patch.yaml"],
    }

    def check(self, ctx, opts):
        kdirs = {os.path.abspath(d): kv for d, kv in ctx.kustomizations.items()}
        if not kdirs:
            return
        used: set = set()
        used_dirs: list = []
        for kv in kdirs.values():
            used.add(os.path.abspath(kv.file))
            for ref in kv.refs():
                if ref.path is None:
                    continue
                used.add(ref.path)
                used.add(os.path.realpath(ref.path))
                if ref.path not in kdirs:
                    used_dirs.append(ref.path.rstrip(os.sep) + os.sep)
        for ov in ctx.overlays:
            used.update(os.path.realpath(f) for f in ov.inputs)
        by_dir = {ov.dir: ov for ov in ctx.overlays}
        root = os.path.abspath(ctx.root)
        cfg = ctx.config
        cfg_file = os.path.abspath(cfg.file) if cfg.file else ""
        # schema folders kustgen.yaml names (vendored CRDs) are kustgen's, not Kustomize's
        for s in [getattr(cfg, "schema_vendor", "")] + list(getattr(cfg, "schema_crds", [])):
            if s and "://" not in str(s):
                used_dirs.append(os.path.abspath(cfg.path(str(s))).rstrip(os.sep) + os.sep)
        for f in ctx.files:
            f = os.path.abspath(f)
            if not f.endswith((".yaml", ".yml")) or f == cfg_file:
                continue
            if f in used or os.path.realpath(f) in used:
                continue
            if os.path.basename(f) in _KUSTOMIZATION_NAMES:
                continue
            if any(f.startswith(d) for d in used_dirs):
                continue
            d = os.path.dirname(f)
            owner = None
            while True:
                owner = kdirs.get(d)
                if owner is not None or d == root or len(d) <= len(root):
                    break
                d = os.path.dirname(d)
            if owner is None:
                continue
            rel = ctx.relpath(f)
            if _ignored(rel, opts.get("ignore")):
                continue
            ov = by_dir.get(os.path.realpath(owner.dir))
            yield Hit("no kustomization references this file, so Kustomize never reads it "
                      "(it is not deployed, and no error says so): list it in %s "
                      "(`resources:`, or `patches:` for a patch) or delete it"
                      % ctx.relpath(owner.file), Origin(f, 1, 1),
                      overlay=ov.path if ov is not None else "")


RULE = UnreferencedFile
