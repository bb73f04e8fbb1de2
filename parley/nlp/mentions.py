"""The ``parley_actors`` component: who is mentioned where.

Writes ``doc.spans["actors"]``: one span per mention, ``label_`` the form kind (``name``, ``alias``,
``demonym``, ``metonym``, ``armed_forces`` for registry forms, ``person`` for a person the registry
does not know) and ``kb_id_`` the actor id. Registry forms are matched case-sensitively (so "US"
never matches "us"); a form starting with "the" also matches "The". People the registry lacks come
from spaCy's PERSON entities and keep their id when later named by surname alone. Forces named
without their state ("the army", "army drones") are the ``armed_forces`` of the state the article
puts them with (see :func:`_bare_forces`).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from parley.actors import ActorRegistry, cache_dir, person_id, write_cache
from parley.nlp.lexicon import cues

ACTOR_SPANS = "actors"


@lru_cache(maxsize=4)
def registry_for(actor_files: tuple[str, ...]) -> ActorRegistry:
    """The actor registry with the user's files merged in (cached per file list)."""
    return ActorRegistry.load(actor_files)


class ActorMentions:
    """Finds actor mentions: registry forms first, then people the registry does not know."""

    def __init__(self, nlp: Language, actor_files: tuple[str, ...]) -> None:
        self.registry = registry_for(actor_files)
        forms: dict[str, tuple[str, str]] = {}  # text -> (form kind, actor id); the first one wins
        for text, actor_id, kind in self.registry.surface_forms():
            forms.setdefault(text, (kind, actor_id))
            if text.startswith("the "):
                forms.setdefault("The " + text[4:], (kind, actor_id))
        self.index: dict[tuple[str, ...], tuple[str, str]] = {}
        for text, tokens in _tokenized(nlp, list(forms)).items():
            self.index.setdefault(tuple(tokens), forms[text])
        self.longest = max((len(k) for k in self.index), default=0)
        self.first_words = {k[0] for k in self.index}

    def _registry_mentions(self, doc: Doc, words: list[str]) -> list[Span]:
        """Longest registry forms, left to right, matched on the tokens' exact text."""
        found = []
        i = 0
        while i < len(words):
            if words[i] in self.first_words:
                for length in range(min(self.longest, len(words) - i), 0, -1):
                    hit = self.index.get(tuple(words[i : i + length]))
                    if hit:
                        found.append(Span(doc, i, i + length, label=hit[0], kb_id=hit[1]))
                        i += length - 1
                        break
            i += 1
        return found

    def __call__(self, doc: Doc) -> Doc:
        words = [t.text for t in doc]
        known = self._registry_mentions(doc, words)
        taken = {i for span in known for i in range(span.start, span.end)}
        people: dict[str, str] = {}  # surname -> person id, for later mentions by surname
        for span in known:  # a person of the registry named in full, later by surname alone
            if span.kb_id_.startswith("person:") and len(span) > 1:
                people.setdefault(span[-1].text, span.kb_id_)
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
        found = known + extra
        found += _later_surnames(doc, found, words)
        found += self._bare_forces(doc, found, words)
        doc.spans[ACTOR_SPANS] = sorted(found, key=lambda s: s.start)
        return doc

    def _bare_forces(self, doc: Doc, found: list[Span], words: list[str]) -> list[Span]:
        """ "the army", "the military", "army drones": forces the text names without their state.

        They are the forces of the state whose forces the article last named ("Chad's army and
        the rebels agreed ... the army rejected"), else of the first state whose forces it names
        later, else of the state it names most: the country the article is about, not whichever
        state (a mediator, often) happens to be the last mentioned."""
        nouns = cues().bare_forces
        taken = {i for span in found for i in range(span.start, span.end)}
        candidates = [
            doc[i]
            for i, word in enumerate(words)
            if word.lower() in nouns
            and i not in taken
            and doc[i].pos_ in ("NOUN", "PROPN")
            and _bare(doc[i], taken)
        ]
        if not candidates:
            return []
        states = [s for s in found if self._kind(s.kb_id_) == "state" and s.label_ != "person"]
        forces = [s for s in states if s.label_ == "armed_forces"]
        counts: dict[str, int] = {}
        for s in states:
            if s.label_ != "demonym":
                counts[s.kb_id_] = counts.get(s.kb_id_, 0) + 1
        most = max(counts, key=lambda k: counts[k], default=None)  # first named wins a tie
        out = []
        for token in candidates:
            before = [s for s in forces if s.end <= token.i]
            state = before[-1].kb_id_ if before else (forces[0].kb_id_ if forces else most)
            if state is not None:
                out.append(Span(doc, token.i, token.i + 1, label="armed_forces", kb_id=state))
        return out

    def _kind(self, actor_id: str) -> str | None:
        actor = self.registry.get(actor_id)
        return actor.kind if actor else None


