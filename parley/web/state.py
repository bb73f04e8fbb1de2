"""What the web app holds while it runs: the store, the settings, the extraction process.

Reads go through the reading store: on PostgreSQL a pool of connections (setting
``serve.db_connections``) that the server's threads query side by side; on SQLite one connection
they take in turn. Writes go through ``parley.flow`` on a connection of their own, one at a time,
so that a write transaction never holds up the readers (SQLite in WAL mode and PostgreSQL both let
readers see the last committed state while a writer works). Articles are extracted in a child
process the server owns (``parley.worker.ExtractionWorker``, started on the first write): a long
article never takes the CPU, memory or interpreter lock the readers need; the request thread only
waits for it.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from parley import flow
from parley.records import Article
from parley.settings import Settings
from parley.store import Store, open_store
from parley.web import data
from parley.web.errors import TokenMissing, TokenRejected, WritesDisabled
from parley.worker import ExtractionWorker

_IN_MEMORY = (":memory:", "sqlite://")
T = TypeVar("T")


class WebState:
    """The store connections, settings and extractor of one app."""

    def __init__(self, store_url: str, settings: Settings, extractor: flow.Extracting | None = None) -> None:
        self.store_url = store_url
        self.settings = settings
        self.store = open_store(store_url, settings, reading=True, connections=settings.serve.db_connections)
        self._writer: Store | None = None
        self._extractor = extractor
        self._write_lock = threading.Lock()
        self._remembered: dict[Hashable, tuple[float, Any]] = {}
        self._writes = (
            0  # bumped when a write begins and when it ends: what was counted meanwhile is not kept
        )

    def close(self) -> None:
        """Close the store connections and end the extraction process."""
        if isinstance(self._extractor, ExtractionWorker):
            self._extractor.close()
        if self._writer is not None and self._writer is not self.store:
            self._writer.close()
        self.store.close()

    def token(self) -> bytes | None:
        """The bearer token writes need, as bytes: ``PARLEY_TOKEN``, else the file of ``serve.token_file``.

        Bytes, because that is what a client sends: a token with non-ASCII characters matches the
        same token sent as UTF-8. Read on each write request, so a token set or rotated later is
        taken without a restart.
        """
        from_env = os.environb.get(b"PARLEY_TOKEN", b"").strip()
        if from_env:
            return from_env
        path = self.settings.serve.token_file
        if not path:
            return None
        try:
            return Path(path).expanduser().read_bytes().strip() or None
        except OSError as exc:
            reason = exc.strerror.lower() if exc.strerror else str(exc)
            raise WritesDisabled(
                f"writes are disabled: cannot read the token file {path!r} (setting serve.token_file): {reason}"
            ) from None

    def remembered(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept for ``serve.tally_seconds`` under ``key``: for aggregates over the whole
        store (the actor index's counts), which cost what the store holds. Forgotten when this app
        writes (a value counted while this app wrote is not kept: it may predate the write); writes by
        other processes show once the time is up."""
        now = time.monotonic()
        kept = self._remembered.get(key)
        if kept is not None and now - kept[0] < self.settings.serve.tally_seconds:
            return kept[1]
        writes = self._writes
        value = compute()
        if writes == self._writes and not self._write_lock.locked():
            self._remembered[key] = (now, value)
        return value

    def actor_tallies(self, as_of: date | None) -> tuple[Counter[str], Counter[str]]:
        """The actor index's counts on a day (``data.actor_tallies``), kept as ``remembered`` keeps them."""
        return self.remembered(("actors", as_of), lambda: data.actor_tallies(self.store, as_of))

    def _writing_store(self) -> Store:
        """The writers' connection, opened on the first write; call it holding ``_write_lock``."""
        if self._writer is None:
            in_memory = self.store_url in _IN_MEMORY
            self._writer = self.store if in_memory else open_store(self.store_url, self.settings)
        return self._writer

    @contextmanager
    def _writing(self) -> Iterator[Store]:
        """The writers' connection, one writer at a time; what was remembered is forgotten before
        and after the write."""
        with self._write_lock:
            self._forget()
            try:
                yield self._writing_store()
            finally:
                self._forget()

    def _forget(self) -> None:
        self._writes += 1
        self._remembered.clear()

    def take_in(self, articles: list[Article], process: str | None) -> list[flow.TakeIn]:
        """Store articles through ``parley.flow.take_in``, one writer at a time."""
        with self._writing() as writer:
            if self._extractor is None:  # spaCy loads in the child on the first write only
                self._extractor = ExtractionWorker(self.settings)
            return [
                flow.take_in(writer, article, self._extractor, process=process, settings=self.settings)
                for article in articles
            ]

    def write(self, change: Callable[[Store], T]) -> T:
        """Run ``change`` (a library function that writes, such as ``parley.alerts.rules.add_rule``)
        on the writers' connection, one writer at a time."""
        with self._writing() as writer:
            return change(writer)

    def delete_article(self, article_id: int) -> flow.Deleted:
        """Delete an article through ``parley.flow.delete_article``, one writer at a time."""
        with self._writing() as writer:
            return flow.delete_article(writer, article_id)


def get_state(request: Request) -> WebState:
    """The app's state (a FastAPI dependency)."""
    return request.app.state.parley


_bearer = HTTPBearer(
    auto_error=False,
    description="The token in PARLEY_TOKEN or in the file named by the setting serve.token_file.",
)


State = Annotated[WebState, Depends(get_state)]


def writer(
    state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> WebState:
    """The app's state for a request that writes, once its bearer token matches (a dependency)."""
    expected = state.token()
    if expected is None:
        raise WritesDisabled(
            "writes are disabled: no token is configured. Set PARLEY_TOKEN before starting parley serve,"
            " or put a token in a file and name that file in the setting serve.token_file"
        )
    if credentials is None:
        raise TokenMissing("this request changes the store: send the header 'Authorization: Bearer <token>'")
    # The server decoded the header's bytes as Latin-1 (as HTTP says): encoding back gives them.
    if not hmac.compare_digest(credentials.credentials.encode("latin-1", "replace"), expected):
        raise TokenRejected("the bearer token does not match the configured token")
    return state


Writer = Annotated[WebState, Depends(writer)]
