"""Schema sources, one module each: look up the schema of an apiVersion + kind."""
