"""Alerts derived from the fact history into the outbox: rules, filters, the clock, exactly once, and
the seed scenario with the real extractor.

The store tests run on a SQLite file and on the real PostgreSQL server (``store`` fixture).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from store_support import seed_article

from parley import flow
from parley.alerts import derive
from parley.alerts.rules import Rule, active_rules, add_rule, default_rules, load_rules_file, read_rules_file
from parley.cli import main
from parley.errors import AlertRuleError, InputError, NotFoundError, SettingsError
from parley.records import Article, Records
from parley.settings import load_settings
from parley.store import Store, open_store
from parley.watch import read_sources_file

pytest_plugins = ["store_support"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def keys(store: Store) -> set[str]:
    return {a["key"] for a in store.alerts(limit=None)}


def fact_ids(store: Store) -> dict[str, int]:
    """The id of each fact by "kind:merge key" ("positions:UKR|territory"), as alert keys name facts by id."""
    return {f"{f['kind']}:{f['key']}": f["id"] for f in store.facts()}


def violation_report(
    outlet: str, published: str, issue: str | None = "energy_infrastructure"
) -> tuple[Article, Records]:
    """An article of my own reporting a Russian strike on energy facilities, with its records."""
    text = f"Kyiv said on Sunday that Russian drones had hit a power station overnight ({outlet})."
    records = Records.from_dict({
        "format": "parley-records/1", "document": {"id": outlet},
        "statements": [{"speaker": "UKR", "via": [], "direct": False, "hedged": False, "span": [0, len(text)]}],
        "violations": [{"accused": "RUS", "issue": issue, "accuser": "UKR",
                        "text": "Russian drones had hit a power station", "statement": 0}],
    })  # fmt: skip
    return Article(text=text, source=outlet, id=outlet, published=published, outlet=outlet), records


# -- rules --------------------------------------------------------------------------------------


def test_rules_files_in_toml_and_yaml(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text(
        '[[rules]]\nname = "rus-ukr-deadlines"\nkinds = ["deadline approaching", "deadline passed"]\n'
        'process = "RUS-UKR"\ndays_before = 5\nwebhook = "https://hooks.example.org/parley"\n'
        'email = ["desk@example.org"]\n',
        encoding="utf-8",
    )
    (rule,) = read_rules_file(toml)
    assert rule.processes == ("RUS-UKR",) and rule.days_before == 5
    assert rule.targets == (("webhook", "https://hooks.example.org/parley"), ("email", "desk@example.org"))
    yaml_file = tmp_path / "rules.yaml"
    yaml_file.write_text(
        "rules:\n  - name: corroborated\n    kinds: violation\n    min_outlets: 2\n", encoding="utf-8"
    )
    assert read_rules_file(yaml_file) == [Rule("corroborated", kinds=("violation",), min_outlets=2)]
    assert [r.name for r in default_rules()] == ["violations", "deadlines", "red-lines", "commitments"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[rules]]\nname = "x"\nkinds = ["rumour"]\n', "unknown kind(s) 'rumour'"),
        ('[[rules]]\nname = "x"\ncolour = "red"\n', "unknown rule field 'colour'"),
        ('[[rules]]\nname = "Bad Name"\n', "a rule needs a name"),
        ('[[rules]]\nname = "x"\nmin_outlets = -1\n', "'min_outlets' must be a whole number"),
        ('[[rules]]\nname = "x"\nwebhook = "ftp://a"\n', "the webhook must be an http(s) URL"),
        ('[[rules]]\nname = "x"\n[[rules]]\nname = "x"\n', "used twice: x"),
        ("[[rules]\n", "not a valid rules file"),
    ],
)
def test_a_bad_rules_file_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        read_rules_file(path)
    assert problem in str(caught.value) and str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_fifo_given_as_rules_or_sources_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "rules.toml"
    os.mkfifo(fifo)  # nothing ever writes to it: reading it the plain way would wait forever
    with pytest.raises(AlertRuleError) as caught:
        read_rules_file(fifo)
    assert "cannot read the rules file: a named pipe (fifo), not a regular file" in str(caught.value) and str(
        fifo
    ) in str(caught.value)
    with pytest.raises(InputError) as caught_sources:
        read_sources_file(fifo)
    assert "cannot read the sources file: a named pipe (fifo)" in str(caught_sources.value)


# -- derivation ---------------------------------------------------------------------------------


def test_the_founding_article_raises_the_default_alerts_once(store: Store) -> None:
    article, records = seed_article()
    flow.commit(store, article, records)
    raised = keys(store)
    ids = fact_ids(store)
    violation, red_line = ids["violations:RUS|energy_infrastructure"], ids["positions:UKR|territory"]
    crossing = ids["proposals:USA|territory"]
    assert {f"violations|violation|{violation}", f"red-lines|red line|{red_line}|{crossing}",
            f"commitments|commitment|{ids['commitments:RUS|energy_infrastructure']}|reported violated",
            f"commitments|commitment|{ids['commitments:RUS|maritime']}|made conditional",
            f"commitments|commitment|{ids['commitments:UKR|maritime']}|agreed"} <= raised  # fmt: skip
    alert = next(
        a for a in store.alerts(limit=None) if a["key"] == f"red-lines|red line|{red_line}|{crossing}"
    )
    carried = alert["payload"]
    assert (
        alert["kind"] == "red line crossed" and alert["process"] == "RUS-UKR" and alert["day"] == "2025-04-18"
    )
    assert carried["fact"]["party"] == "USA" and carried["red_line"]["party"] == "UKR"
    assert carried["red_line"]["red_line"] is True and carried["fact"]["kind"] == "proposals"
    assert (
        carried["sources"] and carried["sources"][0]["article_id"] == 1 and carried["sources"][0]["sentence"]
    )
    assert flow.commit(store, article, records).status == "exists"
    derive.derive_article(store, 1)  # derived again: nothing new
    assert keys(store) == raised


def test_the_clock_raises_deadlines_approaching_and_passed_once(store: Store) -> None:
    flow.commit(store, *seed_article())
    ids = fact_ids(store)
    assert derive.check(store, "2025-04-19") == []  # the ultimatum's day (25 April) is 6 days away
    (coming,) = derive.check(store, "2025-04-22")
    ultimatum = ids["threats:USA|mediation"]
    assert (
        coming.key == f"deadlines|deadline approaching|{ultimatum}|2025-04-25" and coming.payload["days"] == 3
    )
    assert derive.check(store, "2025-04-23") == []  # raised already
    (passed,) = derive.check(store, "2025-04-26")
    assert passed.kind == "deadline passed" and passed.payload["what"] == "ultimatum"
    truces = derive.check(store, "2025-05-19")
    maritime, energy = ids["commitments:UKR|maritime"], ids["commitments:UKR|energy_infrastructure"]
    assert {r.key for r in truces} == {f"deadlines|deadline passed|{maritime}|2025-05-18",
                                       f"deadlines|deadline passed|{energy}|2025-05-18",
                                       f"commitments|commitment|{maritime}|expired",
                                       f"commitments|commitment|{energy}|expired"}  # fmt: skip
    assert derive.check(store, "2025-09-01") == []  # older than alerts.lookback_days: history
    assert [a["key"] for a in derive.check(store, "2025-04-26", dry_run=True)] == [passed.key]


def test_a_bad_clock_setting_is_one_error_naming_it() -> None:
    with pytest.raises(SettingsError) as caught:
        derive.clock_day(load_settings(alerts={"clock": "2025-13-45"}))
    assert "[alerts] clock = '2025-13-45' is not a day" in str(caught.value) and "alerts.clock" in str(
        caught.value
    )
    assert derive.clock_day(load_settings(alerts={"clock": "2025-04-22"})) == "2025-04-22"


def test_a_dry_run_writes_nothing(store: Store) -> None:
    flow.commit(store, *seed_article())
    before = keys(store)
    assert derive.check(store, "2025-04-22", dry_run=True)
    assert keys(store) == before


def test_rules_filter_by_process_party_issue_and_corroboration(store: Store) -> None:
    rules = [
        Rule("two-outlets", kinds=("violation",), min_outlets=2),
        Rule("usa-red-lines", kinds=("red line crossed",), parties=("USA",), issues=("territory",)),
        Rule("elsewhere", processes=("ARM-AZE",)),
        Rule("reuters", kinds=("violation",), sources=("outlet:reuters",)),
    ]
    for rule in rules:
        add_rule(store, rule, "test")
    assert active_rules(store) == sorted(rules, key=lambda r: r.name)
    flow.commit(store, *seed_article(outlet="outlet:axios"))
    ids = fact_ids(store)
    red_line = ids["positions:UKR|territory"]
    assert keys(store) == {f"usa-red-lines|red line|{red_line}|{ids['positions:USA|territory']}",
                           f"usa-red-lines|red line|{red_line}|{ids['proposals:USA|territory']}"}  # fmt: skip
    flow.commit(store, *violation_report("outlet:reuters", "2025-04-20"), process="RUS-UKR")
    corroborated = {a["key"]: a for a in store.alerts(limit=None) if a["rule"] in ("two-outlets", "reuters")}
    violation = ids["violations:RUS|energy_infrastructure"]
    assert set(corroborated) == {f"two-outlets|violation|{violation}", f"reuters|violation|{violation}"}
    assert corroborated[f"two-outlets|violation|{violation}"]["payload"]["what"] == "corroborated"
    assert (
        corroborated[f"two-outlets|violation|{violation}"]["payload"]["fact"]["corroboration"]["outlets"] == 2
    )


def test_an_archive_article_is_alerted_with_the_counts_of_its_day(store: Store) -> None:
    """An article of a past day (reported again since) raises its alerts with the corroboration
    its facts had on that day, not today's: a rule asking for three outlets is not met by the
    second report of the day, though a third outlet reported it later."""
    add_rule(store, Rule("three-outlets", kinds=("violation",), min_outlets=3), "test")
    flow.commit(store, *seed_article(outlet="outlet:axios"))
    flow.commit(store, *violation_report("outlet:reuters", "2025-04-25"), process="RUS-UKR")
    violation = fact_ids(store)["violations:RUS|energy_infrastructure"]
    assert store.fact(violation)["outlets"] == 2
    before = keys(store)
    article_id = flow.commit(
        store, *violation_report("outlet:ap", "2025-04-19"), process="RUS-UKR"
    ).article_id
    assert store.fact(violation)["outlets"] == 3  # today: three outlets
    assert keys(store) == before  # on the 19th: two (axios, ap), short of the rule
    events = derive.article_events(store, article_id)
    reported = [e for e in events if e.kind == "violation"]
    assert [e.fact["corroboration"]["outlets"] for e in reported] == [2]
    assert [e.fact["last_seen"] for e in reported] == ["2025-04-19"]


def test_concurrent_commits_raise_each_alert_once(store_url: str) -> None:
    """Committers on their own connections (PostgreSQL: side by side, pipelined) report the same
    violation: one alert, whichever commit comes first; none lost, none doubled."""
    stores = [open_store(store_url) for _ in range(4)]
    try:
        flow.commit(stores[0], *seed_article())
        before = keys(stores[0])
        reports = [violation_report(f"outlet:wire{i}", "2025-04-20") for i in range(8)]
        with ThreadPoolExecutor(4) as pool:
            done = list(
                pool.map(lambda i: flow.commit(stores[i % 4], *reports[i], process="RUS-UKR"), range(8))
            )
        assert [d.status for d in done] == ["stored"] * 8
        alerts = stores[0].alerts(limit=None)
        assert len(alerts) == len({a["key"] for a in alerts}) and keys(stores[0]) == before
        violation = fact_ids(stores[0])["violations:RUS|energy_infrastructure"]
        assert stores[0].facts(fact_ids=[violation])[0]["outlets"] == 8  # the seed article names no outlet
    finally:
        for opened in stores:
            opened.close()


def test_a_fact_without_an_issue_raises_its_alert_too(store: Store) -> None:
    flow.commit(store, *violation_report("outlet:reuters", "2025-04-20", issue=None), process="RUS-UKR")
    (alert,) = store.alerts()
    assert alert["kind"] == "violation" and alert["payload"]["fact"]["issue"] is None


def test_new_process_proposals_threats_carried_out_and_parties_leaving(store: Store) -> None:
    add_rule(
        store, Rule("news", kinds=("new process", "new proposal", "deadline passed", "party left talks")), "t"
    )
    flow.commit(store, *seed_article())
    first = keys(store)
    proposal = fact_ids(store)["proposals:USA|territory"]
    assert {"news|process|1", f"news|proposal|{proposal}"} <= first and not any("left" in k for k in first)
    threat = next(f for f in store.facts(kinds=["threats"]) if f["issue"] == "mediation")
    text = (
        "Washington ended its mediation on Monday. Moscow's delegation walked out of the talks in Istanbul."
    )
    records = Records.from_dict({
        "format": "parley-records/1", "document": {"id": "walkout"}, "statements": [],
        "threats": [{"actor": "USA", "issue": "mediation", "target": ["RUS", "UKR"], "text": "ended its mediation"}],
        "positions": [{"party": "RUS", "issue": "ceasefire", "text": "walked out of the talks in Istanbul"}],
    })  # fmt: skip
    flow.commit(
        store, Article(text=text, source="walkout", published="2025-04-28"), records, process="RUS-UKR"
    )
    position = next(
        f for f in store.facts(kinds=["positions"]) if f["party"] == "RUS" and f["issue"] == "ceasefire"
    )
    assert keys(store) - first == {
        f"news|deadline passed|{threat['id']}|carried out",
        f"news|left|RUS-UKR|USA|{threat['id']}",
        f"news|left|RUS-UKR|RUS|{position['id']}",
    }


def test_alerts_are_written_with_the_article_or_not_at_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def derive_then_fail(*args: object, **kwargs: object) -> None:
        derive.derive_article(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(flow, "derive_article", derive_then_fail)
    with pytest.raises(RuntimeError):
        flow.commit(store, *seed_article())
    assert store.stats()["articles"] == 0 and store.alert_count() == 0
    monkeypatch.undo()
    flow.commit(store, *seed_article())
    assert store.alert_count() > 0


def test_deliveries_are_queued_with_the_alert(store: Store) -> None:
    add_rule(store, Rule("hook", kinds=("violation",), webhook="http://127.0.0.1:9/hook",
                         email=("desk@example.org",)), "test")  # fmt: skip
    flow.commit(store, *seed_article())
    (alert,) = store.alerts()
    assert [(d["channel"], d["target"], d["status"]) for d in alert["deliveries"]] == [
        ("email", "desk@example.org", "pending"), ("webhook", "http://127.0.0.1:9/hook", "pending")]  # fmt: skip


# -- the command line ---------------------------------------------------------------------------


def test_alerts_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "parley.db")
    assert main(["alerts", "list", "--db", db, "--json"]) == 0
    assert [r["origin"] for r in json.loads(capsys.readouterr().out)] == ["default"] * 4
    assert main(["alerts", "add", "rus-ukr", "--db", db, "--kind", "deadline passed", "--kind",
                 "deadline approaching", "--process", "RUS-UKR", "--days-before", "2"]) == 0  # fmt: skip
    assert main(["alerts", "add", "bad", "--db", db, "--webhook", "gopher://x"]) == 1
    assert "the webhook must be an http(s) URL" in capsys.readouterr().err
    # a rule added again under its name replaces the stored one, and says so
    assert main(["alerts", "add", "watch", "--db", db, "--kind", "violation"]) == 0
    assert "rule watch stored" in capsys.readouterr().out
    assert main(["alerts", "add", "watch", "--db", db, "--kind", "new proposal"]) == 0
    assert "rule watch replaced (it came from cli)" in capsys.readouterr().out
    assert main(["alerts", "remove", "watch", "--db", db]) == 0
    capsys.readouterr()
    with open_store(db) as store:
        flow.commit(store, *seed_article())
        ultimatum = fact_ids(store)["threats:USA|mediation"]
    assert main(["alerts", "check", "--db", db, "--as-of", "2025-04-24", "--dry-run", "--json"]) == 0
    assert (
        json.loads(capsys.readouterr().out)["alerts"][0]["key"]
        == f"rus-ukr|deadline approaching|{ultimatum}|2025-04-25"
    )
    assert main(["alerts", "check", "--db", db, "--as-of", "2025-04-26"]) == 0
    assert "1 alerts raised on 2025-04-26" in capsys.readouterr().err
    assert main(["alerts", "log", "--db", db, "--json"]) == 0
    (logged,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (
        logged["rule"] == "rus-ukr" and logged["kind"] == "deadline passed" and logged["process"] == "RUS-UKR"
    )
    assert logged["fact"]["link"] == f"/facts/{logged['fact']['id']}" and logged["deliveries"] == []
    assert logged["feed"] == "/alerts.atom?rule=rus-ukr"
    assert logged["sources"][0]["link"].startswith("/articles/1")
    assert main(["alerts", "remove", "rus-ukr", "--db", db]) == 0
    assert main(["alerts", "remove", "rus-ukr", "--db", db]) == 1
    assert "no rule named 'rus-ukr'" in capsys.readouterr().err


def test_a_rules_file_setting_is_loaded_and_replaces_its_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nname = "a"\n[[rules]]\nname = "b"\n', encoding="utf-8")
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("mine"), "cli")
        load_rules_file(store, path)
        path.write_text('[[rules]]\nname = "b"\nkinds = ["violation"]\n', encoding="utf-8")
        load_rules_file(store, path)
        assert [(r.name, r.kinds) for r in active_rules(store)] == [
            ("b", ("violation",)),
            ("mine", Rule("x").kinds),
        ]


# -- the seed scenario, with the real extractor ---------------------------------------------------


def test_seed_scenario_deadline_and_red_line(tmp_path: Path) -> None:
    """After the founding article, a rule on deadlines in the RUS–UKR talks fires for the US mediation
    deadline when the clock passes it; a rule on red lines fires when a proposal recognising Crimea
    arrives."""
    from parley.extractor import Extractor

    extractor = Extractor()
    settings = load_settings()
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("rus-ukr-deadlines", kinds=("deadline approaching", "deadline passed"),
                             processes=("RUS-UKR",)), "test")  # fmt: skip
        add_rule(store, Rule("red-lines", kinds=("red line crossed",)), "test")
        founding = Article(text=(SHARED / "corpus" / "seed-rubio-paris.txt").read_text(encoding="utf-8"),
                           source="seed-rubio-paris.txt", published="2025-04-19")  # fmt: skip
        assert flow.take_in(store, founding, extractor, settings=settings).process == "RUS-UKR"
        assert derive.check(store, "2025-04-20", settings) == []  # a week before the deadline
        (passed,) = derive.check(store, "2025-04-27", settings)
        assert passed.rule == "rus-ukr-deadlines" and passed.kind == "deadline passed"
        assert passed.payload["fact"]["party"] == "USA" and passed.payload["fact"]["issue"] == "mediation"
        assert passed.payload["date"] == "2025-04-26"
        before = keys(store)
        crimea = Article(
            text="Russia presented a peace proposal on Tuesday under which Kyiv would recognise Crimea as Russian"
            " territory, the Kremlin said. Ukrainian officials said they had received the plan.",
            source="crimea-proposal", published="2025-04-22",
        )  # fmt: skip
        assert flow.take_in(store, crimea, extractor, settings=settings).process == "RUS-UKR"
        (new,) = [a for a in store.alerts(limit=None) if a["key"] not in before]
        assert new["rule"] == "red-lines" and new["kind"] == "red line crossed"
        assert new["payload"]["fact"]["party"] == "RUS" and new["payload"]["fact"]["kind"] == "proposals"
        assert "Crimea" in new["payload"]["fact"]["text"]
        assert new["payload"]["red_line"]["party"] == "UKR" and new["payload"]["red_line"]["red_line"] is True


def test_derivation_reads_together_what_the_reads_one_by_one_give(store: Store) -> None:
    """``article_for_alerts`` and ``facts_together`` (one wait each in a PostgreSQL pipeline) give
    what the reads they replace give, inside a commit's transaction and outside it."""
    article_id = flow.commit(store, *seed_article()).article_id
    assert article_id is not None
    add_rule(store, Rule(name="violations", kinds=("violation",)), "cli")
    process_id = store.article(article_id)["process_id"]
    alone = {
        "article": store.article(article_id),
        "process": store.processes(process_id=process_id)[0],
        "records": store.records(article_id=article_id),
        "rules": store.alert_rules(),
        "reported_elsewhere": set(),  # its facts have no other source
    }
    reads = [
        {"kinds": ["commitments"], "seen_by": "2025-04-18"},
        None,
        {"process_id": process_id, "payload": False},
    ]
    apart = [
        store.facts(kinds=["commitments"], seen_by="2025-04-18"),
        [],
        store.facts(process_id, payload=False),
    ]
    assert alone["records"] and apart[0] and apart[2]
    assert store.article_for_alerts(article_id) == alone
    assert store.facts_together(reads) == apart
    with store.transaction(exclusive=False):
        assert store.article_for_alerts(article_id) == alone
        assert store.facts_together(reads) == apart
        assert store.facts_together([None]) == [[]]
    with pytest.raises(NotFoundError):
        store.article_for_alerts(article_id + 100)
