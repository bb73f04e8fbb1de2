"""Bytes → article text: size, binary and encoding checks, HTML main-text extraction, language check.

Plain text is kept exactly as decoded (no stripping, no newline normalisation) because record
offsets index into it. HTML goes through trafilatura, whose main text (and title, date, site) then
becomes the article.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from parley.errors import InputError, NotEnglishWarning
from parley.records import safe_text
from parley.settings import Settings

#: Byte-order marks tried before plain UTF-8, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: C0 control bytes that never occur in text (tab, newlines, form feed and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
#: Share of control bytes above which data is binary: real text has next to none, so any
#: noticeable share means a binary format whose bytes happen to contain no NUL.
BINARY_CONTROL_SHARE = 0.05
#: The language check reads this many characters: enough for a stable share, cheap for 5 MB texts.
LANGUAGE_SAMPLE_CHARS = 20_000

_HTML_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
#: A fragment with no <html> wrapper ("<p>...</p><p>...</p>") is HTML when it opens with a block tag.
_FRAGMENT_SNIFF = re.compile(r"\A\s*<(?:article|div|main|section|p|h[1-6])[\s>]", re.IGNORECASE)

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

#: Common English function words; running English prose has roughly 40% of its words here, other
#: languages written in Latin letters only a few percent (words like "a", "in", "on" they share).
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a about after against all also an and any are as at be because been before between both but by
    can could did do does during each for from had has have he her his how i if in into is it its
    more most no not of on or other our over she should since so some such than that the their them
    then there these they this those through to under until up was we were what when where which
    while who whom why will with would you your
    """.split()
)


@dataclass
class Body:
    """An article's text with what its markup said about it (HTML only)."""

    text: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None


def check_length(text: str, source: str, settings: Settings) -> None:
    """Refuse a text longer than an article may be (``input.max_chars``, at most spaCy's limit)."""
    limit = settings.input.max_chars
    if len(text) > limit:
        raise InputError(
            f"too long: {len(text):,} characters, an article may have at most {limit:,} "
            f"(setting input.max_chars)",
            source=source,
        )


def check_size(size: int, source: str, limit: int) -> None:
    """Refuse an input of ``size`` bytes when it is larger than ``limit``."""
    if size > limit:
        raise InputError(
            f"too large: {_human(size)} ({size:,} bytes), the limit is {_human(limit)} "
            f"({limit:,} bytes; setting input.max_bytes)",
            source=source,
        )


def _human(size: int) -> str:
    for unit in ("bytes", "kB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return f"{size:.1f} GB"


def _bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def check_binary(data: bytes, source: str) -> None:
    """Refuse data that is not text: NUL bytes (outside UTF-16/32) or many control bytes."""
    if _bom_encoding(data) in ("utf-16", "utf-32"):
        return
    if b"\x00" in data:
        raise InputError(
            "binary file, not text (it contains NUL bytes; UTF-16 text needs a byte-order mark)",
            source=source,
        )
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > BINARY_CONTROL_SHARE:
        raise InputError(
            f"binary file, not text ({controls / len(data):.0%} of its bytes are control characters)",
            source=source,
        )


def decode(data: bytes, source: str, charset: str | None = None) -> str:
    """Decode text: a byte-order mark wins, then ``charset`` (from an HTTP header), then UTF-8.

    Invalid data raises :class:`InputError` saying at which byte (and line) decoding failed.
    """
    encoding = _bom_encoding(data) or _codec(charset) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        name = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        raise InputError(
            f"invalid {name} at byte offset {err.start} (line {line}, byte 0x{data[err.start]:02x}); "
            f"save the file as UTF-8",
            source=source,
        ) from None


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip('"')).name
    except LookupError:
        return None


def looks_like_html(text: str) -> bool:
    """True when ``text`` is an HTML document or fragment rather than plain prose."""
    head = text[:4096]
    return bool(_HTML_SNIFF.match(head) or _FRAGMENT_SNIFF.match(head))


def read_body(
    data: bytes | str,
    source: str,
    settings: Settings,
    *,
    html: bool | None = None,
    charset: str | None = None,
    url: str | None = None,
) -> Body:
    """Check and decode ``data``; HTML (``html=True``, or sniffed when None) yields its main text.

    ``data`` may be text already decoded by a JSON parser (a batch row, an API body): it is made
    safe first (:func:`parley.records.safe_text`: lone surrogates cannot even be encoded), then read
    as its UTF-8 bytes. ``charset`` is a declared encoding (HTTP header); ``url`` is where an HTML
    page came from (for its outlet and relative links). Raises :class:`InputError` when no article
    text can be read.
    """
    if isinstance(data, str):
        data = safe_text(data).encode("utf-8")
    check_size(len(data), source, settings.input.max_bytes)
    if not data:
        raise InputError("empty file", source=source)
    check_binary(data, source)
    try:
        text = decode(data, source, charset)
    except InputError:
        if not html:
            raise
        # An HTML page may declare a legacy charset in a <meta> tag: trafilatura reads it.
        return html_body(data, source, settings, url=url)
    if not text.strip():
        raise InputError("contains only whitespace, no text", source=source)
    if html or (html is None and looks_like_html(text)):
        return html_body(text, source, settings, url=url)
    length = len(text.strip())
    if length < settings.input.min_chars:
        raise InputError(
            f"too short to be an article ({length} characters, at least {settings.input.min_chars} "
            f"expected; setting input.min_chars)",
            source=source,
        )
    check_length(text, source, settings)
    return Body(text)


