"""What each page and API answer shows, built from ``parley.analysis`` and the Store's reads.

One function per view; the HTML page, its ``.json`` twin and the JSON API call the same one, so
they never disagree. Everything returned is plain JSON-ready data. Links into an article point at
``/articles/ID#span-START-END``: the sentence (statement) a record was read from, else the
record's first piece of evidence.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from parley import analysis
from parley.actors import ActorRegistry
from parley.errors import NotFoundError
from parley.records import ISSUES
from parley.settings import Settings
from parley.store import Store
from parley.store.db import (
    ARTICLE_ORDER,
    DEADLINE_ORDER,
    FACT_ORDER,
    SEARCH_ORDER,
    SOURCE_ORDER,
    STATEMENT_ORDER,
)
from parley.web.highlight import anchor
from parley.web.params import (
    ALL_DAYS,
    ANY_SCOPE,
    FIRST_PAGE,
    Page,
    Paging,
    Period,
    Scope,
    page_of,
    position_in,
)

#: Speaker colours on the article page: CSS classes ``speaker-0`` ... ``speaker-7``, reused in turn.
SPEAKER_COLOURS = 8

Row = dict[str, Any]


def names() -> ActorRegistry:
    """The actor registry (display names of ids); loaded once per process."""
    return ActorRegistry.load()


def article_link(article_id: int, span: tuple[int, int] | None = None) -> str:
    """The article page, at a span of its text when given."""
    return f"/articles/{article_id}" + (f"#{anchor(*span)}" if span else "")


def record_span(statement_span: tuple[int, int] | None, payload: Row | None) -> tuple[int, int] | None:
    """Where a record sits in its article's text: its statement's span, else its first evidence."""
    if statement_span and statement_span[1] > statement_span[0]:
        return statement_span
    for evidence in (payload or {}).get("evidence") or []:
        if len(evidence) == 2 and int(evidence[1]) > int(evidence[0]) >= 0:
            return int(evidence[0]), int(evidence[1])
    return None


def source_link(source: Row) -> str:
    """The article link of one of ``store.fact_sources`` rows, at its sentence."""
    statement = (source["span_start"], source["span_end"]) if source.get("statement_id") else None
    return article_link(source["article_id"], record_span(statement, source.get("payload")))


def fact_links(store: Store, fact_ids: list[int]) -> dict[int, str]:
    """For each fact, the sentence of its first source (where it was first reported)."""
    return {fact_id: source_link(source) for fact_id, source in store.first_sources(fact_ids).items()}


def latest_report(store: Store) -> str | None:
    """The day of the newest stored article (its publication date, else the day it came in)."""
    newest = store.articles(limit=1)
    return newest[0]["seen"] if newest else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# -- the board ----------------------------------------------------------------------------------


def board_data(store: Store, process: str | None, as_of: date | None, settings: Settings) -> Row:
    """The board page: ``analysis.board`` plus a parties × issues grid per process and source links;
    over all processes of a store holding many, ``analysis.summary`` (a line per process) instead."""
    process_names = store.process_names()
    common = {"latest_report": latest_report(store), "process": process, "process_names": process_names}
    if summarised(process, process_names, settings):
        found = analysis.summary(store, as_of)
        for line in found["processes"]:
            line["board"] = "/board?" + urlencode({"process": line["name"], "as_of": found["as_of"]})
        return {"board": None, "summary": found, "grids": [], "links": {}, **common}
    board = analysis.board(store, process=process, as_of=as_of, settings=settings)
    items = _board_items(board)
    return {
        "board": board,
        "summary": None,
        "grids": _grids(board, items),
        "links": fact_links(store, sorted({i["id"] for i in items} | {m["id"] for m in board["meetings"]})),
        **common,
    }


def summarised(process: str | None, process_names: list[str], settings: Settings) -> bool:
    """Whether the board is a line per process: over all processes, when there are more than
    ``serve.board_full_processes``."""
    return process is None and len(process_names) > settings.serve.board_full_processes


def api_board(store: Store, process: str | None, as_of: date | None, settings: Settings) -> Row:
    """``/api/board``: the board, or over all processes of a store holding many, the summary."""
    if summarised(process, store.process_names(), settings):
        return analysis.summary(store, as_of)
    return analysis.board(store, process=process, as_of=as_of, settings=settings)


def _board_items(board: Row) -> list[Row]:
    """Every fact the grid shows: positions, commitments, proposal terms, threats, violations."""
    items = [v for party in board["parties"] for v in party["red_lines"] + party["positions"]]
    items += board["commitments"]
    items += [term for plan in board["proposals"] for term in plan["terms"]]
    return items + board["threats"] + board["violations"]


def _grids(board: Row, items: list[Row]) -> list[Row]:
    """One parties × issues table per process; each cell lists its facts with what stands out."""
    conflict = {c["fact_id"] for c in board["conflicts"]} | {
        c["against"]["fact_id"] for c in board["conflicts"]
    }
    pending = {c["commitment"]["id"] for c in board["conditions"] if not c["met"]}
    running = {d["fact_id"] for d in board["deadlines"] if d["state"] == "coming"}
    tallies = {p["name"]: p["parties"] for p in board["processes"]}
    grids = []
    for name in sorted({i["process"] for i in items}):
        mine = [i for i in items if i["process"] == name]
        rank = {party: i for i, party in enumerate(tallies.get(name, []))}
        parties = sorted({i["party"] for i in mine}, key=lambda p: (rank.get(p, len(rank)), p))
        present = {i["issue"] for i in mine}
        issues = [i for i in ISSUES if i in present] + sorted(present - set(ISSUES) - {None}, key=str)
        rows = []
        for party in parties:
            cells = {issue: [] for issue in issues}
            for item in mine:
                if item["party"] == party and item["issue"] in cells:
                    flags = [flag for flag, ids in (("conflict", conflict), ("pending", pending), ("deadline", running))
                             if item["id"] in ids]  # fmt: skip
                    cells[item["issue"]].append({
                        "fact_id": item["id"], "kind": item["kind"], "text": item["text"], "status": item["status"],
                        "red_line": bool(item.get("red_line")), "condition_issue": item.get("condition_issue"),
                        "flags": flags,
                    })  # fmt: skip
            rows.append({"party": party, "name": names().name(party), "cells": cells})
        grids.append({"process": name, "issues": issues, "rows": rows})
    return grids


# -- articles and statements --------------------------------------------------------------------


def articles_list(
    store: Store,
    process: str | None = None,
    outlet: str | None = None,
    period: Period = ALL_DAYS,
    paging: Paging = FIRST_PAGE,
    *,
    count_cap: int = 10_000,
) -> Page:
    """A page of stored articles (no text), newest first, filtered by process, outlet and date seen."""
    filters = {
        "process_id": store.process_id(process),
        "outlet": outlet,
        "since": _iso(period.since),
        "until": _iso(period.until),
    }
    limit = paging.limit
    rows = store.articles(**filters, after=position_in(paging.cursor, ARTICLE_ORDER), limit=limit + 1)
    total = store.article_count(**filters, cap=count_cap)
    return Page(
        [
            {**row, "link": article_link(row["id"]), "api": f"/api/articles/{row['id']}"}
            for row in rows[:limit]
        ],
        [rows[limit - 1][k] for k in ARTICLE_ORDER] if len(rows) > limit else None,
        total=min(total, count_cap),
        total_capped=total > count_cap,
    )


def article_data(store: Store, article_id: int) -> Row:
    """An article with its text, statements and records, each with its span and link."""
    article = store.article(article_id)
    statements = store.statements(article_id)
    spans = {s["id"]: (s["span_start"], s["span_end"]) for s in statements}
    registry = names()
    speakers: list[str] = []
    for statement in statements:
        if statement["speaker"] not in speakers:
            speakers.append(statement["speaker"])
    out_statements = []
    for statement in statements:
        payload = statement["payload"] or {}
        span = spans[statement["id"]]
        out_statements.append({
            "id": statement["id"], "idx": statement["idx"], "speaker": statement["speaker"],
            "speaker_name": registry.name(statement["speaker"]), "party": statement["party"],
            "via": statement["via"], "direct": bool(statement["direct"]), "hedged": bool(statement["hedged"]),
            "span": list(span), "speaker_span": payload.get("speaker_span"), "cue_span": payload.get("cue_span"),
            "text": statement["text"], "colour": speakers.index(statement["speaker"]) % SPEAKER_COLOURS,
            "link": article_link(article_id, span),
        })  # fmt: skip
    records = []
    for record in store.records(article_id=article_id):
        span = record_span(spans.get(record["statement_id"]), record["payload"])
        records.append({
            "id": record["id"], "kind": record["kind"], "party": record["party"],
            "party_name": registry.name(record["party"]) if record["party"] else None, "issue": record["issue"],
            "text": record["text"], "statement_id": record["statement_id"], "fact_id": record["fact_id"],
            "date_start": record["date_start"], "date_end": record["date_end"],
            "evidence": record["payload"].get("evidence") or [], "span": list(span) if span else None,
            "link": article_link(article_id, span) if span else None, "record": record["payload"],
        })  # fmt: skip
    return {
        "article": article,
        "statements": out_statements,
        "records": records,
        "speakers": [
            {"id": s, "name": registry.name(s), "colour": i % SPEAKER_COLOURS} for i, s in enumerate(speakers)
        ],
    }


def statements_list(
    store: Store,
    article: int | None = None,
    speaker: str | None = None,
    party: str | None = None,
    period: Period = ALL_DAYS,
    paging: Paging = FIRST_PAGE,
    *,
    count_cap: int = 10_000,
    either: bool = False,
) -> Page:
    """A page of statements (reported speech), in article date order, filtered by article, speaker,
    party and date; ``either``: by the speaker or the party (what an actor said or was said for it).

    A statement's ``party`` is the one the extractor gave, else the one the actor registry knows
    its speaker acted for on the day (a minister speaks for their state): the database keeps the
    statements of the speakers who may act for the party, and this checks the day.
    """
    registry = names()
    if article is not None:
        store.article(article)  # NotFoundError for a bad id
    filters = {
        "article_id": article, "speaker": speaker, "party": party, "either": either,
        "acting_for_party": registry.acting_for(party) if party else (), "since": _iso(period.since),
        "until": _iso(period.until),
    }  # fmt: skip
    limit, after = paging.limit, position_in(paging.cursor, STATEMENT_ORDER)
    found: list[Row] = []
    while len(found) <= limit:
        rows = store.statement_page(**filters, after=after, limit=limit + 1)
        for row in rows:
            acts_for = row["party"] or registry.party_of(row["speaker"], row["seen"])
            if party is None or acts_for == party or (either and row["speaker"] == speaker):
                found.append(_statement(row, acts_for))
        if len(rows) <= limit:
            break
        after = [rows[-1][k] for k in STATEMENT_ORDER]
    total = store.statement_count(**filters, cap=count_cap)
    return Page(
        found[:limit],
        [found[limit - 1][k] for k in STATEMENT_ORDER] if len(found) > limit else None,
        total=min(total, count_cap),
        total_capped=total > count_cap,
    )


def _statement(row: Row, acts_for: str | None) -> Row:
    return {
        "id": row["id"], "article_id": row["article_id"], "idx": row["idx"], "speaker": row["speaker"],
        "speaker_name": names().name(row["speaker"]), "party": acts_for, "via": row["via"],
        "direct": bool(row["direct"]), "hedged": bool(row["hedged"]),
        "span": [row["span_start"], row["span_end"]], "text": row["text"], "seen": row["seen"],
        "link": article_link(row["article_id"], (row["span_start"], row["span_end"])),
    }  # fmt: skip


# -- facts --------------------------------------------------------------------------------------


def facts_list(
    store: Store,
    settings: Settings,
    scope: Scope = ANY_SCOPE,
    kinds: list[str] | None = None,
    status: str | None = None,
    period: Period = ALL_DAYS,
    paging: Paging = FIRST_PAGE,
    *,
    count_cap: int = 10_000,
) -> Page:
    """A page of facts as they stood on the scope's day, filtered; the period keeps those reported
    in it. With a ``status`` no total: it would mean reading every fact to know its status."""
    narrow = {"process": scope.process, "as_of": scope.as_of, "kinds": kinds, "party": scope.party,
              "issue": scope.issue, "since": _iso(period.since), "until": _iso(period.until)}  # fmt: skip
    views, after = analysis.facts_page(
        store,
        **narrow,
        status=status,
        after=position_in(paging.cursor, FACT_ORDER),
        limit=paging.limit,
        settings=settings,
    )
    items = [{**v, "link": f"/facts/{v['id']}"} for v in views]
    if status is not None:
        return Page(items, after)
    total = analysis.fact_count(store, **narrow, cap=count_cap)
    return Page(items, after, total=min(total, count_cap), total_capped=total > count_cap)


def fact_data(store: Store, fact_id: int, as_of: date | None, paging: Paging = FIRST_PAGE) -> Row:
    """A fact and its sources: outlets, named and anonymous speakers (counted in the database over all
    of them) and a page of the sentences (``sources``: a ``Page``), with links."""
    limit = paging.limit
    found = analysis.fact_sources(
        store, fact_id, as_of=as_of, after=position_in(paging.cursor, SOURCE_ORDER), limit=limit + 1
    )
    registry = names()
    sources = [
        {**s, "link": source_link(s), "speaker_name": registry.name(s["speaker"]) if s["speaker"] else None,
         "outlet_name": registry.name(s["outlet"]) if s["outlet"] else None}
        for s in found["sources"][:limit]
    ]  # fmt: skip
    tallies = store.fact_source_tallies(fact_id)
    speakers = {
        kind: [{"id": s["speaker"], "name": registry.name(s["speaker"]), "reports": s["reports"]}
               for s in tallies["speakers"] if s["source_type"] == kind]
        for kind in ("named", "anonymous")
    }  # fmt: skip
    more = len(found["sources"]) > limit
    return {
        "fact": found["fact"],
        "sources": Page(
            sources, [sources[-1][k] for k in SOURCE_ORDER] if more else None, total=tallies["sources"]
        ),
        "outlets": [
            {"id": o["outlet"], "name": registry.name(o["outlet"]), "reports": o["reports"]}
            for o in tallies["outlets"]
        ],  # fmt: skip
        "named_speakers": speakers["named"],
        "anonymous_speakers": speakers["anonymous"],
        "first_seen": tallies["first_seen"],
        "last_seen": tallies["last_seen"],
        "party_name": registry.name(found["fact"]["party"]) if found["fact"].get("party") else None,
    }


def conflicts_list(store: Store, settings: Settings, scope: Scope, paging: Paging = FIRST_PAGE) -> Page:
    """A page of the board's conflicts, of one party (either side) and/or issue, red lines first."""
    found = [
        c
        for c in analysis.conflicts_of(
            store, process=scope.process, as_of=scope.as_of, issue=scope.issue, settings=settings
        )
        if scope.party is None or scope.party in (c["party"], c["against"]["party"])
    ]
    return page_of(found, _conflict_position, paging.cursor, paging.limit)


