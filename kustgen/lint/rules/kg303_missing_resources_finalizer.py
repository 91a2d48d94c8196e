"""KG303: an Application of an unprotected environment without the resources finalizer."""

from __future__ import annotations

from kustgen.lint.rule import UNPROTECTED, Hit, Rule
from kustgen.lint.rules._argocd import app_views
from kustgen.model import Severity

FINALIZERS = ("resources-finalizer.argocd.argoproj.io",
              "resources-finalizer.argocd.argoproj.io/background",
              "resources-finalizer.argocd.argoproj.io/foreground")


class MissingResourcesFinalizer(Rule):
    id = "KG303"
    name = "missing-resources-finalizer"
    category = "argocd"
    summary = "An Application of an unprotected environment lacks the resources " \
              "finalizer: deleting it orphans its Crossplane resources"
    severity = Severity.WARNING
    environments = UNPROTECTED
    doc = """\
Without the `resources-finalizer.argocd.argoproj.io` finalizer (or its `/background` or
`/foreground` variants), deleting an Application deletes only the Application: the
managed resources it deployed stay in the cluster, Crossplane keeps reconciling them, and
the cloud resources behind them keep running and costing money, with nothing in Git
describing them any more. For a dev or staging environment, deleting its Application
should tear the environment down: add the finalizer to `metadata.finalizers`
(`spec.template.metadata.finalizers` of an ApplicationSet).

The rule looks only at Applications of a known environment (their source path is an
environment's overlay, or they live in one). An app-of-apps root deploys every
environment's Application: cascading its deletion would delete everything, prod
included, so it is left alone.

Protected environments are not checked by default, on purpose: there the finalizer is a
trade-off. With it, deleting the prod Application (by hand, or because the app of apps
pruned it) deletes every prod cloud resource whose `deletionPolicy` is `Delete`; without
it, the resources survive but are orphaned. If you add it for prod, set
`deletionPolicy: Orphan` on stateful resources (databases, buckets) and keep prune off in
the app of apps; to enforce it there too, set `environments: [all]` for KG303.
"""
    bad = {
        "argocd/apps/kustomization.yaml": "resources:\n  - dev.yaml\n",
        "argocd/apps/dev.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-dev
  namespace: argocd
spec:
  project: platform
  source:
    repoURL: https://git.example.com/platform/infra.git
    targetRevision: HEAD
    path: overlays/dev
  destination:
    server: https://kubernetes.default.svc
    namespace: crossplane-system
  syncPolicy:
    automated:
      selfHeal: true
""",
        "overlays/dev/kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "overlays/dev/bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices-dev
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "argocd/apps/kustomization.yaml": bad["argocd/apps/kustomization.yaml"],
        "argocd/apps/dev.yaml": bad["argocd/apps/dev.yaml"].replace(
            "  namespace: argocd\n",
            "  namespace: argocd\n  finalizers:\n"
            "    - resources-finalizer.argocd.argoproj.io\n", 1),
        "overlays/dev/kustomization.yaml": bad["overlays/dev/kustomization.yaml"],
        "overlays/dev/bucket.yaml": bad["overlays/dev/bucket.yaml"],
    }

    def check(self, ctx, opts):
        for v in app_views(ctx):
            env = v.known_env(ctx)
            if not env:
                continue        # an app of apps or unknown: cascading could hit prod
            fins = v.metadata.get("finalizers")
            fins = fins if isinstance(fins, list) else []
            if any(isinstance(f, str) and f.strip() in FINALIZERS for f in fins):
                continue
            has = "finalizers" in v.metadata
            yield Hit("%s (environment %s) has no resources-finalizer.argocd.argoproj.io "
                      "finalizer: deleting it leaves its Crossplane resources and their "
                      "cloud resources running, orphaned; add the finalizer to %s"
                      % (v.what, env, ".".join(v.meta_at) + ".finalizers"),
                      resource=v.res, path=v.meta_at + (("finalizers",) if has else ()),
                      overlay=v.overlay_path, environment=env)


RULE = MissingResourcesFinalizer
