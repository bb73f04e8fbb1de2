"""Who a noun phrase stands for: actor mentions, unnamed sources, pronouns, titles and anaphors.

:class:`Discourse` walks an article in reading order and remembers who was mentioned and who spoke
last, so that "he", "the group", "the source", "the publication" or "the two delegations" resolve
to the right earlier mention. It is shared by the attribution and negotiation components.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from parley.actors import ActorRegistry
from parley.nlp.lexicon import cues
from parley.nlp.mentions import ACTOR_SPANS

PRONOUNS_MALE = frozenset({"he", "him", "his"})
PRONOUNS_FEMALE = frozenset({"she", "her"})
PRONOUNS_THING = frozenset({"it", "its"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their", "we", "our"})
# Words that make a plural noun phrase stand for the parties of the talks ("the two delegations").
_PAIR_WORDS = frozenset({"two", "both", "each"})
PAIR_NOUNS = frozenset(
    {
        "delegations",
        "sides",
        "countries",
        "governments",
        "parties",
        "nations",
        "neighbours",
        "neighbors",
        "militaries",
        "leaders",
        "officers",
        "teams",
    }
)


@dataclass
class Referent:
    """What a noun phrase resolved to: actor ids (several for "both sides"), and how."""

    ids: list[str]
    span: Span  # the mention in the text
    anonymous: bool = False
    via: list[str] = field(
        default_factory=list
    )  # channel implied by the phrase ("the publication's sources")


#: Institutions of a state: "the ministry", "the government" stand for the state last named as
#: the owner of one.
_INSTITUTIONS = frozenset({"government", "ministry", "presidency", "cabinet", "administration", "embassy"})

#: The longest member list in parentheses read after a bloc's name, in tokens.
_MEMBERS_MAX_TOKENS = 40

#: A party counts among the sides of the talks only if the article names it at least this share as
#: often as the second most named party.
SIDE_MIN_SHARE = 0.5


def _go_between(name: Token) -> bool:
    """Whether a party's name is written as that of a go-between of talks, not of a side."""
    nouns, verbs = cues().mediator_nouns, cues().mediator_verbs
    head = name.head
    if name.dep_ in ("amod", "compound", "poss", "nmod") and head.lower_ in nouns:
        return True  # "Norwegian mediators", "Kenya's facilitation"
    if name.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in nouns:
        return True  # "under the auspices of the UN"
    if any(c.dep_ in ("relcl", "acl") and c.lemma_.lower() in verbs for c in name.children):
        return True  # "Norway, which has been brokering the dialogue"
    if _modifies_participle(name, verbs):
        return True  # "Swiss-mediated consultations"
    if name.dep_ == "pobj" and head.dep_ == "agent" and head.head.lemma_.lower() in verbs:
        return True  # "talks mediated by Norway and Kenya"
    if name.dep_ in ("nsubj", "compound") and _absolute_with(head, verbs):
        return True  # "With Norway mediating, the two sides agreed ..."
    if _called_go_betweens(name, nouns):
        return True  # "Norway, Chile and Cuba, the guarantor states"
    acting = [head] if name.dep_ == "nsubj" else []
    acting += [c for c in name.children if c.dep_ == "acl"]
    if any(
        g.lower_ in nouns for verb in acting for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"
        for g in c.children if g.dep_ == "pobj"
    ):  # fmt: skip
        return True  # "Ghana has served as a mediator", "Norway, acting as mediator, ..."
    if name.dep_ == "nsubj" and head.lemma_.lower() in verbs:
        # "Kenya has hosted talks between A and B"; a host or facilitator of something else
        # ("Chile will facilitate aid") is not one
        return any(t.lower_ == "between" for c in head.children if c.dep_ == "dobj" for t in c.subtree)
    return False


