"""Schemas: where the schema of each kind comes from (built-in, CRDs, XRDs, remote) and their conversion to JSON Schema."""

from kustgen.schemas.convert import apply_defaults, crd_version_to_json_schema
from kustgen.schemas.registry import (Registry, SchemaEntry, SchemaError, Source,
                                      validate_object)

__all__ = ["Registry", "SchemaEntry", "SchemaError", "Source", "validate_object",
           "crd_version_to_json_schema", "apply_defaults"]
