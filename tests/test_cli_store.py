"""``parley ingest|board|timeline|facts|sources|search|stats|export`` end to end, on both backends.

Ingest runs the real extractor; the pages and the feed come from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from store_support import SHARED, seed_article
from test_ingest_server import NewsServer, news_server_fixture  # noqa: F401

from parley import flow
from parley.cli import main
from parley.store import open_store

pytest_plugins = ["store_support"]
SEED = SHARED / "corpus" / "seed-rubio-paris.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(store_url: str) -> str:
    """A store holding the founding article with its gold records."""
    with open_store(store_url) as store:
        flow.commit(store, *seed_article())
    return store_url


@pytest.mark.slow
def test_ingest_extracts_and_the_board_shows_the_founding_negotiation(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "ingest", str(SEED), "--published", "2025-04-18", "--db", store_url)
    assert code == 0, err
    assert out.startswith("stored  ") and "process RUS-UKR" in out and "1 stored" in err
    code, out, err = run(capsys, "ingest", str(SEED), "--db", store_url)
    assert code == 0 and out.startswith("exists  ") and "1 already stored" in err

    code, out, _ = run(capsys, "board", "--db", store_url, "--as-of", "2025-04-20", "--json")
    board = json.loads(out)
    assert any(
        (c["issue"], c["party"], c["red_line"], c["against"]["party"]) == ("territory", "UKR", True, "USA")
        for c in board["conflicts"]
    )
    black_sea = [
        c
        for c in board["conditions"]
        if (c["commitment"]["party"], c["commitment"]["issue"]) == ("RUS", "maritime")
    ]
    assert [c["waits_on"] for c in black_sea] == ["sanctions"]
    assert ("USA", "sanctions") in {(t["party"], t["issue"]) for t in black_sea[0]["offered_by"]}
    ultimatum = next(
        d
        for d in board["deadlines"]
        if (d["kind"], d["party"], d["issue"]) == ("ultimatum", "USA", "mediation")
    )
    assert (
        ultimatum["when"] == "in a few days"
        and ultimatum["date"] == "2025-04-25"
        and ultimatum["state"] == "coming"
    )


@pytest.mark.slow
def test_ingest_a_feed_from_a_local_server(
    store_url: str, news_server: NewsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = news_server.url("/feed.rss")
    fetched = news_server.hits("/articles/talks.html")
    code, out, err = run(capsys, "ingest", feed, "--allow-private", "--process", "wire", "--db", store_url)
    assert code == 0, err
    assert out.count("stored  ") == 2 and news_server.hits("/articles/talks.html") == fetched + 1
    assert out.count("process wire") == 2
    with open_store(store_url) as store:
        urls = {a["url"] for a in store.articles()}
        assert urls == {news_server.url("/articles/talks.html"), news_server.url("/articles/truce.html")}
        assert all(a["published"] and a["title"] for a in store.articles())


@pytest.mark.slow
def test_bad_sources_are_named_and_the_batch_goes_on(
    store_url: str, news_server: NewsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_columns = tmp_path / "batch.csv"
    no_columns.write_text("headline,body\nTruce,Some text\n", encoding="utf-8")
    sources = [
        news_server.url("/articles/talks.html"),  # private address without --allow-private
        news_server.url("/missing"),
        news_server.url("/broken-feed.rss"),
        news_server.url("/no-article.html"),
        str(no_columns),
        str(SEED),
    ]
    code, out, err = run(capsys, "ingest", *sources, "--db", store_url)
    assert code == 1
    assert "stored  " in out and str(SEED) in out
    for source in sources[:5]:
        assert source in err
    assert "P201" in err  # the SSRF guard
    assert "1 stored, 0 already stored, 5 failed" in err
    with open_store(store_url) as store:
        assert store.stats()["articles"] == 1


def test_board_in_a_terminal_and_as_json(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "board", "--db", seeded, "--as-of", "2025-04-20")
    assert code == 0
    for title in ("Positions", "Commitments", "Open proposals", "Conflicts", "Conditions", "Deadlines"):
        assert title in out
    assert "Ukraine" in out and "in a few days" in out
    code, out, _ = run(
        capsys, "board", "--db", seeded, "--process", "RUS-UKR", "--as-of", "2025-04-20", "--json"
    )
    board = json.loads(out)
    assert {"parties", "commitments", "proposals", "conflicts", "conditions", "deadlines"} <= board.keys()
    code, _, err = run(capsys, "board", "--db", seeded, "--process", "gaza")
    assert code == 1 and "no process named 'gaza'" in err and "P404" in err
    code, _, err = run(capsys, "board", "--db", seeded, "--as-of", "soon")
    assert code == 1 and "not a date: 'soon'" in err


def test_facts_sources_timeline_search_stats(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "facts", "--db", seeded, "--kind", "threats", "--json")
    threats = json.loads(out)
    assert code == 0 and {t["issue"] for t in threats} == {"mediation", "sanctions", "military_aid"}
    code, out, _ = run(capsys, "facts", "--db", seeded)
    assert code == 0 and "Facts" in out

    mediation = next(t for t in threats if t["issue"] == "mediation")
    code, out, _ = run(capsys, "sources", str(mediation["id"]), "--db", seeded, "--json")
    detail = json.loads(out)
    assert detail["fact"]["id"] == mediation["id"] and len(detail["sources"]) == 1
    code, out, _ = run(capsys, "sources", str(mediation["id"]), "--db", seeded)
    assert code == 0 and "Sources" in out
    code, _, err = run(capsys, "sources", "9999", "--db", seeded)
    assert code == 1 and "no fact with id 9999" in err

    code, out, _ = run(capsys, "timeline", "--db", seeded, "--json")
    events = json.loads(out)
    assert events[0]["event"] == "meeting" and events[0]["date"] == "2025-04-17"
    code, out, _ = run(capsys, "timeline", "--db", seeded)
    assert code == 0 and "Timeline" in out

    code, out, _ = run(capsys, "search", "Black Sea", "--db", seeded, "--json")
    hits = json.loads(out)
    assert {h["kind"] for h in hits} == {"article", "statement"}
    code, out, _ = run(capsys, "search", "Black Sea", "--db", seeded)
    assert code == 0 and "«Black»" in out

    code, out, _ = run(capsys, "stats", "--db", seeded, "--json")
    stats = json.loads(out)
    assert stats["articles"] == 1 and stats["statements"] == 21 and stats["facts"]["threats"] == 3
    code, out, _ = run(capsys, "stats", "--db", seeded)
    assert code == 0 and "facts: threats" in out


def test_export_in_every_format(seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "--format", "json", "--db", seeded)
    facts = json.loads(out)
    assert code == 0 and len(facts) == 18 and "18 facts rows exported" in err
    code, out, _ = run(capsys, "export", "--format", "ndjson", "--table", "records", "--db", seeded)
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 18 and {"kind", "party", "issue", "payload", "date_start"} <= records[0].keys()
    code, out, _ = run(capsys, "export", "--format", "csv", "--table", "statements", "--db", seeded)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 21 and json.loads(rows[0]["via"]) == ["outlet:axios"]
    target = tmp_path / "facts.parquet"
    code, _, _ = run(capsys, "export", "--format", "parquet", "--out", str(target), "--db", seeded)
    table = pq.read_table(target)
    assert (
        code == 0 and table.num_rows == 18 and {"kind", "status", "corroboration"} <= set(table.column_names)
    )
    code, _, err = run(capsys, "export", "--format", "parquet", "--db", seeded)
    assert code == 1 and "give a file (or '-') with --out" in err
    target = tmp_path / "timeline.csv"
    code, _, _ = run(
        capsys, "export", "--format", "csv", "--table", "timeline", "--out", str(target), "--db", seeded
    )
    assert target.read_text(encoding="utf-8").startswith("date,")
