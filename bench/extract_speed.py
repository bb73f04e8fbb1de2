"""Extraction speed: bare spaCy against parley end to end, one article from a cold start, peak memory.

    .venv/bin/python bench/extract_speed.py [--texts DIR] [--articles 200] [--repeat 2] [--profile 25]

On the same texts (the shared corpus repeated to ``--articles``, or the ``*.txt`` of ``--texts``):

- bare ``nlp.pipe`` throughput with the same spaCy pipeline (``parley.nlp.pipeline.bare_pipeline``);
- parley's end-to-end throughput (``Extractor.extract_many``: normalisation, the spaCy pipeline with
  parley's components, conversion to records) and its ratio to the bare one (target >= 0.7);
- ``python -m parley extract FILE --out TMP`` in a fresh process: wall time (target < 3 s) and peak
  RSS (target < 600 MB); the same command over all the texts: wall time and peak RSS;
- the peak RSS of this process (both pipelines loaded).

Timed runs alternate bare and parley ``--repeat`` times and keep each one's best (the machine is
shared). ``--profile N`` adds a cProfile run of ``extract_many``: the time in each pipeline
component and the N most expensive functions of parley's own code. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from parley.extractor import Extractor
from parley.ingest import read_sources
from parley.nlp.pipeline import bare_pipeline
from parley.records import Article
from parley.settings import load_settings

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
RATIO_TARGET = 0.7
COLD_START_TARGET_S = 3.0
RSS_TARGET_MB = 600
COLD_RUNS = 3


def load_articles(folder: Path, count: int) -> list[Article]:
    """The articles of ``folder`` (with their sidecar metadata), repeated to ``count`` with distinct ids."""
    found = [a for a in read_sources([folder]) if isinstance(a, Article)]
    if not found:
        raise SystemExit(f"no readable articles in {folder}")
    return [replace(found[i % len(found)], id=f"{i:04d}-{found[i % len(found)].id}") for i in range(count)]


def timed(run: Callable[[], object]) -> float:
    """Seconds ``run`` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def consume(items: Iterable[object]) -> None:
    for _ in items:
        pass


