"""Tables out of the store: facts (with their status on a day), records, statements, articles,
fact sources and the timeline, as JSON, NDJSON, CSV or Parquet.

Nested values (lists, objects) become JSON text in CSV and Parquet, so every format has the same
flat columns and a table's schema never depends on which kinds of facts it happens to hold.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from parley import analysis
from parley.errors import InputError, OutputError
from parley.files import open_output
from parley.store import Store

FORMATS = ("json", "ndjson", "csv", "parquet")
#: What can be exported: facts and the timeline as of a day (from parley.analysis), the rest as stored.
EXPORT_TABLES = ("facts", "timeline", "records", "statements", "articles", "fact_sources", "processes")


def rows(store: Store, table: str = "facts", process: str | None = None, as_of: str | date | None = None) -> Iterator[
    dict[str, Any]
]:  # fmt: skip
    """The rows of one exportable table (``process``/``as_of`` apply to facts and the timeline)."""
    if table == "facts":
        yield from analysis.facts(store, process=process, as_of=as_of)
    elif table == "timeline":
        yield from analysis.timeline(store, process=process, as_of=as_of)
    elif table in EXPORT_TABLES:
        yield from store.rows(table)
    else:
        raise InputError(
            f"unknown table {table!r}; expected one of {', '.join(EXPORT_TABLES)}", source="--table"
        )


def columns(store: Store, table: str) -> list[str] | None:
    """The columns of a table as stored (None for facts and the timeline, whose columns vary by kind)."""
    return store.columns(table) if table in EXPORT_TABLES and table not in ("facts", "timeline") else None


def lines(data: Iterable[dict[str, Any]], fmt: str, header: list[str] | None = None) -> Iterator[str]:
    """The rows as NDJSON or CSV text, in chunks of whole lines (about 64 kB), for streaming. CSV
    with a ``header`` streams; without one, the rows are read first, as the header needs every column."""
    if fmt not in ("ndjson", "csv"):
        raise InputError(f"cannot stream {fmt!r}; expected ndjson or csv", source="--format")
    buffer = io.StringIO()
    if fmt == "ndjson":

        def put(row: dict[str, Any]) -> None:
            buffer.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")

    else:
        if header is None:
            flat = [_flat(r) for r in data]
            found: dict[str, None] = {}
            for row in flat:
                found.update(dict.fromkeys(row))
            header, data = list(found), flat
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writeheader()

        def put(row: dict[str, Any]) -> None:
            writer.writerow(_flat(row))

    for row in data:
        put(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v
        for k, v in row.items()
    }


def write(
    data: Iterable[dict[str, Any]],
    fmt: str,
    out: str | Path | IO[str] | None = None,
    header: list[str] | None = None,
) -> int:
    """Write rows in ``fmt`` to ``out`` (a path, ``-`` or None for stdout, or an open file); return
    how many. A path is written by the rules of :func:`parley.files.open_output` (a regular file is
    replaced only once complete; a device or FIFO is written as it is).

    Parquet is binary: it needs a path, ``-`` or a binary file. CSV columns are ``header`` (written
    as the rows stream), else every column any row has (the rows are read first).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", source="--format")
    if fmt == "parquet" and out is None:
        raise InputError("Parquet is binary: give a file (or '-') with --out", source="--format parquet")
    if isinstance(out, str | Path):
        try:
            with open_output(out, binary=fmt == "parquet") as output:
                return write(data, fmt, output.handle, header)
        except OSError as err:
            reason = err.strerror.lower() if err.strerror else str(err)
            raise OutputError(f"cannot write: {reason}", source=str(out)) from None
    if fmt == "parquet":
        return _parquet(data, out)  # type: ignore[arg-type]
    handle = out or sys.stdout
    if fmt == "csv":
        count = 0

        def counted() -> Iterator[dict[str, Any]]:
            nonlocal count
            for row in data:
                count += 1
                yield row

        for text in lines(counted(), "csv", header):
            handle.write(text)
        return count
    count = 0
    if fmt == "json":
        handle.write("[")
    for row in data:
        if fmt == "json":
            handle.write(",\n" if count else "\n")
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
        if fmt == "ndjson":
            handle.write("\n")
        count += 1
    if fmt == "json":
        handle.write("\n]\n")
    return count


def _parquet(data: Iterable[dict[str, Any]], handle: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat = [_flat(r) for r in data]
    columns: dict[str, None] = {}
    for row in flat:
        columns.update(dict.fromkeys(row))
    table = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in flat]) if flat else pa.table({})
    pq.write_table(table, handle)
    return len(flat)


def export(
    store: Store,
    fmt: str,
    out: str | Path | IO[str] | None = None,
    table: str = "facts",
    process: str | None = None,
    as_of: str | date | None = None,
) -> int:
    """Export one table of the store in ``fmt`` to ``out``; return the number of rows written."""
    return write(rows(store, table, process=process, as_of=as_of), fmt, out, columns(store, table))
