"""Alerts derived from the store's fact history, written to the outbox in the transaction of the
change that raised them.

Two things raise alerts:

- **an article** (``derive_article``, called by ``parley.flow.commit`` inside the article's
  transaction): the facts its records went into, and the facts whose status they change, are read
  as they stand on the article's day; what they show now — a violation reported, a proposal new on
  the table, a commitment's status, a red line crossed, a party leaving the talks, a new process —
  is an *event*. Only those facts are read (``store.facts_on_issues``: the process's facts on the
  article's issues), so the cost is per new article, not per stored article.
- **the clock** (``check``): deadlines (a truce's end, an ultimatum's last day) coming within a
  rule's ``days_before`` or passed within ``alerts.lookback_days`` of the day, read from the facts
  ending around that day only.

Each event has a key naming what it is about ("violation|12", "deadline passed|13|2025-04-26");
for each rule it matches, an alert with the key ``RULE|EVENT`` goes into the outbox unless one is
there already. That is what makes alerts exactly-once: re-reading an article, re-running a check,
restarting after a crash raise nothing twice, since the outbox and the facts are written together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from parley import analysis
from parley.actors import ActorRegistry
from parley.alerts.rules import Rule, active_rules
from parley.consolidate import has_cue
from parley.errors import SettingsError
from parley.settings import Settings, load_settings
from parley.store import Store


@dataclass
class Event:
    """Something that happened to the facts, before any rule is asked whether it wants it."""

    kind: str  # one of parley.alerts.rules.KINDS
    key: str  # what it is about, the same whenever it is derived again
    process_id: int
    process: str
    day: str  # the day it happened (the article's day, the deadline's day)
    what: str  # "reported", "agreed", "truce end", "carried out", ...
    parties: frozenset[str]
    issue: str | None = None
    fact: dict[str, Any] | None = None  # the fact (a view of parley.analysis) the event is about
    related: dict[str, Any] | None = None  # the red line crossed
    article_id: int | None = None
    date: str | None = None  # a deadline's day
    days: int | None = None  # days left before it

    def matches(self, rule: Rule, store: Store, settings: Settings) -> bool:
        """Whether ``rule`` wants this event (kind, process, party, issue, corroboration, sources, days)."""
        if self.kind not in rule.kinds:
            return False
        if rule.processes and self.process not in rule.processes:
            return False
        if rule.parties and not self.parties & set(rule.parties):
            return False
        if rule.issues and self.issue not in rule.issues:
            return False
        if self.kind == "deadline approaching":
            before = rule.days_before if rule.days_before is not None else settings.alerts.days_before
            if self.days is None or self.days > before:
                return False
        if self.fact is not None:
            if not rule.corroborated(self.fact):
                return False
            if rule.sources and not store.fact_sourced_by(self.fact["id"], rule.sources):
                return False
        return True


@dataclass
class Raised:
    """An alert put in the outbox."""

    id: int
    key: str
    rule: str
    kind: str
    process: str
    title: str
    payload: dict[str, Any] = field(repr=False)


def clock_day(settings: Settings | None = None, as_of: str | date | None = None) -> str:
    """The day alerts are derived for: ``as_of``, else the setting ``alerts.clock``, else today (UTC)."""
    settings = settings or load_settings()
    if as_of is None and settings.alerts.clock:
        try:
            return date.fromisoformat(settings.alerts.clock).isoformat()
        except ValueError:
            raise SettingsError(
                f"[alerts] clock = {settings.alerts.clock!r} is not a day: expected YYYY-MM-DD, or empty for today",
                source="alerts.clock",
            ) from None
    return analysis.as_of_day(as_of)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


# -- events of an article ------------------------------------------------------------------------


def commitment_label(view: dict[str, Any]) -> str:
    """What a commitment's status on a day means as news: agreed, made conditional, condition met,
    reported violated, expired or withdrawn."""
    status = view["status"]
    if status in ("withdrawn", "expired", "reported violated"):
        return status
    if status == "pending condition":
        return "made conditional"
    if view["conditional"] and view["condition_met_by"]:
        return "condition met"
    return "agreed"


_STANCES = ("positions", "proposals")  # the kinds a red line can be crossed by, or be


def article_events(
    store: Store, article_id: int, settings: Settings | None = None, read: dict[str, Any] | None = None
) -> list[Event]:
    """The events a stored article causes, read from the facts as they stand on its day; ``read``:
    what ``Store.article_for_alerts`` gave for it, when it was read already."""
    read = read or store.article_for_alerts(article_id)
    article, process = read["article"], read["process"]
    process_id = article["process_id"]
    if process_id is None:
        return []
    day = article["seen"]
    events: list[Event] = []
    if process["articles"] == 1:  # this article opened it
        events.append(Event("new process", f"process|{process_id}", process_id, process["name"], day,
                            "opened", frozenset(process["parties"]), article_id=article_id))  # fmt: skip
    records = [r for r in read["records"] if r["fact_id"] is not None]
    touched = {r["fact_id"] for r in records}
    if not touched:
        return events
    issues = {r["issue"] for r in records if r["issue"]}
    issues |= {r["payload"].get("condition_issue") for r in records if r["payload"].get("condition_issue")}
    rows = store.facts_on_issues(process_id, sorted(issues), sorted(touched))
    # Sources are counted as of the day only for the facts an event can be about: those the article
    # touched, the commitments its violations and commitments bear on (their statuses), the stances
    # on the issues of its stances (a red line crossed) and, once the events are known, any other
    # fact one names. An article of a past day would otherwise recount every fact of its issues,
    # all their sources.
    mine = [f for f in rows if f["id"] in touched]
    bearing = {(f["party"], f["issue"]) for f in mine if f["kind"] == "violations"}
    bearing |= {(None, f["issue"]) for f in mine if f["kind"] == "commitments"}
    stances = {f["issue"] for f in mine if f["kind"] in _STANCES}
    counted = touched | {
        f["id"] for f in rows
        if (f["kind"] == "commitments" and ((f["party"], f["issue"]) in bearing or (None, f["condition_issue"]) in bearing))
        or (f["kind"] in _STANCES and f["issue"] in stances)
    }  # fmt: skip
    reported_since = {f["id"] for f in rows if f["last_seen"] > day and f["id"] not in counted}
    views = analysis.views(store, day, rows, settings, process_id, counted=counted)
    by_id = {v["id"]: v for v in views}
    reported_elsewhere = read["reported_elsewhere"]

    def event(kind: str, key: str, what: str, view: dict[str, Any], **extra: Any) -> Event:
        parties = {view["party"], *view.get("accusers", []), *view.get("target", [])} - {None}
        return Event(kind, key, process_id, process["name"], day, what, frozenset(parties), view["issue"],
                     view, article_id=article_id, **extra)  # fmt: skip

    violated = {(v["party"], v["issue"]) for v in views if v["kind"] == "violations" and v["id"] in touched}
    binding_issues = {v["issue"] for v in views if v["kind"] == "commitments" and v["id"] in touched}
    for view in views:
        fact_id, kind = view["id"], view["kind"]
        new = fact_id in touched and fact_id not in reported_elsewhere
        if kind == "violations" and fact_id in touched:
            events.append(
                event("violation", f"violation|{fact_id}", "reported" if new else "corroborated", view)
            )
        elif kind == "proposals" and new:
            events.append(event("new proposal", f"proposal|{fact_id}", "proposed", view))
        elif kind == "threats" and fact_id in touched and view["status"] in ("carried out", "lapsed"):
            events.append(event("deadline passed", f"deadline passed|{fact_id}|{view['status']}",
                                view["status"], view, date=day))  # fmt: skip
        elif kind == "commitments" and (
            fact_id in touched
            or (view["party"], view["issue"]) in violated
            or (view["conditional"] and view["condition_issue"] in binding_issues)
        ):
            label = commitment_label(view)
            events.append(event("commitment status", f"commitment|{fact_id}|{label}", label, view))
    for conflict in analysis.conflicts(views):
        crossing = conflict["against"]
        if not conflict["red_line"] or touched.isdisjoint({conflict["fact_id"], crossing["fact_id"]}):
            continue
        red_line, stance = by_id[conflict["fact_id"]], by_id[crossing["fact_id"]]
        found = event("red line crossed", f"red line|{red_line['id']}|{stance['id']}", stance["kind"], stance,
                      related=red_line)  # fmt: skip
        found.parties = frozenset({red_line["party"], stance["party"]})
        events.append(found)
    events += _leaving(records, article["text"], by_id, event)
    about = {
        id(v): v for e in events for v in (e.fact, e.related) if v is not None and v["id"] in reported_since
    }
    analysis.recount(store, list(about.values()), day)
    return events


def _leaving(
    records: list[dict[str, Any]], text: str, by_id: dict[int, dict[str, Any]], event: Callable[..., Event]
) -> list[Event]:
    """A party leaving the talks: a record saying it did (cue list ``left_talks`` of data/facts.yaml), or
    a threat to leave them (``leave_talks``) reported carried out."""
    found = []
    for record in records:
        view = by_id.get(record["fact_id"])
        if view is None or not view["party"] or view["kind"] == "meetings":
            continue
        evidence = " ".join(text[a:b] for a, b in record["payload"].get("evidence") or [])
        said = f"{record['text'] or ''} {evidence}"
        if record["kind"] == "threats":  # the threat as first made, or as reported carried out
            threatened = has_cue("leave_talks", f"{said} {view['text'] or ''}") or has_cue("left_talks", said)
            left = threatened and view["status"] == "carried out"
        else:
            left = has_cue("left_talks", said) and not has_cue("negative", said)
        if left:
            key = f"left|{view['process']}|{view['party']}|{view['id']}"
            found.append(event("party left talks", key, "left", view))
    return found


# -- events of the clock -------------------------------------------------------------------------


def clock_events(store: Store, day: str, rules: list[Rule], settings: Settings) -> list[Event]:
    """Deadlines coming within the rules' ``days_before`` of ``day`` or passed within
    ``alerts.lookback_days`` before it, and the commitments that expired with them."""
    lookback = settings.alerts.lookback_days
    ahead = max([settings.alerts.days_before, *(r.days_before or 0 for r in rules)])
    rows = store.facts_ending_between(_shift(day, -lookback - 1), _shift(day, ahead))
    process_ids = {r["id"]: r["process_id"] for r in rows}  # views name their process, rows hold its id
    views = analysis.views(store, day, rows, settings)
    by_id = {v["id"]: v for v in views}
    events = []
    for deadline in analysis.deadlines(views, day):
        view = by_id[deadline["fact_id"]]
        when, state = deadline["date"], deadline["state"]
        parties = frozenset({view["party"], *view.get("target", [])} - {None})
        common = {"process_id": process_ids[view["id"]], "process": view["process"],
                  "parties": parties, "issue": view["issue"], "fact": view, "date": when}  # fmt: skip
        if state == "coming" and deadline["days"] <= ahead:
            events.append(Event("deadline approaching", f"deadline approaching|{view['id']}|{when}", day=day,
                                what=deadline["kind"], days=deadline["days"], **common))  # fmt: skip
        elif state == "past" and view["status"] != "carried out" and -deadline["days"] <= lookback:
            events.append(Event("deadline passed", f"deadline passed|{view['id']}|{when}", day=when,
                                what=deadline["kind"], days=deadline["days"], **common))  # fmt: skip
        if view["kind"] == "commitments" and view["status"] == "expired":
            events.append(Event("commitment status", f"commitment|{view['id']}|expired", day=when,
                                what="expired", **common))  # fmt: skip
    return events


# -- the outbox ----------------------------------------------------------------------------------


def _possessive(name: str | None) -> str:
    return f"{name}'" if name and name.endswith("s") else f"{name}'s"


def title(event: Event, registry: ActorRegistry | None = None) -> str:
    """One line saying what happened, with display names."""
    names = registry or ActorRegistry.load()
    fact = event.fact or {}
    party = names.name(fact["party"]) if fact.get("party") else None
    issue = (event.issue or "").replace("_", " ")
    if event.kind == "new process":
        return f"New negotiation process {event.process}"
    if event.kind == "red line crossed" and event.related:
        return (f"Red line crossed: {_possessive(party)} {event.what.rstrip('s')} on {issue} against "
                f"{_possessive(names.name(event.related['party']))} red line")  # fmt: skip
    if event.kind == "violation":
        accusers = ", ".join(names.name(a) for a in fact.get("accusers", [])) or "reports"
        return f"Violation {event.what}: {party} accused by {accusers} ({issue})"
    if event.kind == "deadline approaching":
        return f"Deadline in {event.days} day{'s' if event.days != 1 else ''}: {_possessive(party)} {event.what} on {issue} ({event.date})"
    if event.kind == "deadline passed":
        return f"Deadline passed: {_possessive(party)} {event.what if event.what in ('truce end', 'ultimatum') else 'threat ' + event.what} on {issue}"
    if event.kind == "commitment status":
        return f"Commitment {event.what}: {party} on {issue}"
    if event.kind == "new proposal":
        return f"New proposal by {party} on {issue}"
    return f"{party} left the talks ({event.process})"


def _fact_summary(view: dict[str, Any] | None) -> dict[str, Any] | None:
    if view is None:
        return None
    keep = ("id", "process", "kind", "party", "issue", "text", "status", "start", "end", "first_seen",
            "last_seen", "corroboration", "red_line", "polarity", "accusers", "target", "deadline",
            "condition_issue", "accounts")  # fmt: skip
    return {k: view[k] for k in keep if k in view}


def _sources(store: Store, events: list[Event], limit: int) -> dict[int, list[dict[str, Any]]]:
    """The newest sources of the events' facts, by fact id: the article, the outlet, who said it
    (named, anonymous, the outlet itself), the sentence, and what ``parley.web.data.source_link``
    needs to link to it. Read together: one wait for a PostgreSQL pipeline."""
    fact_ids = sorted({e.fact["id"] for e in events if e.fact is not None})
    return {
        fact_id: [{
            "article_id": row["article_id"], "title": row["title"], "url": row["url"], "outlet": row["outlet"],
            "published": row["published"], "seen": row["seen"], "speaker": row["speaker"],
            "source_type": row["source_type"], "account_party": row["account_party"],
            "sentence": row["statement_text"] or row["record_text"], "statement_id": row["statement_id"],
            "span_start": row["span_start"], "span_end": row["span_end"],
            "payload": {"evidence": (row["payload"] or {}).get("evidence") or []},
        } for row in rows]
        for fact_id, rows in store.latest_fact_sources(fact_ids, limit).items()
    }  # fmt: skip


def payload(
    event: Event, sources: dict[int, list[dict[str, Any]]], registry: ActorRegistry | None = None
) -> dict[str, Any]:
    """What an alert carries: what happened, its fact, the red line crossed, the sources (``sources``:
    those of ``_sources``)."""
    return {
        "title": title(event, registry),
        "kind": event.kind,
        "what": event.what,
        "process": event.process,
        "day": event.day,
        "date": event.date,
        "days": event.days,
        "parties": sorted(event.parties),
        "issue": event.issue,
        "article_id": event.article_id,
        "fact": _fact_summary(event.fact),
        "red_line": _fact_summary(event.related),
        "sources": sources.get(event.fact["id"], []) if event.fact else [],
    }


def _wanted(
    store: Store, events: list[Event], rules: list[Rule], settings: Settings
) -> list[tuple[str, Rule, Event, dict[str, Any]]]:
    """Each (event, rule that wants it) once by alert key (``RULE|EVENT``), with the alert's payload."""
    pairs: dict[str, tuple[Rule, Event]] = {}
    for event in events:
        for rule in rules:
            if event.matches(rule, store, settings):
                pairs.setdefault(f"{rule.name}|{event.key}", (rule, event))
    sources = _sources(store, [event for _, event in pairs.values()], settings.alerts.max_sources)
    names = ActorRegistry.load()
    carried = {id(event): payload(event, sources, names) for _, event in pairs.values()}
    return [(key, rule, event, carried[id(event)]) for key, (rule, event) in pairs.items()]


