"""Sources → articles: files, directories, stdin, URLs, feeds and batch files, read lazily.

Metadata precedence, highest first:

1. the explicit ``published``/``outlet`` arguments (``--published``, ``--outlet``: "for all inputs");
2. what is given about one input: its ``NAME.meta.json`` sidecar, its batch row, its feed entry;
3. what the page itself says (trafilatura: the HTML metadata's date, title, site and URL).

Ids: the file stem for files, ``stem#LINE`` for batch rows (the line the row starts on, unless the
row has an ``id``), a readable slug plus a hash for URLs, ``stdin-HASH`` for standard input.
Every problem is yielded as an :class:`InputProblem`, never raised, so a batch goes on past it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import httpx

from parley.errors import FeedError, InputError, NotEnglishWarning, ParleyError
from parley.files import open_source, source_problem
from parley.ingest.batch import Row, read_csv, read_jsonl
from parley.ingest.feeds import FEED_MEDIA_TYPES, XML_MEDIA_TYPES, FeedEntry, looks_like_feed, parse_feed
from parley.ingest.fetch import FetchedPage, fetch, new_client
from parley.ingest.text import Body, check_size, html_body, language_warning, outlet_for, read_body, slug
from parley.records import Article
from parley.settings import Settings, load_settings

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_FEED_SUFFIXES = (".rss", ".atom", ".xml")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
SIDECAR_SUFFIX = ".meta.json"
#: How a source with no article in it (an empty batch or directory) is reported: a warning, not an error.
NOTHING_TO_READ = "nothing to read"


@dataclass
class InputProblem:
    """An input that could not be read (``error``) or was read with a caveat (``warning``)."""

    source: str
    message: str
    code: str
    severity: Literal["error", "warning"] = "error"

    def __post_init__(self) -> None:
        self.message = " ".join(self.message.split())  # one line, whatever the cause said

    def __str__(self) -> str:
        return f"{self.source}: {self.severity}: {self.message} [{self.code}]"

    @classmethod
    def from_error(cls, err: ParleyError, source: str) -> InputProblem:
        """The problem for ``err`` met while reading ``source`` (a warning for NotEnglishWarning)."""
        message = err.message
        if err.source and err.source != source:
            message = f"{err.source}: {message}"  # the part of the input at fault (sidecar, URL)
        severity: Literal["error", "warning"] = "warning" if isinstance(err, NotEnglishWarning) else "error"
        return cls(source, message, err.code, severity)


@dataclass(frozen=True)
class _Meta:
    """What is known about an article besides its text; None where unknown."""

    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None

    def over(self, lower: _Meta) -> _Meta:
        """These values, with ``lower``'s where these are unknown."""
        return _Meta(**{f.name: getattr(self, f.name) or getattr(lower, f.name) for f in fields(self)})


def iso_date(value: str | None, source: str) -> str | None:
    """An ISO date (``YYYY-MM-DD``) from a date or date-time string; InputError if it is neither."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return (
            date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
        ).isoformat()
    except ValueError:
        raise InputError(f"invalid published date {value!r}: expected YYYY-MM-DD", source=source) from None


def outlet_id(value: str | None) -> str | None:
    """An outlet id: ``outlet:slug`` kept as is, a name ("Reuters") looked up or turned into one."""
    if value is None or not value.strip():
        return None
    if value.startswith("outlet:"):
        return value
    return outlet_for(None, value.strip())


def url_id(url: str) -> str:
    """A stable, readable article id for a URL: host and last path segment, plus a short hash."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    last = segments[-1].rsplit(".", 1)[0] if segments else ""
    readable = slug(f"{host} {last}")[:60].strip("-")
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else digest