def read_text(data: bytes, source: str, settings: Settings) -> str:
    """The article text in ``data``: decoded plain text as is, or the main text of sniffed HTML.

    Raises :class:`InputError` for empty, binary, undecodable, too large or article-less input.
    """
    return read_body(data, source, settings).text


def html_body(html: str | bytes, source: str, settings: Settings, *, url: str | None = None) -> Body:
    """The main text of an HTML page with its title, date, outlet and URL (trafilatura).

    A fragment (no ``<html>`` or ``<body>``: a feed entry's description, a batch row's ``html``)
    in which trafilatura finds no article — a single ``<p>`` or ``<div>``, plain text — is read
    again as the body of a page, and failing that its plain text (trafilatura's baseline) is kept.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # The publication date from the page's metadata only, never a date guessed from the
            # body text (that is usually an event date, and dates resolve against it).
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
        text, title = (doc.text or "", doc.title or None) if doc is not None else ("", None)
        if title and text.startswith(title + "\n"):
            # trafilatura repeats the headline as the first line; it is kept in Article.title instead.
            text = text[len(title) + 1 :]
        fragment = isinstance(html, str) and not _HTML_SNIFF.match(html[:4096])
        if len(text.strip()) < settings.input.min_chars and fragment:
            page = f"<html><body>{html}</body></html>"
            found = trafilatura.bare_extraction(page, url=url, include_comments=False, include_tables=False)
            text = (found.text or "") if found is not None else ""
            if len(text.strip()) < settings.input.min_chars:
                text = trafilatura.baseline(page)[1]
    except Exception as err:  # trafilatura/lxml raise many types on malformed markup
        raise InputError(f"cannot parse the HTML: {type(err).__name__}: {err}", source=source) from None
    if len(text.strip()) < settings.input.min_chars:
        raise InputError("no article text found in the HTML page", source=source)
    check_length(text, source, settings)
    date, sitename = (doc.date, doc.sitename) if doc is not None else (None, None)
    page_url = url or (doc.url if doc is not None else None)
    host = urlsplit(page_url).hostname if page_url else (doc.hostname if doc is not None else None)
    return Body(text, title, date, outlet_for(host, sitename), page_url)


@cache
def _registry_lookups() -> tuple[Callable[[str], str | None], Callable[[str], list[str]]] | None:
    """The actor registry's outlet lookups, or None while ``parley.actors`` is not available."""
    try:
        from parley.actors import ActorRegistry
    except ImportError:
        return None
    registry = ActorRegistry.load()
    return registry.outlet_for_domain, registry.lookup


def slug(text: str) -> str:
    """Lower-case ASCII slug (accents stripped, other non-alphanumeric runs → "-")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def outlet_for(host: str | None, sitename: str | None) -> str | None:
    """The outlet id of a page: the registry's outlet for its host or site name, else a slug of those.

    A site the registry does not know still gets a stable ``outlet:slug`` (from the site name, else
    the host without ``www.`` and top-level domain) so its articles count as one outlet.
    """
    lookups = _registry_lookups()
    if lookups:
        by_domain, by_name = lookups
        found = by_domain(host) if host else None
        if not found and sitename:
            found = next((i for i in by_name(sitename) if i.startswith("outlet:")), None)
        if found:
            return found
    if sitename and slug(sitename):
        return "outlet:" + slug(sitename)
    if host:
        labels = host.lower().removeprefix("www.").split(".")
        name = slug("-".join(labels[:-1] if len(labels) > 1 else labels))
        return "outlet:" + name if name else None
    return None


def language_warning(text: str, source: str, settings: Settings) -> NotEnglishWarning | None:
    """A warning when ``text`` does not look like English, from cheap letter and word statistics.

    Two shares are checked against the settings: ASCII Latin letters among all letters
    (``input.min_latin_share``: catches Cyrillic, Arabic, CJK...) and common English function words
    among all words (``input.min_english_stopword_share``: catches French, Spanish, German...).
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    latin = len(_ASCII_LETTER.findall(sample)) / letters if letters else 0.0
    words = [w.lower() for w in _WORD.findall(sample)]
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0
    if latin >= settings.input.min_latin_share and english >= settings.input.min_english_stopword_share:
        return None
    return NotEnglishWarning(
        f"does not look like English ({latin:.0%} of letters are Latin, {english:.0%} of words are "
        f"common English words); records will be poor",
        source=source,
    )
