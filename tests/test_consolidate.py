"""Records → facts: merge keys, corroboration, accounts, dates, position versions, processes."""

from __future__ import annotations

from store_support import HAJIYEV, OFFICIAL, gold, report

from parley import analysis, consolidate
from parley.flow import commit
from parley.records import Article
from parley.store import Store

pytest_plugins = ["store_support"]


def _maritime(text: str, speaker: str, party: str | None = None) -> dict[str, list[dict[str, object]]]:
    statement: dict[str, object] = {"span": [0, len(text)], "speaker": speaker}
    if party:
        statement["party"] = party
    commitment = {"party": "AZE", "issue": "maritime", "text": text[:60], "conditional": True,
                  "condition_issue": "sanctions", "statement": 0}  # fmt: skip
    return {"statements": [statement], "commitments": [commitment]}


def test_one_fact_from_two_outlets_with_each_partys_account(store: Store) -> None:
    first = report(
        store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev")
    )
    report(store, OFFICIAL, "2025-03-26", "outlet:ap", **_maritime(OFFICIAL, "anon:USA"))
    report(store, OFFICIAL + " Again.", "2025-03-27", "outlet:ap", **_maritime(OFFICIAL, "anon:USA"))
    [fact] = store.facts()
    assert (fact["kind"], fact["key"], fact["party"], fact["issue"]) == (
        "commitments",
        "AZE|maritime",
        "AZE",
        "maritime",
    )
    assert (fact["reports"], fact["articles"], fact["outlets"]) == (3, 3, 2)
    assert (fact["named_sources"], fact["anonymous_sources"]) == (1, 2)
    assert (fact["first_seen"], fact["last_seen"]) == ("2025-03-25", "2025-03-27")
    assert fact["conditional"] == 1 and fact["condition_issue"] == "sanctions"
    accounts = fact["payload"]["accounts"]
    assert (
        accounts["AZE"]["text"] == HAJIYEV[:60] and accounts["AZE"]["article_id"] == first
    )  # Hajiyev acts for AZE
    assert accounts["USA"]["text"] == OFFICIAL[:60]
    sources = store.fact_sources(fact["id"])
    assert [s["outlet"] for s in sources] == ["outlet:reuters", "outlet:ap", "outlet:ap"]
    assert sources[0]["speaker"] == "person:hikmet-hajiyev" and sources[0]["statement_text"] == HAJIYEV
    assert [s["source_type"] for s in sources] == ["named", "anonymous", "anonymous"]


def test_record_dates_resolve_against_the_publication_date() -> None:
    dates = consolidate.record_dates
    truce = {"when": "on March 18", "duration_days": 30}
    assert dates("commitments", truce, "2025-03-20") == consolidate.RecordDates(
        "2025-03-18", "2025-04-16", "day"
    )
    assert dates("commitments", {"duration_days": 30}, "2025-03-18").end == "2025-04-16"
    assert dates("positions", {}, "2025-03-20") == consolidate.RecordDates("2025-03-20", None, "published")
    assert dates("positions", {"when": "on Thursday"}, None) == consolidate.RecordDates(None, None, None)
    friday = dates("threats", {"deadline": "by Friday", "has_deadline": True}, "2025-04-16")
    assert friday.start == "2025-04-16" and friday.end == "2025-04-18"
    few = dates("threats", {"text": "end its mediation in a few days", "has_deadline": True}, "2025-04-18")
    assert few.end == "2025-04-25"
    assert dates("threats", {"text": "in a few days", "has_deadline": False}, "2025-04-18").end is None
    assert dates("meetings", {"date": "--04-17"}, "2025-04-18").start == "2025-04-17"
    assert dates("meetings", {"date": "2024-11-02"}, "2025-04-18").start == "2024-11-02"


def test_fact_keys_and_polarity() -> None:
    assert consolidate.fact_key("threats", {"actor": "USA", "issue": "mediation"}) == "USA|mediation"
    assert consolidate.fact_key("meetings", {"place": "Paris", "date": "--04-17"}) == "paris|04-17"
    assert consolidate.fact_key("meetings", {"place": "Paris", "date": None}, "2025-04-17") == "paris|04-17"
    assert consolidate.polarity("Georgia will not recognise any breakaway region as independent") == -1
    assert consolidate.polarity("Yerevan won't cede land") == -1
    assert consolidate.polarity("ready to recognise Abkhazia as independent") == 1
    assert consolidate.polarity("easing of sanctions against Belarus") == 1


