"""parley's NLP layer: the spaCy pipeline and parley's rule components (no I/O, no SQL)."""
