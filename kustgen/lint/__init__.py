"""Lint: rules about what is valid YAML but does the wrong thing on this platform.

``rule`` (what a rule is), ``context`` (what rules read), ``registry`` (the explicit list
of rules), ``settings`` (kustgen.yaml `rules:`), ``suppress`` (ignore comments and
annotations), ``engine`` (run rules, make findings). ``kustgen.api.lint`` prepares the
context (renders once) and runs the engine.
"""
