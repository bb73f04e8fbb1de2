"""Deleting an article, end to end: the store, ``flow.delete_article``, ``DELETE /api/articles/{id}``
and ``parley delete``, on SQLite and PostgreSQL. What it supported is recomputed as a rebuild would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from store_support import HAJIYEV, OFFICIAL, GoldExtractor, corpus_article, corpus_names, report, seed_article
from test_web_api import ARTICLE_TEXT, AUTH, error_of
from test_web_support import TOKEN, TestClient, client_for

from parley import analysis, consolidate, flow
from parley.cli import main
from parley.errors import NotFoundError
from parley.records import Article
from parley.store import Store, open_store

pytest_plugins = ["store_support", "test_web_support"]

GAZA = "Hamas and Israel agreed to release hostages; Qatar mediated the exchange."


def _maritime(text: str, speaker: str) -> dict[str, list[dict[str, object]]]:
    commitment = {"party": "AZE", "issue": "maritime", "text": text[:60], "conditional": True,
                  "condition_issue": "sanctions", "statement": 0}  # fmt: skip
    return {"statements": [{"span": [0, len(text)], "speaker": speaker}], "commitments": [commitment]}


def _gaza(store: Store) -> int:
    return report(store, GAZA, "2025-02-11", statements=[{"span": [0, len(GAZA)], "speaker": "QAT"}],
                  commitments=[{"party": "hamas", "issue": "prisoners", "text": "release", "statement": 0},
                               {"party": "ISR", "issue": "prisoners", "text": "release", "statement": 0}])  # fmt: skip


def _facts_by_key(store: Store) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every fact without its id, with its sources and events, keyed by process, kind and key."""
    out = {}
    for fact in store.facts():
        sources = sorted(
            (s["record_id"], s["article_id"], s["story_id"], s["outlet"], s["speaker"], s["seen"])
            for s in store.fact_sources(fact["id"])
        )
        events = sorted((e["event"], e["day"]) for e in store.fact_events(fact_ids=[fact["id"]]))
        out[(fact["process"], fact["kind"], fact["key"])] = {
            **{k: v for k, v in fact.items() if k != "id"}, "sources": sources, "events": events,
        }  # fmt: skip
    return out


def _as_rebuilt(store: Store) -> None:
    """The facts left after a deletion equal those a full rebuild computes from the records left."""
    after = _facts_by_key(store)
    consolidate.rebuild(store)
    assert _facts_by_key(store) == after
    assert store.integrity_problems() == []


# -- store and flow -----------------------------------------------------------------------------


def test_deleting_one_of_two_sources_leaves_the_fact_with_the_other(store: Store) -> None:
    first = report(
        store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev")
    )
    second = report(store, OFFICIAL, "2025-03-26", "outlet:ap", **_maritime(OFFICIAL, "anon:USA"))
    [before] = store.facts()
    assert (before["reports"], before["outlets"], before["named_sources"]) == (2, 2, 1)

    deleted = flow.delete_article(store, first)
    assert deleted == flow.Deleted(first, "AZE", facts_updated=[before["id"]], facts_removed=[])
    [fact] = store.facts()
    assert fact["id"] == before["id"]  # the fact keeps its id
    assert (fact["reports"], fact["articles"], fact["stories"], fact["outlets"]) == (1, 1, 1, 1)
    assert (fact["named_sources"], fact["anonymous_sources"]) == (0, 1)
    assert (fact["first_seen"], fact["last_seen"], fact["text"]) == (
        "2025-03-26",
        "2025-03-26",
        OFFICIAL[:60],
    )
    assert set(fact["payload"]["accounts"]) == {"USA"}  # Hajiyev's account went with his article
    assert [(s["article_id"], s["outlet"]) for s in store.fact_sources(fact["id"])] == [(second, "outlet:ap")]
    [view] = analysis.facts(store, as_of="2025-04-01")
    assert view["corroboration"]["reports"] == 1 and view["corroboration"]["named_sources"] == 0
    assert analysis.facts(store, as_of="2025-03-25") == []  # no longer seen before the AP report
    assert [a["id"] for a in store.articles()] == [second]
    [process] = store.processes()  # its tallies forgot the deleted article's parties and issues
    assert (process["parties"], process["issues"], process["articles"]) == ({"AZE": 2}, {"maritime": 1}, 1)
    assert store.statements(first) == [] and store.records(article_id=first) == []
    with pytest.raises(NotFoundError, match=f"no article with id {first}"):
        store.article(first)
    _as_rebuilt(store)


