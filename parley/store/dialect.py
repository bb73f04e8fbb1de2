"""What differs between SQLite and PostgreSQL, and nothing else.

The store writes its SQL once, with ``?`` placeholders and the portable subset both databases
share (``INSERT ... ON CONFLICT``, ``RETURNING``, ``GROUP BY``). A dialect turns that text into
what the driver expects and supplies the few statements that cannot be shared: the column type of
generated ids and full-text search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD_OR_PHRASE = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class Dialect:
    """How one database spells what the store needs."""

    name: str  # "sqlite" or "postgresql"
    id_column: str  # an auto-numbered primary key column type
    paramstyle: str  # "qmark" (?) or "format" (%s)

    def sql(self, text: str) -> str:
        """The statement with placeholders as the driver wants them."""
        if self.paramstyle == "qmark":
            return text
        return text.replace("%", "%%").replace("?", "%s")

    def in_ids(self, subquery: str) -> str:
        """``IN (subquery)`` for a subquery giving a few ids, written so that the ids are looked up by
        index: PostgreSQL runs an ``= ANY(ARRAY(...))`` subquery once, where an ``IN`` may become a
        join that scans the whole table when its statistics are stale."""
        if self.name == "sqlite":
            return f"IN ({subquery})"
        return f"= ANY(ARRAY({subquery}))"

    def new_ids_sql(self, tables: Sequence[str]) -> str:
        """A query giving new ids for rows of several tables, to insert them with: a row (``tab``,
        the table's position in ``tables``; ``id``) per id, ascending, and a parameter per table for
        how many it needs.

        PostgreSQL draws them from the tables' identity sequences (concurrent writers never get the
        same); SQLite counts on from the highest id, which holds inside its one-writer transaction.
        """
        if self.name == "sqlite":
            counted = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            each = [f"SELECT {i} AS tab, (SELECT COALESCE(MAX(id), 0) FROM {table}) + i AS id FROM n"
                    for i, table in enumerate(tables)]  # fmt: skip
            return (
                " UNION ALL ".join(f"SELECT * FROM ({counted} {select})" for select in each)
                + " ORDER BY tab, id"
            )
        each = [f"SELECT {i} AS tab, nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, ?)"
                for i, table in enumerate(tables)]  # fmt: skip
        return f"SELECT * FROM ({' UNION ALL '.join(each)}) ids ORDER BY tab, id"

    def next_day(self, column: str) -> str:
        """The ISO day after the ISO day in ``column``."""
        if self.name == "sqlite":
            return f"date({column}, '+1 day')"
        return f"to_char(CAST({column} AS date) + 1, 'YYYY-MM-DD')"

    def json_text(self, column: str, key: str) -> str:
        """The text of ``key`` in the JSON object held (as text) in ``column``; NULL when missing."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{key}')"
        return f"(CAST({column} AS json) ->> '{key}')"

    def json_true(self, column: str, key: str) -> str:
        """Whether ``key`` is JSON ``true`` in the JSON object held (as text) in ``column``."""
        if self.name == "sqlite":
            return f"json_type({column}, '$.{key}') = 'true'"
        return f"(CAST({column} AS json) ->> '{key}') = 'true'"

    def lock_rows(self) -> str:
        """The clause that locks the rows a SELECT reads until the transaction ends, against
        concurrent updates; nothing on SQLite, whose writers run one at a time."""
        return "" if self.name == "sqlite" else " FOR NO KEY UPDATE"

    def position_versions(self, payload: str) -> tuple[str, str]:
        """A position fact's versions (in its JSON ``payload`` column) as a table to select from, and
        the expression of a version's ``valid_from`` in it."""
        if self.name == "sqlite":
            return f"json_each({payload}, '$.versions') v", "json_extract(v.value, '$.valid_from')"
        return f"json_array_elements({payload}::json -> 'versions') v", "v ->> 'valid_from'"

    def search_rank_sql(self, table: str, after: str) -> str:
        """Ids and scores (lower is better) of the matches in ``table`` ("articles" or "statements"),
        best first, then by id: one ``?`` for the query, those of ``after`` (a condition on ``score``
        and ``id``, or empty), one for the limit. Ranking reads no text: snippets are made for the
        page only (``search_show_sql``). PostgreSQL's rank is a float4: read as float8, so that
        the score of a cursor, read back, compares equal to the database's."""
        where = f"WHERE {after}" if after else ""
        if self.name == "sqlite":
            matches = (
                f"SELECT rowid AS id, bm25({table}_fts) AS score FROM {table}_fts WHERE {table}_fts MATCH ?"
            )
        else:
            matches = (
                f"SELECT t.id, -ts_rank(t.tsv, q)::float8 AS score FROM {table} t, websearch_to_tsquery('english', ?) q"
                " WHERE t.tsv @@ q"
            )
        return f"SELECT id, score FROM ({matches}) ranked {where} ORDER BY score, id LIMIT ?"

    def search_count_sql(self, table: str) -> str:
        """The matches in ``table`` counted up to a cap: one ``?`` for the query, one for the cap."""
        if self.name == "sqlite":
            return f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {table}_fts WHERE {table}_fts MATCH ? LIMIT ?) found"
        return (
            f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {table} t WHERE t.tsv @@ websearch_to_tsquery('english', ?)"
            " LIMIT ?) found"
        )

    def search_show_sql(self, table: str, count: int) -> str:
        """The hits of ``table`` with these ``count`` ids, with their article, snippet and score:
        one ``?`` for the query, then the ids."""
        ids = ", ".join("?" for _ in range(count))
        if self.name == "sqlite" and table == "articles":
            return (
                "SELECT a.id AS article_id, NULL AS statement_id, a.title, a.outlet, a.published, a.url,"
                " snippet(articles_fts, 1, '«', '»', '…', 16) AS snippet, bm25(articles_fts) AS score"
                " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                f" WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({ids})"
            )
        if self.name == "sqlite":
            return (
                "SELECT s.article_id, s.id AS statement_id, a.title, a.outlet, a.published, a.url,"
                " snippet(statements_fts, 0, '«', '»', '…', 16) AS snippet, bm25(statements_fts) AS score,"
                " s.speaker, s.span_start, s.span_end"
                " FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid"
                " JOIN articles a ON a.id = s.article_id"
                f" WHERE statements_fts MATCH ? AND statements_fts.rowid IN ({ids})"
            )
        if table == "articles":
            return (
                "SELECT a.id AS article_id, NULL::bigint AS statement_id, a.title, a.outlet, a.published, a.url,"
                " ts_headline('english', a.text, q, 'StartSel=«,StopSel=»,MaxWords=24,MinWords=8') AS snippet,"
                " -ts_rank(a.tsv, q)::float8 AS score"
                f" FROM articles a, websearch_to_tsquery('english', ?) q WHERE a.id IN ({ids})"
            )
        return (
            "SELECT s.article_id, s.id AS statement_id, a.title, a.outlet, a.published, a.url,"
            " ts_headline('english', s.text, q, 'StartSel=«,StopSel=»,MaxWords=24,MinWords=8') AS snippet,"
            " -ts_rank(s.tsv, q)::float8 AS score, s.speaker, s.span_start, s.span_end"
            " FROM statements s JOIN articles a ON a.id = s.article_id,"
            f" websearch_to_tsquery('english', ?) q WHERE s.id IN ({ids})"
        )

    def search_query(self, query: str) -> str:
        """The user's query as the database's search syntax: every word must occur, "quoted phrases" too.

        PostgreSQL's ``websearch_to_tsquery`` reads that syntax directly; FTS5 needs each word or
        phrase quoted so that punctuation and its operators (AND, NEAR, ``*``) are taken literally.
        """
        if self.name == "postgresql":
            return query
        terms = []
        for phrase, word in _WORD_OR_PHRASE.findall(query):
            text = (phrase or word).replace('"', "")
            if text:
                terms.append(f'"{text}"')
        return " ".join(terms)


SQLITE = Dialect(name="sqlite", id_column="INTEGER PRIMARY KEY", paramstyle="qmark")
POSTGRESQL = Dialect(
    name="postgresql", id_column="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", paramstyle="format"
)
