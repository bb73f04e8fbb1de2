"""Store benchmark: ingest throughput, board latency and every web endpoint, on SQLite and PostgreSQL.

    .venv/bin/python bench/store_bench.py                      # SQLite and PostgreSQL, 10k and 100k
    .venv/bin/python bench/store_bench.py --backends sqlite --sizes 10000
    .venv/bin/python bench/store_bench.py --backends sqlite --keep /tmp/bench.db   # fill once, measure again
    .venv/bin/python bench/store_bench.py --fill /tmp/parley-100k.db --sizes 10000 30000 100000 --snapshots
    .venv/bin/python bench/store_bench.py --web /tmp/parley-100k.db postgresql://postgres@127.0.0.1:5432/p100k


    .venv/bin/python bench/store_bench.py --compare --sizes 10000 30000 100000 --ingest 500 --runs 0
    .venv/bin/python bench/store_bench.py --tile /tmp/parley-1m.db 10        # a copy of a 100k store
    .venv/bin/python bench/store_bench.py --ingest-into /tmp/parley-1m.db postgresql://postgres@127.0.0.1:5432/p1m

1. **Ingest**: ``flow.commit`` of synthetic articles (records made, not extracted: this measures the
   store, the near-duplicate check and consolidation), one transaction per article as in
   ``parley ingest``: articles/s, records/s and round trips per article (``Store.round_trips``),
   into the empty store and again once it holds each size. With ``--compare``, SQLite and
   PostgreSQL hold the same articles at each size (SQLite filled through the commit path,
   PostgreSQL a copy of it made with ``Store.copy_to``, i.e. COPY) and take the same new articles,
   one backend after the other: the PostgreSQL/SQLite ratio of one run on one machine.
2. **Board**: the store is filled to each size (in batches of articles per transaction, to get
   there sooner; the facts are the same), then ``analysis.board`` is timed for one process on the
   latest day, for one process on a day in the past (corroboration recounted as of that day), and
   for all processes: p50 and p95 in milliseconds. Target: p95 < 200 ms at 100,000 articles on SQLite.

3. **Web** (``--web URL...``, or after each size with ``--endpoints``): every GET endpoint of
   ``/openapi.json`` (the JSON API and every page with its ``.json`` twin) and a few filtered and
   second-page variants, requested in-process one at a time: p50 and p95 in milliseconds, the
   answer's size, this (serving) process's RSS, the database's size per article, and a whole
   table (statements) streamed from ``/api/export`` with the RSS before and after.
   Target: every p95 < 300 ms and RSS < 400 MB at 100,000 articles on both backends.

``--copy SQLITE URL`` bulk-loads the rows of a filled SQLite store into an empty PostgreSQL
database (``COPY``): the quick way to a large PostgreSQL store to read from. ``--tile URL 10``
makes a store hold ten copies of its rows, each a negotiation archive of its own (processes
``GEO``, ``GEO-2`` … ``GEO-10``, ids moved past the previous copy's): a 100,000-article store
filled through the commit path becomes a 1,000,000-article one in minutes. ``--ingest-into URL...``
commits the same new articles (``--ingest`` of news after the newest stored day, then as many of
an archive of the stored days) into stores holding the same articles, one after the other.
With ``--texts DIR`` it ingests those real articles end to end instead (extraction
included, ``--rounds`` times, deleted again after each round): what the commit's share of an
article's whole ingest is at each size. ``--fill URL`` fills a store (SQLite path or PostgreSQL URL) to each of ``--sizes`` and stops; with
``--snapshots`` it copies the store at each size (``NAME-10k.db``; PostgreSQL: a database
``NAME_10k`` made from it as a template), so that each size can be measured with ``--web``.

The synthetic news: 20 negotiation processes of 2–4 parties each plus mediators, 40 outlets, two
years of articles, each with 1–3 statements and about 5 records of every kind, a few of them
near-duplicates (a wire story carried by another outlet). PostgreSQL runs in a scratch database
created on 127.0.0.1:5432 and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from parley import analysis, flow
from parley.extractor import Extractor
from parley.ingest.sources import read_sources
from parley.records import (
    ISSUES,
    Article,
    Commitment,
    Document,
    Meeting,
    Position,
    Proposal,
    Records,
    Statement,
    Threat,
    Violation,
)
from parley.settings import load_settings
from parley.store import Store, open_store

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
STATES = ["RUS", "UKR", "ISR", "PSE", "IND", "PAK", "THA", "KHM", "COD", "RWA", "SDN", "ARM", "AZE", "ETH",
          "ERI", "SRB", "KOS", "YEM", "SAU", "LBN", "SYR", "TUR", "GEO", "MDA", "MMR", "COL", "VEN", "LBY"]  # fmt: skip
GROUPS = ["hamas", "hezbollah", "m23", "rsf", "houthis"]
MEDIATORS = ["USA", "QAT", "EGY", "TUR", "FRA", "CHN", "un", "eu", "SAU", "NOR"]
PLACES = ["Riyadh", "Istanbul", "Doha", "Cairo", "Geneva", "Jeddah", "Paris", "Washington", "Oslo", "Vienna"]
WORDS = [f"w{i:04d}" for i in range(3000)]
START = date(2024, 1, 1)


class Synthetic:
    """A reproducible stream of synthetic articles with their records."""

    def __init__(self, seed: int = 7, processes: int = 20, stream: int = 0) -> None:
        """The same ``seed`` gives the same processes; ``stream`` picks which articles follow."""
        self.rng = random.Random(seed)
        actors = STATES + GROUPS
        self.rng.shuffle(actors)
        self.processes = [
            (actors[2 * i % len(actors)], actors[(2 * i + 1) % len(actors)], *self.rng.sample(MEDIATORS, 2))
            for i in range(processes)
        ]
        self.outlets = [f"outlet:site-{i}" for i in range(40)]
        self.stance = {}  # (party, issue) -> whether it refuses; flips rarely, as positions do
        self.recent: list[Article] = []
        self.rng = random.Random(f"{seed}/{stream}")

    def articles(self, count: int, days: int = 730) -> Iterator[tuple[Article, Records]]:
        for n in range(count):
            day = START + timedelta(
                days=min(days - 1, int(n * days / max(count, 1)) + self.rng.randint(-3, 3))
            )
            yield self.article(day)

    def article(self, day: date) -> tuple[Article, Records]:
        rng = self.rng
        published = max(day, START).isoformat()
        if self.recent and rng.random() < 0.03:  # the same wire story on another site
            original = rng.choice(self.recent)
            text = original.text + f" {rng.choice(WORDS)}."
            return Article(text=text, source="carried", published=published, outlet=rng.choice(self.outlets)), \
                self._records(rng.choice(self.processes), published, text)  # fmt: skip
        parties = rng.choice(self.processes)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 260))) + "."
        article = Article(text=text, source=f"synthetic-{uuid.uuid4().hex[:8]}", published=published,
                          outlet=rng.choice(self.outlets))  # fmt: skip
        self.recent = (self.recent + [article])[-50:]
        return article, self._records(parties, published, text)

    def _records(self, parties: tuple[str, ...], published: str, text: str) -> Records:
        rng = self.rng
        a, b, mediator = parties[0], parties[1], parties[2]
        issues = rng.sample(ISSUES[:15], 4)
        statements = []
        for i in range(rng.randint(1, 3)):
            speaker = rng.choice([a, b, mediator, f"anon:{a}", "anon", f"person:leader-{b.lower()}"])
            statements.append(Statement(span=(i * 40, i * 40 + 39), speaker=speaker, via=[]))
        refuses = self.stance.setdefault((a, issues[2]), rng.random() < 0.5)
        if rng.random() < 0.01:
            self.stance[(a, issues[2])] = refuses = not refuses
        records = Records(
            document=Document(id=text[:12], published=published),
            statements=statements,
            commitments=[Commitment(party=rng.choice([a, b]), issue=issues[0], text="halt strikes for a month",
                                    duration_days=rng.choice([None, 30, 60]), conditional=rng.random() < 0.3,
                                    condition_issue=issues[1], statement=0)],
            proposals=[Proposal(proposer=mediator, issue=issues[1], text="ease the measures in stages")],
            positions=[Position(party=a, issue=issues[2], red_line=refuses and rng.random() < 0.5,
                                text="will not accept this" if refuses else "ready to accept this", statement=0)],
            threats=[Threat(actor=b, issue=issues[3], target=[a], text="will resume strikes within a week",
                            has_deadline=True, deadline="within a week")] if rng.random() < 0.5 else [],
            violations=[Violation(accused=a, issue=issues[0], accuser=b, text="broke the truce")]
            if rng.random() < 0.3 else [],
            meetings=[Meeting(place=rng.choice(PLACES), date=published, participants=[a, b, mediator])]
            if rng.random() < 0.2 else [],
        )  # fmt: skip
        return records


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ingest(store: Store, articles: list[tuple[Article, Records]]) -> dict[str, float]:
    """Commit ``articles`` one transaction each: articles/s, records/s, round trips per article
    (``Store.round_trips``: statements waited for, commits included) and this process's CPU
    milliseconds per article (PostgreSQL's own work is not in it)."""
    settings = load_settings()
    trips, cpu, started = store.round_trips, time.process_time(), time.perf_counter()
    for article, made in articles:
        flow.commit(store, article, made, settings=settings)
    seconds = time.perf_counter() - started
    return {
        "articles/s": len(articles) / seconds,
        "records/s": sum(made.count() for _, made in articles) / seconds,
        "round trips": (store.round_trips - trips) / len(articles),
        "cpu ms": (time.process_time() - cpu) * 1000 / len(articles),
    }


def batches(store: Store, count: int, stream: int) -> dict[str, list[tuple[Article, Records]]]:
    """Two batches of ``count`` articles to ingest into a filled store: ``news``, the news of the
    days after the newest stored article (100 a day: a store kept up to date), and ``archive``,
    articles of any day of the two stored years (an archive loaded late). Facts reported again after
    an article's day have their sources counted again up to that day for its alerts (the facts the
    alerts are about), so the archive's cost grows with the sources of those facts; the news' does not."""
    newest = date.fromisoformat(store.articles(limit=1)[0]["seen"]) if store.stats()["articles"] else START
    source = Synthetic(stream=stream)
    news = [source.article(newest + timedelta(days=1 + i // 100)) for i in range(count)]
    return {"news": news, "archive": list(Synthetic(stream=stream + 1).articles(count))}


def report_ingest(
    backend: str, store: Store, articles: list[tuple[Article, Records]], label: str = ""
) -> None:
    """Print the ingest rate through ``flow.commit`` into the store as it is now."""
    size = store.stats()["articles"]
    got = ingest(store, articles)
    print(f"{backend:10} ingest at {size:>7,} articles{f' ({label})' if label else ''}: {got['articles/s']:7.1f}"
          f" articles/s  {got['records/s']:8.1f} records/s  {got['round trips']:4.1f} round trips/article"
          f"  client CPU {got['cpu ms']:4.1f} ms/article  ({len(articles)} articles, one transaction each;"
          f" load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


def fill(store: Store, source: Synthetic, count: int, batch: int = 500, every: int = 10_000) -> None:
    """Add ``count`` articles, ``batch`` per transaction (commit joins the outer transaction),
    printing the commit path's rate for each ``every`` articles: its flatness as the store grows."""
    settings = load_settings()
    stream = source.articles(count)
    done, lap, lap_cpu = 0, time.perf_counter(), time.process_time()
    while done < count:
        with store.transaction():
            for article, made in (next(stream) for _ in range(min(batch, count - done))):
                flow.commit(store, article, made, settings=settings)
                done += 1
        if done % every == 0 or done == count:
            now, cpu = time.perf_counter(), time.process_time()
            laps = (done - 1) % every + 1
            print(f"  +{done:,} articles: {laps / (now - lap):6.1f} articles/s, client CPU"
                  f" {(cpu - lap_cpu) * 1000 / laps:4.1f} ms/article (load average {os.getloadavg()[0]:.1f})",
                  flush=True)  # fmt: skip
            lap, lap_cpu = now, cpu


def board_latency(store: Store, runs: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of board() in ms: one process on the latest day, one on a past day, all processes."""
    names = [p["name"] for p in store.processes(counts=False)]
    rng = random.Random(3)
    last = max(a["seen"] for a in store.articles(limit=1))
    cases = {
        "one process, latest day": lambda: analysis.board(store, process=rng.choice(names), as_of=last),
        "one process, a past day": lambda: analysis.board(
            store, process=rng.choice(names), as_of=(START + timedelta(days=rng.randint(60, 700))).isoformat()
        ),
        "all processes, latest day": lambda: analysis.board(store, as_of=last),
    }
    out = {}
    for label, call in cases.items():
        call()  # warm caches (settings, actor registry)
        times = []
        for _ in range(runs if "all" not in label else max(5, runs // 4)):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        out[label] = (statistics.median(times), percentile(times, 0.95))
    return out


def rss_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MB."""
    now = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
    return now, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database_bytes(url: str) -> int:
    """The size of the database: the SQLite file with its write-ahead log, or PostgreSQL's own count."""
    if url.startswith("postgresql://"):
        with psycopg.connect(url) as conn:
            return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    return sum(os.path.getsize(p) for p in (url, f"{url}-wal") if os.path.exists(p))


def requests_to_time(client: Any, store: Store) -> list[str]:
    """Every GET route of /openapi.json with its path filled in, plus filtered and second pages."""
    processes = store.processes(counts=False)
    process = processes[len(processes) // 2]["name"]
    party = process.split("-")[0]
    newest = store.articles(limit=1)[0]
    article = max(1, newest["id"] // 2)
    fact = store.facts(limit=1, seen_by=newest["seen"])[0]["id"]
    values = {"article_id": article, "fact_id": fact, "actor_id": party, "table": "processes"}
    paths = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if "get" not in operations or path in ("/openapi.json",):
            continue
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        query = {"q": "w0001"} if path.rstrip(".json").endswith("search") else {}
        paths.append(f"{path}?{urlencode(query)}" if query else path)
    day = {"as_of": newest["seen"]}
    paths += [f"{p}?{urlencode(q)}" for p, q in [
        ("/board", day), ("/board", {**day, "process": process}), ("/api/board", {**day, "process": process}),
        ("/timeline", day), ("/timeline", {**day, "process": process}), ("/api/timeline", {**day, "party": party}),
        ("/api/facts", {**day, "status": "current"}), ("/api/facts", {**day, "process": process, "kind": "commitments"}),
        ("/api/statements", {"speaker": "person:marco-rubio"}), ("/api/statements", {"speaker": party}),
        ("/api/statements", {"party": party}), ("/api/articles", {"process": process}),
        ("/api/articles", {"outlet": "outlet:site-3", "since": "2025-01-01"}), ("/actors", {"q": party.lower()}),
        ("/api/conflicts", {**day, "process": process}), ("/api/deadlines", {**day, "party": party}),
    ]]  # fmt: skip
    for first in ("/api/articles", "/api/statements", "/articles", "/api/actors"):
        answer = client.get(first.replace("/articles", "/articles.json") if first == "/articles" else first)
        if answer.json().get("next"):
            paths.append(answer.json()["next"].replace(".json", ""))
    return paths


def endpoint_latency(url: str, runs: int) -> None:
    """Print p50/p95 of every endpoint and page over the store at ``url``, RSS and size per article."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from parley.web import create_app

    backend = "postgresql" if url.startswith("postgresql://") else "sqlite"
    app = create_app(url, load_settings())
    store = app.state.parley.store
    articles = store.stats()["articles"]
    worst = (0.0, "")
    with TestClient(app) as client:
        for path in requests_to_time(client, store):
            answer = client.get(path)  # warm: settings, registry, the database's cache
            if answer.status_code != 200:
                print(f"{backend:10} {articles:>7,} {path:70} status {answer.status_code}", flush=True)
                continue
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            worst = max(worst, (p95, path))
            print(f"{backend:10} {articles:>7,} {path[:70]:70} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                  f"  {len(answer.content) / 1000:7.1f} kB", flush=True)  # fmt: skip
        started, before = time.perf_counter(), rss_mb()[0]
        with client.stream("GET", "/api/export/statements") as answer:
            lines = sum(chunk.count("\n") for chunk in answer.iter_text())
        print(f"{backend:10} {articles:>7,} /api/export/statements: {lines:,} rows streamed in"
              f" {time.perf_counter() - started:.1f} s, RSS {before:.0f} -> {rss_mb()[0]:.0f} MB", flush=True)  # fmt: skip
    now, peak = rss_mb()
    size = database_bytes(url)
    print(f"{backend:10} {articles:>7,} articles: worst p95 {worst[0]:.1f} ms ({worst[1]}); RSS {now:.0f} MB"
          f" (peak {peak:.0f} MB); database {size / 1e6:,.0f} MB = {size / max(articles, 1) / 1000:.1f} kB per article",
          flush=True)  # fmt: skip
    app.state.parley.close()


def fill_to(url: str, sizes: list[int], snapshots: bool) -> None:
    """Fill the store at ``url`` to each size, copying it at each when asked (see the module docstring)."""
    source = None
    for size in sorted(sizes):
        with open_store(url) as store:
            stored = store.stats()["articles"]
            source = source or Synthetic(stream=stored)
            started = time.perf_counter()
            fill(store, source, max(0, size - stored))
            print(f"filled {url} to {size:,} articles in {time.perf_counter() - started:.0f} s", flush=True)
        if not snapshots:
            continue
        label = f"{size // 1000}k"
        if url.startswith("postgresql://"):
            server, name = url.rsplit("/", 1)
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}_{label}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}_{label}" TEMPLATE "{name}"')
            print(f"  snapshot {server}/{name}_{label}", flush=True)
        else:
            path = Path(url)
            copy = path.with_name(f"{path.stem}-{label}{path.suffix}")
            shutil.copyfile(path, copy)  # the store is closed: its log was checkpointed into the file
            print(f"  snapshot {copy}", flush=True)


def copy_store(source: str, target: str) -> None:
    """Bulk-load a PostgreSQL store with the rows of a filled SQLite store (``Store.copy_to``: COPY,
    no commit path). The fast way to a large PostgreSQL store for reading benchmarks: the SQLite
    store was filled through ``flow.commit``, so the rows are what the commit path writes."""
    started = time.perf_counter()
    with open_store(source) as lite, open_store(target) as pg:
        lite.copy_to(pg)
        pg._execute("VACUUM ANALYZE")  # as autovacuum would: visibility map set for index-only scans
    print(f"copied {source} into {target} in {time.perf_counter() - started:.0f} s", flush=True)


# How each table's rows are copied into a tile: columns moved by an id offset (the table whose ids
# they hold) or made unique with the tile's suffix; every other column is copied as it is.
_TILE_IDS = {
    "processes": {"id": "processes"},
    "process_parties": {"process_id": "processes"},
    "articles": {"id": "articles", "duplicate_of": "articles", "process_id": "processes"},
    "article_bands": {"article_id": "articles"},
    "statements": {"id": "statements", "article_id": "articles"},
    "records": {"id": "records", "article_id": "articles", "statement_id": "statements", "fact_id": "facts"},
    "facts": {"id": "facts", "process_id": "processes"},
    "fact_sources": {"fact_id": "facts", "record_id": "records", "article_id": "articles",
                     "story_id": "articles", "statement_id": "statements"},
    "fact_events": {"fact_id": "facts", "record_id": "records"},
    "alerts": {"id": "alerts", "process_id": "processes", "fact_id": "facts", "article_id": "articles"},
}  # fmt: skip
# Text that must stay unique per tile; the bands too, so that a tile's articles are not near-duplicates
# of the first tile's (they are its copies): each tile is a negotiation archive of its own.
_TILE_SUFFIXED = {"processes": ["name"], "articles": ["key", "content_hash"], "article_bands": ["band"],
                  "alerts": ["key"]}  # fmt: skip
# The rows of the first tile, by the table whose ids bound them.
_TILE_BOUND = {"processes": "id", "process_parties": "process_id", "articles": "id", "article_bands": "article_id", "statements": "id",
               "records": "id", "facts": "id", "fact_sources": "fact_id", "fact_events": "fact_id", "alerts": "id"}  # fmt: skip


def tile(url: str, times: int) -> None:
    """Make the store at ``url`` hold ``times`` copies of its rows (a filled store of N articles
    becomes one of N × ``times``): each copy's ids are moved past the previous copy's and its
    processes renamed (``GEO`` → ``GEO-2``), so that each copy is a negotiation archive of its own
    over the same two years and actors. The fast way to a million articles: every row is the commit
    path's, copied by the database (``INSERT … SELECT``), tile after tile, one transaction each."""
    with open_store(url) as store:
        columns = {table: [c for c in store._columns(table) if c != "tsv"] for table in _TILE_IDS}
        top = {table: store._scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
               for table in ("processes", "articles", "statements", "records", "facts", "alerts")}  # fmt: skip
        postgres = url.startswith("postgresql://")
        for k in range(1, times):
            started = time.perf_counter()
            with store.transaction():
                if postgres:
                    store._execute("SET LOCAL statement_timeout = 0")  # a tile is a few long statements
                for table, moved in _TILE_IDS.items():
                    bound = _TILE_BOUND[table]
                    limit = top[moved[bound] if bound in moved else table]
                    exprs = [
                        f"{c} + {k * top[moved[c]]}" if c in moved
                        else f"{c} || '~{k + 1}'" if c in _TILE_SUFFIXED.get(table, [])
                        else c
                        for c in columns[table]
                    ]  # fmt: skip
                    if table == "processes":  # a readable name: GEO-2, GEO-3 ...
                        exprs[columns[table].index("name")] = f"name || '-{k + 1}'"
                    store._execute(
                        f"INSERT INTO {table} ({', '.join(columns[table])})"
                        f" SELECT {', '.join(exprs)} FROM {table} WHERE {bound} <= {limit}"
                    )
            print(f"  tile {k + 1}/{times}: {store._scalar('SELECT COUNT(*) FROM articles'):,} articles"
                  f" ({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        started = time.perf_counter()
        if postgres:
            for table in top:
                store._execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            store._execute("VACUUM ANALYZE")
        else:
            with store.transaction():
                store._execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
                store._execute("INSERT INTO statements_fts (statements_fts) VALUES ('rebuild')")
            store._execute("ANALYZE")
        print(f"  search index and statistics in {time.perf_counter() - started:.0f} s", flush=True)


def scratch(backend: str, directory: Path) -> tuple[str, str | None]:
    """A fresh database URL (and the PostgreSQL database name to drop afterwards)."""
    if backend == "sqlite":
        return str(directory / f"bench-{uuid.uuid4().hex[:6]}.db"), None
    name = f"parley_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}", name


def drop(name: str | None) -> None:
    if name:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ingest_into(urls: list[str], count: int, stream: int = 0) -> None:
    """Commit the same new articles into stores that hold the same articles, one after the other:
    the backends' rates in one run on one machine, without filling or copying anything. Runs
    again over the same stores take another ``stream`` (new articles, not duplicates)."""
    newest = []
    for url in urls:  # the news follow the newest article of any of them
        with open_store(url) as store:
            newest.append((store.articles(limit=1)[0]["seen"], url))
    with open_store(max(newest)[1]) as latest:
        batch = batches(latest, count, 2_000_000 + 10 * stream + latest.stats()["articles"])
    for url in urls:
        backend = "postgresql" if url.startswith("postgresql://") else "sqlite"
        with open_store(url) as store:
            for label, articles in batch.items():
                report_ingest(backend, store, articles, label)


def ingest_texts(urls: list[str], directory: str, rounds: int) -> None:
    """Ingest real articles end to end, as ``parley ingest`` does (read, extract in batches with
    ``nlp.pipe``, commit one transaction each), into each store in turn, ``rounds`` times, deleting
    them again after each round so that every round meets the store at its size: wall milliseconds
    per article in all and in ``flow.commit``. Extraction never reads the store, so what the store's
    size changes is the commit's part; this shows how much of an article's ingest that is."""
    settings = load_settings()
    articles = [a for a in read_sources([directory], settings) if isinstance(a, Article)]
    extractor = Extractor(settings)
    extractor.extract(articles[0])  # the pipeline's first-call allocations, before the clock
    sizes, totals, commits = {}, {url: [] for url in urls}, {url: [] for url in urls}
    trips: dict[str, list[float]] = {url: [] for url in urls}
    for url in urls:
        with open_store(url) as store:
            sizes[url] = store.stats()["articles"]
    for _ in range(rounds):
        for url in urls:  # in turn, so that the machine's moods fall on every store alike
            with open_store(url) as store:
                committing, stored, started = 0.0, [], time.perf_counter()
                waited = store.round_trips
                for article, made in extractor.extract_many(articles):
                    lap = time.perf_counter()
                    stored.append(flow.commit(store, article, made, settings=settings).article_id)
                    committing += time.perf_counter() - lap
                trips[url].append((store.round_trips - waited) / len(articles))
                totals[url].append((time.perf_counter() - started) * 1000 / len(articles))
                commits[url].append(committing * 1000 / len(articles))
                for article_id in stored:
                    flow.delete_article(store, article_id)
    for url in urls:
        total, commit = statistics.median(totals[url]), statistics.median(commits[url])
        print(f"{url}: {sizes[url]:>9,} articles stored; {len(articles)} real articles ingested end to end,"
              f" median of {rounds} rounds: {total:6.1f} ms/article ({1000 / total:4.2f} articles/s), of"
              f" which commit {commit:5.1f} ms ({100 * commit / total:4.1f}%), extraction and reading"
              f" {total - commit:6.1f} ms, {statistics.median(trips[url]):.1f} round trips an article"
              f" (rounds: {', '.join(f'{t:.0f}' for t in totals[url])} ms;"
              f" load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


def compare(sizes: list[int], count: int, runs: int, keep: str | None, tmp: Path) -> None:
    """Ingest into SQLite and PostgreSQL holding the same articles, at each size: SQLite is filled
    through the commit path, PostgreSQL is a copy of it (``Store.copy_to``, COPY); then the same
    ``count`` new articles are committed into each, one transaction each."""
    with open_store(keep or str(tmp / "compare.db")) as lite:
        filler = Synthetic(stream=lite.stats()["articles"])
        for size in sorted(sizes):
            started = time.perf_counter()
            fill(lite, filler, max(0, size - lite.stats()["articles"]))
            stats = lite.stats()
            print(f"sqlite     filled to {stats['articles']:,} articles ({sum(stats['facts'].values()):,} facts,"
                  f" {stats['processes']} processes) in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            url, database = scratch("postgresql", tmp)
            try:
                with open_store(url) as pg:
                    started = time.perf_counter()
                    copied = lite.copy_to(pg)
                    print(f"postgresql copied {sum(copied.values()):,} rows in {time.perf_counter() - started:.0f} s",
                          flush=True)  # fmt: skip
                    batch = batches(lite, count, 1_000_000 + size)
                    for backend, store in (("sqlite", lite), ("postgresql", pg)):
                        for label, articles in batch.items():
                            report_ingest(backend, store, articles, label)
                        for label, (p50, p95) in (board_latency(store, runs) if runs else {}).items():
                            print(f"{backend:10} board at {size:>7,} articles, {label:26}: p50 {p50:6.1f} ms"
                                  f"  p95 {p95:6.1f} ms", flush=True)  # fmt: skip
            finally:
                drop(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000], help="stored articles")
    parser.add_argument("--ingest", type=int, default=2000, help="articles for the throughput figure")
    parser.add_argument("--runs", type=int, default=40, help="board calls per measurement (0: no board)")
    parser.add_argument(
        "--keep", metavar="FILE", help="SQLite only: fill (or reuse) this file instead of a scratch one"
    )
    parser.add_argument("--endpoints", action="store_true", help="also time every web endpoint at each size")
    parser.add_argument(
        "--web", nargs="+", metavar="URL", help="only time every web endpoint over these stores"
    )
    parser.add_argument("--fill", metavar="URL", help="only fill this store to each size")
    parser.add_argument("--snapshots", action="store_true", help="with --fill: copy the store at each size")
    parser.add_argument(
        "--copy",
        nargs=2,
        metavar=("SQLITE", "POSTGRESQL_URL"),
        help="only bulk-load a filled SQLite store into PostgreSQL",
    )
    parser.add_argument(
        "--tile",
        nargs=2,
        metavar=("URL", "TIMES"),
        help="only make the store at URL hold TIMES copies of its rows (a filled 100k store: 1M)",
    )
    parser.add_argument(
        "--ingest-into",
        nargs="+",
        metavar="URL",
        help="only commit the same --ingest new articles (news, then archive) into each of these stores"
        " holding the same articles (a SQLite store and its --copy or --tile on PostgreSQL)",
    )
    parser.add_argument("--stream", type=int, default=0, help="with --ingest-into: which new articles")
    parser.add_argument(
        "--texts",
        metavar="DIR",
        help="with --ingest-into: ingest these real articles end to end instead (extraction included)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --texts: rounds over every store")
    parser.add_argument("--web-runs", type=int, default=20, help="requests per endpoint")

    parser.add_argument(
        "--compare",
        action="store_true",
        help="ingest into SQLite and a PostgreSQL copy of it at each size (PostgreSQL filled by COPY)",
    )
    args = parser.parse_args()
    if args.fill:
        fill_to(args.fill, args.sizes, args.snapshots)
        return
    if args.copy:
        copy_store(*args.copy)
        return
    if args.tile:
        tile(args.tile[0], int(args.tile[1]))
        return
    if args.ingest_into and args.texts:
        ingest_texts(args.ingest_into, args.texts, args.rounds)
        return
    if args.ingest_into:
        ingest_into(args.ingest_into, args.ingest, args.stream)
        return
    if args.web:
        for url in args.web:
            endpoint_latency(url, args.web_runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.compare:
            compare(args.sizes, args.ingest, args.runs, args.keep, Path(tmp))
            return
        for backend in args.backends:
            url, database = (args.keep, None) if args.keep else scratch(backend, Path(tmp))
            try:
                with open_store(url) as store:
                    source = Synthetic(stream=store.stats()["articles"])
                    report_ingest(backend, store, list(source.articles(args.ingest)))
                    stored = store.stats()["articles"]
                    for size in sorted(args.sizes):
                        started = time.perf_counter()
                        fill(store, source, max(0, size - stored))
                        stats = store.stats()
                        print(f"{backend:10} filled to {stats['articles']:,} articles ({sum(stats['facts'].values()):,}"
                              f" facts, {stats['processes']} processes) in {time.perf_counter() - started:.0f} s",
                              flush=True)  # fmt: skip
                        report_ingest(backend, store, list(source.articles(args.ingest)))
                        stored = store.stats()["articles"]
                        if not args.runs:
                            continue
                        for label, (p50, p95) in board_latency(store, args.runs).items():
                            print(f"{backend:10} board at {stats['articles']:>7,} articles, {label:26}: p50 {p50:6.1f} ms"
                                  f"  p95 {p95:6.1f} ms", flush=True)  # fmt: skip
                        if args.endpoints:
                            endpoint_latency(url, args.web_runs)
            finally:
                drop(database)


if __name__ == "__main__":
    main()
