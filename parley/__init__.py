"""parley: a sourced, queryable record of peace and ceasefire negotiations, read from the news.

The one-call API::

    import parley
    records = parley.extract(text, published="2025-04-18", outlet="outlet:reuters")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parley.records import Records

__version__ = "0.1.0"
__all__ = ["extract", "__version__"]


def extract(text: str, published: str | None = None, outlet: str | None = None) -> Records:
    """Read one article's text and return its negotiation records (loads the pipeline once).

    Lone surrogates (which no encoding can write: a text decoded with ``surrogateescape`` or made
    from broken JSON escapes) and control characters are read as U+FFFD, one for one, so every
    offset still indexes ``text``: the one sanitiser, :func:`parley.records.safe_text`, run when the
    :class:`parley.records.Article` is created.
    Raises :class:`parley.errors.InputError` for a text over the setting ``input.max_chars``.
    """
    from parley.extractor import default_extractor
    from parley.records import Article

    return default_extractor().extract(
        Article(text=text, source="<text>", published=published, outlet=outlet)
    )
