"""The extractor: articles in, ``parley-records/1`` records out.

:class:`Extractor` runs texts through the spaCy pipeline with ``nlp.pipe`` in batches and converts
each Doc's annotations (``doc._.statements``, ``doc._.negotiation``) into :class:`~parley.records.Records`
once, at the end. The pipeline and the actor registry load once per extractor.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from parley.errors import ExtractionError, InputError, ParleyError
from parley.nlp.pipeline import load_pipeline, normalise_for_model
from parley.records import (
    Article,
    Commitment,
    Document,
    Meeting,
    Position,
    Proposal,
    Records,
    Statement,
    Threat,
    Violation,
)
from parley.settings import Settings, load_settings

_RECORD_TYPES: dict[str, type] = {
    "commitments": Commitment,
    "proposals": Proposal,
    "positions": Position,
    "threats": Threat,
    "violations": Violation,
    "meetings": Meeting,
}


class Extractor:
    """Reads articles and returns their records; load once, call many times.

    The cost of one article is bounded whatever its text: articles over ``input.max_chars`` are
    refused, long articles are read in sections of ``nlp.section_chars`` (memory and time per
    character stay those of a short article) within ``nlp.article_seconds``, runs of characters
    over ``nlp.max_token_chars`` are cut before the tokenizer and sentences over
    ``nlp.max_sentence_tokens`` by ``parley_paragraphs``.
    """

    def __init__(self, settings: Settings | None = None, actor_files: Iterable[str] = ()) -> None:
        self.settings = settings or load_settings()
        self.actor_files = tuple(str(f) for f in actor_files)
        self.nlp = load_pipeline(
            self.settings.nlp.model, self.actor_files, self.settings.nlp.max_sentence_tokens
        )
        self.nlp.max_length = max(self.nlp.max_length, self.settings.nlp.section_chars)
        self._long_run = re.compile(rf"\S{{{self.settings.nlp.max_token_chars + 1},}}")

    def extract(self, article: Article) -> Records:
        """The records of one article; :class:`InputError` when it is too long to be one,
        :class:`ExtractionError` when it takes longer than ``nlp.article_seconds``."""
        return next(self.extract_many([article]))[1]

    def extract_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Records]]:
        """Records of many articles, in order, parsed in batches with ``nlp.pipe``; raises the
        :class:`ParleyError` of the first article that cannot be read (see :meth:`extract_each`)."""
        for article, outcome in self.extract_each(articles):
            if isinstance(outcome, ParleyError):
                raise outcome
            yield article, outcome

    def extract_each(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Records | ParleyError]]:
        """Records of many articles, in order, or for an article that cannot be read (too long, over
        the time budget) its :class:`ParleyError`, and on with the next.

        Each group of batches runs in a spaCy memory zone, so that a long-running extractor (a
        batch worker, the web server) does not keep every word it has ever seen. An article
        longer than a section is read alone, section by section."""
        size = self.settings.nlp.batch_size
        for group in _groups(articles, size * BATCHES_PER_MEMORY_ZONE):
            with self.nlp.memory_zone():
                short: list[Article] = []
                for article in group:
                    if len(article.text) <= min(
                        self.settings.nlp.section_chars, self.settings.input.max_chars
                    ):
                        short.append(article)
                        continue
                    yield from self._pipe(short)
                    short = []
                    try:
                        self._check_length(article)
                        yield article, self._extract_sections(article)
                    except ParleyError as err:
                        yield article, err
                yield from self._pipe(short)

    def make_doc(self, text: str) -> Doc:
        """The tokenized Doc of ``text`` (exactly: ``doc.text == text``), with every run of more
        than ``nlp.max_token_chars`` non-space characters cut into tokens of that many."""
        runs = list(self._long_run.finditer(text))
        if not runs:
            return self.nlp.make_doc(text)
        limit = self.settings.nlp.max_token_chars
        parts = []
        done = 0
        for run in runs:
            if run.start() > done:
                parts.append(self.nlp.make_doc(text[done : run.start()]))
            words = [text[i : min(i + limit, run.end())] for i in range(run.start(), run.end(), limit)]
            spaces = [False] * len(words)
            done = run.end()
            if text.startswith(" ", done):  # the space after the run goes with its last token
                spaces[-1] = True
                done += 1
            parts.append(Doc(self.nlp.vocab, words=words, spaces=spaces))
        if done < len(text):
            parts.append(self.nlp.make_doc(text[done:]))
        return Doc.from_docs(parts, ensure_whitespace=False)

    def _check_length(self, article: Article) -> None:
        limit = self.settings.input.max_chars
        if len(article.text) > limit:
            raise InputError(
                f"too long: {len(article.text):,} characters, an article may have at most {limit:,} "
                f"(setting input.max_chars)",
                source=article.source,
            )

    def _pipe(self, articles: list[Article]) -> Iterator[tuple[Article, Records]]:
        most = PIPE_BATCH_SECTIONS * self.settings.nlp.section_chars
        for batch in _batches(articles, self.settings.nlp.batch_size, most):
            docs = [self._prepare(article.text, article) for article in batch]
            for doc in self.nlp.pipe(docs, batch_size=len(docs)):
                article = doc.user_data["article"]
                yield article, to_records([(doc, 0)], article)

    def _extract_sections(self, article: Article) -> Records:
        """A long article read section by section, within the time budget."""
        return to_records(self._sections(article), article)

    def _sections(self, article: Article) -> Iterator[tuple[Doc, int]]:
        """The processed Doc of each section with its offset, made as ``to_records`` takes them
        (one section's Doc in memory at a time); ``ExtractionError`` once over the time budget."""
        budget = self.settings.nlp.article_seconds
        started = time.monotonic()
        for start, end in sections(article.text, self.settings.nlp.section_chars):
            if time.monotonic() - started > budget:
                raise ExtractionError(
                    f"extraction stopped after {budget:g} s (setting nlp.article_seconds), "
                    f"{start:,} of {len(article.text):,} characters read",
                    source=article.source,
                )
            yield self.nlp(self._prepare(article.text[start:end], article)), start

    def _prepare(self, text: str, article: Article) -> Doc:
        doc = self.make_doc(normalise_for_model(text))
        doc.user_data["article"] = article
        doc.user_data["published"] = article.published
        return doc


#: Batches parsed in one spaCy memory zone: larger groups amortise the zone, smaller ones free sooner.
BATCHES_PER_MEMORY_ZONE = 8
#: An nlp.pipe batch holds at most this many sections' worth of characters (``nlp.section_chars``):
#: the pipeline's memory grows with the characters of a batch, and 32 long articles are a lot.
PIPE_BATCH_SECTIONS = 8


def sections(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive sections of ``text`` of at most ``size`` characters, each cut
    after the last line break in its second half, else after a sentence's end, else at a space."""
    start = 0
    while len(text) - start > size:
        low, high = start + size // 2, start + size
        cut = text.rfind("\n", low, high) + 1
        if not cut:
            ends = [text.rfind(mark, low, high - 1) for mark in (". ", "? ", "! ")]
            cut = max(ends) + 2 if max(ends) >= 0 else text.rfind(" ", low, high) + 1
        cut = cut or high
        yield start, cut
        start = cut
    yield start, len(text)


def _batches(articles: list[Article], count: int, chars: int) -> Iterator[list[Article]]:
    """``articles`` in batches of at most ``count`` articles and (unless one alone) ``chars`` characters."""
    batch: list[Article] = []
    held = 0
    for article in articles:
        if batch and (len(batch) == count or held + len(article.text) > chars):
            yield batch
            batch, held = [], 0
        batch.append(article)
        held += len(article.text)
    if batch:
        yield batch


def _groups(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    group: list[Article] = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def article_id(article: Article) -> str:
    """The article's id, or a short hash of its text when it has none."""
    return article.id or "sha1-" + hashlib.sha1(article.text.encode("utf-8")).hexdigest()[:12]


def to_records(pieces: Iterable[tuple[Doc, int]], article: Article) -> Records:
    """Convert processed Docs' annotations into records (statements first, then the rest).

    ``pieces`` are the Docs of an article's sections, each with the offset where it starts in the
    article (one Doc at offset 0 for all but long articles)."""
    records = Records(
        document=Document(
            id=article_id(article),
            published=article.published,
            outlet=article.outlet,
            url=article.url,
            title=article.title,
        )
    )
    seen: set[tuple[Any, ...]] = set()
    for doc, offset in pieces:
        discourse = doc._.discourse
        first_statement = len(records.statements)
        for st in doc._.statements or []:
            records.statements.append(
                Statement(
                    span=_shifted((st.start, st.end), offset),
                    speaker=st.speaker,
                    via=list(st.via),
                    direct=st.direct,
                    hedged=st.hedged,
                    speaker_span=_shifted(st.speaker_span, offset),
                    cue_span=_shifted(st.cue_span, offset),
                    party=discourse.party(st.speaker, article.published) if discourse else None,
                )
            )
        for found in doc._.negotiation or []:
            if offset:
                found.evidence = [_shifted(span, offset) for span in found.evidence]
                if found.statement is not None:
                    found.statement += first_statement
            typ = _RECORD_TYPES[found.kind]
            fields = dict(found.fields)
            key = (found.kind, *(str(fields.get(k)) for k in _key_fields(found.kind)))
            if key in seen:
                _add_evidence(records, found, key)
                continue
            seen.add(key)
            fields["evidence"] = list(found.evidence)
            if found.kind != "meetings":
                fields["statement"] = found.statement
            getattr(records, found.kind).append(typ(**fields))
    return records


def _shifted(span: Any, offset: int) -> Any:
    """A (start, end) span of a section moved to where the section starts in the article."""
    return None if span is None else (span[0] + offset, span[1] + offset)


def _key_fields(kind: str) -> tuple[str, ...]:
    return {
        "commitments": ("party", "issue"),
        "proposals": ("proposer", "issue"),
        "positions": ("party", "issue"),
        "threats": ("actor", "issue"),
        "violations": ("accused", "issue"),
        "meetings": ("place", "date"),
    }[kind]


def _add_evidence(records: Records, found: Any, key: tuple[Any, ...]) -> None:
    """A second finding of the same record adds its evidence (and fills what the first lacked)."""
    fields = _key_fields(found.kind)
    for record in getattr(records, found.kind):
        if tuple(str(getattr(record, f)) for f in fields) == key[1:]:
            for span in found.evidence:
                if span not in record.evidence:
                    record.evidence.append(span)
            if found.kind == "commitments":
                record.conditional = record.conditional or found.fields.get("conditional", False)
                record.condition_issue = record.condition_issue or found.fields.get("condition_issue")
                record.duration_days = record.duration_days or found.fields.get("duration_days")
            if found.kind == "threats":
                record.has_deadline = record.has_deadline or found.fields.get("has_deadline", False)
                record.deadline = record.deadline or found.fields.get("deadline")
            if found.kind == "positions":
                record.red_line = record.red_line or found.fields.get("red_line", False)
            return


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """An extractor with the default settings, built on first use."""
    return Extractor()