def _conflict_position(c: Row) -> list[Any]:
    return [int(not c["red_line"]), c["process"], c["issue"] or "", c["party"] or "", c["against"]["party"] or "",
            c["fact_id"], c["against"]["fact_id"]]  # fmt: skip


def conditions_list(store: Store, settings: Settings, scope: Scope, paging: Paging = FIRST_PAGE) -> Page:
    """A page of the board's conditional commitments, of one party and/or waiting on one issue."""
    party, issue = scope.party, scope.issue
    found = [
        c
        for c in analysis.conditions_of(store, process=scope.process, as_of=scope.as_of, settings=settings)
        if (party is None or c["commitment"]["party"] == party) and (issue is None or c["waits_on"] == issue)
    ]
    return page_of(found, lambda c: [c["process"], c["commitment"]["id"]], paging.cursor, paging.limit)


def deadlines_list(
    store: Store,
    settings: Settings,
    scope: Scope,
    period: Period = ALL_DAYS,
    paging: Paging = FIRST_PAGE,
    *,
    count_cap: int = 10_000,
) -> Page:
    """A page of the board's deadlines (truce ends, ultimatums), filtered; the period on their date."""
    narrow = {"process": scope.process, "as_of": scope.as_of, "party": scope.party, "issue": scope.issue,
              "since": _iso(period.since), "until": _iso(period.until)}  # fmt: skip
    items, after = analysis.deadlines_page(
        store,
        **narrow,
        after=position_in(paging.cursor, DEADLINE_ORDER),
        limit=paging.limit,
        settings=settings,
    )
    total = analysis.deadline_count(store, **narrow, cap=count_cap)
    return Page(items, after, total=min(total, count_cap), total_capped=total > count_cap)


