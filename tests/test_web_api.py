"""The JSON API in process (httpx through FastAPI's TestClient): every endpoint, filters,
pagination, auth, the body size limit, bad ids and malformed JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_web_support import BEFORE_PARIS, ON_THE_DAY, SEED_PUBLISHED, TOKEN, TestClient, client_for

from parley import analysis
from parley.cli import main as parley_main
from parley.store import open_store
from parley.web.params import cursor_of

pytest_plugins = ["test_web_support"]

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE_TEXT = (
    "Kyiv agreed on Monday to a 30-day ceasefire on energy infrastructure, the Ukrainian foreign ministry said."
    " Moscow said it would not attack energy facilities if Ukraine did the same."
)


@pytest.fixture
def writable(db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client over a copy of the seed store whose writes need ``TOKEN``."""
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    with client_for(db_copy, extractor) as c:
        yield c


def error_of(response: object) -> dict:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


# -- reading ------------------------------------------------------------------------------------


def test_board_is_what_parley_board_json_prints(
    client: TestClient, seed_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = client.get("/api/board", params={"as_of": ON_THE_DAY}).json()
    assert parley_main(["board", "--db", str(seed_db), "--as-of", ON_THE_DAY, "--json"]) == 0
    assert board == json.loads(capsys.readouterr().out)
    territory = [c for c in board["conflicts"] if c["issue"] == "territory"]
    assert {(c["party"], c["against"]["party"]) for c in territory} == {("UKR", "USA")}
    # The page's twin carries the same board, with the grid and the links the page shows.
    twin = client.get("/board.json", params={"as_of": ON_THE_DAY}).json()
    assert twin["board"] == board and twin["latest_report"] == SEED_PUBLISHED
    assert client.get("/api/board", params={"as_of": BEFORE_PARIS}).json()["conflicts"] == []


def test_every_reading_endpoint_answers(client: TestClient) -> None:
    fact_id = client.get("/api/facts").json()["items"][0]["id"]
    for path in [
        "/api/processes", "/api/articles", "/api/articles/1", "/api/statements", "/api/facts", f"/api/facts/{fact_id}",
        "/api/conflicts", "/api/conditions", "/api/deadlines", "/api/timeline", "/api/actors", "/api/actors/UKR",
        "/api/search?q=Crimea", "/api/stats", "/api/board",
    ]:  # fmt: skip
        response = client.get(path, params={"as_of": ON_THE_DAY} if "search" not in path else None)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("application/json")


def test_article_has_its_records_and_spans(client: TestClient) -> None:
    found = client.get("/api/articles/1").json()
    text = found["article"]["text"]
    assert found["article"]["published"] == SEED_PUBLISHED and found["article"]["process"] == "RUS-UKR"
    assert len(found["statements"]) > 10 and found["records"]
    for statement in found["statements"]:
        start, end = statement["span"]
        assert text[start:end] == statement["text"]
        assert statement["link"] == f"/articles/1#span-{start}-{end}"
    red_line = next(r for r in found["records"] if r["kind"] == "positions" and r["record"].get("red_line"))
    start, end = red_line["span"]
    assert "will not recognize" in text[start:end] and red_line["fact_id"]
    assert client.get("/articles/1.json").json() == found  # the page's twin


def test_fact_has_its_sources_and_corroboration(client: TestClient) -> None:
    conflict = client.get("/api/conflicts", params={"as_of": ON_THE_DAY, "issue": "territory"}).json()[
        "items"
    ][0]
    fact = client.get(f"/api/facts/{conflict['fact_id']}", params={"as_of": ON_THE_DAY}).json()
    assert fact["fact"]["party"] == "UKR" and fact["fact"]["corroboration"]["reports"] == 1
    [source] = fact["sources"]["items"]
    assert source["speaker"] == "person:volodymyr-zelensky" and source["source_type"] == "named"
    assert source["link"] == f"/articles/1#span-{source['span_start']}-{source['span_end']}"
    assert fact["named_speakers"][0]["name"] == "Volodymyr Zelensky"
    assert fact["first_seen"] == fact["last_seen"] == SEED_PUBLISHED


def test_filters(client: TestClient) -> None:
    day = {"as_of": ON_THE_DAY}
    facts = client.get("/api/facts", params={**day, "limit": 500}).json()
    assert facts["total"] == len(facts["items"]) > 5
    positions = client.get("/api/facts", params={**day, "kind": "positions", "limit": 500}).json()["items"]
    assert positions and {f["kind"] for f in positions} == {"positions"}
    two_kinds = client.get(
        "/api/facts", params=[*day.items(), ("kind", "positions"), ("kind", "threats")]
    ).json()
    assert {f["kind"] for f in two_kinds["items"]} == {"positions", "threats"}
    ukraine = client.get("/api/facts", params={**day, "party": "UKR", "issue": "territory"}).json()["items"]
    assert [(f["party"], f["issue"], f["red_line"]) for f in ukraine] == [("UKR", "territory", True)]
    assert client.get("/api/facts", params={**day, "process": "RUS-UKR"}).json()["total"] == facts["total"]
    assert client.get("/api/facts", params={"as_of": BEFORE_PARIS}).json()["total"] == 0
    assert client.get("/api/facts", params={**day, "since": "2025-05-01"}).json()["total"] == 0
    assert client.get("/api/facts", params={**day, "until": "2025-04-19"}).json()["total"] == facts["total"]
    assert client.get("/api/facts", params={**day, "status": "no such status"}).json()["items"] == []

    articles = client.get("/api/articles", params={"since": SEED_PUBLISHED, "until": SEED_PUBLISHED}).json()
    assert articles["total"] == 1 and "text" not in articles["items"][0]
    assert client.get("/api/articles", params={"until": BEFORE_PARIS}).json()["total"] == 0

    by_rubio = client.get("/api/statements", params={"speaker": "person:marco-rubio"}).json()["items"]
    assert by_rubio and all(s["speaker"] == "person:marco-rubio" for s in by_rubio)
    usa = client.get("/api/statements", params={"party": "USA"}).json()["items"]
    assert usa and all(s["party"] == "USA" for s in usa)
    assert client.get("/api/statements", params={"article": 1}).json()["total"] >= len(by_rubio) + len(usa)

    deadlines = client.get("/api/deadlines", params=day).json()["items"]
    assert deadlines and all(d["state"] in ("coming", "past", "undated") for d in deadlines)
    dated = [d for d in deadlines if d["date"]]
    after = client.get("/api/deadlines", params={**day, "since": dated[-1]["date"]}).json()["items"]
    assert [d["date"] for d in after] == [d["date"] for d in dated if d["date"] >= dated[-1]["date"]]

    events = client.get("/api/timeline", params={**day, "kind": "commitments", "limit": 500}).json()
    assert events["items"] and {e["kind"] for e in events["items"]} == {"commitments"}
    assert any(r["range"] == "truce" for r in events["ranges"])
    assert client.get("/api/timeline", params={**day, "party": "UKR"}).json()["items"]
    assert client.get("/api/conditions", params={**day, "party": "RUS"}).json()["items"]
    assert client.get("/api/conflicts", params={**day, "party": "USA"}).json()["total"] >= 1
    assert client.get("/api/conflicts", params={**day, "issue": "sanctions"}).json()["total"] == 0
    actors = client.get("/api/actors", params={"limit": 500}).json()["items"]
    assert {"UKR", "USA", "RUS", "person:marco-rubio"} <= {a["id"] for a in actors}


def test_pagination(client: TestClient) -> None:
    everything = client.get("/api/facts", params={"as_of": ON_THE_DAY, "limit": 500}).json()["items"]
    seen = []
    page = client.get("/api/facts", params={"as_of": ON_THE_DAY, "limit": 3}).json()
    assert page["total"] == len(everything) and page["limit"] == 3 and page["first"] is None
    while True:
        seen += page["items"]
        assert len(page["items"]) <= 3
        if not page["next"]:
            break
        assert "as_of=2025-04-19" in page["next"] and "limit=3" in page["next"] and "cursor=" in page["next"]
        page = client.get(page["next"]).json()
    assert [f["id"] for f in seen] == [f["id"] for f in everything]
    assert page["first"] and client.get(page["first"]).json()["items"] == everything[:3]
    for path in ("/api/statements", "/api/actors", "/api/timeline", "/api/deadlines", "/api/articles"):
        listed = client.get(path, params={"as_of": ON_THE_DAY, "limit": 500}).json()["items"]
        paged, link = [], f"{path}?as_of={ON_THE_DAY}&limit=2"
        while link:
            page = client.get(link).json()
            paged += page["items"]
            link = page["next"]
        assert paged == listed and listed, path
    for bad in ({"limit": 0}, {"limit": 501}, {"cursor": "%%"}, {"limit": "many"}):
        response = client.get("/api/facts", params=bad)
        assert response.status_code == 422 and error_of(response)["code"] == "P505"
    forged = client.get("/api/facts", params={"cursor": "WzEsMl0"})  # [1,2]: not a position in this list
    assert forged.status_code == 422 and "cursor" in error_of(forged)["message"]
    for path, position in (("/api/articles", ["2025-04-19", "one"]), ("/api/conflicts", ["x"] * 7)):
        wrong = client.get(
            path, params={"as_of": ON_THE_DAY, "cursor": cursor_of(position)}
        )  # right size, wrong types
        assert wrong.status_code == 422 and error_of(wrong)["code"] == "P505", path


def test_search(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Crimea"}).json()
    assert hits["total"] >= 2 and {h["kind"] for h in hits["items"]} == {"article", "statement"}
    statement = next(h for h in hits["items"] if h["kind"] == "statement")
    assert statement["link"] == f"/articles/1#span-{statement['span_start']}-{statement['span_end']}"
    assert {"text": "Crimea", "match": True} in statement["parts"]
    assert client.get("/api/search", params={"q": "Crimea", "limit": 1}).json()["next"]
    assert client.get("/api/search", params={"q": 'zzz "no such words" AND NEAR *'}).json()["total"] == 0
    assert client.get("/api/search").status_code == 422


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_lists_as_of_the_first_and_last_day_there_is(client: TestClient, as_of: str) -> None:
    # windows and "the day before" reach past the dates Python has: they stop there instead
    for path in [
        "/api/timeline", "/timeline", "/timeline.json", "/api/board", "/board", "/api/facts", "/api/conflicts",
        "/api/conditions", "/api/deadlines", "/api/actors", "/api/actors/UKR",
    ]:  # fmt: skip
        response = client.get(path, params={"as_of": as_of})
        assert response.status_code == 200, (path, response.text)


def test_bad_ids_are_404_json(client: TestClient) -> None:
    for path in [
        "/api/articles/999",
        "/api/facts/999",
        "/api/actors/person:nobody-at-all",
        "/articles/999.json",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        error = error_of(response)
        assert error["code"] == "P404" and "999" in error["message"] or "nobody" in error["message"]
    unknown = client.get("/api/facts", params={"process": "NO-SUCH"})
    assert unknown.status_code == 404 and "RUS-UKR" in error_of(unknown)["message"]  # names the known ones
    assert error_of(client.get("/api/no/such/route"))["code"] == "P404"
    for path in ["/api/articles/abc", "/api/articles/0", f"/api/facts/{2**64}"]:
        response = client.get(path)
        assert response.status_code == 422 and error_of(response)["code"] == "P505", path
    assert client.get("/api/board", params={"as_of": "yesterday"}).status_code == 422
    assert client.get("/api/facts", params={"issue": "weather"}).status_code == 422
    assert client.get("/api/facts", params={"party": "US\x00A"}).status_code == 422
    assert (
        client.delete("/api/board").status_code == 405
        and error_of(client.delete("/api/board"))["code"] == "P507"
    )


def test_empty_form_fields_count_as_absent(client: TestClient) -> None:
    response = client.get("/board.json", params={"as_of": "", "process": ""})
    assert response.status_code == 200 and response.json()["process"] is None


def test_security_headers(client: TestClient) -> None:
    for path in ["/api/board", "/board", "/static/parley.css"]:
        headers = client.get(path).headers
        assert "script-src" not in headers["content-security-policy"]  # default-src 'self' covers it
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_openapi_and_offline_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {
        "/api/board",
        "/api/articles",
        "/api/facts/{fact_id}",
        "/board.json",
        "/articles/{article_id}.json",
    } <= set(paths)
    assert "HTTPBearer" in schema["components"]["securitySchemes"] and "post" in paths["/api/articles"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    for asset in ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/static/docs.js"]:
        assert client.get(asset).status_code == 200, asset


# -- writing ------------------------------------------------------------------------------------


def test_writes_are_refused_without_a_configured_token(client: TestClient) -> None:
    response = client.post("/api/articles", json={"text": ARTICLE_TEXT}, headers=AUTH)
    assert response.status_code == 403
    error = error_of(response)
    assert (
        error["code"] == "P503"
        and "PARLEY_TOKEN" in error["message"]
        and "serve.token_file" in error["message"]
    )


def test_writes_need_the_right_token(writable: TestClient) -> None:
    missing = writable.post("/api/articles", json={"text": ARTICLE_TEXT})
    assert missing.status_code == 401 and error_of(missing)["code"] == "P501"
    wrong = writable.post(
        "/api/articles", json={"text": ARTICLE_TEXT}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403 and error_of(wrong)["code"] == "P502"
    basic = writable.post(
        "/api/articles", json={"text": ARTICLE_TEXT}, headers={"Authorization": f"Basic {TOKEN}"}
    )
    assert basic.status_code == 401
    assert writable.get("/api/stats").json()["articles"] == 1  # nothing was written

    stored = writable.post("/api/articles", json={"text": ARTICLE_TEXT, "published": "2025-04-20", "outlet": "Reuters"},
                           headers=AUTH)  # fmt: skip
    assert stored.status_code == 201, stored.text
    [result] = stored.json()["results"]
    assert (
        result["status"] == "stored"
        and result["records"] > 0
        and result["link"] == f"/articles/{result['article_id']}"
    )
    article = writable.get(f"/api/articles/{result['article_id']}").json()["article"]
    assert (
        article["text"] == ARTICLE_TEXT
        and article["published"] == "2025-04-20"
        and article["outlet"] == "outlet:reuters"
    )
    again = writable.post("/api/articles", json={"text": ARTICLE_TEXT}, headers=AUTH)
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "exists"
    assert writable.get("/api/stats").json()["articles"] == 2


def test_token_from_the_token_file(
    db_copy: Path, extractor: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n", encoding="utf-8")
    with client_for(db_copy, extractor, serve={"token_file": str(token_file)}) as c:
        body = {
            "html": f"<html><head><title>Truce</title></head><body><article><p>{ARTICLE_TEXT}</p></article></body></html>"
        }
        assert c.post("/api/articles", json=body, headers=AUTH).status_code == 403
        response = c.post("/api/articles", json=body, headers={"Authorization": "Bearer from-a-file"})
        assert response.status_code == 201, response.text
        stored = c.get(response.json()["results"][0]["link"] + ".json").json()["article"]
        assert (
            stored["title"] == "Truce"
            and "<p>" not in stored["text"]
            and "30-day ceasefire" in stored["text"]
        )
    with client_for(db_copy, extractor, serve={"token_file": str(tmp_path / "missing")}) as c:
        response = c.post("/api/articles", json=body, headers=AUTH)
        assert response.status_code == 403 and "cannot read the token file" in error_of(response)["message"]


def test_malformed_and_invalid_bodies_are_422(writable: TestClient) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    for content in [b"{not json", b'{"text": "unterminated', b"[1, 2", b"\xff\xfe", b'{"text": "\xff\xfa"}']:
        response = writable.post("/api/articles", content=content, headers=headers)
        assert response.status_code == 422 and error_of(response)["code"] == "P505", content
    for body in [{}, {"text": ARTICLE_TEXT, "url": "https://example.org/a"}, {"url": "file:///etc/passwd"},
                 {"url": "/etc/passwd"}, {"text": ARTICLE_TEXT, "colour": "red"}, {"text": 42}]:  # fmt: skip
        response = writable.post("/api/articles", json=body, headers=AUTH)
        assert response.status_code == 422 and error_of(response)["code"] == "P505", body
    short = writable.post("/api/articles", json={"text": "Too short."}, headers=AUTH)
    assert (
        short.status_code == 422
        and error_of(short)["code"] == "P100"
        and "too short" in error_of(short)["message"]
    )


def test_body_size_limit(db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    with client_for(db_copy, extractor, serve={"max_body_bytes": 1000}) as c:
        big = {"text": ARTICLE_TEXT * 10}
        declared = c.post("/api/articles", json=big, headers=AUTH)
        assert declared.status_code == 413 and error_of(declared)["code"] == "P504"
        assert "serve.max_body_bytes" in error_of(declared)["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on the streamed bytes
            data = json.dumps(big).encode()
            for i in range(0, len(data), 300):
                yield data[i : i + 300]

        streamed = c.post(
            "/api/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
        )
        assert streamed.status_code == 413 and error_of(streamed)["code"] == "P504"
        assert c.get("/api/stats").json()["articles"] == 1
        small = c.post("/api/articles", json={"text": ARTICLE_TEXT}, headers=AUTH)
        assert small.status_code == 201


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        body = f"<html><head><title>From the web</title></head><body><article><p>{ARTICLE_TEXT}</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_ingest_a_url(db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/news/truce.html"
    try:
        with client_for(db_copy, extractor) as c:  # the SSRF guard refuses this loopback address...
            blocked = c.post("/api/articles", json={"url": url}, headers=AUTH)
            assert blocked.status_code == 422 and error_of(blocked)["code"] == "P201"
        with client_for(db_copy, extractor, fetch={"allow_private": True}) as c:  # ...unless allowed
            response = c.post("/api/articles", json={"url": url, "published": "2025-04-21"}, headers=AUTH)
            assert response.status_code == 201, response.text
            article = c.get(response.json()["results"][0]["link"] + ".json").json()["article"]
            assert (
                article["url"] == url
                and article["title"] == "From the web"
                and article["published"] == "2025-04-21"
            )
    finally:
        server.shutdown()


def test_the_store_is_written_only_through_flow(writable: TestClient, db_copy: Path) -> None:
    response = writable.post(
        "/api/articles", json={"text": ARTICLE_TEXT, "published": "2025-04-20"}, headers=AUTH
    )
    assert response.status_code == 201
    with open_store(str(db_copy)) as store:
        assert store.integrity_problems() == []
        assert analysis.board(store, as_of="2025-04-20")["commitments"]  # facts were consolidated


def test_an_actor_page_shows_its_newest_facts_and_links_to_all(seed_db: Path) -> None:
    """An actor's facts are bounded (``serve.actor_facts``): the newest ones, with how many are its
    own and a link to all of them a page at a time — a busy party's page stays small."""
    with client_for(seed_db) as client:
        everything = client.get("/api/actors/UKR").json()
    own = [f for f in everything["facts"] if f["party"] == "UKR"]
    assert len(own) >= 2 and everything["facts_total"] == len(own)
    with client_for(seed_db, serve={"actor_facts": 1}) as client:
        bounded = client.get("/api/actors/UKR").json()
        assert [f["id"] for f in bounded["facts"]] == [
            max(everything["facts"], key=lambda f: (f["first_seen"], f["id"]))["id"]
        ]
        assert bounded["facts_total"] == len(own)
        listed = client.get(bounded["facts_link"]).json()
        assert {f["id"] for f in listed["items"]} == {f["id"] for f in own}
        page = client.get("/actors/UKR").text
        assert "all of them" in page and f"{len(own):,} are its own" in page


def test_counts_taken_while_the_app_writes_are_not_kept(db_copy: Path) -> None:
    """A whole-store count (the actor index's, /api/stats) read while a write of this app is under
    way may predate it: it is answered, not kept, so the next request counts again."""
    from parley.settings import load_settings
    from parley.web.state import WebState

    state = WebState(str(db_copy), load_settings())
    try:
        counted = []

        def count_during_a_write() -> int:
            counted.append(1)
            state.write(lambda store: None)  # a write begins and ends while counting
            return len(counted)

        assert state.remembered("count", count_during_a_write) == 1
        assert state.remembered("count", count_during_a_write) == 2  # counted again
        assert state.remembered("count", lambda: 99) == 99
        assert state.remembered("count", lambda: 100) == 99  # kept
    finally:
        state.close()
