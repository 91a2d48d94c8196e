"""kustgen: Crossplane + Kustomize + Argo CD GitOps repos, generated, rendered and checked."""

__version__ = "0.1.0"