# -- timeline -----------------------------------------------------------------------------------


def timeline_data(
    store: Store,
    settings: Settings,
    scope: Scope = ANY_SCOPE,
    kind: str | None = None,
    period: Period = ALL_DAYS,
) -> Row:
    """Dated events (``analysis.timeline``) and the periods they span (truces and ultimatums), of the
    period ``since``–``until``; without either, of the ``serve.timeline_days`` days up to ``as_of``
    (fewer when more than ``serve.timeline_facts`` facts were made in them) and what is dated after
    it. Only the facts with something dated in the period are read."""
    process, party, issue = scope.process, scope.party, scope.issue
    since, until = period.since, period.until
    day = analysis.as_of_day(scope.as_of)
    first = _iso(since)
    if since is None and until is None:
        start = date.fromisoformat(day)
        # an as-of near year 1 has fewer days before it than the window: the window starts at the first
        first = (start - min(timedelta(days=settings.serve.timeline_days), start - date.min)).isoformat()
        busy = store.recent_day(day, settings.serve.timeline_facts, store.process_id(process))
        first = max(first, busy or first)
    period = (first, _iso(until))
    narrow = {"party": party, "issue": issue, "period": period}

    def wanted(item: Row) -> bool:
        return (
            (party is None or item["party"] == party)
            and (kind is None or item["kind"] == kind)
            and (issue is None or item["issue"] == issue)
        )

    events = [
        {
            **e,
            "link": f"/facts/{e['fact_id']}",
            "party_name": names().name(e["party"]) if e["party"] else None,
        }
        for e in analysis.timeline(
            store, process=process, as_of=day, settings=settings, kinds=[kind] if kind else None, **narrow
        )
        if wanted(e)
    ]
    ranges = []
    periods = analysis.facts(
        store,
        process=process,
        as_of=day,
        kinds=["commitments", "threats"],
        settings=settings,
        dated=True,
        **narrow,
    )
    for view in periods:
        if not view["end"] or not wanted(view):
            continue
        begin = view["start"] or view["first_seen"]
        if view["kind"] == "commitments":
            what = "truce" if view["duration_days"] else "commitment period"
        else:
            what, begin = "ultimatum", min(view["first_seen"], view["end"])
        if not (
            (period[1] is None or begin <= period[1]) and (period[0] is None or view["end"] >= period[0])
        ):
            continue
        ranges.append({
            "kind": view["kind"], "range": what, "start": begin, "end": view["end"], "fact_id": view["id"],
            "party": view["party"], "party_name": names().name(view["party"]) if view["party"] else None,
            "issue": view["issue"], "text": view["text"], "status": view["status"], "link": f"/facts/{view['id']}",
        })  # fmt: skip
    return {
        "as_of": day, "process": process, "party": party, "kind": kind, "issue": issue,
        "since": period[0], "until": period[1], "events": events, "ranges": ranges,
    }  # fmt: skip


