"""The board and the timeline: statuses on a day, conflicts, conditions, deadlines."""

from __future__ import annotations

import json

import pytest
from store_support import report, seed_article

from parley import analysis, flow
from parley.errors import InputError, NotFoundError
from parley.store import Store

pytest_plugins = ["store_support"]


def _seed_board(store: Store, published: str | None = "2025-04-18", as_of: str = "2025-04-20") -> dict:
    article, records = seed_article(published=published)
    flow.commit(store, article, records)
    return analysis.board(store, as_of=as_of)


def test_founding_article_board(store: Store) -> None:
    board = _seed_board(store)
    assert {"parties", "commitments", "proposals", "conflicts", "conditions", "deadlines"} <= board.keys()
    json.dumps(board)  # ready for --json as it is
    assert board["as_of"] == "2025-04-20" and board["processes"][0]["name"] == "RUS-UKR"
    assert board["names"]["UKR"] == "Ukraine"

    # The US plan leaves occupied land with Russia, and the US is ready to recognise Crimea:
    # both cross Ukraine's red line of no recognition.
    territory = [c for c in board["conflicts"] if c["issue"] == "territory"]
    assert {(c["party"], c["red_line"], c["against"]["party"], c["against"]["kind"]) for c in territory} == {
        ("UKR", True, "USA", "proposals"),
        ("UKR", True, "USA", "positions"),
    }
    assert board["conflicts"][0]["red_line"]  # red lines come first
    assert all(c["issue"] == "territory" for c in board["conflicts"])

    # Russia's Black Sea commitment waits on sanctions; the US plan eases sanctions.
    [condition] = board["conditions"]
    assert (condition["commitment"]["party"], condition["commitment"]["issue"]) == ("RUS", "maritime")
    assert condition["waits_on"] == "sanctions" and not condition["met"]
    assert condition["commitment"]["status"] == "pending condition"
    assert [(t["party"], t["issue"]) for t in condition["offered_by"]] == [("USA", "sanctions")]

    # The US threat to leave mediation "in a few days" (from 18 April: by 25 April at the latest).
    [ultimatum] = [d for d in board["deadlines"] if d["kind"] == "ultimatum"]
    assert (ultimatum["party"], ultimatum["issue"], ultimatum["when"]) == (
        "USA",
        "mediation",
        "in a few days",
    )
    assert (ultimatum["date"], ultimatum["precision"], ultimatum["state"], ultimatum["days"]) == (
        "2025-04-25", "range", "coming", 5)  # fmt: skip

    statuses = {(c["party"], c["issue"]): c["status"] for c in board["commitments"]}
    assert statuses[("RUS", "energy_infrastructure")] == "reported violated"  # Rubio: Russia is violating it
    assert statuses[("UKR", "maritime")] == "in force"
    [plan] = board["proposals"]
    assert plan["proposer"] == "USA" and {t["issue"] for t in plan["terms"]} == {
        "ceasefire", "sanctions", "territory", "alliance_membership"}  # fmt: skip
    ukraine = next(p for p in board["parties"] if p["party"] == "UKR")
    assert [v["issue"] for v in ukraine["red_lines"]] == ["territory"]
    assert {t["issue"]: t["status"] for t in board["threats"]}["mediation"] == "issued"


def test_the_ultimatum_passes_and_lapses(store: Store) -> None:
    board = _seed_board(store, as_of="2025-04-26")
    [ultimatum] = [d for d in board["deadlines"] if d["kind"] == "ultimatum"]
    assert (ultimatum["state"], ultimatum["days"], ultimatum["status"]) == ("past", -1, "deadline passed")
    board = analysis.board(store, as_of="2026-06-01")  # long after, with no new report
    assert {t["issue"]: t["status"] for t in board["threats"]}["mediation"] == "lapsed"


def test_without_a_publication_date_the_deadline_is_kept_as_written(store: Store) -> None:
    board = _seed_board(store, published=None, as_of="2030-01-01")
    [ultimatum] = [d for d in board["deadlines"] if d["kind"] == "ultimatum"]
    assert (ultimatum["date"], ultimatum["state"], ultimatum["when"]) == (None, "undated", "in a few days")


