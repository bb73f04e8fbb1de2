"""The extractor: articles in, ``parley-records/1`` records out.

:class:`Extractor` runs texts through the spaCy pipeline with ``nlp.pipe`` in batches and converts
each Doc's annotations (``doc._.statements``, ``doc._.negotiation``) into :class:`~parley.records.Records`
once, at the end. The pipeline and the actor registry load once per extractor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

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
    """Reads articles and returns their records; load once, call many times."""

    def __init__(self, settings: Settings | None = None, actor_files: Iterable[str] = ()) -> None:
        self.settings = settings or load_settings()
        self.actor_files = tuple(str(f) for f in actor_files)
        self.nlp = load_pipeline(self.settings.nlp.model, self.actor_files)

    def extract(self, article: Article) -> Records:
        """The records of one article."""
        return next(self.extract_many([article]))[1]

    def extract_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Records]]:
        """Records of many articles, in order, parsed in batches with ``nlp.pipe``.

        Each group of batches runs in a spaCy memory zone, so that a long-running extractor (a
        batch worker, the web server) does not keep every word it has ever seen."""
        size = self.settings.nlp.batch_size
        for group in _groups(articles, size * BATCHES_PER_MEMORY_ZONE):
            with self.nlp.memory_zone():
                docs = (self._prepare(article) for article in group)
                for doc in self.nlp.pipe(docs, batch_size=size):
                    article = doc.user_data["article"]
                    yield article, to_records(doc, article)

    def _prepare(self, article: Article) -> Doc:
        doc = self.nlp.make_doc(normalise_for_model(article.text))
        doc.user_data["article"] = article
        doc.user_data["published"] = article.published
        return doc


#: Batches parsed in one spaCy memory zone: larger groups amortise the zone, smaller ones free sooner.
BATCHES_PER_MEMORY_ZONE = 8


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


def to_records(doc: Doc, article: Article) -> Records:
    """Convert a processed Doc's annotations into records (statements first, then the rest)."""
    discourse = doc._.discourse
    records = Records(
        document=Document(
            id=article_id(article),
            published=article.published,
            outlet=article.outlet,
            url=article.url,
            title=article.title,
        )
    )
    for st in doc._.statements or []:
        records.statements.append(
            Statement(
                span=(st.start, st.end),
                speaker=st.speaker,
                via=list(st.via),
                direct=st.direct,
                hedged=st.hedged,
                speaker_span=st.speaker_span,
                cue_span=st.cue_span,
                party=discourse.party(st.speaker, article.published) if discourse else None,
            )
        )
    seen: set[tuple[Any, ...]] = set()
    for found in doc._.negotiation or []:
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
