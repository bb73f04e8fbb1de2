"""The store's alert and watch tables (migrations 11 and 12): rules, the outbox, deliveries, watched
sources. ``Store`` inherits these methods; what an alert means is decided in ``parley.alerts``.

The outbox is history: an alert keeps its fact and article ids even after they are deleted, so
these tables have no foreign keys to the facts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

#: The order alerts are listed in, newest first (``AlertTables.alerts``): its values of the last
#: alert shown are the ``after`` of the next page.
ALERT_ORDER = ("id",)
#: An alert's columns as ``AlertTables.add_alerts`` takes them.
_ALERT_COLUMNS = ("key", "rule", "kind", "process_id", "fact_id", "article_id", "day", "fired_at", "payload")
#: A fact's newest sources (``AlertTables.latest_fact_sources``): fact id, then how many. They are
#: taken before the joins: planning joins of every source of the fact, to limit them after, cost
#: PostgreSQL more than running the query, and grew with the store (0.1 ms at 10,000 articles,
#: 0.4 ms at 100,000, paid for every fact of every article's alerts).
_LATEST_SOURCES = (
    "SELECT fs.fact_id, fs.record_id, fs.article_id, fs.story_id, fs.statement_id, fs.outlet,"
    " fs.speaker, fs.source_type, fs.account_party, fs.seen, fs.text AS record_text,"
    " a.title, a.url, a.published, s.text AS statement_text, s.span_start, s.span_end, r.payload"
    " FROM (SELECT * FROM fact_sources WHERE fact_id = ? ORDER BY seen DESC, article_id DESC, record_id LIMIT ?) fs"
    " JOIN articles a ON a.id = fs.article_id"
    " JOIN records r ON r.id = fs.record_id LEFT JOIN statements s ON s.id = fs.statement_id"
    " ORDER BY fs.seen DESC, fs.article_id DESC, fs.record_id"
)
#: Every stored alert rule, in name order (``AlertTables.alert_rules``).
_ALERT_RULES = "SELECT name, spec, origin, created_at FROM alert_rules ORDER BY name"


def _with_specs(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rule rows with their ``spec`` read as a dict."""
    for row in rules:
        row["spec"] = json.loads(row["spec"])
    return rules


