"""Fuzz run: ten thousand generated and mutated hostile inputs through ``parley.extract``, every
ingest reader and the API, then extraction time per character from 10,000 to 1,000,000 characters.

::

    python bench/fuzz.py                    # 10,000 inputs (make fuzz)
    python bench/fuzz.py --inputs 1000      # a shorter run
    python bench/fuzz.py --no-sweep         # without the time-per-character sweep

The inputs come from the Hypothesis strategies of ``bench/fuzz_inputs.py`` (random Unicode with
lone surrogates and bidi controls, emoji runs, huge tokens, giant sentences, unbalanced and nested
quotes, mutated articles, malformed HTML/XML/JSONL/CSV files, API bodies JSON or not), shared out:

- 60% texts for ``parley.extract`` (runs and sentences of up to 1,000 characters; one in thirty up
  to 30,000), 25% files for ``read_sources``, 15% bodies for ``POST /api/articles`` (an in-process
  client of the app over a scratch SQLite store, extracting in this process);
- and ten texts of 1–5 MB, given to ``parley.extract``, read as a file and posted.

Printed per target: inputs, refused (a ParleyError, a problem report or a 4xx: the clean answer to
bad input), exceptions (anything else, or a 5xx; by where they were raised, with an example),
inputs over 2 s and over 5 s, in wall time and in CPU time of this process (on a shared machine,
wall time measures the neighbours too), the slowest; the peak RSS of the process. The sweep extracts synthetic wire reports run
together (``bench/synthetic.py``) and prints seconds and microseconds per character. Exit code 1
when there were exceptions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402
from fuzz_inputs import SENTENCES, api_bodies, source_files, texts  # noqa: E402

import parley  # noqa: E402
from parley.errors import ParleyError  # noqa: E402
from parley.ingest import InputProblem, read_sources  # noqa: E402
from parley.settings import load_settings  # noqa: E402

TOKEN = "fuzz-token"
SLOW, TOO_SLOW = 2.0, 5.0
SWEEP = (10_000, 30_000, 100_000, 300_000, 1_000_000)


@dataclass
class Tally:
    """What one target did with its inputs."""

    name: str
    inputs: int = 0
    refused: int = 0
    exceptions: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    slow: int = 0
    too_slow: int = 0
    slow_cpu: int = 0
    too_slow_cpu: int = 0
    slowest: float = 0.0
    slowest_size: int = 0
    slowest_cpu: float = 0.0

    def run(self, size: int, attempt: Callable[[], bool]) -> None:
        """Time ``attempt`` (True when it refused the input cleanly) and count what happened."""
        self.inputs += 1
        started, cpu = time.perf_counter(), time.process_time()
        try:
            self.refused += attempt()
        except Exception as exc:  # what the fuzz run is looking for: counted, never raised
            where = traceback.extract_tb(exc.__traceback__)[-1]
            kind = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            if "surrogates not allowed" in str(exc):
                kind += " (lone surrogate)"
            self.exceptions[kind] += 1
            self.examples.setdefault(kind, f"{exc}\n{traceback.format_exc(limit=-4)}")
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
        self.slow += elapsed > SLOW
        self.too_slow += elapsed > TOO_SLOW
        self.slow_cpu += used > SLOW
        self.too_slow_cpu += used > TOO_SLOW
        if elapsed > self.slowest:
            self.slowest, self.slowest_size = elapsed, size
        self.slowest_cpu = max(self.slowest_cpu, used)

    def line(self) -> str:
        """One line of figures."""
        return (
            f"  {self.name:8} inputs={self.inputs:6}  refused={self.refused:5}  exceptions={sum(self.exceptions.values()):4}"
            f"  over {SLOW:g}/{TOO_SLOW:g} s: wall {self.slow}/{self.too_slow}, CPU {self.slow_cpu}/{self.too_slow_cpu}"
            f"  slowest: wall {self.slowest:.2f} s ({self.slowest_size:,} chars or bytes), CPU {self.slowest_cpu:.2f} s"
        )


#: Inputs drawn per Hypothesis run: a run keeps a tree of every choice it made, which would grow
#: to hundreds of MB over ten thousand inputs and be counted as parley's memory.
DRAWS_PER_RUN = 500


def drive(strategy: st.SearchStrategy[Any], count: int, each: Callable[[Any], None]) -> None:
    """Draw ``count`` inputs from ``strategy`` and hand each to ``each`` (generation only, no shrinking)."""
    while count > 0:
        draws, count = min(count, DRAWS_PER_RUN), count - DRAWS_PER_RUN

        @settings(
            max_examples=draws, deadline=None, database=None, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(strategy)
        def run(value: Any) -> None:
            each(value)

        run()


def extract_text(tally: Tally) -> Callable[[str], None]:
    def each(text: str) -> None:
        def attempt() -> bool:
            try:
                parley.extract(text)
            except ParleyError:
                return True
            return False

        tally.run(len(text), attempt)

    return each


def read_file(tally: Tally, folder: Path) -> Callable[[tuple[str, bytes]], None]:
    config = load_settings()

    def each(file: tuple[str, bytes]) -> None:
        name, data = file
        path = folder / name
        path.write_bytes(data)

        def attempt() -> bool:
            found = list(read_sources([str(path)], config))
            for item in found:
                if not isinstance(item, InputProblem):
                    item.text.encode("utf-8")  # an article whose text cannot be stored is a failure
            return any(isinstance(item, InputProblem) and item.severity == "error" for item in found)

        try:
            tally.run(len(data), attempt)
        finally:
            path.unlink()

    return each


def post_body(tally: Tally, client: Any) -> Callable[[bytes], None]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def each(body: bytes) -> None:
        def attempt() -> bool:
            response = client.post("/api/articles", content=body, headers=headers)
            if response.status_code >= 500:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            return response.status_code >= 400

        tally.run(len(body), attempt)

    return each


def huge_texts(count: int, seed: int = 0) -> list[str]:
    """Texts of 1–5 MB (as many characters): sentences, sentences without stops, long runs."""
    rng = random.Random(seed)
    units = [" ".join(SENTENCES) + "\n\n", " ".join(SENTENCES).replace(".", ""), "x" * 997 + " "]
    found = []
    for _ in range(count):
        size, unit = rng.randint(1_000_000, 5_000_000), rng.choice(units)
        found.append((unit * (size // len(unit) + 1))[:size])
    return found


def sweep(sizes: tuple[int, ...]) -> None:
    """Extraction time per character of synthetic wire reports run together, by length."""
    reports = [a["text"] for a in synthetic.articles(1_200, seed=7)]
    joined = "\n\n".join(reports)
    print("\nextraction time per character (synthetic wire reports run together):")
    for size in sizes:
        text = joined[:size]
        started = time.perf_counter()
        records = parley.extract(text)
        elapsed = time.perf_counter() - started
        print(
            f"  {size:>9,} chars  {elapsed:7.2f} s  {1e6 * elapsed / size:6.1f} µs/char  "
            f"{records.count():6} records  peak RSS {peak_rss_mb():5.0f} MB",
            flush=True,
        )


def peak_rss_mb() -> float:
    """The peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    """Run the fuzz and the sweep; print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--inputs", type=int, default=10_000, help="generated and mutated inputs (default 10,000)"
    )
    parser.add_argument("--huge", type=int, default=10, help="texts of 1-5 MB (default 10)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the time-per-character sweep")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.CRITICAL)  # trafilatura logs every page it cannot read
    parley.extract(SENTENCES[0])  # the pipeline loads before the clock starts
    started = time.monotonic()
    tallies = {name: Tally(name) for name in ("extract", "readers", "api", "huge")}
    big = args.inputs * 2 // 100
    with tempfile.TemporaryDirectory(prefix="parley-fuzz-") as scratch:
        folder = Path(scratch)
        drive(texts(longest=1_000), args.inputs * 58 // 100, extract_text(tallies["extract"]))
        drive(texts(longest=30_000), big, extract_text(tallies["extract"]))
        print(f"texts done: {time.monotonic() - started:.0f} s, peak RSS {peak_rss_mb():.0f} MB", flush=True)
        (folder / "files").mkdir()
        drive(
            source_files(longest=3_000),
            args.inputs * 25 // 100,
            read_file(tallies["readers"], folder / "files"),
        )
        print(f"files done: {time.monotonic() - started:.0f} s, peak RSS {peak_rss_mb():.0f} MB", flush=True)
        with api_client(folder / "parley.db") as client:
            drive(api_bodies(longest=3_000), args.inputs * 15 // 100, post_body(tallies["api"], client))
            print(
                f"API done: {time.monotonic() - started:.0f} s, peak RSS {peak_rss_mb():.0f} MB", flush=True
            )
            for text in huge_texts(args.huge):
                extract_text(tallies["huge"])(text)
                read_file(tallies["huge"], folder / "files")(("huge.txt", text.encode("utf-8")))
                post_body(tallies["huge"], client)(json.dumps({"text": text}).encode())
    wall = time.monotonic() - started
    total = sum(t.inputs for t in tallies.values())
    exceptions = sum(sum(t.exceptions.values()) for t in tallies.values())
    print(f"\nfuzz: {total:,} inputs in {wall:.0f} s, load average {os.getloadavg()[0]:.1f} at the end")
    for tally in tallies.values():
        print(tally.line())
    every = tallies.values()
    print(
        f"  all      exceptions={exceptions}  over {SLOW:g}/{TOO_SLOW:g} s: wall {sum(t.slow for t in every)}/"
        f"{sum(t.too_slow for t in every)}, CPU {sum(t.slow_cpu for t in every)}/{sum(t.too_slow_cpu for t in every)}"
        f"  peak RSS {peak_rss_mb():.0f} MB"
    )
    for tally in tallies.values():
        for kind, count in tally.exceptions.most_common():
            print(f"\n{tally.name}: {count} × {kind}: {tally.examples[kind]}")
    if not args.no_sweep:
        sweep(SWEEP)
    return 1 if exceptions else 0


def api_client(db: Path) -> Any:
    """An in-process client of the app over a scratch store, writes allowed with ``TOKEN``."""
    from contextlib import contextmanager

    from fastapi.testclient import TestClient

    from parley.extractor import default_extractor
    from parley.web import create_app

    @contextmanager
    def opened() -> Any:
        os.environ["PARLEY_TOKEN"] = TOKEN
        app = create_app(str(db), load_settings(), extractor=default_extractor())
        try:
            with TestClient(app) as client:
                yield client
        finally:
            app.state.parley.close()

    return opened()


if __name__ == "__main__":
    sys.exit(main())
