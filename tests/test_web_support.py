"""Fixtures of the web tests (loaded with ``pytest_plugins``; this module holds no tests).

The store is the founding article run through the real extractor and ``parley.flow.take_in``,
published on 2025-04-19, the day after Rubio spoke following the Paris meeting of 2025-04-17.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from parley import flow
from parley.extractor import Extractor
from parley.records import Article
from parley.settings import load_settings
from parley.store import open_store
from parley.web import create_app

with warnings.catch_warnings():  # Starlette's note that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_PUBLISHED = "2025-04-19"
#: The board is read on the day the article came out, and before the Paris meeting.
ON_THE_DAY = "2025-04-19"
BEFORE_PARIS = "2025-04-16"
TOKEN = "s3cret-web-token"
XSS_TEXT = (
    "Negotiators met in Geneva on Monday and said the ceasefire would hold. <script>alert('script ran')</script>"
    " The foreign ministry said <img src=x onerror=\"alert('image ran')\"> was not acceptable to Ukraine."
)


def seed_article() -> Article:
    """The founding article as it would be ingested."""
    text = (SHARED / "corpus" / "seed-rubio-paris.txt").read_text(encoding="utf-8")
    return Article(text=text, source="seed-rubio-paris.txt", id="seed-rubio-paris", published=SEED_PUBLISHED)


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The real extractor, loaded once for the session."""
    return Extractor()


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    """A SQLite store holding the founding article, extracted for real (do not write to it)."""
    path = tmp_path_factory.mktemp("web") / "seed.db"
    with open_store(str(path)) as store:
        result = flow.take_in(store, seed_article(), extractor)
        assert result.status == "stored", result
    return path


@pytest.fixture
def db_copy(seed_db: Path, tmp_path: Path) -> Path:
    """A copy of the seed store a test may write to."""
    copy = tmp_path / "parley.db"
    shutil.copyfile(seed_db, copy)
    return copy


@contextmanager
def client_for(db: Path | str, extractor: Any = None, **sections: dict[str, Any]) -> Iterator[TestClient]:
    """An in-process client of the app over ``db``; ``sections`` override settings (``serve={...}``)."""
    app = create_app(str(db), load_settings(**sections), extractor=extractor)
    try:
        with TestClient(app) as client:
            yield client
    finally:
        app.state.parley.close()


@pytest.fixture
def client(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of the app over the seed store, with no write token configured."""
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    with client_for(seed_db) as c:
        yield c


class LiveServer:
    """``parley serve`` on a free port of 127.0.0.1, in its own process, as a user runs it."""

    def __init__(self, db: Path, token: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PARLEY_TOKEN"}
        if token:
            env["PARLEY_TOKEN"] = token
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parley", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", self.first_line)
        if not found:
            self.stop()
            raise AssertionError(f"parley serve did not print its URL: {self.first_line!r} {self.stderr}")
        self.url = found.group(0).rstrip("/")

    def stop(self) -> int:
        """Ctrl-C, as a user stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    @property
    def stderr(self) -> str:
        return self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else ""


@contextmanager
def live_server(db: Path, token: str | None = None) -> Iterator[LiveServer]:
    """A running ``parley serve`` over ``db``, stopped at the end."""
    server = LiveServer(db, token)
    try:
        yield server
    finally:
        server.stop()
