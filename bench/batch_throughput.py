"""Batch throughput: 1 and 2 local Dask workers into SQLite, and 2 into PostgreSQL, in one run.

::

    python bench/batch_throughput.py [--articles 400] [--chunk-size 32] [--no-postgres]

Prints, per run, articles stored per second (startup left out), the time the client spent
storing, CPU milliseconds per article on the workers and in the client, and the peak memory of the
workers and the client; then the speed-up of 2 workers over 1 and the efficiency (speed-up / 2).
Targets: speed-up ≥ 1.6, worker memory < 700 MB.

On a machine shared with other work the wall-clock speed-up says as much about the neighbours as
about parley, so the CPU figures are turned into the speed-up the same work would reach on an idle
machine of this many cores: one worker runs at 1/max(W, C) articles a second (worker and client on
a core each), two at 2/(W + C) at most (W, C: worker and client CPU seconds per article).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from batch_support import Run, machine, make_batch, timed_run

SPEEDUP_TARGET = 1.6
WORKER_MB_TARGET = 700


def main() -> None:
    """Run the batches and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL run")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        folder = Path(tmp)
        batch = make_batch(folder, args.articles)
        plan = [(1, "sqlite"), (2, "sqlite")] + ([] if args.no_postgres else [(2, "postgresql")])
        runs = []
        print(f"{'workers':>7} {'store':>10} {'articles':>8} {'wall s':>7} {'art/s':>6} {'storing s':>9} "
              f"{'worker ms':>9} {'client ms':>9} {'worker MB':>9} {'client MB':>9}")  # fmt: skip
        for workers, backend in plan:
            run = timed_run(batch, args.articles, workers, backend, folder, args.chunk_size)
            runs.append(run)
            print(f"{run.workers:>7} {run.backend:>10} {run.articles:>8} {run.seconds:>7.1f} {run.rate:>6.1f} "
                  f"{run.storing:>9.1f} {run.worker_ms:>9.1f} {run.client_ms:>9.1f} {run.worker_peak_mb:>9.0f} "
                  f"{run.client_peak_mb:>9.0f}")  # fmt: skip
    report(runs)
    print(f"machine after: {machine()}")


def report(runs: list[Run]) -> None:
    """Speed-up and efficiency, measured and for an idle machine, and the memory target."""
    one, two = runs[0], runs[1]
    speedup = two.rate / one.rate
    print(f"speed-up 2 workers / 1 (wall clock): {speedup:.2f}x, efficiency {speedup / 2:.0%} "
          f"({_verdict(speedup >= SPEEDUP_TARGET)} the {SPEEDUP_TARGET}x target)")  # fmt: skip
    w, c = two.worker_ms, two.client_ms
    idle = 2 * max(w, c) / (w + c)
    print(f"speed-up on an idle 2-core machine (from CPU per article): {idle:.2f}x, efficiency {idle / 2:.0%} "
          f"({_verdict(idle >= SPEEDUP_TARGET)} the target)")  # fmt: skip
    worst = max(r.worker_peak_mb for r in runs)
    print(
        f"largest worker peak RSS: {worst:.0f} MB ({_verdict(worst < WORKER_MB_TARGET)} the {WORKER_MB_TARGET} MB target)"
    )
    if len(runs) > 2:
        print(f"PostgreSQL / SQLite throughput with 2 workers: {runs[2].rate / two.rate:.2f}, "
              f"storing {1000 * runs[2].storing / runs[2].stored:.0f} ms against "
              f"{1000 * two.storing / two.stored:.0f} ms an article")  # fmt: skip


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


if __name__ == "__main__":
    main()
