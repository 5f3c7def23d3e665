"""Reading case folders (safe YAML, JSON Schemas, the loader) and other formats (importers)."""