def _position(text: str, red_line: bool) -> dict[str, list[dict[str, object]]]:
    return {"positions": [{"party": "GEO", "issue": "territory", "text": text, "red_line": red_line}]}


REFUSE = "Georgia's prime minister said Tbilisi will never give up its claim to Abkhazia: a red line."
ACCEPT = "Georgia's prime minister said Tbilisi is ready to accept a freeze along the boundary line."


def test_a_party_stating_the_opposite_supersedes_its_position(store: Store) -> None:
    report(store, ACCEPT, "2025-06-01", **_position(ACCEPT, False))  # arrives first, happened later
    report(store, REFUSE, "2025-04-17", **_position(REFUSE, True))
    report(store, REFUSE + " Again.", "2025-04-20", **_position(REFUSE, True))
    plain = "Tbilisi will not cede Abkhazia, an adviser said."  # the same stance, not called a red line
    report(store, plain, "2025-04-19", **_position(plain, False))
    [fact] = store.facts()
    versions = fact["payload"]["versions"]
    assert [(v["valid_from"], v["valid_until"], v["red_line"], v["reports"]) for v in versions] == [
        ("2025-04-17", "2025-06-01", True, 3),
        ("2025-06-01", None, False, 1),
    ]
    [before] = analysis.facts(store, as_of="2025-05-01")
    assert before["text"] == REFUSE and before["red_line"] and before["status"] == "current"
    assert before["corroboration"]["reports"] == 3  # counted as of the day
    [after] = analysis.facts(store, as_of="2025-06-02")
    assert after["text"] == ACCEPT and not after["red_line"] and after["valid_from"] == "2025-06-01"
    assert [v["status"] for v in after["versions"]] == ["superseded", "current"]
    assert analysis.facts(store, as_of="2025-04-01") == []


def test_articles_are_grouped_into_processes(store: Store) -> None:
    seed = "Kyiv agreed to a truce; Moscow promised to stop strikes; Ukraine's red line is territory."
    report(store, seed, "2025-04-18", commitments=[{"party": "UKR", "issue": "ceasefire", "text": "truce"},
           {"party": "RUS", "issue": "energy_infrastructure", "text": "stop strikes"}])  # fmt: skip
    gaza = "Hamas and Israel agreed to release hostages; Qatar mediated the exchange."
    report(store, gaza, "2025-02-11", commitments=[{"party": "hamas", "issue": "prisoners", "text": "release"},
           {"party": "ISR", "issue": "prisoners", "text": "release"}])  # fmt: skip
    again = "Russia accused Ukraine of breaking the energy truce, and Ukraine accused Russia."
    report(store, again, "2025-04-20", violations=[{"accused": "UKR", "issue": "energy_infrastructure", "text": "broke"},
           {"accused": "RUS", "issue": "energy_infrastructure", "text": "broke"}])  # fmt: skip
    named = "An article the user files under a name of their own, about Russia and Ukraine."
    report(
        store,
        named,
        "2025-04-21",
        process="ukraine-war",
        positions=[{"party": "UKR", "issue": "territory", "text": "no"}],
    )
    processes = {p["name"]: p for p in store.processes()}
    assert set(processes) == {"RUS-UKR", "ISR-hamas", "ukraine-war"}
    assert processes["RUS-UKR"]["articles"] == 2 and processes["ISR-hamas"]["articles"] == 1
    assert {f["process"] for f in store.facts()} == set(processes)
    assert [f["kind"] for f in analysis.facts(store, process="ISR-hamas")] == ["commitments", "commitments"]


