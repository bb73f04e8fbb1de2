"""Turning sources into articles: text and HTML files, directories, stdin, URLs, feeds, batches.

``read_sources`` is the entry point (the CLI, the web API and the batch runner use it); the SSRF
guard for fetched URLs lives in :mod:`parley.ingest.fetch`. See :mod:`parley.ingest.sources` for
the metadata precedence and the article ids.
"""

from __future__ import annotations

from parley.ingest.fetch import FetchedPage, fetch
from parley.ingest.sources import InputProblem, read_sources
from parley.ingest.text import language_warning, read_text

__all__ = ["FetchedPage", "InputProblem", "fetch", "language_warning", "read_sources", "read_text"]
