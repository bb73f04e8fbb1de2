"""``parley watch`` against a real feed server on 127.0.0.1 that gains items between rounds (and
answers 304, 500, slowly, or with malformed XML), with the real extractor, alerts delivered to a
real webhook receiver; ``kill -9`` in the middle of ingest and of delivery loses and doubles nothing,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from alert_support import SECRET, FeedServer, WebhookReceiver, report_text

from parley.alerts.rules import Rule, add_rule
from parley.errors import InputError
from parley.extractor import Extractor
from parley.settings import Settings, load_settings
from parley.store import Store, open_store
from parley.watch import Watcher, WatchSource, parse_interval, read_sources_file

pytest_plugins = ["alert_support", "store_support"]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def settings(**watch: object) -> Settings:
    return load_settings(watch={"host_interval": 0.0, **watch}, fetch={"timeout": 2.0},
                         alerts={"retry_seconds": 0.0})  # fmt: skip


def watcher(
    store: Store, extractor: Extractor, config: Settings | None = None, every: float = 1.0, **options: object
) -> Watcher:
    return Watcher(store, extractor, config or settings(), every=every, allow_private=True, **options)  # type: ignore[arg-type]


def test_intervals_and_sources_files(tmp_path: Path) -> None:
    assert [parse_interval(t, "x") for t in ("10s", "15m", "1h", "2", "1.5m")] == [10, 900, 3600, 2, 90]
    with pytest.raises(InputError, match="not an interval: 'soon'"):
        parse_interval("soon", "--every")
    listed = tmp_path / "sources.txt"
    listed.write_text(
        "# feeds\nhttps://example.org/feed.xml RUS-UKR\n\n/data/inbox  # a directory\n", encoding="utf-8"
    )
    assert read_sources_file(listed) == [WatchSource("https://example.org/feed.xml", "RUS-UKR"),
                                         WatchSource("/data/inbox")]  # fmt: skip
    listed.write_text("a b c\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: expected 'SOURCE \\[PROCESS\\]'"):
        read_sources_file(listed)


def test_a_feed_that_gains_items_between_rounds(
    tmp_path: Path, extractor: Extractor, feed_server: FeedServer, webhook: WebhookReceiver
) -> None:
    feed_server.add(1, 2)
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("violations", kinds=("violation",), webhook=webhook.url), "test")
        watch = watcher(store, extractor)
        (first,) = watch.round([WatchSource(feed_server.feed)])
        assert (first.status, first.seen, first.new) == ("new", 2, 2)
        assert store.stats()["articles"] == 2 and len(webhook.alerts) == 2  # delivered in the round
        (second,) = watch.round([WatchSource(feed_server.feed)])
        assert second.status == "not modified" and feed_server.not_modified == 1  # a conditional GET
        feed_server.add(3)
        (third,) = watch.round([WatchSource(feed_server.feed)])
        assert (third.status, third.seen, third.new) == ("new", 3, 1)
        fetched = [feed_server.hits[f"/articles/{n}.html"] for n in (1, 2, 3)]
        assert fetched == [1, 1, 1]  # the entries already in are not fetched again
        assert len(webhook.alerts) == 3 and set(webhook.posts.values()) == {1}
        (newest,) = [
            a for a in webhook.alerts.values() if a["sources"][0]["url"].endswith("/articles/3.html")
        ]
        assert newest["kind"] == "violation" and newest["fact"]["party"] == "hamas"
        (health,) = store.watch_sources()
        assert health["failures"] == 0 and health["items_seen"] == 3 and health["items_new"] == 3
        assert health["etag"] == '"v2"' and health["last_error"] is None
        watch.close()


def test_a_failing_feed_backs_off_and_recovers(
    tmp_path: Path, extractor: Extractor, feed_server: FeedServer
) -> None:
    feed_server.add(4)
    feed = WatchSource(feed_server.feed)
    with open_store(str(tmp_path / "parley.db")) as store:
        watch = watcher(store, extractor, every=60.0)  # backing off for a minute, then two, then four
        failures = [
            ("error", "HTTP 500"),
            ("malformed", "malformed feed XML"),
            ("slow", "timed out after 2 s"),
        ]
        for doubled, (mode, error) in enumerate(failures):
            feed_server.mode = mode
            feed_server.slow_seconds = 3.0
            (failed,) = watch.round([feed])
            assert failed.status == "failed" and error in failed.error, failed
            health = store.watch_source(feed.source)
            assert health["last_error"] == failed.error and health["failures"] == doubled + 1
            waits = datetime.fromisoformat(health["next_at"]) - datetime.fromisoformat(health["last_attempt"])
            assert timedelta(seconds=60 * 2**doubled) <= waits <= timedelta(seconds=60 * 2**doubled + 10)
            (waiting,) = watch.round([feed])
            assert waiting.status == "backing off" and store.stats()["articles"] == 0
            with store.transaction():  # the back-off is over
                store.save_watch_source(feed.source, next_at=health["last_attempt"])
        assert store.watch_source(feed.source)["failures"] == 3
        feed_server.mode = "ok"
        (recovered,) = watch.round([feed])
        assert recovered.new == 1 and store.watch_source(feed.source)["failures"] == 0
        watch.close()


def test_the_guard_refuses_loopback_unless_allowed(
    tmp_path: Path, extractor: Extractor, feed_server: FeedServer
) -> None:
    feed_server.add(5)
    with open_store(str(tmp_path / "parley.db")) as store:
        guarded = Watcher(store, extractor, settings(), every=1.0)
        (refused,) = guarded.round([WatchSource(feed_server.feed)])
        assert refused.status == "failed" and "a loopback address" in refused.error
        assert feed_server.hits["/feed.xml"] == 0


def test_requests_to_one_host_keep_their_distance(
    tmp_path: Path, extractor: Extractor, feed_server: FeedServer
) -> None:
    feed_server.add(6, 7)
    times: list[float] = []
    with open_store(str(tmp_path / "parley.db")) as store:
        watch = watcher(store, extractor, settings(host_interval=0.4))
        fetching = watch.pace

        def timed(url: str) -> None:
            fetching(url)
            times.append(time.monotonic())

        watch.pace = timed  # type: ignore[method-assign]
        watch.round([WatchSource(feed_server.feed)])
        assert len(times) == 3  # the feed and its two pages
        assert all(b - a >= 0.39 for a, b in zip(times, times[1:], strict=False))


def test_a_directory_is_read_as_files_arrive(tmp_path: Path, extractor: Extractor) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text(report_text(8), encoding="utf-8")
    (inbox / ".hidden.txt").write_text(report_text(9), encoding="utf-8")
    with open_store(str(tmp_path / "parley.db")) as store:
        watch = watcher(store, extractor)
        source = WatchSource(str(inbox), "SDN-RSF")
        assert watch.round([source])[0].new == 1
        (inbox / "two.txt").write_text(report_text(10), encoding="utf-8")
        again = watch.round([source])[0]
        assert (again.seen, again.new) == (2, 1)
        assert watch.round([source])[0].status == "unchanged"
        assert {p["name"] for p in store.processes()} == {"SDN-RSF"}


def test_stop_ends_a_round_between_articles(
    tmp_path: Path, extractor: Extractor, feed_server: FeedServer
) -> None:
    feed_server.add(0, 1, 2, 3)
    stop = threading.Event()
    with open_store(str(tmp_path / "parley.db")) as store:
        watch = watcher(store, extractor, stop=stop)
        original = watch.pace

        def stop_after_two_pages(url: str) -> None:
            original(url)
            if sum(feed_server.hits[f"/articles/{n}.html"] for n in range(4)) == 2:
                stop.set()

        watch.pace = stop_after_two_pages  # type: ignore[method-assign]
        (stopped,) = watch.round([WatchSource(feed_server.feed)])
        assert stopped.status == "stopped" and store.stats()["articles"] == 3  # the article in hand finished
        assert store.watch_source(feed_server.feed)["etag"] is None  # validators wait for a whole round
        stop.clear()
        watch.pace = original  # type: ignore[method-assign]
        (rest,) = watch.round([WatchSource(feed_server.feed)])
        assert rest.new == 1 and store.stats()["articles"] == 4 and store.integrity_problems() == []


# -- the command, its signals, and kill -9 ------------------------------------------------------


def _env(tmp_path: Path, webhook: WebhookReceiver) -> dict[str, str]:
    rules = tmp_path / "rules.toml"
    rules.write_text(f'[[rules]]\nname = "everything"\nwebhook = "{webhook.url}"\n', encoding="utf-8")
    return {**os.environ, "PARLEY_WEBHOOK_SECRET": SECRET, "PARLEY_ALERTS_RULES_FILE": str(rules),
            "PARLEY_WATCH_HOST_INTERVAL": "0", "PARLEY_ALERTS_WEBHOOK_TIMEOUT": "2",
            "PARLEY_ALERTS_SMTP_TIMEOUT": "1", "PARLEY_ALERTS_RETRY_SECONDS": "0",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # fmt: skip


def _start(db: Path | str, feed: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "parley", "watch", feed, "--every", "1s", "--allow-private", "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _wait(
    what: str,
    condition: Callable[[], bool],
    process: subprocess.Popen[str] | None = None,
    timeout: float = 90,
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"parley watch exited ({process.returncode}) before {what}: {process.stderr.read()}"
            )  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _count(db: Path | str, sql: str) -> int:
    """A count read from the store beside the running watch (0 while its tables do not exist yet)."""
    if str(db).startswith("postgresql"):
        try:
            with psycopg.connect(str(db), autocommit=True) as conn:
                return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]
        except psycopg.errors.UndefinedTable:
            return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.stderr is not None
    process.stderr.close()


def test_sigterm_stops_the_watch_cleanly(
    tmp_path: Path, feed_server: FeedServer, webhook: WebhookReceiver
) -> None:
    feed_server.add(0, 1)
    db = tmp_path / "parley.db"
    process = _start(db, feed_server.feed, _env(tmp_path, webhook))
    try:
        _wait("two articles", lambda: _count(db, "SELECT COUNT(*) FROM articles") == 2, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "SIGTERM: stopping after the article in hand" in process.stderr.read()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    status = subprocess.run([sys.executable, "-m", "parley", "watch", "--status", "--json", "--db", str(db)],
                            capture_output=True, text=True, env=_env(tmp_path, webhook), timeout=60)  # fmt: skip
    (health,) = json.loads(status.stdout)
    assert health["source"] == feed_server.feed and health["items_new"] == 2 and health["failures"] == 0


@pytest.mark.slow
def test_kill_9_during_ingest_and_delivery_loses_and_doubles_nothing(
    tmp_path: Path, store_url: str, extractor: Extractor, feed_server: FeedServer, webhook: WebhookReceiver
) -> None:
    """The alerts a clean run raises reach the receiver exactly once (by idempotency key) after the
    watch is killed with SIGKILL in the middle of taking in articles, then of delivering alerts."""
    items = list(range(8))
    # What a clean run raises: the same feed taken in by a watch that is never interrupted.
    reference = FeedServer()
    reference.add(*items)
    with open_store(str(tmp_path / "reference.db")) as store:
        add_rule(store, Rule("everything"), "test")
        watcher(store, extractor).round([WatchSource(reference.feed)])
        expected = {a["key"] for a in store.alerts(limit=None)}
    reference.close()
    assert len(expected) >= len(items)

    feed_server.add(*items)
    feed_server.page_delay = 0.3  # articles arrive slowly: the first kill lands in the middle of them
    db, env = store_url, _env(tmp_path, webhook)
    articles = "SELECT COUNT(*) FROM articles"

    first = _start(db, feed_server.feed, env)
    _wait("the third article", lambda: _count(db, articles) >= 3, first)
    _kill(first)
    after_first = _count(db, articles)
    assert after_first < len(items)

    webhook.delay = 0.5  # deliveries take a while: the second kill lands while one is in flight
    second = _start(db, feed_server.feed, env)
    _wait("deliveries under way", lambda: webhook.requests >= 3, second)
    _kill(second)
    assert len(webhook.alerts) < len(expected)

    webhook.delay = 0.0
    third = _start(db, feed_server.feed, env)
    try:
        delivered = "SELECT COUNT(*) FROM alert_deliveries WHERE status = 'delivered'"
        _wait("every alert delivered", lambda: _count(db, articles) == len(items)
              and _count(db, delivered) == len(expected), third)  # fmt: skip
        third.send_signal(signal.SIGTERM)
        assert third.wait(timeout=30) == 0
    finally:
        if third.poll() is None:
            third.kill()
            third.wait()
        third.stderr.close()  # type: ignore[union-attr]

    with open_store(db) as store:
        raised = {a["key"] for a in store.alerts(limit=None)}
        assert store.integrity_problems() == []
    received = {key.removeprefix("everything|") for key in webhook.alerts}
    assert raised == expected and received == {key.removeprefix("everything|") for key in expected}
    assert all(count >= 1 for count in webhook.posts.values())
    # A delivery cut between the receiver's answer and its record is sent again with the same
    # idempotency key; the receiver counts it once. Anything else arrives exactly once.
    assert sum(webhook.posts.values()) - len(webhook.posts) <= 1
    # Only the article in hand when the watch was killed is fetched twice.
    assert sum(feed_server.hits[f"/articles/{n}.html"] for n in items) - len(items) <= 1


def test_each_round_raises_the_clock_s_deadlines(tmp_path: Path, extractor: Extractor) -> None:
    """The founding article dropped in a watched directory; on the clock's day after the US mediation
    deadline, the round that takes it in also raises that deadline's passing."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seed-rubio-paris.txt"
    (inbox / "seed.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (inbox / "seed.meta.json").write_text('{"published": "2025-04-19"}', encoding="utf-8")
    config = load_settings(watch={"host_interval": 0.0}, alerts={"clock": "2025-04-27"})
    with open_store(str(tmp_path / "parley.db")) as store:
        add_rule(store, Rule("rus-ukr-deadlines", kinds=("deadline passed",), processes=("RUS-UKR",)), "test")
        watcher(store, extractor, config).round([WatchSource(str(inbox))])
        (alert,) = store.alerts()
        assert alert["kind"] == "deadline passed" and alert["payload"]["date"] == "2025-04-26"
        assert alert["payload"]["fact"]["party"] == "USA" and alert["payload"]["fact"]["issue"] == "mediation"
