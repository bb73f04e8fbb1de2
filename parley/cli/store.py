"""``parley ingest|delete|board|timeline|facts|sources|search|stats|export``: the store's commands.

Each handler opens the store (``--db``, else ``PARLEY_DB``, else the settings), calls one library
function and prints: rich tables in a terminal, JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from parley.cli.types import int_in
from parley.settings import Settings, load_settings

_DB_HELP = (
    "database: a SQLite file path, sqlite:///PATH or postgresql://... (default: PARLEY_DB, then settings)"
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the store's sub-commands to the ``parley`` parser."""

    def command(name: str, handler: Any, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help, description=help)
        parser.add_argument("--db", metavar="URL", help=_DB_HELP)
        parser.set_defaults(func=handler)
        return parser

    def dated(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--process", metavar="NAME", help="only this negotiation process")
        parser.add_argument("--as-of", metavar="DATE", help="the day to read the facts on (default: today)")

    p = command("ingest", _ingest, "store articles (files, directories, URLs, feeds, JSONL/CSV batches)")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--process", metavar="NAME", help="put the articles in this process (default: by parties)")
    p.add_argument("--allow-private", action="store_true", help="fetch URLs on private/loopback addresses")
    p.add_argument("--published", metavar="DATE", help="publication date for articles that lack one")
    p.add_argument("--outlet", metavar="NAME", help="outlet for articles that lack one")
    p.add_argument("--actors", metavar="FILE", action="append", default=[], help="extra actor registry file")

    p = command(
        "delete", _delete, "delete an article and all read from it; the facts it supported are recomputed"
    )
    p.add_argument("article_id", type=_row_id, metavar="ARTICLE_ID")

    p = command("board", _board, "the state of a negotiation: positions, commitments, conflicts, deadlines")
    dated(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("timeline", _timeline, "everything dated, oldest first")
    dated(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("facts", _facts, "facts with their status and corroboration")
    dated(p)
    p.add_argument("--kind", action="append", choices=["commitments", "proposals", "positions", "threats",
                   "violations", "meetings"], help="only facts of this kind (repeatable)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("sources", _sources, "every article and sentence behind a fact")
    p.add_argument("fact_id", type=_row_id, metavar="FACT_ID")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("search", _search, 'full-text search over articles and statements ("quoted phrase")')
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=_limit, default=20, help="at most this many hits (1 to 10,000)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("stats", _stats, "counts of articles, outlets, statements, records and facts")
    p.add_argument("--json", action="store_true", help="print JSON")

    from parley.export import EXPORT_TABLES, FORMATS

    p = command("export", _export, "export a table as JSON, NDJSON, CSV or Parquet")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--table", default="facts", choices=EXPORT_TABLES)
    p.add_argument("--out", metavar="FILE", help="output file (default: standard output)")
    dated(p)


_row_id = int_in(1, 2**63 - 1, "an id")
_limit = int_in(1, 10_000, "a limit")


def _settings(args: argparse.Namespace, **overrides: dict[str, Any]) -> Settings:
    return load_settings(getattr(args, "settings", None), **overrides)


def _open(args: argparse.Namespace, settings: Settings | None = None, *, reading: bool = True) -> Any:
    """The store of ``--db``; a command that only reads opens a file it may not write read-only."""
    from parley.store import open_store

    return open_store(args.db, settings or _settings(args), reading=reading)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


#: Output width when not writing to a terminal (a pipe, a file): wide enough not to fold sentences.
_PIPE_WIDTH = 200


def _console() -> Any:
    from rich.console import Console

    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = _PIPE_WIDTH
    return console


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    return table


# -- ingest -------------------------------------------------------------------------------------


def _ingest(args: argparse.Namespace) -> int:
    from parley.actors import ActorRegistry
    from parley.extractor import Extractor
    from parley.flow import take_in_many
    from parley.ingest import InputProblem, read_sources

    settings = _settings(args)
    extractor = Extractor(settings, actor_files=args.actors)
    registry = ActorRegistry.load(args.actors)
    counts: Counter[str] = Counter()
    problems = 0

    def articles() -> Any:
        nonlocal problems
        for item in read_sources(
            args.sources, settings, published=args.published, outlet=args.outlet,
            allow_private=args.allow_private or None,
        ):  # fmt: skip
            if isinstance(item, InputProblem):
                print(f"parley: {item}", file=sys.stderr)
                problems += item.severity == "error"
            else:
                yield item

    with _open(args, settings, reading=False) as store:
        for result in take_in_many(
            store, articles(), extractor, process=args.process, settings=settings, registry=registry
        ):
            counts[result.status] += 1
            if result.status == "failed":
                print(f"parley: {result.source}: {result.message}", file=sys.stderr)
                continue
            linked = f", same story as article {result.duplicate_of}" if result.duplicate_of else ""
            print(f"{result.status:7} {result.source}  (article {result.article_id}, {result.records} records,"
                  f" process {result.process or '-'}{linked})")  # fmt: skip
    failed = counts["failed"] + problems
    print(f"{counts['stored']} stored, {counts['exists']} already stored, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _delete(args: argparse.Namespace) -> int:
    from parley.flow import delete_article

    with _open(args, reading=False) as store:
        deleted = delete_article(store, args.article_id)
    promoted = f", article {deleted.story_first} now leads its story" if deleted.story_first else ""
    print(f"deleted article {deleted.article_id} (process {deleted.process or '-'}):"
          f" {len(deleted.facts_updated)} facts recomputed, {len(deleted.facts_removed)} removed{promoted}")  # fmt: skip
    return 0


# -- reading ------------------------------------------------------------------------------------


def _board(args: argparse.Namespace) -> int:
    from parley import analysis

    with _open(args) as store:
        data = analysis.board(store, process=args.process, as_of=args.as_of, settings=_settings(args))
    if args.json:
        _print_json(data)
    else:
        _render_board(data)
    return 0


def _render_board(data: dict[str, Any]) -> None:
    console = _console()
    names = data["names"]

    def show(title: str, columns: list[str], rows: list[list[Any]]) -> None:
        console.print(_table(title, columns, rows) if rows else f"{title}: none")

    def name(party: str | None) -> str:
        return names.get(party or "", party or "")

    processes = (
        ", ".join(f"{p['name']} ({p['articles']} articles)" for p in data["processes"]) or "nothing stored"
    )
    console.print(f"[bold]Board as of {data['as_of']}[/bold] — {processes}")
    rows = [
        [p["process"], name(p["party"]), v["issue"], "red line" if v["red_line"] else "", v["text"], v["valid_from"],
         v["status"], v["corroboration"]["outlets"]]
        for p in data["parties"] for v in p["red_lines"] + p["positions"]
    ]  # fmt: skip
    show("Positions", ["process", "party", "issue", "", "stance", "since", "status", "outlets"], rows)

    issues = sorted({c["issue"] for c in data["commitments"]})
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for c in data["commitments"]:
        label = c["status"] + (f" (if {c['condition_issue']})" if c["condition_issue"] else "")
        cells.setdefault((c["process"], name(c["party"])), {})[c["issue"]] = label
    matrix = [[process, party, *[row.get(i, "") for i in issues]] for (process, party), row in cells.items()]
    show("Commitments", ["process", "party", *issues], matrix)

    rows = [[p["process"], name(p["proposer"]), t["issue"], t["text"], t["first_seen"]] for p in data["proposals"]
            for t in p["terms"]]  # fmt: skip
    show("Open proposals", ["process", "proposer", "issue", "term", "since"], rows)

    rows = [
        [c["issue"], f"{name(c['party'])}{' (red line)' if c['red_line'] else ''}", c["text"],
         f"{name(c['against']['party'])} ({c['against']['kind'].rstrip('s')})", c["against"]["text"]]
        for c in data["conflicts"]
    ]  # fmt: skip
    show("Conflicts", ["issue", "party", "stance", "against", "their stance"], rows)

    rows = [
        [name(c["commitment"]["party"]), c["commitment"]["issue"], c["waits_on"], "met" if c["met"] else "pending",
         "; ".join(f"{name(t['party'])}: {t['text']}" for t in c["offered_by"] + c["met_by"])]
        for c in data["conditions"]
    ]  # fmt: skip
    show("Conditions", ["party", "commitment", "waits on", "", "met or offered by"], rows)

    rows = [
        [d["date"] or "?", d["kind"], name(d["party"]), d["issue"], d["state"],
         "" if d["days"] is None else f"{d['days']:+d} days", d["when"], d["text"]]
        for d in data["deadlines"]
    ]  # fmt: skip
    show("Deadlines", ["date", "kind", "party", "issue", "", "from as-of", "as written", "text"], rows)

    rows = [[name(t["party"]), t["issue"], ", ".join(name(x) for x in t["target"]), t["status"], t["text"]]
            for t in data["threats"]]  # fmt: skip
    rows += [[name(v["party"]), v["issue"], "accused by " + ", ".join(name(x) for x in v["accusers"]), "violation",
              v["text"]] for v in data["violations"]]  # fmt: skip
    show("Threats and violations", ["party", "issue", "against", "status", "text"], rows)


def _timeline(args: argparse.Namespace) -> int:
    from parley import analysis

    with _open(args) as store:
        events = analysis.timeline(store, process=args.process, as_of=args.as_of, settings=_settings(args))
    if args.json:
        _print_json(events)
        return 0
    rows = [[e["date"] + (" (ahead)" if e["future"] else ""), e["process"], e["event"], e["party"], e["issue"],
             e["text"], e["fact_id"]] for e in events]  # fmt: skip
    _console().print(_table("Timeline", ["date", "process", "event", "party", "issue", "text", "fact"], rows))
    return 0


def _facts(args: argparse.Namespace) -> int:
    from parley import analysis

    with _open(args) as store:
        views = analysis.facts(store, process=args.process, as_of=args.as_of, kinds=args.kind,
                               settings=_settings(args))  # fmt: skip
    if args.json:
        _print_json(views)
        return 0
    rows = [
        [v["id"], v["process"], v["kind"].rstrip("s"), v["party"], v["issue"], v["status"], v["text"],
         v["corroboration"]["outlets"], v["corroboration"]["named_sources"], v["corroboration"]["anonymous_sources"],
         v["first_seen"], v["last_seen"]]
        for v in views
    ]  # fmt: skip
    columns = [
        "id",
        "process",
        "kind",
        "party",
        "issue",
        "status",
        "text",
        "outlets",
        "named",
        "anon",
        "first",
        "last",
    ]
    _console().print(_table("Facts", columns, rows))
    return 0


def _sources(args: argparse.Namespace) -> int:
    from parley import analysis

    with _open(args) as store:
        data = analysis.fact_sources(store, args.fact_id)
    if args.json:
        _print_json(data)
        return 0
    fact = data["fact"]
    console = _console()
    console.print(f"[bold]Fact {fact['id']}[/bold] {fact['kind'].rstrip('s')} {fact['party']} / {fact['issue']}:"
                  f" {fact['text']} — {fact['status']}")  # fmt: skip
    rows = [
        [s["seen"], s["outlet"], s["title"] or s["url"] or f"article {s['article_id']}", s["speaker"],
         s["source_type"], s["statement_text"] or s["record_text"]]
        for s in data["sources"]
    ]  # fmt: skip
    console.print(_table("Sources", ["seen", "outlet", "article", "speaker", "source", "sentence"], rows))
    return 0


def _search(args: argparse.Namespace) -> int:
    with _open(args) as store:
        hits = store.search(args.query, limit=args.limit)
    if args.json:
        _print_json(hits)
        return 0
    rows = [
        [h["kind"], h["article_id"], h["outlet"], h["published"], h.get("speaker"), h["snippet"]]
        for h in hits
    ]
    _console().print(_table(f"Search: {args.query}", ["kind", "article", "outlet", "published", "speaker", "match"],
                            rows))  # fmt: skip
    return 0


def _stats(args: argparse.Namespace) -> int:
    with _open(args) as store:
        # counts can be read past damaged pages they never touch; the check reads it whole, as they do
        store.require_sound("not counting it")
        data = store.stats()
    if args.json:
        _print_json(data)
        return 0
    rows = [[key, value] for key, value in data.items() if not isinstance(value, dict)]
    for group in ("records", "facts"):
        rows += [[f"{group}: {kind}", n] for kind, n in data[group].items()]
    _console().print(_table("Store", ["what", "count"], rows))
    return 0


def _export(args: argparse.Namespace) -> int:
    from parley.export import export

    with _open(args) as store:
        store.require_sound("not exporting from it: rows could be missing")  # reads it whole anyway
        count = export(store, args.format, args.out, table=args.table, process=args.process, as_of=args.as_of)
    print(f"{count} {args.table} rows exported", file=sys.stderr)
    return 0
