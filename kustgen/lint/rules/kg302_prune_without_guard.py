"""KG302: automated sync with prune in a protected environment, without an explicit
`allowEmpty: false`."""

from __future__ import annotations

from kustgen.lint.rule import PROTECTED, Hit, Rule
from kustgen.lint.rules._argocd import app_views, automated
from kustgen.model import Severity


def _true(v) -> bool:
    return v is True or (isinstance(v, str) and v.strip().lower() == "true")


def _false(v) -> bool:
    return v is False or (isinstance(v, str) and v.strip().lower() == "false")


class PruneWithoutGuard(Rule):
    id = "KG302"
    name = "prune-without-guard"
    category = "argocd"
    summary = "A protected environment's Application syncs automatically with prune and " \
              "no explicit allowEmpty: false guard"
    severity = Severity.ERROR
    environments = PROTECTED
    doc = """\
With `syncPolicy.automated.prune: true`, Argo CD deletes every object that is in the
cluster but no longer in the rendered manifests, without asking. For Crossplane that
means: a render that drops resources (a broken base, a deleted file, a wrong path after a
refactoring) makes Argo CD delete the managed resources, and Crossplane then deletes the
cloud resources behind them (databases, buckets) unless their `deletionPolicy` is
`Orphan`.

In a protected environment, prefer one of:
- manual sync (no `syncPolicy.automated`): a person reviews the diff, deletions included
  (what `kustgen init` generates for prod);
- automated sync without prune: removed objects show as OutOfSync and are pruned by hand;
- at the very least write `allowEmpty: false` next to `prune: true`. It is Argo CD's
  default, but written out it documents the guard and keeps anyone from flipping it: a
  render that comes out empty then never deletes everything. It does not protect
  against a render that drops only part of the resources.

`allowEmpty: true` with prune is reported too: an empty render deletes everything.
"""
    bad = {
        "argocd/apps/kustomization.yaml": "resources:\n  - prod.yaml\n",
        "argocd/apps/prod.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-prod
  namespace: argocd
spec:
  project: platform
  source:
    repoURL: https://git.example.com/platform/infra.git
    targetRevision: v1.4.2
    path: overlays/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: crossplane-system
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
""",
        "overlays/prod/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/prod/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "argocd/apps/kustomization.yaml": bad["argocd/apps/kustomization.yaml"],
        "argocd/apps/prod.yaml": bad["argocd/apps/prod.yaml"].replace(
            "      prune: true\n", "      prune: false\n"),
        "overlays/prod/kustomization.yaml": bad["overlays/prod/kustomization.yaml"],
        "overlays/prod/bucket.yaml": bad["overlays/prod/bucket.yaml"],
    }

    def check(self, ctx, opts):
        for v in app_views(ctx):
            a = automated(v.spec)
            if a is None or not _true(a.get("prune")):
                continue
            if _false(a.get("allowEmpty")):
                continue
            empty = _true(a.get("allowEmpty"))
            env = v.env or (v.overlay.env.name if v.overlay is not None else "")
            yield Hit("%s syncs %s automatically with prune: true%s: a broken render "
                      "prunes the Crossplane resources it drops, and Crossplane deletes "
                      "their cloud resources; use manual sync for a protected environment, "
                      "or automated sync without prune, or at least %s"
                      % (v.what, "protected environment %s" % env if env else "it",
                         " and allowEmpty: true (an empty render deletes everything)"
                         if empty else "",
                         "allowEmpty: false" if empty else
                         "write allowEmpty: false explicitly"),
                      resource=v.res, path=v.at + ("syncPolicy", "automated", "prune"),
                      overlay=v.overlay_path, environment=v.environment())


RULE = PruneWithoutGuard
