"""``parley batch``: extract and store many articles on a Dask cluster (see ``docs/BATCH.md``).

A progress bar on standard error while it runs; at the end, one line per problem (the source or
article and why) and the summary line. The exit code is 1 when any input could not be stored.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import Any

from parley.settings import load_settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``parley batch`` to the ``parley`` parser (without importing Dask: it is slow to import)."""
    help = "extract and store many articles on a Dask cluster (resumable)"
    p = sub.add_parser("batch", help=help, description=help)
    p.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="files, directories, JSONL/CSV batches, feeds, URLs"
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help="database: a SQLite file path, sqlite:///PATH or postgresql://... (default: PARLEY_DB, then settings)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="address of a running Dask scheduler")
    where.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="local worker processes to start (default: one per core)",
    )
    p.add_argument(
        "--chunk-size",
        type=_positive,
        metavar="K",
        help="articles per task sent to a worker (default: 32)",
    )
    p.add_argument(
        "--actors",
        metavar="FILE",
        action="append",
        default=[],
        help="extra actor registry file (repeatable; the same path must exist on every worker)",
    )
    p.add_argument("--process", metavar="NAME", help="put the articles in this process (default: by parties)")
    p.add_argument("--published", metavar="DATE", help="publication date for articles that lack one")
    p.add_argument("--outlet", metavar="NAME", help="outlet for articles that lack one")
    p.add_argument("--allow-private", action="store_true", help="fetch URLs on private/loopback addresses")
    p.add_argument(
        "--no-progress", action="store_true", help="no progress bar (it is off when stderr is no terminal)"
    )
    p.set_defaults(func=_batch)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _batch(args: argparse.Namespace) -> int:
    from rich.console import Console

    from parley.batch import run_batch

    console = Console(stderr=True)
    progress = _ProgressBar(console) if console.is_terminal and not args.no_progress else None
    with progress or nullcontext():
        summary = run_batch(
            args.sources,
            args.db,
            scheduler=args.scheduler,
            workers=args.workers,
            chunk_size=args.chunk_size,
            settings=load_settings(args.settings),
            actor_files=args.actors,
            process=args.process,
            published=args.published,
            outlet=args.outlet,
            allow_private=args.allow_private or None,
            progress=progress,
        )
    for problem in summary.problems:
        print(f"parley: {problem}", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.failed else 0


class _ProgressBar:
    """A rich progress bar fed by ``run_batch``'s progress callback: done, rate, elapsed, ETA."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("articles"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = self.bar.add_task("batch", total=None, rate="")

    def __enter__(self) -> _ProgressBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def __call__(self, done: int, total: int | None) -> None:
        self.bar.update(self.task, completed=done, total=total)
        speed = self.bar.tasks[0].speed
        self.bar.update(self.task, rate=f"{speed:.1f} articles/s" if speed else "")