def event_position(event: Row) -> list[Any]:
    """Where a timeline event sits in its list (date, process, fact, event)."""
    return [event["date"], event["process"], event["fact_id"], event["event"]]


# -- actors -------------------------------------------------------------------------------------


def actor_tallies(store: Store, as_of: date | None = None) -> tuple[Counter[str], Counter[str]]:
    """How many facts (first seen by ``as_of``) and statements name each actor: a statement counts
    for its speaker and for the party the speaker acts for. Grouped in the database from indexes:
    one row per speaker and party, not per statement."""
    registry = names()
    facts: Counter[str] = Counter({r["party"]: r["n"] for r in store.fact_tallies(analysis.as_of_day(as_of))})
    said: Counter[str] = Counter()
    for row in store.statement_tallies(registry.changes_sides()):
        said[row["speaker"]] += row["n"]
        acts_for = row["party"] or registry.party_of(row["speaker"], row["seen"])
        if acts_for and acts_for != row["speaker"]:
            said[acts_for] += row["n"]
    return facts, said


def actor_index(
    tallies: tuple[Counter[str], Counter[str]], q: str | None = None, paging: Paging = FIRST_PAGE
) -> Page:
    """A page of the actors of ``actor_tallies`` (a fact's party, a statement's speaker or party),
    most active first; ``q`` keeps those whose id or name contains it (any case)."""
    registry = names()
    facts, said = tallies
    wanted = q.casefold() if q else None
    out = []
    for actor_id in set(facts) | set(said):
        name = registry.name(actor_id)
        if wanted and wanted not in actor_id.casefold() and wanted not in name.casefold():
            continue
        actor = registry.get(actor_id)
        out.append({
            "id": actor_id, "name": name, "kind": actor.kind if actor else _kind_of(actor_id),
            "facts": facts[actor_id], "statements": said[actor_id], "link": f"/actors/{actor_id}",
        })  # fmt: skip
    return page_of(out, _actor_position, paging.cursor, paging.limit)


