"""End to end in a real browser: Debian's Chromium driven by Playwright against ``parley serve``.

The server runs over the founding article (extracted for real). Screenshots of the board and the
article page go to ``tests/artifacts/``. Every request a page makes must go to parley itself: the
dashboard works offline.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_web_support import BEFORE_PARIS, ON_THE_DAY, TOKEN, XSS_TEXT, LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
TARGET_BACKGROUND = "rgb(255, 225, 77)"  # --target in parley.css

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (`make browser` installs it)"
    ),
]
pytest_plugins = ["test_web_support"]


@pytest.fixture(scope="module")
def server(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``parley serve`` over a copy of the seed store, taking writes with ``TOKEN``."""
    copy = tmp_path_factory.mktemp("browser") / "parley.db"
    shutil.copyfile(seed_db, copy)
    with live_server(copy, token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


class Watched:
    """A page with what it did that it should not: dialogs opened, requests to other origins."""

    def __init__(self, context: Any, origin: str) -> None:
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.elsewhere: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(origin):
                request_route.continue_()
            else:
                self.elsewhere.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)


@pytest.fixture
def watched(browser: Any, server: LiveServer) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        yield Watched(context, server.url)
    finally:
        context.close()


def test_conflict_leads_to_its_sentence_highlighted(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(f"{server.url}/board?as_of={ON_THE_DAY}")
    conflict = page.locator("li.conflict[data-issue=territory]")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("Ukraine")
    expect(conflict).to_contain_text("red line")
    expect(conflict).to_contain_text("United States")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

    conflict.locator("a.conflict-link").click()
    page.wait_for_url(re.compile(r"/articles/1#span-\d+-\d+$"))
    target = page.locator(":target")
    expect(target).to_have_count(1)
    expect(target).to_contain_text("Ukraine will not recognize any of its occupied territories as Russian")
    expect(target).to_be_in_viewport()
    expect(target).to_have_css("background-color", TARGET_BACKGROUND)
    expect(target).to_have_class(re.compile(r"\bis-target\b"))  # the script marks every piece of the span
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    assert watched.dialogs == [] and watched.elsewhere == []


def test_as_of_date_replays_the_board(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(f"{server.url}/board?as_of={ON_THE_DAY}")
    expect(page.locator("li.conflict")).not_to_have_count(0)
    page.fill("#as-of", BEFORE_PARIS)  # the change submits the form
    page.wait_for_url(re.compile(rf"as_of={BEFORE_PARIS}"))
    expect(page.locator("h1 time")).to_have_text(BEFORE_PARIS)
    expect(page.locator("li.conflict")).to_have_count(0)
    expect(page.locator("#board-empty")).to_contain_text(f"Nothing had been reported by {BEFORE_PARIS}")
    page.get_by_role("link", name=re.compile("the day of the latest report")).click()  # and forward again
    page.wait_for_url(re.compile(rf"as_of={ON_THE_DAY}"))
    expect(page.locator("li.conflict[data-issue=territory]")).to_have_count(1)
    assert watched.elsewhere == []


def test_article_text_with_markup_is_inert(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    response = httpx.post(f"{server.url}/api/articles", json={"text": XSS_TEXT, "published": "2025-04-20"},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)  # fmt: skip
    assert response.status_code == 201, response.text
    page = watched.page
    page.goto(server.url + response.json()["results"][0]["link"])
    text = page.locator("#article-text")
    expect(text).to_contain_text("<script>alert('script ran')</script>")
    expect(text).to_contain_text("<img src=x onerror=\"alert('image ran')\">")
    assert text.locator("script, img").count() == 0  # no element, so no handler that could ever run
    assert watched.dialogs == [] and watched.elsewhere == []


def test_timeline_item_opens_its_fact(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(f"{server.url}/timeline?as_of={ON_THE_DAY}")
    bars = page.locator("svg.timeline-chart a.bar-link")
    expect(bars.first).to_be_visible()
    bars.first.click()
    page.wait_for_url(re.compile(r"/facts/\d+$"))
    expect(page.locator("table.sources a.sentence-link")).not_to_have_count(0)
    assert watched.elsewhere == []


def test_api_docs_work_offline(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(f"{server.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("parley")
    expect(page.locator(".opblock-summary-path", has_text="/api/board")).not_to_have_count(0)
    assert watched.elsewhere == []


def test_alerts_page_leads_from_an_alert_to_its_sentence(watched: Watched, server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = watched.page
    page.goto(f"{server.url}/alerts")
    red_line = page.locator("li.alert-red-line-crossed")
    expect(red_line).not_to_have_count(0)
    expect(red_line.first).to_contain_text("against Ukraine's red line")
    expect(page.locator("a.feed")).to_have_attribute("href", "/alerts.atom")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "alerts.png"), full_page=True)
    red_line.first.locator("p.meta a").click()  # the rule: its alerts only, with its own feed
    page.wait_for_url(re.compile(r"/alerts\?rule=red-lines$"))
    expect(page.locator("h1")).to_contain_text("red-lines")
    expect(page.locator("li.alert")).to_have_count(page.locator("li.alert-red-line-crossed").count())
    expect(page.locator("a.feed")).to_have_attribute("href", "/alerts.atom?rule=red-lines")
    page.locator("li.alert ul.sources a.sentence").first.click()
    page.wait_for_url(re.compile(r"/articles/1#span-\d+-\d+$"))
    expect(page.locator(":target")).to_be_in_viewport()
    assert watched.dialogs == [] and watched.elsewhere == []


#: Markup that runs a script wherever it is put into a page unescaped (element, attribute, URL, JS string).
XSS_PAYLOADS = [
    "<script>alert('p1')</script>",
    "\"><img src=x onerror=alert('p2')>",
    "'><svg onload=alert('p3')>",
    "javascript:alert('p4')",
    "</title><script>alert('p5')</script>",
    "';alert('p6');//",
]


def test_markup_in_titles_outlets_and_parameters_never_runs(watched: Watched, server: LiveServer) -> None:
    """Payloads stored as an article's title, outlet and process (and so in alerts), and sent in every
    page's query parameters, show as text: no dialog opens on any page."""
    page = watched.page
    for i, payload in enumerate(XSS_PAYLOADS):
        body = {"text": XSS_TEXT + f" Round {i}.", "title": payload, "outlet": payload, "process": payload}
        response = httpx.post(f"{server.url}/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"},
                              timeout=120)  # fmt: skip
        assert response.status_code in (201, 422), response.text
        if response.status_code == 201:
            page.goto(server.url + response.json()["results"][0]["link"])
        for path, param in [("/search", "q"), ("/board", "process"), ("/timeline", "process"), ("/articles", "outlet"),
                            ("/actors", "q"), ("/board", "as_of"), ("/alerts", "rule")]:  # fmt: skip
            page.goto(server.url + path + "?" + str(httpx.QueryParams({param: payload})))
    for path in ["/articles", "/board", "/timeline", "/alerts"]:  # /alerts: new processes named by payloads
        page.goto(server.url + path)
    assert watched.dialogs == [] and watched.elsewhere == []