def write_inputs(articles: list[Article], folder: Path) -> list[Path]:
    """Each article as ``ID.txt`` with a ``ID.meta.json`` sidecar, for the command-line runs."""
    folder.mkdir()
    paths = []
    for article in articles:
        path = folder / f"{article.id}.txt"
        path.write_text(article.text, encoding="utf-8")
        meta = {"published": article.published, "outlet": article.outlet}
        (folder / f"{article.id}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


def run_cli(source: Path, out: Path) -> tuple[float, float, float]:
    """``python -m parley extract SOURCE --out OUT`` in a fresh process: wall and CPU seconds, peak RSS (MB).

    The CPU time (user + system) is what the wall time would be on an idle machine.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", "extract", str(source), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"parley extract failed: {process.stderr.read().decode(errors='replace')}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def profile(extractor: Extractor, articles: list[Article], top: int) -> None:
    """Time per pipeline component and parley's most expensive functions, under cProfile."""
    profiler = cProfile.Profile()
    profiler.enable()
    consume(extractor.extract_many(articles))
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tottime for _, _, tottime, _, _ in entries.values())

    def cumulative(file_part: str, name: str) -> float:
        return sum(
            cum
            for (file, _, func), (_, _, _, cum, _) in entries.items()
            if file_part in file and func == name
        )

    print(f"\ncProfile of extract_many over {len(articles)} articles ({total:.1f} s profiled):")
    components = [
        ("parley_paragraphs", cumulative("parley/nlp/pipeline.py", "paragraph_boundaries")),
        ("parley_actors", cumulative("parley/nlp/mentions.py", "__call__")),
        ("parley_attribution", cumulative("parley/nlp/attribution.py", "__call__")),
        ("parley_negotiation", cumulative("parley/nlp/negotiation.py", "__call__")),
        ("to_records", cumulative("parley/extractor.py", "to_records")),
    ]
    for name, seconds in components:
        print(f"  {name:<20} {seconds:7.2f} s  {seconds / total:6.1%}")
    ours = sum(seconds for _, seconds in components)
    print(f"  {'parley, all':<20} {ours:7.2f} s  {ours / total:6.1%}   (the rest is spaCy and Python)")
    own = [
        (tottime, cum, calls, f"{Path(file).name}:{line} {func}")
        for (file, line, func), (_, calls, tottime, cum, _) in entries.items()
        if f"{os.sep}parley{os.sep}" in file
    ]
    print(f"\n  parley's top {top} functions by own time:")
    print(f"  {'own s':>7} {'cum s':>7} {'calls':>9}  function")
    for tottime, cum, calls, where in sorted(own, reverse=True)[:top]:
        print(f"  {tottime:7.2f} {cum:7.2f} {calls:9d}  {where}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=SHARED_CORPUS, help="a folder of articles (*.txt)")
    parser.add_argument("--articles", type=int, default=200, help="articles to run (texts are repeated)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each pipeline (best kept)")
    parser.add_argument("--profile", type=int, metavar="N", default=0, help="also profile; show N functions")
    args = parser.parse_args(argv)

    settings = load_settings()
    articles = load_articles(args.texts, args.articles)
    texts = [a.text for a in articles]
    chars = sum(len(t) for t in texts)

    with tempfile.TemporaryDirectory(prefix="parley-bench-") as scratch:
        folder = Path(scratch)
        inputs = write_inputs(articles, folder / "in")
        typical = sorted(inputs, key=lambda p: p.stat().st_size)[len(inputs) // 2]  # of median length
        typical_chars = len(typical.read_text(encoding="utf-8"))
        cold = [run_cli(typical, folder / f"one-{i}") for i in range(COLD_RUNS)]
        batch_s, batch_cpu, batch_rss = run_cli(folder / "in", folder / "all")

    started = time.perf_counter()
    bare = bare_pipeline(settings.nlp.model)
    extractor = Extractor(settings)
    load_seconds = time.perf_counter() - started
    batch_size = settings.nlp.batch_size
    consume(bare.pipe(texts[:5], batch_size=batch_size))  # warm-up: first-call allocations
    consume(extractor.extract_many(articles[:5]))
    bare_times, parley_times = [], []
    for _ in range(args.repeat):  # alternated, so that a busy moment of the machine hits both
        bare_times.append(timed(lambda: consume(bare.pipe(texts, batch_size=batch_size))))
        parley_times.append(timed(lambda: consume(extractor.extract_many(articles))))
    bare_s, parley_s = min(bare_times), min(parley_times)
    ratio = bare_s / parley_s  # = parley's throughput / bare throughput
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cold_s = statistics.median(wall for wall, _, _ in cold)
    cold_cpu = statistics.median(cpu for _, cpu, _ in cold)
    cold_rss = max(rss for _, _, rss in cold)
    cold_runs = ", ".join(f"{wall:.2f}" for wall, _, _ in cold)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    n = len(articles)
    print(f"texts: {n} articles, {chars:,} characters ({args.texts}), spaCy pipeline {bare.meta['name']}")
    print(f"  cold start on {typical.name} ({typical_chars:,} characters, of median length)")
    print(f"  both pipelines loaded in {load_seconds:.1f} s; batch size {batch_size}; best of {args.repeat}")
    rows = [
        ("bare nlp.pipe", f"{n / bare_s:.1f} articles/s", f"{chars / bare_s / 1000:.1f} k chars/s", ""),
        ("parley extract_many", f"{n / parley_s:.1f} articles/s", f"{chars / parley_s / 1000:.1f} k chars/s", ""),
        ("ratio parley / bare", f"{ratio:.2f}", f"target >= {RATIO_TARGET}", verdict(ratio >= RATIO_TARGET)),
        ("one article, cold start", f"{cold_s:.2f} s", f"target < {COLD_START_TARGET_S:.0f} s",
         f"{verdict(cold_s < COLD_START_TARGET_S)} (runs: {cold_runs})"),
        ("  its CPU time", f"{cold_cpu:.2f} s", "user + system", ""),
        ("  its peak RSS", f"{cold_rss:.0f} MB", f"target < {RSS_TARGET_MB} MB", verdict(cold_rss < RSS_TARGET_MB)),
        (f"CLI, all {n} articles", f"{batch_s:.1f} s", f"{n / batch_s:.1f} articles/s", ""),
        ("  its CPU time", f"{batch_cpu:.1f} s", "user + system", ""),
        ("  its peak RSS", f"{batch_rss:.0f} MB", f"target < {RSS_TARGET_MB} MB", verdict(batch_rss < RSS_TARGET_MB)),
        ("this process, peak RSS", f"{self_rss:.0f} MB", "bare + parley pipelines", ""),
    ]  # fmt: skip
    for label, value, detail, mark in rows:
        print(f"{label:<24} {value:>16}  {detail:<24} {mark}".rstrip())
    if args.profile:
        profile(extractor, articles, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