def _actor_position(actor: Row) -> list[Any]:
    return [-(actor["facts"] + actor["statements"]), actor["name"].casefold(), actor["id"]]


def _kind_of(actor_id: str) -> str:
    """The kind of an id the registry does not hold, from its prefix."""
    if actor_id == "anon" or actor_id.startswith("anon:"):
        return "anonymous"
    return actor_id.split(":", 1)[0] if ":" in actor_id else "unknown"


def actor_data(
    store: Store, actor_id: str, settings: Settings, as_of: date | None = None, paging: Paging = FIRST_PAGE
) -> Row:
    """What an actor said (a page of the statements it made, or made on its behalf) and the facts
    about it, over time: the newest ``serve.actor_facts`` of those whose party it is and of those
    its newest statements support (``facts_total``: how many are its own; ``facts_link``: all of
    them, a page at a time)."""
    registry = names()
    actor = registry.get(actor_id)
    said = statements_list(store, speaker=actor_id, party=actor_id, paging=paging, either=True)
    day = analysis.as_of_day(as_of)
    shown = settings.serve.actor_facts
    rows = store.recent_facts(actor_id, day, shown)
    known = {r["id"] for r in rows}
    extra = [i for i in store.facts_said_by(actor_id, day, shown) if i not in known]
    for start in range(0, len(extra), 500):
        rows += store.facts(seen_by=day, fact_ids=extra[start : start + 500])
    rows = sorted(rows, key=lambda f: (f["first_seen"], f["id"]))[-shown:]
    facts = [{**v, "link": f"/facts/{v['id']}"} for v in analysis.views(store, day, rows, settings)]
    own = store.fact_count(seen_by=day, party=actor_id, cap=settings.serve.count_cap)
    if actor is None and not said.items and not facts and paging.cursor is None:
        raise NotFoundError(f"no actor {actor_id!r} in the registry or the store")
    roles = [
        {"title": r.title, "party": r.party, "party_name": registry.name(r.party),
         "start": r.start.isoformat() if r.start else None, "end": r.end.isoformat() if r.end else None}
        for r in (actor.roles if actor else ())
    ]  # fmt: skip
    party = registry.party_of(actor_id)
    return {
        "actor": {
            "id": actor_id,
            "name": registry.name(actor_id),
            "kind": actor.kind if actor else _kind_of(actor_id),
            "known": actor is not None,
            "party": party,
            "party_name": registry.name(party) if party else None,
            "roles": roles,
            "aliases": list(actor.aliases) if actor else [],
        },  # fmt: skip
        "statements": said,
        "facts": facts,
        "facts_total": min(own, settings.serve.count_cap),
        "facts_total_capped": own > settings.serve.count_cap,
        "facts_link": "/api/facts?" + urlencode({"party": actor_id, "as_of": day}),
        "commitments": [f for f in facts if f["kind"] == "commitments"],
    }


