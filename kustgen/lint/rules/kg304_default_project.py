"""KG304: an Application in Argo CD's `default` project."""

from __future__ import annotations

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.lint.rules._argocd import app_views, is_templated, own_repo, sources_of
from kustgen.model import Severity


class DefaultProject(Rule):
    id = "KG304"
    name = "default-project"
    category = "argocd"
    summary = "An Application (or ApplicationSet template) uses the project 'default', " \
              "which allows any repository and any destination"
    severity = Severity.WARNING
    environments = ALL
    options = {
        "allApplications": Option(False, "check every Application, not only those of this "
                                         "platform repository (deploying one of its "
                                         "environments, or with kustgen.yaml's repoURL)"),
    }
    doc = """\
Argo CD's `default` project lets an Application deploy from any repository to any
cluster and namespace, any kind included. An Application in it (or without `project`,
which some tooling fills in as `default`) is not held to anything: a typo in the
destination, or a copied Application pointing at another repository, deploys wherever
it says. Crossplane resources are cluster-scoped and create cloud resources, so the
blast radius is large.

Create an AppProject scoped to this repository (`sourceRepos`) and the destinations it
deploys to, allow the cluster-scoped kinds it needs (`clusterResourceWhitelist`:
Crossplane managed resources, XRDs, Compositions, Providers), and set `spec.project`
(`kustgen init` writes one, `platform`).

The rule checks this platform's Applications: those deploying one of kustgen.yaml's
environments, and those whose source is kustgen.yaml's `repoURL`. Applications of other
teams' repositories that happen to live here (demos, vendored examples) are left alone
unless the option `allApplications` is true.
"""
    bad = {
        "argocd/apps/kustomization.yaml": "resources:\n  - staging.yaml\n",
        "argocd/apps/staging.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-staging
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform/infra.git
    targetRevision: HEAD
    path: overlays/staging
  destination:
    server: https://kubernetes.default.svc
    namespace: crossplane-system
""",
    }
    good = {
        "argocd/apps/kustomization.yaml":
            "resources:\n  - project.yaml\n  - staging.yaml\n",
        "argocd/apps/project.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: platform
  namespace: argocd
spec:
  sourceRepos:
    - https://git.example.com/platform/infra.git
  destinations:
    - server: https://kubernetes.default.svc
      namespace: crossplane-system
  clusterResourceWhitelist:
    - group: "*"
      kind: "*"
""",
        "argocd/apps/staging.yaml": bad["argocd/apps/staging.yaml"].replace(
            "project: default", "project: platform"),
    }

    def check(self, ctx, opts):
        for v in app_views(ctx):
            if not opts["allApplications"] and not self._ours(ctx, v):
                continue
            p = v.spec.get("project")
            if is_templated(p):
                continue
            if p is not None and str(p).strip() not in ("", "default"):
                continue
            has = "project" in v.spec
            yield Hit("%s %s: the default project allows any repository and any "
                      "destination; create an AppProject scoped to this repository and "
                      "its destinations and set spec.project to it"
                      % (v.what, "uses project 'default'" if has and str(p).strip()
                         else "sets no project (Argo CD's 'default')"),
                      resource=v.res, path=v.at + (("project",) if has else ()),
                      overlay=v.overlay_path, environment=v.environment())


    @staticmethod
    def _ours(ctx, v) -> bool:
        if v.known_env(ctx):
            return True
        if not getattr(ctx.config, "repo_url", None):
            return False
        return any(own_repo(ctx, src.get("repoURL")) for src, _ in sources_of(v.spec))


RULE = DefaultProject
