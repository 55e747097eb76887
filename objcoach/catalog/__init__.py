"""Objection catalogs: the model, reading YAML with locations, loading and caching, finding an objection,
and byte-preserving edits."""
