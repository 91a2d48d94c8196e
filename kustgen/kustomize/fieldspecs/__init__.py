"""Kustomize v5.5.0 field specs: the default transformer configuration as data, plus
the parse / merge / sort rules for user `configurations:` and `crds:` files."""

from kustgen.kustomize.fieldspecs.defaults import *  # noqa: F401,F403
from kustgen.kustomize.fieldspecs.defaults import __all__  # noqa: F401
