"""Tables out of the store: facts (with their status on a day), records, statements, articles,
fact sources and the timeline, as JSON, NDJSON, CSV or Parquet.

Nested values (lists, objects) become JSON text in CSV and Parquet, so every format has the same
flat columns and a table's schema never depends on which kinds of facts it happens to hold.
"""

from __future__ import annotations

import csv
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


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v
        for k, v in row.items()
    }


def write(data: Iterable[dict[str, Any]], fmt: str, out: str | Path | IO[str] | None = None) -> int:
    """Write rows in ``fmt`` to ``out`` (a path, ``-`` or None for stdout, or an open file); return
    how many. A path is written by the rules of :func:`parley.files.open_output` (a regular file is
    replaced only once complete; a device or FIFO is written as it is).

    Parquet is binary: it needs a path, ``-`` or a binary file. CSV columns are those of the first
    row plus any new ones met later.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", source="--format")
    if fmt == "parquet" and out is None:
        raise InputError("Parquet is binary: give a file (or '-') with --out", source="--format parquet")
    if isinstance(out, str | Path):
        try:
            with open_output(out, binary=fmt == "parquet") as output:
                return write(data, fmt, output.handle)
        except OSError as err:
            reason = err.strerror.lower() if err.strerror else str(err)
            raise OutputError(f"cannot write: {reason}", source=str(out)) from None
    if fmt == "parquet":
        return _parquet(data, out)  # type: ignore[arg-type]
    handle = out or sys.stdout
    if fmt == "csv":
        return _csv(data, handle)
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


def _csv(data: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    flat = [_flat(r) for r in data]  # all rows first: the header needs every column
    columns: dict[str, None] = {}
    for row in flat:
        columns.update(dict.fromkeys(row))
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat)
    return len(flat)


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
    return write(rows(store, table, process=process, as_of=as_of), fmt, out)