TRUCE = "On March 18 Russia and Ukraine agreed to a 30-day halt to strikes on energy facilities."


def _truce(store: Store) -> None:
    report(store, TRUCE, "2025-03-19", commitments=[
        {"party": "UKR", "issue": "energy_infrastructure", "text": "30-day halt to strikes on energy facilities",
         "duration_days": 30, "when": "On March 18"},
        {"party": "RUS", "issue": "energy_infrastructure", "text": "30-day halt to strikes on energy facilities",
         "duration_days": 30, "when": "On March 18"},
    ])  # fmt: skip


def test_a_30_day_truce_agreed_on_18_march_ends_on_17_april(store: Store) -> None:
    _truce(store)

    def status(day: str) -> str:
        return {c["party"]: c["status"] for c in analysis.board(store, as_of=day)["commitments"]}["UKR"]

    assert status("2025-03-19") == "in force"  # the day it was reported
    assert status("2025-04-16") == "in force"
    assert status("2025-04-17") == "expired"
    ends = analysis.board(store, as_of="2025-04-10")["deadlines"]
    assert {(d["kind"], d["date"], d["state"], d["days"]) for d in ends} == {
        ("truce end", "2025-04-17", "coming", 7)
    }
    assert analysis.board(store, as_of="2025-04-17")["deadlines"][0]["state"] == "past"


def test_a_reported_violation_changes_the_status_from_its_day(store: Store) -> None:
    _truce(store)
    accusation = "Kyiv accused Russia of striking a power plant in breach of the energy truce."
    report(store, accusation, "2025-03-25", violations=[
        {"accused": "RUS", "issue": "energy_infrastructure", "accuser": "UKR", "text": "struck a power plant"}])  # fmt: skip
    before = {c["party"]: c["status"] for c in analysis.board(store, as_of="2025-03-24")["commitments"]}
    after = {c["party"]: c["status"] for c in analysis.board(store, as_of="2025-03-26")["commitments"]}
    assert before == {"RUS": "in force", "UKR": "in force"}
    assert after == {"RUS": "reported violated", "UKR": "in force"}
    assert analysis.board(store, as_of="2025-03-24")["violations"] == []


def test_a_condition_met_by_another_partys_commitment(store: Store) -> None:
    text = "Russia will implement the Black Sea deal only after sanctions on its farm bank are lifted."
    report(store, text, "2025-03-25", process="black-sea", commitments=[{"party": "RUS", "issue": "maritime",
           "text": "Black Sea deal", "conditional": True, "condition_issue": "sanctions"}])  # fmt: skip
    lifted = "The EU agreed to reconnect the Russian agricultural bank to SWIFT."
    report(store, lifted, "2025-05-02", process="black-sea", commitments=[{"party": "eu", "issue": "sanctions",
           "text": "reconnect to SWIFT"}])  # fmt: skip
    [pending] = analysis.board(store, as_of="2025-04-01")["conditions"]
    assert not pending["met"] and pending["commitment"]["status"] == "pending condition"
    board = analysis.board(store, as_of="2025-05-03")
    [met] = board["conditions"]
    assert met["met"] and [c["party"] for c in met["met_by"]] == ["eu"]
    assert {c["party"]: c["status"] for c in board["commitments"]}["RUS"] == "in force"


def test_a_threat_carried_out(store: Store) -> None:
    warned = "Trump warned he would impose tough sanctions on Russia by Friday."
    report(store, warned, "2025-04-16", threats=[{"actor": "USA", "issue": "sanctions", "target": ["RUS"],
           "text": "impose tough sanctions on Russia by Friday", "has_deadline": True, "deadline": "by Friday"}])  # fmt: skip
    done = "Washington has imposed new sanctions on Russian oil companies."
    report(store, done, "2025-04-22", threats=[{"actor": "USA", "issue": "sanctions", "target": ["RUS"],
           "text": "has imposed new sanctions on Russian oil companies"}])  # fmt: skip
    assert analysis.facts(store, as_of="2025-04-17")[0]["status"] == "issued"
    assert analysis.facts(store, as_of="2025-04-20")[0]["status"] == "deadline passed"
    assert analysis.facts(store, as_of="2025-04-22")[0]["status"] == "carried out"


