"""How batch time and memory grow with the number of articles: 1,000, 10,000 (and 100,000).

::

    python bench/batch_growth.py                       # 1,000 and 10,000 articles
    python bench/batch_growth.py --max 1000            # only what fits (1,000)
    python bench/batch_growth.py --max 100000          # also 100,000 (hours on 2 cores)
    python bench/batch_growth.py --sizes 1000 3000     # any sizes

Each size is a fresh synthetic batch run by 2 local workers (``--workers``) into a fresh SQLite
store (``--backend postgresql`` for the real server). Printed per size: wall seconds, articles per
second, worker and client CPU milliseconds per article, the client's storing milliseconds per
article, and the peak memory of the workers and of the client. Time is linear when the per-article
figures stay flat as the size grows; memory is bounded when the peaks do.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from batch_support import machine, make_batch, timed_run

SIZES = (1_000, 10_000, 100_000)


def main() -> None:
    """Run each size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", help=f"batch sizes (default: {SIZES[:2]}, capped by --max)"
    )
    parser.add_argument("--max", type=int, default=10_000, help="largest size to run (default: 10,000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    sizes = [n for n in (args.sizes or SIZES) if n <= args.max]
    print(f"machine: {machine()}")
    print(f"{'articles':>8} {'wall s':>7} {'art/s':>6} {'worker ms':>9} {'client ms':>9} {'store ms':>8} "
          f"{'worker MB':>9} {'client MB':>9}")  # fmt: skip
    first = None
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        for n in sizes:
            batch = make_batch(Path(tmp), n)
            run = timed_run(batch, n, args.workers, args.backend, Path(tmp))
            batch.unlink()
            first = first or run
            print(f"{n:>8} {run.seconds:>7.1f} {run.rate:>6.1f} {run.worker_ms:>9.1f} {run.client_ms:>9.1f} "
                  f"{1000 * run.storing / run.stored:>8.1f} {run.worker_peak_mb:>9.0f} {run.client_peak_mb:>9.0f}"
                  f"  (time per article x{first.rate / run.rate:.2f} of the first size)")  # fmt: skip
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
