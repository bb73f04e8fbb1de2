"""``parley watch``: poll feeds, pages and directories on a schedule, take in what is new through
``parley.flow.take_in``, and deliver the alerts it raises.

A round polls every source, then raises the clock's alerts (``parley.alerts.derive.check``) and
delivers what is due (``parley.alerts.deliver.deliver_due``; also after each source, so an alert
leaves as soon as its article is in). Politeness and robustness:

- a feed or page is fetched with a conditional GET (its ETag and Last-Modified are kept per
  source): a 304 costs the server nothing; a feed's entries already taken in are not fetched again
  (``watch_items``), only new ones;
- two requests to one host are at least ``watch.host_interval`` seconds apart, whatever the source;
- every fetch goes through the SSRF guard, with the timeout and size cap of ``[fetch]``;
- a failing source (unreachable, HTTP error, malformed feed) is retried after the interval doubled
  for each failure in a row, up to ``watch.max_backoff``; its health (last success, last error,
  failures, items seen, items new) is kept in ``watch_sources``;
- stopping (SIGTERM, Ctrl-C: ``stop`` set) lets the article in hand finish — each one is stored in
  one transaction with its facts and alerts — and nothing is half-written. A feed's validators are
  saved only once all its new entries are in, so an interrupted round is finished by the next.

A directory is walked like ``parley ingest`` does (hidden files and ``*.meta.json`` sidecars
skipped); a file is read again when its size or modification time changes.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from parley.actors import ActorRegistry
from parley.alerts.deliver import deliver_due
from parley.alerts.derive import check
from parley.errors import FetchError, InputError, ParleyError
from parley.files import read_text
from parley.flow import Extracting, take_in
from parley.ingest.feeds import FEED_MEDIA_TYPES, XML_MEDIA_TYPES, looks_like_feed, parse_feed
from parley.ingest.fetch import fetch, new_client
from parley.ingest.sources import SIDECAR_SUFFIX, InputProblem, read_feed_entries, read_page, read_sources
from parley.records import Article
from parley.settings import Settings
from parley.store import Store

_URL = re.compile(r"^https?://", re.IGNORECASE)
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_interval(text: str, where: str) -> float:
    """Seconds in an interval written ``30s``, ``15m``, ``1h``, ``1d`` (a bare number is seconds);
    ``InputError`` naming ``where`` otherwise."""
    found = _INTERVAL.match(text or "")
    if not found or float(found[1]) <= 0:
        raise InputError(f"not an interval: {text!r} (expected e.g. 30s, 15m, 1h)", source=where)
    return float(found[1]) * _SECONDS[(found[2] or "s").lower()]


@dataclass(frozen=True)
class WatchSource:
    """A source to watch: a feed or page URL, a directory or a file, and the process to put its
    articles in (None: chosen by their parties)."""

    source: str
    process: str | None = None


def read_sources_file(path: str | Path) -> list[WatchSource]:
    """The sources listed in a file: one per line, ``SOURCE [PROCESS]``; blank lines and ``#``
    comments skipped."""
    where = str(path)
    try:
        lines = read_text(path).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read the sources file: {reason}", source=where) from None
    sources = []
    for number, line in enumerate(lines, start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2:
            raise InputError(
                f"line {number}: expected 'SOURCE [PROCESS]', got {line.strip()!r}", source=where
            )
        sources.append(WatchSource(words[0], words[1] if len(words) == 2 else None))
    return sources


@dataclass
class SourceReport:
    """One source's poll: ``status`` is "new", "unchanged", "not modified", "failed", "backing off"
    or "stopped"; ``seen`` items in it, ``new`` articles stored, ``problems`` with single items."""

    source: str
    status: str
    seen: int = 0
    new: int = 0
    problems: list[str] | None = None
    error: str | None = None
    retry: bool = False  # an item could not be fetched: the next round reads the source whole again


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class _Interrupted(Exception):
    """The stop event was set while a source was being read."""


class Watcher:
    """Polls sources into one store. ``stop`` (a ``threading.Event``) ends it between articles."""

    def __init__(
        self,
        store: Store,
        extractor: Extracting,
        settings: Settings,
        *,
        every: float,
        allow_private: bool | None = None,
        registry: ActorRegistry | None = None,
        stop: threading.Event | None = None,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.settings = settings
        self.every = every
        self.allow_private = settings.fetch.allow_private if allow_private is None else allow_private
        self.registry = registry
        self.stop = stop or threading.Event()
        self.log = log
        self.max_backoff = parse_interval(settings.watch.max_backoff, "watch.max_backoff")
        self._client: httpx.Client | None = None
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()

    # -- rounds ---------------------------------------------------------------------------------

    def run(self, sources: list[WatchSource], once: bool = False) -> list[SourceReport]:
        """Poll in rounds every ``every`` seconds until stopped (one round with ``once``); the last
        round's reports."""
        while True:
            started = time.monotonic()
            reports = self.round(sources)
            if once or self.stop.is_set():
                return reports
            self.stop.wait(max(0.0, self.every - (time.monotonic() - started)))
            if self.stop.is_set():
                return reports

    def round(self, sources: list[WatchSource]) -> list[SourceReport]:
        """Poll each source once, then raise the clock's alerts and deliver what is due."""
        reports = []
        for source in sources:
            if self.stop.is_set():
                break
            report = self.poll(source)
            reports.append(report)
            self.log(_describe(report))
            self.deliver()
        if not self.stop.is_set():
            raised = check(self.store, settings=self.settings)
            if raised:
                self.log(f"clock: {len(raised)} alerts raised")
            self.deliver()
        return reports

    def deliver(self) -> None:
        """Deliver the alerts due, reporting what could not be."""
        report = deliver_due(self.store, self.settings, allow_private=self.allow_private, stop=self.stop)
        if report.delivered or report.retrying or report.dead:
            self.log(
                f"delivery: {report.delivered} delivered, {report.retrying} to retry, {report.dead} dead-lettered"
            )

    # -- one source -----------------------------------------------------------------------------

    def poll(self, source: WatchSource) -> SourceReport:
        """Poll one source unless it is backing off after failures; keep its health."""
        name = source.source
        state = self.store.watch_source(name) or {}
        now = datetime.now(UTC)
        if state.get("failures") and state.get("next_at") and state["next_at"] > _stamp(now):
            return SourceReport(name, "backing off", error=state.get("last_error"))
        try:
            if _URL.match(name):
                report, validators = self._url(source, state)
            else:
                report, validators = self._path(source), {}
        except _Interrupted as stopped:
            report = stopped.args[0]
            self._save(
                name, source, last_attempt=_stamp(now), items_new=(state.get("items_new") or 0) + report.new
            )
            return report
        except ParleyError as err:
            failures = (state.get("failures") or 0) + 1
            wait = min(self.every * 2 ** (failures - 1), self.max_backoff)
            retry = datetime.now(UTC) + timedelta(seconds=wait)  # from the failure (a timeout takes a while)
            self._save(name, source, last_attempt=_stamp(now), last_error=str(err), failures=failures,
                       next_at=_stamp(retry))  # fmt: skip
            return SourceReport(name, "failed", error=str(err))
        self._save(name, source, last_attempt=_stamp(now), last_success=_stamp(datetime.now(UTC)), last_error=None,
                   failures=0, next_at=None, items_seen=report.seen if report.status != "not modified"
                   else state.get("items_seen") or 0, items_new=(state.get("items_new") or 0) + report.new,
                   **validators)  # fmt: skip
        return report

    def _save(self, name: str, source: WatchSource, **columns: object) -> None:
        with self.store.transaction():
            self.store.save_watch_source(name, process=source.process, **columns)

    def _url(self, source: WatchSource, state: dict[str, object]) -> tuple[SourceReport, dict[str, object]]:
        url = source.source
        self.pace(url)
        if self._client is None:
            self._client = new_client(self.settings)
        page = fetch(url, self.settings, self.allow_private, client=self._client,
                     etag=state.get("etag"), last_modified=state.get("last_modified"))  # type: ignore[arg-type]  # fmt: skip
        if page.not_modified:
            return SourceReport(url, "not modified"), {}
        validators = {"etag": page.etag, "last_modified": page.last_modified}
        if page.media_type in FEED_MEDIA_TYPES + XML_MEDIA_TYPES or looks_like_feed(page.body):
            entries = parse_feed(page.body, url, page.final_url, strict=True)
            seen = self.store.watch_items_seen(url, [e.link for e in entries if e.link])
            fresh = [e for e in entries if not e.link or e.link not in seen]
            items = read_feed_entries(fresh, url, self.settings, base_url=page.final_url,
                                      allow_private=self.allow_private, pace=self.pace)  # fmt: skip
            report = self._take_in(
                url, items, source.process, SourceReport(url, "unchanged", seen=len(entries))
            )
        else:
            report = SourceReport(url, "unchanged", seen=1)
            self._take_in(url, read_page(page, self.settings), source.process, report, remember=False)
        if report.retry:
            validators = {}  # an entry to fetch again: the next round must see the feed whole
        return report, validators

    def _path(self, source: WatchSource) -> SourceReport:
        name = source.source
        try:
            files = list(_files(Path(name)))
            keys = {f: f"{f}|{f.stat().st_mtime_ns}:{f.stat().st_size}" for f in files}
        except OSError as err:
            reason = err.strerror.lower() if err.strerror else str(err)
            raise InputError(f"cannot read: {reason}", source=name) from None
        seen = self.store.watch_items_seen(name, list(keys.values()))
        report = SourceReport(name, "unchanged", seen=len(files))
        for path in (f for f in files if keys[f] not in seen):
            items = read_sources([str(path)], self.settings, allow_private=self.allow_private)
            self._take_in(name, items, source.process, report, remember=False)
            self._remember(name, keys[path])  # the whole file is in (a batch file's rows too)
        return report

    def _take_in(
        self,
        name: str,
        items: Iterator[Article | InputProblem],
        process: str | None,
        report: SourceReport,
        remember: bool = True,
    ) -> SourceReport:
        """Take in the articles of a source into ``report``; with ``remember``, each feed entry is
        remembered once it is in, or cannot be read for good (only a failed fetch is tried again)."""
        problems = report.problems = report.problems or []
        try:
            for item in items:
                if isinstance(item, InputProblem):
                    if item.severity == "error":
                        problems.append(str(item))
                        report.retry |= item.code == FetchError.code
                        if item.code != FetchError.code and remember:
                            self._remember(name, item.source)
                else:
                    result = take_in(self.store, item, self.extractor, process=process, settings=self.settings,
                                     registry=self.registry)  # fmt: skip
                    if result.status == "stored":
                        report.new += 1
                        report.status = "new"
                    elif not result.ok:
                        problems.append(f"{result.source}: {result.message}")
                    if remember:
                        self._remember(name, item.source)
                if self.stop.is_set():
                    raise _Interrupted(report)
        except _Interrupted:
            report.status = "stopped"
            raise _Interrupted(report) from None
        return report

    def _remember(self, name: str, item: str) -> None:
        with self.store.transaction():
            self.store.add_watch_item(name, item, _stamp(datetime.now(UTC)))

    def pace(self, url: str) -> None:
        """Wait until ``watch.host_interval`` has passed since the last request to ``url``'s host
        (interrupted by ``stop``)."""
        host = (urlsplit(url).hostname or "").lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.settings.watch.host_interval - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                raise _Interrupted(SourceReport(url, "stopped"))
        self._last_request[host] = time.monotonic()


def _files(path: Path) -> Iterable[Path]:
    """The files of a directory as ``parley ingest`` reads them (sorted, recursively; hidden files,
    sidecars and symlinked directories skipped), or the file itself."""
    if path.is_file():
        yield path
        return
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name.endswith(SIDECAR_SUFFIX):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _files(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def _describe(report: SourceReport) -> str:
    what = {"new": f"{report.new} new of {report.seen}", "unchanged": f"nothing new ({report.seen} items)"}
    line = f"{report.source}: {what.get(report.status, report.status)}"
    if report.error:
        line += f" — {report.error}"
    for problem in report.problems or []:
        line += f"\n  {problem}"
    return line