# -- search -------------------------------------------------------------------------------------


def search_hits(store: Store, query: str, paging: Paging = FIRST_PAGE, *, count_cap: int = 10_000) -> Page:
    """A page of full-text hits over articles and statements, best first, each with its link and
    snippet parts."""
    if not query.strip():
        return Page([], None, total=0)
    limit = paging.limit
    found = store.search(query, limit=limit + 1, after=position_in(paging.cursor, SEARCH_ORDER))
    hits = []
    for hit in found[:limit]:
        span = (hit["span_start"], hit["span_end"]) if hit.get("statement_id") else None
        hits.append({
            **hit, "link": article_link(hit["article_id"], span), "parts": snippet_parts(hit["snippet"] or ""),
            "speaker_name": names().name(hit["speaker"]) if hit.get("speaker") else None,
        })  # fmt: skip
    total = store.search_count(query, count_cap)
    return Page(
        hits,
        [hits[-1][k] for k in SEARCH_ORDER] if len(found) > limit else None,
        total=min(total, count_cap),
        total_capped=total > count_cap,
    )


def snippet_parts(snippet: str) -> list[Row]:
    """A search snippet split into text and «matched» parts, for escaping piece by piece."""
    parts = []
    rest = snippet
    while "«" in rest:
        before, _, after = rest.partition("«")
        match, closed, rest = after.partition("»")
        if before:
            parts.append({"text": before, "match": False})
        parts.append({"text": match, "match": True})
        if not closed:
            rest = ""
    if rest:
        parts.append({"text": rest, "match": False})
    return parts


def processes_list(store: Store, paging: Paging = FIRST_PAGE) -> Page:
    """A page of the negotiation processes with their parties and issues (most named first) and
    article counts."""
    found = [
        {**p, "parties": sorted(p["parties"], key=lambda k: -p["parties"][k]),
         "issues": sorted(p["issues"], key=lambda k: -p["issues"][k]), "tallies": {"parties": p["parties"],
         "issues": p["issues"]}, "board": "/board?" + urlencode({"process": p["name"]})}
        for p in store.processes()
    ]  # fmt: skip
    return page_of(found, lambda p: [p["id"]], paging.cursor, paging.limit)
