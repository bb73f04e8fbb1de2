"""What the facts say on a date: the board of a negotiation, its timeline, a fact's sources.

Everything here reads the store (facts kept up to date by ``parley.consolidate``) and computes
what depends on the day asked about: a commitment's status (a truce runs out, a violation is
reported), whether a threat's deadline has passed, which version of a position is current, and
from those the board's cross-references:

- **conflicts**: a stance of one party (a position, or a term of its proposal) against another
  party's position on the same issue — opposite signs, one accepting and one refusing — with the
  red lines first;
- **conditions**: a commitment that waits on an issue, the commitments of others that meet it and
  the open proposal terms that would;
- **deadlines**: truces running out and ultimatums, past or coming relative to the day.

All functions return plain dicts and lists, ready for JSON; ``parley board --json`` prints
``board()`` as it is. Dates are ISO strings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any

from parley.actors import ActorRegistry
from parley.errors import InputError
from parley.records import RECORD_KINDS
from parley.settings import Settings, load_settings
from parley.store import Store
from parley.store.db import deadline_key, fact_key

#: The statuses each kind of fact can have on a day (``_Day._view``).
STATUSES = {
    "commitments": (
        "withdrawn",
        "expired",
        "reported violated",
        "announced",
        "pending condition",
        "in force",
    ),
    "threats": ("carried out", "lapsed", "deadline passed", "issued"),
    "positions": ("current", "stale"),
    "proposals": ("withdrawn", "stale", "open"),
    "violations": ("reported",),
    "meetings": ("scheduled", "held"),
}
_CORROBORATION = ("reports", "articles", "stories", "outlets", "named_sources", "anonymous_sources")
#: Commitment statuses after which a conditional commitment no longer waits on anything.
_ENDED = ("withdrawn", "expired")
#: Commitment statuses under which a commitment still binds (and can meet another's condition).
BINDING = ("in force", "reported violated")


def as_of_day(value: str | date | None) -> str:
    """The day to read the facts on, as ISO text: ``value`` (a date or ISO text), else today."""
    if value is None:
        return datetime.now(UTC).date().isoformat()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise InputError(f"not a date: {value!r} (expected YYYY-MM-DD)", source="--as-of") from None


def _days(a: str, b: str) -> int:
    """Days from ``a`` to ``b``."""
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


class _Day:
    """Some facts as they stood on one day, and what their status depends on.

    ``rows`` are the facts to show; ``scope`` the process they come from (None: any). A
    commitment's status depends on other facts of its process (violations of it, commitments that
    meet its condition): those are read without their payloads, and only for commitments shown, so
    that a page of facts costs what its own rows cost.
    """

    def __init__(
        self,
        store: Store,
        day: str,
        settings: Settings | None,
        rows: list[dict[str, Any]],
        scope: int | None,
        counted: Collection[int] | None = None,
    ):
        self.day = day
        self.stale_days = (settings or load_settings()).consolidate.position_stale_days
        self.process_id = scope
        self.rows = rows
        later = [f["id"] for f in rows if f["last_seen"] > day]
        recounted = [i for i in later if counted is None or i in counted]
        bounded = [i for i in later if counted is not None and i not in counted]
        counted_on_day = store.corroboration(recounted, day, bounded) if later else {}
        for fact in rows:  # counts as they were on the day, for facts reported again since
            fact.update(counted_on_day.get(fact["id"], {}))
        # What commitments' statuses depend on: violations of them, and the commitments of other
        # parties on the issues they wait on; read only when there are commitments to show.
        shown = [f for f in rows if f["kind"] == "commitments"]
        waits_on = sorted({f["condition_issue"] for f in shown if f["conditional"] and f["condition_issue"]})
        # Over all processes, only those of the commitments shown: what a status depends on is in its own.
        among = None if scope is not None else sorted({f["process_id"] for f in shown})
        violations, meeting_them = store.facts_together([  # one wait in a PostgreSQL pipeline
            {"process_id": scope, "process_ids": among, "kinds": ["violations"], "seen_by": day, "payload": False}
            if shown else None,
            {"process_id": scope, "process_ids": among, "kinds": ["commitments"], "seen_by": day, "payload": False,
             "issues": waits_on} if waits_on else None,
        ])  # fmt: skip
        self.events: dict[int, dict[str, str]] = defaultdict(dict)
        ids = sorted({f["id"] for f in rows} | {f["id"] for f in meeting_them})
        for start in range(0, len(ids), 500):
            for event in store.fact_events(fact_ids=ids[start : start + 500], until=day):
                self.events[event["fact_id"]].setdefault(event["event"], event["day"])
        self.violations: dict[tuple[int, str, str], str] = {}
        for fact in violations:
            self.violations[(fact["process_id"], fact["party"], fact["issue"])] = fact["last_seen"]
        base = {f["id"]: self._commitment_status(f) for f in meeting_them + shown}
        self.binding: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        for fact in meeting_them:  # commitments that can meet another party's condition, by issue
            if base[fact["id"]] in BINDING:
                self.binding[(fact["process_id"], fact["issue"])].append(fact)
        self.views = [self._view(fact, base) for fact in rows]

    @classmethod
    def load(
        cls,
        store: Store,
        process: str | None,
        as_of: str | date | None,
        settings: Settings | None,
        latest_meetings: bool = False,
        **filters: Any,
    ) -> _Day:
        """The facts of a process (or all) first seen by the day, narrowed by ``Store.facts`` filters."""
        day = as_of_day(as_of)
        process_id = store.process_id(process)
        if latest_meetings:  # a board shows the last round of talks, the timeline all of them
            kinds = [k for k in RECORD_KINDS if k != "meetings"]
            rows = store.facts(process_id, kinds=kinds, seen_by=day, **filters)
            rows += store.latest_meetings(day, process_id)
        else:
            rows = store.facts(process_id, seen_by=day, **filters)
        return cls(store, day, settings, rows, process_id)

    def stale(self, last_seen: str) -> bool:
        return _days(last_seen, self.day) > self.stale_days

    def _commitment_status(self, fact: dict[str, Any]) -> str:
        """A commitment's status on the day, before looking at whether its condition is met."""
        if "withdrawn" in self.events[fact["id"]]:
            return "withdrawn"
        if fact["date_end"] and fact["date_end"] < self.day:
            return "expired"
        reported = self.violations.get((fact["process_id"], fact["party"], fact["issue"]))
        if reported and reported >= (fact["date_start"] or ""):
            return "reported violated"
        if fact["date_start"] and fact["date_start"] > self.day:
            return "announced"
        return "pending condition" if fact["conditional"] and fact["condition_issue"] else "in force"

    def _met_by(self, fact: dict[str, Any]) -> list[int]:
        """Commitments of other parties, binding on the day, on the issue this one waits on."""
        others = self.binding[(fact["process_id"], fact["condition_issue"])]
        return [other["id"] for other in others if other["party"] != fact["party"]]

    def _view(self, fact: dict[str, Any], base: dict[int, str]) -> dict[str, Any]:
        payload = fact["payload"]
        view: dict[str, Any] = {
            "id": fact["id"],
            "process": fact["process"],
            "kind": fact["kind"],
            "party": fact["party"],
            "issue": fact["issue"],
            "text": fact["text"],
            "status": "",
            "start": fact["date_start"],
            "end": fact["date_end"],
            "precision": fact["date_precision"],
            "first_seen": fact["first_seen"],
            "last_seen": min(fact["last_seen"], self.day),
            "accounts": {party: a["text"] for party, a in sorted(payload.get("accounts", {}).items())},
            "corroboration": {key: fact[key] for key in _CORROBORATION},
        }
        kind, events = fact["kind"], self.events[fact["id"]]
        if kind == "commitments":
            status = base[fact["id"]]
            met = self._met_by(fact) if fact["conditional"] and fact["condition_issue"] else []
            if status == "pending condition" and met:
                status = "in force"
            view |= {
                "conditional": bool(fact["conditional"]),
                "condition_issue": fact["condition_issue"],
                "condition_met_by": met,
                "duration_days": payload.get("duration_days"),
                "negated": payload.get("negated", False),
            }
        elif kind == "threats":
            status = self._threat_status(fact, events)
            view |= {
                "target": payload.get("target", []),
                "has_deadline": payload.get("has_deadline", False),
                "deadline": payload.get("deadline"),
                "deadline_precision": payload.get("deadline_precision"),
            }
        elif kind == "positions":
            versions = [v for v in payload.get("versions", []) if v["valid_from"] <= self.day] or payload[
                "versions"
            ][:1]
            current = versions[-1]
            status = "stale" if self.stale(min(current["last_seen"], self.day)) else "current"
            view |= {
                "text": current["text"],
                "red_line": current["red_line"],
                "polarity": current["polarity"],
                "valid_from": current["valid_from"],
                "valid_until": None,  # what comes after the day is not known on the day
                "versions": [{**v, "status": "superseded"} for v in versions[:-1]]
                + [{**current, "valid_until": None, "status": status}],
            }
        elif kind == "proposals":
            status = (
                "withdrawn" if "withdrawn" in events else "stale" if self.stale(view["last_seen"]) else "open"
            )
            view["polarity"] = payload.get("polarity", 1)
        elif kind == "violations":
            status = "reported"
            view["accusers"] = payload.get("accusers", [])
        else:  # meetings
            status = "scheduled" if fact["date_start"] and fact["date_start"] > self.day else "held"
            view |= {"place": payload.get("place"), "participants": payload.get("participants", [])}
        view["status"] = status
        return view

    def _threat_status(self, fact: dict[str, Any], events: dict[str, str]) -> str:
        if "carried out" in events:
            return "carried out"
        if "withdrawn" in events:
            return "lapsed"
        deadline = fact["date_end"]
        if deadline and deadline < self.day:
            return "lapsed" if self.stale(deadline) else "deadline passed"
        if not deadline and self.stale(min(fact["last_seen"], self.day)):
            return "lapsed"
        return "issued"

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [v for v in self.views if v["kind"] == kind]


