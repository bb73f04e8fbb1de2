"""The Store: every SQL statement parley runs, over SQLite or PostgreSQL.

The store knows tables, not meaning: what goes into a fact is decided in ``parley.consolidate``,
what a board shows in ``parley.analysis``. Rows come back as plain dicts, JSON columns decoded.
One Store is one connection; its methods may be called from several threads (a lock serialises
them), which is what a web server's thread pool does.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from parley.errors import NotFoundError, StoreError
from parley.settings import Settings, StoreSettings, load_settings
from parley.store.alerts import AlertTables
from parley.store.dialect import POSTGRESQL, SQLITE, Dialect
from parley.store.migrations import MIGRATIONS, statements_for

#: Columns holding JSON, decoded when read.
JSON_COLUMNS = frozenset({"payload", "via", "parties", "issues"})
#: Tables ``Store.rows`` may read whole (for export).
TABLES = ("processes", "articles", "statements", "records", "facts", "fact_sources", "fact_events")
#: The PostgreSQL advisory lock of write transactions. Commits of articles take it shared and run
#: side by side (the rows they update are locked row by row); other writes (deleting an article,
#: rebuilding facts, migrations) take it exclusive and run alone.
_PG_WRITE_LOCK = 0x7061726C  # "parl"
#: The PostgreSQL advisory lock a commit holds from deciding to create a process until it ends, so
#: that two commits of a new negotiation's first articles make one process, not two.
_PG_NEW_PROCESS_LOCK = 0x70726F63  # "proc"
#: SQLite's primary result codes for a damaged file, a file that is not a database, a read-only one.
_SQLITE_BUSY, _SQLITE_CORRUPT, _SQLITE_NOTADB, _SQLITE_READONLY = 5, 11, 26, 8
# How long a SQLite connection waits for another's lock before giving up.
_SQLITE_BUSY_SECONDS = 60

#: SQLSTATEs of a PostgreSQL transaction given up because of a concurrent one: serialization
#: failure, deadlock detected. Running the transaction again succeeds.
_PG_TRANSIENT = frozenset({"40001", "40P01"})
_PG_UNIQUE_VIOLATION = "23505"
#: Rows per multi-row INSERT (PostgreSQL takes at most 65,535 parameters in a statement, SQLite 32,766).
_ROWS_PER_INSERT = 500

_T = TypeVar("_T")


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


#: URL schemes of the databases parley stores in; any other ``scheme://`` is refused by name.
_SCHEMES = ("sqlite", "postgresql", "postgres")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def open_store(
    url: str | None = None, settings: Settings | None = None, *, reading: bool = False, connections: int = 1
) -> Store:
    """Open (creating and migrating as needed) the store at ``url``; see ``database_url``.

    ``reading``: the caller only reads (board, search, stats, export...). A SQLite file it may not
    write (read-only file or file system) is then opened read-only instead of failing, as long as
    its schema is current. Anything but a path, ``sqlite://`` or ``postgresql://`` is a StoreError.
    With ``connections`` > 1, a PostgreSQL store keeps a pool of up to that many connections
    (psycopg_pool), so that threads — a web server's — query side by side; a SQLite store has one
    connection, which its threads take in turn.
    """
    settings = settings or load_settings()
    url = database_url(url, settings)
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in _SCHEMES:
        raise StoreError(
            f"unsupported database scheme {scheme.group(1)!r}: parley stores in SQLite (a file path or"
            " sqlite:///PATH) or PostgreSQL (postgresql://...)",
            source=_redact(url),
        )
    if url.startswith(("postgresql://", "postgres://")):
        conn = _connect_postgresql(url, settings.store)
        if connections > 1:
            conn.close()  # it showed the server is there; the pool makes its own
            store = Store(url, POSTGRESQL, pool=_pool_postgresql(url, settings.store, connections))
        else:
            store = Store(url, POSTGRESQL, conn)
    else:
        path = _sqlite_path(url)
        read_only = path != ":memory:" and os.path.exists(path) and not os.access(path, os.W_OK)
        if read_only and not reading:
            raise StoreError(
                "the database cannot be written (a read-only file or file system); commands that only"
                " read it (board, facts, search, stats, export, serve) still can",
                source=url,
            )
        store = Store(url, SQLITE, _connect_sqlite(url, path, settings.store, read_only=read_only))
        if read_only:
            store.read_only = True
            with store.reporting_damage():
                version = store.schema_version()
            if version < MIGRATIONS[-1][0]:
                store.close()
                raise StoreError(
                    f"the database is read-only and its schema (version {version}) is older than this"
                    f" parley's ({MIGRATIONS[-1][0]}): open it once where it can be written to migrate it",
                    source=url,
                )
            return store
    with store.reporting_damage():
        store.migrate()
    return store


def _sqlite_path(url: str) -> str:
    """The file a SQLite URL or path names (``:memory:`` for an in-memory database)."""
    if url in ("sqlite://", ":memory:"):
        return ":memory:"
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    parent = Path(path).expanduser().parent
    if not parent.is_dir():
        raise StoreError(f"no such directory {str(parent)!r} for the database", source=url)
    return str(Path(path).expanduser())


def _connect_sqlite(
    url: str, path: str, settings: StoreSettings, *, read_only: bool = False
) -> sqlite3.Connection:
    try:
        if read_only:
            # A read-only file in a writable directory still gets WAL's shared-memory file; on a
            # read-only file system nothing can change the file, so SQLite may treat it as immutable.
            folder_writable = os.access(os.path.dirname(path) or ".", os.W_OK)
            options = "mode=ro" if folder_writable else "immutable=1"
            conn = sqlite3.connect(
                f"{Path(path).absolute().as_uri()}?{options}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=60,
            )
            conn.row_factory = _dict_row
            conn.execute("PRAGMA busy_timeout=60000")
            return conn
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=_SQLITE_BUSY_SECONDS
        )
        conn.row_factory = _dict_row
        _use_wal(conn)
        # In WAL mode NORMAL syncs at checkpoints only: a crash may lose the last commits, never
        # corrupts; FULL waits for the disk at every commit (setting store.durable_commits).
        conn.execute(f"PRAGMA synchronous={'FULL' if settings.durable_commits else 'NORMAL'}")
        conn.execute(f"PRAGMA wal_autocheckpoint={int(settings.sqlite_checkpoint_pages)}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=60000")
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            _sqlite_problem(exc) or f"cannot open the SQLite database: {exc}", source=url
        ) from exc
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode. While another connection switches a new file at the same
    moment (several committers opening one new store), SQLite answers "locked" at once instead of
    waiting: wait and try again, as its busy timeout would."""
    deadline = time.monotonic() + _SQLITE_BUSY_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if (
                getattr(exc, "sqlite_errorcode", 0) or 0
            ) & 0xFF != _SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_problem(exc: sqlite3.DatabaseError) -> str | None:
    """What a damaged, foreign or read-only database file means for the user; None for other errors."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary result code
    if code == _SQLITE_CORRUPT:
        return (
            f"the database file is damaged ({exc}); restore it from a backup (or try `sqlite3 FILE .recover`)"
        )
    if code == _SQLITE_NOTADB:
        return f"not a SQLite database ({exc}); give parley's database file, or a new path to create one"
    if code == _SQLITE_READONLY:
        return f"the database cannot be written ({exc})"
    return None


def _connect_postgresql(url: str, settings: StoreSettings) -> Any:
    import psycopg
    from psycopg.rows import dict_row

    try:
        conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        _configure_postgresql(conn, settings)
        return conn
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"cannot connect to PostgreSQL: {message}", source=_redact(url)) from exc


def _pool_postgresql(url: str, settings: StoreSettings, size: int) -> Any:
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    return ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": 10},
        configure=lambda conn: _configure_postgresql(conn, settings),
        name="parley",
        open=True,
    )


def _configure_postgresql(conn: Any, settings: StoreSettings) -> None:
    """The session settings of every PostgreSQL connection parley opens."""
    # parley's queries are short: compiling them (JIT, chosen when table statistics are stale or
    # rows many) costs more than it saves, tens of milliseconds on a board.
    conn.execute("SET jit = off")
    # A runaway query is cancelled rather than holding a connection and its locks (0: no limit).
    conn.execute(f"SET statement_timeout = {int(settings.statement_timeout_ms)}")
    # As SQLite's: a commit waits for the disk only with store.durable_commits.
    conn.execute(f"SET synchronous_commit = {'on' if settings.durable_commits else 'off'}")


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

    def __init__(self, url: str, dialect: Dialect, conn: Any = None, pool: Any = None) -> None:
        self.url = _redact(url)
        self.dialect = dialect
        self.read_only = False  # opened read-only (a SQLite file parley may not write)
        self._conn = conn  # one connection, which threads take in turn (under _lock) ...
        self._pool = pool  # ... or a pool of them (psycopg_pool), a connection per statement or transaction
        self._lock = threading.RLock()
        # Per thread: the connection of its open transaction, how deeply transaction() is nested in
        # it (inner ones join the outer one), and whether its statements are pipelined (PostgreSQL:
        # sent without waiting).
        self._local = threading.local()
        #: Times this store waited for the database: each statement (an ``executemany`` is one) and
        #: each commit; inside a PostgreSQL write transaction (pipeline mode) only the statements
        #: whose results are read, and the commit. ``bench/store_bench.py`` prints it per article.
        self.round_trips = 0

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.dialect.name

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (or the pool)."""
        if self._pool is not None:
            self._pool.close()
            return
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def reporting_damage(self) -> Iterator[None]:
        """Turn SQLite's "the file is damaged" and "the file is read-only" errors into a StoreError
        naming the database, so that a corrupt or read-only file is one clear message, never a
        traceback (or a 500 from the server)."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            message = _sqlite_problem(exc)
            if message is None:
                raise
            raise StoreError(message, source=self.url) from exc

    def damage(self) -> list[str]:
        """What SQLite's quick check finds wrong with the database file (empty: sound; always
        empty on PostgreSQL, which checks its own pages)."""
        if self.backend != "sqlite":
            return []
        with self._lock:
            try:
                found = [r["quick_check"] for r in self._conn.execute("PRAGMA quick_check").fetchall()]
            except sqlite3.DatabaseError as exc:  # damage bad enough to stop the check itself
                return [str(exc)]
        return [f for f in found if f != "ok"]

    def require_sound(self, doing: str) -> None:
        """Raise a StoreError naming the database when :meth:`damage` finds anything wrong with it
        (``doing``: what parley will not do with a damaged file, for the message)."""
        found = self.damage()
        if found:
            raise StoreError(
                f"the database file is damaged ({'; '.join(found[:3])}); restore it from a backup"
                f" (or try `sqlite3 FILE .recover`); {doing}",
                source=self.url,
            )

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @property
    def _pipelined(self) -> bool:
        return getattr(self._local, "pipelined", False)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """The connection for one statement: the thread's transaction's, else the store's one
        connection (once the other threads are done with it), else one from the pool."""
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
        elif self._pool is None:
            with self._lock:
                yield self._conn
        else:
            with self._pool.connection() as conn:
                yield conn

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement whose result is not read (in a pipeline: sent, not waited for)."""
        with self._connection() as conn, self.reporting_damage():
            self.round_trips += not self._pipelined
            conn.execute(self.dialect.sql(sql), tuple(params))

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows: a single round trip (psycopg pipelines ``executemany``)."""
        if not rows:
            return
        with self._connection() as conn, self.reporting_damage():
            self.round_trips += not self._pipelined
            cursor = conn.cursor()
            try:
                cursor.executemany(self.dialect.sql(sql), [tuple(r) for r in rows])
            finally:
                cursor.close()

    def _fetch(self, sql: str, params: Sequence[Any], many: bool) -> Any:
        """Run a statement and read its result (one round trip, in a pipeline too)."""
        with self._connection() as conn, self.reporting_damage():
            self.round_trips += 1
            cursor = conn.execute(self.dialect.sql(sql), tuple(params))
            return cursor.fetchall() if many else cursor.fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [_decode(r) for r in self._fetch(sql, params, many=True)]

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        row = self._fetch(sql, params, many=False)
        return _decode(row) if row is not None else None

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._fetch(sql, params, many=False)
        if row is None:
            return None
        return next(iter(dict(row).values()))

    def _insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str = ""
    ) -> None:
        """Insert rows (``conflict``: the ON CONFLICT clause). SQLite: multi-row INSERTs of
        ``_ROWS_PER_INSERT`` rows. PostgreSQL: one ``executemany`` of a one-row INSERT, whose text
        never changes, so that psycopg converts it once and the server plans it once (prepared);
        in a write transaction's pipeline it waits for nothing."""
        if self.dialect.name == "postgresql" and rows:
            marks = ", ".join("?" for _ in columns)
            self._executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){conflict}", rows)
            return
        self._execute_values(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {{values}}{conflict}", rows)

    def _execute_values(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run ``sql`` for ``rows``, which go where it says ``{values}`` (as ``(?, ?), (?, ?)``), in
        statements of ``_ROWS_PER_INSERT`` rows."""
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            row = f"({', '.join('?' for _ in chunk[0])})"
            self._execute(
                sql.replace("{values}", ", ".join(row for _ in chunk)),
                [value for values in chunk for value in values],
            )

    def _read_together(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[dict[str, Any]]]:
        """The rows of several queries: in a PostgreSQL pipeline they are sent at once and answered
        in one round trip."""
        if not queries:
            return []
        if not self._pipelined:
            return [self._all(sql, params) for sql, params in queries]
        with self._connection() as conn:
            cursors = [conn.execute(self.dialect.sql(sql), tuple(params)) for sql, params in queries]
            self.round_trips += 1
            return [[_decode(r) for r in cursor.fetchall()] for cursor in cursors]

    @contextmanager
    def transaction(self, exclusive: bool = True) -> Iterator[Store]:
        """One write transaction: everything inside is committed together or not at all.

        SQLite runs one writer at a time (``BEGIN IMMEDIATE``). On PostgreSQL, ``exclusive``
        transactions run alone (an advisory lock) and the others (``exclusive=False``: committing
        an article) side by side, each locking the rows it reads to update; and statements are
        pipelined: only reading a result waits for the server. Nested calls join the outer
        transaction.
        """
        if self._depth:
            self._local.depth += 1
            try:
                yield self
            finally:
                self._local.depth -= 1
            return
        with self._connection() as conn:
            self._local.conn, self._local.depth = conn, 1
            try:
                if self.backend == "sqlite":
                    self._execute("BEGIN IMMEDIATE")
                    try:
                        yield self
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    self._execute("COMMIT")
                else:
                    lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
                    with conn.pipeline(), conn.transaction():
                        self._local.pipelined = True
                        self._execute(f"SELECT {lock}(?)", (_PG_WRITE_LOCK,))
                        # A write's statements find rows by key or by short index ranges, run many
                        # times with other values. Left to choose, PostgreSQL plans some of them
                        # again at every run once the tables are large (its plan for the values at
                        # hand looks a little cheaper): 13% of an article's commit at 100,000 articles.
                        self._execute("SET LOCAL plan_cache_mode = force_generic_plan")
                        yield self
                    self.round_trips += 1  # the commit
            finally:
                self._local.conn, self._local.depth, self._local.pipelined = None, 0, False

    def retrying(self, work: Callable[[], _T], attempts: int) -> _T:
        """Run ``work`` — a function that opens its own transaction — and run it again, up to
        ``attempts`` times in all, when the database gave up on that transaction because of a
        concurrent one (a PostgreSQL deadlock or serialization failure, SQLite still busy) or a
        concurrent one committed the same article first.

        Inside an outer transaction ``work`` runs once: the outer one would have to be redone.
        Raises ``StoreError`` when the last attempt fails so.
        """
        for attempt in range(1, attempts + 1):
            try:
                return work()
            except Exception as exc:
                if self._depth or not self._transient(exc):
                    raise
                if attempt == attempts:
                    raise StoreError(
                        f"a concurrent write kept this transaction from completing {attempts} times: {exc}",
                        source=self.url,
                    ) from exc
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # let the other transaction finish
        raise ValueError("attempts must be at least 1")

    def _transient(self, exc: BaseException) -> bool:
        """Whether running the transaction again can succeed: the database gave it up for a
        concurrent one, or a concurrent one stored the same article first (run again, the article
        is found stored)."""
        if self.backend == "sqlite":
            return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate == _PG_UNIQUE_VIOLATION:
            return getattr(getattr(exc, "diag", None), "constraint_name", None) == "articles_content_hash_key"
        return sqlstate in _PG_TRANSIENT

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
        return self.articles_by_hash([content_hash]).get(content_hash)

    def articles_by_hash(self, content_hashes: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored articles among these content hashes, by hash (as ``article_by_hash``): one
        query for a batch's skip check."""
        found: dict[str, dict[str, Any]] = {}
        hashes = list(dict.fromkeys(content_hashes))
        for start in range(0, len(hashes), _ROWS_PER_INSERT):
            chunk = hashes[start : start + _ROWS_PER_INSERT]
            rows = self._all(
                "SELECT a.content_hash, a.id, a.key, a.duplicate_of, a.process_id, p.name AS process, a.record_count"
                " FROM articles a LEFT JOIN processes p ON p.id = a.process_id"
                f" WHERE a.content_hash IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
            found.update({r.pop("content_hash"): r for r in rows})
        return found

    def prepare_article(
        self,
        content_hash: str,
        bands: Sequence[str],
        statements: int,
        records: int,
        parties: Sequence[str] = (),
    ) -> dict[str, Any]:
        """What storing an article reads first, in one round trip (on PostgreSQL; a few statements
        on SQLite), inside its write transaction:

        - ``similar``: stored articles with this content hash or sharing one of these near-duplicate
          bands, oldest first (id, content_hash, text, outlet, duplicate_of, process, record_count);
        - ``processes``: the processes the article's ``parties`` could place it in, with their
          tallies (as ``processes_sharing`` gives them);
        - ``article_id``, ``statement_ids``, ``record_ids``: ids for the article and for this many
          statements and records, so that they can be written without waiting for the database.
        """
        marks = ", ".join("?" for _ in bands) or "NULL"
        matching = self.dialect.in_ids(
            "SELECT id FROM articles WHERE content_hash = ?"
            f" UNION SELECT article_id FROM article_bands WHERE band IN ({marks})"
        )
        queries: list[tuple[str, Sequence[Any]]] = [
            ("SELECT a.id, a.content_hash, a.text, a.outlet, a.duplicate_of, p.name AS process, a.record_count"
             f" FROM articles a LEFT JOIN processes p ON p.id = a.process_id WHERE a.id {matching} ORDER BY a.id",
             [content_hash, *bands]),
            self._processes_sharing(parties),
        ]  # fmt: skip
        wanted = {"articles": 1, "statements": statements, "records": records}
        tables = [table for table, n in wanted.items() if n]
        queries.append((self.dialect.new_ids_sql(tables), [wanted[table] for table in tables]))
        similar, processes, ids = self._read_together(queries)
        reserved: dict[str, list[int]] = {table: [] for table in wanted}
        for row in ids:
            reserved[tables[row["tab"]]].append(row["id"])
        return {
            "similar": similar,
            "processes": processes,
            "article_id": reserved["articles"][0],
            "statement_ids": reserved["statements"],
            "record_ids": reserved["records"],
        }

    def add_article(
        self,
        *,
        key: str,
        content_hash: str,
        text: str,
        seen: str,
        id: int | None = None,
        source: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        title: str | None = None,
        published: str | None = None,
        duplicate_of: int | None = None,
        process_id: int | None = None,
        record_count: int = 0,
    ) -> int:
        """Store an article (and index it for search); return its id: ``id`` when given (from
        ``prepare_article``: then nothing waits for the database), else a new one."""
        columns = ("key, content_hash, source, url, outlet, title, published, seen, text, duplicate_of,"
                   " process_id, record_count, ingested_at")  # fmt: skip
        values = [key, content_hash, source, url, outlet, title, published, seen, text, duplicate_of, process_id,
                  record_count, _now()]  # fmt: skip
        if id is None:
            marks = ", ".join("?" for _ in values)
            id = int(self._scalar(f"INSERT INTO articles ({columns}) VALUES ({marks}) RETURNING id", values))
        else:
            marks = ", ".join("?" for _ in range(len(values) + 1))
            self._execute(f"INSERT INTO articles (id, {columns}) VALUES ({marks})", [id, *values])
        if self.backend == "sqlite":
            self._execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", (id, title or "", text)
            )
        return id

    def add_bands(self, article_id: int, bands: Sequence[str]) -> None:
        """Record the article's near-duplicate hash bands."""
        self._insert_rows("article_bands", ("band", "article_id"), [(band, article_id) for band in bands],
                          conflict=" ON CONFLICT DO NOTHING")  # fmt: skip

    def article(self, article_id: int) -> dict[str, Any]:
        """One article with its full text; ``NotFoundError`` if there is none."""
        row = self._one(_ARTICLE, (article_id,))
        if row is None:
            raise NotFoundError(f"no article with id {article_id}", source=self.url)
        return row

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

    def join_process(
        self,
        article_id: int,
        process_id: int,
        parties: dict[str, int],
        issues: dict[str, int],
        leaving: int | None = None,
        joining: Sequence[str] = (),
    ) -> None:
        """Put an article in a process — moving it out of ``leaving``, the process it was in, if
        any — and replace that process's party and issue tallies (the article's included);
        ``joining``: the parties new to the process, by which ``processes_sharing`` finds it."""
        self._add_process_parties(process_id, joining)
        if leaving is not None:
            self._execute("UPDATE processes SET article_count = article_count - 1 WHERE id = ?", (leaving,))
        self._execute("UPDATE articles SET process_id = ? WHERE id = ?", (process_id, article_id))
        self._execute(
            "UPDATE processes SET parties = ?, issues = ?, article_count = article_count + 1 WHERE id = ?",
            (_json(parties), _json(issues), process_id),
        )

    def article_ids(self, process_id: int | None = None) -> list[int]:
        """Ids of stored articles in date order (``seen``, then id), optionally of one process."""
        where, params = ("WHERE process_id = ?", [process_id]) if process_id is not None else ("", [])
        return [r["id"] for r in self._all(f"SELECT id FROM articles {where} ORDER BY seen, id", params)]

    # -- statements and records -----------------------------------------------------------------

    def add_statements(self, article_id: int, statements: Sequence[dict[str, Any]]) -> None:
        """Store an article's statements (and index them for search), in one statement.

        Each is a dict of ``id`` (from ``prepare_article``), ``idx``, speaker, party, via (a list),
        direct, hedged, span_start, span_end, text and payload (a dict).
        """
        self._insert_rows(
            "statements",
            ("id", "article_id", "idx", "speaker", "party", "via", "direct", "hedged", "span_start", "span_end",
             "text", "payload"),
            [(s["id"], article_id, s["idx"], s["speaker"], s["party"], _json(s["via"]), int(s["direct"]),
              int(s["hedged"]), s["span_start"], s["span_end"], s["text"], _json(s["payload"])) for s in statements],
        )  # fmt: skip
        if statements and self.backend == "sqlite":
            self._execute(
                "INSERT INTO statements_fts (rowid, text) SELECT id, text FROM statements WHERE article_id = ?",
                (article_id,),
            )

    def add_records(self, article_id: int, records: Sequence[dict[str, Any]]) -> None:
        """Store an article's records (commitments, proposals, ...), after its statements, in one statement.

        Each is a dict of ``id`` (from ``prepare_article``), kind, ``idx``, party, issue,
        statement_id, date_start, date_end, date_precision, text and payload (a dict).
        """
        self._insert_rows(
            "records",
            ("id", "article_id", "kind", "idx", "party", "issue", "statement_id", "date_start", "date_end",
             "date_precision", "text", "payload"),
            [(r["id"], article_id, r["kind"], r["idx"], r["party"], r["issue"], r["statement_id"], r["date_start"],
              r["date_end"], r["date_precision"], r["text"], _json(r["payload"])) for r in records],
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
        return self._all(f"{_RECORDS} {where} ORDER BY article_id, kind, idx", params)

    def set_record_facts(self, record_facts: Sequence[tuple[int, int | None]]) -> None:
        """Link records to the facts they support: (record id, fact id) pairs."""
        self._execute_values(
            "UPDATE records SET fact_id = v.column2 FROM (VALUES {values}) v WHERE records.id = v.column1",
            record_facts,
        )

    # -- processes ------------------------------------------------------------------------------

    def processes(self, counts: bool = True, process_id: int | None = None) -> list[dict[str, Any]]:
        """Every process (or one) with its party and issue tallies and, with ``counts``, its article count."""
        if not counts and process_id is None:
            return self._all(_PROCESSES)
        where, params = ("WHERE p.id = ?", [process_id]) if process_id is not None else ("", [])
        return self._all(f"{_PROCESS_COUNTED if counts else _PROCESS} {where} ORDER BY p.id", params)

    def process_names(self) -> list[str]:
        """Every process's name, in id order (without the tallies ``processes`` decodes)."""
        return [r["name"] for r in self._all("SELECT name FROM processes ORDER BY id")]

    def processes_sharing(self, parties: Sequence[str]) -> list[dict[str, Any]]:
        """The processes an article naming ``parties`` could belong to, by id, with their tallies
        (as ``processes(counts=False)``): those naming two of them, or its one party when it names
        only one (``consolidate.choose_process`` then weighs them)."""
        return self._all(*self._processes_sharing(parties))

    def _processes_sharing(self, parties: Sequence[str]) -> tuple[str, list[Any]]:
        named = sorted(set(parties))
        if not named:
            return f"{_PROCESS} WHERE 1 = 0", []
        return (
            f"{_PROCESS} WHERE p.id IN (SELECT process_id FROM process_parties"
            f" WHERE party IN ({', '.join('?' for _ in named)}) GROUP BY process_id HAVING COUNT(*) >= ?)"
            " ORDER BY p.id",
            [*named, min(2, len(named))],
        )

    def process(self, process_id: int) -> dict[str, Any]:
        """One process; ``NotFoundError`` if there is none."""
        row = self._one(f"{_PROCESS} WHERE p.id = ?", (process_id,))
        if row is None:
            raise NotFoundError(f"no process with id {process_id}", source=self.url)
        return row

    def process_by_name(self, name: str) -> dict[str, Any] | None:
        """The process called ``name``, if any."""
        return self._one(
            "SELECT id, name, parties, issues, created_at FROM processes WHERE name = ?", (name,)
        )

    def process_id(self, name: str | None) -> int | None:
        """The id of the process called ``name`` (None for None); ``NotFoundError`` naming the known ones."""
        if name is None:
            return None
        found = self.process_by_name(name)
        if found is None:
            known = ", ".join(self.process_names()) or "none stored"
            raise NotFoundError(f"no process named {name!r} (known: {known})", source=self.url)
        return int(found["id"])

    def lock_process_creation(self) -> None:
        """Wait until no concurrent transaction may still create a process, and keep the others
        from creating one until this transaction ends (PostgreSQL; SQLite has one writer at a time).
        Processes read after it include every one created by a commit that has ended."""
        if self.backend == "postgresql":
            self._execute("SELECT pg_advisory_xact_lock(?)", (_PG_NEW_PROCESS_LOCK,))

    def add_process(self, name: str) -> int:
        """Create a process (or find the one of that name); return its id."""
        self._execute(
            "INSERT INTO processes (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, _now()),
        )
        return int(self._scalar("SELECT id FROM processes WHERE name = ?", (name,)))

    def update_process(self, process_id: int, parties: dict[str, int], issues: dict[str, int]) -> None:
        """Replace a process's party and issue tallies."""
        self._add_process_parties(process_id, list(parties))
        self._execute(
            "UPDATE processes SET parties = ?, issues = ? WHERE id = ?",
            (_json(parties), _json(issues), process_id),
        )

    def _add_process_parties(self, process_id: int, parties: Sequence[str]) -> None:
        """List parties as named by a process (``processes_sharing``); those listed already stay."""
        self._insert_rows("process_parties", ("party", "process_id"),
                          [(party, process_id) for party in sorted(parties)], conflict=" ON CONFLICT DO NOTHING")  # fmt: skip

    # -- facts ----------------------------------------------------------------------------------

    def fact_by_key(self, process_id: int, kind: str, key: str) -> dict[str, Any] | None:
        """The fact of this kind and key in a process, if any."""
        return self._one(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id"
            " WHERE f.process_id = ? AND f.kind = ? AND f.key = ?",
            (process_id, kind, key),
        )

    def lock_for_merge(
        self,
        process_id: int,
        new_facts: dict[tuple[str, str], dict[str, Any]],
        checks: Sequence[tuple[str, str, str, Any]],
        process: bool = False,
    ) -> dict[str, Any]:
        """What merging records into a process's facts reads, locked until the transaction ends
        (PostgreSQL), in one round trip:

        - ``facts``: the facts with these (kind, key)s by (kind, key), created as ``new_facts``
          gives their columns (payload as a dict) where missing;
        - ``known``: for each check (kind, key, column, value) — columns article_id, story_id,
          outlet, speaker — whether a stored source of that fact has that value;
        - ``process``: with ``process``, the process row (as ``process``), to update its tallies.

        A unique constraint decides which of two concurrent transactions creates a fact; the other
        waits for it and then updates that fact. Facts are created and locked in (kind, key) order,
        then the process: concurrent merges wait for each other in one direction only.
        """
        unknown = {c for _, _, c, _ in checks} - {"article_id", "story_id", "outlet", "speaker"}
        if unknown:
            raise ValueError(f"not fact source columns: {', '.join(sorted(unknown))}")
        ordered = sorted(new_facts)
        if ordered:
            names = sorted(_fact_values(new_facts[ordered[0]]))
            self._insert_rows(
                "facts", ("process_id", "kind", "key", *names),
                [(process_id, kind, key, *(_fact_values(new_facts[kind, key])[n] for n in names))
                 for kind, key in ordered],
                conflict=" ON CONFLICT (process_id, kind, key) DO NOTHING",
            )  # fmt: skip
        queries: list[tuple[str, Sequence[Any]]] = []
        for start in range(0, len(ordered), _ROWS_PER_INSERT):
            chunk = ordered[start : start + _ROWS_PER_INSERT]
            keys = " OR ".join("(f.kind = ? AND f.key = ?)" for _ in chunk)
            queries.append((
                f"SELECT f.id, f.process_id, {_FACT_FIELDS} FROM facts f"
                f" WHERE f.process_id = ? AND ({keys}) ORDER BY f.kind, f.key{self.dialect.lock_rows()}",
                [process_id, *(v for pair in chunk for v in pair)],
            ))  # fmt: skip
        fact_queries = len(queries)
        by_column: dict[str, list[int]] = {}
        for i, (_, _, column, _) in enumerate(checks):
            by_column.setdefault(column, []).append(i)
        for column, numbers in sorted(by_column.items()):
            for start in range(0, len(numbers), _ROWS_PER_INSERT):
                chunk = numbers[start : start + _ROWS_PER_INSERT]
                queries.append((
                    f"SELECT v.column1 AS n FROM (VALUES {', '.join('(?, ?, ?, ?)' for _ in chunk)}) v"
                    " WHERE EXISTS (SELECT 1 FROM facts f JOIN fact_sources s ON s.fact_id = f.id"
                    f" WHERE f.process_id = ? AND f.kind = v.column2 AND f.key = v.column3 AND s.{column} = v.column4)",
                    [*(v for n in chunk for v in (n, *checks[n][0:2], checks[n][3])), process_id],
                ))  # fmt: skip
        check_queries = len(queries) - fact_queries
        if process:
            queries.append((f"{_PROCESS} WHERE p.id = ?{self.dialect.lock_rows()}", [process_id]))
        answers = self._read_together(queries)
        known = {r["n"] for rows in answers[fact_queries : fact_queries + check_queries] for r in rows}
        return {
            "facts": {(r["kind"], r["key"]): r for rows in answers[:fact_queries] for r in rows},
            "known": [i in known for i in range(len(checks))],
            "process": answers[-1][0] if process else None,
        }

    def update_facts(self, updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Set columns of facts: (fact id, {column: value}) pairs (payload as a dict); one statement
        per set of columns (``parley.consolidate`` gives every fact the same set: one statement)."""
        by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for fact_id, columns in updates:
            values = _fact_values(columns)
            by_columns.setdefault(tuple(values), []).append((fact_id, *values.values()))
        for names, rows in by_columns.items():
            # A parameter's type is the value's, or unknown (NULL, text) for PostgreSQL: the casts
            # say what an integer column takes, whatever the VALUES column was inferred as.
            sets = ", ".join(
                f"{name} = CAST(v.column{i} AS {_FACT_TYPES[name]})" for i, name in enumerate(names, 2)
            )
            self._execute_values(
                f"UPDATE facts SET {sets} FROM (VALUES {{values}}) v WHERE facts.id = v.column1", rows
            )

    def reset_fact(self, fact_id: int, **columns: Any) -> None:
        """Empty a fact before its records are merged into it again, keeping its id: its sources and
        events deleted, its records unlinked, its columns as a new fact's (``columns`` as in ``lock_for_merge``)."""
        self._execute("UPDATE records SET fact_id = NULL WHERE fact_id = ?", (fact_id,))
        self._execute("DELETE FROM fact_events WHERE fact_id = ?", (fact_id,))
        self._execute("DELETE FROM fact_sources WHERE fact_id = ?", (fact_id,))
        self.update_facts([(fact_id, _FACT_DEFAULTS | columns)])

    def add_fact_sources(self, sources: Sequence[dict[str, Any]]) -> None:
        """Link records to their facts with who said it, through which outlet, when: dicts of fact_id,
        record_id, article_id, story_id, statement_id, outlet, speaker, source_type, account_party,
        seen and text."""
        rows = [tuple(s[c] for c in _SOURCE_COLUMNS) for s in sources]
        self._insert_rows("fact_sources", _SOURCE_COLUMNS, rows, conflict=" ON CONFLICT DO NOTHING")

    def add_fact_events(self, events: Sequence[tuple[int, str, str, int | None]]) -> None:
        """Record dated changes of facts' status: (fact id, event, day, record id), each kept once
        per fact, event and day (the first given wins)."""
        self._insert_rows("fact_events", ("fact_id", "event", "day", "record_id"), events,
                          conflict=" ON CONFLICT DO NOTHING")  # fmt: skip

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
        *,
        after: Sequence[Any] | None = None,
        payload: bool = True,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """Facts, filtered in the database, in the order a board lists them (process, kind, party,
        issue, id): ``FACT_ORDER``, whose values of the last row shown are ``after`` on the next page.

        Filters: of one process, of some kinds, first seen on or before ``seen_by``, and those of
        ``fact_filter``. Without ``payload`` the JSON column is not read (what consolidation keeps
        about versions and accounts).
        """
        query = self._facts_query(process_id, kinds, seen_by, limit, after=after, payload=payload, **filters)
        return self._all(*query) if query is not None else []

    def facts_together(self, reads: Sequence[dict[str, Any] | None]) -> list[list[dict[str, Any]]]:
        """Several ``facts`` reads, each given by its keyword arguments (None: no read, no rows), read
        together: one wait in a PostgreSQL pipeline."""
        queries = [self._facts_query(**read) if read is not None else None for read in reads]
        answers = iter(self._read_together([query for query in queries if query is not None]))
        return [next(answers) if query is not None else [] for query in queries]

    def _facts_query(
        self,
        process_id: int | None = None,
        kinds: Sequence[str] | None = None,
        seen_by: str | None = None,
        limit: int | None = None,
        *,
        after: Sequence[Any] | None = None,
        payload: bool = True,
        **filters: Any,
    ) -> tuple[str, list[Any]] | None:
        """The SQL and parameters of a ``facts`` read (None: no fact can match)."""
        conditions, params = self._fact_filter(process_id, kinds, seen_by, **filters)
        if conditions is None:
            return None
        if after is not None:
            condition, values = _after(_FACT_ORDER_SQL, after, descending=False)
            conditions.append(condition)
            params += values
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        page = ""
        if limit is not None:
            page = " LIMIT ?"
            params.append(limit)
        columns = _FACT_COLUMNS if payload else _FACT_COLUMNS.removesuffix(", f.payload")
        # With a period, the rows are found through the date indexes and then sorted: "+" keeps
        # SQLite from scanning every fact along the unique index for the sake of its order.
        order = ["+" + _FACT_ORDER_SQL[0], *_FACT_ORDER_SQL[1:]] if filters.get("period") else _FACT_ORDER_SQL
        return (
            f"SELECT {columns} FROM facts f JOIN processes p ON p.id = f.process_id {where}"
            f" ORDER BY {', '.join(order)}{page}",
            params,
        )

    def fact_count(
        self,
        process_id: int | None = None,
        kinds: Sequence[str] | None = None,
        seen_by: str | None = None,
        *,
        cap: int,
        **filters: Any,
    ) -> int:
        """How many facts the filters of ``facts`` keep, counted up to ``cap + 1``."""
        conditions, params = self._fact_filter(process_id, kinds, seen_by, **filters)
        if conditions is None:
            return 0
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._capped_count(f"SELECT 1 FROM facts f {where}", params, cap)

    def deadline_facts(
        self,
        process_id: int | None,
        seen_by: str,
        *,
        party: str | None = None,
        issue: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after: Sequence[Any] | None = None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """The facts with a deadline, as ``facts`` gives them plus ``deadline_day``, in the order of
        their deadlines (``DEADLINE_ORDER``: the undated last, then by day, process name, party,
        id): truces with an end (they end the day after their last day) and threats with a deadline
        (``has_deadline`` or a ``deadline`` in their payload; the dated ones end on their last day).
        ``since``/``until`` keep those ending in that period (then none undated); ``after`` is the
        position of the last one of the page before. Only the page's rows are read whole."""
        day, conditions, params = self._deadline_filter(process_id, seen_by, party, issue, since, until)

        def order(day: str) -> list[str]:
            return [f"CASE WHEN {day} IS NULL THEN 1 ELSE 0 END", f"COALESCE({day}, '')", "p.name",
                    "COALESCE(f.party, '')", "f.id"]  # fmt: skip

        if after is not None:
            condition, values = _after(order(day), after, descending=False)
            conditions.append(condition)
            params += values
        return self._all(  # the page found on narrow rows, then read whole
            f"SELECT {_FACT_COLUMNS}, page.deadline_day FROM (SELECT f.id, {day} AS deadline_day"
            f" FROM facts f JOIN processes p ON p.id = f.process_id WHERE {' AND '.join(conditions)}"
            f" ORDER BY {', '.join(order(day))} LIMIT ?) page JOIN facts f ON f.id = page.id"
            f" JOIN processes p ON p.id = f.process_id ORDER BY {', '.join(order('page.deadline_day'))}",
            [*params, limit],
        )

    def deadline_count(self, process_id: int | None, seen_by: str, *, cap: int, **narrow: str | None) -> int:
        """How many facts ``deadline_facts`` lists (``narrow``: its party, issue, since, until),
        counted up to ``cap + 1``."""
        _, conditions, params = self._deadline_filter(process_id, seen_by, **narrow)
        return self._capped_count(f"SELECT 1 FROM facts f WHERE {' AND '.join(conditions)}", params, cap)

    def _deadline_filter(
        self,
        process_id: int | None,
        seen_by: str,
        party: str | None = None,
        issue: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[str, list[str], list[Any]]:
        """The day a fact's deadline falls on (SQL), and the conditions of ``deadline_facts``."""
        day = (
            f"CASE WHEN f.kind = 'commitments' THEN {self.dialect.next_day('f.date_end')} ELSE f.date_end END"
        )
        threatened = (f"{self.dialect.json_true('f.payload', 'has_deadline')}"
                      f" OR COALESCE({self.dialect.json_text('f.payload', 'deadline')}, '') <> ''")  # fmt: skip
        conditions = [
            f"((f.kind = 'commitments' AND f.date_end IS NOT NULL) OR (f.kind = 'threats' AND ({threatened})))",
            "f.first_seen <= ?",
        ]
        params: list[Any] = [seen_by]
        for column, value in (("f.process_id", process_id), ("f.party", party), ("f.issue", issue)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        for bound, value in ((">=", since), ("<=", until)):
            if value is not None:
                conditions.append(f"{day} {bound} ?")
                params.append(value)
        return day, conditions, params

    def _fact_filter(
        self,
        process_id: int | None,
        kinds: Sequence[str] | None,
        seen_by: str | None,
        *,
        party: str | None = None,
        issue: str | None = None,
        issues: Sequence[str] | None = None,
        process_ids: Sequence[int] | None = None,
        reported_since: str | None = None,
        fact_ids: Sequence[int] | None = None,
        conditional: bool | None = None,
        dated: bool = False,
        period: tuple[str | None, str | None] | None = None,
        spanning: tuple[str | None, str | None] | None = None,
    ) -> tuple[list[str] | None, list[Any]]:
        """The conditions of a facts filter (None: no fact can match): of one party, of one issue or
        of some ``issues``, of some ``process_ids``, last
        seen on or after ``reported_since``, the given ids, conditional or not, ``dated`` (with an end
        date: truces, deadlines), ``period`` (since, until; either may be None): facts with an event
        in it (made or met, ended, a version of a position begun, a dated change of status), and
        ``spanning`` (since, until): dated facts whose time (start or first report to end) overlaps it."""
        conditions, params = [], []
        for column, value in (("f.process_id", process_id), ("f.party", party), ("f.issue", issue)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        if kinds:
            conditions.append(f"f.kind IN ({', '.join('?' for _ in kinds)})")
            params.extend(kinds)
        if seen_by is not None:
            conditions.append("f.first_seen <= ?")
            params.append(seen_by)
        if issues is not None:
            conditions.append(f"f.issue IN ({', '.join('?' for _ in issues) or 'NULL'})")
            params.extend(issues)
        if process_ids is not None:
            conditions.append(f"f.process_id IN ({', '.join('?' for _ in process_ids) or 'NULL'})")
            params.extend(process_ids)
        if reported_since is not None:
            conditions.append("f.last_seen >= ?")
            params.append(reported_since)
        if fact_ids is not None:
            if not fact_ids:
                return None, []
            conditions.append(f"f.id IN ({', '.join('?' for _ in fact_ids)})")
            params.extend(fact_ids)
        if conditional is not None:
            conditions.append(
                "f.conditional = ?" + (" AND f.condition_issue IS NOT NULL" if conditional else "")
            )
            params.append(int(conditional))
        if dated:
            conditions.append("f.date_end IS NOT NULL")
        if period is not None:  # facts with an event in the period (the events of analysis.timeline)
            since, until = period

            def within(column: str, low: str | None = since) -> str:
                parts = [
                    f"{column} {op} ?" for op, value in ((">=", low), ("<=", until)) if value is not None
                ]
                params.extend(value for value in (low, until) if value is not None)
                return " AND ".join(parts) or "1 = 1"

            made = within("COALESCE(f.date_start, f.first_seen)")  # made, met, stated
            ends = within("f.date_end", _day_before(since) if since else None)  # a truce ends the day after
            stated = ""
            if not kinds or "positions" in kinds:
                # A version begins on the day of a report, or on the day a record dates it: only a
                # position reported, or dated by a record, since the period began can have one in it.
                versions, valid_from = self.dialect.position_versions("f.payload")
                recent = ""
                if since is not None:
                    recent = (
                        "(f.last_seen >= ? OR f.id IN (SELECT r.fact_id FROM records r"
                        " WHERE r.kind = 'positions' AND r.date_start >= ?)) AND "
                    )
                    params.extend([since, since])
                began = f"EXISTS (SELECT 1 FROM {versions} WHERE {within(valid_from)})"
                stated = f" OR (f.kind = 'positions' AND {recent}{began})"
            changed = within("e.day")
            conditions.append(
                f"(({made}) OR ({ends}){stated} OR f.id IN (SELECT e.fact_id FROM fact_events e WHERE {changed}))"
            )
        if spanning is not None:  # a period (start or first report to end) that overlaps the span
            since, until = spanning
            conditions.append("f.date_end IS NOT NULL")
            if since is not None:
                conditions.append("f.date_end >= ?")
                params.append(since)
            if until is not None:
                conditions.append("COALESCE(f.date_start, f.first_seen) <= ?")
                params.append(until)
        return conditions, params

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

    def fact_sources(
        self, fact_id: int, after: Sequence[Any] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The records behind a fact: the article (title, url, outlet, date), the statement and its span;
        in the order they were seen (``SOURCE_ORDER``: seen, article_id, record_id), from ``after``."""
        keyset, params = (
            ("", []) if after is None else _after(("fs.seen", "fs.article_id", "fs.record_id"), after, False)
        )
        page = " LIMIT ?" if limit is not None else ""
        return self._all(
            "SELECT fs.fact_id, fs.record_id, fs.article_id, fs.story_id, fs.statement_id, fs.outlet,"
            " fs.speaker, fs.source_type, fs.account_party, fs.seen, fs.text AS record_text,"
            " a.title, a.url, a.published, a.duplicate_of, s.text AS statement_text, s.span_start, s.span_end,"
            " s.via, r.payload"
            " FROM fact_sources fs JOIN articles a ON a.id = fs.article_id"
            " JOIN records r ON r.id = fs.record_id"
            " LEFT JOIN statements s ON s.id = fs.statement_id"
            f" WHERE fs.fact_id = ? {'AND ' + keyset if keyset else ''}"
            f" ORDER BY fs.seen, fs.article_id, fs.record_id{page}",
            [fact_id, *params, *([limit] if limit is not None else [])],
        )

    def fact_source_tallies(self, fact_id: int) -> dict[str, Any]:
        """A fact's sources counted in the database: ``sources``, ``first_seen``, ``last_seen``,
        ``outlets`` and ``speakers`` (``source_type``, ``speaker``) with their ``reports``, most first."""
        row = (
            self._one(
                "SELECT COUNT(*) AS sources, MIN(seen) AS first_seen, MAX(seen) AS last_seen FROM fact_sources"
                " WHERE fact_id = ?",
                (fact_id,),
            )
            or {}
        )
        outlets = self._all(
            "SELECT outlet, COUNT(*) AS reports FROM fact_sources WHERE fact_id = ? AND outlet IS NOT NULL"
            " GROUP BY outlet ORDER BY reports DESC, MIN(seen), outlet",
            (fact_id,),
        )
        speakers = self._all(
            "SELECT source_type, speaker, COUNT(*) AS reports FROM fact_sources WHERE fact_id = ?"
            " AND speaker IS NOT NULL GROUP BY source_type, speaker ORDER BY reports DESC, MIN(seen), speaker",
            (fact_id,),
        )
        return {**row, "outlets": outlets, "speakers": speakers}

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

    def corroboration(
        self, fact_ids: Sequence[int], until: str, bounds_only: Sequence[int] = ()
    ) -> dict[int, dict[str, Any]]:
        """Corroboration of facts counted over their sources seen up to ``until``, in one query.

        Returns per fact: reports, articles, stories (near-duplicates counted once), outlets,
        named_sources (distinct named speakers), anonymous_sources (anonymous reports),
        first_seen and last_seen. Counting reads every source of a fact up to the day; for the
        facts of ``bounds_only`` only first_seen and last_seen are returned, two index seeks each.
        """
        out: dict[int, dict[str, Any]] = {}
        counted, bounded = list(fact_ids), list(bounds_only)
        while counted or bounded:
            chunk, counted = counted[:500], counted[500:]
            seeks, bounded = bounded[: 500 - len(chunk)], bounded[500 - len(chunk) :]
            parts, params = [], []
            if chunk:
                parts.append(
                    "SELECT fact_id, COUNT(*) AS reports, COUNT(DISTINCT article_id) AS articles,"
                    " COUNT(DISTINCT story_id) AS stories, COUNT(DISTINCT outlet) AS outlets,"
                    " COUNT(DISTINCT CASE WHEN source_type = 'named' THEN speaker END) AS named_sources,"
                    " COUNT(DISTINCT CASE WHEN source_type = 'anonymous' THEN record_id END) AS anonymous_sources,"
                    " MIN(seen) AS first_seen, MAX(seen) AS last_seen"
                    f" FROM fact_sources WHERE fact_id IN ({', '.join('?' for _ in chunk)}) AND seen <= ?"
                    " GROUP BY fact_id"
                )
                params += [*chunk, until]
            if seeks:
                parts.append(  # each bound found through the (fact_id, seen) index
                    "SELECT f.id AS fact_id, NULL AS reports, NULL AS articles, NULL AS stories,"
                    " NULL AS outlets, NULL AS named_sources, NULL AS anonymous_sources,"
                    " (SELECT MIN(s.seen) FROM fact_sources s WHERE s.fact_id = f.id AND s.seen <= ?) AS first_seen,"
                    " (SELECT MAX(s.seen) FROM fact_sources s WHERE s.fact_id = f.id AND s.seen <= ?) AS last_seen"
                    f" FROM facts f WHERE f.id IN ({', '.join('?' for _ in seeks)})"
                )
                params += [until, until, *seeks]
            for row in self._all(" UNION ALL ".join(parts), params):
                if row["first_seen"] is not None:
                    fact_id = row.pop("fact_id")
                    out[fact_id] = {k: v for k, v in row.items() if v is not None}
        return out

    def first_sources(self, fact_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """For each fact, its first source (earliest seen): the article, statement span and record payload."""
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(fact_ids), 500):
            chunk = list(fact_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            rows = self._all(  # per fact, its first source found through the (fact_id, seen) index
                "SELECT fs.fact_id, fs.article_id, fs.statement_id, s.span_start, s.span_end, r.payload"
                " FROM (SELECT f.id AS fact_id, (SELECT f2.record_id FROM fact_sources f2 WHERE f2.fact_id = f.id"
                "  ORDER BY f2.seen, f2.article_id, f2.record_id LIMIT 1) AS record_id"
                f"  FROM facts f WHERE f.id IN ({marks})) firsts"
                " JOIN fact_sources fs ON fs.fact_id = firsts.fact_id AND fs.record_id = firsts.record_id"
                " JOIN records r ON r.id = fs.record_id LEFT JOIN statements s ON s.id = fs.statement_id",
                chunk,
            )
            out.update({r["fact_id"]: r for r in rows})
        return out

    def recent_day(self, until: str, rank: int, process_id: int | None = None) -> str | None:
        """The day (start, else first report) of the ``rank``-th most recent fact made by ``until``
        (of a process, or any); None when there are fewer."""
        scope, params = ("AND process_id = ?", [process_id]) if process_id is not None else ("", [])
        return self._scalar(
            "SELECT COALESCE(date_start, first_seen) AS day FROM facts"
            f" WHERE COALESCE(date_start, first_seen) <= ? {scope} ORDER BY day DESC LIMIT 1 OFFSET ?",
            [until, *params, rank - 1],
        )

    def fact_tallies(self, seen_by: str | None = None) -> list[dict[str, Any]]:
        """How many facts (meetings aside) name each party (``party``, ``n``), first seen by ``seen_by``."""
        scope, params = ("AND first_seen <= ?", [seen_by]) if seen_by is not None else ("", [])
        return self._all(
            "SELECT party, COUNT(*) AS n FROM facts WHERE party IS NOT NULL AND kind <> 'meetings'"
            f" {scope} GROUP BY party",
            params,
        )

    def fact_summaries(self, seen_by: str) -> list[dict[str, Any]]:
        """Per process and kind: facts first seen by ``seen_by`` (``n``) and the latest report (``last_seen``)."""
        return self._all(
            "SELECT process_id, kind, COUNT(*) AS n, MAX(last_seen) AS last_seen FROM facts"
            " WHERE first_seen <= ? GROUP BY process_id, kind ORDER BY process_id, kind",
            (seen_by,),
        )

    def facts_said_by(self, actor: str, seen_by: str, statements: int) -> list[int]:
        """Ids of the facts supported by the ``statements`` newest statements ``actor`` made by
        ``seen_by`` (found through the (speaker, seen) index: bounded however much it said)."""
        return [
            r["fact_id"]
            for r in self._all(
                "SELECT DISTINCT r.fact_id FROM (SELECT s.id FROM statements s WHERE s.speaker = ? AND s.seen <= ?"
                " ORDER BY s.seen DESC LIMIT ?) said JOIN records r ON r.statement_id = said.id"
                " WHERE r.fact_id IS NOT NULL ORDER BY r.fact_id",
                (actor, seen_by, statements),
            )
        ]

    def recent_facts(self, party: str, seen_by: str, limit: int) -> list[dict[str, Any]]:
        """The ``limit`` facts of ``party`` first seen most recently by ``seen_by``, newest first
        (through the (party, first_seen) index)."""
        return self._all(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id"
            " WHERE f.party = ? AND f.first_seen <= ? ORDER BY f.first_seen DESC, f.id DESC LIMIT ?",
            (party, seen_by, limit),
        )

    # -- pages of lists (keyset pagination) -----------------------------------------------------

    def articles(
        self,
        process_id: int | None = None,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after: Sequence[Any] | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Articles without their text, newest first (``ARTICLE_ORDER``: seen, id, descending), filtered
        by process, outlet and day seen; ``after`` is the (seen, id) of the last article of the page before."""
        conditions, params = self._article_filter(process_id, outlet, since, until)
        if after is not None:
            condition, values = _after(("a.seen", "a.id"), after, descending=True)
            conditions.append(condition)
            params += values
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._all(
            "SELECT a.id, a.key, a.url, a.outlet, a.title, a.published, a.seen, a.duplicate_of,"
            " a.process_id, p.name AS process, a.record_count, a.ingested_at"
            f" FROM articles a LEFT JOIN processes p ON p.id = a.process_id {where}"
            " ORDER BY a.seen DESC, a.id DESC LIMIT ?",
            [*params, limit],
        )

    def article_count(
        self,
        *,
        process_id: int | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        cap: int,
    ) -> int:
        """How many articles the filters keep, counted up to ``cap + 1`` (more than ``cap``: at least that)."""
        conditions, params = self._article_filter(process_id, outlet, since, until)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._capped_count(f"SELECT 1 FROM articles a {where}", params, cap)

    @staticmethod
    def _article_filter(
        process_id: int | None, outlet: str | None, since: str | None, until: str | None
    ) -> tuple[list[str], list[Any]]:
        conditions, params = [], []
        for condition, value in (("a.process_id = ?", process_id), ("a.outlet = ?", outlet),
                                 ("a.seen >= ?", since), ("a.seen <= ?", until)):  # fmt: skip
            if value is not None:
                conditions.append(condition)
                params.append(value)
        return conditions, params

    def statement_page(
        self,
        *,
        article_id: int | None = None,
        speaker: str | None = None,
        party: str | None = None,
        acting_for_party: Sequence[str] = (),
        either: bool = False,
        since: str | None = None,
        until: str | None = None,
        after: Sequence[Any] | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Statements in article date order (``STATEMENT_ORDER``: seen, article, idx), filtered by article,
        speaker, day seen and party: the statement's own party, or, for statements without one, a
        speaker of ``acting_for_party`` (the ids that may act for it; the caller checks the day).
        With ``either``, statements of the speaker or of the party. ``after`` is the (seen,
        article_id, idx) of the last statement of the page before."""
        conditions, params = self._statement_filter(
            article_id, speaker, party, acting_for_party, either, since, until
        )
        if after is not None:
            condition, values = _after(("s.seen", "s.article_id", "s.idx"), after, descending=False)
            conditions.append(condition)
            params += values
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._all(
            "SELECT s.id, s.article_id, s.idx, s.speaker, s.party, s.via, s.direct, s.hedged, s.span_start,"
            f" s.span_end, s.text, s.seen FROM statements s {where} ORDER BY s.seen, s.article_id, s.idx LIMIT ?",
            [*params, limit],
        )

    def statement_count(
        self,
        *,
        article_id: int | None = None,
        speaker: str | None = None,
        party: str | None = None,
        acting_for_party: Sequence[str] = (),
        either: bool = False,
        since: str | None = None,
        until: str | None = None,
        cap: int,
    ) -> int:
        """How many statements the filters of ``statement_page`` keep, counted up to ``cap + 1``."""
        conditions, params = self._statement_filter(
            article_id, speaker, party, acting_for_party, either, since, until
        )
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._capped_count(f"SELECT 1 FROM statements s {where}", params, cap)

    @staticmethod
    def _statement_filter(
        article_id: int | None,
        speaker: str | None,
        party: str | None,
        acting_for_party: Sequence[str],
        either: bool,
        since: str | None,
        until: str | None,
    ) -> tuple[list[str], list[Any]]:
        conditions, params = [], []
        for condition, value in (("s.article_id = ?", article_id), ("s.seen >= ?", since),
                                 ("s.seen <= ?", until)):  # fmt: skip
            if value is not None:
                conditions.append(condition)
                params.append(value)
        who, who_params = [], []
        if speaker is not None:
            who.append("s.speaker = ?")
            who_params.append(speaker)
        if party is not None:
            who.append("s.party = ?")
            who_params.append(party)
            if acting_for_party:
                marks = ", ".join("?" for _ in acting_for_party)
                who.append(f"(s.party IS NULL AND s.speaker IN ({marks}))")
                who_params += acting_for_party
        if speaker is not None and party is not None and not either:  # both must hold
            conditions.append(who[0])
            conditions.append(f"({' OR '.join(who[1:])})")
        elif who:
            conditions.append(f"({' OR '.join(who)})")
        params += who_params
        return conditions, params

    def statement_tallies(self, dated_speakers: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Statements counted by ``speaker`` and ``party`` (``n``; ``seen`` None); for the
        ``dated_speakers`` without a party of their own, by day (``seen``) instead, as whom they acted
        for may have changed. Both are read from indexes alone."""
        marks = ", ".join("?" for _ in dated_speakers)
        dated = f"party IS NULL AND speaker IN ({marks})" if dated_speakers else "1 = 0"
        rows = self._all(
            f"SELECT speaker, party, NULL AS seen, COUNT(*) AS n FROM statements WHERE NOT ({dated})"
            " GROUP BY party, speaker",
            list(dated_speakers),
        )
        if dated_speakers:
            rows += self._all(
                f"SELECT speaker, party, seen, COUNT(*) AS n FROM statements WHERE {dated}"
                " GROUP BY speaker, party, seen",
                list(dated_speakers),
            )
        return rows

    def _capped_count(self, select: str, params: Sequence[Any], cap: int) -> int:
        return int(self._scalar(f"SELECT COUNT(*) AS n FROM ({select} LIMIT ?) counted", [*params, cap + 1]))

    # -- search, statistics, export -------------------------------------------------------------

    def search(self, query: str, limit: int = 20, after: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Full-text search over articles and statements, best matches first (``SEARCH_ORDER``: score,
        kind, id); ``after`` is the position of the last hit of the page before.

        Each hit has ``kind`` ("article" or "statement"), ``id`` (of the article or statement),
        ``article_id``, ``statement_id``, title, outlet, published, url, a ``snippet`` with the
        matched words between « and », and ``score`` (lower is better); statement hits also have
        ``speaker`` and the span. Matches are ranked in the database, snippets made for these only.
        """
        terms = self.dialect.search_query(query)
        if not terms.strip():
            return []
        ranked = []
        for kind, table in (("article", "articles"), ("statement", "statements")):
            after_sql, params = "", []
            if after is not None:
                score, after_kind, after_id = after
                if kind == after_kind:
                    after_sql, params = "score >= ? AND (score > ? OR id > ?)", [score, score, after_id]
                else:  # ties on the score: articles before statements
                    after_sql, params = ("score > ?" if kind < after_kind else "score >= ?"), [score]
            rows = self._all(self.dialect.search_rank_sql(table, after_sql), [terms, *params, limit])
            ranked += [(r["score"], kind, r["id"]) for r in rows]
        ranked = sorted(ranked)[:limit]
        hits = []
        for kind, table in (("article", "articles"), ("statement", "statements")):
            ids = [i for _, k, i in ranked if k == kind]
            if ids:
                rows = self._all(self.dialect.search_show_sql(table, len(ids)), [terms, *ids])
                hits += [{"kind": kind, "id": r["statement_id"] or r["article_id"], **r} for r in rows]
        order = {(kind, i): n for n, (_, kind, i) in enumerate(ranked)}
        return sorted(hits, key=lambda h: order[(h["kind"], h["id"])])

    def search_count(self, query: str, cap: int) -> int:
        """How many articles and statements match, each counted up to ``cap + 1``."""
        terms = self.dialect.search_query(query)
        if not terms.strip():
            return 0
        return sum(
            int(self._scalar(self.dialect.search_count_sql(t), (terms, cap + 1)))
            for t in ("articles", "statements")
        )

    def stats(self) -> dict[str, Any]:
        """Counts: articles, near-duplicates, outlets, processes, statements, records and facts by kind."""
        count = self._scalar
        return {
            "articles": count("SELECT COUNT(*) AS n FROM articles"),
            "near_duplicates": count("SELECT COUNT(*) AS n FROM articles WHERE duplicate_of IS NOT NULL"),
            "outlets": count(  # distinct values from the outlet index, not a sort of every row
                "SELECT COUNT(outlet) AS n FROM (SELECT DISTINCT outlet FROM articles) outlets"
            ),
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
        """Every row of one of ``TABLES`` (without search columns), in key order, read ``batch`` rows at a
        time from the key of the last one read: memory and each query stay the same size however
        large the table, and the connection is free between batches."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
        columns = self.columns(table)
        order = [c for c in ("id", "fact_id", "record_id", "event", "day") if c in columns]
        if "id" in order:
            order = ["id"]
        after: list[Any] | None = None
        while True:
            where, params = ("", []) if after is None else _after(order, after, descending=False)
            chunk = self._all(
                f"SELECT {', '.join(columns)} FROM {table} {'WHERE ' + where if where else ''}"
                f" ORDER BY {', '.join(order)} LIMIT ?",
                [*params, batch],
            )
            yield from chunk
            if len(chunk) < batch:
                return
            after = [chunk[-1][c] for c in order]

    def columns(self, table: str) -> list[str]:
        """The columns ``rows`` gives for one of ``TABLES``."""
        return [c for c in self._columns(table) if c != "tsv"]

    def copy_to(self, target: Store, batch: int = 5000) -> dict[str, int]:
        """Copy every row of this store into ``target``, an empty store of either backend (moving
        a SQLite store to PostgreSQL, or loading a benchmark's store fast), in one transaction of
        the target; return the rows copied per table.

        Tables are read in key order, ``batch`` rows at a time, and written with COPY on PostgreSQL
        (whose id sequences then continue after the copied ids, and whose planner statistics are
        gathered) or multi-row INSERTs on SQLite (whose search index is then rebuilt).
        """
        if target.stats()["articles"] or target.processes():
            raise StoreError("the store to copy into is not empty", source=target.url)
        copied: dict[str, int] = {}
        with target._loading() as load:
            for table, keys in _COPY_ORDER.items():
                columns = [c for c in self._columns(table) if c != "tsv"]
                copied[table] = load(table, columns, self._scan(table, columns, keys, batch))
        return copied

    def _scan(
        self, table: str, columns: Sequence[str], keys: Sequence[str], batch: int
    ) -> Iterator[tuple[Any, ...]]:
        """Every row of a table as stored (JSON not decoded), in key order, by keyset pages."""
        after: tuple[Any, ...] | None = None
        order = ", ".join(keys)
        while True:
            where = f"WHERE ({order}) > ({', '.join('?' for _ in keys)})" if after else ""
            rows = self._fetch(
                f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY {order} LIMIT ?",
                [*(after or ()), batch],
                many=True,
            )
            for row in rows:
                yield tuple(row[c] for c in columns)
            if len(rows) < batch:
                return
            after = tuple(rows[-1][k] for k in keys)

    @contextmanager
    def _loading(self) -> Iterator[Callable[[str, Sequence[str], Iterable[tuple[Any, ...]]], int]]:
        """A function writing rows into a table, inside one exclusive transaction of this store."""
        if self.backend == "sqlite":
            with self.transaction():

                def insert(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
                    count, chunk = 0, []
                    for row in rows:
                        chunk.append(row)
                        if len(chunk) == _ROWS_PER_INSERT:
                            self._insert_rows(table, columns, chunk)
                            count, chunk = count + len(chunk), []
                    self._insert_rows(table, columns, chunk)
                    return count + len(chunk)

                yield insert
                self._execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
                self._execute("INSERT INTO statements_fts (statements_fts) VALUES ('rebuild')")
            return
        # COPY does not run in a pipeline: this transaction is an ordinary one.
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_WRITE_LOCK,))
            conn.execute("SET LOCAL statement_timeout = 0")  # a table's COPY is one long statement

            def copy(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
                count = 0
                with (
                    conn.cursor() as cursor,
                    cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out,
                ):
                    for row in rows:
                        out.write_row(row)
                        count += 1
                return count

            yield copy
            for table, keys in _COPY_ORDER.items():
                if keys == ("id",):
                    conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                        f" FROM {table}"
                    )
                # Statistics now, not when autovacuum comes round: until then plans are guesses.
                conn.execute(f"ANALYZE {table}")

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


_FACT_FIELDS = (
    "f.kind, f.key, f.party, f.issue, f.text, f.first_seen, f.last_seen, f.date_start, f.date_end,"
    " f.date_precision, f.conditional, f.condition_issue, f.red_line, f.reports, f.articles, f.stories,"
    " f.outlets, f.named_sources, f.anonymous_sources, f.payload"
)
#: A fact as read: its own columns and its process's name.
_FACT_COLUMNS = f"f.id, f.process_id, p.name AS process, {_FACT_FIELDS}"


#: The order facts are listed in (``Store.facts``); a missing party or issue sorts first.
FACT_ORDER = ("process_id", "kind", "party", "issue", "id")
_FACT_ORDER_SQL = ("f.process_id", "f.kind", "COALESCE(f.party, '')", "COALESCE(f.issue, '')", "f.id")
#: The keys of a row that place it in its list, for the next page's ``after``.
ARTICLE_ORDER = ("seen", "id")
SEARCH_ORDER = ("score", "kind", "id")
SOURCE_ORDER = ("seen", "article_id", "record_id")
#: The type of each column a position in a list holds (a cursor's values are checked against it).
POSITION_TYPES: dict[str, type] = {"seen": str, "id": int, "article_id": int, "idx": int, "record_id": int,
                                   "score": float, "kind": str, "process_id": int, "party": str, "issue": str,
                                   "undated": int, "date": str, "process": str, "fact_id": int}  # fmt: skip
STATEMENT_ORDER = ("seen", "article_id", "idx")
#: The order of deadlines (``Store.deadline_facts``): undated (1) or not, day, process name, party, fact id.
DEADLINE_ORDER = ("undated", "date", "process", "party", "fact_id")


def _day_before(day: str) -> str:
    """The ISO day before ``day``; before the first day there is, a string that sorts before any day."""
    start = date.fromisoformat(day[:10])
    return "0000-12-31" if start == date.min else (start - timedelta(days=1)).isoformat()


def deadline_key(fact: dict[str, Any]) -> list[Any]:
    """Where a row of ``Store.deadline_facts`` sits in ``DEADLINE_ORDER``: the ``after`` of the next page."""
    day = fact["deadline_day"]
    return [int(day is None), day or "", fact["process"], fact["party"] or "", fact["id"]]


def fact_key(fact: dict[str, Any]) -> list[Any]:
    """Where a fact row sits in ``FACT_ORDER``: the ``after`` of the page that follows it."""
    return [fact["process_id"], fact["kind"], fact["party"] or "", fact["issue"] or "", fact["id"]]


def _after(columns: Sequence[str], key: Sequence[Any], descending: bool) -> tuple[str, list[Any]]:
    """The condition keeping the rows that come after ``key`` in the order of ``columns``.

    Written as ``c1 >= k1 AND (c1 > k1 OR (c1 = k1 AND ...))``: the leading range lets both
    databases start the index scan at the key.
    """
    if len(key) != len(columns):
        raise ValueError(f"a position in this list has {len(columns)} values, not {len(key)}")
    op = "<" if descending else ">"
    condition, params = f"{columns[-1]} {op} ?", [key[-1]]
    for column, value in zip(reversed(columns[:-1]), reversed(key[:-1]), strict=True):
        condition = f"{column} {op} ? OR ({column} = ? AND ({condition}))"
        params = [value, value, *params]
    return f"{columns[0]} {op}= ? AND ({condition})", [key[0], *params]


#: Every table in the order a copy writes them (the rows a row refers to first), with its key.
_COPY_ORDER: dict[str, tuple[str, ...]] = {
    "processes": ("id",),
    "process_parties": ("party", "process_id"),
    "articles": ("id",),
    "article_bands": ("band", "article_id"),
    "statements": ("id",),
    "records": ("id",),
    "facts": ("id",),
    "fact_sources": ("fact_id", "record_id"),
    "fact_events": ("fact_id", "event", "day"),
}

#: A process as read (its tallies decoded), and every process.
_PROCESS = "SELECT p.id, p.name, p.parties, p.issues, p.created_at FROM processes p"
#: ``_PROCESS`` with the process's article count (``Store.processes``).
_PROCESS_COUNTED = (
    "SELECT p.id, p.name, p.parties, p.issues, p.created_at, p.article_count AS articles FROM processes p"
)
#: One article with its full text (``Store.article``): its id.
_ARTICLE = (
    "SELECT a.id, a.key, a.source, a.url, a.outlet, a.title, a.published, a.seen, a.text,"
    " a.duplicate_of, a.process_id, p.name AS process, a.record_count, a.ingested_at"
    " FROM articles a LEFT JOIN processes p ON p.id = a.process_id WHERE a.id = ?"
)
#: Records as ``Store.records`` gives them, before its WHERE and ORDER BY.
_RECORDS = (
    "SELECT id, article_id, kind, idx, party, issue, statement_id, date_start, date_end,"
    " date_precision, text, payload, fact_id FROM records"
)
_PROCESSES = f"{_PROCESS} ORDER BY p.id"

_SOURCE_COLUMNS = ("fact_id", "record_id", "article_id", "story_id", "statement_id", "outlet", "speaker",
                   "source_type", "account_party", "seen", "text")  # fmt: skip

#: Fact columns that consolidation sets (besides process, kind and key, which identify a fact).
_FACT_WRITABLE = frozenset(
    "party issue text first_seen last_seen date_start date_end date_precision conditional condition_issue"
    " red_line reports articles stories outlets named_sources anonymous_sources payload".split()
)

_FACT_COUNTS = "conditional red_line reports articles stories outlets named_sources anonymous_sources".split()
#: The SQL type of each writable column of a fact.
_FACT_TYPES = {column: "INTEGER" if column in _FACT_COUNTS else "TEXT" for column in _FACT_WRITABLE}
#: The writable columns of a new fact, as the facts table's defaults give them.
_FACT_DEFAULTS: dict[str, Any] = dict.fromkeys(_FACT_WRITABLE) | dict.fromkeys(_FACT_COUNTS, 0)


def _fact_values(columns: dict[str, Any]) -> dict[str, Any]:
    unknown = set(columns) - _FACT_WRITABLE
    if unknown:
        raise ValueError(f"not fact columns: {', '.join(sorted(unknown))}")
    return {
        k: _json(v) if k == "payload" else (int(v) if isinstance(v, bool) else v) for k, v in columns.items()
    }