class AlertTables:
    """Alert rules, the alert outbox and its deliveries, and the watch's per-source state."""

    # Provided by Store.
    _all: Any
    _one: Any
    _scalar: Any
    _execute: Any
    _capped_count: Any
    _executemany: Any
    _read_together: Any
    backend: str
    url: str

    # -- rules ----------------------------------------------------------------------------------

    def alert_rules(self) -> list[dict[str, Any]]:
        """Every stored rule: ``name``, ``spec`` (a dict), ``origin`` ("cli", "api", a rules file), in name order."""
        return _with_specs(self._all(_ALERT_RULES))

    def put_alert_rule(self, name: str, spec: dict[str, Any], origin: str, created_at: str) -> str | None:
        """Store a rule, replacing the one of that name; the origin of the rule replaced, if any."""
        replaced = self._scalar("SELECT origin FROM alert_rules WHERE name = ?", (name,))
        self._execute(
            "INSERT INTO alert_rules (name, spec, origin, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, origin = excluded.origin",
            (name, json.dumps(spec, sort_keys=True), origin, created_at),
        )
        return replaced

    def delete_alert_rule(self, name: str) -> bool:
        """Delete a rule; whether there was one."""
        found = self._scalar("SELECT COUNT(*) AS n FROM alert_rules WHERE name = ?", (name,))
        self._execute("DELETE FROM alert_rules WHERE name = ?", (name,))
        return bool(found)

    def delete_alert_rules_of(self, origin: str, keep: Sequence[str]) -> None:
        """Delete the rules that came from ``origin`` (a rules file) except those named in ``keep``."""
        marks = ", ".join("?" for _ in keep) or "NULL"
        self._execute(f"DELETE FROM alert_rules WHERE origin = ? AND name NOT IN ({marks})", [origin, *keep])

    # -- the outbox -----------------------------------------------------------------------------

    def add_alerts(self, alerts: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Put alerts in the outbox (each a dict of ``_ALERT_COLUMNS``, ``payload`` a dict), skipping
        those whose key was raised before; the ids of those added, by key.

        One statement per 500 alerts: inside ``flow.commit``'s pipelined PostgreSQL transaction, an
        article's alerts cost one wait for the server, however many they are."""
        added: dict[str, int] = {}
        for start in range(0, len(alerts), 500):
            chunk = alerts[start : start + 500]
            row = f"({', '.join('?' for _ in _ALERT_COLUMNS)})"
            params = [
                json.dumps(alert[c], ensure_ascii=False, sort_keys=True) if c == "payload" else alert[c]
                for alert in chunk
                for c in _ALERT_COLUMNS
            ]
            rows = self._all(
                f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS)}) VALUES {', '.join(row for _ in chunk)}"
                " ON CONFLICT (key) DO NOTHING RETURNING id, key",
                params,
            )
            added |= {r["key"]: int(r["id"]) for r in rows}
        return added

    def add_alert_deliveries(self, deliveries: Sequence[tuple[int, str, str, str]]) -> None:
        """Queue deliveries: (alert id, channel — "webhook" or "email" —, target — URL or address —,
        first attempt at). Nothing is read back, so a pipeline does not wait for them."""
        self._executemany(
            "INSERT INTO alert_deliveries (alert_id, channel, target, next_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            deliveries,
        )

    def alerts(
        self, rule: str | None = None, limit: int | None = 50, after: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """Alerts of the outbox (of one rule), newest first (``ALERT_ORDER`` descending: ``after`` is the
        position of the last alert of the page before), with ``payload`` decoded and ``deliveries``."""
        conditions, params = [], []
        if rule is not None:
            conditions.append("a.rule = ?")
            params.append(rule)
        if after is not None:
            conditions.append("a.id < ?")
            params.append(after[0])
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        page = " LIMIT ?" if limit is not None else ""
        params += [limit] if limit is not None else []
        rows = self._all(
            "SELECT a.id, a.key, a.rule, a.kind, a.process_id, p.name AS process, a.fact_id, a.article_id,"
            " a.day, a.fired_at, a.payload FROM alerts a LEFT JOIN processes p ON p.id = a.process_id"
            f" {where} ORDER BY a.id DESC{page}",
            params,
        )
        deliveries = self._deliveries([r["id"] for r in rows])
        for row in rows:
            row["deliveries"] = deliveries.get(row["id"], [])
        return rows

    def alert_count(self, rule: str | None = None, cap: int | None = None) -> int:
        """How many alerts the outbox holds (of one rule), counted up to ``cap + 1`` when given."""
        select, params = (
            ("SELECT 1 FROM alerts WHERE rule = ?", [rule])
            if rule is not None
            else ("SELECT 1 FROM alerts", [])
        )
        if cap is None:
            return int(self._scalar(f"SELECT COUNT(*) AS n FROM ({select}) counted", params))
        return self._capped_count(select, params, cap)

    def _deliveries(self, alert_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(alert_ids), 500):
            chunk = alert_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self._all(
                "SELECT alert_id, channel, target, status, attempts, next_at, last_error, delivered_at"
                f" FROM alert_deliveries WHERE alert_id IN ({marks}) ORDER BY channel, target",
                chunk,
            ):
                out.setdefault(row.pop("alert_id"), []).append(row)
        return out

    def due_deliveries(self, now: str, limit: int = 100) -> list[dict[str, Any]]:
        """Pending deliveries whose time has come, oldest alert first, each with its alert."""
        return self._all(
            "SELECT d.alert_id, d.channel, d.target, d.attempts, a.key, a.rule, a.kind, a.day, a.fired_at,"
            " a.payload, p.name AS process FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id"
            " LEFT JOIN processes p ON p.id = a.process_id"
            " WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.alert_id, d.channel, d.target LIMIT ?",
            (now, limit),
        )

    def claim_delivery(
        self, alert_id: int, channel: str, target: str, *, due: str, attempts: int, until: str
    ) -> bool:
        """Take a pending delivery due by ``due`` for one attempt (its ``attempts``-th), keeping others
        off it until ``until``; False when another deliverer took it first."""
        # RETURNING, not the cursor's rowcount: in a PostgreSQL pipeline only a result read waits
        # for the server, and the row count of a statement not waited for is unknown.
        claimed = self._scalar(
            "UPDATE alert_deliveries SET attempts = ?, next_at = ? WHERE alert_id = ? AND channel = ?"
            " AND target = ? AND status = 'pending' AND next_at <= ? AND attempts = ? RETURNING alert_id",
            (attempts, until, alert_id, channel, target, due, attempts - 1),
        )
        return claimed is not None

    def set_delivery(
        self,
        alert_id: int,
        channel: str,
        target: str,
        *,
        status: str,
        attempts: int,
        next_at: str,
        last_error: str | None = None,
        delivered_at: str | None = None,
    ) -> None:
        """Record the outcome of a delivery attempt ("delivered", "pending" again, "dead")."""
        self._execute(
            "UPDATE alert_deliveries SET status = ?, attempts = ?, next_at = ?, last_error = ?, delivered_at = ?"
            " WHERE alert_id = ? AND channel = ? AND target = ?",
            (status, attempts, next_at, last_error, delivered_at, alert_id, channel, target),
        )

    # -- facts as alerts need them --------------------------------------------------------------

    def facts_on_issues(
        self, process_id: int, issues: Sequence[str], fact_ids: Sequence[int] = ()
    ) -> list[dict[str, Any]]:
        """The facts of a process on some issues (or waiting on them as a condition), and those of
        ``fact_ids`` whatever their issue, as ``facts`` gives them."""
        # Defined with Store, which inherits this class.
        from parley.store.db import _FACT_COLUMNS, _FACT_ORDER_SQL

        if not issues and not fact_ids:
            return []
        on_issues = ", ".join("?" for _ in issues) or "NULL"
        ids = ", ".join("?" for _ in fact_ids) or "NULL"
        # Three index searches (facts_process_issue, facts_process_condition, the key), not a scan of
        # the process's facts: those grow with its meetings, these with its parties and issues only.
        return self._all(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id WHERE f.id IN"
            f" (SELECT id FROM facts WHERE process_id = ? AND issue IN ({on_issues})"
            f" UNION SELECT id FROM facts WHERE process_id = ? AND condition_issue IN ({on_issues})"
            f" UNION SELECT id FROM facts WHERE process_id = ? AND id IN ({ids}))"
            f" ORDER BY {', '.join(_FACT_ORDER_SQL)}",
            [process_id, *issues, process_id, *issues, process_id, *fact_ids],
        )

    def facts_ending_between(self, first: str, last: str) -> list[dict[str, Any]]:
        """Facts with a last day (a truce's, an ultimatum's) from ``first`` to ``last``, as ``facts`` gives them."""
        from parley.store.db import _FACT_COLUMNS, _FACT_ORDER_SQL

        return self._all(
            f"SELECT {_FACT_COLUMNS} FROM facts f JOIN processes p ON p.id = f.process_id"
            f" WHERE f.date_end >= ? AND f.date_end <= ? ORDER BY {', '.join(_FACT_ORDER_SQL)}",
            (first, last),
        )

    def latest_fact_sources(self, fact_ids: Sequence[int], limit: int) -> dict[int, list[dict[str, Any]]]:
        """Each fact's newest sources (as ``fact_sources`` gives them), at most ``limit`` a fact, by
        fact id. A query per fact, each reading its top rows by index; in a PostgreSQL pipeline they
        are sent together and waited for once."""
        answers = self._read_together([(_LATEST_SOURCES, (fact_id, limit)) for fact_id in fact_ids])
        return dict(zip(fact_ids, answers, strict=True))

    def fact_sourced_by(self, fact_id: int, names: Sequence[str]) -> bool:
        """Whether one of a fact's sources is one of ``names`` (outlet or speaker ids)."""
        marks = ", ".join("?" for _ in names)
        return bool(
            self._scalar(
                f"SELECT COUNT(*) AS n FROM fact_sources WHERE fact_id = ? AND (outlet IN ({marks})"
                f" OR speaker IN ({marks}))",
                [fact_id, *names, *names],
            )
        )

    def article_for_alerts(self, article_id: int) -> dict[str, Any]:
        """What deriving a stored article's alerts starts from, read together (one wait in a
        PostgreSQL pipeline): ``article`` (as ``article`` gives it; ``NotFoundError`` if there is
        none), ``process`` (its process with its article count, as ``processes`` gives it; None
        when it has none), ``records`` (its records, as ``records`` gives them), ``rules`` (as
        ``alert_rules`` gives them) and ``reported_elsewhere``: the ids of the facts its records went
        into that have a source in another article (the others are new)."""
        from parley.errors import NotFoundError
        from parley.store.db import _ARTICLE, _PROCESS_COUNTED, _RECORDS

        article, process, records, rules, elsewhere = self._read_together([
            (_ARTICLE, (article_id,)),
            (f"{_PROCESS_COUNTED} WHERE p.id = (SELECT process_id FROM articles WHERE id = ?)", (article_id,)),
            (f"{_RECORDS} WHERE article_id = ? ORDER BY article_id, kind, idx", (article_id,)),
            (_ALERT_RULES, ()),
            ("SELECT f.id FROM facts f WHERE f.id IN (SELECT fact_id FROM records WHERE article_id = ?) AND EXISTS"
             " (SELECT 1 FROM fact_sources s WHERE s.fact_id = f.id AND s.article_id <> ?)", (article_id, article_id)),
        ])  # fmt: skip
        if not article:
            raise NotFoundError(f"no article with id {article_id}", source=self.url)
        return {
            "article": article[0],
            "process": process[0] if process else None,
            "records": records,
            "rules": _with_specs(rules),
            "reported_elsewhere": {r["id"] for r in elsewhere},
        }

    # -- watched sources ------------------------------------------------------------------------

    def watch_source(self, source: str) -> dict[str, Any] | None:
        """The health and validators of a watched source, if it was polled before."""
        return self._one("SELECT * FROM watch_sources WHERE source = ?", (source,))

    def watch_sources(self) -> list[dict[str, Any]]:
        """Every watched source's health, in source order."""
        return self._all("SELECT * FROM watch_sources ORDER BY source")

    def save_watch_source(self, source: str, **columns: Any) -> None:
        """Create or update a watched source's row with ``columns`` (watch_sources columns)."""
        allowed = {"process", "etag", "last_modified", "last_attempt", "last_success", "last_error",
                   "failures", "next_at", "items_seen", "items_new"}  # fmt: skip
        unknown = set(columns) - allowed
        if unknown:
            raise ValueError(f"not watch_sources columns: {', '.join(sorted(unknown))}")
        names = list(columns)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names) or "source = excluded.source"
        self._execute(
            f"INSERT INTO watch_sources (source{''.join(', ' + n for n in names)})"
            f" VALUES (?{', ?' * len(names)}) ON CONFLICT (source) DO UPDATE SET {updates}",
            [source, *columns.values()],
        )

    def watch_items_seen(self, source: str, items: Sequence[str]) -> set[str]:
        """Which of ``items`` (feed entry links, file keys) of a source were taken in before."""
        seen: set[str] = set()
        for start in range(0, len(items), 500):
            chunk = list(items[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            seen |= {
                r["item"]
                for r in self._all(
                    f"SELECT item FROM watch_items WHERE source = ? AND item IN ({marks})", [source, *chunk]
                )
            }
        return seen

    def add_watch_item(self, source: str, item: str, seen_at: str) -> None:
        """Remember that an item of a source was taken in."""
        self._execute(
            "INSERT INTO watch_items (source, item, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (source, item, seen_at),
        )
