"""The guarantees that held when parley was attacked and abused, pinned so a regression fails
(docs/SECURITY.md lists them with the tests that hold each one):

- a ``kill -9`` of ``parley ingest`` (SQLite and PostgreSQL) or ``parley serve`` in the middle of
  writing leaves a sound store, and a re-run stores what is missing: nothing lost, nothing twice;
- writes without the right bearer token are refused and change nothing;
- path traversal through the static mounts and the page routes reaches no file;
- SQL metacharacters in every search and filter parameter are data, on both backends;
- the SSRF guard holds for URLs given to the API;
- a 50 MB body gets 413 from the real server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from store_support import SHARED, GoldExtractor, corpus_names, seed_article
from test_web_support import TOKEN, TestClient, client_for, live_server

from parley.settings import load_settings
from parley.store import open_store
from parley.web import create_app

pytest_plugins = ["store_support", "test_web_support"]

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = (
    "Kyiv agreed on Monday to a 30-day ceasefire on energy infrastructure, the Ukrainian foreign ministry said."
    " Moscow said it would not attack energy facilities if Ukraine did the same."
)


# -- kill -9 ------------------------------------------------------------------------------------


def _batch(path: Path, count: int) -> Path:
    """A JSONL batch of ``count`` distinct articles made from the shared corpus."""
    names = corpus_names()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = (SHARED / "corpus" / f"{names[i % len(names)]}.txt").read_text(encoding="utf-8")
            row = {"id": f"a{i}", "text": f"{text}\n\nUpdate {i}.", "published": "2025-04-18"}
            out.write(json.dumps(row) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("stored_first", [0, 2, 6], ids=lambda n: f"after {n} stored")
def test_kill_9_of_parley_ingest_loses_and_duplicates_nothing(
    store_url: str, tmp_path: Path, stored_first: int
) -> None:
    """Killed while the pipeline loads, early in the batch, and later (each kill lands wherever the
    writer is: reading, extracting or inside a commit)."""
    count = 24
    batch = _batch(tmp_path / "batch.jsonl", count)
    argv = [sys.executable, "-m", "parley", "ingest", "--db", store_url, str(batch)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open_store(store_url) as watcher:
            deadline = time.monotonic() + 300
            if not stored_first:
                time.sleep(1.0)  # the pipeline is loading, the store is open
            while (
                watcher.stats()["articles"] < stored_first
                and time.monotonic() < deadline
                and process.poll() is None
            ):
                time.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            assert process.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
            stored_before = watcher.stats()["articles"]
            assert watcher.integrity_problems() == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert stored_first <= stored_before < count
    subprocess.run(argv, check=True, capture_output=True, timeout=600)
    with open_store(store_url) as store:
        assert store.stats()["articles"] == count
        assert len({a["source"] for a in store.rows("articles")}) == count
        assert store.integrity_problems() == []


@pytest.mark.slow
def test_kill_9_of_parley_serve_mid_write_leaves_a_sound_store(db_copy: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in _batch(tmp_path / "batch.jsonl", 6).read_text().splitlines()]
    with open_store(str(db_copy)) as store:
        before = store.stats()["articles"]

    def post(server_url: str, row: dict[str, str]) -> httpx.Response:
        return httpx.post(f"{server_url}/api/articles", json={"text": row["text"]}, headers=AUTH, timeout=300)

    with live_server(db_copy, token=TOKEN) as server:
        assert post(server.url, rows[0]).status_code == 201  # the pipeline is loaded: writes are quick now
        failures: list[Exception] = []

        def write_the_rest() -> None:
            try:
                for row in rows[1:]:
                    post(server.url, row)
            except httpx.HTTPError as exc:  # the server died under a request
                failures.append(exc)

        writer = threading.Thread(target=write_the_rest)
        writer.start()
        time.sleep(0.6)  # a few articles in: one is being extracted or committed
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        writer.join(timeout=60)
        assert failures, "every write finished before the server was killed"
    with open_store(str(db_copy)) as store:
        assert store.integrity_problems() == []
        assert before + 1 <= store.stats()["articles"] < before + len(rows)
    with live_server(db_copy, token=TOKEN) as server:  # the client sends everything again
        assert all(post(server.url, row).status_code in (200, 201) for row in rows)
    with open_store(str(db_copy)) as store:
        assert store.stats()["articles"] == before + len(rows)
        assert store.integrity_problems() == []


# -- writes need the token ----------------------------------------------------------------------

REFUSED_HEADERS = {
    "none": {},
    "empty bearer": {"Authorization": "Bearer "},
    "wrong token": {"Authorization": "Bearer wrong"},
    "prefix of the token": {"Authorization": f"Bearer {TOKEN[:-1]}"},
    "token plus a character": {"Authorization": f"Bearer {TOKEN}x"},
    "token in another case": {"Authorization": f"Bearer {TOKEN.upper()}"},
    "basic scheme": {"Authorization": f"Basic {TOKEN}"},
    "token without scheme": {"Authorization": TOKEN},
    "token in another header": {"X-Token": TOKEN},
    "token as a query parameter": {},
}


@pytest.mark.parametrize("case", list(REFUSED_HEADERS))
def test_a_write_without_the_right_token_is_refused_and_changes_nothing(
    case: str, db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    with client_for(db_copy, GoldExtractor()) as client:
        before = client.get("/api/stats").json()
        params = {"token": TOKEN} if case == "token as a query parameter" else None
        headers = REFUSED_HEADERS[case]
        posted = client.post("/api/articles", json={"text": TEXT}, headers=headers, params=params)
        deleted = client.delete("/api/articles/1", headers=headers, params=params)
        assert posted.status_code in (401, 403) and deleted.status_code in (401, 403)
        assert client.get("/api/stats").json() == before


def test_writes_are_refused_when_no_token_is_configured(
    db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    with client_for(db_copy, GoldExtractor()) as client:
        for headers in ({}, AUTH, {"Authorization": "Bearer "}):
            assert client.post("/api/articles", json={"text": TEXT}, headers=headers).status_code == 403
            assert client.delete("/api/articles/1", headers=headers).status_code == 403
        assert client.get("/api/stats").json()["articles"] == 1


# -- path traversal -----------------------------------------------------------------------------

TRAVERSALS = [
    "/static/../parley.db",
    "/static/..%2f..%2fsettings.py",
    "/static/%2e%2e/%2e%2e/settings.py",
    "/static/..%252f..%252fsettings.py",
    "/static/....//....//settings.py",
    "/static/%2e%2e%5c%2e%2e%5csettings.py",
    "/docs/assets/../../../../etc/passwd",
    "/docs/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static//etc/passwd",
    "/static/%00../settings.py",
    "/articles/..%2f..%2fetc%2fpasswd",
    "/actors/..%2f..%2fetc%2fpasswd",
    "/api/actors/..%2f..%2f..%2fetc%2fpasswd",
    "/articles/1/../../../../etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reaches_no_file(path: str, db_copy: Path) -> None:
    with client_for(db_copy) as client:
        response = client.get(path)
    assert response.status_code in (400, 404, 422), (path, response.status_code)
    body = response.content
    assert b"root:" not in body and b"SQLite format 3" not in body and b"load_settings" not in body


# -- SQL metacharacters -------------------------------------------------------------------------

PAYLOADS = [
    "'",
    '"',
    "'; DROP TABLE articles; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM facts",
    "%",
    "_",
    "\\",
    "*",
    "NEAR(",
    'ceasefire" OR "1',
    "a) OR (b",
    "$$; DROP TABLE articles; $$",
    "UNION SELECT * FROM schema_migrations",
    "-- comment",
    "/* x */",
    "::text",
    "\x00",
]


@pytest.mark.parametrize("backend_payload", PAYLOADS)
def test_sql_metacharacters_are_data_on_every_read(
    backend_payload: str, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    article, _ = seed_article(published="2025-04-19")
    app = create_app(store_url, load_settings(), extractor=GoldExtractor())
    try:
        with TestClient(app) as client:
            assert client.post("/api/articles", json={"text": article.text}, headers=AUTH).status_code == 201
            before = client.get("/api/stats").json()
            payload = backend_payload
            for path, param in [
                ("/api/search", "q"), ("/search", "q"), ("/api/facts", "process"), ("/api/facts", "party"),
                ("/api/facts", "status"), ("/api/statements", "speaker"), ("/api/board", "process"),
                ("/api/timeline", "process"), ("/api/articles", "outlet"), ("/api/actors", "q"),
            ]:  # fmt: skip
                response = client.get(path, params={param: payload})
                assert response.status_code < 500, (path, param, response.text)
            assert client.post("/api/articles", json={"text": TEXT, "title": payload, "outlet": payload},
                               headers=AUTH).status_code < 500  # fmt: skip
            after = client.get("/api/stats").json()
            assert after["articles"] in (before["articles"], before["articles"] + 1)
            assert after["facts"] and client.get("/api/search", params={"q": "Crimea"}).json()["items"]
    finally:
        app.state.parley.close()


# -- SSRF through the API -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://127.0.0.1:5432/",
        "http://localhost/",
        "http://0x7f000001/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://metadata.google.internal/",
    ],
)
def test_the_api_refuses_urls_on_private_and_metadata_addresses(
    url: str, db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", TOKEN)
    with client_for(db_copy, GoldExtractor()) as client:
        response = client.post("/api/articles", json={"url": url}, headers=AUTH)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "P201"
        assert client.get("/api/stats").json()["articles"] == 1


# -- a 50 MB body -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_50_mb_body_gets_413_from_the_real_server(db_copy: Path) -> None:
    body = b'{"text": "' + b"a" * 50_000_000 + b'"}'
    with live_server(db_copy, token=TOKEN) as server:
        response = httpx.post(
            f"{server.url}/api/articles", content=body, timeout=120,
            headers={**AUTH, "Content-Type": "application/json"},
        )  # fmt: skip
        assert response.status_code == 413 and response.json()["error"]["code"] == "P504"
        assert httpx.get(f"{server.url}/api/stats", timeout=30).json()["articles"] == 1