def test_deleting_the_only_source_removes_the_fact_and_search_forgets_it(store: Store) -> None:
    kept = report(
        store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev")
    )
    processes_before = store.processes()
    gaza = _gaza(store)
    gaza_facts = sorted(f["id"] for f in store.facts() if f["process"] == "ISR-hamas")
    assert len(gaza_facts) == 2
    assert {h["kind"] for h in store.search("hostages")} == {"article", "statement"}

    deleted = flow.delete_article(store, gaza)
    assert (deleted.process, deleted.facts_updated, deleted.facts_removed) == ("ISR-hamas", [], gaza_facts)
    assert [f["key"] for f in store.facts()] == ["AZE|maritime"]
    assert store.search("hostages") == [] and store.search("Qatar mediated") == []
    assert [h["article_id"] for h in store.search("Caspian")] == [kept, kept]  # the other is still found
    stats = store.stats()
    assert (stats["articles"], stats["statements"], stats["records"]) == (1, 1, {"commitments": 1})
    assert store.processes() == processes_before  # its process, left empty, went with it
    if store.backend == "sqlite":  # the FTS5 index agrees with its content tables
        store._execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        store._execute("INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)")
    _as_rebuilt(store)


def test_a_withdrawal_reported_only_by_the_deleted_article_is_forgotten(store: Store) -> None:
    agreed = "The RSF agreed to a pause in attacks on power stations."
    report(store, agreed, "2025-03-18", commitments=[{"party": "rsf", "issue": "energy_infrastructure",
           "text": "pause in attacks on power stations"}])  # fmt: skip
    ended = "An RSF spokesman said the group no longer observed the power-station pause and withdrew from it."
    withdrawal = report(store, ended, "2025-04-17", commitments=[{"party": "rsf", "issue": "energy_infrastructure",
                        "text": "withdrew from the power-station pause", "when": "on Thursday"}])  # fmt: skip
    assert analysis.facts(store, as_of="2025-04-20")[0]["status"] == "withdrawn"
    flow.delete_article(store, withdrawal)
    assert store.fact_events() == []
    [fact] = analysis.facts(store, as_of="2025-04-20")
    assert fact["status"] == "in force" and fact["text"] == "pause in attacks on power stations"
    _as_rebuilt(store)


def test_the_same_text_can_be_taken_in_again_after_deletion(store: Store) -> None:
    article, records = seed_article()
    first = flow.commit(store, article, records)
    before = _summary(store)
    deleted = flow.delete_article(store, first.article_id)
    assert deleted.facts_updated == [] and len(deleted.facts_removed) == 18
    assert store.stats()["facts"] == {} and store.article_by_hash(flow.content_hash(article.text)) is None
    again = flow.take_in(store, article, GoldExtractor())
    assert again.status == "stored" and again.process == "RUS-UKR"
    assert _summary(store) == before
    assert store.search("Crimea") and store.integrity_problems() == []


def _summary(store: Store) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """What the facts say, without ids: counts, dates, text."""
    columns = ("reports", "articles", "stories", "outlets", "named_sources", "anonymous_sources", "first_seen",
               "last_seen", "date_start", "date_end", "text")  # fmt: skip
    return {(f["process"], f["kind"], f["key"]): tuple(f[c] for c in columns) for f in store.facts()}


def test_near_duplicates_of_a_deleted_article_stay_one_story(store: Store) -> None:
    article, records = seed_article(outlet="outlet:ukrainska-pravda")
    first = flow.commit(store, article, records)
    copies = []
    for n, outlet in enumerate(["outlet:kyiv-independent", "outlet:pravda-eng"]):
        carried = Article(text=article.text + f"\n\nRead more on our site ({n}).", source=outlet, outlet=outlet,
                          published="2025-04-18")  # fmt: skip
        copies.append(flow.commit(store, carried, records))
    assert [c.duplicate_of for c in copies] == [first.article_id] * 2
    territory = store.fact_by_key(store.process_by_name("RUS-UKR")["id"], "positions", "UKR|territory")
    assert (territory["articles"], territory["stories"], territory["outlets"]) == (3, 1, 3)

    deleted = flow.delete_article(store, first.article_id)
    leader, other = (c.article_id for c in copies)
    assert deleted.story_first == leader and deleted.facts_removed == [] and len(deleted.facts_updated) == 18
    assert store.article(leader)["duplicate_of"] is None and store.article(other)["duplicate_of"] == leader
    assert store.stats()["near_duplicates"] == 1
    territory = store.fact(territory["id"])
    assert (territory["articles"], territory["stories"], territory["outlets"]) == (2, 1, 2)
    assert {s["story_id"] for s in store.fact_sources(territory["id"])} == {leader}
    _as_rebuilt(store)


