"""The one way in: dedup, near-duplicates, one transaction per article, idempotent re-runs, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_support import GoldExtractor, corpus_article, corpus_names, seed_article

from parley import consolidate, flow
from parley.errors import InputError
from parley.records import Article, Records
from parley.store import Store, open_store

pytest_plugins = ["store_support"]


def test_commit_stores_article_statements_records_and_facts(store: Store) -> None:
    article, records = seed_article()
    result = flow.commit(store, article, records)
    assert result.status == "stored" and result.ok and result.records == records.count() == 39
    assert result.process == "RUS-UKR"
    stored = store.article(result.article_id)
    assert (
        stored["text"] == article.text
        and stored["published"] == "2025-04-18"
        and stored["seen"] == "2025-04-18"
    )
    statements = store.statements(result.article_id)
    assert len(statements) == 21
    assert statements[10]["speaker"] == "RUS" and statements[10]["text"].startswith("Moscow, in return")
    stats = store.stats()
    assert stats["records"] == {"commitments": 4, "meetings": 1, "positions": 5, "proposals": 4, "threats": 3,
                                "violations": 1}  # fmt: skip
    assert stats["facts"] == stats["records"]
    assert all(r["fact_id"] for r in store.records(result.article_id))
    assert store.integrity_problems() == []


def test_records_find_their_statement_by_evidence(store: Store) -> None:
    article, records = seed_article()
    result = flow.commit(store, article, records)
    maritime = store.records(result.article_id, kind="commitments")[3]
    assert maritime["payload"]["issue"] == "maritime" and maritime["party"] == "RUS"
    statement = next(s for s in store.statements(result.article_id) if s["id"] == maritime["statement_id"])
    assert statement["speaker"] == "RUS"


def test_the_same_text_is_stored_once(store: Store) -> None:
    article, records = seed_article()
    first = flow.commit(store, article, records)
    respaced = Article(text="  " + article.text.upper().replace("\n\n", "\n \n") + "\n", source="again.txt")
    again = flow.commit(store, respaced, records)
    assert again.status == "exists" and again.article_id == first.article_id and again.records == 39
    assert flow.take_in(store, respaced, GoldExtractor()).status == "exists"
    assert store.stats()["articles"] == 1 and store.stats()["statements"] == 21


def test_a_wire_story_on_another_site_is_linked_and_counts_its_outlet(store: Store) -> None:
    article, records = seed_article(outlet="outlet:ukrainska-pravda")
    first = flow.commit(store, article, records)
    carried = Article(
        text=article.text.replace("Washington is negotiating", "The US is negotiating") + "\n\nRead more on our site.",
        source="carried.html", outlet="outlet:kyiv-independent", published="2025-04-18",
    )  # fmt: skip
    second = flow.commit(store, carried, records)
    assert second.status == "stored" and second.duplicate_of == first.article_id
    assert store.stats()["near_duplicates"] == 1
    facts = {(f["kind"], f["key"]): f for f in store.facts()}
    territory = facts[("positions", "UKR|territory")]
    assert territory["outlets"] == 2 and territory["articles"] == 2 and territory["stories"] == 1
    other = flow.commit(store, corpus_article("dev-01-riyadh-black-sea"), GoldExtractor().extract(
        corpus_article("dev-01-riyadh-black-sea")))  # fmt: skip
    assert other.duplicate_of is None


def test_shingles_and_jaccard() -> None:
    a = flow.shingles("one two three four five six")
    assert len(a) == 2
    assert flow.jaccard(a, a) == 1.0 and flow.jaccard(a, flow.shingles("seven eight nine ten eleven")) == 0.0
    assert flow.bands(a) == flow.bands(flow.shingles("ONE  two three four five six"))
    assert len(flow.bands(a)) == 16


class _Failing:
    def extract(self, article: Article) -> Records:
        raise InputError("the text is empty", source=article.source)

    def extract_many(self, articles: object) -> object:
        raise InputError("a bad article in the batch", source="batch")


def test_a_failed_extraction_stores_nothing_and_names_the_source(store: Store) -> None:
    article, _ = seed_article()
    result = flow.take_in(store, article, _Failing())
    assert result.status == "failed" and not result.ok
    assert "seed-rubio-paris.txt: the text is empty [P100]" == result.message
    assert store.stats()["articles"] == 0


def test_take_in_many_goes_on_past_a_bad_batch(store: Store) -> None:
    articles = [corpus_article(n) for n in corpus_names()[:3]]
    results = list(flow.take_in_many(store, articles, _Failing(), batch_size=2))
    assert [r.status for r in results] == ["failed"] * 3
    results = list(flow.take_in_many(store, [*articles, articles[0]], GoldExtractor(), batch_size=2))
    assert [r.status for r in results] == ["stored", "stored", "stored", "exists"]
    assert store.stats()["articles"] == 3


def test_an_error_while_committing_leaves_nothing_half_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr(consolidate, "merge_article", broken)
    article, records = seed_article()
    with pytest.raises(RuntimeError):
        flow.commit(store, article, records)
    stats = store.stats()
    assert (stats["articles"], stats["statements"], stats["records"], stats["processes"]) == (0, 0, {}, 0)


_WRITER = """
import sys
sys.path.insert(0, {tests!r})
from store_support import GoldExtractor, corpus_article, corpus_names
from parley import flow
from parley.records import Article
from parley.store import open_store

names = corpus_names()
extractor = GoldExtractor()
with open_store({url!r}) as store:
    for i in range({count}):
        base = corpus_article(names[i % len(names)])
        article = Article(text=base.text + f"\\n\\nUpdate {{i}}.", source=f"article-{{i}}", published=base.published,
                          outlet=f"outlet:site-{{i % 7}}")
        flow.commit(store, article, extractor.extract(base))
"""


@pytest.mark.slow
def test_a_killed_run_finishes_on_the_next_without_duplicates(store_url: str, tmp_path: Path) -> None:
    count = 150
    script = _WRITER.format(tests=str(Path(__file__).parent), url=store_url, count=count)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        with open_store(store_url) as watcher:
            deadline = time.monotonic() + 120
            while watcher.stats()["articles"] < 10 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            assert process.returncode == -signal.SIGKILL, "the writer finished before it could be killed"
            stored_before = watcher.stats()["articles"]
    finally:
        if process.poll() is None:
            process.kill()
    assert 10 <= stored_before < count
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    with open_store(store_url) as store:
        assert store.stats()["articles"] == count
        assert len({a["source"] for a in store.rows("articles")}) == count
        assert store.integrity_problems() == []
        facts_now = sorted(
            (f["process"], f["kind"], f["key"], f["reports"], f["outlets"]) for f in store.facts()
        )
        consolidate.rebuild(store)  # the facts built across the crash equal those built in one go
        assert (
            sorted((f["process"], f["kind"], f["key"], f["reports"], f["outlets"]) for f in store.facts())
            == facts_now
        )
