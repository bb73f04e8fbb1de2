"""``parley extract`` and ``parley eval``: articles to ``parley-records/1`` files, and their score.

``extract`` reads its inputs with :func:`parley.ingest.read_sources` (files, directories, ``-``,
URLs, feeds, batches; per-file ``NAME.meta.json`` sidecars), runs them through one
:class:`~parley.extractor.Extractor` and writes ``DIR/<id>.json`` each (or one JSONL stream). Every
input problem is one line on stderr and the batch goes on; the exit code is 1 only when inputs
failed and none could be read (an empty batch, with nothing to read, exits 0). ``eval`` prints what
``shared/eval/score.py`` prints, from :mod:`parley.evaluate`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parley.errors import InputError, ParleyError
from parley.files import open_output, write_output
from parley.records import KINDS, Article, Records

if TYPE_CHECKING:
    from parley.ingest import InputProblem

# Characters an article id may not carry into a file name (batch rows may set any id).
_UNSAFE_IN_NAME = str.maketrans({"/": "_", "\\": "_", "\0": "_"})


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``extract`` and ``eval`` to the ``parley`` parser."""
    p = sub.add_parser(
        "extract",
        help="extract negotiation records from articles",
        description="Read articles and write their parley-records/1 JSON: DIR/<id>.json, or one JSONL stream.",
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="a file, a directory, '-' for stdin, a URL or feed"
    )
    p.add_argument(
        "--out", metavar="DIR", help="output directory (with --jsonl: output file, default stdout)"
    )
    p.add_argument("--jsonl", action="store_true", help="write one JSON object per line instead of files")
    p.add_argument(
        "--published", metavar="DATE", type=_date, help="publication date (YYYY-MM-DD) for all inputs"
    )
    p.add_argument("--outlet", metavar="ID", help="outlet for all inputs ('outlet:reuters' or 'Reuters')")
    p.add_argument(
        "--actors", metavar="FILE", action="append", default=[], help="extra actor registry YAML (repeatable)"
    )
    p.add_argument("--model", metavar="NAME", help="spaCy pipeline to use (overrides setting nlp.model)")
    p.set_defaults(func=_extract, parser=p)

    p = sub.add_parser(
        "eval",
        help="score predicted records against gold annotations",
        description="Score DIR/<id>.json predictions against gold annotations (the rules of RECORDS.md).",
    )
    p.add_argument("--gold", required=True, metavar="DIR", help="gold annotations, one <id>.json each")
    p.add_argument("--pred", required=True, metavar="DIR", help="predictions, one <id>.json each")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--per-doc", action="store_true", help="also list F1 per article")
    p.add_argument(
        "--explain",
        action="store_true",
        help="first list each missed and spurious record with its sentence and what the other side has there",
    )
    p.add_argument(
        "--texts",
        metavar="DIR",
        help="the articles, one <id>.txt each, for --explain (default: the gold directory's 'corpus' sibling)",
    )
    p.add_argument(
        "--kind",
        action="append",
        choices=KINDS,
        help="with --explain: only this kind's errors (repeatable)",
    )
    p.set_defaults(func=_eval)


def _date(value: str) -> str:
    """An argparse type: an ISO date, or a usage error."""
    from parley.ingest.sources import iso_date

    try:
        return iso_date(value, "--published") or ""
    except InputError as err:
        raise argparse.ArgumentTypeError(err.message) from None


# -- extract ------------------------------------------------------------------------------------


def _extract(args: argparse.Namespace) -> int:
    from parley.extractor import Extractor
    from parley.flow import extract_each
    from parley.ingest import read_sources
    from parley.settings import load_settings

    started = time.perf_counter()
    if not args.jsonl and not args.out:
        args.parser.error("--out DIR is required (or --jsonl to write one stream)")
    overrides = {"nlp": {"model": args.model}} if args.model else {}
    settings = load_settings(args.settings, **overrides)  # a SettingsError names the file
    try:
        output = _JsonlOutput(args.out) if args.jsonl else _DirectoryOutput(Path(args.out))
    except OSError as err:
        args.parser.error(f"--out {args.out}: {_reason(err)}")

    report = _Report()
    items = report.articles_of(
        read_sources(args.paths, settings, published=args.published, outlet=args.outlet)
    )
    complete = False
    try:
        first = next(items, None)
        if first is not None:  # the pipeline loads only once there is something to read
            extractor = Extractor(settings, actor_files=args.actors)
            extracted = extract_each(extractor, itertools.chain([first], items), settings.nlp.batch_size)
            for article, records in extracted:
                report.progress(article.source)
                if isinstance(records, ParleyError):
                    report.error(article.source, f"{records.message} [{records.code}]")
                    continue
                try:
                    replaced = output.write(records, article.source)
                except BrokenPipeError:  # the reader of the stream went away (``| head``)
                    report.error(article.source, "the output stream was closed; stopping")
                    break
                except OSError as err:
                    report.error(article.source, f"cannot write the records: {_reason(err)}")
                    continue
                if replaced:
                    report.warning(article.source, f"same id as {replaced}, whose output it replaced")
                report.done(records)
        complete = True
    finally:
        output.close(complete)
        report.close()
    report.summary(time.perf_counter() - started)
    # 1 when inputs failed and none could be read; a run with nothing to read (an empty batch) is 0.
    return 1 if report.severities["error"] and not report.articles else 0


