"""JSONL and CSV batch files, streamed row by row so that a batch of any length fits in memory.

A row is one article: ``text`` or ``html`` (or only ``url``, then fetched) with optional
``published``, ``outlet``, ``title``, ``url`` and ``id``. Rows are numbered by the line they start
on; a row that cannot be read becomes a :class:`Row` with an ``error`` and the batch goes on.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from parley.errors import FeedError
from parley.files import open_source

FIELDS = ("text", "html", "url", "published", "outlet", "title", "id")
#: A row needs one of these to hold an article.
CONTENT_FIELDS = ("text", "html", "url")
#: Lines longer than this are skipped in pieces of this size, never read whole.
_SKIP_CHUNK = 1 << 16


@dataclass
class Row:
    """One batch row: its line number, its known fields (empty ones left out), or why it is unusable."""

    line: int
    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` pairs; a line longer than ``limit`` bytes comes as None, unread."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def _too_long(limit: int) -> str:
    return f"line longer than the input limit of {limit:,} bytes (setting input.max_bytes)"


def _bad_utf8(err: UnicodeDecodeError) -> str:
    return f"invalid UTF-8 at byte {err.start + 1} of the line"


def _clean(raw: dict[str, object]) -> tuple[dict[str, str], str | None]:
    """The known fields as strings (numbers converted, empty ones dropped), or what is wrong."""
    values: dict[str, str] = {}
    for key in FIELDS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return {}, f"field {key!r} must be a string, not {type(value).__name__}"
        values[key] = str(value)
    return values, None


def read_jsonl(path: Path, limit: int) -> Iterator[Row]:
    """The rows of a JSONL file (one JSON object a line; blank lines are skipped)."""
    with open_source(path) as stream:
        for number, line in _lines(stream, limit):
            if line is None:
                yield Row(number, error=_too_long(limit))
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                yield Row(number, error=_bad_utf8(err))
                continue
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as err:
                yield Row(number, error=f"invalid JSON: {err.msg} (column {err.colno})")
                continue
            if not isinstance(raw, dict):
                yield Row(number, error=f"expected a JSON object, found {type(raw).__name__}")
                continue
            values, error = _clean(raw)
            yield Row(number, values, error)


def read_csv(path: Path, limit: int) -> Iterator[Row]:
    """The rows of a CSV file with a header row naming its columns (case and spaces ignored).

    An empty file has no rows. Raises :class:`FeedError` when the header has none of ``text``,
    ``html``, ``url``.
    """
    # The csv module's per-field limit (128 kB by default) would refuse long article texts.
    csv.field_size_limit(max(csv.field_size_limit(), limit))
    bad_lines: dict[int, str] = {}

    def decoded(stream: BinaryIO) -> Iterator[str]:
        for number, line in _lines(stream, limit):
            if line is None:
                bad_lines[number] = _too_long(limit)
                yield "\n"
                continue
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                bad_lines[number] = _bad_utf8(err)
                yield line.decode("utf-8", "replace")

    with open_source(path) as stream:
        reader = csv.reader(decoded(stream))
        try:
            header = next(reader)
        except StopIteration:
            return  # an empty file: no rows, as a header alone would give
        except csv.Error as err:
            raise FeedError(f"cannot read the CSV header: {err}", source=str(path)) from None
        columns = [name.strip().lower() for name in header]
        if not set(columns) & set(CONTENT_FIELDS):
            found = ", ".join(c for c in columns if c) or "none"
            raise FeedError(
                f"missing columns: a CSV batch needs a 'text', 'html' or 'url' column (found: {found})",
                source=str(path),
            )
        end = reader.line_num
        while True:
            start = end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                end = reader.line_num
                yield Row(start, error=f"bad CSV row: {err}")
                continue
            end = reader.line_num
            problem = next((bad_lines[n] for n in range(start, end + 1) if n in bad_lines), None)
            if problem:
                yield Row(start, error=problem)
            elif not any(cell.strip() for cell in cells):
                continue
            elif len(cells) != len(columns):
                yield Row(start, error=f"{len(cells)} fields where the header has {len(columns)}")
            else:
                values, error = _clean(dict(zip(columns, cells, strict=True)))
                yield Row(start, values, error)