def raise_alerts(
    store: Store, events: list[Event], rules: list[Rule], settings: Settings, fired_at: str | None = None
) -> list[Raised]:
    """Put an alert in the outbox for every event and rule that wants it, unless it was raised before,
    with a pending delivery to each of the rule's targets. Call inside the transaction of the change."""
    fired_at = fired_at or _now()
    wanted = _wanted(store, events, rules, settings)
    if not wanted:
        return []
    # In key order: concurrent commits raising some of the same alerts wait on each other's keys in
    # one order, never in a cycle (a deadlock).
    added = store.add_alerts([
        {"key": key, "rule": rule.name, "kind": event.kind, "process_id": event.process_id,
         "fact_id": event.fact["id"] if event.fact else None, "article_id": event.article_id, "day": event.day,
         "fired_at": fired_at, "payload": carried}
        for key, rule, event, carried in sorted(wanted, key=lambda w: w[0])
    ])  # fmt: skip
    raised = [(added[key], key, rule, event, carried) for key, rule, event, carried in wanted if key in added]
    store.add_alert_deliveries([
        (alert_id, channel, target, fired_at) for alert_id, _, rule, _, _ in raised for channel, target in rule.targets
    ])  # fmt: skip
    return [
        Raised(alert_id, key, rule.name, event.kind, event.process, carried["title"], carried)
        for alert_id, key, rule, event, carried in raised
    ]