class Discourse:
    """Reading-order memory of an article's mentions and speakers."""

    def __init__(self, doc: Doc, registry: ActorRegistry) -> None:
        self.doc = doc
        self.registry = registry
        self.mentions = list(doc.spans[ACTOR_SPANS]) if ACTOR_SPANS in doc.spans else []
        self._mention_at = {i: m for m in self.mentions for i in range(m.start, m.end)}
        self.speakers: list[tuple[int, str]] = []  # (token index, speaker id) in reading order
        self.parties: dict[str, str] = {}  # people the registry lacks -> party from the text
        self._mediators: set[str] | None = None
        self._paired: set[str] | None = None
        self._talking: list[tuple[int, str]] | None = None  # (end of the mention, party)
        self._listed_blocs: dict[str, str] | None = None
        self._one_sources: set[tuple[int, str]] = set()
        for m in self.mentions:
            if m.label_ == "person" and m.kb_id_ not in self.parties:
                party = self._party_from_title(m)
                if party:
                    self.parties[m.kb_id_] = party

    # -- what is where ---------------------------------------------------------------------
    def mention_at(self, token: Token) -> Span | None:
        """The actor mention covering ``token``."""
        return self._mention_at.get(token.i)

    def mentions_in(self, start: int, end: int) -> list[Span]:
        """Actor mentions inside token range [start, end)."""
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def kind(self, actor_id: str) -> str:
        """``person``, ``state``, ``group``, ``outlet``, ``anon``... of an id."""
        if actor_id.startswith("anon"):
            return "anon"
        actor = self.registry.get(actor_id)
        if actor:
            return actor.kind
        return "person" if actor_id.startswith("person:") else "group"

    def party(self, actor_id: str, on: str | None = None) -> str | None:
        """The state or group an actor acts for (a person's party; ``anon:X`` → X)."""
        if actor_id in self.parties:
            return self.parties[actor_id]
        if actor_id.startswith("anon:"):
            return self.party(actor_id[5:], on)
        if actor_id == "anon" or actor_id.startswith("outlet:"):
            return None
        if actor_id in self.registry:
            return self.registry.party_of(actor_id, on)
        return None

    def heard(self, token_index: int, speaker: str, *, one_source: bool = False) -> None:
        """Remember that ``speaker`` spoke at ``token_index`` (``one_source``: an unnamed person,
        "an MP", "a senior official", whom a later "he" or "she" can stand for)."""
        self.speakers.append((token_index, speaker))
        if one_source:
            self._one_sources.add((token_index, speaker))

    # -- looking back ----------------------------------------------------------------------
    def _before(self, index: int) -> list[Span]:
        return [m for m in self.mentions if m.end <= index]

    def last_speaker(self, before: int, accept=lambda _id: True) -> str | None:
        """The most recent speaker before token ``before`` that ``accept`` allows."""
        for i, sid in reversed(self.speakers):
            if i < before and accept(sid):
                return sid
        return None

    def last_mentioned(self, before: int, accept) -> str | None:
        """The most recent actor mention before token ``before`` whose id ``accept`` allows."""
        for m in reversed(self._before(before)):
            if m.label_ != "demonym" and accept(m.kb_id_):
                return m.kb_id_
        return None

    def sides(self, before: int, exclude: frozenset | set = frozenset()) -> list[str]:
        """The two sides of the talks ("both leaders", "the parties"): of the three parties most
        mentioned in the article, the two mentioned last before ``before`` (mediators reporting
        the agreement excluded)."""
        exclude = set(exclude) | self.mediators()
        # the article says who talks: "talks between A and B", "new talks with B"
        named = [p for p in self.last_parties(before, count=10, exclude=exclude) if p in self.talking(before)]
        if len(named) >= 2:
            return named[:2]
        counts = self._mention_counts()
        ranked = [p for p in sorted(counts, key=lambda p: -counts[p]) if p not in exclude]
        # a third party named far less than the two main sides (a backer, a bystander) is not one
        prominent = [
            p for p in ranked[:3] if len(ranked) < 2 or counts[p] >= SIDE_MIN_SHARE * counts[ranked[1]]
        ]
        recent = [p for p in self.last_parties(before, count=10, exclude=exclude) if p in prominent]
        return recent[:2] if len(recent) >= 2 else prominent[:2]

    def talking(self, before: int) -> set[str]:
        """The parties named before token ``before`` as holding talks, with the words of the talks:
        "talks between A and B", "negotiations with B", "A's talks with B", or as those a go-between
        hosted ("X hosted A's leader and B's"; not the go-between)."""
        if self._talking is None:
            self._talking = []
            talks, hosting = cues().talk_nouns, cues().mediator_verbs
            for m in self.mentions:
                party = (
                    self.party(m.kb_id_) if _names_talking(m.root, talks, hosting) and not _venue(m) else None
                )
                if party:
                    self._talking.append((m.end, party))
        return {party for end, party in self._talking if end <= before}

    def paired(self) -> set[str]:
        """The two parties the article names together most often ("Peru and Ecuador", "the
        government and the ELN"): the sides of the talks are named so, a mediator reporting on them is not."""
        if self._paired is None:
            pairs: Counter[frozenset[str]] = Counter()
            for m in self.mentions:
                head = self._mention_at.get(m.root.head.i) if m.root.dep_ == "conj" else None
                if head is None or any(c.dep_ == "conj" for c in m.root.children) or head.root.dep_ == "conj":
                    continue  # not one of exactly two ("A, B and C" names a group, not a pair)
                if sum(1 for c in head.root.children if c.dep_ == "conj") != 1:
                    continue
                pair = frozenset({self.party(m.kb_id_), self.party(head.kb_id_)} - {None})
                if len(pair) == 2:
                    pairs[pair] += 1
            ranked = pairs.most_common(2)
            unique = len(ranked) == 1 or (len(ranked) == 2 and ranked[0][1] > ranked[1][1])
            self._paired = set(ranked[0][0]) if ranked and unique else set()
        return self._paired

    def mediators(self) -> set[str]:
        """Parties the article names as go-betweens: "Saudi and American mediators", "under Swiss
        auspices", "with the mediation of Kenya", "Norway, which has been brokering the dialogue",
        "talks mediated by Norway", "Swiss-mediated consultations", "Kenya hosted talks between A and B"."""
        if self._mediators is None:
            self._mediators = set()
            for m in self.mentions:
                node = m.root
                # "Saudi and American mediators": American hangs on Saudi; "Norway, Chile and
                # Cuba, the guarantors": Chile may hang on Norway as an apposition
                while node.dep_ in ("conj", "appos") and node.head.pos_ in ("PROPN", "ADJ"):
                    node = node.head
                party = self.party(m.kb_id_) if _go_between(node) else None
                if party:
                    self._mediators.add(party)
        return self._mediators

    def last_parties(self, before: int, count: int = 2, exclude: frozenset | set = frozenset()) -> list[str]:
        """The ``count`` most recent distinct parties (states, groups) mentioned before the sentence
        of token ``before`` (a mediator named beside "the parties" is not one of them)."""
        found: list[str] = []
        for m in reversed(self._before(self.doc[before].sent.start)):
            party = self.party(m.kb_id_)
            if (
                party
                and party not in found
                and party not in exclude
                and self.kind(party) in ("state", "group")
                and not _venue(m)
                and not _backer(m)
            ):
                found.append(party)
                if len(found) == count:
                    break
        return found

    def counterparts(self, party: str) -> list[str]:
        """The other parties of the article's negotiation, most mentioned first: whom ``party``
        faces when it accuses "militants" or "the other side"."""
        counts = self._mention_counts()
        return sorted((p for p in counts if p != party), key=lambda p: -counts[p])

    def _mention_counts(self) -> dict[str, int]:
        """How often the article names each state or group (through its people and forces too)."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            p = self.party(m.kb_id_)
            if p and self.kind(p) in ("state", "group"):
                counts[p] = counts.get(p, 0) + 1
        return counts

    def _party_from_title(self, mention: Span) -> str | None:
        """The party of a person the registry lacks, from the words before or beside the name:
        "Moldovan Foreign Minister Ana Rusu", "Polisario official Omar Salek",
        "Omar Salek, a Polisario official"."""
        root = mention.root
        candidates = [t for t in root.subtree if t.i < mention.start]
        candidates += [t for c in root.children if c.dep_ == "appos" for t in c.subtree]
        for token in candidates:
            m = self._mention_at.get(token.i)
            if m is not None and m.label_ != "person" and not m.kb_id_.startswith("outlet:"):
                actor = self.registry.get(m.kb_id_)
                if actor is not None and actor.kind != "person":
                    return self.registry.party_of(m.kb_id_) or m.kb_id_
        return None

    def bloc_of(self, parties: list[str]) -> str | None:
        """The bloc whose members are exactly ``parties`` ("Brazil, India and South Africa")."""
        wanted = set(parties)
        for actor in self.registry.all("bloc") + self.registry.all("group"):
            if actor.members and set(actor.members) == wanted:
                return actor.id
        return None

    def _bloc_by_members(self, head: Token) -> str | None:
        """The bloc a name stands for when the article lists its members in parentheses after it
        once: "the Contact Group (Norway, Kenya and Chile)", whatever the
        name, there and wherever the name comes again."""
        if self._listed_blocs is None:
            self._listed_blocs = {}
            for opening in (t for t in self.doc if t.text == "(" and t.i > 0 and t.nbor(-1).pos_ == "PROPN"):
                window = self.doc[opening.i : opening.i + _MEMBERS_MAX_TOKENS]
                close = next((t.i for t in window if t.text == ")"), None)
                members = [self.party(m.kb_id_) for m in self.mentions_in(opening.i, close)] if close else []
                bloc = self.bloc_of([p for p in members if p]) if len(members) > 1 else None
                if bloc:
                    self._listed_blocs.setdefault(opening.nbor(-1).text, bloc)
        return self._listed_blocs.get(head.text) if head.pos_ == "PROPN" else None

    def _gender(self, actor_id: str) -> str | None:
        actor = self.registry.get(actor_id)
        return actor.gender if actor else None

    # -- resolving a noun phrase -----------------------------------------------------------
    def resolve(self, head: Token) -> Referent | None:
        """Who the noun phrase headed by ``head`` stands for (with its conjuncts: "Colombia's
        government and the ELN"), or None."""
        ref = self._resolve_one(head)
        if ref is None or head.dep_ == "conj":
            return ref
        for conj in head.conjuncts:
            other = self._resolve_one(conj)
            if other is not None:
                ref.ids += [i for i in other.ids if i not in ref.ids]
        return ref

    def _resolve_one(self, head: Token) -> Referent | None:
        words = cues()
        lower = head.lower_
        phrase = _np_span(head)
        listed = self._bloc_by_members(head)
        if listed:
            return Referent([listed], phrase)
        mention = self._mention_at.get(head.i)
        if mention is not None and mention.label_ != "demonym":
            return self._with_conjuncts(head, Referent([mention.kb_id_], phrase))
        named = self._named_in_apposition(head)
        if named:
            return Referent([named], phrase)
        examples = self.examples(head)
        if examples:  # "countries like Spain and Greece said": each of them
            return Referent(examples, phrase)
        short = self._short_outlet_name(head)
        if short:
            return Referent([short], phrase)
        if lower in PRONOUNS_MALE or lower in PRONOUNS_FEMALE:
            want = "m" if lower in PRONOUNS_MALE else "f"
            last = next(((i, sid) for i, sid in reversed(self.speakers) if i < head.i), None)
            if last is not None and last in self._one_sources:
                return Referent([last[1]], phrase, anonymous=True)  # "an MP told ...: ... he added"
            return self._recent(
                head, phrase, lambda s: self.kind(s) == "person" and self._gender(s) in (want, None)
            )
        if lower in PRONOUNS_THING:
            return self._recent(head, phrase, lambda s: self.kind(s) in ("state", "group", "body", "bloc"))
        if lower in PRONOUNS_PLURAL:
            found = self.last_speaker(head.i)
            return Referent([found], phrase) if found else None
        if lower == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
            found = self.last_speaker(head.i)  # "one of them added"
            return Referent([found], phrase, anonymous=True) if found else None
        determiners = {c.lower_ for c in head.children if c.dep_ in ("det", "nummod", "predet", "quantmod")}
        if lower in PAIR_NOUNS and determiners & (_PAIR_WORDS | {"the"}):
            speakers = {self.party(s) for i, s in self.speakers if self.doc[i].sent.start == head.sent.start}
            parties = self.sides(head.i, exclude=speakers)
            return Referent(parties, phrase) if len(parties) == 2 else None
        if head.lemma_.lower() in words.anaphors["outlet"]:
            outlet = next(
                (m for m in self.mentions_in(head.left_edge.i, head.i) if m.kb_id_.startswith("outlet:")),
                None,
            )
            if outlet is not None:  # "Egypt's MENA news agency": the agency, not Egypt
                return Referent([outlet.kb_id_], phrase)
        possessor = self._affiliation(head)
        if possessor and head.lemma_.lower() not in words.anaphors["source"] and _is_title(head):
            holder = self._title_holder(head, possessor)  # "the Peruvian interior minister" → its holder
            if holder:
                return Referent([holder], phrase)
        definite = "the" in determiners and not possessor
        if definite and head.lemma_.lower() not in words.anaphors["source"] and _is_title(head):
            titled = self._titled_in_paragraph(
                head
            )  # "U.S. President X ... his counterpart Y ... the president"
            if titled is not None:
                return Referent([titled], phrase)
            return self._recent(head, phrase, lambda s: self.kind(s) == "person")  # "the envoy added"
        if lower in words.source_nouns or head.lemma_.lower() in words.source_nouns:
            return self._source(head, phrase, determiners)
        if head.lemma_.lower() in words.document_nouns:
            if self._named_after_place(head):
                # "the Ankara Declaration said": where it was signed, not who speaks; its parties do
                sides = self.sides(head.i)
                return Referent(sides, phrase) if len(sides) == 2 else None
            if possessor:
                return Referent([possessor], phrase)
            author = self._author(head)
            if author is not None:
                return author
            if not definite and "this" not in determiners:
                return Referent(["anon"], phrase, anonymous=True)  # "a report said", "media reports"
            earlier = self._earlier_author(head)
            if earlier is not None:  # "a statement issued by the Contact Group ... The statement urged"
                return Referent(earlier.ids, phrase)
            found = self.last_speaker(head.i)
            return Referent([found], phrase) if found else None
        owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        if lower in words.anaphors["state"] and owner is not None:
            # "a communiqué released by his office": the institution of the person "his" stands for
            ref = self._resolve_one(owner)
            party = self.party(ref.ids[0]) if ref is not None else None
            if party:
                return Referent([party], phrase)
        holder = next((c for c in head.children if c.dep_ == "poss" and _is_title(c)), None)
        if lower in words.anaphors["state"] and holder is not None:
            # "the Prime Minister's Office": the state of the prime minister last named, else of the article
            found = self._office_of(holder) or self._anaphor("state", head.i)
            return Referent([found], phrase) if found else None
        if definite:
            for kind, nouns in words.anaphors.items():
                if lower in nouns:
                    found = self._named_with(head) or self._anaphor(kind, head.i)
                    return Referent([found], phrase) if found else None
        if possessor and self.kind(possessor) == "state" and head.lemma_.lower() in words.anaphors["group"]:
            # "a rebel group in Colombia announced ... The ELN said": a group of the state, not its
            # government, named beside or right after the phrase
            group = self._group_named_after(head)
            if group:
                return Referent([group], phrase)
        if possessor and head.pos_ in ("NOUN", "PROPN"):
            # "Peru's foreign ministry", "the Chilean army", "the ELN's armed wing"
            return Referent([possessor], phrase)
        return None

    def _group_named_after(self, head: Token) -> str | None:
        """The first armed or political group named after the phrase of ``head``, in its sentence or
        the next (through its people too: "its leader X"), outside the phrase itself."""
        sentence = head.sent
        end = self.doc[sentence.end].sent.end if sentence.end < len(self.doc) else sentence.end
        for m in self.mentions_in(head.right_edge.i + 1, end):
            party = self.party(m.kb_id_)
            if party and self.kind(party) == "group":
                return party
        return None

    def _earlier_author(self, document: Token) -> Referent | None:
        """The author of the last document of the same name told earlier with its author: "the
        statement" after "a joint statement issued by the Contact Group"."""
        lemma = document.lemma_.lower()
        for token in reversed(self.doc[: document.i]):
            if token.lemma_.lower() == lemma and token.pos_ == "NOUN":
                author = self._author(token)
                if author is not None:
                    return author
        return None

    def _named_after_place(self, document: Token) -> bool:
        """Whether a joint document is named after the city it was agreed in ("the Lisbon
        Declaration", "the Nairobi communique"): a capital standing for a government, as a compound."""
        return document.lemma_.lower() in cues().joint_documents and any(
            c.dep_ == "compound" and (m := self._mention_at.get(c.i)) is not None and m.label_ == "metonym"
            for c in document.children
        )

    def _author(self, document: Token) -> Referent | None:
        """Who wrote a statement or letter named with its author: "a statement by the Chilean
        presidency", "a letter sent by the G7", "the statement from Lima"."""
        agent = written_by(document)
        found = self._resolve_one(agent) if agent is not None else None
        if found is not None:
            return found
        for clause in (c for c in document.children if c.dep_ == "acl"):  # "a letter sent by the G7"
            by = next((c for c in clause.children if c.dep_ == "agent"), None)
            agent = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            found = self._resolve_one(agent) if agent is not None else None
            if found is not None:
                return found
        return None

    def _short_outlet_name(self, head: Token) -> str | None:
        """ "the Journal", "the Times", "the Post": an outlet named in full earlier, now by the last
        word of its name."""
        if head.pos_ != "PROPN" or not any(c.lower_ == "the" for c in head.children):
            return None
        for m in reversed(self._before(head.i)):
            if m.kb_id_.startswith("outlet:") and len(m) > 1 and m[-1].text == head.text:
                return m.kb_id_
        return None

    def _recent(self, head: Token, phrase: Span, accept, same_sentence: bool = False) -> Referent | None:
        """The later of the last accepted speaker and the last accepted actor in subject position
        (before the sentence of ``head``, or before ``head`` itself with ``same_sentence``)."""
        best: tuple[int, str] | None = None
        for i, sid in reversed(self.speakers):
            if i < head.i and accept(sid):
                best = (i, sid)
                break
        for m in reversed(self._before(head.i if same_sentence else head.sent.start)):
            if m.label_ != "demonym" and accept(m.kb_id_) and _in_subject(m.root):
                if best is None or m.start > best[0]:
                    best = (m.start, m.kb_id_)
                break
        return Referent([best[1]], phrase) if best else None

    def _titled_in_paragraph(self, title: Token) -> str | None:
        """The person last named with ``title``'s word before the name ("Brazilian President Ana
        Lima") in the paragraph of ``title``: "the president" is that one, though another person
        (named "his counterpart, X") was named or spoke since."""
        paragraph_start = self.doc.text.rfind("\n", 0, title.idx)
        for m in reversed(self._before(title.i)):
            if m.start_char < paragraph_start:
                return None
            titled = any(t.lower_ == title.lower_ for t in self.doc[m.root.left_edge.i : m.start])
            if titled and self.kind(m.kb_id_) == "person":
                return m.kb_id_
        return None

    def _named_in_apposition(self, head: Token) -> str | None:
        """A person named beside a role: "the movement's leader, Dara Okonjo", "spokesperson X Y",
        "the head of the OSCE mission in Moldova, Petra Lind" (the parser may hang the
        name on the last noun of the role)."""
        if _is_title(head):
            for token in head.subtree:
                m = self._mention_at.get(token.i)
                if token.dep_ == "appos" and token.i > head.i and m is not None and m.label_ != "demonym":
                    if self.kind(m.kb_id_) == "person":
                        return m.kb_id_
        for child in head.children:
            if child.dep_ == "acl" and child.lower_ in (
                "known",
                "called",
                "dubbed",
            ):  # "the three, known as the Troika"
                child = next((g for c in child.children if c.lower_ == "as" for g in c.children), child)
            elif child.dep_ not in ("appos", "compound", "flat"):
                continue
            m = self._mention_at.get(child.i) if not self._bloc_by_members(child) else None
            # a compound only names a person ("spokesperson Ana Rusu"); "a Polisario official" stays unnamed
            kinds = ("person",) if child.dep_ in ("compound", "flat") else ("person", "group", "bloc", "body")
            if m is not None and self.kind(m.kb_id_) in kinds:
                return m.kb_id_
        return None

    def examples(self, head: Token) -> list[str]:
        """The actors a class noun is given as examples: "countries like Spain and Greece", "states
        such as A and B", "groups including X"."""
        if head.pos_ != "NOUN":
            return []
        found: list[str] = []
        for prep in (
            c for c in head.children if c.dep_ == "prep" and c.lower_ in ("like", "as", "including")
        ):
            for m in self.mentions_in(prep.i, prep.right_edge.i + 1):
                if m.label_ != "demonym" and m.kb_id_ not in found:
                    found.append(m.kb_id_)
        return found

    def _with_conjuncts(self, head: Token, ref: Referent) -> Referent:
        for conj in head.conjuncts:
            m = self._mention_at.get(conj.i)
            if m and m.label_ != "demonym" and m.kb_id_ not in ref.ids:
                ref.ids.append(m.kb_id_)
        return ref

    def _named_with(self, head: Token) -> str | None:
        """The actor last named before ``head`` by a name ending in its word: "the Northern Freedom
        Alliance ... the alliance" (not "the National Alliance Army"; not an outlet, nor a demonym)."""
        for m in reversed(self._before(head.i)):
            if m.label_ != "demonym" and not m.kb_id_.startswith("outlet:") and m[-1].lower_ == head.lower_:
                return m.kb_id_
        return None

    def _anaphor(self, kind: str, before: int) -> str | None:
        if kind == "outlet":
            return self.last_mentioned(before, lambda s: s.startswith("outlet:"))
        if kind == "source":
            return self.last_speaker(before, lambda s: s.startswith("anon"))
        kinds = ("group",) if kind == "group" else ("state",)
        if kind == "state" and self.doc[before].lemma_.lower() in _INSTITUTIONS:
            governed = self._last_government(before)
            if governed:  # "the government of Peru ... Chile ... the ministry said": Peru's
                return governed
        found = self._recent(
            self.doc[before],
            self.doc[before : before + 1],
            lambda s: self.kind(s) in kinds,
            same_sentence=True,
        )
        return found.ids[0] if found else self.most_named(kinds[0])

    def _last_government(self, before: int) -> str | None:
        """The state last named as the owner of an institution ("the government of Peru",
        "Peru's foreign ministry") before token ``before``."""
        for m in reversed(self._before(before)):
            if m.root.dep_ not in ("poss", "compound", "amod", "pobj"):
                continue
            owned = m.root.head.head if m.root.dep_ == "pobj" and m.root.head.lower_ == "of" else m.root.head
            party = self.party(m.kb_id_)
            if owned.lemma_.lower() in _INSTITUTIONS and party and self.kind(party) == "state":
                return party
        return None

    def _office_of(self, title: Token) -> str | None:
        """The party of the person holding ``title`` ("the Prime Minister's"): the last one named
        before it, else the first one named after it."""
        words = _title_words(" ".join(t.text for t in title.subtree if t.dep_ not in ("det", "case")))
        published = self.doc.user_data.get("published")
        before = list(reversed(self._before(title.i)))
        after = [m for m in self.mentions if m.start > title.i]
        for m in before + after:
            if self.kind(m.kb_id_) == "person" and any(
                _title_words(t) == words for t in self.registry.titles_of(m.kb_id_, published)
            ):
                return self.party(m.kb_id_, published)
        return None

    def most_named(self, kind: str) -> str | None:
        """The state or group the article names most (not by demonym), the first named on a tie:
        what "the government" or "the rebels" stand for when no earlier subject says."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            if m.label_ not in ("demonym", "person") and self.kind(m.kb_id_) == kind:
                counts[m.kb_id_] = counts.get(m.kb_id_, 0) + 1
        return max(counts, key=lambda k: counts[k], default=None)

    def _affiliation(self, head: Token) -> str | None:
        """The actor a noun phrase belongs to: a possessor, modifier or "of/for/close to X" inside it
        (not in a relative clause: "the treaty, which India suspended" is not India's)."""
        clauses = [c for c in head.children if c.dep_ in ("relcl", "acl", "appos")]
        skipped = {t.i for c in clauses for t in c.subtree}
        for token in head.subtree:
            if token.i == head.i or token.i in skipped:
                continue
            m = self._mention_at.get(token.i)
            # "the Contact Group statement": the bloc its members listed make it; not "the Minsk-backed
            # group", whose backer it is not
            if m is not None and not _backer(m):
                return self._bloc_by_members(token) or self.party(m.kb_id_) or m.kb_id_
            if token.lower_ in ("group", "movement") and token.head.lower_ in ("for", "of"):
                return self._anaphor("group", head.i)
            if token.dep_ == "poss" and any(c.lower_ == "the" for c in token.children):
                # "the group's chief negotiator", "the country's foreign minister"
                for kind in ("group", "state"):
                    if token.lower_ in cues().anaphors[kind]:
                        return self._anaphor(kind, head.i)
        return None

    def _title_holder(self, head: Token, party: str) -> str | None:
        """The one person the registry lists with this title for ``party`` on the article's date:
        "the Brazilian foreign minister", "the UN envoy for Libya", "the head of the Russian
        delegation"; else the one whose title holds all the words ("the group's chief negotiator"
        for a "spokesman and chief negotiator")."""
        doc = head.doc
        before = [
            t
            for t in doc[head.left_edge.i : head.i + 1]
            if t.i not in self._mention_at and t.dep_ not in ("det", "poss", "case")
        ]
        after = [
            t
            for c in head.rights
            if c.dep_ == "prep" and c.lower_ in _TITLE_COMPLEMENTS
            for t in c.subtree
            if t.dep_ != "det"
        ]
        words = _title_words(" ".join(t.text for t in before + after))
        if not words:
            return None
        published = self.doc.user_data.get("published")
        held = {
            actor.id: [_title_words(t) for t in self.registry.titles_of(actor.id, published)]
            for actor in self.registry.all("person")
            if self.registry.party_of(actor.id, published) == party
        }
        for matches in (lambda t: t == words, lambda t: words <= t):
            found = [pid for pid, titles in held.items() if any(matches(t) for t in titles)]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def _source(self, head: Token, phrase: Span, determiners: set[str]) -> Referent | None:
        """An unnamed source: ``anon:`` + the affiliation the phrase gives, or bare ``anon``."""
        via: list[str] = []
        affiliation = None
        for token in head.subtree:
            if token.i == head.i:
                continue
            m = self._mention_at.get(token.i)
            if m is not None:
                if m.kb_id_.startswith("outlet:"):
                    via.append(m.kb_id_)
                elif affiliation is None:
                    affiliation = self.party(m.kb_id_) or m.kb_id_
            elif token.dep_ == "poss" and token.lower_ in cues().anaphors["outlet"]:
                outlet = self._anaphor("outlet", head.i)  # "the publication's sources"
                if outlet:
                    via.append(outlet)
        if affiliation is None and "the" in determiners and not via:
            found = self.last_speaker(head.i, lambda s: s.startswith("anon"))
            if found:
                return Referent([found], phrase, anonymous=True)
        speaker = f"anon:{affiliation}" if affiliation else "anon"
        return Referent([speaker], phrase, anonymous=True, via=via)


def _np_span(head: Token) -> Span:
    """The noun phrase of ``head`` without relative clauses and appositions after it."""
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if (
            child.dep_ in ("compound", "flat", "nummod", "poss", "case", "prep", "amod")
            and child.dep_ != "relcl"
        ):
            right = max(right, child.right_edge.i if child.dep_ == "prep" else child.i)
        else:
            break
    return head.doc[left : right + 1]


_TITLE_FILLERS = frozenset(
    {"of", "the", "for", "and", "'s", "senior", "top", "chief", "at", "with", "to", "in"}
)
# Prepositions whose complement is part of a title: "envoy for Libya", "head of the delegation".
_TITLE_COMPLEMENTS = frozenset({"for", "of", "to"})


def _title_words(title: str) -> frozenset[str]:
    """A title as a set of words, so "Defence Minister" and "Minister of Defense" compare equal."""
    words = title.lower().replace("defence", "defense").replace("-", " ").split()
    return frozenset(w for w in words if w not in _TITLE_FILLERS)


def _in_subject(token: Token) -> bool:
    """Whether a token is (inside) the subject of its clause."""
    node = token
    for _ in range(6):
        if node.dep_ in ("nsubj", "nsubjpass"):
            return True
        if node.head.i == node.i or node.dep_ not in (
            "compound",
            "poss",
            "appos",
            "flat",
            "amod",
            "conj",
            "pobj",
            "prep",
        ):
            return False
        node = node.head
    return False


def _is_title(head: Token) -> bool:
    words = cues().titles
    text = head.doc[head.left_edge.i : head.i + 1].text.lower()
    return any(text.endswith(t) for t in words)


def _names_talking(name: Token, talks: frozenset[str], hosting: frozenset[str]) -> bool:
    """Whether a name is written as one holding talks: "A's talks with B", "talks between A and
    B", "negotiations with the Colombian government", "X hosted A's leader and B's"."""
    if name.dep_ == "poss" and name.head.lower_ in talks:
        return True
    node = name
    if node.dep_ in ("amod", "compound", "poss") and node.head.pos_ == "NOUN":
        node = node.head  # "the Colombian government", "Kenya's leader"
    while node.dep_ in ("conj", "appos") and node.head.i != node.i:
        node = node.head  # "between A and B": B hangs on A; "B's leader, X"
    if node.dep_ == "dobj":
        return node.head.lemma_.lower() in hosting
    return node.dep_ == "pobj" and node.head.lower_ in ("between", "with") and node.head.head.lower_ in talks


def _venue(mention: Span) -> bool:
    """A capital named as the place of something ("met in Vienna"), not standing for its government."""
    return (
        mention.label_ == "metonym"
        and mention.start > 0
        and mention.doc[mention.start - 1].lower_ in ("in", "at")
    )


def _backer(mention: Span) -> bool:
    """A party named as the backer of another ("the Minsk-backed militia"), not as a side."""
    return _modifies_participle(mention.root, cues().backer_verbs)


def _modifies_participle(name: Token, verbs: frozenset[str]) -> bool:
    """Whether a name is the agent written before a participle of ``verbs``: "Minsk-backed",
    "Swiss-mediated"."""
    head = name.head
    return (
        name.dep_ in ("npadvmod", "compound", "amod") and head.tag_ == "VBN" and head.lemma_.lower() in verbs
    )


def _called_go_betweens(name: Token, nouns: frozenset[str]) -> bool:
    """Whether a name, or the list it heads, is in apposition with a noun of go-betweens: "Norway,
    Chile and Cuba, the guarantor states", "the guarantors, Norway and Cuba" (the
    parser may hang the apposition on the last name, or a name of the list on the first)."""

    def go_between(noun: Token) -> bool:
        return noun.lower_ in nouns or any(
            c.dep_ in ("compound", "amod") and c.lower_ in nouns for c in noun.children
        )

    if name.dep_ in ("appos", "conj") and go_between(name.head):
        return True
    items = [name, *name.conjuncts, *(c for c in name.children if c.dep_ == "appos")]
    return any(
        c.dep_ == "appos" and c.pos_ == "NOUN" and go_between(c) for item in items for c in item.children
    )


def _absolute_with(word: Token, verbs: frozenset[str]) -> bool:
    """Whether ``word`` is the -ing form of one of ``verbs`` heading an absolute "with" phrase
    ("With Norway mediating, ...", "..., with Kenya facilitating"); the parser may tag it a noun."""
    stem = word.lower_.removesuffix("ing")
    if stem == word.lower_ or not (stem in verbs or f"{stem}e" in verbs):
        return False
    return (word.dep_ == "pobj" and word.head.lower_ == "with") or any(
        c.dep_ in ("mark", "prep") and c.lower_ == "with" for c in word.children
    )


def written_by(word: Token) -> Token | None:
    """Whom a "by" or "from" phrase on ``word`` names: "a statement by the presidency", "the
    letter from Lima", "read a statement by X"."""
    return next(
        (g for c in word.children if c.dep_ == "prep" and c.lower_ in ("by", "from")
         for g in c.children if g.dep_ == "pobj"),
        None,
    )  # fmt: skip
