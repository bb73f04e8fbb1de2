"""Lists read a page at a time from the database (keyset pagination), on both backends: every row
once while a writer adds articles, the filters, and the ``next`` links of the API and the pages."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import threading
from datetime import date, timedelta

from store_support import report
from test_web_support import TestClient

from parley.settings import load_settings
from parley.store import Store, open_store
from parley.store.db import ARTICLE_ORDER, STATEMENT_ORDER
from parley.web import create_app

pytest_plugins = ["store_support", "test_web_support"]

START = date(2025, 3, 1)
OUTLETS = ["outlet:reuters", "outlet:axios", "outlet:ap"]
SPEAKERS = ["RUS", "UKR", "person:marco-rubio", "anon:UKR"]


def _text(rng: random.Random) -> str:
    """A text no other shares a shingle with (so none is taken for a near-duplicate)."""
    return "ceasefire " + " ".join(f"w{rng.randrange(10**9)}" for _ in range(40)) + "."


def _add(store: Store, rng: random.Random, n: int) -> int:
    """Commit an article of day ``n`` with two statements; its id."""
    day = (START + timedelta(days=n % 40)).isoformat()
    statements = [{"span": [0, 10], "speaker": rng.choice(SPEAKERS)}, {"span": [11, 20], "speaker": "UKR"}]
    truce = [{"party": "UKR", "issue": "ceasefire", "text": "hold the truce", "statement": 1}]
    return report(
        store, _text(rng), published=day, outlet=OUTLETS[n % 3], statements=statements, commitments=truce
    )


def _all_pages(read, order: tuple[str, ...], limit: int, between=lambda: None) -> list[dict]:  # noqa: ANN001
    """Every row of a list, reading ``limit`` at a time from the position of the last one read
    (calling ``between`` after each page)."""
    rows: list[dict] = []
    while True:
        page = read(after=[rows[-1][k] for k in order] if rows else None, limit=limit)
        rows += page
        if len(page) < limit:
            return rows
        between()


def test_no_row_skipped_or_repeated_while_a_writer_adds_articles(store: Store, store_url: str) -> None:
    rng = random.Random(5)
    before = [_add(store, rng, n) for n in range(30)]
    statements_before = {s["id"] for s in _all_pages(store.statement_page, STATEMENT_ORDER, 1000)}
    wanted, added, stop = threading.Semaphore(0), threading.Semaphore(0), threading.Event()
    written: list[int] = []

    def write() -> None:  # on its own connection, an article between two pages, dated anywhere
        writer_rng = random.Random(9)
        with open_store(store_url) as writer:
            while wanted.acquire(timeout=30) and not stop.is_set():
                written.append(_add(writer, writer_rng, writer_rng.randrange(40)))
                added.release()

    def one_more() -> None:
        wanted.release()
        assert added.acquire(timeout=30), "the writer did not write"

    thread = threading.Thread(target=write)
    thread.start()
    try:
        articles = _all_pages(store.articles, ARTICLE_ORDER, 4, one_more)
        statements = _all_pages(store.statement_page, STATEMENT_ORDER, 5, one_more)
    finally:
        stop.set()
        wanted.release()
        thread.join()
    assert len(written) > 10
    ids = [a["id"] for a in articles]
    assert len(ids) == len(set(ids)) and set(before) <= set(ids)
    assert [(a["seen"], a["id"]) for a in articles] == sorted(
        ((a["seen"], a["id"]) for a in articles), reverse=True
    )
    statement_ids = [s["id"] for s in statements]
    assert len(statement_ids) == len(set(statement_ids)) and statements_before <= set(statement_ids)
    positions = [tuple(s[k] for k in STATEMENT_ORDER) for s in statements]
    assert positions == sorted(positions)


def test_filters_and_counts(store: Store) -> None:
    rng = random.Random(1)
    for n in range(24):
        _add(store, rng, n)
    everything = store.articles(limit=100)
    for filters in ({"outlet": "outlet:axios"}, {"since": "2025-03-10", "until": "2025-03-15"},
                    {"process_id": everything[0]["process_id"]}):  # fmt: skip
        column, value = next(iter(filters.items()))
        kept = [a["id"] for a in everything if all(
            (a["seen"] >= v if k == "since" else a["seen"] <= v if k == "until" else a[k] == v)
            for k, v in filters.items())]  # fmt: skip
        paged = _all_pages(lambda **page: store.articles(**filters, **page), ARTICLE_ORDER, 5)  # noqa: B023
        assert [a["id"] for a in paged] == kept, (column, value)
        assert store.article_count(**filters, cap=1000) == len(kept)
    assert store.article_count(cap=10) == 11  # counted up to the cap and one more: "at least 10"
    by_rubio = store.statement_page(speaker="person:marco-rubio", limit=100)
    assert by_rubio and {s["speaker"] for s in by_rubio} == {"person:marco-rubio"}
    # Statements without a party of their own are kept for the speakers who may act for it.
    usa = store.statement_page(party="USA", acting_for_party=["USA", "person:marco-rubio"], limit=100)
    assert [s["id"] for s in usa] == [s["id"] for s in by_rubio]
    dated = store.statement_page(since="2025-03-05", until="2025-03-05", limit=100)
    assert dated and {s["seen"] for s in dated} == {"2025-03-05"}
    assert store.statement_count(speaker="UKR", cap=1000) == len(
        store.statement_page(speaker="UKR", limit=1000)
    )


def test_next_links_of_the_api_and_the_pages(store_url: str) -> None:
    rng = random.Random(3)
    with open_store(store_url) as store:
        ids = [_add(store, rng, n) for n in range(7)]
        store_statements = list(store.rows("statements", batch=4))  # read in batches from the last key
    app = create_app(store_url, load_settings())
    try:
        with TestClient(app) as client:
            seen, link = [], "/api/articles?limit=3"
            while link:
                page = client.get(link).json()
                assert len(page["items"]) <= 3 and page["total"] == 7 and not page["total_capped"]
                seen += [a["id"] for a in page["items"]]
                link = page["next"]
            assert sorted(seen) == sorted(ids) and len(seen) == 7
            shown, link = [], "/articles?limit=3"
            while link:
                html = client.get(link).text
                shown += [int(i) for i in re.findall(r'href="/articles/(\d+)"', html)]
                found = re.search(r'<a rel="next" href="([^"]+)"', html)
                link = found.group(1).replace("&amp;", "&") if found else None
            assert shown == seen
            said = client.get("/api/statements", params={"party": "UKR", "limit": 2}).json()
            assert said["next"] and all(s["party"] == "UKR" for s in said["items"])
            following = client.get(said["next"]).json()["items"]
            assert following and not {s["id"] for s in following} & {s["id"] for s in said["items"]}
            # Search hits, most of them tied on their score, paged without a repeat or a gap.
            everything = client.get("/api/search", params={"q": "ceasefire", "limit": 100}).json()
            hits, link = [], "/api/search?q=ceasefire&limit=3"
            while link:
                page = client.get(link).json()
                hits += [(h["kind"], h["id"]) for h in page["items"]]
                link = page["next"]
            assert (
                hits == [(h["kind"], h["id"]) for h in everything["items"]]
                and len(hits) == everything["total"]
            )
            assert {kind for kind, _ in hits} == {"article", "statement"}
            # A fact's sources: a page at a time, the tallies over all of them.
            fact = client.get("/api/facts", params={"as_of": "2025-06-01"}).json()["items"][0]
            sources, link = [], f"/api/facts/{fact['id']}?limit=3"
            while link:
                page = client.get(link).json()
                sources += [s["article_id"] for s in page["sources"]["items"]]
                link = page["sources"]["next"]
                assert sum(o["reports"] for o in page["outlets"]) == page["sources"]["total"] == 7
            assert sorted(sources) == sorted(ids)
            # A table streamed: every row once, in key order, as NDJSON or CSV.
            streamed = client.get("/api/export/statements").text.splitlines()
            assert [json.loads(line)["id"] for line in streamed] == sorted(s["id"] for s in store_statements)
            table = list(
                csv.DictReader(io.StringIO(client.get("/api/export/articles", params={"format": "csv"}).text))
            )
            assert sorted(int(row["id"]) for row in table) == sorted(ids) and "text" in table[0]
    finally:
        app.state.parley.close()


def test_board_over_many_processes_is_a_line_per_process(store_url: str) -> None:
    rng = random.Random(8)
    with open_store(store_url) as store:
        for n, name in enumerate(["north", "south", "east", "west"]):
            truce = [{"party": "UKR", "issue": "ceasefire", "text": "hold the truce"}]
            report(store, _text(rng), published=f"2025-03-0{n + 1}", process=name, commitments=truce)
    app = create_app(store_url, load_settings())
    try:
        with TestClient(app) as client:
            page = client.get("/board.json", params={"as_of": "2025-04-01"}).json()
            lines = {p["name"]: p for p in page["summary"]["processes"]}
            assert page["board"] is None and set(lines) == {"north", "south", "east", "west"}
            assert lines["east"]["facts"]["commitments"] == 1 and lines["east"]["articles"] == 1
            assert client.get(lines["east"]["board"]).status_code == 200
            assert "east" in client.get("/board", params={"as_of": "2025-04-01"}).text
            assert client.get("/api/board").json()["processes"][0]["name"] == "north"
            one = client.get("/api/board", params={"process": "east", "as_of": "2025-04-01"}).json()
            assert [c["process"] for c in one["commitments"]] == ["east"]
            found = client.get("/api/actors", params={"q": "ukr"}).json()["items"]
            assert [a["id"] for a in found] == ["UKR"]
    finally:
        app.state.parley.close()