def test_deleting_from_a_corpus_equals_a_rebuild_without_it(store: Store) -> None:
    extractor = GoldExtractor()
    articles = sorted((corpus_article(n) for n in corpus_names() if n != "seed-rubio-paris"),
                      key=lambda a: a.published or "")  # fmt: skip
    ids = [flow.take_in(store, a, extractor).article_id for a in articles]
    consolidate.rebuild(store)  # the baseline: facts in date order
    for article_id in (ids[3], ids[0], ids[-1]):
        flow.delete_article(store, article_id)
    _as_rebuilt(store)


def test_an_unknown_id_and_a_failure_midway_change_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = report(
        store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev")
    )
    report(store, OFFICIAL, "2025-03-26", "outlet:ap", **_maritime(OFFICIAL, "anon:USA"))
    before = (_facts_by_key(store), store.stats(), store.processes())
    with pytest.raises(NotFoundError, match="no article with id 999"):
        flow.delete_article(store, 999)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr(consolidate, "rebuild_facts", broken)
    with pytest.raises(RuntimeError):
        flow.delete_article(store, first)
    assert (_facts_by_key(store), store.stats(), store.processes()) == before
    assert first in {h["article_id"] for h in store.search("Hajiyev")}


# -- command line -------------------------------------------------------------------------------


def test_parley_delete(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(store_url) as store:
        first = report(
            store, HAJIYEV, "2025-03-25", "outlet:reuters", **_maritime(HAJIYEV, "person:hikmet-hajiyev")
        )
        report(store, OFFICIAL, "2025-03-26", "outlet:ap", **_maritime(OFFICIAL, "anon:USA"))
        gaza = _gaza(store)
    assert main(["delete", str(first), "--db", store_url]) == 0
    assert (
        capsys.readouterr().out == f"deleted article {first} (process AZE): 1 facts recomputed, 0 removed\n"
    )
    assert main(["delete", str(gaza), "--db", store_url]) == 0
    assert "(process ISR-hamas): 0 facts recomputed, 2 removed" in capsys.readouterr().out
    assert main(["delete", str(first), "--db", store_url]) == 1
    assert f"no article with id {first} [P404]" in capsys.readouterr().err
    with open_store(store_url) as store:
        assert store.stats()["articles"] == 1 and store.integrity_problems() == []


# -- web API ------------------------------------------------------------------------------------


def test_delete_needs_the_token(client: TestClient) -> None:
    response = client.delete("/api/articles/1", headers=AUTH)
    assert response.status_code == 403 and error_of(response)["code"] == "P503"
    assert client.get("/api/articles/1").status_code == 200


def test_delete_an_article_through_the_api(
    db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    with client_for(db_copy, extractor) as c:
        assert "delete" in c.get("/openapi.json").json()["paths"]["/api/articles/{article_id}"]
        missing = c.delete("/api/articles/1")
        assert missing.status_code == 401 and error_of(missing)["code"] == "P501"
        wrong = c.delete("/api/articles/1", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403 and error_of(wrong)["code"] == "P502"
        assert c.get("/api/stats").json()["articles"] == 1  # nothing was deleted
        unknown = c.delete("/api/articles/999", headers=AUTH)
        assert unknown.status_code == 404 and error_of(unknown)["code"] == "P404"
        assert "no article with id 999" in error_of(unknown)["message"]
        for bad in ["0", "abc", str(2**64)]:
            response = c.delete(f"/api/articles/{bad}", headers=AUTH)
            assert response.status_code == 422 and error_of(response)["code"] == "P505", bad

        facts = c.get("/api/facts", params={"limit": 500}).json()["total"]
        deleted = c.delete("/api/articles/1", headers=AUTH)
        assert deleted.status_code == 200, deleted.text
        body = deleted.json()
        assert body["article_id"] == 1 and body["process"] == "RUS-UKR" and body["facts_updated"] == []
        assert len(body["facts_removed"]) == facts and body["story_first"] is None
        assert c.get("/api/articles/1").status_code == 404
        assert c.get("/api/search", params={"q": "Crimea"}).json()["total"] == 0
        assert c.delete("/api/articles/1", headers=AUTH).status_code == 404

        # Through the same write path as POST: stored, deleted, stored again.
        stored = c.post("/api/articles", json={"text": ARTICLE_TEXT, "published": "2025-04-20"}, headers=AUTH)
        article_id = stored.json()["results"][0]["article_id"]
        assert c.delete(f"/api/articles/{article_id}", headers=AUTH).status_code == 200
        again = c.post("/api/articles", json={"text": ARTICLE_TEXT, "published": "2025-04-20"}, headers=AUTH)
        assert again.status_code == 201 and again.json()["results"][0]["status"] == "stored"
    with open_store(str(db_copy)) as store:
        assert store.stats()["articles"] == 1 and store.integrity_problems() == []
