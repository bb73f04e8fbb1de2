"""The pages in process: each renders, has its JSON twin, escapes what articles say; the text
highlighter; ``parley serve`` as a user runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from test_web_support import BEFORE_PARIS, ON_THE_DAY, TOKEN, XSS_TEXT, TestClient, live_server

from parley import flow
from parley.records import Article
from parley.store import open_store
from parley.web.highlight import Mark, render

pytest_plugins = ["test_web_support"]


def test_every_page_and_its_json_twin(client: TestClient) -> None:
    fact_id = client.get("/api/facts").json()["items"][0]["id"]
    for path in ["/board", "/timeline", "/articles", "/articles/1", f"/facts/{fact_id}", "/actors", "/actors/UKR",
                 "/actors/person:marco-rubio", "/search"]:  # fmt: skip
        page = client.get(path, params={"as_of": ON_THE_DAY} if "articles" not in path else None)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        assert f'href="{path}.json' in page.text, path  # the page links its twin
        twin = client.get(f"{path}.json")
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", path
    assert client.get("/").text == client.get("/board").text
    assert client.get("/search", params={"q": "Crimea"}).text.count("<mark>Crimea</mark>") >= 2


def test_board_page_shows_the_conflict_and_replays_past_days(client: TestClient) -> None:
    page = client.get("/board", params={"as_of": ON_THE_DAY}).text
    assert 'class="conflict red-line" data-issue="territory" data-parties="UKR USA"' in page
    assert 'value="2025-04-19"' in page  # the as-of control
    before = client.get("/board", params={"as_of": BEFORE_PARIS}).text
    assert 'class="conflict' not in before and "Nothing had been reported by 2025-04-16" in before
    assert "the day of the latest report (2025-04-19)" in before


def test_timeline_page_draws_the_chart(client: TestClient) -> None:
    page = client.get("/timeline", params={"as_of": ON_THE_DAY})
    chart = client.get("/timeline.json", params={"as_of": ON_THE_DAY}).json()["chart"]
    assert chart["marks"] and chart["bars"] and {r["label"] for r in chart["rows"]} >= {"Ukraine", "Russia"}
    assert page.text.count('<a href="/facts/') >= len(chart["marks"]) + len(
        chart["bars"]
    )  # each item opens its fact
    assert 'class="bar bar-truce"' in page.text and 'class="as-of"' in page.text


def test_article_page_links_every_record_to_its_highlighted_span(client: TestClient) -> None:
    page = client.get("/articles/1").text
    data = client.get("/articles/1.json").json()
    for record in data["records"]:
        if record["link"]:
            start, end = record["span"]
            assert f'id="span-{start}-{end}"' in page, record
    fact = client.get("/api/conflicts", params={"as_of": ON_THE_DAY}).json()["items"][0]
    link = client.get(f"/api/facts/{fact['fact_id']}").json()["sources"]["items"][0]["link"]
    assert f'id="{link.split("#")[1]}"' in page


def test_article_text_is_inert(db_copy: Path, extractor: object) -> None:
    with open_store(str(db_copy)) as store:
        result = flow.take_in(
            store, Article(text=XSS_TEXT, source="xss.txt", published="2025-04-20"), extractor
        )  # type: ignore[arg-type]
    from test_web_support import client_for

    with client_for(db_copy) as c:
        page = c.get(f"/articles/{result.article_id}").text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#39;script ran&#39;)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=&#34;alert(&#39;image ran&#39;)&#34;&gt;" in page
        search = c.get("/search", params={"q": "script"}).text
        assert "<script>alert" not in search


def test_page_errors_are_pages(client: TestClient) -> None:
    missing = client.get("/articles/999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "no article with id 999" in missing.text and "P404" in missing.text
    bad = client.get("/board", params={"as_of": "soon"})
    assert bad.status_code == 422 and "as_of" in bad.text


# -- the highlighter ----------------------------------------------------------------------------


def test_highlight_escapes_every_piece() -> None:
    html = render("<b>Kyiv</b> & 'Moscow'", [Mark(3, 7, "statement", "speaker-0", 'he said "<x>"', True)])
    assert html == (
        '&lt;b&gt;<span class="mark mark-statement speaker-0" data-span="3-7" id="span-3-7"'
        ' title="he said &#34;&lt;x&gt;&#34;">Kyiv</span>&lt;/b&gt; &amp; &#39;Moscow&#39;'
    )


def test_highlight_nests_overlapping_spans() -> None:
    text = "0123456789"
    html = render(
        text, [Mark(0, 6, "statement", target=True), Mark(4, 10, "evidence", target=True), Mark(1, 2, "cue")]
    )
    # The evidence crosses the statement's end: it is cut in two pieces, the first with the id.
    assert html == (
        '<span class="mark mark-statement" data-span="0-6" id="span-0-6">0'
        '<span class="mark mark-cue" data-span="1-2">1</span>23'
        '<span class="mark mark-evidence" data-span="4-10" id="span-4-10">45</span></span>'
        '<span class="mark mark-evidence" data-span="4-10">6789</span>'
    )
    assert (
        str(render(text, [Mark(5, 50, "statement"), Mark(3, 3, "cue")])) == text
    )  # out of range, empty: dropped


def test_same_span_gets_one_id() -> None:
    html = str(render("abcdef", [Mark(0, 3, "statement", target=True), Mark(0, 3, "evidence", target=True)]))
    assert html.count('id="span-0-3"') == 1 and html.count('data-span="0-3"') == 2


# -- parley serve -------------------------------------------------------------------------------


def test_parley_serve_prints_its_url_and_serves(seed_db: Path) -> None:
    with live_server(seed_db, token=TOKEN) as server:
        assert server.first_line == f"parley: serving {server.url}/ (Ctrl-C to stop)\n"
        assert httpx.get(f"{server.url}/board").status_code == 200
        assert httpx.get(f"{server.url}/api/articles/1").json()["article"]["id"] == 1
    # Ctrl-C stops it cleanly, with the exit code of an interrupted command.
    assert server.process.returncode == 130 and "Traceback" not in server.stderr


def test_parley_serve_on_a_busy_port_says_so(seed_db: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "parley", "serve", "--db", str(seed_db), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert (
        done.returncode == 1
        and f"cannot listen on 127.0.0.1:{port}" in done.stderr
        and "[P506]" in done.stderr
    )


@pytest.mark.parametrize("db", ["/no/such/dir/parley.db"])
def test_parley_serve_with_a_bad_database_says_so(db: str) -> None:
    done = subprocess.run([sys.executable, "-m", "parley", "serve", "--db", db, "--port", "0"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "no such directory" in done.stderr and "Traceback" not in done.stderr
