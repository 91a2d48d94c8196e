"""KG301: a protected environment's Application follows a branch (or HEAD) instead of a
pinned commit or release tag."""

from __future__ import annotations

import re

from kustgen.lint.rule import PROTECTED, Hit, Option, Rule
from kustgen.lint.rules._argocd import app_views, automated, is_templated
from kustgen.model import Severity

_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
DEFAULT_PINNED = [r"^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]+)?$"]
# an exact Helm chart version (Masterminds semver, optionally `=`/`v`): anything else is a
# constraint (range, wildcard, partial version) Argo CD resolves to the newest match
_EXACT_CHART = re.compile(r"^=?\s*v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def floating_git(rev: str, patterns: list) -> str | None:
    """Why a git targetRevision is floating, or None when it is pinned."""
    r = rev.strip()
    if r in ("", "HEAD"):
        return "HEAD (the default branch)" if r else "no targetRevision (HEAD)"
    if r.startswith("refs/heads/"):
        return "branch %s" % r[len("refs/heads/"):]
    if r.startswith("refs/tags/"):
        r = r[len("refs/tags/"):]
    if _SHA.match(r):
        return None
    for p in patterns:
        try:
            if re.search(p, r):
                return None
        except re.error:
            continue
    return "%r, a branch (or a tag not matching pinnedPatterns)" % rev


def floating_chart(version: str) -> str | None:
    v = version.strip()
    if not v:
        return "no chart version (the newest)"
    if v.lower() == "latest":
        return "chart version 'latest'"
    if _EXACT_CHART.match(v):
        return None
    return "chart version %r, a range or wildcard" % version


class FloatingTargetRevision(Rule):
    id = "KG301"
    name = "floating-target-revision"
    category = "argocd"
    summary = "An Application of a protected environment follows a branch or HEAD " \
              "instead of a pinned commit or release tag"
    severity = Severity.ERROR
    environments = PROTECTED
    options = {
        "pinnedPatterns": Option(list(DEFAULT_PINNED),
                                 "regexes: a targetRevision matching one counts as pinned "
                                 "(release tags); 40-hex commit SHAs always do"),
        "allowManualSync": Option(True,
                                  "an Application without automated sync may follow a "
                                  "branch: every sync is started by a person who sees the "
                                  "diff first"),
    }
    doc = """\
An Application whose `targetRevision` is a branch (`main`, `release/2025`), `HEAD` or
empty (which means HEAD) deploys whatever that branch holds when it syncs. With
automated sync, every merge reaches the protected environment within minutes, including
a change to the shared `base/` meant for dev; and nobody can say afterwards which commit
production ran, or roll back by reverting the Application alone.

Pin protected environments: a 40-hex commit SHA or a release tag (`v1.4.2`; the option
`pinnedPatterns` lists the regexes that count as release tags, default semver-like).
Promotion then is a reviewed change of `targetRevision`. For Helm chart sources
(`chart:` set) the version must be exact: `*`, `^1.2`, `~1.2.0`, `>=1.0`, `1.x` and
`latest` let a new chart release deploy itself.

The rule cannot run git: a tag that looks like a branch name, or a branch named like a
version, is judged by its name. With `allowManualSync` (the default) an Application
without `syncPolicy.automated` may follow a branch: each sync is started by a person who
reviews the diff in Argo CD (this is what `kustgen init` generates for prod). Set it to
false to require pinning regardless.
"""
    bad = {
        "argocd/apps/kustomization.yaml": "resources:\n  - prod.yaml\n",
        "argocd/apps/prod.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-prod
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: platform
  source:
    repoURL: https://git.example.com/platform/infra.git
    targetRevision: main
    path: overlays/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: crossplane-system
  syncPolicy:
    automated:
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
            "targetRevision: main", "targetRevision: v1.4.2"),
        "overlays/prod/kustomization.yaml": bad["overlays/prod/kustomization.yaml"],
        "overlays/prod/bucket.yaml": bad["overlays/prod/bucket.yaml"],
    }

    def check(self, ctx, opts):
        patterns = opts.get("pinnedPatterns")
        if isinstance(patterns, str):
            patterns = [patterns]
        patterns = [str(p) for p in (patterns or [])]
        for v in app_views(ctx):
            env = v.known_env(ctx)
            if not env:
                continue       # not a known environment: nothing protected to judge
            if opts.get("allowManualSync", True) and automated(v.spec) is None:
                continue
            for src, sp in v.sources:
                rev = src.get("targetRevision")
                if is_templated(rev):
                    continue
                rev = "" if rev is None else str(rev)
                if src.get("chart"):
                    why = floating_chart(rev)
                    fix = "pin an exact chart version (1.4.2)"
                else:
                    why = floating_git(rev, patterns)
                    fix = ("pin a commit SHA or a release tag (option pinnedPatterns says "
                           "which tags count)")
                if why is None:
                    continue
                has = "targetRevision" in src
                yield Hit("%s deploys protected environment %s from %s: each sync takes "
                          "whatever is there then; %s and promote by changing it"
                          % (v.what, env, why, fix),
                          resource=v.res,
                          path=v.at + sp + (("targetRevision",) if has else ()),
                          overlay=v.overlay_path, environment=v.environment())


RULE = FloatingTargetRevision
