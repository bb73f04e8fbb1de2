"""Load test of ``parley serve``: concurrent readers of the pages and lists while an ingest writes.

::

    python bench/web_load.py                    # 50 readers for 30 s
    python bench/web_load.py --seconds 10 --readers 20
    python bench/web_load.py --db postgresql://postgres@127.0.0.1:5432/scratch
    python bench/web_load.py --no-ingest        # readers only, to compare
    python bench/web_load.py --article-chars 200000   # the writer posts 200,000-character articles

It builds a store (the founding article and the example corpus, extracted for real), starts
``parley serve`` on a free port of 127.0.0.1 with a write token, and for ``--seconds`` runs
``--readers`` clients that each load the pages of ``PAGES`` in turn (board, an article, the lists
of articles, statements, actors and facts, the timeline, a search; the next page of each API list),
as fast as the server answers, while one writer posts the shared development articles to
``POST /api/articles`` (extracted in the server's extraction process and stored through
``parley.flow``, one after another; a text posted again is made new). With ``--article-chars N``
each posted article is the development articles run together to N characters. Only 127.0.0.1 is
ever contacted, and the run stops by itself.

Printed: requests, errors (any answer but 200, or no answer; there should be none), latency
p50/p95/p99 per page and overall, requests per second, and the articles written meanwhile.
The exit code is 1 when there were errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from parley import flow
from parley.ingest import InputProblem, read_sources
from parley.settings import load_settings
from parley.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BOARD_DAY = "2025-04-19"
#: Seconds the writer waits for one article: a long one is extracted at a lower priority than reads.
WRITE_TIMEOUT = 900.0


def build_store(url: str) -> list[int]:
    """Store the founding article and the example corpus; the ids of the stored articles."""
    from parley.extractor import Extractor  # spaCy loads here, not for --help

    settings = load_settings()
    sources = [str(ROOT / "examples")]
    seed = SHARED / "corpus" / "seed-rubio-paris.txt"
    if seed.exists():
        sources.insert(0, str(seed))
    articles = [a for a in read_sources(sources, settings, published=None) if not isinstance(a, InputProblem)]
    for article in articles:
        article.published = article.published or BOARD_DAY
    with open_store(url, settings) as store:
        results = list(flow.take_in_many(store, articles, Extractor(settings), settings=settings))
    return [r.article_id for r in results if r.article_id]


def writes(article_chars: int | None = None) -> list[dict[str, str]]:
    """The bodies the writer posts: the shared development articles, else the examples again;
    with ``article_chars``, articles of that length made of them run together."""
    corpus = sorted((SHARED / "corpus").glob("dev-*.txt")) or sorted((ROOT / "examples").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in corpus]
    if article_chars:
        joined = "\n\n".join(texts)
        whole = (joined + "\n\n") * (article_chars // (len(joined) + 2) + 1)
        texts = [f"Part {n}.\n\n{whole[:article_chars]}" for n in range(len(texts))]
    return [{"text": text, "published": BOARD_DAY} for text in texts]


def start_server(url: str, token: str) -> tuple[subprocess.Popen[str], str]:
    """``parley serve`` on a free port of 127.0.0.1; the process and its base URL."""
    env = {**os.environ, "PARLEY_TOKEN": token}
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", "serve", "--db", url, "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline() if process.stdout else ""
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not found:
        process.kill()
        raise SystemExit(f"parley serve did not start: {line!r}")
    return process, found.group(0)


#: What a reader loads, in turn: (label, path); ``{article}`` is a stored article's id.
PAGES = [
    ("board", f"/board?as_of={BOARD_DAY}"),
    ("article", "/articles/{article}"),
    ("articles", "/articles"),
    ("statements", "/api/statements?limit=20"),
    ("actors", "/actors"),
    ("timeline", "/timeline"),
    ("search", "/search?q=ceasefire"),
    ("facts", "/api/facts?limit=20"),
]


async def reader(client: httpx.AsyncClient, article_ids: list[int], until: float, seen: dict[str, list[float]],
                 errors: list[str]) -> None:  # fmt: skip
    """Load the pages of ``PAGES`` in turn (each list's second page too) until the time is up."""
    rng = random.Random()
    turn = rng.randrange(len(PAGES))
    follow: str | None = None
    while time.monotonic() < until:
        if follow:
            page, path, follow = "next pages", follow, None
        else:
            page, path = PAGES[turn % len(PAGES)]
            path = path.format(article=rng.choice(article_ids))
            turn += 1
        started = time.perf_counter()
        try:
            response = await client.get(path)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors.append(f"{path}: HTTP {response.status_code}")
            elif path.startswith("/api/") and page != "next pages":
                follow = response.json().get("next")
        except httpx.HTTPError as exc:
            elapsed = time.perf_counter() - started
            errors.append(f"{path}: {type(exc).__name__}: {exc} ({exc.__cause__!r})")
        seen[page].append(elapsed)


async def writer(
    client: httpx.AsyncClient, token: str, until: float, errors: list[str], article_chars: int | None
) -> int:
    """Post articles one after another until the time is up; how many were stored."""
    bodies = writes(article_chars)
    stored = 0
    round_ = 0
    while time.monotonic() < until:
        for body in bodies:
            if time.monotonic() >= until:
                break
            text = body["text"] if not round_ else f"{body['text']}\n\n(Updated, edition {round_}.)"
            response = await client.post("/api/articles", json={**body, "text": text}, timeout=WRITE_TIMEOUT,
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            if response.status_code not in (200, 201):
                errors.append(f"POST /api/articles: HTTP {response.status_code} {response.text[:200]}")
            else:
                stored += sum(r["status"] == "stored" for r in response.json()["results"])
        round_ += 1
    return stored


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank), in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def run(
    base: str,
    token: str,
    article_ids: list[int],
    seconds: float,
    readers: int,
    ingest: bool,
    article_chars: int | None = None,
) -> int:
    """The load itself; prints the figures and returns the number of errors."""
    seen: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    # Idle connections are dropped by the client before uvicorn's 5 s keep-alive timeout closes them
    # (at equal timeouts, a request can go out on a connection the server is closing: a read error).
    limits = httpx.Limits(
        max_connections=readers + 1, max_keepalive_connections=readers + 1, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        warm = await client.get(f"/board?as_of={BOARD_DAY}")  # the first board loads the actor registry
        warm.raise_for_status()
        started = time.monotonic()
        until = started + seconds
        tasks = [
            asyncio.create_task(reader(client, article_ids, until, seen, errors)) for _ in range(readers)
        ]
        written = asyncio.create_task(writer(client, token, until, errors, article_chars)) if ingest else None
        await asyncio.gather(*tasks)
        stored = await written if written else 0
        wall = time.monotonic() - started
    everything = [t for times in seen.values() for t in times]
    print(f"readers: {readers}, duration: {wall:.1f} s, articles at start: {len(article_ids)}")
    print(f"requests: {len(everything)} ({len(everything) / wall:.1f}/s), errors: {len(errors)}")
    for page, times in [*sorted(seen.items()), ("all", everything)]:
        if times:
            print(f"  {page:8} n={len(times):6}  p50={percentile(times, 0.5):7.1f} ms  p95={percentile(times, 0.95):7.1f} ms"
                  f"  p99={percentile(times, 0.99):7.1f} ms  mean={1000 * statistics.fmean(times):7.1f} ms")  # fmt: skip
    print(f"articles written during the run: {stored}")
    for error in errors[:10]:
        print(f"  error: {error}")
    return len(errors)


def main() -> int:
    """Build the store, start the server, run the load, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load runs (default 30)")
    parser.add_argument("--readers", type=int, default=50, help="concurrent readers (default 50)")
    parser.add_argument(
        "--db",
        help="the database to use, empty or filled (default: a temporary SQLite file); the examples are added",
    )
    parser.add_argument("--no-ingest", action="store_true", help="readers only, no writer (for comparison)")
    parser.add_argument("--article-chars", type=int, help="the writer posts articles of this many characters")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parley-web-load-") as scratch:
        url = args.db or str(Path(scratch) / "parley.db")
        article_ids = build_store(url)
        token = secrets.token_urlsafe(24)
        process, base = start_server(url, token)
        try:
            errors = asyncio.run(
                run(
                    base,
                    token,
                    article_ids,
                    args.seconds,
                    args.readers,
                    not args.no_ingest,
                    args.article_chars,
                )
            )
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
