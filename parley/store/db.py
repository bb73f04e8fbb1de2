"""The Store: every SQL statement parley runs, over SQLite or PostgreSQL.

The store knows tables, not meaning: what goes into a fact is decided in ``parley.consolidate``,
what a board shows in ``parley.analysis``. Rows come back as plain dicts, JSON columns decoded.
One Store is one connection; its methods may be called from several threads (a lock serialises
them), which is what a web server's thread pool does.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parley.errors import NotFoundError, StoreError
from parley.settings import Settings, load_settings
from parley.store.alerts import AlertTables
from parley.store.dialect import POSTGRESQL, SQLITE, Dialect
from parley.store.migrations import MIGRATIONS, statements_for

#: Columns holding JSON, decoded when read.
JSON_COLUMNS = frozenset({"payload", "via", "parties", "issues"})
#: Tables ``Store.rows`` may read whole (for export).
TABLES = ("processes", "articles", "statements", "records", "facts", "fact_sources", "fact_events")
#: The PostgreSQL advisory lock taken by write transactions, so that concurrent writers queue
#: the way SQLite's single writer does (consolidation reads, then updates, a fact).
_PG_WRITE_LOCK = 0x7061726C  # "parl"


def database_url(value: str | None = None, settings: Settings | None = None) -> str:
    """The database to use: ``value`` (``--db``), else ``PARLEY_DB``, else the settings' ``store.db``.

    A plain path or a ``sqlite:///path`` URL means SQLite (``sqlite:////abs/path`` for an absolute
    path, ``:memory:`` for a throwaway in-memory store); ``postgresql://...`` means PostgreSQL.
    """
    if value:
        return value
    if os.environ.get("PARLEY_DB"):
        return os.environ["PARLEY_DB"]
    return (settings or load_settings()).store.db


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_store(url: str | None = None, settings: Settings | None = None) -> Store:
    """Open (creating and migrating as needed) the store at ``url``; see ``database_url``."""
    url = database_url(url, settings)
    if url.startswith(("postgresql://", "postgres://")):
        store = Store(url, POSTGRESQL, _connect_postgresql(url))
    else:
        store = Store(url, SQLITE, _connect_sqlite(url))
    store.migrate()
    return store


def _connect_sqlite(url: str) -> sqlite3.Connection:
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if url == "sqlite://":
        path = ":memory:"
    if path != ":memory:":
        parent = Path(path).expanduser().parent
        if not parent.is_dir():
            raise StoreError(f"no such directory {str(parent)!r} for the database", source=url)
        path = str(Path(path).expanduser())
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
        conn.row_factory = _dict_row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=60000")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open the SQLite database: {exc}", source=url) from exc
    return conn


def _connect_postgresql(url: str) -> Any:
    import psycopg
    from psycopg.rows import dict_row

    try:
        conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        # parley's queries are short: compiling them (JIT, chosen when table statistics are stale or
        # rows many) costs more than it saves, tens of milliseconds on a board.
        conn.execute("SET jit = off")
        return conn
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"cannot connect to PostgreSQL: {message}", source=_redact(url)) from exc


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    """SQLite rows as dicts, as psycopg's ``dict_row`` gives them."""
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS:
        value = row.get(key)
        if isinstance(value, str):
            row[key] = json.loads(value)
    return row


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Store(AlertTables):
    """parley's database. Open one with ``open_store``; use as a context manager to close it.

    Its alert and watch tables are read and written by the methods of ``AlertTables``."""

    def __init__(self, url: str, dialect: Dialect, conn: Any) -> None:
        self.url = _redact(url)
        self.dialect = dialect
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0  # nesting of transaction(): inner ones join the outer one

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.dialect.name

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._conn.execute(self.dialect.sql(sql), tuple(params))

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [_decode(r) for r in self._execute(sql, params).fetchall()]

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self._lock:
            row = self._execute(sql, params).fetchone()
        return _decode(row) if row is not None else None

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            row = self._execute(sql, params).fetchone()
        if row is None:
            return None
        return next(iter(dict(row).values()))

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT ... RETURNING id and give the new id."""
        return int(self._scalar(sql + " RETURNING id", params))

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction: everything inside is committed together or not at all.

        Writers queue (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock), so a
        read-then-update inside stays consistent. Nested calls join the outer transaction.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                if self.backend == "sqlite":
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield self
                    except BaseException:
                        self._conn.execute("ROLLBACK")
                        raise
                    self._conn.execute("COMMIT")
                else:
                    with self._conn.transaction():
                        self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_WRITE_LOCK,))
                        yield self
            finally:
                self._depth = 0

    def migrate(self) -> int:
        """Apply the migrations this database lacks; return the schema version."""
        with self.transaction():
            self._execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {r["version"] for r in self._all("SELECT version FROM schema_migrations")}
            for version, name, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in statements_for(self.dialect, statements):
                    self._execute(statement)
                self._execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
        return self.schema_version()

    def schema_version(self) -> int:
        """The highest migration applied."""
        return int(self._scalar("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations"))

    def integrity_problems(self) -> list[str]:
        """What is wrong with the stored data: database corruption, records without their article.

        An empty list means the store is sound (SQLite's ``integrity_check`` plus parley's own
        foreign-key checks, which also hold on PostgreSQL).
        """
        problems: list[str] = []
        if self.backend == "sqlite":
            checks = [r["integrity_check"] for r in self._all("PRAGMA integrity_check")]
            problems += [c for c in checks if c != "ok"]
            problems += [f"foreign key: {r}" for r in self._all("PRAGMA foreign_key_check")]
        orphans = {
            "statement without its article": "SELECT COUNT(*) AS n FROM statements s"
            " LEFT JOIN articles a ON a.id = s.article_id WHERE a.id IS NULL",
            "record without its article": "SELECT COUNT(*) AS n FROM records r"
            " LEFT JOIN articles a ON a.id = r.article_id WHERE a.id IS NULL",
            "article whose stored records differ from its record count": "SELECT COUNT(*) AS n FROM articles a"
            " WHERE a.record_count <> (SELECT COUNT(*) FROM records r WHERE r.article_id = a.id)"
            " + (SELECT COUNT(*) FROM statements s WHERE s.article_id = a.id)",
            "process whose article count is off": "SELECT COUNT(*) AS n FROM processes p"
            " WHERE p.article_count <> (SELECT COUNT(*) FROM articles a WHERE a.process_id = p.id)",
            "fact without a source": "SELECT COUNT(*) AS n FROM facts f"
            " WHERE NOT EXISTS (SELECT 1 FROM fact_sources s WHERE s.fact_id = f.id)",
        }
        for what, sql in orphans.items():
            n = int(self._scalar(sql))
            if n:
                problems.append(f"{n} {what}")
        return problems

    # -- articles -------------------------------------------------------------------------------

    def article_by_hash(self, content_hash: str) -> dict[str, Any] | None:
        """The stored article with this content hash (id, key, duplicate_of, process, record_count), if any."""
        return self._one(
            "SELECT a.id, a.key, a.duplicate_of, a.process_id, p.name AS process, a.record_count"
            " FROM articles a LEFT JOIN processes p ON p.id = a.process_id WHERE a.content_hash = ?",
            (content_hash,),
        )

    def add_article(
        self,
        *,
        key: str,
        content_hash: str,
        text: str,
        seen: str,
        source: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        title: str | None = None,
        published: str | None = None,
        duplicate_of: int | None = None,
        process_id: int | None = None,
        record_count: int = 0,
    ) -> int:
        """Store an article (and index it for search); return its id."""
        article_id = self._insert(
            "INSERT INTO articles (key, content_hash, source, url, outlet, title, published, seen, text,"
            " duplicate_of, process_id, record_count, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                content_hash,
                source,
                url,
                outlet,
                title,
                published,
                seen,
                text,
                duplicate_of,
                process_id,
                record_count,
                _now(),
            ),
        )
        if self.backend == "sqlite":
            self._execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                (article_id, title or "", text),
            )
        return article_id

    def add_bands(self, article_id: int, bands: Iterable[str]) -> None:
        """Record the article's near-duplicate hash bands."""
        sql = self.dialect.sql(
            "INSERT INTO article_bands (band, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
        )
        with self._lock:
            cursor = self._conn.cursor()
            try:
                cursor.executemany(sql, [(band, article_id) for band in bands])
            finally:
                cursor.close()

    def articles_sharing_bands(self, bands: Sequence[str]) -> list[dict[str, Any]]:
        """Stored articles sharing at least one band (id, text, duplicate_of, outlet), oldest first."""
        if not bands:
            return []
        marks = ", ".join("?" for _ in bands)
        return self._all(
            "SELECT id, text, duplicate_of, outlet FROM articles WHERE id IN"
            f" (SELECT DISTINCT article_id FROM article_bands WHERE band IN ({marks})) ORDER BY id",
            list(bands),
        )

    def article(self, article_id: int) -> dict[str, Any]:
        """One article with its full text; ``NotFoundError`` if there is none."""
        row = self._one(
            "SELECT a.id, a.key, a.source, a.url, a.outlet, a.title, a.published, a.seen, a.text,"
            " a.duplicate_of, a.process_id, p.name AS process, a.record_count, a.ingested_at"
            " FROM articles a LEFT JOIN processes p ON p.id = a.process_id WHERE a.id = ?",
            (article_id,),
        )
        if row is None:
            raise NotFoundError(f"no article with id {article_id}", source=self.url)
        return row

    def articles(
        self, process_id: int | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Articles without their text, newest first (by ``seen``, then id)."""
        where, params = ("WHERE a.process_id = ?", [process_id]) if process_id is not None else ("", [])
        return self._all(
            "SELECT a.id, a.key, a.url, a.outlet, a.title, a.published, a.seen, a.duplicate_of,"
            " a.process_id, p.name AS process, a.record_count, a.ingested_at"
            f" FROM articles a LEFT JOIN processes p ON p.id = a.process_id {where}"
            " ORDER BY a.seen DESC, a.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )

    def delete_article(self, article_id: int) -> dict[str, Any]:
        """Delete an article and everything read from it, in one transaction; ``NotFoundError`` if none.

        Goes with it: its statements, records, search entries, near-duplicate bands, the fact
        sources and events of its records, the facts it alone supported, and its process if that is
        left with no article. Its near-duplicates stay one story: the earliest (lowest id) becomes
        the story's first and the others point to it.
        Returns ``facts`` (ids of facts that lost a source but keep others: their columns are stale
        until ``parley.consolidate.rebuild_facts`` recomputes them in the same transaction),
        ``facts_removed`` and ``story_first`` (the near-duplicate promoted, or None).
        """
        with self.transaction():
            process_id = self.article(article_id)["process_id"]
            fact_ids = [
                r["fact_id"]
                for r in self._all(
                    "SELECT DISTINCT fact_id FROM fact_sources WHERE article_id = ? ORDER BY fact_id",
                    (article_id,),
                )
            ]
            if self.backend == "sqlite":  # external-content FTS5 tables forget a row given its old values
                self._execute(
                    "INSERT INTO articles_fts (articles_fts, rowid, title, text)"
                    " SELECT 'delete', id, COALESCE(title, ''), text FROM articles WHERE id = ?",
                    (article_id,),
                )
                self._execute(
                    "INSERT INTO statements_fts (statements_fts, rowid, text)"
                    " SELECT 'delete', id, text FROM statements WHERE article_id = ?",
                    (article_id,),
                )
            records = "SELECT id FROM records WHERE article_id = ?"
            self._execute(f"DELETE FROM fact_events WHERE record_id IN ({records})", (article_id,))
            self._execute("DELETE FROM fact_sources WHERE article_id = ?", (article_id,))
            self._execute("DELETE FROM records WHERE article_id = ?", (article_id,))
            self._execute("DELETE FROM statements WHERE article_id = ?", (article_id,))
            self._execute("DELETE FROM article_bands WHERE article_id = ?", (article_id,))
            story_first = self._scalar(
                "SELECT MIN(id) AS id FROM articles WHERE duplicate_of = ?", (article_id,)
            )
            if story_first is not None:
                self._execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", (story_first,))
                self._execute(
                    "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", (story_first, article_id)
                )
                self._execute(
                    "UPDATE fact_sources SET story_id = ? WHERE story_id = ?", (story_first, article_id)
                )
            self._execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._execute(
                "UPDATE processes SET article_count = article_count - 1 WHERE id = ?", (process_id,)
            )
            kept: set[int] = set()
            if fact_ids:
                marks = ", ".join("?" for _ in fact_ids)
                kept = {
                    r["fact_id"]
                    for r in self._all(
                        f"SELECT DISTINCT fact_id FROM fact_sources WHERE fact_id IN ({marks})", fact_ids
                    )
                }
            removed = [f for f in fact_ids if f not in kept]
            if removed:
                marks = ", ".join("?" for _ in removed)
                self._execute(f"DELETE FROM fact_events WHERE fact_id IN ({marks})", removed)
                self._execute(f"DELETE FROM facts WHERE id IN ({marks})", removed)
            self._execute(
                "DELETE FROM processes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM articles WHERE process_id = ?)"
                " AND NOT EXISTS (SELECT 1 FROM facts WHERE process_id = ?)",
                (process_id, process_id, process_id),
            )
        return {
            "facts": [f for f in fact_ids if f in kept],
            "facts_removed": removed,
            "story_first": None if story_first is None else int(story_first),
        }

    def set_article_process(self, article_id: int, process_id: int) -> None:
        """Assign an article to a process (moving it from the one it was in, if any)."""
        self._execute(
            "UPDATE processes SET article_count = article_count - 1"
            " WHERE id = (SELECT process_id FROM articles WHERE id = ?)",
            (article_id,),
        )
        self._execute("UPDATE articles SET process_id = ? WHERE id = ?", (process_id, article_id))
        self._execute("UPDATE processes SET article_count = article_count + 1 WHERE id = ?", (process_id,))

    def article_ids(self, process_id: int | None = None) -> list[int]:
        """Ids of stored articles in date order (``seen``, then id), optionally of one process."""
        where, params = ("WHERE process_id = ?", [process_id]) if process_id is not None else ("", [])
        return [r["id"] for r in self._all(f"SELECT id FROM articles {where} ORDER BY seen, id", params)]

    # -- statements and records -----------------------------------------------------------------

    def add_statement(
        self,
        article_id: int,
        idx: int,
        *,
        speaker: str,
        party: str | None,
        via: list[str],
        direct: bool,
        hedged: bool,
        span: tuple[int, int],
        text: str,
        payload: dict[str, Any],
    ) -> int:
        """Store one statement of an article (and index it for search); return its id."""
        statement_id = self._insert(
            "INSERT INTO statements (article_id, idx, speaker, party, via, direct, hedged, span_start,"
            " span_end, text, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, idx, speaker, party, _json(via), int(direct), int(hedged), span[0], span[1], text,
             _json(payload)),
        )  # fmt: skip
        if self.backend == "sqlite":
            self._execute("INSERT INTO statements_fts (rowid, text) VALUES (?, ?)", (statement_id, text))
        return statement_id

    def add_record(
        self,
        article_id: int,
        kind: str,
        idx: int,
        *,
        party: str | None,
        issue: str | None,
        statement_id: int | None,
        date_start: str | None,
        date_end: str | None,
        date_precision: str | None,
        text: str | None,
        payload: dict[str, Any],
    ) -> int:
        """Store one record (commitment, proposal, ...) of an article; return its id."""
        return self._insert(
            "INSERT INTO records (article_id, kind, idx, party, issue, statement_id, date_start, date_end,"
            " date_precision, text, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, kind, idx, party, issue, statement_id, date_start, date_end, date_precision, text,
             _json(payload)),
        )  # fmt: skip

    def statements(self, article_id: int) -> list[dict[str, Any]]:
        """An article's statements in order."""
        return self._all(
            "SELECT id, article_id, idx, speaker, party, via, direct, hedged, span_start, span_end, text, payload"
            " FROM statements WHERE article_id = ? ORDER BY idx",
            (article_id,),
        )

    def records(
        self, article_id: int | None = None, kind: str | None = None, fact_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Records, filtered by article, kind and/or fact, in article and index order."""
        conditions, params = [], []
        for column, value in (("article_id", article_id), ("kind", kind), ("fact_id", fact_id)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._all(
            "SELECT id, article_id, kind, idx, party, issue, statement_id, date_start, date_end,"
            f" date_precision, text, payload, fact_id FROM records {where} ORDER BY article_id, kind, idx",
            params,
        )

    def set_record_fact(self, record_id: int, fact_id: int | None) -> None:
        """Link a record to the fact it supports."""
        self._execute("UPDATE records SET fact_id = ? WHERE id = ?", (fact_id, record_id))

    # -- processes ------------------------------------------------------------------------------

    def processes(self, counts: bool = True, process_id: int | None = None) -> list[dict[str, Any]]:
        """Every process (or one) with its party and issue tallies and, with ``counts``, its article count."""
        articles = ", p.article_count AS articles" if counts else ""
        where, params = ("WHERE p.id = ?", [process_id]) if process_id is not None else ("", [])
        return self._all(
            f"SELECT p.id, p.name, p.parties, p.issues, p.created_at{articles} FROM processes p {where} ORDER BY p.id",
            params,
        )

    def process(self, process_id: int) -> dict[str, Any]:
        """One process; ``NotFoundError`` if there is none."""
        row = self._one(
            "SELECT id, name, parties, issues, created_at FROM processes WHERE id = ?", (process_id,)
        )
        if row is None:
            raise NotFoundError(f"no process with id {process_id}", source=self.url)
        return row

    def process_by_name(self, name: str) -> dict[str, Any] | None:
        """The process called ``name``, if any."""
        return self._one(
            "SELECT id, name, parties, issues, created_at FROM processes WHERE name = ?", (name,)
        )

    def add_process(self, name: str) -> int:
        """Create a process (or find the one of that name); return its id."""
        self._execute(
            "INSERT INTO processes (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, _now()),
        )
        return int(self._scalar("SELECT id FROM processes WHERE name = ?", (name,)))

    def update_process(self, process_id: int, parties: dict[str, int], issues: dict[str, int]) -> None:
        """Replace a process's party and issue tallies."""
        self._execute(
            "UPDATE processes SET parties = ?, issues = ? WHERE id = ?",
            (_json(parties), _json(issues), process_id),
        )

    # -- facts ----------------------------------------------------------------------------------

    def fact_by_key(self, process_id: int, kind: str, key: str) -> dict[str, Any] | None:
        """The fact of this kind and key in a process, if any."""
        return self._one(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id"
            " WHERE f.process_id = ? AND f.kind = ? AND f.key = ?",
            (process_id, kind, key),
        )

    def add_fact(self, process_id: int, kind: str, key: str, **columns: Any) -> int:
        """Create a fact; ``columns`` are facts table columns (payload as a dict). Return its id."""
        columns = _fact_values(columns)
        names = ", ".join(["process_id", "kind", "key", *columns])
        marks = ", ".join("?" for _ in range(3 + len(columns)))
        return self._insert(
            f"INSERT INTO facts ({names}) VALUES ({marks})", [process_id, kind, key, *columns.values()]
        )

    def update_fact(self, fact_id: int, **columns: Any) -> None:
        """Set some columns of a fact (payload as a dict)."""
        columns = _fact_values(columns)
        sets = ", ".join(f"{name} = ?" for name in columns)
        self._execute(f"UPDATE facts SET {sets} WHERE id = ?", [*columns.values(), fact_id])

    def reset_fact(self, fact_id: int, **columns: Any) -> None:
        """Empty a fact before its records are merged into it again, keeping its id: its sources and
        events deleted, its records unlinked, its columns as a new fact's (``columns`` as ``add_fact``)."""
        self._execute("UPDATE records SET fact_id = NULL WHERE fact_id = ?", (fact_id,))
        self._execute("DELETE FROM fact_events WHERE fact_id = ?", (fact_id,))
        self._execute("DELETE FROM fact_sources WHERE fact_id = ?", (fact_id,))
        self.update_fact(fact_id, **(_FACT_DEFAULTS | columns))

    def add_fact_source(
        self,
        fact_id: int,
        record_id: int,
        *,
        article_id: int,
        story_id: int,
        statement_id: int | None,
        outlet: str | None,
        speaker: str | None,
        source_type: str,
        account_party: str | None,
        seen: str,
        text: str | None,
    ) -> None:
        """Link a record to its fact with who said it, through which outlet, when."""
        self._execute(
            "INSERT INTO fact_sources (fact_id, record_id, article_id, story_id, statement_id, outlet, speaker,"
            " source_type, account_party, seen, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (fact_id, record_id, article_id, story_id, statement_id, outlet, speaker, source_type, account_party,
             seen, text),
        )  # fmt: skip

    def new_to_fact(self, fact_id: int, record_id: int, values: dict[str, Any]) -> dict[str, bool]:
        """For each of ``values`` ({column: value}, columns article_id, story_id, outlet, speaker):
        whether no other source of the fact has it (None values are never new)."""
        wanted = {c: v for c, v in values.items() if v is not None}
        unknown = set(wanted) - {"article_id", "story_id", "outlet", "speaker"}
        if unknown:
            raise ValueError(f"not fact source columns: {', '.join(sorted(unknown))}")
        if not wanted:
            return dict.fromkeys(values, False)
        checks = ", ".join(
            f"NOT EXISTS (SELECT 1 FROM fact_sources WHERE fact_id = ? AND {c} = ? AND record_id <> ?) AS {c}"
            for c in wanted
        )
        params = [p for value in wanted.values() for p in (fact_id, value, record_id)]
        row = self._one(f"SELECT {checks}", params) or {}
        return {c: bool(row.get(c, False)) for c in values}

    def add_fact_event(self, fact_id: int, event: str, day: str, record_id: int | None) -> None:
        """Record a dated change of a fact's status (kept once per fact, event and day)."""
        self._execute(
            "INSERT INTO fact_events (fact_id, event, day, record_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (fact_id, event, day, record_id),
        )

    def clear_facts(self, process_id: int | None = None) -> None:
        """Delete facts (of one process, or all) and unlink their records, before a rebuild."""
        if process_id is None:
            self._execute("UPDATE records SET fact_id = NULL")
            self._execute("DELETE FROM fact_events")
            self._execute("DELETE FROM fact_sources")
            self._execute("DELETE FROM facts")
            return
        subquery = "SELECT id FROM facts WHERE process_id = ?"
        self._execute(f"UPDATE records SET fact_id = NULL WHERE fact_id IN ({subquery})", (process_id,))
        self._execute(f"DELETE FROM fact_events WHERE fact_id IN ({subquery})", (process_id,))
        self._execute(f"DELETE FROM fact_sources WHERE fact_id IN ({subquery})", (process_id,))
        self._execute("DELETE FROM facts WHERE process_id = ?", (process_id,))

    def facts(
        self,
        process_id: int | None = None,
        kinds: Sequence[str] | None = None,
        seen_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Facts, optionally of one process and some kinds, first seen on or before ``seen_by``.

        Ordered by process, kind, party and issue: the order a board lists them in.
        """
        conditions, params = [], []
        if process_id is not None:
            conditions.append("f.process_id = ?")
            params.append(process_id)
        if kinds:
            conditions.append(f"f.kind IN ({', '.join('?' for _ in kinds)})")
            params.extend(kinds)
        if seen_by is not None:
            conditions.append("f.first_seen <= ?")
            params.append(seen_by)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        page = ""
        if limit is not None:
            page = " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self._all(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id {where}"
            f" ORDER BY f.process_id, f.kind, f.party, f.issue, f.id{page}",
            params,
        )

    def latest_meetings(self, day: str, process_id: int | None = None) -> list[dict[str, Any]]:
        """Meeting facts known on ``day``: each process's latest one held by then, and those after it."""
        scope, params = ("AND process_id = ?", [process_id]) if process_id is not None else ("", [])
        last = self._all(
            "SELECT process_id, MAX(date_start) AS day FROM facts WHERE kind = 'meetings' AND first_seen <= ?"
            f" AND date_start <= ? {scope} GROUP BY process_id",
            [day, day, *params],
        )
        held = " OR ".join("(f.process_id = ? AND f.date_start = ?)" for _ in last) or "1 = 0"
        pairs = [value for row in last for value in (row["process_id"], row["day"])]
        return self._all(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id"
            f" WHERE f.kind = 'meetings' AND f.first_seen <= ? AND ({held} OR f.date_start > ?)"
            f" {scope.replace('process_id', 'f.process_id')} ORDER BY f.process_id, f.date_start, f.id",
            [day, *pairs, day, *params],
        )

    def fact(self, fact_id: int) -> dict[str, Any]:
        """One fact; ``NotFoundError`` if there is none."""
        row = self._one(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id WHERE f.id = ?",
            (fact_id,),
        )
        if row is None:
            raise NotFoundError(f"no fact with id {fact_id}", source=self.url)
        return row

    def fact_sources(self, fact_id: int) -> list[dict[str, Any]]:
        """Every record behind a fact: the article (title, url, outlet, date), the statement and its span."""
        return self._all(
            "SELECT fs.fact_id, fs.record_id, fs.article_id, fs.story_id, fs.statement_id, fs.outlet,"
            " fs.speaker, fs.source_type, fs.account_party, fs.seen, fs.text AS record_text,"
            " a.title, a.url, a.published, a.duplicate_of, s.text AS statement_text, s.span_start, s.span_end,"
            " s.via, r.payload"
            " FROM fact_sources fs JOIN articles a ON a.id = fs.article_id"
            " JOIN records r ON r.id = fs.record_id"
            " LEFT JOIN statements s ON s.id = fs.statement_id"
            " WHERE fs.fact_id = ? ORDER BY fs.seen, fs.article_id, fs.record_id",
            (fact_id,),
        )

    def fact_events(
        self, process_id: int | None = None, until: str | None = None, fact_ids: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """Dated status events of facts (of a process, or the given facts) up to ``until``, in date order."""
        conditions, params = [], []
        if process_id is not None:
            conditions.append("f.process_id = ?")
            params.append(process_id)
        if fact_ids is not None:
            if not fact_ids:
                return []
            conditions.append(f"e.fact_id IN ({', '.join('?' for _ in fact_ids)})")
            params.extend(fact_ids)
        if until is not None:
            conditions.append("e.day <= ?")
            params.append(until)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._all(
            "SELECT e.fact_id, e.event, e.day, e.record_id, f.kind, f.party, f.issue, f.process_id"
            f" FROM fact_events e JOIN facts f ON f.id = e.fact_id {where} ORDER BY e.day, e.fact_id, e.event",
            params,
        )

    def corroboration(self, fact_ids: Sequence[int], until: str) -> dict[int, dict[str, Any]]:
        """Corroboration of facts counted over their sources seen up to ``until``.

        Returns per fact: reports, articles, stories (near-duplicates counted once), outlets,
        named_sources (distinct named speakers), anonymous_sources (anonymous reports),
        first_seen and last_seen.
        """
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(fact_ids), 500):
            chunk = list(fact_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            rows = self._all(
                "SELECT fact_id, COUNT(*) AS reports, COUNT(DISTINCT article_id) AS articles,"
                " COUNT(DISTINCT story_id) AS stories, COUNT(DISTINCT outlet) AS outlets,"
                " COUNT(DISTINCT CASE WHEN source_type = 'named' THEN speaker END) AS named_sources,"
                " COUNT(DISTINCT CASE WHEN source_type = 'anonymous' THEN record_id END) AS anonymous_sources,"
                " MIN(seen) AS first_seen, MAX(seen) AS last_seen"
                f" FROM fact_sources WHERE fact_id IN ({marks}) AND seen <= ? GROUP BY fact_id",
                [*chunk, until],
            )
            out.update({r.pop("fact_id"): r for r in rows})
        return out

    # -- search, statistics, export -------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over articles and statements, best matches first.

        Each hit has ``kind`` ("article" or "statement"), ``article_id``, ``statement_id``, title,
        outlet, published, url, a ``snippet`` with the matched words between « and », and ``score``
        (lower is better); statement hits also have ``speaker`` and the span.
        """
        terms = self.dialect.search_query(query)
        if not terms.strip():
            return []
        hits = [
            {"kind": "article", **r} for r in self._all(self.dialect.search_articles_sql(), (terms, limit))
        ]
        hits += [
            {"kind": "statement", **r}
            for r in self._all(self.dialect.search_statements_sql(), (terms, limit))
        ]
        hits.sort(key=lambda h: h["score"])
        return hits[:limit]

    def stats(self) -> dict[str, Any]:
        """Counts: articles, near-duplicates, outlets, processes, statements, records and facts by kind."""
        count = self._scalar
        return {
            "articles": count("SELECT COUNT(*) AS n FROM articles"),
            "near_duplicates": count("SELECT COUNT(*) AS n FROM articles WHERE duplicate_of IS NOT NULL"),
            "outlets": count("SELECT COUNT(DISTINCT outlet) AS n FROM articles"),
            "processes": count("SELECT COUNT(*) AS n FROM processes"),
            "statements": count("SELECT COUNT(*) AS n FROM statements"),
            "records": {
                r["kind"]: r["n"]
                for r in self._all("SELECT kind, COUNT(*) AS n FROM records GROUP BY kind ORDER BY kind")
            },
            "facts": {
                r["kind"]: r["n"]
                for r in self._all("SELECT kind, COUNT(*) AS n FROM facts GROUP BY kind ORDER BY kind")
            },
        }

    def rows(self, table: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row of one of ``TABLES`` (without search columns), in id order, read in batches."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
        columns = [c for c in self._columns(table) if c != "tsv"]
        order = ", ".join(c for c in ("id", "fact_id", "record_id", "event", "day") if c in columns)
        offset = 0
        while True:
            chunk = self._all(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?", (batch, offset)
            )
            yield from chunk
            if len(chunk) < batch:
                return
            offset += batch

    def _columns(self, table: str) -> list[str]:
        if self.backend == "sqlite":
            return [r["name"] for r in self._all(f"PRAGMA table_info({table})")]
        return [
            r["column_name"]
            for r in self._all(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
                (table,),
            )
        ]


_FACT_COLUMNS = (
    "f.id, f.process_id, p.name AS process, f.kind, f.key, f.party, f.issue, f.text, f.first_seen, f.last_seen,"
    " f.date_start, f.date_end, f.date_precision, f.conditional, f.condition_issue, f.red_line, f.reports,"
    " f.articles, f.stories, f.outlets, f.named_sources, f.anonymous_sources, f.payload"
)


#: Fact columns that consolidation sets (besides process, kind and key, which identify a fact).
_FACT_WRITABLE = frozenset(
    "party issue text first_seen last_seen date_start date_end date_precision conditional condition_issue"
    " red_line reports articles stories outlets named_sources anonymous_sources payload".split()
)

#: The writable columns of a new fact, as the facts table's defaults give them.
_FACT_DEFAULTS: dict[str, Any] = dict.fromkeys(_FACT_WRITABLE) | dict.fromkeys(
    "conditional red_line reports articles stories outlets named_sources anonymous_sources".split(), 0
)


def _fact_values(columns: dict[str, Any]) -> dict[str, Any]:
    unknown = set(columns) - _FACT_WRITABLE
    if unknown:
        raise ValueError(f"not fact columns: {', '.join(sorted(unknown))}")
    return {
        k: _json(v) if k == "payload" else (int(v) if isinstance(v, bool) else v) for k, v in columns.items()
    }