def facts(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    kinds: list[str] | None = None,
    settings: Settings | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Facts as they stood on ``as_of`` (first seen by then), each with its ``status`` that day;
    ``filters`` narrow them as ``Store.facts`` does (party, issue, period...)."""
    return _Day.load(store, process, as_of, settings, kinds=kinds, **filters).views


def views(
    store: Store,
    day: str,
    rows: list[dict[str, Any]],
    settings: Settings | None = None,
    process_id: int | None = None,
    counted: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """The facts ``rows`` (as ``Store.facts`` gives them) as they stood on ``day``: those first seen
    by then, each with its status. With ``process_id`` the rows are of that process only, and what
    their statuses depend on is read from it alone.

    A fact reported again after the day has its sources counted again up to the day, which costs
    what its sources number. With ``counted``, only the facts it names are; the others keep
    today's corroboration (their first and last report, on which statuses depend, are still those
    of the day): call ``recount`` for the few other views whose counts are wanted."""
    return _Day(store, day, settings, [f for f in rows if f["first_seen"] <= day], process_id, counted).views


def recount(store: Store, views: list[dict[str, Any]], day: str) -> None:
    """Set the corroboration of ``views`` to what their sources seen up to ``day`` count (see ``views``)."""
    counted = store.corroboration([v["id"] for v in views], day) if views else {}
    for view in views:
        if view["id"] in counted:
            view["corroboration"] = {key: counted[view["id"]][key] for key in _CORROBORATION}


def facts_page(
    store: Store,
    *,
    process: str | None = None,
    as_of: str | date | None = None,
    kinds: list[str] | None = None,
    party: str | None = None,
    issue: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    after: list[Any] | None = None,
    limit: int = 50,
    settings: Settings | None = None,
) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """One page of ``facts``, in board order, and the ``after`` of the next page (None on the last).

    The store filters and pages; only ``status``, which depends on the day, is checked here, by
    reading further pages until this one is full. ``since``/``until`` keep the facts reported in
    that period (last seen on or after ``since``, first seen on or before ``until``).
    """
    day = as_of_day(as_of)
    if status is not None:  # only the kinds that can have it
        kinds = [k for k in kinds or STATUSES if status in STATUSES[k]]
    if (since is not None and since > day) or kinds == []:
        return [], None
    process_id = store.process_id(process)
    chunk = limit + 1 if status is None else max(limit + 1, 500)
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    while len(found) <= limit:
        rows = store.facts(process_id, kinds=kinds, seen_by=min(day, until or day), party=party, issue=issue,
                           reported_since=since, after=after, limit=chunk)  # fmt: skip
        seen = _Day(store, day, settings, rows, process_id).views
        found += [(row, view) for row, view in zip(rows, seen, strict=True)
                  if status is None or view["status"] == status]  # fmt: skip
        if len(rows) < chunk:
            break
        after = fact_key(rows[-1])
    if len(found) > limit:
        return [view for _, view in found[:limit]], fact_key(found[limit - 1][0])
    return [view for _, view in found], None


def fact_count(
    store: Store,
    *,
    process: str | None = None,
    as_of: str | date | None = None,
    kinds: list[str] | None = None,
    party: str | None = None,
    issue: str | None = None,
    since: str | None = None,
    until: str | None = None,
    cap: int,
) -> int:
    """How many facts ``facts_page`` lists without a status filter, counted up to ``cap + 1``."""
    day = as_of_day(as_of)
    if since is not None and since > day:
        return 0
    return store.fact_count(store.process_id(process), kinds, min(day, until or day), party=party, issue=issue,
                            reported_since=since, cap=cap)  # fmt: skip


def conflicts_of(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    issue: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """``conflicts`` on a day, read from the positions and proposals of a process (or all) only."""
    state = _Day.load(store, process, as_of, settings, kinds=["positions", "proposals"], issue=issue)
    return conflicts(state.views)


def conditions_of(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """``conditions`` on a day, read from the conditional commitments of a process (or all) and the
    commitments and proposals on the issues they wait on."""
    day = as_of_day(as_of)
    process_id = store.process_id(process)
    rows = store.facts(process_id, ["commitments"], day, conditional=True)
    standing = {
        v["id"] for v in _Day(store, day, settings, rows, process_id).views if v["status"] not in _ENDED
    }
    rows = [f for f in rows if f["id"] in standing]  # the others are not listed: no need for what meets them
    waits_on = sorted({f["condition_issue"] for f in rows})
    if waits_on:
        known = {f["id"] for f in rows}
        rows += [
            f for f in store.facts(process_id, ["commitments"], day, issues=waits_on) if f["id"] not in known
        ]
        rows += store.facts(process_id, ["proposals"], day, issues=waits_on)
    return conditions(_Day(store, day, settings, rows, process_id).views)


def deadlines_of(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    party: str | None = None,
    issue: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """``deadlines`` on a day, read from the dated commitments and the threats only."""
    day = as_of_day(as_of)
    process_id = store.process_id(process)
    rows = store.facts(process_id, kinds=["commitments"], seen_by=day, party=party, issue=issue, dated=True)
    rows += store.facts(process_id, kinds=["threats"], seen_by=day, party=party, issue=issue)
    return deadlines(_Day(store, day, settings, rows, process_id).views, day)


def deadlines_page(
    store: Store,
    *,
    process: str | None = None,
    as_of: str | date | None = None,
    party: str | None = None,
    issue: str | None = None,
    since: str | None = None,
    until: str | None = None,
    after: list[Any] | None = None,
    limit: int = 50,
    settings: Settings | None = None,
) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """One page of ``deadlines_of`` (``since``/``until``: those ending in that period, none undated)
    in ``DEADLINE_ORDER``, and the ``after`` of the next page (None on the last). The store finds
    and orders them; statuses are computed for the page's facts only."""
    day = as_of_day(as_of)
    process_id = store.process_id(process)
    rows = store.deadline_facts(process_id, day, party=party, issue=issue, since=since, until=until,
                                after=after, limit=limit + 1)  # fmt: skip
    shown = rows[:limit]
    place = {row["id"]: n for n, row in enumerate(shown)}  # the store's order, whatever its collation
    found = sorted(
        deadlines(_Day(store, day, settings, shown, process_id).views, day), key=lambda d: place[d["fact_id"]]
    )
    return found, deadline_key(shown[-1]) if len(rows) > limit else None