def test_an_article_is_placed_among_the_processes_sharing_its_parties_only(store: Store) -> None:
    truce = [
        {"party": "ARM", "issue": "ceasefire", "text": "truce"},
        {"party": "AZE", "issue": "ceasefire", "text": "truce"},
    ]
    report(store, "Armenia and Azerbaijan agreed to a truce.", "2025-01-10", commitments=truce)
    report(store, "Kyiv and Moscow agreed to a truce.", "2025-01-11",
           commitments=[{"party": "UKR", "issue": "ceasefire", "text": "truce"},
                        {"party": "RUS", "issue": "ceasefire", "text": "truce"}])  # fmt: skip
    # A process the user named, whose name another pair's process would take, with other parties.
    report(store, "Georgia said it refuses any talks.", "2025-01-12", process="ARM-GEO",
           positions=[{"party": "GEO", "issue": "talks", "text": "refuses"}])  # fmt: skip
    ids = {p["name"]: p["id"] for p in store.processes()}
    # Candidates name two of the article's parties (or its only one), whatever else they name.
    assert [p["name"] for p in store.processes_sharing(["ARM", "AZE", "USA"])] == ["ARM-AZE"]
    assert [p["name"] for p in store.processes_sharing(["RUS"])] == ["RUS-UKR"]
    assert [p["name"] for p in store.processes_sharing(["GEO", "TUR"])] == []
    assert store.processes_sharing([]) == []
    prepared = store.prepare_article("h", [], statements=0, records=0, parties=["AZE", "ARM"])
    assert [p["id"] for p in prepared["processes"]] == [ids["ARM-AZE"]]
    # Armenia and Georgia share no process of two of them: a new one, its name numbered past the
    # user's process of that name.
    again = report(store, "Armenia and Georgia agreed to talks.", "2025-01-13",
                   commitments=[{"party": "ARM", "issue": "talks", "text": "talks"},
                                {"party": "GEO", "issue": "talks", "text": "talks"}])  # fmt: skip
    assert store.article(again)["process"] == "ARM-GEO-2"
    assert [p["name"] for p in store.processes_sharing(["GEO", "ARM"])] == ["ARM-GEO-2"]
    # Parties that join a process later find it too.
    report(store, "Armenia, Azerbaijan and Turkey agreed on the border.", "2025-01-14",
           commitments=[*truce, {"party": "TUR", "issue": "ceasefire", "text": "border"}])  # fmt: skip
    assert [p["name"] for p in store.processes_sharing(["TUR", "AZE"])] == ["ARM-AZE"]


def test_the_founding_article_names_its_process_by_the_parties_to_the_war(store: Store) -> None:
    text = "placeholder text for the seed records, long enough to be an article of its own."
    result = commit(store, Article(text=text, source="seed"), gold("seed-rubio-paris"))
    assert result.process == "RUS-UKR"


def test_reported_withdrawal_is_a_dated_event(store: Store) -> None:
    agreed = "The RSF agreed to a pause in attacks on power stations."
    report(store, agreed, "2025-03-18", commitments=[{"party": "rsf", "issue": "energy_infrastructure",
           "text": "pause in attacks on power stations"}])  # fmt: skip
    ended = "An RSF spokesman said the group no longer observed the power-station pause and withdrew from it."
    report(store, ended, "2025-04-17", commitments=[{"party": "rsf", "issue": "energy_infrastructure",
           "text": "withdrew from the power-station pause", "when": "on Thursday"}])  # fmt: skip
    [event] = store.fact_events()
    assert (event["event"], event["day"]) == ("withdrawn", "2025-04-17")
    assert analysis.facts(store, as_of="2025-04-01")[0]["status"] == "in force"
    assert analysis.facts(store, as_of="2025-04-17")[0]["status"] == "withdrawn"


def test_rebuild_of_one_process_recomputes_only_it(store: Store) -> None:
    report(store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev"))
    gaza = "Hamas and Israel agreed to release hostages; Qatar mediated the exchange."
    report(store, gaza, "2025-02-11", commitments=[{"party": "hamas", "issue": "prisoners", "text": "release"},
           {"party": "ISR", "issue": "prisoners", "text": "release"}])  # fmt: skip
    before = sorted((f["process"], f["key"], f["reports"]) for f in store.facts())
    assert consolidate.rebuild(store, "AZE") == 1  # named after its only party
    assert sorted((f["process"], f["key"], f["reports"]) for f in store.facts()) == before
    assert consolidate.rebuild(store, "no-such-process") == 0
    assert store.integrity_problems() == []


def test_a_record_without_a_party_is_stored_but_not_merged(store: Store) -> None:
    text = "Someone agreed to something, the report said, without saying who."
    article_id = report(store, text, "2025-03-01", commitments=[{"party": None, "issue": "ceasefire", "text": "x"},
                        {"party": "UKR", "issue": "ceasefire", "text": "truce"}])  # fmt: skip
    assert [r["fact_id"] is None for r in store.records(article_id)] == [True, False]
    assert [f["key"] for f in store.facts()] == ["UKR|ceasefire"]
    assert store.integrity_problems() == []
