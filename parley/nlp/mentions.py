"""The ``parley_actors`` component: who is mentioned where.

Writes ``doc.spans["actors"]``: one span per mention, ``label_`` the form kind (``name``, ``alias``,
``demonym``, ``metonym``, ``armed_forces`` for registry forms, ``person`` for a person the registry
does not know) and ``kb_id_`` the actor id. Registry forms are matched case-sensitively (so "US"
never matches "us"); a form starting with "the" also matches "The". People the registry lacks come
from spaCy's PERSON entities and keep their id when later named by surname alone.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from parley.actors import ActorRegistry, person_id

ACTOR_SPANS = "actors"

# Words spaCy sometimes folds into a PERSON entity that are not part of the name.
_NAME_PREFIXES = ("President ", "Prime Minister ", "Minister ", "Mr ", "Mr. ", "Ms ", "Ms. ", "Dr ", "Dr. ")


@lru_cache(maxsize=4)
def registry_for(actor_files: tuple[str, ...]) -> ActorRegistry:
    """The actor registry with the user's files merged in (cached per file list)."""
    return ActorRegistry.load(actor_files)


class ActorMentions:
    """Finds actor mentions: registry forms first, then people the registry does not know."""

    def __init__(self, nlp: Language, actor_files: tuple[str, ...]) -> None:
        self.registry = registry_for(actor_files)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms: dict[tuple[str, str], list[str]] = {}
        for text, actor_id, kind in self.registry.surface_forms():
            variants = {text}
            if text.startswith("the "):
                variants.add("The " + text[4:])
            for variant in variants:
                forms.setdefault((actor_id, kind), []).append(variant)
        for (actor_id, kind), texts in forms.items():
            self.matcher.add(f"{kind}|{actor_id}", list(nlp.tokenizer.pipe(texts)))

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for match_id, start, end in self.matcher(doc):
            kind, actor_id = doc.vocab.strings[match_id].split("|", 1)
            found.append(Span(doc, start, end, label=kind, kb_id=actor_id))
        known = filter_spans(found)
        taken = {i for span in known for i in range(span.start, span.end)}
        people: dict[str, str] = {}  # surname -> person id, for later mentions by surname
        extra = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(i in taken for i in range(ent.start, ent.end)):
                continue
            name = _clean_name(ent)
            if not name:
                continue
            surname = name.split()[-1]
            pid = people.get(surname) if " " not in name else person_id(name)
            if " " in name:
                people.setdefault(surname, pid)
            if pid is None:
                pid = person_id(name)
            extra.append(Span(doc, ent.start, ent.end, label="person", kb_id=pid))
        doc.spans[ACTOR_SPANS] = sorted(known + extra, key=lambda s: s.start)
        return doc


def _clean_name(ent: Span) -> str:
    text = ent.text.strip()
    if text.endswith("'s"):
        text = text[:-2]
    for prefix in _NAME_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text if any(c.isalpha() for c in text) and text[0].isupper() else ""


@Language.factory("parley_actors", default_config={"actor_files": []})
def make_actor_mentions(nlp: Language, name: str, actor_files: list[str]) -> ActorMentions:
    """Factory of the ``parley_actors`` component."""
    return ActorMentions(nlp, tuple(actor_files))
