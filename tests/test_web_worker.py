"""Writes through the API are extracted in a child process of ``parley serve``, off the request path:
readers are answered while a long article is read, a child that dies costs only its article, and
stopping the server ends the child."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
from test_web_support import SEED_PUBLISHED, TOKEN, live_server

from parley.records import Article
from parley.settings import load_settings
from parley.worker import ExtractionWorker

pytest_plugins = ["test_web_support"]

AUTH = {"Authorization": f"Bearer {TOKEN}"}
# Sentences of our own: one record-bearing paragraph, repeated with variations into a long article.
PARAGRAPH = (
    "Ukraine agreed on Tuesday to a 30-day ceasefire on energy facilities, its foreign ministry said. "
    "Russia warned that it would resume strikes if the truce was broken.\n\n"
)


def long_article(chars: int) -> str:
    """A distinct article of about ``chars`` characters."""
    count = chars // len(PARAGRAPH) + 1
    return "".join(f"Report {n}. {PARAGRAPH}" for n in range(count))


def children(pid: int) -> list[int]:
    """The process ids of the children of ``pid``, whichever of its threads started them (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return found


def extraction_process(pid: int, timeout: float = 60.0) -> int:
    """The extraction process ``pid`` started (its other child is multiprocessing's resource tracker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children(pid):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        time.sleep(0.05)
    raise AssertionError(f"process {pid} started no extraction process in {timeout} s")


def test_readers_are_answered_while_a_long_article_is_extracted(db_copy: Path) -> None:
    with live_server(db_copy, token=TOKEN) as server:
        assert children(server.process.pid) == []  # nothing loads before the first write
        answer: dict[str, httpx.Response] = {}

        def post() -> None:
            body = {"text": long_article(120_000), "published": SEED_PUBLISHED}
            answer["post"] = httpx.post(f"{server.url}/api/articles", json=body, headers=AUTH, timeout=600)

        writer = threading.Thread(target=post)
        writer.start()
        extraction_process(server.process.pid)
        read_while_writing = 0
        with httpx.Client(base_url=server.url, timeout=60) as client:
            while writer.is_alive():
                assert client.get("/api/stats").status_code == 200
                assert client.get(f"/board?as_of={SEED_PUBLISHED}").status_code == 200
                read_while_writing += writer.is_alive()
        writer.join()
        assert read_while_writing > 0
        post = answer["post"]
        assert post.status_code == 201, post.text
        result = post.json()["results"][0]
        assert result["status"] == "stored" and result["records"] > 0
        stats = httpx.get(f"{server.url}/api/stats").json()
        assert stats["articles"] == 2
        child = extraction_process(server.process.pid)
        server.stop()
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_a_dead_extraction_process_fails_its_article_and_the_next_write_works(db_copy: Path) -> None:
    with live_server(db_copy, token=TOKEN) as server:
        answer: dict[str, httpx.Response] = {}

        def post() -> None:
            body = {"text": long_article(200_000), "published": SEED_PUBLISHED}
            answer["post"] = httpx.post(f"{server.url}/api/articles", json=body, headers=AUTH, timeout=600)

        writer = threading.Thread(target=post)
        writer.start()
        child = extraction_process(server.process.pid)
        time.sleep(1.0)
        os.kill(child, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        writer.join()
        failed = answer["post"]
        assert failed.status_code == 422, failed.text
        error = failed.json()["error"]
        assert error["code"] == "P601" and "extraction process stopped" in error["results"][0]["message"]
        body = {"text": PARAGRAPH * 2, "published": SEED_PUBLISHED}
        again = httpx.post(f"{server.url}/api/articles", json=body, headers=AUTH, timeout=600)
        assert again.status_code == 201, again.text
        assert httpx.get(f"{server.url}/api/stats").json()["articles"] == 2


def test_the_worker_answers_like_the_extractor_and_refuses_what_it_refuses() -> None:
    worker = ExtractionWorker(load_settings(input={"max_chars": 1_000}))
    try:
        records = worker.extract(Article(text=PARAGRAPH, source="short.txt", published="2025-03-04"))
        assert [c.party for c in records.commitments] == ["UKR"]
        first = worker.pid
        try:
            worker.extract(Article(text=PARAGRAPH * 20, source="long.txt"))
        except Exception as error:  # the InputError raised in the child, intact
            assert type(error).__name__ == "InputError" and error.source == "long.txt"  # type: ignore[attr-defined]
            assert "input.max_chars" in str(error)
        else:
            raise AssertionError("a text over input.max_chars was read")
        assert worker.pid == first  # a refused article does not cost the process
    finally:
        worker.close()
    assert worker.pid is None
