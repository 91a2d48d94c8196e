"""One module per lint rule, each defining ``RULE``; listed in kustgen.lint.registry."""