def deadline_count(
    store: Store,
    *,
    process: str | None = None,
    as_of: str | date | None = None,
    cap: int,
    **narrow: str | None,
) -> int:
    """How many deadlines ``deadlines_page`` lists (``narrow``: its party, issue, since, until),
    counted up to ``cap + 1``."""
    return store.deadline_count(store.process_id(process), as_of_day(as_of), cap=cap, **narrow)


def summary(store: Store, as_of: str | date | None = None) -> dict[str, Any]:
    """Every process in a line, for a board over all of them: its articles, parties and issues (most
    named first), how many facts of each kind were known on ``as_of`` and the latest report by then."""
    day = as_of_day(as_of)
    kinds: dict[int, dict[str, int]] = defaultdict(dict)
    latest: dict[int, str] = {}
    for row in store.fact_summaries(day):
        kinds[row["process_id"]][row["kind"]] = row["n"]
        latest[row["process_id"]] = max(latest.get(row["process_id"], ""), row["last_seen"])
    return {
        "as_of": day,
        "processes": [
            {"name": p["name"], "articles": p["articles"],
             "parties": sorted(p["parties"], key=lambda k: -p["parties"][k]),
             "issues": sorted(p["issues"], key=lambda k: -p["issues"][k]),
             "facts": {kind: kinds[p["id"]].get(kind, 0) for kind in RECORD_KINDS},
             "last_seen": min(latest[p["id"]], day) if p["id"] in latest else None}
            for p in store.processes()
        ],
    }  # fmt: skip


