"""``parley batch`` on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1.

The cluster is started once for the module with the ``dask scheduler`` and ``dask worker``
commands (as an operator would), each worker with a nanny that restarts it when it dies. Batches
are synthetic wire-style articles (``bench/synthetic.py``), each one unique. The CLI test starts
its own ``LocalCluster`` through ``parley batch --workers 1``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cloudpickle
import psycopg
import pytest
from distributed import Client

from parley.batch import DEFAULT_CHUNK_SIZE, BatchSummary, ExtractorPlugin, estimate_total, run_batch
from parley.flow import content_hash
from parley.records import Article
from parley.settings import load_settings
from parley.store import open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # noqa: E402

DASK = Path(sys.executable).parent / "dask"
PG_SERVER = os.environ.get("PARLEY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
START_TIMEOUT = 120  # seconds for the scheduler and workers to come up on a busy 2-core machine

pytestmark = pytest.mark.slow
# Workers cannot import this module: what they run from it travels by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@dataclass
class Cluster:
    """A running scheduler and its workers, all started by the test."""

    address: str
    processes: list[subprocess.Popen[bytes]]

    def worker_pids(self) -> dict[str, int]:
        """Worker address → PID of the worker process (not its nanny)."""
        with Client(self.address, set_as_default=False) as client:
            return client.run(os.getpid)

    def wait_for_workers(self, n: int) -> None:
        with Client(self.address, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """``dask scheduler`` on a free port of 127.0.0.1 and two ``dask worker`` processes."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str | Path, env: dict[str, str] | None = None) -> None:
        with (folder / f"{name}.log").open("wb") as log:  # the child keeps its own handle
            command = [DASK, *args, "--no-dashboard"]
            processes.append(
                # their scratch space in the test's folder, not a dask-scratch-space left in /tmp
                subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=log,
                    env={**os.environ, "DASK_TEMPORARY_DIRECTORY": str(folder), **(env or {})},
                )
            )

    try:
        # A chunk may kill 2 workers (Dask's default: 4) before it comes back as KilledWorker, so
        # that the poison test takes seconds, not minutes.
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", scheduler_file,
              env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"})  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
            assert processes[0].poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.2)
        for i in (1, 2):
            start(f"worker{i}", "worker", "--scheduler-file", scheduler_file, "--nworkers", "1", "--nthreads", "1",
                  "--host", "127.0.0.1", "--name", f"w{i}")  # fmt: skip
        address = json.loads(scheduler_file.read_text())["address"]
        running = Cluster(address, processes)
        running.wait_for_workers(2)
        yield running
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database on the real server, dropped afterwards."""
    name = f"parley_batch_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_batch(path: Path, count: int, seed: int) -> list[dict[str, str]]:
    """A JSONL batch of ``count`` unique synthetic articles; its rows."""
    rows = list(synthetic.articles(count, seed))
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def assert_stored_once(url: str, rows: list[dict[str, str]]) -> None:
    """Every row is in the store exactly once, nothing else is, and the store is sound."""
    with open_store(url) as store:
        articles = list(store.rows("articles"))
        assert store.integrity_problems() == []
    assert len(articles) == len(rows)
    assert sorted(a["key"] for a in articles) == sorted(r["id"] for r in rows)
    assert {a["content_hash"] for a in articles} == {content_hash(r["text"]) for r in rows}


def assert_clean(summary: BatchSummary) -> None:
    assert [str(p) for p in summary.problems if p.severity == "error"] == []


def test_batch_stores_each_article_once_and_a_rerun_stores_nothing(cluster: Cluster, tmp_path: Path) -> None:
    rows = write_batch(tmp_path / "news.jsonl", 240, seed=1)
    db = str(tmp_path / "parley.db")
    seen: list[tuple[int, int | None]] = []

    summary = run_batch(
        [tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=16,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip

    assert_clean(summary)
    assert (summary.stored, summary.skipped, summary.workers) == (240, 0, 2)
    assert summary.records > 240  # every article says something
    assert_stored_once(db, rows)
    assert seen[-1] == (240, 240) and [d for d, _ in seen] == sorted(d for d, _ in seen)

    again = run_batch([tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=16)
    assert (again.stored, again.skipped, again.failed) == (0, 240, 0)
    assert_stored_once(db, rows)


def test_an_interrupted_batch_is_finished_by_running_it_again(cluster: Cluster, tmp_path: Path) -> None:
    rows = write_batch(tmp_path / "news.jsonl", 64, seed=8)
    db = str(tmp_path / "parley.db")

    def interrupt(done: int, total: int | None) -> None:
        if done == 20:
            raise KeyboardInterrupt  # Ctrl-C, after the 20th article was stored

    with pytest.raises(KeyboardInterrupt):
        run_batch([tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=8, progress=interrupt)
    with open_store(db) as store:
        assert store.stats()["articles"] == 20
    summary = run_batch([tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=8)

    assert (summary.stored, summary.skipped, summary.failed) == (44, 20, 0)
    assert_stored_once(db, rows)


def test_a_worker_killed_mid_batch_costs_a_retry_not_the_batch(cluster: Cluster, tmp_path: Path) -> None:
    rows = write_batch(tmp_path / "news.jsonl", 160, seed=2)
    db = str(tmp_path / "parley.db")
    victim = sorted(cluster.worker_pids().values())[0]
    killed: list[int] = []

    def kill_once(done: int, total: int | None) -> None:
        if done >= 40 and not killed:  # both workers are busy: chunks are queued for each of them
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    summary = run_batch(
        [tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=8, progress=kill_once
    )

    assert killed == [victim]
    assert victim not in cluster.worker_pids().values()
    assert_clean(summary)
    assert (summary.stored, summary.skipped) == (160, 0)
    assert_stored_once(db, rows)
    cluster.wait_for_workers(2)  # the nanny brought the worker back for the tests after this one


def test_bad_input_is_reported_per_article_and_the_rest_is_stored(cluster: Cluster, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = list(synthetic.articles(40, seed=3))
    limit = 20_000
    lines = [json.dumps(r) for r in good[:20]]
    lines.insert(5, json.dumps({"id": "empty", "text": ""}))
    lines.insert(10, json.dumps({"id": "huge", "text": "Talks went on. " * 2000}))  # > input.max_bytes
    lines.insert(15, json.dumps({"id": "blank", "text": "   \n  "}))
    (folder / "a-batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "b-photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / "c-latin1.txt").write_bytes(
        "Talks in Malmö ended".encode("latin-1") + good[20]["text"].encode()
    )
    (folder / "d-empty.txt").write_bytes(b"")
    with (folder / "e-bytes.jsonl").open("wb") as out:
        for row in good[21:]:
            out.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
        out.write(b'{"id": "bad-utf8", "text": "Talks in Malm\xf6 ended on Tuesday without a deal."}\n')
    expected = good[:20] + good[21:]
    db = str(tmp_path / "parley.db")
    settings = load_settings(input={"max_bytes": limit})

    summary = run_batch([folder], db, scheduler=cluster.address, chunk_size=8, settings=settings)

    problems = {p.source: p for p in summary.problems if p.severity == "error"}
    batch, more = str(folder / "a-batch.jsonl"), str(folder / "e-bytes.jsonl")
    assert sorted(problems) == sorted(
        [f"{batch}:6", f"{batch}:11", f"{batch}:16", str(folder / "b-photo.txt"), str(folder / "c-latin1.txt"),
         str(folder / "d-empty.txt"), f"{more}:20"]
    )  # fmt: skip
    assert {p.code for p in problems.values()} <= {"P100", "P202"}
    assert "input.max_bytes" in problems[f"{batch}:11"].message
    assert "UTF-8" in problems[f"{more}:20"].message
    assert (summary.stored, summary.failed) == (len(expected), 7)
    assert_stored_once(db, expected)


class PoisonedExtractor(ExtractorPlugin):
    """Kills its worker process on any chunk holding a "POISON" article, as a crash in spaCy would."""

    def extract(self, articles: list[Article]) -> list:  # type: ignore[type-arg]
        if any("POISON" in article.text for article in articles):
            os._exit(13)
        return super().extract(articles)


def test_an_article_that_kills_every_worker_fails_alone(cluster: Cluster, tmp_path: Path) -> None:
    rows = list(synthetic.articles(24, seed=7))
    poison = {"id": "poison", "text": "POISON " + rows[0]["text"]}
    (tmp_path / "news.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in [*rows[:11], poison, *rows[11:]])
    )
    db = str(tmp_path / "parley.db")
    # Settings of its own give the plugin a name of its own: run_batch finds the poisoned one there.
    settings = load_settings(nlp={"batch_size": 7})
    with Client(cluster.address, set_as_default=False) as client:
        client.register_plugin(PoisonedExtractor(settings))

    summary = run_batch(
        [tmp_path / "news.jsonl"], db, scheduler=cluster.address, chunk_size=8, settings=settings
    )

    assert [(p.source, p.code) for p in summary.problems] == [(f"{tmp_path / 'news.jsonl'}:12", "P601")]
    assert "every worker that tried to extract this article died" in summary.problems[0].message
    assert summary.retried_chunks >= 1
    assert_stored_once(db, rows)
    cluster.wait_for_workers(2)


@pytest.mark.postgres
def test_batch_into_postgresql(cluster: Cluster, tmp_path: Path, pg_url: str) -> None:
    rows = write_batch(tmp_path / "news.jsonl", 120, seed=4)

    summary = run_batch([tmp_path / "news.jsonl"], pg_url, scheduler=cluster.address, chunk_size=16)

    assert_clean(summary)
    assert summary.stored == 120
    assert_stored_once(pg_url, rows)
    again = run_batch([tmp_path / "news.jsonl"], pg_url, scheduler=cluster.address)
    assert (again.stored, again.skipped) == (0, 120)


def test_cli_on_a_local_cluster(tmp_path: Path) -> None:
    rows = write_batch(tmp_path / "news.jsonl", 24, seed=5)
    (tmp_path / "photo.txt").write_bytes(bytes(300))
    db = str(tmp_path / "parley.db")
    command = [sys.executable, "-m", "parley", "batch", str(tmp_path / "news.jsonl"), str(tmp_path / "photo.txt"),
               "--db", db, "--workers", "1", "--chunk-size", "8"]  # fmt: skip

    temp = tmp_path / "temp"  # the system's temp folder for the batch: nothing may be left in it
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    first = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    second = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)

    assert first.returncode == 1, first.stderr  # the binary file could not be stored
    assert f"parley: {tmp_path / 'photo.txt'}: error: binary file" in first.stderr
    summary = first.stderr.strip().splitlines()[-1]
    assert summary.startswith("24 stored (") and "0 skipped as already present, 1 problems" in summary
    assert "articles/s on 1 workers" in summary
    assert "Traceback" not in first.stderr
    assert (
        second.stderr.strip()
        .splitlines()[-1]
        .startswith("0 stored (0 near-duplicates, 0 records), 24 skipped")
    )
    assert_stored_once(db, rows)
    assert list(temp.iterdir()) == []  # the local cluster's scratch space went with it


def test_cli_help_names_the_default_chunk_size(capsys: pytest.CaptureFixture[str]) -> None:
    from parley.cli import main

    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    assert f"(default: {DEFAULT_CHUNK_SIZE})" in " ".join(capsys.readouterr().out.split())


def test_estimate_total_counts_files_and_batch_lines(tmp_path: Path) -> None:
    write_batch(tmp_path / "a.jsonl", 7, seed=6)
    (tmp_path / "b.csv").write_text("text\nfirst article\nsecond article\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("an article", encoding="utf-8")
    (tmp_path / "sub" / "c.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden").write_text("not read", encoding="utf-8")

    assert estimate_total([str(tmp_path)]) == 7 + 2 + 1
    assert estimate_total([str(tmp_path / "a.jsonl"), "https://example.org/feed.xml"]) is None
