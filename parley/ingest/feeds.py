"""RSS and Atom feeds (feedparser): the entries, each with its link, title, date and any content."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from xml.sax import SAXParseException

from parley.errors import FeedError

#: The root element of a feed, after an optional XML declaration, comments and processing instructions.
_FEED_SNIFF = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]",
    re.IGNORECASE | re.DOTALL,
)

FEED_MEDIA_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
XML_MEDIA_TYPES = ("application/xml", "text/xml")


@dataclass
class FeedEntry:
    """One feed entry: the page it links to and what the feed says about it."""

    index: int  # 1-based position in the feed
    link: str | None
    title: str | None
    published: str | None  # ISO date
    content: str | None  # HTML content carried in the feed itself, used when there is no link


def looks_like_feed(data: bytes) -> bool:
    """True when ``data`` starts like an RSS, Atom or RDF document."""
    return bool(_FEED_SNIFF.match(data[:4096]))


def parse_feed(
    data: bytes, source: str, base_url: str | None = None, strict: bool = False
) -> list[FeedEntry]:
    """The entries of the feed in ``data``; :class:`FeedError` when it is not an RSS/Atom feed, and
    with ``strict`` when it is not well-formed XML (feedparser would read what it could of it).

    ``base_url`` resolves relative entry links (the feed's own URL).
    """
    import feedparser

    # A BytesIO, never a str: feedparser would read a str that looks like a URL or path from there.
    headers = {"content-location": base_url} if base_url else {}
    try:
        parsed = feedparser.parse(io.BytesIO(_safe_references(data)), response_headers=headers)
    except Exception as err:  # feedparser and its SGML fallback raise many types on broken input
        raise FeedError(
            f"cannot parse the feed: {type(err).__name__}: {_one_line(err)}", source=source
        ) from None
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {_one_line(problem)}" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{detail}", source=source)
    if strict and isinstance(parsed.get("bozo_exception"), SAXParseException):
        raise FeedError(f"malformed feed XML: {_one_line(parsed['bozo_exception'])}", source=source)
    return [_entry(i, e) for i, e in enumerate(parsed.entries, start=1)]


#: A numeric character reference, decimal or hexadecimal ("&#55296;", "&#xD800;").
_REFERENCE = re.compile(rb"&#(?:([0-9]{1,10})|[xX]([0-9a-fA-F]{1,8}));")


def _safe_references(data: bytes) -> bytes:
    """``data`` with every character reference to a code point text cannot hold (a lone surrogate,
    NUL, beyond U+10FFFF) turned into one to U+FFFD, which feedparser would otherwise crash on."""

    def safe(match: re.Match[bytes]) -> bytes:
        number = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
        return (
            b"&#65533;" if number == 0 or 0xD800 <= number <= 0xDFFF or number > 0x10FFFF else match.group(0)
        )

    return _REFERENCE.sub(safe, data)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _entry(index: int, entry: dict) -> FeedEntry:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    content = entry.get("content") or []
    return FeedEntry(
        index=index,
        link=entry.get("link") or None,
        title=(entry.get("title") or "").strip() or None,
        published=time.strftime("%Y-%m-%d", stamp) if stamp else None,
        content=(content[0].get("value") if content else None) or entry.get("summary") or None,
    )
