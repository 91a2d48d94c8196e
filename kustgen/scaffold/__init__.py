"""Scaffolding: write new resources from their schemas (``kustgen add KIND NAME``)."""