def test_timeline_and_sources(store: Store) -> None:
    _truce(store)
    events = analysis.timeline(store, as_of="2025-04-01")
    assert [(e["date"], e["event"], e["party"], e["future"]) for e in events] == [
        ("2025-03-18", "commitment made", "RUS", False),  # same day: in the order the facts were made
        ("2025-03-18", "commitment made", "UKR", False),
        ("2025-04-17", "truce ends", "RUS", True),
        ("2025-04-17", "truce ends", "UKR", True),
    ]
    detail = analysis.fact_sources(store, events[1]["fact_id"])
    assert detail["fact"]["party"] == "UKR" and detail["fact"]["status"] == "expired"
    assert [s["seen"] for s in detail["sources"]] == ["2025-03-19"]


def test_bad_as_of_and_unknown_process_are_clear_errors(store: Store) -> None:
    _truce(store)
    with pytest.raises(InputError, match="not a date: 'yesterday'"):
        analysis.board(store, as_of="yesterday")
    with pytest.raises(NotFoundError, match="no process named 'gaza' \\(known: RUS-UKR\\)"):
        analysis.board(store, process="gaza")
    assert analysis.board(store, process="RUS-UKR", as_of="2025-03-01")["commitments"] == []


def test_the_board_shows_the_last_round_of_talks_and_the_next(store: Store) -> None:
    rounds = [
        ("Riyadh", "2025-03-25"),
        ("Istanbul", "2025-05-16"),
        ("Istanbul", "2025-06-02"),
        ("Geneva", "2025-07-01"),
    ]
    for place, day in rounds:
        text = f"Delegations met in {place} on {day} for another round of talks on the war."
        report(
            store,
            text,
            "2025-05-20",
            meetings=[{"place": place, "date": day, "participants": ["RUS", "UKR"]}],
        )
    meetings = analysis.board(store, as_of="2025-06-10")["meetings"]
    assert [(m["place"], m["start"], m["status"]) for m in meetings] == [
        ("Istanbul", "2025-06-02", "held"),
        ("Geneva", "2025-07-01", "scheduled"),
    ]
    assert len([e for e in analysis.timeline(store, as_of="2025-06-10") if e["event"] == "meeting"]) == 4


def test_a_period_shows_the_positions_stated_and_changed_in_it(store: Store) -> None:
    """A period's timeline finds a position's versions by the reports and dates of its records
    (through indexes), including a stance a report dates after itself, and no other position."""
    refuse = "Kyiv said it would not accept any ceasefire in the Black Sea."
    report(
        store,
        refuse,
        "2025-03-01",
        positions=[{"party": "UKR", "issue": "maritime", "text": "will not accept"}],
    )
    accept = "Kyiv said that from 1 May it will accept a Black Sea ceasefire."
    report(store, accept, "2025-04-10", positions=[{"party": "UKR", "issue": "maritime", "text": "will accept",
                                                    "when": "2025-05-01"}])  # fmt: skip
    other = "Moscow said it would not accept any talks on Crimea."
    report(
        store,
        other,
        "2025-02-01",
        positions=[{"party": "RUS", "issue": "territory", "text": "will not accept"}],
    )

    def stated(since: str, until: str) -> list[tuple[str, str, str | None]]:
        events = analysis.timeline(store, as_of="2025-06-01", period=(since, until))
        return [(e["date"], e["event"], e["party"]) for e in events if e["kind"] == "positions"]

    assert stated("2025-04-20", "2025-05-31") == [("2025-05-01", "position changed", "UKR")]
    assert stated("2025-02-15", "2025-03-31") == [("2025-03-01", "position stated", "UKR")]
    assert stated("2025-01-15", "2025-02-10") == [("2025-02-01", "position stated", "RUS")]


