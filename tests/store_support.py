"""Fixtures shared by the store, flow, consolidation, analysis and CLI tests.

``store`` runs a test once on a fresh SQLite file and once on PostgreSQL (the real server on
127.0.0.1:5432; one scratch database per test session, dropped at the end, and one schema per test
inside it). A test module loads them with ``pytest_plugins = ["store_support"]``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from parley.records import Article, Document, Records
from parley.store import Store, open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_SERVER = os.environ.get("PARLEY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

#: One undertaking told twice, by a named speaker and by an unnamed official: the same fact, two sources.
HAJIYEV = (
    "Presidential adviser Hikmet Hajiyev said Azerbaijan would open its Caspian ports to Armenian freight "
    "once sanctions on its state bank end."
)
OFFICIAL = (
    "A US official said Baku had pledged passage through its Caspian ports for Armenian cargo in return "
    "for lifting the bank sanctions."
)


def seed_article(published: str | None = "2025-04-18", outlet: str | None = None) -> tuple[Article, Records]:
    """The founding article and its gold records (what the extractor should find in it)."""
    text = (SHARED / "corpus" / "seed-rubio-paris.txt").read_text(encoding="utf-8")
    records = gold("seed-rubio-paris")
    article = Article(text=text, source="seed-rubio-paris.txt", id="seed-rubio-paris", published=published,
                      outlet=outlet)  # fmt: skip
    return article, records


def gold(name: str) -> Records:
    """A gold annotation of the shared development set as Records."""
    return Records.from_dict(json.loads((SHARED / "gold" / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this test session; its URL."""
    name = f"parley_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: a SQLite file, or a fresh schema in the scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "parley.db")
        return
    database = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{database}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store on each backend."""
    with open_store(store_url) as opened:
        yield opened


def corpus_names() -> list[str]:
    """The names of the shared articles that have a gold annotation."""
    return sorted(p.stem for p in (SHARED / "gold").glob("*.json"))


def corpus_article(name: str, **fields: str | None) -> Article:
    """A shared article with its publication date from its ``.meta.json`` sidecar."""
    text = (SHARED / "corpus" / f"{name}.txt").read_text(encoding="utf-8")
    meta_file = SHARED / "corpus" / f"{name}.meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    values = {"published": meta.get("published"), **fields}
    return Article(text=text, source=f"{name}.txt", id=name, **values)  # type: ignore[arg-type]


class GoldExtractor:
    """Gives the gold records of a shared article (matched by its text's first line), as an
    extractor would; other texts get no records. Stands in where a test is about the store."""

    def __init__(self) -> None:
        self.by_line = {}
        for name in corpus_names():
            first = (SHARED / "corpus" / f"{name}.txt").read_text(encoding="utf-8").split("\n", 1)[0]
            self.by_line[first] = name

    def extract(self, article: Article) -> Records:
        name = self.by_line.get(article.text.split("\n", 1)[0])
        return gold(name) if name else Records(document=Document(id=article.id or "unknown"))

    def extract_many(self, articles: object) -> Iterator[tuple[Article, Records]]:
        for article in articles:  # type: ignore[attr-defined]
            yield article, self.extract(article)


def report(
    store: Store,
    text: str,
    published: str | None = None,
    outlet: str | None = None,
    process: str | None = None,
    **kinds: list[dict[str, object]],
) -> int:
    """Commit one hand-made article: ``text`` and records given by kind as ``parley-records/1``
    dicts (``statements=[{"span": [0, 10], "speaker": "RUS"}], commitments=[...]``); its id."""
    from parley.flow import commit

    records = Records.from_dict({"document": {"id": text[:20]}, **kinds})
    article = Article(text=text, source=text[:20], published=published, outlet=outlet)
    result = commit(store, article, records, process=process)
    assert result.status == "stored", result
    return result.article_id  # type: ignore[return-value]
