"""Many writers: concurrent ``flow.commit`` calls, each on its own connection, over articles that share
facts, end with the same facts as one writer committing them in turn — on both backends."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest

from parley import consolidate, flow
from parley.errors import StoreError
from parley.records import Article, Commitment, Document, Position, Records, Statement, Threat, Violation
from parley.store import Store, open_store

pytest_plugins = ["store_support"]

PARTIES = ["RUS", "UKR"]
ISSUES = ["energy_infrastructure", "maritime", "prisoners", "territory"]
OUTLETS = ["outlet:wire-a", "outlet:wire-b", "outlet:paper-c"]
COMMITTERS = 4


def _articles(count: int) -> list[tuple[Article, Records]]:
    """Articles about one negotiation whose records keep hitting the same few facts."""
    rng = random.Random(11)
    made = []
    for n in range(count):
        published = f"2025-04-{1 + n % 28:02d}"
        party, other = rng.sample(PARTIES, 2)
        issue, second = rng.sample(ISSUES, 2)
        text = f"Report {n}: the sides spoke about {issue} and {second} again, officials said on day {n}."
        records = Records(
            document=Document(id=f"a{n}", published=published),
            statements=[Statement(span=(0, 20), speaker=rng.choice([party, f"anon:{party}", "person:envoy"]),
                                  via=[])],
            commitments=[Commitment(party=party, issue=issue, text="halt strikes for a month", statement=0)],
            positions=[Position(party=other, issue=second, text="will not accept this", statement=0)],
            threats=[Threat(actor=other, issue=issue, target=[party], text="will resume strikes")]
            if n % 3 == 0 else [],
            violations=[Violation(accused=party, issue=issue, accuser=other, text="broke the truce")]
            if n % 4 == 0 else [],
        )  # fmt: skip
        article = Article(text=text, source=f"a{n}.txt", published=published, outlet=rng.choice(OUTLETS))
        made.append((article, records))
    return made


def _facts(store: Store) -> set[tuple[Any, ...]]:
    """What a fact is, whichever order its records came in (not the wording kept from the latest)."""
    return {
        (f["process"], f["kind"], f["key"], f["first_seen"], f["last_seen"], f["reports"], f["articles"],
         f["stories"], f["outlets"], f["named_sources"], f["anonymous_sources"], len(store.fact_sources(f["id"])))
        for f in store.facts()
    }  # fmt: skip


def _tallies(store: Store) -> list[tuple[str, dict[str, int], dict[str, int], int]]:
    return [(p["name"], p["parties"], p["issues"], p["articles"]) for p in store.processes()]


def test_four_concurrent_committers_make_the_facts_one_committer_makes(
    store_url: str, tmp_path: Path
) -> None:
    articles = _articles(40)
    with open_store(str(tmp_path / "serial.db")) as serial:
        for article, records in articles:
            assert flow.commit(serial, article, records).status == "stored"
        expected_facts, expected_tallies = _facts(serial), _tallies(serial)
    assert len(expected_facts) > 10

    # Every committer commits every article, each in its own order: every fact is contended and
    # every article is raced for by four transactions at once.
    # a committer that fails before the barrier breaks it for the others: a failure, never a hang
    start = threading.Barrier(COMMITTERS, timeout=120)
    outcomes: list[flow.TakeIn] = []
    failures: list[BaseException] = []

    def committer(seed: int) -> None:
        order = articles[:]
        random.Random(seed).shuffle(order)
        try:
            with open_store(store_url) as store:
                start.wait()
                for article, records in order:
                    outcomes.append(flow.commit(store, article, records))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=committer, args=(seed,)) for seed in range(COMMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(o.status for o in outcomes).count("stored") == len(articles)
    assert {o.article_id for o in outcomes if o.status == "stored"} == {o.article_id for o in outcomes}
    with open_store(store_url) as store:
        assert store.stats()["articles"] == len(articles)
        assert _facts(store) == expected_facts
        assert _tallies(store) == expected_tallies
        assert store.integrity_problems() == []


class _Transient(Exception):
    """What a driver raises when the database gave a transaction up for a concurrent one."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _transient(store: Store) -> Exception:
    if store.backend == "sqlite":
        import sqlite3

        return sqlite3.OperationalError("database is locked")
    return _Transient("40P01", "deadlock detected")


def test_a_transaction_given_up_for_a_concurrent_one_is_run_again(store: Store) -> None:
    tries: list[int] = []

    def work() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise _transient(store)
        return "done"

    assert store.retrying(work, attempts=3) == "done" and len(tries) == 3
    tries.clear()
    with pytest.raises(StoreError, match="a concurrent write kept this transaction from completing 2 times"):
        store.retrying(work, attempts=2)

    def broken() -> None:
        tries.append(1)
        raise ValueError("not the database's doing")

    tries.clear()
    with pytest.raises(ValueError):
        store.retrying(broken, attempts=5)
    assert len(tries) == 1  # other errors are not retried


def test_a_commit_waits_for_postgresql_at_most_ten_times(store: Store) -> None:
    """Round trips per stored article on PostgreSQL (everything else is pipelined), alerts included,
    for articles in date order and for articles of days already reported since (recounted)."""
    if store.backend != "postgresql":
        pytest.skip("SQLite runs in-process: no round trips to count")
    articles = _articles(40)
    news, archive = sorted(articles[:20], key=lambda a: a[0].published or ""), articles[20:]
    for batch in (news, archive):
        before = store.round_trips
        for article, records in batch:
            flow.commit(store, article, records)
        assert (store.round_trips - before) / len(batch) <= 10


def test_a_process_created_since_the_commit_read_the_processes_is_joined(store_url: str) -> None:
    """The first articles of a negotiation committed side by side: one commit read the processes
    before the other created the negotiation's; it must join it, not create a second one."""
    first, first_records = _articles(1)[0]
    with open_store(store_url) as store, open_store(store_url) as other:
        flow.commit(other, first, first_records)  # creates the process, after ``store`` read none
        with store.transaction(exclusive=False):
            records = [
                {"kind": "commitments", "issue": "prisoners", "payload": {"party": p}} for p in PARTIES
            ]
            article = {"process_id": None, "process": None}
            chosen = consolidate.choose_process(store, article, records, None, processes=[])
        assert chosen is not None and chosen[1] == "RUS-UKR"
        assert store.process_names() == ["RUS-UKR"]


def test_committers_opening_one_new_sqlite_file_at_once_all_open_it(tmp_path: Path) -> None:
    """Switching a new file to WAL answers "locked" at once while another connection does it: each
    opener waits and tries again instead of failing."""
    failures: list[BaseException] = []
    for attempt in range(10):
        url = str(tmp_path / f"new-{attempt}.db")
        start = threading.Barrier(COMMITTERS, timeout=120)

        def opener(url: str = url, start: threading.Barrier = start) -> None:
            try:
                start.wait()
                with open_store(url) as store:
                    assert store.stats()["articles"] == 0
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                failures.append(exc)

        threads = [threading.Thread(target=opener) for _ in range(COMMITTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
