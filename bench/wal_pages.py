"""Which B-trees a SQLite commit writes, and how that grows with the store. Prints figures.

    .venv/bin/python bench/wal_pages.py /tmp/parley-read/sqlite-10k.db /tmp/parley-read/sqlite-100k.db
    .venv/bin/python bench/wal_pages.py SNAPSHOT... --articles 300 --batch archive --top 15

For each snapshot (a store filled by ``store_bench.py --fill --snapshots``; it is copied, never
written), the same new articles (``store_bench.batches``: news after the newest stored day, or an
archive of the stored days) are committed through ``flow.commit`` into a scratch copy with SQLite's
checkpoints off, so that every page a commit writes stays in the ``-wal`` file as a frame. The frames
are then mapped to the table or index owning their page (SQLite's ``dbstat``) and printed:

- frames per article: pages written to the log by one commit (a page written by two commits counts
  twice), per B-tree;
- distinct pages per checkpoint: what a checkpoint of every ``--window`` frames (SQLite's default
  ``wal_autocheckpoint``, 1,000) would copy into the database file and wait for the disk with.

A store whose commits cost the same at every size writes the same number of pages at every size;
where the log writes more distinct pages per checkpoint, the B-tree's inserts land further apart.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import struct
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from store_bench import batches

from parley import flow
from parley.settings import load_settings
from parley.store import open_store

_WAL_HEADER = 32  # bytes before the first frame (https://sqlite.org/fileformat.html#the_write_ahead_log)
_FRAME_HEADER = 24  # bytes before each frame's page; the first four are the page number


def wal_pages(wal: bytes) -> list[int]:
    """The page number of each frame of a ``-wal`` file, in the order they were written."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    frame = _FRAME_HEADER + page_size
    return [
        struct.unpack(">I", wal[at : at + 4])[0] for at in range(_WAL_HEADER, len(wal) - frame + 1, frame)
    ]


def commit_with_checkpoints_off(
    snapshot: Path, scratch: Path, articles: int, batch: str
) -> tuple[list[int], dict[int, str]]:
    """Commit ``articles`` new articles into a copy of ``snapshot``: the pages of the log's frames,
    and which table or index owns each page of the database."""
    shutil.copy(snapshot, scratch)
    settings = load_settings()
    with open_store(str(scratch), settings) as store:
        made = batches(store, articles, stream=7)[batch]
        store._conn.execute("PRAGMA wal_autocheckpoint=0")  # every written page stays in the log
        for article, records in made:
            flow.commit(store, article, records, settings=settings)
        frames = wal_pages(Path(f"{scratch}-wal").read_bytes())
        # A second connection while the first is open: the log stays, and dbstat reads through it.
        reader = sqlite3.connect(scratch)
        owners = dict(reader.execute("SELECT pageno, name FROM dbstat"))
        reader.close()
    return frames, owners


def report(snapshot: Path, articles: int, batch: str, window: int, top: int) -> None:
    """Print the frames per article and the distinct pages per checkpoint, per B-tree."""
    with tempfile.TemporaryDirectory() as tmp:
        frames, owners = commit_with_checkpoints_off(snapshot, Path(tmp) / "store.db", articles, batch)

    def owner(page: int) -> str:
        return owners.get(page, "(freed or new page)")

    written = Counter(owner(page) for page in frames)
    distinct: dict[str, set[int]] = defaultdict(set)
    for page in frames:
        distinct[owner(page)].add(page)
    windows = [set(frames[at : at + window]) for at in range(0, len(frames) - window + 1, window)]
    copied = Counter(owner(page) for pages in windows for page in pages)
    print(f"{snapshot.name}: {articles} {batch} articles, {len(frames) / articles:.1f} frames an article,"
          f" {sum(len(p) for p in distinct.values()):,} distinct pages;"
          f" a checkpoint every {window:,} frames copies {sum(copied.values()) / max(1, len(windows)):.0f} pages")  # fmt: skip
    print(f"  {'table or index':40} {'frames/article':>14} {'distinct pages':>14} {'pages/checkpoint':>16}")
    for name, count in written.most_common(top):
        print(f"  {name:40} {count / articles:14.2f} {len(distinct[name]):14,}"
              f" {copied[name] / max(1, len(windows)):16.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshots", nargs="+", type=Path, help="SQLite stores to copy and commit into")
    parser.add_argument("--articles", type=int, default=300, help="articles committed into each")
    parser.add_argument("--batch", choices=("news", "archive"), default="news")
    parser.add_argument("--window", type=int, default=1000, help="frames between two checkpoints")
    parser.add_argument("--top", type=int, default=15, help="B-trees printed, most written first")
    args = parser.parse_args()
    for snapshot in args.snapshots:
        report(snapshot, args.articles, args.batch, args.window, args.top)


if __name__ == "__main__":
    main()
