"""The web app over each store backend (a SQLite file and the real PostgreSQL): the founding
article posted through the API (gold records standing in for the extractor), then read back."""

from __future__ import annotations

import pytest
from store_support import GoldExtractor, seed_article
from test_web_support import ON_THE_DAY, TOKEN, TestClient

from parley.settings import load_settings
from parley.web import create_app

pytest_plugins = ["store_support", "test_web_support"]


def test_post_then_read_on_each_backend(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    article, _ = seed_article(published="2025-04-19")
    app = create_app(store_url, load_settings(), extractor=GoldExtractor())
    try:
        with TestClient(app) as c:
            posted = c.post("/api/articles", json={"text": article.text, "published": "2025-04-19"},
                            headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
            assert posted.status_code == 201, posted.text
            article_id = posted.json()["results"][0]["article_id"]

            board = c.get("/api/board", params={"as_of": ON_THE_DAY}).json()
            territory = {
                (x["party"], x["against"]["party"]) for x in board["conflicts"] if x["issue"] == "territory"
            }
            assert territory == {("UKR", "USA")}
            conflict = next(x for x in board["conflicts"] if x["issue"] == "territory")
            sources = c.get(f"/api/facts/{conflict['fact_id']}").json()["sources"]["items"]
            # Gold records carry no evidence spans: their links land on the article itself.
            assert [s["link"] for s in sources] == [f"/articles/{article_id}"]
            statements = c.get(f"/articles/{article_id}.json").json()["statements"]
            page = c.get(f"/articles/{article_id}").text
            assert all(f'id="span-{s["span"][0]}-{s["span"][1]}"' in page for s in statements)

            hits = c.get("/api/search", params={"q": "Crimea"}).json()["items"]
            assert hits and any(
                "Crimea" in "".join(p["text"] for p in h["parts"] if p["match"]) for h in hits
            )
            for path in ["/board", "/timeline", "/actors/UKR", "/articles", "/actors"]:
                assert (
                    c.get(path, params={"as_of": ON_THE_DAY} if path != "/articles" else None).status_code
                    == 200
                )
            assert c.get("/api/statements", params={"party": "USA"}).json()["total"] > 0
    finally:
        app.state.parley.close()
