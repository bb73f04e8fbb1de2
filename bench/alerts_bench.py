"""Alerts benchmark: derivation cost per new article as the store grows, and the delay from an item
appearing in a feed to its alert at a webhook receiver. Prints figures.

    .venv/bin/python bench/alerts_bench.py                          # 1,000 and 10,000 articles, then the delay
    .venv/bin/python bench/alerts_bench.py --sizes 1000 100000 --no-delay
    .venv/bin/python bench/alerts_bench.py --sizes --delay-items 5  # only the delay

1. **Derivation**: a SQLite store is filled with synthetic articles (``store_bench.Synthetic``:
   records made, not extracted; 500 articles per transaction, two years of news; no alert raised
   while filling, so that every event of the articles measured is new and raises its alerts), then
   ``--new`` more articles of the following days are committed one transaction each, as
   ``parley ingest`` does, with the default rules. The time
   ``parley.alerts.derive.derive_article`` takes inside each commit is measured apart from the
   commit as a whole: p50, p95 and mean in ms, and the alerts raised per article. Flat from one
   size to the next means the cost is per new article, not per stored article.
2. **Delay**: ``parley watch FEED --every 10s`` runs as a user runs it, over a real RSS feed on
   127.0.0.1 (``tests/alert_support.FeedServer``) and a real webhook receiver checking signatures;
   an item is published at a random moment, and the seconds until its alert reaches the receiver
   are printed (the watch's round interval bounds the wait; extraction and delivery add to it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from store_bench import START, Synthetic, fill, percentile

from parley import flow
from parley.alerts import derive
from parley.settings import load_settings
from parley.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def derivation(size: int, new: int, directory: Path) -> dict[str, float]:
    """Per-article derivation and commit times (ms) after filling a store to ``size`` articles."""
    path = directory / f"alerts-{size}.db"
    source = Synthetic(seed=11)
    settings = load_settings()
    with open_store(str(path)) as store:
        started = time.perf_counter()
        flow.derive_article = lambda *args, **kwargs: []  # filling raises no alert: every one is new below
        try:
            fill(store, source, size)
        finally:
            flow.derive_article = derive.derive_article
        filled = time.perf_counter() - started
        derive_ms: list[float] = []
        commit_ms: list[float] = []
        before = store.alert_count()

        def timed(store_: object, article_id: int, settings_: object = None) -> list[derive.Raised]:
            begun = time.perf_counter()
            try:
                return derive.derive_article(store_, article_id, settings_)  # type: ignore[arg-type]
            finally:
                derive_ms.append((time.perf_counter() - begun) * 1000)

        flow.derive_article = timed  # type: ignore[assignment]  # measured inside the real commit
        try:
            after = START + timedelta(days=730)  # the news of the days after those stored
            for article, made in (source.article(after + timedelta(days=i // 10)) for i in range(new)):
                begun = time.perf_counter()
                flow.commit(store, article, made, settings=settings)
                commit_ms.append((time.perf_counter() - begun) * 1000)
        finally:
            flow.derive_article = derive.derive_article
        raised = store.alert_count() - before
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {
        "fill_s": filled,
        "derive_p50": statistics.median(derive_ms),
        "derive_p95": percentile(derive_ms, 0.95),
        "derive_mean": statistics.fmean(derive_ms),
        "commit_p50": statistics.median(commit_ms),
        "commit_mean": statistics.fmean(commit_ms),
        "alerts_per_article": raised / new,
    }


def delay(items: int, every: str, directory: Path) -> list[float]:
    """Seconds from an item's publication in the feed to its alert at the webhook receiver."""
    sys.path.insert(0, str(ROOT / "tests"))
    from alert_support import SECRET, FeedServer, WebhookReceiver

    feed, receiver = FeedServer(), WebhookReceiver()
    rules = directory / "rules.toml"
    rules.write_text(f'[[rules]]\nname = "violations"\nkinds = ["violation"]\nwebhook = "{receiver.url}"\n')
    env = {**os.environ, "PARLEY_WEBHOOK_SECRET": SECRET, "PARLEY_ALERTS_RULES_FILE": str(rules),
           "PARLEY_WATCH_HOST_INTERVAL": "0", "PYTHONPATH": str(ROOT)}  # fmt: skip
    watch = subprocess.Popen(
        [sys.executable, "-m", "parley", "watch", feed.feed, "--every", every, "--allow-private",
         "--db", str(directory / "delay.db")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    rng = random.Random(5)
    delays = []
    try:
        time.sleep(8)  # the watch loads its pipeline and polls the empty feed once
        for n in range(items):
            time.sleep(rng.uniform(0, 10))  # publish at a random point of the watch's round
            published = time.monotonic()
            feed.add(n)
            while len(receiver.arrived) <= n:
                if time.monotonic() - published > 120:
                    raise SystemExit(f"item {n}: no alert after 120 s")
                time.sleep(0.05)
            arrived = sorted(receiver.arrived.values())[n]
            delays.append(arrived - published)
            print(
                f"  item {n}: alert at the receiver {delays[-1]:.1f} s after it appeared in the feed",
                flush=True,
            )
    finally:
        watch.terminate()
        watch.wait(timeout=60)
        feed.close()
        receiver.close()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="stored articles")
    parser.add_argument("--new", type=int, default=200, help="articles committed and timed at each size")
    parser.add_argument("--no-delay", action="store_true", help="skip the feed-to-receiver delay")
    parser.add_argument("--delay-items", type=int, default=5)
    parser.add_argument("--every", default="10s")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="parley-alerts-bench-") as scratch:
        directory = Path(scratch)
        if args.sizes:
            print("derivation per new article, SQLite, default rules (ms):")
            print("  stored   fill s   derive p50   p95   mean   commit p50   mean   alerts/article")
        for size in args.sizes:
            found = derivation(size, args.new, directory)
            print(f"  {size:>7,} {found['fill_s']:8.1f} {found['derive_p50']:10.2f} {found['derive_p95']:7.2f}"
                  f" {found['derive_mean']:6.2f} {found['commit_p50']:10.1f} {found['commit_mean']:7.1f}"
                  f" {found['alerts_per_article']:10.2f}", flush=True)  # fmt: skip
        if not args.no_delay:
            print(f"feed to receiver, parley watch --every {args.every}:")
            delays = delay(args.delay_items, args.every, directory)
            print(
                f"  mean {statistics.fmean(delays):.1f} s, max {max(delays):.1f} s over {len(delays)} items"
            )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
