"""The database as a user may get it wrong: unsupported ``--db`` schemes, a damaged SQLite file, a
read-only one; ``parley serve`` on those, its start-up line, and a non-ASCII write token.

The read-only cases run parley in a private mount namespace (``unshare --mount``) where the test's
directory is bind-mounted read-only: as root, file modes do not stop writes, a read-only mount does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_web_support import TestClient, client_for

from parley.cli import main

pytest_plugins = ["test_web_support"]

ARTICLE = (
    "Ukrainian President Volodymyr Zelensky said on Monday that Kyiv was ready to accept a full "
    "ceasefire for 30 days if Moscow did the same.\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A SQLite store in its own directory holding one article."""
    folder = tmp_path / "store"
    folder.mkdir()
    article = tmp_path / "zelensky.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "ingest", "--db", str(folder / "parley.db"), str(article))
    assert code == 0, err
    return folder / "parley.db"


def _damage(db: Path) -> None:
    """Overwrite every page after the first (which holds the schema) with garbage, as a failing disk
    would: the file opens, and whatever a command reads (a table, an index) is damaged."""
    size = db.stat().st_size
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as handle:
        handle.seek(page)
        handle.write(b"\xa5" * (size - page))


@pytest.mark.parametrize(
    "url", ["mysql://user:secret@db.example/news", "http://example.org/parley", "redis://x"]
)
def test_an_unsupported_scheme_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "--db", url)
    scheme = url.split(":", 1)[0]
    assert code == 1 and f"unsupported database scheme {scheme!r}" in err and "postgresql://" in err
    assert "secret" not in err and "no such directory" not in err and err.count("\n") == 1


def test_a_damaged_file_is_one_error_for_stats_ingest_and_export(
    stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(stored)
    other = tmp_path / "other.txt"
    other.write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    for argv in (
        ["stats", "--db", str(stored)],
        ["ingest", "--db", str(stored), str(other)],
        ["export", "--db", str(stored), "--format", "json", "--table", "articles"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 1, argv
        assert f"{stored}: the database file is damaged" in err and "Traceback" not in err, err


def test_a_file_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"these are my notes, not a database\n" * 200)
    code, _, err = run(capsys, "stats", "--db", str(bogus))
    assert code == 1 and "file is not a database" in err
    assert bogus.read_bytes() == b"these are my notes, not a database\n" * 200


def _serve(db: Path, *extra: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARLEY_TOKEN"}
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "parley", "serve", "--db", str(db), "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _damage_table(db: Path, table: str) -> None:
    """Overwrite the leaf pages of one table: the file opens, but reading that table fails."""
    with sqlite3.connect(db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            n
            for (n,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
    conn.close()
    assert pages
    with db.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\xa5" * size)


def test_serve_refuses_a_database_whose_tables_are_damaged(stored: Path) -> None:
    _damage_table(stored, "records")
    process = _serve(stored)
    try:
        out, err = process.communicate(timeout=120)
    finally:
        _stop(process)
    assert process.returncode == 1 and out == ""
    assert "the database file is damaged" in err and "not serving it" in err and "Traceback" not in err


def test_serve_prints_its_url_only_once_it_listens(stored: Path) -> None:
    process = _serve(stored)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url, line
        # Frozen right after printing: a connection is accepted by the kernel only if the socket
        # already listens; it is answered once the server runs again.
        process.send_signal(signal.SIGSTOP)
        try:
            with socket.create_connection(("127.0.0.1", int(url.group(1))), timeout=5):
                pass
        finally:
            process.send_signal(signal.SIGCONT)
        assert httpx.get(url.group(0) + "api/stats", timeout=30).json()["articles"] == 1
    finally:
        _stop(process)


def test_a_non_ascii_token_matches_when_sent_as_utf8(
    db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "clé-ключ-🔑"
    monkeypatch.setenv("PARLEY_TOKEN", token)
    body = {"text": ARTICLE, "published": "2025-03-10"}
    client: TestClient
    with client_for(db_copy, extractor) as client:
        wrong = client.post("/api/articles", json=body, headers={"Authorization": b"Bearer cle-kluch"})
        assert wrong.status_code == 403
        right = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {token}".encode()})
        assert right.status_code == 201, right.text


# -- read-only --------------------------------------------------------------------------------


def _read_only_prefix(folder: Path) -> tuple[str, ...]:
    """A command prefix that runs the rest with ``folder`` bind-mounted read-only."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ("unshare", "--mount", "sh", "-c", script, str(folder))


@pytest.fixture
def read_only_prefix(stored: Path) -> Iterator[tuple[str, ...]]:
    prefix = _read_only_prefix(stored.parent)
    probe = subprocess.run([*prefix, "sh", "-c", f"! touch {stored.parent}/probe"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.decode().strip()}")
    yield prefix


def _parley(prefix: tuple[str, ...], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "parley", *argv], capture_output=True, text=True, timeout=180
    )


def test_reading_commands_read_a_read_only_database(stored: Path, read_only_prefix: tuple[str, ...]) -> None:
    before = stored.read_bytes()
    db = ["--db", str(stored)]
    stats = _parley(read_only_prefix, "stats", "--json", *db)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 1
    for argv in (["board", "--json"], ["search", "ceasefire", "--json"], ["export", "--format", "csv"],
                 ["alerts", "list", "--json"], ["alerts", "log", "--json"],
                 ["alerts", "check", "--dry-run", "--as-of", "2025-04-20"]):  # fmt: skip
        done = _parley(read_only_prefix, *argv, *db)
        assert done.returncode == 0 and "readonly" not in done.stderr, (argv, done.stderr)
    for argv in (["ingest", str(stored.parent.parent / "zelensky.txt")], ["alerts", "add", "mine"]):
        refused = _parley(read_only_prefix, *argv, *db)
        assert refused.returncode == 1, (argv, refused.stderr)
        assert "the database cannot be written" in refused.stderr and "Traceback" not in refused.stderr
    assert stored.read_bytes() == before


def test_serve_reads_a_read_only_database_and_refuses_writes(
    stored: Path, read_only_prefix: tuple[str, ...]
) -> None:
    process = _serve(stored, prefix=read_only_prefix)
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
        assert url, process.stderr.read() if process.poll() is not None else "no URL"
        assert "read-only: the database file cannot be written" in process.stdout.readline()
        assert httpx.get(url.group(0) + "api/stats", timeout=30).json()["articles"] == 1
    finally:
        _stop(process)


def test_damage_met_while_serving_is_a_503_naming_it_not_a_500(stored: Path) -> None:
    _damage_table(stored, "statements")
    with client_for(stored) as client:
        response = client.get("/api/statements")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "P400" and "the database file is damaged" in error["message"]