def derive_article(store: Store, article_id: int, settings: Settings | None = None) -> list[Raised]:
    """Raise the alerts a newly stored article causes; ``parley.flow.commit`` calls it in the article's
    transaction, so the alerts are stored with the article or not at all."""
    settings = settings or load_settings()
    read = store.article_for_alerts(article_id)  # the article, its records and the rules: one wait
    rules = active_rules(store, read["rules"])
    return raise_alerts(store, article_events(store, article_id, settings, read), rules, settings)


def check(
    store: Store, as_of: str | date | None = None, settings: Settings | None = None, *, dry_run: bool = False
) -> list[Raised] | list[dict[str, Any]]:
    """Raise the alerts of the clock's day (``as_of``, else ``alerts.clock``, else today): deadlines
    approaching and passed. With ``dry_run``, return what would fire that day (each alert's ``key``,
    ``rule``, ``kind``, ``title``, ``payload``) without writing, whether or not it fired before."""
    settings = settings or load_settings()
    day = clock_day(settings, as_of)
    rules = active_rules(store)
    events = clock_events(store, day, rules, settings)
    if dry_run:
        return [
            {"key": key, "rule": rule.name, "kind": event.kind, "process": event.process,
             "title": carried["title"], "payload": carried}
            for key, rule, event, carried in _wanted(store, events, rules, settings)
        ]  # fmt: skip
    with store.transaction():
        return raise_alerts(store, events, rules, settings)
