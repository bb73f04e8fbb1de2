"""What the batch benchmarks share: batches, a local Dask cluster, scratch stores, one timed run.

Each measurement starts a fresh ``LocalCluster`` (one single-threaded process per worker, as
``parley batch --workers N`` does), loads parley's extractor on its workers by registering the same
:class:`~parley.batch.ExtractorPlugin` that ``run_batch`` registers (which then finds it there), and
points :func:`parley.batch.run_batch` at the scheduler. So throughput leaves out the startup (it is
what a long batch runs at), and the benchmark can ask the workers for their CPU time and peak
memory. CPU seconds per article tell apart what the work costs from what a busy machine lends it.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from parley.batch import ExtractorPlugin, run_batch  # noqa: E402
from parley.settings import load_settings  # noqa: E402

PG_SERVER = os.environ.get("PARLEY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
MB = 1 << 20


@dataclass
class Run:
    """One benchmark batch: its size, workers, backend and figures."""

    articles: int
    workers: int
    backend: str
    seconds: float  # wall time of run_batch, startup included
    startup: float
    storing: float  # seconds the client spent in flow.commit
    stored: int
    worker_cpu: float  # CPU seconds of all workers during the batch
    client_cpu: float  # CPU seconds of this process (client, and the local scheduler) during it
    worker_peak_mb: float  # largest peak RSS among the workers
    client_peak_mb: float  # the client's peak RSS during the batch
    client_base_mb: float  # the client's RSS before it

    @property
    def rate(self) -> float:
        """Articles stored per second, startup left out."""
        return self.stored / (self.seconds - self.startup)

    @property
    def worker_ms(self) -> float:
        """Worker CPU milliseconds per article (extraction)."""
        return 1000 * self.worker_cpu / self.stored

    @property
    def client_ms(self) -> float:
        """Client CPU milliseconds per article (reading, hashing, storing, scheduling)."""
        return 1000 * self.client_cpu / self.stored


def make_batch(folder: Path, count: int, seed: int = 0) -> Path:
    """A JSONL batch of ``count`` synthetic articles in ``folder`` (written once, then reused)."""
    path = folder / f"synthetic-{count}-{seed}.jsonl"
    if not path.exists():
        synthetic.write_jsonl(path.with_suffix(".tmp"), count, seed).rename(path)
    return path


@contextmanager
def scratch_store(folder: Path, backend: str) -> Iterator[str]:
    """The URL of an empty store: a new SQLite file, or a scratch PostgreSQL database (dropped after)."""
    if backend == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.db"
        try:
            yield str(path)
        finally:
            for leftover in folder.glob(path.name + "*"):
                leftover.unlink()
        return
    import psycopg

    name = f"parley_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _PeakRss:
    """Samples this process's RSS in a thread; ``peak`` is the largest seen."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _peak_rss() -> int:
    """Run on a worker: its process's peak RSS in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu_seconds() -> float:
    """Run on a worker (or here): user + system CPU seconds of this process so far."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


def timed_run(batch: Path, count: int, workers: int, backend: str, folder: Path, chunk_size: int = 32) -> Run:
    """Run ``parley batch`` over ``batch`` on a fresh local cluster into a fresh store; its figures."""
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
        scratch_store(folder, backend) as url,
    ):
        client.register_plugin(ExtractorPlugin(load_settings()))
        base = psutil.Process().memory_info().rss
        workers_before, client_before = sum(client.run(_cpu_seconds).values()), _cpu_seconds()
        with _PeakRss() as client_rss:
            summary = run_batch([batch], url, scheduler=cluster.scheduler_address, chunk_size=chunk_size)
        client_cpu = _cpu_seconds() - client_before
        worker_cpu = sum(client.run(_cpu_seconds).values()) - workers_before
        worker_peak = max(client.run(_peak_rss).values())
    if summary.failed or summary.stored != count:
        raise SystemExit(f"batch went wrong: {summary.line()}; {summary.problems[:3]}")
    return Run(
        articles=count,
        workers=workers,
        backend=backend,
        seconds=summary.elapsed,
        startup=summary.startup,
        storing=summary.storing,
        stored=summary.stored,
        worker_cpu=worker_cpu,
        client_cpu=client_cpu,
        worker_peak_mb=worker_peak / MB,
        client_peak_mb=client_rss.peak / MB,
        client_base_mb=base / MB,
    )


def machine() -> str:
    """One line about the machine and how busy it was, to read the figures by."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {psutil.virtual_memory().total / (1 << 30):.0f} GiB RAM, load average {load}"
