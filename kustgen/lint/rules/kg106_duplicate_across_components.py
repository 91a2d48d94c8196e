"""KG106: the same resource defined by two components used together, or by a component
and the kustomization that uses it."""

from __future__ import annotations

import os

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Origin, Severity


def _key(data):
    """(group, kind, namespace, name) of a manifest, or None."""
    if not isinstance(data, dict):
        return None
    av, kind, md = data.get("apiVersion"), data.get("kind"), data.get("metadata")
    if not isinstance(av, str) or not isinstance(kind, str) or not isinstance(md, dict):
        return None
    name = md.get("name")
    if not isinstance(name, str) or not name:
        return None
    ns = md.get("namespace")
    ns = ns if isinstance(ns, str) and ns != "default" else ""
    group = av.rsplit("/", 1)[0] if "/" in av else ""
    return (group, kind, ns, name)


def _describe(key) -> str:
    group, kind, ns, name = key
    s = "%s %s" % (kind, "%s/%s" % (ns, name) if ns else name)
    return s + (" (%s)" % group if group else "")


class DuplicateAcrossComponents(Rule):
    id = "KG106"
    name = "duplicate-across-components"
    category = "kustomize"
    summary = "Two components used together (or a component and the kustomization using " \
              "it) define the same resource"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
A component adds its `resources:` to the kustomization that lists it under
`components:`. When two components of the same kustomization define the same resource
(same group, kind, namespace and name), or a component defines a resource the
kustomization already has, `kustomize build` fails with "may not add resource with an
already registered id"; when the two differ only in apiVersion, both are rendered and the
one applied last silently replaces the other in the cluster.

Define the resource in one place only (the base, or one component) and let the other
component change it with a patch (`patches:` in a component applies to the resources
accumulated so far).
"""
    bad = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
components:
  - ../../components/localstack
  - ../../components/aws
""",
        "components/localstack/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - provider-config.yaml
""",
        "components/localstack/provider-config.yaml": """\
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: default
spec:
  credentials:
    source: Secret
    secretRef:
      namespace: crossplane-system
      name: localstack-creds
      key: credentials
""",
        "components/aws/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - provider-config.yaml
""",
        "components/aws/provider-config.yaml": """\
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: default
spec:
  credentials:
    source: IRSA
""",
    }
    good = {
        "overlays/dev/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
components:
  - ../../components/localstack
""",
        "overlays/prod/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
components:
  - ../../components/aws
""",
        "components/localstack/kustomization.yaml": bad["components/localstack/kustomization.yaml"],
        "components/localstack/provider-config.yaml":
            bad["components/localstack/provider-config.yaml"],
        "components/aws/kustomization.yaml": bad["components/aws/kustomization.yaml"],
        "components/aws/provider-config.yaml": bad["components/aws/provider-config.yaml"],
    }

    def check(self, ctx, opts):
        kdirs = {os.path.abspath(d): kv for d, kv in ctx.kustomizations.items()}
        memo_res: dict = {}
        memo_all: dict = {}

        def resource_defs(kv, stack=()) -> list:
            """(key, file, line) of the resources a kustomization lists (folders with a
            kustomization: everything they build, components included)."""
            if kv.dir in memo_res:
                return memo_res[kv.dir]
            out = []
            if kv.dir not in stack and kv.error is None:
                for ref in kv.refs():
                    if ref.field not in ("resources", "bases") or ref.path is None:
                        continue
                    sub = kdirs.get(ref.path)
                    if sub is not None:
                        out.extend(all_defs(sub, stack + (kv.dir,)))
                        continue
                    for d in ctx.docs(ref.path):
                        k = _key(d.data)
                        if k is not None:
                            out.append((k, ref.path, d.line))
            memo_res[kv.dir] = out
            return out

        def all_defs(kv, stack=()) -> list:
            if kv.dir in memo_all:
                return memo_all[kv.dir]
            out = list(resource_defs(kv, stack))
            if kv.dir not in stack and kv.error is None:
                for ref in kv.refs():
                    sub = kdirs.get(ref.path) if ref.field == "components" and ref.path else None
                    if sub is not None:
                        out.extend(all_defs(sub, stack + (kv.dir,)))
            memo_all[kv.dir] = out
            return out

        conflicts: dict = {}
        for kv in kdirs.values():
            if kv.error is not None:
                continue
            comps = [kdirs.get(r.path) for r in kv.refs()
                     if r.field == "components" and r.path is not None]
            comps = [c for c in comps if c is not None and c.error is None]
            if not comps:
                continue
            first: dict = {}
            for k, f, line in resource_defs(kv):
                first.setdefault(k, (f, line, None))
            for c in comps:
                defs = all_defs(c)
                for k, f, line in defs:
                    prev = first.get(k)
                    if prev is not None and (prev[0], prev[1]) != (f, line):
                        conflicts.setdefault((f, line, k, prev), set()).add(kv.file)
                for k, f, line in defs:
                    first.setdefault(k, (f, line, c.dir))
        by_dir = {ov.dir: ov for ov in ctx.overlays}
        for (f, line, k, prev), users in sorted(conflicts.items(), key=lambda x: x[0][:2]):
            pf, pl, pc = prev
            if pc is None:
                where = "already in the resources of the kustomization that adds this " \
                        "component, at %s:%d" % (ctx.relpath(pf), pl)
            else:
                where = "also defined by component %s, at %s:%d" % (
                    ctx.relpath(pc), ctx.relpath(pf), pl)
            names = sorted(ctx.relpath(u) for u in users)
            msg = ("%s is %s; %s uses both, so `kustomize build` fails (\"may not add resource "
                   "with an already registered id\") or, across apiVersions, one silently "
                   "replaces the other: define it in one place and change it from the other "
                   "with a patch" % (_describe(k), where, ", ".join(names)))
            ov = None
            if len(users) == 1:
                u = next(iter(users))
                ov = by_dir.get(os.path.realpath(os.path.dirname(u)))
            yield Hit(msg, Origin(f, line, 1), overlay=ov.path if ov is not None else "")


RULE = DuplicateAcrossComponents