def fact_sources(
    store: Store,
    fact_id: int,
    as_of: str | date | None = None,
    after: list[Any] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """A fact (as of ``as_of``, default today) and the articles and sentences behind it: all of them,
    or ``limit`` from the position ``after`` (``SOURCE_ORDER``)."""
    row = store.fact(fact_id)
    day = as_of_day(as_of)
    rows = store.facts(row["process_id"], seen_by=day, fact_ids=[fact_id])
    views = _Day(store, day, None, rows, row["process_id"]).views
    return {
        "fact": views[0] if views else {**row, "status": "not yet reported"},
        "sources": store.fact_sources(fact_id, after=after, limit=limit),
    }


def conflicts(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stances of different parties on the same issue with opposite signs, red lines first.

    ``party``/``fact_id`` is the position crossed (a red line when there is one), ``against`` what
    crosses it: another party's proposal term or position.
    """
    stances = [
        v for v in views if (v["kind"], v["status"]) in (("positions", "current"), ("proposals", "open"))
    ]
    by_issue: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for stance in stances:
        by_issue[(stance["process"], stance["issue"])].append(stance)
    found = []
    for (process, issue), group in by_issue.items():
        for i, held in enumerate(group):
            for other in group[i + 1 :]:
                if held["party"] == other["party"] or held["polarity"] == other["polarity"]:
                    continue
                if held["kind"] == "positions" and other["kind"] == "positions":
                    crossed, crossing = (
                        (other, held) if other["red_line"] and not held["red_line"] else (held, other)
                    )
                elif held["kind"] == "positions":
                    crossed, crossing = held, other
                elif other["kind"] == "positions":
                    crossed, crossing = other, held
                else:
                    continue  # two proposals are alternatives, not a conflict
                found.append({
                    "process": process,
                    "issue": issue,
                    "party": crossed["party"],
                    "red_line": crossed["red_line"],
                    "fact_id": crossed["id"],
                    "text": crossed["text"],
                    "against": {"kind": crossing["kind"], "party": crossing["party"], "fact_id": crossing["id"],
                                "text": crossing["text"]},
                })  # fmt: skip
    found.sort(key=lambda c: (not c["red_line"], c["process"], c["issue"], c["party"], c["against"]["party"]))
    return found


def conditions(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each conditional commitment still standing: the issue it waits on, what meets it, what would."""
    by_id = {v["id"]: v for v in views}
    open_terms = [v for v in views if v["kind"] == "proposals" and v["status"] == "open"]
    out = []
    for commitment in views:
        if (
            commitment["kind"] != "commitments"
            or not commitment["conditional"]
            or not commitment["condition_issue"]
        ):
            continue
        if commitment["status"] in _ENDED:
            continue
        waits_on = commitment["condition_issue"]
        offered = [
            t for t in open_terms
            if t["process"] == commitment["process"] and t["issue"] == waits_on and t["party"] != commitment["party"]
        ]  # fmt: skip
        out.append({
            "process": commitment["process"],
            "commitment": commitment,
            "waits_on": waits_on,
            "met": bool(commitment["condition_met_by"]),
            "met_by": [by_id[i] for i in commitment["condition_met_by"]],
            "offered_by": offered,
        })  # fmt: skip
    return out


def deadlines(views: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    """Truce ends and ultimatums, dated where possible, as past, coming or undated relative to ``day``.

    A truce's ``date`` is the day it ends — the day after its last day (a 30-day truce agreed on
    18 March ends on 17 April); an ultimatum's is its last day.
    """
    out = []
    for view in views:
        if view["kind"] == "commitments" and view["end"]:
            ends, kind, when = _next_day(view["end"]), "truce end", f"{view['duration_days']} days"
            past = ends <= day
        elif view["kind"] == "threats" and (view["has_deadline"] or view["deadline"]):
            ends, kind, when = view["end"], "ultimatum", view["deadline"]
            past = bool(ends and ends < day)
        else:
            continue
        out.append({
            "process": view["process"],
            "kind": kind,
            "fact_id": view["id"],
            "party": view["party"],
            "issue": view["issue"],
            "date": ends,
            "precision": view["deadline_precision"] if kind == "ultimatum" else "day",
            "when": when,
            "text": view["text"],
            "status": view["status"],
            "state": "undated" if not ends else "past" if past else "coming",
            "days": _days(day, ends) if ends else None,
        })  # fmt: skip
    out.sort(key=lambda d: (d["date"] is None, d["date"] or "", d["process"], d["party"] or ""))
    return out


def _proposals(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open proposal terms grouped into one plan per process and proposer."""
    plans: dict[tuple[str, str], dict[str, Any]] = {}
    for term in views:
        if term["kind"] != "proposals" or term["status"] != "open":
            continue
        plan = plans.setdefault(
            (term["process"], term["party"]),
            {"process": term["process"], "proposer": term["party"], "first_seen": term["first_seen"],
             "last_seen": term["last_seen"], "terms": []},
        )  # fmt: skip
        plan["first_seen"] = min(plan["first_seen"], term["first_seen"])
        plan["last_seen"] = max(plan["last_seen"], term["last_seen"])
        plan["terms"].append(term)
    return list(plans.values())


def _parties(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each party's current positions, red lines apart."""
    parties: dict[tuple[str, str], dict[str, Any]] = {}
    for view in views:
        if view["kind"] != "positions":
            continue
        entry = parties.setdefault(
            (view["process"], view["party"]),
            {"process": view["process"], "party": view["party"], "positions": [], "red_lines": []},
        )
        entry["red_lines" if view["red_line"] else "positions"].append(view)
    return list(parties.values())


def board(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The state of a negotiation (or of all, without ``process``) on ``as_of`` (default today).

    Keys: ``as_of``, ``processes``, ``names`` (display name of every id), ``parties`` (positions
    and red lines per party), ``commitments`` (the party × issue matrix in long form, with status and
    condition), ``proposals`` (open plans and their terms), ``threats``, ``violations``, ``meetings``,
    ``conflicts``, ``conditions``, ``deadlines``. See ``docs/STORE.md`` for each item's fields.
    """
    state = _Day.load(store, process, as_of, settings, latest_meetings=True)
    views = state.views
    chosen = {v["process"] for v in views}
    processes = [p for p in store.processes(process_id=state.process_id) if p["name"] in chosen or process]
    registry = ActorRegistry.load()
    ids = {v["party"] for v in views if v["party"] and v["kind"] != "meetings"}
    ids |= {t for v in state.of("threats") for t in v["target"]}
    ids |= {p for v in state.of("meetings") for p in v["participants"]}
    ids |= {a for v in views for a in v["accounts"] if a != "reported"}
    return {
        "as_of": state.day,
        "processes": [
            {
                "name": p["name"],
                "articles": p["articles"],
                "parties": sorted(p["parties"], key=lambda k: -p["parties"][k]),
                "issues": sorted(p["issues"], key=lambda k: -p["issues"][k]),
            }
            for p in processes
        ],  # fmt: skip
        "names": {i: registry.name(i) for i in sorted(ids)},
        "parties": _parties(views),
        "commitments": state.of("commitments"),
        "proposals": _proposals(views),
        "threats": state.of("threats"),
        "violations": state.of("violations"),
        "meetings": state.of("meetings"),
        "conflicts": conflicts(views),
        "conditions": conditions(views),
        "deadlines": deadlines(views, state.day),
    }


_FIRST_EVENT = {
    "commitments": "commitment made",
    "proposals": "proposal made",
    "threats": "threat issued",
    "violations": "violation reported",
    "meetings": "meeting",
}


def timeline(
    store: Store,
    process: str | None = None,
    as_of: str | date | None = None,
    settings: Settings | None = None,
    period: tuple[str | None, str | None] | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Everything dated about the facts known on ``as_of``, oldest first; ``future`` marks what is
    still ahead of that day (a truce's end, a deadline, a scheduled meeting). With ``period``
    (since, until; either may be None), only the facts with something dated in it are read and
    only the events in it are kept; ``filters`` narrow the facts as ``Store.facts`` does."""
    state = _Day.load(store, process, as_of, settings, period=period, **filters)
    since, until = period or (None, None)
    out: list[dict[str, Any]] = []

    def add(day: str | None, event: str, view: dict[str, Any], text: str | None = None) -> None:
        if not day or (since is not None and day < since) or (until is not None and day > until):
            return
        party = view["party"]
        if view["kind"] == "meetings":  # a meeting's "party" is its place: name who met instead
            party = None
            text = f"{view['place']}: {', '.join(view['participants'])}" + (
                f" — {view['text']}" if view["text"] else ""
            )
        out.append({"date": day, "event": event, "future": day > state.day, "process": view["process"],
                    "kind": view["kind"], "fact_id": view["id"], "party": party, "issue": view["issue"],
                    "text": text or view["text"]})  # fmt: skip

    for view in state.views:
        if view["kind"] == "positions":
            for i, version in enumerate(view["versions"]):
                add(
                    version["valid_from"],
                    "position stated" if i == 0 else "position changed",
                    view,
                    version["text"],
                )
            continue
        add(view["start"] or view["first_seen"], _FIRST_EVENT[view["kind"]], view)
        if view["kind"] == "commitments" and view["end"]:
            add(_next_day(view["end"]), "truce ends", view)
        if view["kind"] == "threats" and view["end"]:
            add(view["end"], "deadline", view)
        for event, day in state.events[view["id"]].items():
            add(day, f"{view['kind'].rstrip('s')} {event}", view)
    out.sort(key=lambda e: (e["date"], e["process"], e["fact_id"]))
    return out
