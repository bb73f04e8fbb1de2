"""Alerts as they leave the outbox: one JSON shape for ``parley alerts log``, the API, the ``/alerts``
page, the Atom feed, webhooks and e-mails.

An alert (``entry``) has its ``id``, idempotency ``key``, ``rule``, ``kind``, ``what`` happened,
``title``, ``process``, ``day``, ``fired_at``, its ``fact`` (with ``link``), the ``red_line`` it
crossed, its ``sources`` (outlet, speaker, named/anonymous, the sentence and its ``link``) and, in
the log, ``deliveries`` (channel, target, status, attempts, when delivered, last error) and the
``feed`` of its rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from parley.store import Store
from parley.web.data import source_link


def _absolute(path: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def entry(row: dict[str, Any], base_url: str = "", deliveries: bool = True) -> dict[str, Any]:
    """The public form of an outbox row (``store.alerts`` or ``store.due_deliveries``); links are
    made absolute with ``base_url`` (setting ``alerts.base_url``) when one is set."""
    carried = row["payload"]
    fact = dict(carried["fact"]) if carried.get("fact") else None
    if fact:
        fact["link"] = _absolute(f"/facts/{fact['id']}", base_url)
    red_line = dict(carried["red_line"]) if carried.get("red_line") else None
    if red_line:
        red_line["link"] = _absolute(f"/facts/{red_line['id']}", base_url)
    sources = [
        {**{k: v for k, v in s.items() if k not in ("payload", "span_start", "span_end", "statement_id")},
         "link": _absolute(source_link(s), base_url)}
        for s in carried.get("sources", [])
    ]  # fmt: skip
    out = {
        "id": row.get("id", row.get("alert_id")),
        "key": row["key"],
        "rule": row["rule"],
        "kind": row["kind"],
        "what": carried.get("what"),
        "title": carried["title"],
        "process": row.get("process") or carried.get("process"),
        "day": row["day"],
        "date": carried.get("date"),
        "days": carried.get("days"),
        "parties": carried.get("parties", []),
        "issue": carried.get("issue"),
        "fired_at": row["fired_at"],
        "article": _absolute(f"/articles/{carried['article_id']}", base_url)
        if carried.get("article_id")
        else None,
        "fact": fact,
        "red_line": red_line,
        "sources": sources,
    }
    if deliveries:  # where it went: the rule's targets, and always its Atom feed and the /alerts page
        out["deliveries"] = row.get("deliveries", [])
        out["feed"] = _absolute(f"/alerts.atom?{urlencode({'rule': row['rule']})}", base_url)
    return out


def log(
    store: Store,
    rule: str | None = None,
    limit: int | None = 50,
    after: Sequence[int] | None = None,
    base_url: str = "",
) -> list[dict[str, Any]]:
    """Alerts of the outbox (of one rule), newest first (those after the position ``after`` of
    ``ALERT_ORDER``), each with where it was delivered."""
    return [entry(row, base_url) for row in store.alerts(rule=rule, limit=limit, after=after)]
