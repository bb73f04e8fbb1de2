"""The one way into the store: ``take_in`` (extract, then commit) and ``commit`` (records already
made); and the one way out: ``delete_article``.

Every article, whoever brings it (``parley ingest``, the web API, a Dask batch), goes through here:

1. its text is normalised and hashed; an article already stored is skipped (so a re-run after a
   crash finishes the job without duplicates);
2. near-duplicates — the same wire story carried by another site — are found by word shingles:
   the article is stored, linked to the first one, and counts as one more outlet carrying it;
3. the article, its statements and records (dates resolved against its publication date), the
   facts they update and the alerts those changes raise (``parley.alerts.derive``) are written in
   ONE transaction: an interrupted run leaves nothing half-written, and no alert lost or doubled.

Deleting an article is one transaction too: the article and all read from it go, and the facts it
supported are recomputed from their other sources (or removed when it was their only one).

Near-duplicate search scales with locality-sensitive hashing: each 5-word shingle hashes to one of
64 bins, each bin keeps its smallest hash (one-permutation MinHash, so two texts agree on a bin with
probability ≈ their Jaccard similarity), and bins are grouped 4 by 4 into 16 band keys. Articles
sharing a band key are candidates; the exact Jaccard of their shingles decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Protocol

from parley import consolidate, dates
from parley.actors import ActorRegistry
from parley.alerts.derive import derive_article
from parley.errors import ExtractionError, ParleyError
from parley.records import RECORD_KINDS, Article, Records
from parley.settings import Settings, load_settings
from parley.store import Store

SHINGLE_WORDS = 5
_BINS = 64
_BAND_ROWS = 4
_WORD = re.compile(r"\w+")


class Extracting(Protocol):
    """What ``take_in`` needs of an extractor (``parley.extractor.Extractor`` has it)."""

    def extract(self, article: Article) -> Records: ...

    def extract_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Records]]: ...


@dataclass
class TakeIn:
    """What happened to one article: ``status`` is ``"stored"``, ``"exists"`` or ``"failed"``."""

    source: str
    status: str
    article_id: int | None = None
    duplicate_of: int | None = None  # the first article of the same wire story
    records: int = 0  # statements and records stored
    process: str | None = None
    message: str | None = None  # why it failed
    code: str | None = None  # the ParleyError code of the failure

    @property
    def ok(self) -> bool:
        """Stored now or before."""
        return self.status != "failed"


@dataclass
class Deleted:
    """What deleting one article did."""

    article_id: int
    process: str | None  # the process it was in
    facts_updated: list[int]  # facts recomputed from their other sources
    facts_removed: list[int]  # facts it was the only source of
    story_first: int | None = None  # the near-duplicate that became the first of its story


def normalise(text: str) -> str:
    """The text as compared for duplicates: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal for the same article however it was spaced."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """64-bit hashes of the text's overlapping 5-word sequences (the whole text if shorter)."""
    words = _WORD.findall(normalise(text))
    windows = [words[i : i + SHINGLE_WORDS] for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    return {int.from_bytes(hashlib.blake2b(" ".join(w).encode(), digest_size=8).digest()) for w in windows}


def jaccard(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def bands(hashes: set[int]) -> list[str]:
    """The band keys of a shingle set (see the module docstring)."""
    bins: list[int | None] = [None] * _BINS
    for h in hashes:
        slot = h % _BINS
        value = h // _BINS
        if bins[slot] is None or value < bins[slot]:  # type: ignore[operator]
            bins[slot] = value
    keys = []
    for band in range(_BINS // _BAND_ROWS):
        rows = bins[band * _BAND_ROWS : (band + 1) * _BAND_ROWS]
        digest = hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()
        keys.append(f"{band}:{digest}")
    return keys


def take_in(
    store: Store,
    article: Article,
    extractor: Extracting,
    process: str | None = None,
    settings: Settings | None = None,
    registry: ActorRegistry | None = None,
) -> TakeIn:
    """Store one article with its records unless it is already stored; never raises for bad input.

    ``process`` names the negotiation process to put it in (default: chosen by its parties);
    ``registry`` tells whom a speaker acts for (default: the built-in actors).
    """
    found = store.article_by_hash(content_hash(article.text))
    if found:
        return _exists(article, found)
    records = extract_one(extractor, article)
    if isinstance(records, ParleyError):
        return TakeIn(source=article.source, status="failed", message=str(records), code=records.code)
    return commit(store, article, records, process=process, settings=settings, registry=registry)


def take_in_many(
    store: Store,
    articles: Iterable[Article],
    extractor: Extracting,
    process: str | None = None,
    settings: Settings | None = None,
    batch_size: int | None = None,
    registry: ActorRegistry | None = None,
) -> Iterator[TakeIn]:
    """``take_in`` for many articles, extracting new ones in batches (``nlp.pipe`` is faster so).

    Articles already stored are skipped before extraction (one query per batch); an article whose
    extraction fails is one ``failed`` result and the others are stored (see :func:`extract_each`).
    """
    settings = settings or load_settings()
    size = batch_size or settings.nlp.batch_size
    pending = iter(articles)
    while batch := list(islice(pending, size)):
        digests = [content_hash(a.text) for a in batch]
        stored = store.articles_by_hash(digests)
        fresh = [a for a, digest in zip(batch, digests, strict=True) if digest not in stored]
        extracted = extract_each(extractor, fresh, size)
        for article, digest in zip(batch, digests, strict=True):
            if digest in stored:
                yield _exists(article, stored[digest])
                continue
            _, records = next(extracted)
            if isinstance(records, ParleyError):
                yield TakeIn(source=article.source, status="failed", message=str(records), code=records.code)
            else:
                yield commit(store, article, records, process=process, settings=settings, registry=registry)


def extract_each(
    extractor: Extracting, articles: Iterable[Article], batch_size: int
) -> Iterator[tuple[Article, Records | ParleyError]]:
    """Each article with its records, or with the error its extraction raised, in order.

    Articles are extracted ``batch_size`` at a time (``nlp.pipe``); when a batch fails, the articles
    read before the failure keep their records, an error naming the next article (too long, over
    the time budget) is that article's, and the rest are redone one article at a time, so that one
    bad article (a text spaCy refuses, a bug it triggers) fails alone and the run goes on. Every
    command that extracts goes through here or :func:`extract_one`.
    """
    pending = iter(articles)
    while batch := list(islice(pending, batch_size)):
        done: list[tuple[Article, Records | ParleyError]] = []
        try:
            done.extend(extractor.extract_many(batch))
        except Exception as exc:
            rest = batch[len(done) :]
            if rest and isinstance(exc, ParleyError) and exc.source == rest[0].source:
                done.append((rest[0], exc))  # its own error: not worth reading it again
                rest = rest[1:]
            # which article failed is unknown otherwise: each one alone tells
            done += [(article, extract_one(extractor, article)) for article in rest]
        yield from done


def extract_one(extractor: Extracting, article: Article) -> Records | ParleyError:
    """The article's records, or the error extracting them raised (anything else than a
    :class:`ParleyError` becomes an :class:`ExtractionError` naming the article)."""
    try:
        return extractor.extract(article)
    except ParleyError as err:
        return err
    except Exception as exc:
        return ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}", source=article.source)


def commit(
    store: Store,
    article: Article,
    records: Records,
    process: str | None = None,
    settings: Settings | None = None,
    registry: ActorRegistry | None = None,
) -> TakeIn:
    """Store an article and its records and update the facts, in one transaction.

    Idempotent: an article whose normalised text is already stored is left as it is
    (``status="exists"``). This is what ``parley.batch`` calls with records made elsewhere.
    Commits may run concurrently, each on its own store connection: one that a concurrent commit
    made the database give up on (a deadlock) is run again, up to ``store.commit_attempts`` times.
    """
    settings = settings or load_settings()
    return store.retrying(
        lambda: _commit_once(store, article, records, process, settings, registry),
        settings.store.commit_attempts,
    )


def _commit_once(
    store: Store,
    article: Article,
    records: Records,
    process: str | None,
    settings: Settings,
    registry: ActorRegistry | None,
) -> TakeIn:
    """``commit``'s one transaction. It waits for the database three times whatever the number of
    records: to read what is like the article (and new ids), to lock the facts it updates, to commit;
    and, in between, for each read that deriving the article's alerts makes (``parley.alerts.derive``:
    about six, whatever the number of records and of alerts raised)."""
    digest = content_hash(article.text)
    hashes = shingles(article.text)
    keys = bands(hashes)
    data = records.to_dict()
    # Records in the order Store.records gives them (by kind name, then index): the order they merge in.
    made = [(kind, i, record) for kind in sorted(RECORD_KINDS) for i, record in enumerate(data[kind])]
    parties = consolidate.parties_named([{"kind": kind, "payload": record} for kind, _, record in made])
    with store.transaction(exclusive=False):
        ready = store.prepare_article(
            digest, keys, statements=len(data["statements"]), records=len(made), parties=parties
        )
        found = next((a for a in ready["similar"] if a["content_hash"] == digest), None)
        if found:
            return _exists(article, found)
        document = data["document"]
        published = article.published or document.get("published")
        row = {  # the article as consolidation reads it
            "id": ready["article_id"],
            "text": article.text,
            "seen": (dates.parse_iso(published) or datetime.now(UTC).date()).isoformat(),
            "outlet": article.outlet or document.get("outlet"),
            "duplicate_of": _first_of_story(ready["similar"], hashes, settings.store.near_duplicate_jaccard),
            "process_id": None,
            "process": None,
        }
        store.add_article(
            id=row["id"],
            key=article.id or document.get("id") or digest[:16],
            content_hash=digest,
            text=article.text,
            seen=row["seen"],
            source=article.source,
            url=article.url or document.get("url"),
            outlet=row["outlet"],
            title=article.title or document.get("title"),
            published=published,
            duplicate_of=row["duplicate_of"],
            record_count=records.count(),
        )
        store.add_bands(row["id"], keys)
        statements = [_statement_row(statement_id, i, s, article.text)
                      for statement_id, (i, s) in zip(ready["statement_ids"], enumerate(data["statements"]), strict=True)]  # fmt: skip
        store.add_statements(row["id"], statements)
        stored = [_record_row(record_id, row["id"], kind, i, record, statements, published)
                  for record_id, (kind, i, record) in zip(ready["record_ids"], made, strict=True)]  # fmt: skip
        store.add_records(row["id"], stored)
        merged = consolidate.merge_article(
            store, row, stored, {s["id"]: s for s in statements}, process=process, registry=registry,
            processes=ready["processes"],
        )  # fmt: skip
        derive_article(store, row["id"], settings)  # the alerts it raises, in the same transaction
    return TakeIn(
        source=article.source,
        status="stored",
        article_id=row["id"],
        duplicate_of=row["duplicate_of"],
        records=records.count(),
        process=merged.process,
    )


def delete_article(store: Store, article_id: int, registry: ActorRegistry | None = None) -> Deleted:
    """Delete a stored article and everything read from it, in one transaction, and recompute the
    facts it supported from their remaining sources; ``NotFoundError`` for an unknown id.

    Its process's party and issue tallies forget it (a process left with no article is removed); its
    near-duplicates stay one story, led by the earliest of them. The same text can be taken in again.
    """
    with store.transaction():
        article = store.article(article_id)
        consolidate.withdraw_article(store, article_id)
        deleted = store.delete_article(article_id)
        consolidate.rebuild_facts(store, deleted["facts"], registry=registry)
    return Deleted(
        article_id=article_id,
        process=article["process"],
        facts_updated=deleted["facts"],
        facts_removed=deleted["facts_removed"],
        story_first=deleted["story_first"],
    )


def _exists(article: Article, found: dict[str, Any]) -> TakeIn:
    return TakeIn(
        source=article.source,
        status="exists",
        article_id=found["id"],
        duplicate_of=found["duplicate_of"],
        records=found["record_count"],
        process=found["process"],
    )


def _first_of_story(similar: list[dict[str, Any]], hashes: set[int], threshold: float) -> int | None:
    """The first stored article of the same story among ``similar`` (Jaccard of shingles ≥ threshold), if any."""
    for candidate in similar:
        if jaccard(hashes, shingles(candidate["text"])) >= threshold:
            return candidate["duplicate_of"] or candidate["id"]
    return None


def _span(span: Any, text: str) -> tuple[int, int]:
    """A span clamped to the text (a record's offsets are never trusted to fit)."""
    start, end = (int(span[0]), int(span[1])) if span else (0, 0)
    start = min(max(start, 0), len(text))
    return start, min(max(end, start), len(text))


def _statement_row(statement_id: int, idx: int, statement: dict[str, Any], text: str) -> dict[str, Any]:
    """A statement as ``Store.add_statements`` takes it (and consolidation reads it)."""
    start, end = _span(statement.get("span"), text)
    return {
        "id": statement_id,
        "idx": idx,
        "speaker": statement.get("speaker") or "anon",
        "party": statement.get("party"),
        "via": list(statement.get("via") or []),
        "direct": bool(statement.get("direct")),
        "hedged": bool(statement.get("hedged")),
        "span_start": start,
        "span_end": end,
        "text": text[start:end],
        "payload": statement,
    }


def _statement_of(record: dict[str, Any], statements: list[dict[str, Any]]) -> int | None:
    """The id of the record's statement: the one it names, else the first whose span holds its evidence."""
    index = record.get("statement")
    if isinstance(index, int):
        return statements[index]["id"] if 0 <= index < len(statements) else None
    for span in record.get("evidence") or []:
        for statement in statements:
            if statement["span_start"] <= span[0] and span[1] <= statement["span_end"]:
                return statement["id"]
    return None


def _record_row(
    record_id: int,
    article_id: int,
    kind: str,
    idx: int,
    record: dict[str, Any],
    statements: list[dict[str, Any]],
    published: str | None,
) -> dict[str, Any]:
    """A record as ``Store.add_records`` takes it and ``Store.records`` gives it back: key fields
    resolved (dates against the article's publication date), the whole record as payload."""
    when = consolidate.record_dates(kind, record, published)
    return {
        "id": record_id,
        "article_id": article_id,
        "kind": kind,
        "idx": idx,
        "party": consolidate.record_actor(kind, record),
        "issue": record.get("issue"),
        "statement_id": _statement_of(record, statements),
        "date_start": when.start,
        "date_end": when.end,
        "date_precision": when.precision,
        "text": record.get("text") or None,
        "payload": record,
        "fact_id": None,
    }