def read_sources(
    sources: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    published: str | None = None,
    outlet: str | None = None,
    allow_private: bool | None = None,
) -> Iterator[Article | InputProblem]:
    """Read each source lazily, yielding its articles and any problems, in order.

    A source is a text or HTML file, a directory (recursively, sorted; hidden files and
    ``*.meta.json`` sidecars skipped), ``-`` for stdin, an http(s) URL, an RSS/Atom feed (URL or
    file; each entry's page is fetched once), or a JSONL/CSV batch. ``published`` and ``outlet``
    apply to every article; ``allow_private`` (default: setting ``fetch.allow_private``) lets URLs on
    private addresses through the SSRF guard. Nothing is raised and nothing printed: a source that
    cannot be read yields an :class:`InputProblem` and the next source is read.
    """
    settings = settings or load_settings()
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    try:
        explicit = _Meta(published=iso_date(published, "--published"), outlet=outlet_id(outlet))
    except InputError as err:
        yield InputProblem.from_error(err, "--published")
        return
    reader = _Reader(
        settings, explicit, settings.fetch.allow_private if allow_private is None else allow_private
    )
    try:
        for source in sources:
            yield from reader.read(os.fspath(source))
    finally:
        reader.close()


class _Reader:
    """The state of one :func:`read_sources` call: settings, HTTP client, feed links already fetched."""

    def __init__(
        self,
        settings: Settings,
        explicit: _Meta,
        allow_private: bool,
        pace: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.explicit = explicit
        self.allow_private = allow_private
        self.pace = pace  # called with each URL before it is fetched (the watch's per-host interval)
        self._client: httpx.Client | None = None
        self._fetched_links: set[str] = set()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def fetch(self, url: str) -> FetchedPage:
        if self.pace is not None:
            self.pace(url)
        if self._client is None:
            self._client = new_client(self.settings)
        return fetch(url, self.settings, self.allow_private, client=self._client)

    def read(self, source: str) -> Iterator[Article | InputProblem]:
        """Everything in one source given by the caller."""
        if source == "-":
            yield from _guarded("stdin", self._stdin())
        elif _URL.match(source):
            yield from _guarded(source, self._url(source))
        elif problem := source_problem(source):
            yield InputProblem(source, problem, InputError.code)
        elif os.path.isdir(source):
            yield from self._directory(Path(source))
        else:
            yield from _guarded(source, self._file(Path(source)))

    def _directory(self, path: Path, given: bool = True) -> Iterator[Article | InputProblem]:
        """The files of a directory, recursively; ``given``: named by the caller (an empty one is
        worth a warning, an empty subdirectory is not)."""
        try:
            with os.scandir(path) as entries:
                ordered = sorted(entries, key=lambda e: e.name)
        except OSError as err:
            yield InputProblem(str(path), f"cannot list the directory: {_os_reason(err)}", InputError.code)
            return
        if given and not any(
            not e.name.startswith(".") and not e.name.endswith(SIDECAR_SUFFIX) for e in ordered
        ):
            yield InputProblem(
                str(path), NOTHING_TO_READ + ": the directory holds no files", InputError.code, "warning"
            )
            return
        for entry in ordered:
            if entry.name.startswith(".") or entry.name.endswith(SIDECAR_SUFFIX):
                continue
            # Symlinked directories are not followed: a link to a parent would never end.
            if entry.is_dir(follow_symlinks=False):
                yield from self._directory(Path(entry.path), given=False)
            elif problem := source_problem(entry.path):
                yield InputProblem(entry.path, problem, InputError.code)
            elif entry.is_file():  # a link to a directory or to nothing is passed over, unread
                yield from _guarded(entry.path, self._file(Path(entry.path)))

    def _file(self, path: Path) -> Iterator[Article | InputProblem]:
        source = str(path)
        suffix = path.suffix.lower()
        if suffix in _JSONL_SUFFIXES:
            yield from self._rows(path, read_jsonl(path, self.settings.input.max_bytes))
            return
        if suffix == ".csv":
            yield from self._rows(path, read_csv(path, self.settings.input.max_bytes))
            return
        limit = self.settings.input.max_bytes
        check_size(path.stat().st_size, source, limit)  # before reading: a 20 MB file is never loaded
        with open_source(path) as stream:
            data = stream.read(limit + 1)  # +1: a file that grew, or a device, still trips the limit
        if suffix in _FEED_SUFFIXES or looks_like_feed(data):
            check_size(len(data), source, limit)
            yield from self._feed(data, source)
            return
        meta = _sidecar(path)
        html = True if suffix in _HTML_SUFFIXES else None
        body = read_body(data, source, self.settings, html=html, url=meta.url)
        yield from self._article(body, source, path.stem, meta)

    def _stdin(self) -> Iterator[Article | InputProblem]:
        limit = self.settings.input.max_bytes
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(
                f"too large: more than {limit:,} bytes (setting input.max_bytes)", source="stdin"
            )
        if looks_like_feed(data):
            yield from self._feed(data, "stdin")
            return
        body = read_body(data, "stdin", self.settings)
        digest = hashlib.sha1(body.text.encode("utf-8")).hexdigest()[:10]
        yield from self._article(body, "stdin", f"stdin-{digest}", _Meta())

    def _url(self, url: str) -> Iterator[Article | InputProblem]:
        page = self.fetch(url)
        # XML that is not a feed has no article to read: parse_feed says so.
        if page.media_type in FEED_MEDIA_TYPES + XML_MEDIA_TYPES or looks_like_feed(page.body):
            yield from self._feed(page.body, url, base_url=page.final_url)
            return
        yield from self._page(page, url, url_id(url), _Meta())

    def _page(
        self, page: FetchedPage, source: str, article_id: str, meta: _Meta
    ) -> Iterator[Article | InputProblem]:
        """The article on a fetched web page (HTML, or plain text when served as such)."""
        media = page.media_type
        html = True if "html" in media else (False if media == "text/plain" else None)
        body = read_body(
            page.body, source, self.settings, html=html, charset=page.charset, url=page.final_url
        )
        yield from self._article(body, source, article_id, meta.over(_Meta(url=page.final_url)))

    def _feed(
        self, data: bytes, source: str, base_url: str | None = None
    ) -> Iterator[Article | InputProblem]:
        entries = parse_feed(data, source, base_url)
        if not entries:
            yield InputProblem(source, "the feed has no entries", FeedError.code, "warning")
        yield from self.entries(entries, source, base_url)

    def entries(
        self, entries: Iterable[FeedEntry], source: str, base_url: str | None
    ) -> Iterator[Article | InputProblem]:
        """The articles of some entries of the feed ``source``."""
        for entry in entries:
            where = entry.link or f"{source}#{entry.index}"
            yield from _guarded(where, self._entry(entry, source, base_url))

    def _entry(self, entry: FeedEntry, feed: str, base_url: str | None) -> Iterator[Article | InputProblem]:
        meta = _Meta(published=entry.published, title=entry.title, url=entry.link)
        if entry.link:
            if entry.link in self._fetched_links:
                return  # the same page listed twice (in one feed or two): fetched and read once
            self._fetched_links.add(entry.link)
            yield from self._page(self.fetch(entry.link), entry.link, url_id(entry.link), meta)
        elif entry.content:
            where = f"{feed}#{entry.index}"
            body = html_body(entry.content, where, self.settings, url=base_url)
            yield from self._article(body, where, f"{_stem(feed)}#{entry.index}", meta)
        else:
            raise FeedError(f"entry {entry.index} has neither a link nor content", source=feed)

    def _rows(self, path: Path, rows: Iterator[Row]) -> Iterator[Article | InputProblem]:
        # The rows are read inside the guard: a missing CSV column ends this file, not the batch.
        def each() -> Iterator[Article | InputProblem]:
            empty = True
            for row in rows:
                empty = False
                where = f"{path}:{row.line}"
                yield from _guarded(where, self._row(row, path, where))
            if empty:
                yield InputProblem(
                    str(path), NOTHING_TO_READ + ": the batch file has no rows", FeedError.code, "warning"
                )

        yield from _guarded(str(path), each())

    def _row(self, row: Row, path: Path, where: str) -> Iterator[Article | InputProblem]:
        if row.error:
            raise FeedError(row.error, source=where)
        values = row.values
        meta = _Meta(
            published=iso_date(values.get("published"), where),
            outlet=outlet_id(values.get("outlet")),
            url=values.get("url"),
            title=values.get("title"),
        )
        article_id = values.get("id") or f"{path.stem}#{row.line}"
        if "text" in values:
            body = read_body(values["text"], where, self.settings)
        elif "html" in values:
            body = read_body(values["html"], where, self.settings, html=True, url=meta.url)
        elif "url" in values:
            yield from self._page(self.fetch(values["url"]), where, article_id, meta)
            return
        else:
            raise FeedError("the row has no 'text', 'html' or 'url'", source=where)
        yield from self._article(body, where, article_id, meta)

    def _article(
        self, body: Body, source: str, article_id: str, meta: _Meta
    ) -> Iterator[Article | InputProblem]:
        """The article, after a warning when its text does not look like English."""
        known = self.explicit.over(meta).over(_Meta(body.published, body.outlet, body.url, body.title))
        warning = language_warning(body.text, source, self.settings)
        if warning:
            yield InputProblem.from_error(warning, source)
        yield Article(
            text=body.text,
            source=source,
            id=article_id,
            published=known.published,
            outlet=known.outlet,
            url=known.url,
            title=known.title,
        )


def read_feed_entries(
    entries: Iterable[FeedEntry],
    feed: str,
    settings: Settings,
    *,
    base_url: str | None = None,
    allow_private: bool | None = None,
    pace: Callable[[str], None] | None = None,
) -> Iterator[Article | InputProblem]:
    """The articles of some entries of a feed already fetched and parsed (``parse_feed``), as
    ``read_sources`` reads a feed: each entry's page fetched once (``pace`` is called with each URL
    first), else its content. An article's ``source`` is its entry's link (else ``FEED#INDEX``), as
    is that of a problem with it."""
    reader = _Reader(
        settings, _Meta(), settings.fetch.allow_private if allow_private is None else allow_private, pace
    )
    try:
        yield from reader.entries(entries, feed, base_url)
    finally:
        reader.close()


def read_page(page: FetchedPage, settings: Settings) -> Iterator[Article | InputProblem]:
    """The article on a web page already fetched (``parley.ingest.fetch.fetch``), as ``read_sources``
    reads a URL."""
    reader = _Reader(settings, _Meta(), settings.fetch.allow_private)
    yield from _guarded(page.url, reader._page(page, page.url, url_id(page.url), _Meta()))


def _guarded(source: str, items: Iterator[Article | InputProblem]) -> Iterator[Article | InputProblem]:
    """``items``, ending with an :class:`InputProblem` when reading them fails."""
    try:
        yield from items
    except ParleyError as err:
        yield InputProblem.from_error(err, source)
    except OSError as err:
        yield InputProblem(source, f"cannot read: {_os_reason(err)}", InputError.code)
    except Exception as err:  # a failure no reader foresaw still costs only this input, never the run
        yield InputProblem(source, f"cannot read: {type(err).__name__}: {err}", InputError.code)


def _os_reason(err: OSError) -> str:
    return err.strerror.lower() if err.strerror else str(err)


def _stem(source: str) -> str:
    return Path(urlsplit(source).path if _URL.match(source) else source).stem or "feed"


def _sidecar(path: Path) -> _Meta:
    """The metadata in ``NAME.meta.json`` next to ``NAME.EXT``, if there is one."""
    side = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not side.is_file():
        return _Meta()
    where = str(side)
    try:
        raw = json.loads(side.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"invalid sidecar JSON: {err}", source=where) from None
    if not isinstance(raw, dict):
        raise InputError("invalid sidecar: expected a JSON object", source=where)
    for key in ("published", "outlet", "url", "title"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise InputError(f"invalid sidecar: {key!r} must be a string", source=where)
    return _Meta(
        published=iso_date(raw.get("published"), where),
        outlet=outlet_id(raw.get("outlet")),
        url=raw.get("url") or None,
        title=raw.get("title") or None,
    )