def _deadlines_everywhere(store: Store) -> None:
    """Truces and ultimatums in three processes: dated, undated, and a threat with no deadline."""
    for day, (a, b) in zip(
        ("2025-03-01", "2025-03-02", "2025-03-03"),
        (("ARM", "AZE"), ("RUS", "UKR"), ("ISR", "hamas")),
        strict=True,
    ):
        report(store, f"{a} and {b} agreed to a truce; {b} threatened {a}.", day,
               commitments=[{"party": a, "issue": "ceasefire", "text": "a truce", "duration_days": 30},
                            {"party": b, "issue": "ceasefire", "text": "a truce", "duration_days": 10},
                            {"party": a, "issue": "prisoners", "text": "an exchange"}],  # no end: not a deadline
               threats=[{"actor": b, "issue": "energy", "target": [a], "text": "strikes within a week",
                         "has_deadline": True, "deadline": "within a week"},
                        {"actor": a, "issue": "sanctions", "target": [b], "text": "sanctions soon",
                         "has_deadline": True},  # a deadline, none that can be dated
                        {"actor": b, "issue": "talks", "target": [a], "text": "will leave the talks"}])  # fmt: skip


def _whole(
    store: Store, as_of: str, party: str | None = None, since: str | None = None, until: str | None = None
) -> list:
    every = analysis.deadlines_of(store, as_of=as_of, party=party)
    kept = [d for d in every if (since is None and until is None)
            or (d["date"] and (since is None or d["date"] >= since) and (until is None or d["date"] <= until))]  # fmt: skip
    return sorted(
        kept, key=lambda d: (d["date"] is None, d["date"] or "", d["process"], d["party"] or "", d["fact_id"])
    )


def test_deadlines_are_paged_by_the_store_in_date_order(store: Store) -> None:
    _deadlines_everywhere(store)
    for narrow in (
        {},
        {"party": "RUS"},
        {"since": "2025-03-09", "until": "2025-03-31"},
        {"until": "2025-03-12"},
    ):
        whole = _whole(store, "2025-03-20", **narrow)
        pages, after = [], None
        while True:  # two at a time, each page after the last one's position
            page, after = analysis.deadlines_page(store, as_of="2025-03-20", after=after, limit=2, **narrow)
            assert len(page) <= 2
            pages += page
            if after is None:
                break
        assert pages == whole, narrow
        assert analysis.deadline_count(store, as_of="2025-03-20", cap=100, **narrow) == len(whole)
    every = _whole(store, "2025-03-20")
    assert [d["kind"] for d in every].count("truce end") == 6 and [d["date"] for d in every][-3:] == [
        None
    ] * 3
    assert {d["text"] for d in every} >= {"strikes within a week", "sanctions soon"}
    assert "will leave the talks" not in {d["text"] for d in every}
    assert analysis.deadline_count(store, as_of="2025-03-20", cap=3) == 4  # counted up to the cap + 1
    assert analysis.deadlines_page(store, as_of="2025-02-01")[0] == []  # nothing known yet


def test_over_all_processes_a_status_depends_on_its_own_process_only(store: Store) -> None:
    truce = {"party": "RUS", "issue": "ceasefire", "text": "a truce", "duration_days": 30}
    report(store, "Russia and Ukraine agreed to a truce.", "2025-03-01",
           commitments=[truce, {**truce, "party": "UKR"}])  # fmt: skip
    report(store, "Russia and Georgia agreed to a truce.", "2025-03-01",
           commitments=[truce, {**truce, "party": "GEO"}])  # fmt: skip
    report(store, "Ukraine accused Russia of breaking the truce.", "2025-03-05",
           violations=[{"accused": "RUS", "accuser": "UKR", "issue": "ceasefire", "text": "broke the truce"}])  # fmt: skip
    every = {
        (d["process"], d["party"]): d["status"] for d in analysis.deadlines_of(store, as_of="2025-03-10")
    }
    assert every[("RUS-UKR", "RUS")] == "reported violated"
    assert every[("GEO-RUS", "RUS")] == "in force"
    for process in ("RUS-UKR", "GEO-RUS"):  # as each process's own board has them
        own = {
            (d["process"], d["party"]): d["status"]
            for d in analysis.deadlines_of(store, process, "2025-03-10")
        }
        assert own == {k: v for k, v in every.items() if k[0] == process}
    page, _ = analysis.deadlines_page(store, as_of="2025-03-10")
    assert {(d["process"], d["party"]): d["status"] for d in page} == every