def _later_surnames(doc: Doc, found: list[Span], words: list[str]) -> list[Span]:
    """ "Naim said": a person named in full earlier in the article, later by surname alone (unless
    two people the article names share it)."""
    people: dict[str, tuple[int, str] | None] = {}  # surname -> (end of first full mention, id)
    for span in found:
        surname = span[-1].text
        if span.kb_id_.startswith("person:") and len(span) > 1 and _surname_like(surname):
            earlier = people.get(surname, (span.end, span.kb_id_))
            people[surname] = earlier if earlier is not None and earlier[1] == span.kb_id_ else None
    taken = {i for span in found for i in range(span.start, span.end)}
    out = []
    for i, word in enumerate(words):
        hit = people.get(word)
        if hit is not None and i >= hit[0] and i not in taken and doc[i].pos_ == "PROPN":
            out.append(Span(doc, i, i + 1, label="alias", kb_id=hit[1]))
    return out


def _surname_like(word: str) -> bool:
    """A word that can stand alone for a person: not "Jr.", "II" or an initial."""
    return len(word) > 2 and word.replace("-", "").isalpha() and not word.isupper()


def _bare(token, taken: set[int]) -> bool:
    """Whether ``token`` names forces without saying whose: "the army", "army drones", not
    "an army", "its army" or "the Thai army" (whose state is in the phrase)."""
    for child in token.children:
        if child.i in taken or child.dep_ in ("poss", "amod", "compound", "nmod"):
            return False
        if child.dep_ == "det" and child.lower_ != "the":
            return False
    if token.dep_ == "compound":
        return True  # "army drones", "an army spokesman"
    return any(c.dep_ == "det" for c in token.children)


def _tokenized(nlp: Language, texts: list[str]) -> dict[str, list[str]]:
    """Each surface form split as the pipeline's tokenizer splits it, from a cache keyed by the
    forms and the pipeline: tokenizing thousands of names adds a second to every start-up."""
    key = hashlib.sha1(
        "\n".join([nlp.meta.get("name", ""), nlp.meta.get("version", ""), spacy.__version__, *texts]).encode()
    )
    base = cache_dir()
    cache = base / f"forms-{key.hexdigest()[:20]}.json" if base else None
    if cache is not None:
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: tokenize and write it
    tokens = {text: [t.text for t in doc] for text, doc in zip(texts, nlp.tokenizer.pipe(texts), strict=True)}
    if cache is not None:
        write_cache(cache, tokens)
    return tokens


def _clean_name(ent: Span) -> str:
    """The name in a PERSON entity, without the ranks and titles spaCy folds into it."""
    text = ent.text.strip()
    if text.endswith("'s"):
        text = text[:-2]
    words = text.split()
    prefixes = cues().name_prefixes
    while len(words) > 1 and words[0].strip("().") in prefixes:
        words = words[1:]  # "Lt Col Erik Dahl", "Gen (Rtd) Kowalski"
    text = " ".join(words)
    return text if any(c.isalpha() for c in text) and text[0].isupper() else ""


@Language.factory("parley_actors", default_config={"actor_files": []})
def make_actor_mentions(nlp: Language, name: str, actor_files: list[str]) -> ActorMentions:
    """Factory of the ``parley_actors`` component."""
    return ActorMentions(nlp, tuple(actor_files))
