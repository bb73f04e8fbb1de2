"""Batch extraction on a Dask cluster: sources in, records out on the workers, stored here.

::

    sources ──read_sources (lazy)──▶ skip if stored (content hash) ──chunks──▶ Dask workers
                                                                                 │ ExtractorPlugin:
    store ◀── flow.commit, one transaction per article ◀── (Article, Records) ◀──┘ spaCy loaded once

The client (this process) reads the sources lazily, drops articles the store already holds (one
query per chunk's worth; so an interrupted batch is finished by running it again), and keeps at
most a few chunks per worker thread in flight: reading waits for results, so a batch of any length
runs in bounded memory. Each worker loads the spaCy pipeline and the actor registry once, in
:class:`ExtractorPlugin`, and sends back records; only the client writes, through
:func:`parley.flow.commit`. On PostgreSQL it commits a chunk's articles with one committer thread
(and connection) per worker thread, concurrently; on SQLite, which has one writer, with one.

A worker that dies takes its chunk with it: the scheduler runs the chunk again on another worker.
When a chunk has killed workers too often (Dask's ``KilledWorker``), the client holds back new
chunks and runs its articles one at a time, each alone on the cluster, so only an article that
kills workers by itself fails. Bad input is
never fatal: unreadable sources and articles that fail extraction are collected, per article, in
the :class:`BatchSummary`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker

from parley.actors import ActorRegistry
from parley.errors import ClusterError, ExtractionError, ParleyError
from parley.files import is_regular, open_source
from parley.flow import commit, content_hash, extract_each
from parley.ingest import InputProblem, read_sources
from parley.ingest.sources import SIDECAR_SUFFIX
from parley.records import Article, Records
from parley.settings import Settings, load_settings
from parley.store import Store, open_store

#: Articles per task sent to a worker (each one is parsed by ``nlp.pipe`` in one go).
DEFAULT_CHUNK_SIZE = 32
#: Chunks in flight per worker thread: one being extracted, one waiting so the worker never idles.
CHUNKS_PER_THREAD = 2
#: Times Dask re-runs a chunk whose task raised (a worker's death is retried by the scheduler).
TASK_RETRIES = 2
#: Seconds to wait for a first worker to join a scheduler given with ``--scheduler``.
WORKER_WAIT_SECONDS = 60.0

Progress = Callable[[int, int | None], None]
"""Called with (articles done, estimated total or None) each time the count changes."""

Outcome = tuple[Article, Records | InputProblem]
"""What a worker returns for one article: its records, or why it could not be read."""


@dataclass
class BatchSummary:
    """What a batch did; ``problems`` lists every source or article that failed, and warnings."""

    stored: int = 0
    skipped: int = 0  # already in the store (found before sending, or when committing)
    near_duplicates: int = 0  # stored, and linked to an earlier article of the same wire story
    records: int = 0  # statements and records stored
    problems: list[InputProblem] = field(default_factory=list)
    retried_chunks: int = 0  # chunks split and sent again after killing workers
    workers: int = 0  # workers connected when the batch started
    startup: float = 0.0  # seconds to start or reach the cluster and load the pipeline on it
    storing: float = 0.0  # seconds the client spent writing to the store
    elapsed: float = 0.0  # seconds in all, startup included

    @property
    def failed(self) -> int:
        """Sources and articles that could not be stored (warnings not counted)."""
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        """Articles stored with a caveat (e.g. not English)."""
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def done(self) -> int:
        """Articles and sources dealt with: stored, skipped or failed."""
        return self.stored + self.skipped + self.failed

    @property
    def rate(self) -> float:
        """Articles dealt with per second, startup included."""
        return self.done / self.elapsed if self.elapsed else 0.0

    def line(self) -> str:
        """The one-line summary printed at the end of ``parley batch``."""
        warned = f", {self.warnings} warnings" if self.warnings else ""
        retried = f", {self.retried_chunks} chunks retried" if self.retried_chunks else ""
        return (
            f"{self.stored} stored ({self.near_duplicates} near-duplicates, {self.records} records), "
            f"{self.skipped} skipped as already present, {self.failed} problems{warned}{retried}; "
            f"{self.elapsed:.1f} s, {self.rate:.1f} articles/s on {self.workers} workers"
        )


class ExtractorPlugin(WorkerPlugin):
    """Loads parley's extractor once per worker process and runs chunks through it.

    The plugin travels to the workers pickled with the client's settings and actor file paths
    (the files themselves must exist at the same paths on every worker machine). Its name carries
    a digest of both, so batches with different settings can share a cluster.
    """

    idempotent = True  # a worker that already has this exact extractor keeps it

    def __init__(self, settings: Settings, actor_files: Iterable[str] = ()) -> None:
        self.settings = settings
        self.actor_files = tuple(str(f) for f in actor_files)
        digest = hashlib.sha256(repr(settings).encode("utf-8"))
        for path in self.actor_files:
            digest.update(Path(path).read_bytes())
        self.name = f"parley-extractor-{digest.hexdigest()[:12]}"

    def setup(self, worker: Any) -> None:
        """Load the spaCy pipeline and the actor registry (once per worker process)."""
        from parley.extractor import Extractor

        self._extractor = Extractor(self.settings, self.actor_files)
        # A worker started with several threads runs tasks concurrently; one pipeline, one at a time.
        self._lock = threading.Lock()

    def extract(self, articles: list[Article]) -> list[Outcome]:
        """The records of each article; an article that fails is retried alone and reported."""
        with self._lock:
            return [
                (
                    article,
                    InputProblem.from_error(got, article.source) if isinstance(got, ParleyError) else got,
                )
                for article, got in extract_each(self._extractor, articles, len(articles) or 1)
            ]


def extract_chunk(plugin_name: str, articles: list[Article]) -> list[Outcome]:
    """The task run on a worker: extract a chunk with the worker's :class:`ExtractorPlugin`."""
    worker = get_worker()
    plugin = worker.plugins.get(plugin_name)
    if plugin is None or not hasattr(plugin, "_extractor"):
        raise ClusterError(f"the parley extractor is not loaded on worker {worker.address}")
    return plugin.extract(articles)


