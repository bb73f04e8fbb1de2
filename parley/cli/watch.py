"""``parley watch SOURCE... [--every 15m] [--once] [--sources FILE]``: the long-running watch over
feeds, pages and directories (``parley.watch``), and ``--status`` for each source's health.

SIGTERM and Ctrl-C stop it after the article in hand (nothing is left half-written).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import Any

from parley.cli.store import _DB_HELP, _console, _open, _print_json, _settings, _table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``parley watch`` to the ``parley`` parser."""
    help = "watch feeds, pages and directories: take in what is new, raise and deliver alerts"
    p = sub.add_parser("watch", help=help, description=help)
    p.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="an RSS/Atom feed or page URL, a directory, a file"
    )
    p.add_argument("--sources", dest="sources_file", metavar="FILE",
                   help="a file listing sources, one per line: SOURCE [PROCESS]")  # fmt: skip
    p.add_argument(
        "--every", metavar="INTERVAL", help="time between rounds: 30s, 15m, 1h (default: setting watch.every)"
    )
    p.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    p.add_argument("--process", metavar="NAME", help="put the articles of the SOURCEs in this process")
    p.add_argument("--allow-private", action="store_true", help="fetch from private/loopback addresses too")
    p.add_argument("--actors", metavar="FILE", action="append", default=[], help="extra actor registry file")
    p.add_argument("--status", action="store_true", help="show each watched source's health and exit")
    p.add_argument("--json", action="store_true", help="with --status: print JSON")
    p.add_argument("--db", metavar="URL", help=_DB_HELP)
    p.set_defaults(func=_watch)


def _log(line: str) -> None:
    print(f"{datetime.now(UTC).isoformat(timespec='seconds')} {line}", file=sys.stderr, flush=True)


def _watch(args: argparse.Namespace) -> int:
    from parley.alerts.rules import load_configured_rules
    from parley.errors import InputError
    from parley.watch import Watcher, WatchSource, parse_interval, read_sources_file

    settings = _settings(args)
    if args.status:
        return _status(args, settings)
    sources = [WatchSource(s, args.process) for s in args.sources]
    if args.sources_file:
        sources += read_sources_file(args.sources_file)
    if not sources:
        raise InputError("give at least one SOURCE or --sources FILE", source="parley watch")
    every = parse_interval(args.every or settings.watch.every, "--every" if args.every else "watch.every")
    stop = threading.Event()

    def stopping(signum: int, frame: Any) -> None:
        _log(f"{signal.Signals(signum).name}: stopping after the article in hand")
        stop.set()

    previous = {s: signal.signal(s, stopping) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        from parley.actors import ActorRegistry
        from parley.extractor import Extractor

        with _open(args, settings, reading=False) as store:
            load_configured_rules(store, settings)
            extractor = Extractor(settings, actor_files=args.actors)
            watcher = Watcher(store, extractor, settings, every=every, allow_private=args.allow_private or None,
                              registry=ActorRegistry.load(args.actors), stop=stop, log=_log)  # fmt: skip
            _log(f"watching {len(sources)} sources every {args.every or settings.watch.every}"
                 + (" (one round)" if args.once else ""))  # fmt: skip
            try:
                reports = watcher.run(sources, once=args.once)
            finally:
                watcher.close()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stop.is_set():
        _log("stopped")
        return 0
    return 1 if args.once and any(r.status == "failed" for r in reports) else 0


def _status(args: argparse.Namespace, settings: Any) -> int:
    with _open(args, settings) as store:
        rows = store.watch_sources()
    if args.json:
        _print_json(rows)
        return 0
    table = [[r["source"], r["process"], r["last_success"], r["last_error"], r["failures"], r["next_at"],
              r["items_seen"], r["items_new"]] for r in rows]  # fmt: skip
    columns = ["source", "process", "last success", "last error", "failures", "retry at", "items", "new"]
    _console().print(_table("Watched sources", columns, table))
    return 0
