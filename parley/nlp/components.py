"""Registers parley's spaCy component factories (importing this module is enough)."""

from parley.nlp import attribution, mentions, negotiation  # noqa: F401