def estimate_total(sources: Iterable[str]) -> int | None:
    """About how many articles ``sources`` hold, for a progress bar; None when it cannot be known.

    Counts files in directories and lines in JSONL/CSV batches without parsing them (a CSV row
    spanning lines counts more than once, a feed file once). URLs and stdin make it unknown.
    """
    total = 0
    for source in sources:
        if source == "-" or "://" in source:
            return None
        path = Path(source)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX):
                        total += _count_file(Path(root, name))
        else:
            total += _count_file(path)
    return total


def _count_file(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv") or not is_regular(path):
        return 1  # a FIFO is never opened here: that would wait for a writer
    try:
        with open_source(path) as stream:
            lines = sum(1 for line in stream if line.strip())
    except OSError:
        return 1  # read_sources reports it as one problem
    return max(lines - (suffix == ".csv"), 1)


@dataclass
class _Chunk:
    articles: list[Article]
    hashes: list[str]
    alone: bool = False  # a suspect sent on its own: nothing else was running on the cluster


class _Batch:
    """The state of one :func:`run_batch`: the store, the client, chunks in flight, the summary."""

    def __init__(
        self,
        stores: Sequence[Store],
        client: Client,
        plugin_name: str,
        *,
        settings: Settings,
        registry: ActorRegistry,
        process: str | None,
        total: int | None,
        progress: Progress | None,
        summary: BatchSummary,
    ) -> None:
        self.store = stores[0]
        # Committers: each commit takes a connection of its own from here (one per thread).
        self.idle: queue.SimpleQueue[Store] = queue.SimpleQueue()
        for store in stores:
            self.idle.put(store)
        self.committers = len(stores)
        self.counting = threading.Lock()  # the summary, updated by the committers
        self.client = client
        self.plugin_name = plugin_name
        self.settings = settings
        self.registry = registry
        self.process = process
        self.total = total
        self.progress = progress
        self.summary = summary
        self.in_flight: dict[Any, _Chunk] = {}
        self.sending: set[str] = set()  # content hashes in flight: a repeat in the batch is skipped
        self.suspects: deque[_Chunk] = deque()  # articles of chunks that killed workers, to run alone
        self.completed = as_completed(loop=client.loop)

    def run(self, items: Iterator[Article | InputProblem], chunk_size: int) -> None:
        """Send chunks while there is room, store results as they come, until all are done."""
        chunks = self._chunks(items, chunk_size)
        self._fill(chunks)
        while self.in_flight:
            future = next(self.completed)
            self._finish(future, self.in_flight.pop(future))
            self._fill(chunks)

    def _fill(self, chunks: Iterator[_Chunk]) -> None:
        if self.suspects:  # quarantine: no new chunks until each suspect has run alone
            if not self.in_flight:
                suspect = self.suspects.popleft()
                suspect.alone = True
                self._submit(suspect)
            return
        # Asked each time: workers that join (or leave) a running cluster change the room.
        threads = max(sum(self.client.nthreads().values()), 1)
        while len(self.in_flight) < threads * CHUNKS_PER_THREAD:
            chunk = next(chunks, None)
            if chunk is None:
                return
            self._submit(chunk)

    def _submit(self, chunk: _Chunk) -> None:
        future = self.client.submit(
            extract_chunk, self.plugin_name, chunk.articles, retries=TASK_RETRIES, pure=False
        )
        self.in_flight[future] = chunk
        self.completed.add(future)

    def _chunks(self, items: Iterator[Article | InputProblem], size: int) -> Iterator[_Chunk]:
        """Chunks of articles the store does not hold yet; problems go to the summary on the way."""
        chunk = _Chunk([], [])
        for article, digest in self._unstored(items, size):
            chunk.articles.append(article)
            chunk.hashes.append(digest)
            if len(chunk.articles) >= size:
                yield chunk
                chunk = _Chunk([], [])
        if chunk.articles:
            yield chunk

    def _unstored(self, items: Iterator[Article | InputProblem], size: int) -> Iterator[tuple[Article, str]]:
        """Articles (with their content hashes) neither stored nor already sent; the store is
        asked about ``size`` of them at a time."""
        pending: list[tuple[Article, str]] = []
        for item in items:
            if isinstance(item, InputProblem):
                self.summary.problems.append(item)
                if item.severity == "error":
                    self._advance()
                continue
            digest = content_hash(item.text)
            if digest in self.sending:
                self.summary.skipped += 1
                self._advance()
                continue
            self.sending.add(digest)
            pending.append((item, digest))
            if len(pending) >= size:
                yield from self._drop_stored(pending)
                pending = []
        yield from self._drop_stored(pending)

    def _drop_stored(self, pending: list[tuple[Article, str]]) -> Iterator[tuple[Article, str]]:
        """The pending articles the store does not hold, in one query; the others count as skipped."""
        stored = self.store.articles_by_hash([digest for _, digest in pending]) if pending else {}
        for article, digest in pending:
            if digest in stored:
                self.sending.discard(digest)
                self.summary.skipped += 1
                self._advance()
            else:
                yield article, digest

    def _finish(self, future: Any, chunk: _Chunk) -> None:
        """Store a finished chunk's records, or deal with why it failed."""
        try:
            outcomes = future.result()
        except KilledWorker:
            self._killed(chunk)
            return
        except CancelledError as exc:
            raise ClusterError("the Dask scheduler cancelled the batch (connection lost?)") from exc
        except ParleyError as err:  # the task itself failed (retries spent): every article of it
            outcomes = [(a, InputProblem.from_error(err, a.source)) for a in chunk.articles]
        except Exception as exc:
            message = f"the chunk failed on the cluster: {type(exc).__name__}: {exc}"
            outcomes = [(a, InputProblem(a.source, message, ClusterError.code)) for a in chunk.articles]
        finally:
            future.release()
        self._store_all(outcomes)
        self.sending.difference_update(chunk.hashes)

    def _killed(self, chunk: _Chunk) -> None:
        """A chunk whose workers died too often: find the article at fault by running each alone.

        A worker's death also marks the chunks queued beside the one that killed it, so a chunk
        (even of one article) that comes back as KilledWorker is only a suspect. Its articles are
        quarantined and run one at a time with nothing else on the cluster; an article that kills
        workers even so is reported, and not stored: a re-run of the batch tries it again.
        """
        if chunk.alone:
            article = chunk.articles[0]
            message = "every worker that tried to extract this article died (see the worker logs)"
            self._store_all([(article, InputProblem(article.source, message, ExtractionError.code))])
            self.sending.difference_update(chunk.hashes)
            return
        self.summary.retried_chunks += 1
        for article, digest in zip(chunk.articles, chunk.hashes, strict=True):
            self.suspects.append(_Chunk([article], [digest]))

    def _store_all(self, outcomes: list[Outcome]) -> None:
        """Commit a chunk's outcomes, ``committers`` at a time, and count them in the summary."""
        started = time.perf_counter()
        if self.committers == 1 or len(outcomes) == 1:
            for outcome in outcomes:
                self._store(*outcome)
        else:
            with ThreadPoolExecutor(max_workers=self.committers, thread_name_prefix="parley-commit") as pool:
                for done in [pool.submit(self._store, *outcome) for outcome in outcomes]:
                    done.result()
        self.summary.storing += time.perf_counter() - started

    def _store(self, article: Article, result: Records | InputProblem) -> None:
        """Commit one article on an idle connection (or record its problem) and count it."""
        if isinstance(result, InputProblem):
            with self.counting:
                self.summary.problems.append(result)
                self._advance()
            return
        store = self.idle.get()
        try:
            taken = commit(
                store, article, result, process=self.process, settings=self.settings, registry=self.registry
            )
        except ParleyError as err:
            taken = None
            problem = InputProblem.from_error(err, article.source)
        finally:
            self.idle.put(store)
        with self.counting:
            if taken is None:
                self.summary.problems.append(problem)
            elif taken.status == "stored":
                self.summary.stored += 1
                self.summary.records += taken.records
                self.summary.near_duplicates += taken.duplicate_of is not None
            else:
                self.summary.skipped += 1
            self._advance()

    def _advance(self) -> None:
        if self.progress is not None:
            done = self.summary.done
            total = None if self.total is None else max(self.total, done)
            self.progress(done, total)


def run_batch(
    sources: Iterable[str | os.PathLike[str]],
    store_url: str | None = None,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    settings: Settings | None = None,
    actor_files: Iterable[str] = (),
    process: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    allow_private: bool | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Extract and store every article in ``sources`` using a Dask cluster; return the summary.

    ``chunk_size`` articles go to a worker at a time (default :data:`DEFAULT_CHUNK_SIZE`).
    ``scheduler`` is the address of a running Dask scheduler (``tcp://host:8786``); without it a
    local cluster of ``workers`` processes (default: one per core) is started and stopped.
    ``store_url`` is as for :func:`parley.store.open_store`. ``published``, ``outlet`` and
    ``allow_private`` are passed to :func:`parley.ingest.read_sources`; ``process`` to
    :func:`parley.flow.commit`. Raises :class:`ClusterError` when the cluster cannot be used and
    ``StoreError`` when the store cannot be opened; bad input only ever ends up in the summary.
    """
    chunk_size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    started = time.perf_counter()
    settings = settings or load_settings()
    names = [os.fspath(s) for s in sources]
    actor_files = tuple(str(f) for f in actor_files)
    registry = ActorRegistry.load(actor_files)  # on the client too: commit resolves parties with it
    summary = BatchSummary()
    with ExitStack() as stack:
        store = stack.enter_context(open_store(store_url, settings))
        client = stack.enter_context(_connect(scheduler, workers))
        plugin = ExtractorPlugin(settings, actor_files)
        client.register_plugin(plugin)
        summary.workers = len(client.nthreads())
        # As many committers as worker threads on PostgreSQL; SQLite takes one writer at a time.
        committers = max(sum(client.nthreads().values()), 1) if store.backend == "postgresql" else 1
        stores = [
            store,
            *(stack.enter_context(open_store(store_url, settings)) for _ in range(committers - 1)),
        ]
        summary.startup = time.perf_counter() - started
        batch = _Batch(
            stores,
            client,
            plugin.name,
            settings=settings,
            registry=registry,
            process=process,
            total=estimate_total(names),
            progress=progress,
            summary=summary,
        )
        items = read_sources(names, settings, published=published, outlet=outlet, allow_private=allow_private)
        batch.run(items, chunk_size)
        summary.elapsed = time.perf_counter() - started  # the cluster's shutdown is not the batch's work
    return summary


@contextmanager
def _connect(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster started for the batch."""
    if scheduler is None:
        n = workers or os.cpu_count() or 1
        # The workers' scratch space (spilled data, locks) in a folder of the batch's own, removed
        # after it: Dask's default is a dask-scratch-space folder left in the system's temp folder.
        with (
            tempfile.TemporaryDirectory(prefix="parley-dask-") as scratch,
            dask.config.set({"temporary-directory": scratch}),
        ):
            # Errors only: a worker the nanny kills at shutdown (slow to exit under load) is no news.
            local = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
                local_directory=scratch,
            )
            with local as cluster, Client(cluster, set_as_default=False) as client:
                yield client
        return
    try:
        client = Client(scheduler, set_as_default=False)  # Dask's connect timeout (30 s, configurable)
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler: {exc}", source=scheduler) from exc
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError as exc:
            raise ClusterError(
                f"no Dask worker joined the scheduler within {WORKER_WAIT_SECONDS:.0f} s", source=scheduler
            ) from exc
        yield client
