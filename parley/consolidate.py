"""Records → facts: what many articles say about one negotiation, merged and followed through time.

Each stored article belongs to a negotiation *process* (chosen by the parties its records name,
or given with ``--process``). Within a process, records with the spec's key — (party, issue) for
commitments and positions, (proposer, issue) for proposals, (actor, issue) for threats, (accused,
issue) for violations, (place, month-day) for meetings — merge into one *fact* that keeps every
supporting record as a source: the article, the statement, the speaker, the outlet.

``merge_article`` is called by ``parley.flow.commit`` inside the article's transaction, so facts
are always up to date and the board only reads them; it reads the facts an article touches in one
query and writes them back in a few, whatever the number of records. The merge is incremental and keeps what
later reading needs: first/last seen, corroboration counts, each party's own account, a
commitment's period, a threat's deadline, a position's versions (a new version when the party
states the opposite stance). Status changes that happen by themselves (a truce running out, a
deadline passing) are not stored but computed for a date by ``parley.analysis``; changes reported
in the news (withdrawn, carried out) are stored as dated events.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from parley import dates
from parley.actors import ActorRegistry
from parley.settings import DATA_DIR
from parley.store import Store

#: The record field naming each kind's actor: the first half of the spec's merge key.
ACTOR_FIELD: dict[str, str] = {
    "commitments": "party",
    "proposals": "proposer",
    "positions": "party",
    "threats": "actor",
    "violations": "accused",
    "meetings": "place",
}
#: Record fields naming the parties a negotiation is between (they decide a new process's name
#: and weigh twice when matching an article to a process) and those naming others involved.
_PRINCIPAL_FIELDS = {"commitments": ("party",), "positions": ("party",), "violations": ("accused",),
                     "threats": ("target",)}  # fmt: skip
_OTHER_FIELDS = {"proposals": ("proposer",), "threats": ("actor",), "violations": ("accuser",),
                 "meetings": ("participants",)}  # fmt: skip


@lru_cache(maxsize=1)
def cues() -> dict[str, re.Pattern[str]]:
    """The phrase lists of ``data/facts.yaml`` as case-insensitive whole-word patterns."""
    raw = yaml.safe_load((DATA_DIR / "facts.yaml").read_text(encoding="utf-8"))
    return {name: _phrases(words) for name, words in raw.items()}


def _phrases(words: list[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        before = r"(?<!\w)" if word[:1].isalnum() else ""
        parts.append(f"{before}{re.escape(word)}(?!\\w)")
    return re.compile("|".join(parts), re.IGNORECASE)


def has_cue(name: str, text: str | None) -> bool:
    """Whether ``text`` contains a phrase of the cue list ``name`` of ``data/facts.yaml``."""
    return bool(text) and cues()[name].search(text.replace("\u2019", "'")) is not None  # type: ignore[union-attr]


def polarity(text: str | None) -> int:
    """+1 for an accepting stance, -1 for a refusal ("will not recognise", "rejects")."""
    return -1 if has_cue("negative", text) else 1


def record_actor(kind: str, record: dict[str, Any]) -> str | None:
    """The actor a record is about (its party, proposer, actor, accused; a meeting's place)."""
    return record.get(ACTOR_FIELD[kind])


def fact_key(kind: str, record: dict[str, Any], start: str | None = None) -> str:
    """The merge key of a record within its process, as text ("RUS|maritime", "paris|04-17")."""
    if kind == "meetings":
        place = (record.get("place") or "unknown").strip().lower()
        when = record.get("date") or start or ""
        month_day = when[-5:] if re.fullmatch(r"(\d{4}|-)-\d{2}-\d{2}", when) else "undated"
        return f"{place}|{month_day}"
    return f"{record_actor(kind, record)}|{record.get('issue')}"


# -- dates --------------------------------------------------------------------------------------


_Row = dict[str, Any]


@dataclass(frozen=True)
class RecordDates:
    """When a record's event happens: ``start``, ``end`` (a period's last day, a deadline) and how
    precisely (a ``parley.dates`` precision, or ``"published"`` when only the article's date is known)."""

    start: str | None
    end: str | None
    precision: str | None


def _known(expression: str | None, reference: date | None, *, future: bool = False) -> dates.DateValue | None:
    if not expression:
        return None
    value = dates.resolve(expression, reference, future=future)
    return value if value.start is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def record_dates(kind: str, record: dict[str, Any], published: str | None) -> RecordDates:
    """Resolve a record's time expressions against the article's publication date.

    The record's ``when`` gives its start (else the publication date); a commitment's
    ``duration_days`` gives its last day; a threat's ``deadline`` ("in a few days") is resolved from
    the day the threat was made; a meeting's ``date`` may lack its year ("--04-17").
    """
    pub = dates.parse_iso(published)
    value = _known(record.get("when"), pub)
    if kind == "meetings" and record.get("date"):
        value = _meeting_day(record["date"], pub) or value
    start, precision = (value.start, value.precision) if value else (pub, "published" if pub else None)
    end = None
    if kind == "commitments" and record.get("duration_days") and start:
        end = dates.end_of(start, int(record["duration_days"]))
    elif kind == "threats":
        deadline = resolve_deadline(record, start)
        end = deadline.end if deadline else None
    elif value and value.end != value.start:
        end = value.end
    return RecordDates(_iso(start), _iso(end), precision)


def deadline_expression(threat: dict[str, Any]) -> str | None:
    """A threat's deadline as written: its ``deadline``, else the first time expression of its text
    when it is known to have one ("quit the talks in a few days" → "in a few days")."""
    if threat.get("deadline"):
        return threat["deadline"]
    if threat.get("has_deadline"):
        found = dates.find_expressions(threat.get("text") or "")
        return found[0][2] if found else None
    return None


def resolve_deadline(threat: dict[str, Any], made: date | str | None) -> dates.DateValue | None:
    """A threat's deadline resolved from the day it was made, if it has one that can be dated."""
    return _known(deadline_expression(threat), dates.parse_iso(made), future=True)


def _meeting_day(text: str, published: date | None) -> dates.DateValue | None:
    match = re.fullmatch(r"--(\d{2})-(\d{2})", text)
    if match:  # the year is unknown: the occurrence of that day nearest the publication date
        return _known(f"{calendar.month_name[int(match[1])]} {int(match[2])}", published)
    day = dates.parse_iso(text)
    return dates.DateValue(day, day, "day", text) if day else None


# -- processes ----------------------------------------------------------------------------------


def _party_tally(records: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """(all parties weighted, principal parties) named by an article's records."""
    weighted: Counter[str] = Counter()
    principal: Counter[str] = Counter()
    for record in records:
        kind, payload = record["kind"], record["payload"]
        for fields, weight in ((_PRINCIPAL_FIELDS, 2), (_OTHER_FIELDS, 1)):
            for name in fields.get(kind, ()):
                value = payload.get(name)
                for party in value if isinstance(value, list) else [value]:
                    if party:
                        weighted[party] += weight
                        if weight == 2:
                            principal[party] += 1
    return weighted, principal


def _issue_tally(records: list[dict[str, Any]]) -> Counter[str]:
    """The issues an article's records name, with how many name each."""
    return Counter(r["issue"] for r in records if r["issue"])


def _matching_process(processes: list[dict[str, Any]], parties: Counter[str], issues: set[str]) -> int | None:
    """The process sharing the most parties with the article (at least two, or its only one); on a
    tie, the one sharing more of its issues, then the one where those parties weigh most."""
    best, best_score = None, (0, 0, 0)
    needed = min(2, len(parties))
    for process in processes:
        shared = parties.keys() & process["parties"].keys()
        if len(shared) < needed:
            continue
        score = (
            sum(parties[p] for p in shared),
            len(issues & process["issues"].keys()),
            sum(process["parties"][p] for p in shared),
        )
        if score > best_score:
            best, best_score = process["id"], score
    return best


def parties_named(records: list[dict[str, Any]]) -> list[str]:
    """The parties an article's records name (as ``Store.records`` gives them, or kind and payload
    only): what ``Store.processes_sharing`` finds its candidate processes by."""
    return sorted(_party_tally(records)[0])


def _new_process_name(weighted: Counter[str], principal: Counter[str], taken: Callable[[str], bool]) -> str:
    """A new process's name, "RUS-UKR": the two parties most named as principals (else at all),
    sorted; with a number after it when ``taken`` says a process has that name."""
    ranked = principal or weighted
    top = sorted(sorted(ranked), key=lambda p: -ranked[p])[:2]
    name = "-".join(sorted(top))
    suffix = 2
    while taken(name):
        name = f"{'-'.join(sorted(top))}-{suffix}"
        suffix += 1
    return name


def choose_process(
    store: Store,
    article: dict[str, Any],
    records: list[dict[str, Any]],
    name: str | None,
    processes: list[dict[str, Any]] | None = None,
) -> tuple[int, str] | None:
    """The process for an article, as (id, name): the one named, else the one whose parties it
    shares (among ``processes``, default: ``Store.processes_sharing`` its parties), else a new one;
    an article already assigned keeps its process, and one with no records has none."""
    if article["process_id"] is not None and not name:
        return article["process_id"], article["process"]
    if name:
        return store.add_process(name), name
    weighted, principal = _party_tally(records)
    if not weighted:
        return None
    issues = set(_issue_tally(records))
    matching = _matching_process(processes, weighted, issues) if processes is not None else None
    if matching is None:
        # Read (or read again: a concurrent commit may have created the process since, the first
        # articles of a negotiation committed side by side) while no other transaction can create one.
        store.lock_process_creation()
        processes = store.processes_sharing(list(weighted))
        matching = _matching_process(processes, weighted, issues)
    if matching is not None:
        return matching, next(p["name"] for p in processes if p["id"] == matching)
    name = _new_process_name(weighted, principal, lambda name: store.process_by_name(name) is not None)
    return store.add_process(name), name


def _join_process(
    store: Store, article: dict[str, Any], records: list[dict[str, Any]], process: dict[str, Any]
) -> None:
    """Put an article in a process (its row as locked by ``Store.lock_for_merge``) and add the
    article's parties and issues to the process's tallies, so that later articles find it."""
    weighted, _ = _party_tally(records)
    store.join_process(
        article["id"],
        process["id"],
        dict(Counter(process["parties"]) + weighted),
        dict(Counter(process["issues"]) + _issue_tally(records)),
        leaving=article["process_id"],
        joining=sorted(weighted.keys() - process["parties"].keys()),
    )


def withdraw_article(store: Store, article_id: int) -> None:
    """Take a stored article's parties and issues out of its process's tallies, before the article
    is deleted (``parley.flow.delete_article``), so later articles find processes as if it had never
    been read."""
    article = store.article(article_id)
    if article["process_id"] is None:
        return
    records = store.records(article_id=article_id)
    weighted, _ = _party_tally(records)
    process = store.process(article["process_id"])
    store.update_process(
        process["id"],
        dict(Counter(process["parties"]) - weighted),
        dict(Counter(process["issues"]) - _issue_tally(records)),
    )


# -- merging records into facts -----------------------------------------------------------------


def _source(
    article: dict[str, Any], statement: dict[str, Any] | None, registry: ActorRegistry
) -> dict[str, Any]:
    """Who said it (speaker; named, anonymous or the outlet itself), whose account, which outlet."""
    speaker = statement["speaker"] if statement else None
    via = statement["via"] if statement else []
    if speaker is None or speaker.startswith("outlet:"):
        source_type = "outlet"
    elif speaker == "anon" or speaker.startswith("anon:"):
        source_type = "anonymous"
    else:
        source_type = "named"
    outlet = article["outlet"] or (via[0] if via else None)
    if outlet is None and source_type == "outlet":
        outlet = speaker
    account = (statement or {}).get("party") or (
        registry.party_of(speaker, article["seen"]) if speaker else None
    )
    return {"speaker": speaker, "source_type": source_type, "outlet": outlet, "account_party": account}


@dataclass(frozen=True)
class Merged:
    """What merging an article's records did: the name of its process (None: it has none), and
    how many records were merged into facts."""

    process: str | None
    records: int


def apply_article(
    store: Store, article_id: int, process: str | None = None, registry: ActorRegistry | None = None
) -> int:
    """Merge one stored article's records, read back from the store, into its process's facts;
    return the number merged (``merge_article`` with the rows at hand)."""
    return merge_article(
        store,
        store.article(article_id),
        store.records(article_id=article_id),
        {s["id"]: s for s in store.statements(article_id)},
        process=process,
        registry=registry,
    ).records


def merge_article(
    store: Store,
    article: dict[str, Any],
    records: list[dict[str, Any]],
    statements: dict[int, dict[str, Any]],
    process: str | None = None,
    registry: ActorRegistry | None = None,
    processes: list[dict[str, Any]] | None = None,
) -> Merged:
    """Merge a stored article's records into its process's facts; return its process and how many
    records were merged.

    ``article`` is its row (id, text, seen, outlet, duplicate_of, process_id and process), ``records`` its
    stored records (as ``Store.records`` gives them), ``statements`` its statements by id (speaker,
    via, party). ``processes``: the processes its parties could place it in, when already read
    (``Store.prepare_article``; see ``choose_process``).
    Call it inside the transaction that stored the article (``parley.flow.commit`` does).
    """
    joining = article["process_id"] is None or bool(process)
    chosen = choose_process(store, article, records, process, processes)
    if chosen is None:
        return Merged(None, 0)
    process_id, name = chosen
    registry = registry or ActorRegistry.load()
    merging = [
        (article, record, _source(article, statements.get(record["statement_id"]), registry))
        for record in records
        # a record about nobody in particular has no key to merge on; it stays a record
        if record["party"] is not None or record["kind"] == "meetings"
    ]
    locked = _merge_all(store, process_id, merging, lock_process=joining)
    if locked is not None:
        _join_process(store, article, records, locked)
    return Merged(name, len(merging))


def rebuild(store: Store, process: str | None = None) -> int:
    """Recompute the facts (of one process, or all) from the stored records, in date order."""
    with store.transaction():
        process_id = None
        if process is not None:
            found = store.process_by_name(process)
            if found is None:
                return 0
            process_id = found["id"]
        store.clear_facts(process_id)
        registry = ActorRegistry.load()
        return sum(apply_article(store, a, registry=registry) for a in store.article_ids(process_id))


def rebuild_facts(store: Store, fact_ids: list[int], registry: ActorRegistry | None = None) -> int:
    """Recompute some facts from the records still linked to them, in date order, as ``rebuild``
    would (after an article is deleted: ``parley.flow.delete_article``); each keeps its id.

    Every fact given must still have a record. Return the number of records merged.
    """
    if not fact_ids:
        return 0
    registry = registry or ActorRegistry.load()
    articles: dict[int, dict[str, Any]] = {}
    statements: dict[int, dict[str, Any]] = {}
    merged = 0
    for fact_id in fact_ids:
        process_id = store.fact(fact_id)["process_id"]
        records = store.records(fact_id=fact_id)
        for article_id in {r["article_id"] for r in records} - articles.keys():
            articles[article_id] = store.article(article_id)
            statements |= {s["id"]: s for s in store.statements(article_id)}
        records.sort(key=lambda r: (articles[r["article_id"]]["seen"], r["article_id"], r["idx"]))
        store.reset_fact(fact_id, **_new_fact(records[0], articles[records[0]["article_id"]]["seen"]))
        merging = []
        for record in records:
            article = articles[record["article_id"]]
            merging.append(
                (article, record, _source(article, statements.get(record["statement_id"]), registry))
            )
        _merge_all(store, process_id, merging)
        merged += len(merging)
    return merged


def _new_fact(record: dict[str, Any], seen: str) -> dict[str, Any]:
    """The columns of a fact whose first record is ``record``, seen on ``seen``."""
    return {"party": record["party"], "issue": record["issue"], "text": record["text"], "first_seen": seen,
            "last_seen": seen, "payload": {}}  # fmt: skip


#: What makes a source new to a fact (its counts grow): another article, story, outlet, named speaker.
_NEW_TO_FACT = ("article_id", "story_id", "outlet", "speaker")


def _merge_all(
    store: Store, process_id: int, merging: list[tuple[_Row, _Row, _Row]], lock_process: bool = False
) -> _Row | None:
    """Merge (article, record, source) triples, in order, into the facts of a process; with
    ``lock_process``, also lock and return the process row (to update its tallies).

    The facts are read (created where missing, and locked) in one go, merged in memory record by
    record exactly as one at a time would, and written back in one go: a few statements per
    article however many records it has, and one wait for the database.
    """
    keys = [(record["kind"], fact_key(record["kind"], record["payload"], record["date_start"]))
            for _, record, _ in merging]  # fmt: skip
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    for key, (article, record, _) in zip(keys, merging, strict=True):
        firsts.setdefault(key, _new_fact(record, article["seen"]))
    values = [_source_values(article, source) for article, _, source in merging]
    # Which values the facts' stored sources already have. Not the merging article's own id (as
    # article or story): its records are merged once and together, so no stored source has it.
    checks = sorted({(*key, column, value) for key, found, (article, _, _) in zip(keys, values, merging, strict=True)
                     for column, value in found.items()
                     if column in ("outlet", "speaker") or value != article["id"]}, key=repr)  # fmt: skip
    locked = store.lock_for_merge(process_id, firsts, checks, process=lock_process)
    facts = locked["facts"]
    known = {(facts[kind, key]["id"], column, value)
             for (kind, key, column, value), hit in zip(checks, locked["known"], strict=True) if hit}  # fmt: skip
    sources, record_facts, events = [], [], []
    changed: dict[int, _Row] = {}  # the facts merged into, by id, as merged
    columns: set[str] = set()  # the columns that changed in any of them
    for key, found, (article, record, source) in zip(keys, values, merging, strict=True):
        fact = facts[key]
        new = {c: c in found and (fact["id"], c, found[c]) not in known for c in _NEW_TO_FACT}
        known |= {(fact["id"], c, v) for c, v in found.items()}
        sources.append({"fact_id": fact["id"], "record_id": record["id"], "article_id": article["id"],
                        "story_id": found["story_id"], "statement_id": record["statement_id"],
                        "seen": article["seen"], "text": record["text"], **source})  # fmt: skip
        record_facts.append((record["id"], fact["id"]))
        updates = _merged(fact, article, record, source, new)
        fact.update(updates)
        changed[fact["id"]] = fact
        columns |= updates.keys()
        events += _events(fact["id"], record, article["text"], article["seen"])
    store.add_fact_sources(sources)
    store.set_record_facts(record_facts)
    # Every fact with the same columns: one statement, however many facts and however they changed.
    names = sorted(columns)
    store.update_facts([(fact_id, {c: fact[c] for c in names}) for fact_id, fact in changed.items()])
    store.add_fact_events(events)
    return locked["process"]


def _source_values(article: _Row, source: _Row) -> dict[str, Any]:
    """The source's values that may be new to a fact (a speaker only when named), none of them None."""
    values = {
        "article_id": article["id"],
        "story_id": article["duplicate_of"] or article["id"],
        "outlet": source["outlet"],
        "speaker": source["speaker"] if source["source_type"] == "named" else None,
    }
    return {c: v for c, v in values.items() if v is not None}


def _merged(fact: _Row, article: _Row, record: _Row, source: _Row, new: dict[str, bool]) -> _Row:
    """The fact's columns that change when ``record`` (from ``article``, said by ``source``) joins it;
    ``new`` tells which of its source values no earlier source of the fact had."""
    kind, seen = record["kind"], article["seen"]
    latest = seen >= fact["last_seen"]
    payload = fact["payload"]
    account = source["account_party"] or "reported"
    if latest or account not in payload.get("accounts", {}):
        payload.setdefault("accounts", {})[account] = {
            "text": record["text"],
            "seen": seen,
            "article_id": article["id"],
        }
    updates: dict[str, Any] = {
        "first_seen": min(seen, fact["first_seen"]),
        "last_seen": max(seen, fact["last_seen"]),
        "reports": fact["reports"] + 1,
        "articles": fact["articles"] + new["article_id"],
        "stories": fact["stories"] + new["story_id"],
        "outlets": fact["outlets"] + new["outlet"],
        "named_sources": fact["named_sources"] + new["speaker"],
        "anonymous_sources": fact["anonymous_sources"] + int(source["source_type"] == "anonymous"),
        "date_start": _earliest(fact["date_start"], record["date_start"]),
    }
    if latest or not fact["text"]:
        updates["text"] = record["text"]
    if updates["date_start"] != fact["date_start"] or latest:
        updates["date_precision"] = record["date_precision"] or fact["date_precision"]
    updates |= _MERGE_KIND[kind](record, payload, latest, updates)
    updates["payload"] = payload
    return updates


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(x for x in (a, b) if x) if (a or b) else None


def _merge_commitment(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    raw = record["payload"]
    out: dict[str, Any] = {}
    if latest or "conditional" not in payload:
        out = {"conditional": bool(raw.get("conditional")), "condition_issue": raw.get("condition_issue")}
        payload["conditional"] = out["conditional"]
        payload["negated"] = bool(raw.get("negated"))
    if raw.get("duration_days") and (latest or not payload.get("duration_days")):
        payload["duration_days"] = int(raw["duration_days"])
    start = dates.parse_iso(updates["date_start"])
    if start and payload.get("duration_days"):
        out["date_end"] = dates.end_of(start, payload["duration_days"]).isoformat()
    return out


def _merge_threat(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    raw = record["payload"]
    payload["target"] = sorted(set(payload.get("target", [])) | set(raw.get("target") or []))
    payload["has_deadline"] = payload.get("has_deadline", False) or bool(raw.get("has_deadline"))
    deadline = deadline_expression(raw)
    if deadline and (latest or not payload.get("deadline")):
        resolved = resolve_deadline(raw, record["date_start"])
        payload["deadline"] = deadline
        payload["deadline_precision"] = resolved.precision if resolved else None
        return {"date_end": record["date_end"]}
    return {}


def _merge_violation(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    raw = record["payload"]
    payload["accusers"] = sorted(
        set(payload.get("accusers", [])) | ({raw["accuser"]} if raw.get("accuser") else set())
    )
    return {}


def _merge_meeting(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    raw = record["payload"]
    payload["participants"] = sorted(
        set(payload.get("participants", [])) | set(raw.get("participants") or [])
    )
    payload.setdefault("place", raw.get("place"))
    return {}


def _merge_position(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    """Keep the position's versions: a report with the same stance (accepting or refusing)
    corroborates the version in force on its day — and makes it a red line if it calls it one —
    while the opposite stance starts a new version."""
    raw = record["payload"]
    day = record["date_start"] or updates["last_seen"]
    stance = {"red_line": bool(raw.get("red_line")), "polarity": polarity(raw.get("text"))}
    versions: list[dict[str, Any]] = payload.setdefault("versions", [])
    before = [v for v in versions if v["valid_from"] <= day]

    current = before[-1] if before else (versions[0] if versions else None)
    if current is not None and current["polarity"] == stance["polarity"]:
        current["red_line"] = current["red_line"] or stance["red_line"]
        current["valid_from"] = min(current["valid_from"], day)
        current["last_seen"] = max(current["last_seen"], day)
        current["reports"] += 1
    else:
        following = [v for v in versions if v["valid_from"] > day]
        new = {"text": raw.get("text"), **stance, "valid_from": day, "last_seen": day, "reports": 1,
               "valid_until": following[0]["valid_from"] if following else None}  # fmt: skip
        if before:
            before[-1]["valid_until"] = day
        versions.append(new)
        versions.sort(key=lambda v: v["valid_from"])
    newest = versions[-1]
    return {"red_line": newest["red_line"], "text": newest["text"]}


def _merge_proposal(record: _Row, payload: _Row, latest: bool, updates: _Row) -> _Row:
    if latest or "polarity" not in payload:
        payload["polarity"] = polarity(record["text"])
    return {}


_MERGE_KIND = {
    "commitments": _merge_commitment,
    "proposals": _merge_proposal,
    "positions": _merge_position,
    "threats": _merge_threat,
    "violations": _merge_violation,
    "meetings": _merge_meeting,
}

#: Which cue list of ``data/facts.yaml`` marks which event, per kind.
_EVENT_CUES = {
    "commitments": (("withdrawn", "withdrawn"),),
    "proposals": (("withdrawn", "withdrawn"),),
    "threats": (("carried_out", "carried out"), ("dropped", "withdrawn")),
}


def _events(fact_id: int, record: dict[str, Any], text: str, seen: str) -> list[tuple[int, str, str, int]]:
    """The status change a record reports, by the cue words in its text and evidence: (fact id,
    event, day, record id), or none."""
    rules = _EVENT_CUES.get(record["kind"])
    if not rules:
        return []
    evidence = " ".join(text[a:b] for a, b in record["payload"].get("evidence") or [])
    said = f"{record['text'] or ''} {evidence}"
    for cue, event in rules:
        if has_cue(cue, said):
            return [(fact_id, event, record["date_start"] or seen, record["id"])]
    return []
