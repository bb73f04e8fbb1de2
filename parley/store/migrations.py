"""The schema, as numbered migrations applied in order and recorded in ``schema_migrations``.

A migration is a list of statements; ``{id}`` stands for the dialect's auto-numbered key column.
Full-text search is the one part written twice (FTS5 tables for SQLite, ``tsvector`` columns for
PostgreSQL). Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

from parley.store.dialect import Dialect

_TABLES = [
    # A negotiation process: the articles about one conflict's talks. ``parties``/``issues`` are
    # JSON objects {id: number of records naming it}, used to assign new articles to a process.
    """CREATE TABLE processes (
        id {id},
        name TEXT NOT NULL UNIQUE,
        parties TEXT NOT NULL DEFAULT '{{}}',
        issues TEXT NOT NULL DEFAULT '{{}}',
        created_at TEXT NOT NULL
    )""",
    # One row per stored article, with its full text so that record spans can be shown.
    # ``seen`` is the date it counts from (publication date, else the day it was ingested);
    # ``duplicate_of`` links a near-duplicate (the same wire story on another site) to the first.
    """CREATE TABLE articles (
        id {id},
        key TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        source TEXT,
        url TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT,
        seen TEXT NOT NULL,
        text TEXT NOT NULL,
        duplicate_of BIGINT REFERENCES articles(id),
        process_id BIGINT REFERENCES processes(id),
        record_count INTEGER NOT NULL DEFAULT 0,
        ingested_at TEXT NOT NULL
    )""",
    "CREATE INDEX articles_process_seen ON articles (process_id, seen)",
    "CREATE INDEX articles_duplicate_of ON articles (duplicate_of)",
    "CREATE INDEX articles_key ON articles (key)",
    # Locality-sensitive hash bands of each article's shingles: articles sharing a band are
    # near-duplicate candidates (see parley.flow).
    """CREATE TABLE article_bands (
        band TEXT NOT NULL,
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (band, article_id)
    )""",
    """CREATE TABLE statements (
        id {id},
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        speaker TEXT NOT NULL,
        party TEXT,
        via TEXT NOT NULL,
        direct INTEGER NOT NULL,
        hedged INTEGER NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        text TEXT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (article_id, idx)
    )""",
    # Records other than statements, as extracted: key fields as columns, the whole record as JSON.
    # ``party`` is the record's actor (party, proposer, actor, accused; the place for meetings).
    """CREATE TABLE records (
        id {id},
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        idx INTEGER NOT NULL,
        party TEXT,
        issue TEXT,
        statement_id BIGINT REFERENCES statements(id) ON DELETE CASCADE,
        date_start TEXT,
        date_end TEXT,
        date_precision TEXT,
        text TEXT,
        payload TEXT NOT NULL,
        fact_id BIGINT,
        UNIQUE (article_id, kind, idx)
    )""",
    "CREATE INDEX records_kind_party_issue ON records (kind, party, issue)",
    "CREATE INDEX records_fact ON records (fact_id)",
    # Facts: records merged by the spec's key within a process, maintained by parley.consolidate.
    # Dates: first/last seen, and the fact's own period (a truce's start and end, a threat's
    # deadline). ``payload`` holds what varies by kind: accounts, position versions, targets.
    """CREATE TABLE facts (
        id {id},
        process_id BIGINT NOT NULL REFERENCES processes(id),
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        party TEXT,
        issue TEXT,
        text TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        date_start TEXT,
        date_end TEXT,
        date_precision TEXT,
        conditional INTEGER NOT NULL DEFAULT 0,
        condition_issue TEXT,
        red_line INTEGER NOT NULL DEFAULT 0,
        reports INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        stories INTEGER NOT NULL DEFAULT 0,
        outlets INTEGER NOT NULL DEFAULT 0,
        named_sources INTEGER NOT NULL DEFAULT 0,
        anonymous_sources INTEGER NOT NULL DEFAULT 0,
        payload TEXT NOT NULL,
        UNIQUE (process_id, kind, key)
    )""",
    "CREATE INDEX facts_kind_party_issue ON facts (kind, party, issue)",
    # Every record behind a fact, with who said it and through which outlet.
    """CREATE TABLE fact_sources (
        fact_id BIGINT NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
        record_id BIGINT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        story_id BIGINT NOT NULL,
        statement_id BIGINT REFERENCES statements(id) ON DELETE CASCADE,
        outlet TEXT,
        speaker TEXT,
        source_type TEXT NOT NULL,
        account_party TEXT,
        seen TEXT NOT NULL,
        text TEXT,
        PRIMARY KEY (fact_id, record_id)
    )""",
    "CREATE INDEX fact_sources_fact_seen ON fact_sources (fact_id, seen)",
    "CREATE INDEX fact_sources_article ON fact_sources (article_id)",
    # Dated changes of a fact's status (violated, withdrawn, carried out, condition met), one row
    # per fact, event and day; time-driven changes (expiry, a deadline passing) are computed.
    """CREATE TABLE fact_events (
        fact_id BIGINT NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        day TEXT NOT NULL,
        record_id BIGINT REFERENCES records(id) ON DELETE CASCADE,
        PRIMARY KEY (fact_id, event, day)
    )""",
    "CREATE INDEX fact_events_day ON fact_events (day)",
]

_SEARCH = {
    "sqlite": [
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id',"
        " tokenize='porter unicode61')",
        "CREATE VIRTUAL TABLE statements_fts USING fts5(text, content='statements', content_rowid='id',"
        " tokenize='porter unicode61')",
    ],
    "postgresql": [
        "ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS"
        " (to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED",
        "CREATE INDEX articles_tsv ON articles USING gin (tsv)",
        "ALTER TABLE statements ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
        "CREATE INDEX statements_tsv ON statements USING gin (tsv)",
    ],
}

# Consolidation asks, for each new source of a fact, whether its story, outlet and speaker are
# new to the fact: these indexes answer without reading all the fact's sources.
_SOURCE_INDEXES = [
    "CREATE INDEX fact_sources_story ON fact_sources (story_id)",
    "CREATE INDEX fact_sources_fact_outlet ON fact_sources (fact_id, outlet)",
    "CREATE INDEX fact_sources_fact_speaker ON fact_sources (fact_id, speaker)",
]

# The board shows each process's latest meeting: found by date without reading them all (5: the
# index also holds first_seen, so that "known by then" is answered from it too).
_MEETINGS_INDEX = "CREATE INDEX facts_kind_process_start ON facts (kind, process_id, date_start)"
_MEETINGS_INDEX_5 = [
    "DROP INDEX facts_kind_process_start",
    "CREATE INDEX facts_kind_process_start_seen ON facts (kind, process_id, date_start, first_seen)",
]

# Every board names its processes with their article counts: kept up to date (by
# Store.join_process and Store.delete_article) rather than counted each time.
_ARTICLE_COUNT = [
    "ALTER TABLE processes ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0",
    "UPDATE processes SET article_count = (SELECT COUNT(*) FROM articles a WHERE a.process_id = processes.id)",
]


# Lists are read a page at a time in their display order (keyset pagination): each filter a list
# takes has an index ending in that order, so a page reads only the rows it shows. A statement
# carries its article's ``seen`` (set by a trigger on insert, as articles never change date) so
# that statements can be listed by date without joining every article.
_PAGING_INDEXES = [
    "DROP INDEX articles_process_seen",
    "CREATE INDEX articles_process_seen_id ON articles (process_id, seen, id)",
    "CREATE INDEX articles_seen_id ON articles (seen, id)",
    "CREATE INDEX articles_outlet_seen_id ON articles (outlet, seen, id)",
    "ALTER TABLE statements ADD COLUMN seen TEXT",
    "UPDATE statements SET seen = (SELECT a.seen FROM articles a WHERE a.id = statements.article_id)",
    "CREATE INDEX statements_seen ON statements (seen, article_id, idx)",
    "CREATE INDEX statements_speaker_seen ON statements (speaker, seen, article_id, idx)",
    "CREATE INDEX statements_party_speaker ON statements (party, speaker)",
    "CREATE INDEX records_statement ON records (statement_id)",
    "CREATE INDEX facts_party ON facts (party, first_seen)",
]
_STATEMENT_SEEN_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER statements_seen AFTER INSERT ON statements FOR EACH ROW WHEN NEW.seen IS NULL"
        " BEGIN UPDATE statements SET seen = (SELECT a.seen FROM articles a WHERE a.id = NEW.article_id)"
        " WHERE id = NEW.id; END",
    ],
    "postgresql": [
        "CREATE FUNCTION statements_seen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.seen IS NULL THEN NEW.seen := (SELECT a.seen FROM articles a WHERE a.id = NEW.article_id);"
        " END IF; RETURN NEW; END $$",
        "CREATE TRIGGER statements_seen BEFORE INSERT ON statements FOR EACH ROW EXECUTE FUNCTION statements_seen()",
    ],
}


# The timeline reads the facts with an event in a period: made (started, else first reported) in
# it, or ending in it. These indexes find them without reading every fact; the last one counts a
# board summary's facts per process and kind from the index alone.
_PERIOD_INDEXES = [
    "CREATE INDEX facts_made ON facts ((COALESCE(date_start, first_seen)))",
    "CREATE INDEX facts_date_end ON facts (date_end)",
    "CREATE INDEX facts_process_kind_seen ON facts (process_id, kind, first_seen, last_seen)",
]

# Alerts (11): the rules users subscribe with (``spec`` is the rule as JSON), the outbox of alerts
# raised — written in the transaction of the change that raised them, ``key`` unique so that an
# alert is raised once whatever re-runs — and one delivery per alert and channel, followed until
# delivered or dead-lettered. Deadlines are found by their day (the clock's daily check, by the
# index facts_date_end of migration 8); an article's alerts read its process's facts on its issues
# (parley.alerts.derive) by the indexes below.
_ALERTS = [
    """CREATE TABLE alert_rules (
        id {id},
        name TEXT NOT NULL UNIQUE,
        spec TEXT NOT NULL,
        origin TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE alerts (
        id {id},
        key TEXT NOT NULL UNIQUE,
        rule TEXT NOT NULL,
        kind TEXT NOT NULL,
        process_id BIGINT,
        fact_id BIGINT,
        article_id BIGINT,
        day TEXT NOT NULL,
        fired_at TEXT NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX alerts_rule ON alerts (rule, id)",
    """CREATE TABLE alert_deliveries (
        alert_id BIGINT NOT NULL REFERENCES alerts(id),
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,
        last_error TEXT,
        delivered_at TEXT,
        PRIMARY KEY (alert_id, channel, target)
    )""",
    "CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_at)",
    "CREATE INDEX facts_process_issue ON facts (process_id, issue)",
    "CREATE INDEX facts_process_condition ON facts (process_id, condition_issue)",
]

# Watching sources (12): each source's health and conditional-GET validators, and the feed entries
# already taken in (so that a round fetches only new ones).
_WATCH = [
    """CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY,
        process TEXT,
        etag TEXT,
        last_modified TEXT,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_at TEXT,
        items_seen INTEGER NOT NULL DEFAULT 0,
        items_new INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE watch_items (
        source TEXT NOT NULL,
        item TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (source, item)
    )""",
]


# A period's positions (13): a version begins on the day of a report of the position or on the day a
# record dates it, so only the positions reported or dated since the period began can have one begin
# in it — found by these indexes instead of reading every position's versions.
_POSITIONS_INDEX = [
    "CREATE INDEX facts_kind_last_seen ON facts (kind, last_seen)",
    "CREATE INDEX records_kind_start ON records (kind, date_start)",
]


# Counting a fact's sources as of a day (``Store.corroboration``: the alerts of an article of a
# past day, a board as of a past day) reads every source of the fact up to that day (14): with what
# it counts held in the index, it reads the index alone, not each source's row (an archive
# article's commit at 100,000 articles on SQLite, 85 → 93–104 articles/s).
_COUNTED_SOURCES_INDEX = [
    "DROP INDEX fact_sources_fact_seen",
    "CREATE INDEX fact_sources_fact_seen ON fact_sources"
    " (fact_id, seen, article_id, story_id, outlet, speaker, source_type, record_id)",
]


# Which processes name a party (every key of their ``parties`` tallies), so that placing an article
# reads the few processes sharing its parties, not every process with its tallies (15: with 200
# processes, reading and decoding them all had become most of what preparing a commit cost). Rows
# are added as parties join a process and kept when a tally falls to zero: a process listed here
# is a candidate, which ``consolidate.choose_process`` then weighs by its tallies.
_PROCESS_PARTIES_TABLE = """CREATE TABLE process_parties (
        party TEXT NOT NULL,
        process_id BIGINT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
        PRIMARY KEY (party, process_id)
    )"""
_PROCESS_PARTIES = {
    "sqlite": [
        _PROCESS_PARTIES_TABLE,
        "INSERT INTO process_parties (party, process_id) SELECT j.key, p.id FROM processes p, json_each(p.parties) j",
    ],
    "postgresql": [
        _PROCESS_PARTIES_TABLE,
        "INSERT INTO process_parties (party, process_id)"
        " SELECT k, p.id FROM processes p, json_object_keys(p.parties::json) k",
    ],
}


def _everywhere(statements: list[str]) -> dict[str, list[str]]:
    """The same statements for both databases."""
    return {"sqlite": statements, "postgresql": statements}


#: (version, name, statements for a dialect), applied in order.
MIGRATIONS: list[tuple[int, str, dict[str, list[str]]]] = [
    (1, "tables", _everywhere(_TABLES)),
    (2, "full-text search", _SEARCH),
    (3, "fact source indexes", _everywhere(_SOURCE_INDEXES)),
    (4, "latest meetings index", _everywhere([_MEETINGS_INDEX])),
    (5, "latest meetings index covers first_seen", _everywhere(_MEETINGS_INDEX_5)),
    (6, "process article counts", _everywhere(_ARTICLE_COUNT)),
    (
        7,
        "paging indexes, statements dated",
        {d: _PAGING_INDEXES + _STATEMENT_SEEN_TRIGGER[d] for d in ("sqlite", "postgresql")},
    ),
    (8, "fact period indexes", _everywhere(_PERIOD_INDEXES)),
    (11, "alert rules, outbox and deliveries", _everywhere(_ALERTS)),
    (12, "watched sources", _everywhere(_WATCH)),
    (13, "positions by last report", _everywhere(_POSITIONS_INDEX)),
    (14, "fact sources counted from their index", _everywhere(_COUNTED_SOURCES_INDEX)),
    (15, "processes by party", _PROCESS_PARTIES),
]


def statements_for(dialect: Dialect, statements: dict[str, list[str]]) -> list[str]:
    """The migration's statements for this dialect, with ``{id}`` filled in."""
    return [s.format(id=dialect.id_column) for s in statements[dialect.name]]
