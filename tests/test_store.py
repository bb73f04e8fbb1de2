"""The Store on both backends: opening, migrations, transactions, search, statistics, rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.errors import NotFoundError, StoreError
from parley.records import Article, Records
from parley.settings import load_settings
from parley.store import Store, database_url, open_store
from parley.store.migrations import MIGRATIONS, statements_for

TEXT = (
    "Russia said it would respect the Black Sea accords only after all Western sanctions are removed. "
    "Ukraine agreed to halt hostilities at sea during a 30-day truce."
)

pytest_plugins = ["store_support"]


def _article(store: Store, text: str = TEXT, content_hash: str = "h1", **fields: object) -> int:
    values = {"key": "a1", "content_hash": content_hash, "text": text, "seen": "2025-04-18", **fields}
    with store.transaction():
        return store.add_article(**values)  # type: ignore[arg-type]


def test_open_applies_every_migration_once(store_url: str) -> None:
    with open_store(store_url) as first:
        assert first.schema_version() == MIGRATIONS[-1][0]
    with open_store(store_url) as again:  # reopening applies nothing twice
        assert again.schema_version() == MIGRATIONS[-1][0]
        rows = list(again.rows("processes"))
        assert rows == []


def test_the_processes_by_party_migration_lists_every_party_of_the_tallies(store: Store) -> None:
    # Migration 15 fills process_parties from the tallies of the processes already stored.
    with store.transaction():
        first, second = store.add_process("one"), store.add_process("two")
        store.update_process(first, {"RUS": 3, "UKR": 2, "USA": 1}, {})
        store.update_process(second, {"ISR": 1, "hamas": 1}, {})
    [(_, _, by_dialect)] = [m for m in MIGRATIONS if m[0] == 15]
    backfill = statements_for(store.dialect, by_dialect)[1:]
    with store.transaction():
        store._execute("DELETE FROM process_parties")
        for statement in backfill:
            store._execute(statement)
    assert [p["name"] for p in store.processes_sharing(["UKR", "RUS"])] == ["one"]
    assert [p["name"] for p in store.processes_sharing(["hamas"])] == ["two"]
    assert store._all("SELECT party, process_id FROM process_parties ORDER BY party") == [
        {"party": p, "process_id": i} for p, i in sorted([("RUS", first), ("UKR", first), ("USA", first),
                                                          ("ISR", second), ("hamas", second)])
    ]  # fmt: skip


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(store={"db": "from-settings.db"})
    monkeypatch.delenv("PARLEY_DB", raising=False)
    assert database_url(None, settings) == "from-settings.db"
    monkeypatch.setenv("PARLEY_DB", "from-env.db")
    assert database_url(None, settings) == "from-env.db"
    assert database_url("given.db", settings) == "given.db"


def test_sqlite_url_forms(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/a.db") as store:
        assert store.backend == "sqlite"
        assert store._scalar("PRAGMA journal_mode") == "wal"
    assert (tmp_path / "a.db").exists()
    with open_store(str(tmp_path / "b.db")) as store:
        assert store.backend == "sqlite"
    assert (tmp_path / "b.db").exists()


def test_unopenable_databases_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such directory"):
        open_store(str(tmp_path / "missing" / "x.db"))
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as caught:
        open_store("postgresql://postgres:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(caught.value)
    assert caught.value.code == "P400"


def test_transaction_rolls_back_everything(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(key="a", content_hash="x", text=TEXT, seen="2025-04-18")
        store.add_process("RUS-UKR")
        raise RuntimeError("interrupted")
    assert store.stats()["articles"] == 0
    assert store.processes() == []
    assert store.search("Black Sea") == []


def test_article_round_trip_and_missing_id(store: Store) -> None:
    article_id = _article(store, title="Black Sea talks", outlet="outlet:reuters", published="2025-04-18")
    stored = store.article(article_id)
    assert (
        stored["text"] == TEXT
        and stored["title"] == "Black Sea talks"
        and stored["outlet"] == "outlet:reuters"
    )
    assert store.article_by_hash("h1")["id"] == article_id
    assert [a["id"] for a in store.articles()] == [article_id]
    with pytest.raises(NotFoundError, match="no article with id 999"):
        store.article(999)
    with pytest.raises(NotFoundError):
        store.fact(999)


def test_full_text_search_over_articles_and_statements(store: Store) -> None:
    article_id = _article(store, title="Talks in Riyadh")
    with store.transaction():
        (statement_id,) = store.prepare_article("h1", [], statements=1, records=0)["statement_ids"]
        store.add_statements(article_id, [
            {"id": statement_id, "idx": 0, "speaker": "RUS", "party": "RUS", "via": [], "direct": False, "hedged": False,
             "span_start": 0, "span_end": 95, "text": TEXT[:95], "payload": {}},
        ])  # fmt: skip
    other = _article(store, text="Hostages were released in Gaza under the exchange deal.", content_hash="h2")
    hits = store.search('"Black Sea"')
    assert {(h["kind"], h["article_id"]) for h in hits} == {
        ("article", article_id),
        ("statement", article_id),
    }
    statement = next(h for h in hits if h["kind"] == "statement")
    assert statement["speaker"] == "RUS" and (statement["span_start"], statement["span_end"]) == (0, 95)
    assert "«" in statement["snippet"]
    assert [h["article_id"] for h in store.search("hostages released")] == [other]  # stemmed, all words
    assert store.search("Riyadh")[0]["article_id"] == article_id  # titles are searched too
    assert store.search("Black Sea Gaza") == []
    assert store.search('NEAR AND "') == []  # operators and stray quotes are taken literally


def test_stats_and_rows(store: Store) -> None:
    _article(store, outlet="outlet:ap")
    _article(store, content_hash="h2", outlet="outlet:reuters")
    stats = store.stats()
    assert stats["articles"] == 2 and stats["outlets"] == 2 and stats["facts"] == {}
    rows = list(store.rows("articles", batch=1))
    assert [r["content_hash"] for r in rows] == ["h1", "h2"]
    assert "tsv" not in rows[0]
    with pytest.raises(ValueError, match="unknown table"):
        list(store.rows("sqlite_master"))


def test_integrity_problems_finds_a_record_without_its_article(store: Store) -> None:
    assert store.integrity_problems() == []
    article_id = _article(store)
    with store.transaction():
        (record_id,) = store.prepare_article("h1", [], statements=0, records=1)["record_ids"]
        store.add_records(article_id, [
            {"id": record_id, "kind": "positions", "idx": 0, "party": "UKR", "issue": "territory", "statement_id": None,
             "date_start": None, "date_end": None, "date_precision": None, "text": "no", "payload": {}},
        ])  # fmt: skip
    assert store.integrity_problems() == ["1 article whose stored records differ from its record count"]


def test_threads_share_a_pooled_store(store_url: str) -> None:
    """A web server's threads read and write through one store: on PostgreSQL each takes a
    connection of the pool (so they run side by side), on SQLite the one connection in turn."""
    import threading

    with open_store(store_url, connections=4) as shared:
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def work(n: int) -> None:
            try:
                start.wait()
                _article(shared, content_hash=f"pooled-{n}", text=f"{TEXT} ({n})")
                for _ in range(20):
                    assert shared.stats()["articles"] >= 1
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert shared.stats()["articles"] == 8
        if shared.backend == "postgresql":
            assert 1 < shared._pool.get_stats()["pool_size"] <= 4


def test_copy_to_an_empty_store_keeps_everything_and_the_target_goes_on(store: Store, tmp_path: Path) -> None:
    from store_support import corpus_article, gold, seed_article

    from parley import flow

    def shared(name: str) -> tuple[Article, Records]:
        return corpus_article(name), gold(name)

    with open_store(str(tmp_path / "source.db")) as source:
        for article, records in [seed_article(), shared("dev-01-riyadh-black-sea")]:
            flow.commit(source, article, records)
        copied = source.copy_to(store)
        assert copied["articles"] == 2 and copied["article_bands"] == 32 and copied["fact_sources"] > 10
        assert store.stats() == source.stats()
        by_id = lambda facts: sorted(facts, key=lambda f: f["id"])  # noqa: E731 - NULLs sort apart
        assert by_id(store.facts()) == by_id(source.facts())
        hits = lambda found: sorted((h["kind"], h["article_id"], h["statement_id"]) for h in found)  # noqa: E731
        assert hits(store.search("Black Sea")) == hits(source.search("Black Sea"))  # ranked apart
        with pytest.raises(StoreError, match="not empty"):
            source.copy_to(store)
    assert store.integrity_problems() == []
    article, records = shared("dev-02-istanbul-prisoners")
    assert flow.commit(store, article, records).status == "stored"  # new ids follow the copied ones
    assert store.stats()["articles"] == 3 and store.integrity_problems() == []


def test_sqlite_checkpoint_pages_sets_how_far_the_log_grows(tmp_path: Path) -> None:
    """Fewer checkpoints keep more of the writes in the -wal file (copied into the database later)."""
    sizes = {}
    for pages in (1, 100_000):
        path = tmp_path / f"checkpoint-{pages}.db"
        settings = load_settings(store={"sqlite_checkpoint_pages": pages})
        with open_store(str(path), settings) as store:
            for n in range(30):
                with store.transaction():
                    store.add_article(key=f"a{n}", content_hash=f"h{n}", text=TEXT * 20, seen="2025-04-18")
            sizes[pages] = (tmp_path / f"checkpoint-{pages}.db-wal").stat().st_size
            assert store.stats()["articles"] == 30
    assert sizes[100_000] > 5 * sizes[1]
