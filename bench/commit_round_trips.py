"""Round trips per article through ``flow.commit`` with alerts, on SQLite and PostgreSQL. Prints figures.

    .venv/bin/python bench/commit_round_trips.py            # both backends
    .venv/bin/python bench/commit_round_trips.py --waits    # and which store reads wait, by caller

The 15 gold-annotated articles of ``../shared/corpus`` (records made by hand, read at run time) are
committed one transaction each, in name order, into an empty store (a SQLite file, a scratch
PostgreSQL database on 127.0.0.1:5432, dropped afterwards) with the default alert rules. Printed per
backend: ``Store.round_trips`` per article (the times the store waited for the database; on SQLite,
in-process, every statement), with alert derivation (``parley.alerts.derive.derive_article``) and
without it, and the alerts raised. ``--waits`` adds, for the run with alerts, the store methods
whose reads waited, with their round trips per article.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store_bench import drop, scratch

from parley import flow
from parley.alerts import derive
from parley.records import Article, Records
from parley.settings import load_settings
from parley.store import Store, open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def gold_articles() -> list[tuple[Article, Records]]:
    """The shared articles that have a gold annotation, with their gold records, in name order."""
    found = []
    for gold in sorted((SHARED / "gold").glob("*.json")):
        meta_file = SHARED / "corpus" / f"{gold.stem}.meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        text = (SHARED / "corpus" / f"{gold.stem}.txt").read_text(encoding="utf-8")
        article = Article(text=text, source=f"{gold.stem}.txt", id=gold.stem, published=meta.get("published"))
        found.append((article, Records.from_dict(json.loads(gold.read_text(encoding="utf-8")))))
    return found


def _caller_outside_store() -> str:
    """The store method a wait was made for: the first frame outside the store's plumbing."""
    import inspect

    plumbing = {
        "_fetch",
        "_all",
        "_one",
        "_scalar",
        "_read_together",
        "fetched",
        "read_together",
        "_caller_outside_store",
    }
    for frame in inspect.stack()[1:]:
        if frame.function not in plumbing:
            return frame.function
    return "?"


def _counting_waits(store: Store, waits: Counter[str]) -> Callable[[], None]:
    """Count the store's waits by the method that made them; returns the undo."""
    fetch, together = store._fetch, store._read_together

    def fetched(sql: str, params: Any, many: bool) -> Any:
        waits[_caller_outside_store()] += 1
        return fetch(sql, params, many)

    def read_together(queries: Any) -> Any:
        if not store._pipelined:  # each query goes through _fetch, counted there
            return together(queries)
        waits[_caller_outside_store()] += 1
        return together(queries)

    store._fetch, store._read_together = fetched, read_together  # type: ignore[method-assign]

    def undo() -> None:
        del store._fetch, store._read_together

    return undo


def measure(
    url: str, articles: list[tuple[Article, Records]], alerts: bool, waits: Counter[str] | None
) -> tuple[float, int]:
    """Round trips per article committing ``articles`` into the empty store at ``url``, and the alerts raised."""
    settings = load_settings()
    with open_store(url) as store:
        undo = _counting_waits(store, waits) if waits is not None else None
        if not alerts:
            flow.derive_article = lambda *args, **kwargs: []  # type: ignore[assignment]
        try:
            before = store.round_trips
            for article, made in articles:
                flow.commit(store, article, made, settings=settings)
            trips = (store.round_trips - before) / len(articles)
        finally:
            flow.derive_article = derive.derive_article
            if undo:
                undo()
        return trips, store.alert_count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--waits", action="store_true", help="the store methods that waited, by round trips")
    args = parser.parse_args()
    articles = gold_articles()
    print(f"{len(articles)} gold-annotated shared articles, one transaction each, default rules")
    with tempfile.TemporaryDirectory(prefix="parley-round-trips-") as tmp:
        for backend in args.backends:
            results = {}
            waits: Counter[str] = Counter()
            for alerts in (True, False):
                url, database = scratch(backend, Path(tmp))
                try:
                    results[alerts] = measure(url, articles, alerts, waits if alerts and args.waits else None)
                finally:
                    drop(database)
            (with_alerts, raised), (without, _) = results[True], results[False]
            print(f"{backend:10} {with_alerts:5.1f} round trips/article with alerts ({raised} alerts),"
                  f" {without:5.1f} without", flush=True)  # fmt: skip
            for name, count in waits.most_common():
                print(f"    {name:28} {count / len(articles):5.2f}")


if __name__ == "__main__":
    main()