class _Report:
    """What the user sees on stderr: problems, a progress bar in a terminal, the summary line."""

    def __init__(self) -> None:
        self.articles = 0
        self.kinds: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self._seen = 0
        self._progress: Any = None  # a rich Progress, started when a second article comes
        self._task: Any = None

    def articles_of(self, items: Iterable[Article | InputProblem]) -> Iterator[Article]:
        """The articles among ``items``; each problem is reported as it comes."""
        for item in items:
            if isinstance(item, Article):
                yield item
            else:
                self.severities[item.severity] += 1
                self._say(f"parley: {item}")

    def error(self, source: str, message: str) -> None:
        self.severities["error"] += 1
        self._say(f"parley: {source}: error: {message}")

    def warning(self, source: str, message: str) -> None:
        self.severities["warning"] += 1
        self._say(f"parley: {source}: warning: {message}")

    def progress(self, source: str) -> None:
        """An article was extracted: advance the bar, which appears with the second one in a terminal."""
        self._seen += 1
        if self._progress is None and self._seen == 2 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("extracting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=None, completed=1)
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=Path(source).name)

    def done(self, records: Records) -> None:
        self.articles += 1
        for kind in KINDS:
            self.kinds[kind] += len(getattr(records, kind))

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def summary(self, seconds: float) -> None:
        """``parley: 15 articles, 412 records (230 statements, ...) in 6.1 s; 1 warning, 2 errors``."""
        kinds = ", ".join(_count(self.kinds[k], k.rstrip("s")) for k in KINDS)
        warnings, errors = self.severities["warning"], self.severities["error"]
        self._say(
            f"parley: {_count(self.articles, 'article')}, {_count(sum(self.kinds.values()), 'record')}"
            f" ({kinds}) in {seconds:.1f} s; {_count(warnings, 'warning')}, {_count(errors, 'error')}"
        )

    def _say(self, line: str) -> None:
        """One line on stderr, above the progress bar when one is showing."""
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=sys.stderr, flush=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class _DirectoryOutput:
    """``DIR/<id>.json`` per article, each written atomically (see :func:`parley.files.open_output`)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._written: dict[str, str] = {}  # file name -> the source it was written for

    def write(self, records: Records, source: str) -> str | None:
        """Write the records; returns the earlier source whose output had the same name, if any."""
        name = records.document.id.translate(_UNSAFE_IN_NAME).lstrip(".") + ".json"
        write_output(self.folder / name, json.dumps(records.to_dict(), ensure_ascii=False, indent=2) + "\n")
        replaced = self._written.get(name)
        self._written[name] = source
        return replaced

    def close(self, complete: bool) -> None:
        """Nothing to finish: each file was complete when renamed into place."""


class _JsonlOutput:
    """One records object per line, to stdout (no file or ``-``), a device or FIFO as it is, or a
    regular file that appears only once complete."""

    def __init__(self, out: str | None) -> None:
        self.output = open_output(out or "-")

    def write(self, records: Records, source: str) -> str | None:
        """Write one line (flushed: a reader of the stream never sees half a record)."""
        try:
            self.output.handle.write(json.dumps(records.to_dict(), ensure_ascii=False) + "\n")
            self.output.handle.flush()
        except BrokenPipeError:
            if self.output.handle is sys.stdout:  # the interpreter's last flush must not fail again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise
        return None

    def close(self, complete: bool) -> None:
        """Rename the finished file into place, or drop it when the run was cut short."""
        try:
            self.output.close(complete)
        except BrokenPipeError:
            pass  # the reader went away; that was reported when a write failed


def _reason(err: OSError) -> str:
    return err.strerror.lower() if err.strerror else str(err)


# -- eval ---------------------------------------------------------------------------------------


def _eval(args: argparse.Namespace) -> int:
    from parley.evaluate import explain_dirs, format_explanation, format_json, format_table, score_dirs

    result = score_dirs(args.gold, args.pred)
    explanation = explain_dirs(args.gold, args.pred, args.texts, args.kind or KINDS) if args.explain else None
    if args.json:
        print(format_json(result if explanation is None else {**result, "explain": explanation}))
        return 0
    if result["missing_predictions"]:
        print(f"missing predictions: {len(result['missing_predictions'])}", file=sys.stderr)
    if explanation is not None:
        sys.stdout.write(format_explanation(explanation) + "\n")
    sys.stdout.write(format_table(result, per_doc=args.per_doc))
    return 0
