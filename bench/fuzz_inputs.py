"""Hypothesis strategies for hostile inputs, shared by the fuzz tests (``tests/test_fuzz.py``, a few
dozen examples each) and the fuzz run (``bench/fuzz.py``, ten thousand).

- ``texts()``: article texts generated from pieces — sentences of talks, random Unicode (lone
  surrogates optional), bidi controls, quotation marks unbalanced and nested, emoji runs, tokens of
  up to 30,000 characters, sentences of up to 3,000 words without a full stop — or mutations of a
  plausible article (pieces inserted, spans cut, quotes and stops removed, spans repeated);
- ``source_files()``: a file for the ingest readers (name and bytes): text in several encodings
  or binary, HTML fragments and pages with broken nesting, RSS/Atom feeds, JSONL and CSV batches,
  any of them cut short;
- ``api_bodies()``: request bodies for ``POST /api/articles``, JSON or not.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape

from hypothesis import strategies as st

#: Sentences of our own about talks (no text of the shared corpus), so that the pipeline's rules fire.
SENTENCES = (
    "Russia agreed to a 30-day ceasefire on energy facilities, the Kremlin said on Tuesday.",
    '"We will never give up our land," the Ukrainian president told reporters in Kyiv.',
    "Israel and Hamas will meet in Cairo next week for a new round of talks, mediators said.",
    "According to two officials, the United States proposed a prisoner exchange.",
    "Hamas warned that it would end the truce if the strikes did not stop within 48 hours.",
    "Ukraine accused Russia of violating the moratorium hours after it began.",
    "The delegations met in Muscat on May 12 and agreed to meet again.",
    "Pakistan said it would reject any outside role in the water dispute, its foreign office said.",
)
#: Bidirectional controls and invisible marks: embeddings, overrides, isolates, marks.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200d\ufeff"
QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2039\u203a()[]"
EMOJI = (
    "\U0001f1fa\U0001f1e6",
    "\U0001f44d\U0001f3fd",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u2764\ufe0f",
    "\U0001f54a",
)
CONTROLS = "\x00\x01\x07\x0b\x0c\r\x1b\x7f\x85\u2028\u2029"


def characters(surrogates: bool) -> st.SearchStrategy[str]:
    """Any character, with the troublesome ones drawn often; lone surrogates when ``surrogates``."""
    choices = [st.characters(), st.sampled_from(BIDI), st.sampled_from(QUOTES), st.sampled_from(CONTROLS)]
    if surrogates:
        choices.append(st.integers(0xD800, 0xDFFF).map(chr))
    return st.one_of(*choices)


def pieces(surrogates: bool, longest: int) -> st.SearchStrategy[str]:
    """One piece of a hostile text; runs and giant sentences of up to ``longest`` characters."""
    return st.one_of(
        st.sampled_from(SENTENCES),
        st.text(characters(surrogates), max_size=60),
        st.builds(lambda e, n: e * n, st.sampled_from(EMOJI), st.integers(1, longest // 8)),  # emoji runs
        st.builds(lambda c, n: c * n, st.sampled_from("x-./_\u0301\U0001f1fa9"), st.integers(100, longest)),
        st.builds(lambda n: " ".join(["the sides agreed to talk again"] * n), st.integers(10, longest // 60)),
        st.text(st.sampled_from(QUOTES), min_size=1, max_size=30),
    )


def _mutate(seed: str, operations: list[tuple[str, float, float, str]]) -> str:
    text = seed
    for kind, at, length, piece in operations:
        start = int(at * len(text))
        end = min(len(text), start + int(length * 200))
        if kind == "insert":
            text = text[:start] + piece + text[start:]
        elif kind == "cut":
            text = text[:start] + text[end:]
        elif kind == "repeat":
            text = text[:end] + text[start:end] * 20 + text[end:]
        elif kind == "unstop":  # no full stop left: one giant sentence
            text = text.replace(". ", " ")
        elif kind == "unquote":  # closing quotation marks gone
            text = text.replace('," ', ", ").replace("\u201d", "")
    return text


def texts(surrogates: bool = True, longest: int = 30_000) -> st.SearchStrategy[str]:
    """An article text: pieces joined, or a plausible article mutated (pieces of up to ``longest``
    characters: a token of 30,000, 3,750 emoji, a sentence of 500 phrases without a stop)."""
    separators = st.sampled_from([" ", "\n", "\n\n", "", "\t", " \u00a0"])
    joined = st.builds(
        lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)),
        st.lists(pieces(surrogates, longest), max_size=25),
        st.lists(separators, min_size=25, max_size=25),
    )
    seed = st.lists(st.sampled_from(SENTENCES), min_size=3, max_size=12).map("\n\n".join)
    operation = st.tuples(
        st.sampled_from(["insert", "cut", "repeat", "unstop", "unquote"]),
        st.floats(0, 1),
        st.floats(0, 1),
        pieces(surrogates, longest),
    )
    mutated = st.builds(_mutate, seed, st.lists(operation, min_size=1, max_size=6))
    return st.one_of(joined, mutated)


def _rss(items: list[str], atom: bool) -> str:
    if atom:
        entries = "".join(f"<entry><title>t</title><content type='html'>{i}</content></entry>" for i in items)
        return (
            f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>f</title>{entries}</feed>"
        )
    entries = "".join(f"<item><title>t</title><description>{i}</description></item>" for i in items)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>{entries}</channel></rss>"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "text", "published"])
    writer.writerows(rows)
    return out.getvalue()


def _jsonl(rows: list[object]) -> str:
    return "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows)


def _markup(parts: list[str], tags: list[str]) -> str:
    """Text in tags opened and closed at random (unclosed, misnested, stray closing tags)."""
    out = []
    for part, tag in zip(parts, tags, strict=False):
        out.append(f"<{tag}>{part}" if tag[0] != "/" else f"{part}<{tag}>")
    return "".join(out)


def source_files(surrogates: bool = True, longest: int = 30_000) -> st.SearchStrategy[tuple[str, bytes]]:
    """A file for the readers: its name (the suffix picks the reader) and its bytes (with
    ``surrogates``, also JSON escapes and character references of lone surrogates)."""
    text = texts(surrogates, longest)
    tags = st.lists(
        st.sampled_from(["p", "div", "/p", "/div", "article", "br", "script", "b", "!--", "html"])
    )
    markup = st.builds(_markup, st.lists(text, max_size=8), tags)
    page = st.one_of(markup, markup.map(lambda m: f"<!doctype html><html><body>{m}</body></html>"))
    entries = [text, text.map(escape), markup.map(escape), st.just("&bogus;")]
    entry = st.one_of(*entries, *([st.just("&#55296;&#xdfff;")] if surrogates else []))
    feed = st.builds(_rss, st.lists(entry, max_size=5), st.booleans())
    row = st.one_of(
        st.builds(lambda t, p: {"text": t, "published": p}, text, st.text(max_size=12)),
        st.builds(lambda h: {"html": h}, page),
        st.just({"text": 5}),
        st.just({"other": "no text"}),
        st.text(max_size=40),  # not JSON
        st.just('{"text": "broken'),
    )
    rows = st.lists(row, max_size=6)
    if surrogates:
        rows = st.builds(
            lambda r: r + ['{"text": "Talks resumed in Doha on Monday, officials said \\ud800."}'], rows
        )
    batch_csv = st.lists(st.lists(text, min_size=1, max_size=4), max_size=5).map(_csv)
    encodings = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-32"])
    encoded = st.builds(
        lambda t, e: t.encode(e, errors="surrogatepass" if "utf" in e else "replace"), text, encodings
    )
    files = st.one_of(
        st.tuples(st.just("a.txt"), encoded),
        st.tuples(st.just("b.txt"), st.binary(max_size=2_000)),
        st.tuples(st.just("c.html"), page.map(lambda p: p.encode("utf-8", "surrogatepass"))),
        st.tuples(
            st.sampled_from(["d.xml", "d.rss"]), feed.map(lambda f: f.encode("utf-8", "surrogatepass"))
        ),
        st.tuples(st.just("e.jsonl"), rows.map(lambda r: _jsonl(r).encode("utf-8", "surrogatepass"))),
        st.tuples(st.just("f.csv"), batch_csv.map(lambda c: c.encode("utf-8", "surrogatepass"))),
    )
    # Any of them cut short, as a download or a write that stopped.
    return st.builds(lambda f, cut: (f[0], f[1][: int(len(f[1]) * cut)] if cut < 1 else f[1]), files,
                     st.sampled_from([1.0, 1.0, 1.0, 0.5, 0.9, 0.1]))  # fmt: skip


def api_bodies(surrogates: bool = True, longest: int = 30_000) -> st.SearchStrategy[bytes]:
    """A body for ``POST /api/articles``: JSON with text or HTML (and odd fields), or not JSON at all."""
    text = texts(surrogates, longest)
    document = st.one_of(
        st.builds(lambda t: {"text": t}, text),
        st.builds(
            lambda t, p: {"text": t, "published": p}, text, st.sampled_from(["2025-04-18", "2025-02-30", "x"])
        ),
        st.builds(lambda t: {"html": f"<p>{t}</p>"}, text),
        st.builds(lambda t: {"text": t, "html": t}, text),
        st.builds(lambda t, o: {"text": t, "outlet": o}, text, st.text(max_size=30)),
    )
    as_json = document.map(lambda d: json.dumps(d).encode("utf-8"))  # ensure_ascii: surrogates as \\udxxx
    return st.one_of(as_json, as_json.map(lambda b: b[: len(b) // 2]), st.binary(max_size=500))
