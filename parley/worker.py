"""An extractor in a child process: what the web server extracts with, so that reading an article
never holds the server's CPU, memory or interpreter lock.

:class:`ExtractionWorker` has the same ``extract``/``extract_many`` as
:class:`parley.extractor.Extractor` (so ``parley.flow.take_in`` takes it), but each article is sent
to a process of its own, started on first use, which loads the spaCy pipeline once and answers with
the records. The parent only waits on a pipe (no CPU, no lock held), and stores the records itself.
The child runs at a lower scheduling priority: on a busy machine, readers of the server come first.

Bounds: the child stops an article at ``nlp.article_seconds`` itself (``Extractor``); should it not
answer ``HARD_LIMIT_GRACE`` seconds after that, or die (out of memory), it is killed, the article
fails with :class:`ExtractionError`, and the next article starts a fresh child.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from parley.errors import ExtractionError, ParleyError
from parley.records import Article, Records
from parley.settings import Settings

#: Seconds the child may run past the article budget before it is killed (its own check comes
#: between sections, so an article overruns by at most one section).
HARD_LIMIT_GRACE = 60.0
#: Seconds a fresh child may take to load the spaCy pipeline and the actor registry.
STARTUP_SECONDS = 300.0
#: Added to the child's nice value: extraction yields the CPU to the server's readers (at 5, the
#: child gets about a third of what a process at the default priority gets of a contended core;
#: more would starve it on a busy machine and fail articles at ``nlp.article_seconds``).
NICENESS = 5
#: How often (seconds) the parent checks that a child it waits on is still alive.
_POLL_SECONDS = 0.5


class ExtractionWorker:
    """Extracts articles in a child process, one at a time; thread-safe; ``close()`` ends it."""

    def __init__(self, settings: Settings, actor_files: Iterable[str] = ()) -> None:
        self.settings = settings
        self.actor_files = tuple(str(f) for f in actor_files)
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None

    def extract(self, article: Article) -> Records:
        """The records of one article, read in the child process.

        Raises what the extractor raises (``InputError``, ``ExtractionError``), and
        ``ExtractionError`` when the child dies or does not answer in time."""
        with self._lock:
            conn = self._started()
            try:
                conn.send(article)
            except (OSError, ValueError):
                self._stop()
                raise ExtractionError(
                    "the extraction process is gone; try again", source=article.source
                ) from None
            limit = self.settings.nlp.article_seconds + HARD_LIMIT_GRACE
            kind, value = self._answer(conn, limit, article.source)
        if kind == "error":
            raise value
        return value

    def extract_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Records]]:
        """Records of many articles, in order, one after another."""
        for article in articles:
            yield article, self.extract(article)

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def close(self) -> None:
        """End the child process (it is started again on the next article)."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()  # an article being read fails now rather than holding up the close
        with self._lock:
            self._stop()

    def _started(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        # spawn, not fork: the server has threads (and a database connection) a fork would copy.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.settings, self.actor_files), name="parley-extractor", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        kind, value = self._answer(parent, STARTUP_SECONDS, "the extraction process")
        if kind == "error":
            self._stop()
            raise value
        return parent

    def _answer(self, conn: Connection, limit: float, source: str) -> tuple[str, Any]:
        """The child's next message; kills the child when it dies or takes longer than ``limit``."""
        deadline = time.monotonic() + limit
        while not conn.poll(_POLL_SECONDS):
            if not self._process.is_alive():
                code = self._process.exitcode
                self._stop()
                raise ExtractionError(
                    f"the extraction process stopped (exit code {code}) while reading it"
                    + (" (killed: out of memory?)" if code is not None and code < 0 else ""),
                    source=source,
                )
            if time.monotonic() > deadline:
                self._stop()
                raise ExtractionError(
                    f"no answer from the extraction process after {limit:g} s (setting nlp.article_seconds"
                    f" + {HARD_LIMIT_GRACE:g} s); it was stopped",
                    source=source,
                )
        try:
            return conn.recv()
        except (EOFError, OSError):
            self._stop()
            raise ExtractionError("the extraction process stopped while answering", source=source) from None

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=10)
        self._process, self._conn = None, None


def _serve(conn: Connection, settings: Settings, actor_files: tuple[str, ...]) -> None:
    """The child: load the extractor, then answer each article sent until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the parent ends the child
    os.nice(NICENESS)
    try:
        from parley.extractor import Extractor

        extractor = Extractor(settings, actor_files)
    except ParleyError as err:
        conn.send(("error", err))
        return
    conn.send(("ready", None))
    while True:
        try:
            article = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("records", extractor.extract(article))
        except ParleyError as err:
            answer = ("error", err)
        except Exception as exc:  # a bug on one text must not end the process for the next one
            failure = f"extraction failed: {type(exc).__name__}: {exc}"
            answer = ("error", ExtractionError(failure, source=article.source))
        try:
            conn.send(answer)
        except OSError:  # the server stopped waiting (it is shutting down, or gave up on the article)
            return
