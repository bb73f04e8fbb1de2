"""``parley extract`` and ``parley eval``: articles to ``parley-records/1`` files, and their score.

``extract`` reads its inputs with :func:`parley.ingest.read_sources` (files, directories, ``-``,
URLs, feeds, batches; per-file ``NAME.meta.json`` sidecars), runs them through one
:class:`~parley.extractor.Extractor` and writes ``DIR/<id>.json`` each (or one JSONL stream). Every
input problem is one line on stderr and the batch goes on; the exit code is 1 only when no input
could be read. ``eval`` prints what ``shared/eval/score.py`` prints, from :mod:`parley.evaluate`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from parley.errors import InputError, ParleyError
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
            for article, records in extractor.extract_each(itertools.chain([first], items)):
                report.progress(article.source)
                if isinstance(records, ParleyError):  # too long, or over the time budget: the next one
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
    return 0 if report.articles else 1


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
    """``DIR/<id>.json`` per article, each written atomically (a temporary file renamed over it)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._written: dict[str, str] = {}  # file name -> the source it was written for

    def write(self, records: Records, source: str) -> str | None:
        """Write the records; returns the earlier source whose output had the same name, if any."""
        name = records.document.id.translate(_UNSAFE_IN_NAME).lstrip(".") + ".json"
        _atomic_write(self.folder / name, json.dumps(records.to_dict(), ensure_ascii=False, indent=2) + "\n")
        replaced = self._written.get(name)
        self._written[name] = source
        return replaced

    def close(self, complete: bool) -> None:
        """Nothing to finish: each file was complete when renamed into place."""


def _atomic_write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` so that readers see the old file or the whole new one."""
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, target)
    except BaseException:
        os.unlink(partial)
        raise


class _JsonlOutput:
    """One records object per line, to stdout or to a file that appears only once complete."""

    def __init__(self, out: str | None) -> None:
        self.target = Path(out) if out else None
        self.partial: str | None = None
        self.handle: IO[str] = sys.stdout
        if self.target is not None:
            fd, self.partial = tempfile.mkstemp(
                dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".part"
            )
            self.handle = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, records: Records, source: str) -> str | None:
        """Write one line (flushed: a reader of the stream never sees half a record)."""
        try:
            self.handle.write(json.dumps(records.to_dict(), ensure_ascii=False) + "\n")
            self.handle.flush()
        except BrokenPipeError:
            if self.partial is None:  # stdout: the interpreter's last flush must not fail again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise
        return None

    def close(self, complete: bool) -> None:
        """Rename the finished file into place, or drop it when the run was cut short."""
        if self.partial is None:
            return
        self.handle.close()
        if complete:
            os.replace(self.partial, self.target)  # type: ignore[arg-type]
        else:
            os.unlink(self.partial)


def _reason(err: OSError) -> str:
    return err.strerror.lower() if err.strerror else str(err)


# -- eval ---------------------------------------------------------------------------------------


def _eval(args: argparse.Namespace) -> int:
    from parley.evaluate import format_json, format_table, score_dirs

    result = score_dirs(args.gold, args.pred)
    if args.json:
        print(format_json(result))
        return 0
    if result["missing_predictions"]:
        print(f"missing predictions: {len(result['missing_predictions'])}", file=sys.stderr)
    sys.stdout.write(format_table(result, per_doc=args.per_doc))
    return 0
