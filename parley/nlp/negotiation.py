"""The ``parley_negotiation`` component: commitments, proposals, positions, threats, violations, meetings.

Runs after attribution, sentence by sentence. A sentence's records belong to the party of its
speaker (reported speech) or to the subject of the construction (narration). The constructions:

- commitment: the subject of a commitment verb ("Kyiv agreed to halt ... and not attack ...") with
  one record per issue of each coordinated clause (and whom "agreed with" names); a speaker's "it
  would <verb>" about itself; an undertaking told as a noun ("reiterated their commitment to free
  prisoners", "its acceptance of the truce"); a pact told as made ("announced a ceasefire with X",
  "confirmed the halt to the fighting", "a truce was agreed by X and Y"; "a deal with Y to do A
  in return for B": A is the subject's, B is Y's); the terms told after "as part of / under the
  agreement" ("X will withdraw ..."), also in what a report verb says. A condition marker ("only
  after", "subject to") makes it conditional on the issue after it. An act of force ("vowed to
  attack") is no undertaking;
- proposal: a plan noun with its proposer ("a U.S. proposal for", "the Chilean side presented a
  proposal ... which includes", "a plan drawn up by X"), one record per issue of its terms, carried
  into following sentences that go on about "the proposal"/"the plan"; what a party offers or
  proposes ("Baku offered to return ...", "the truce proposed by the Troika");
- position: a stance told by its verb or noun, about what that word governs, one per coordinated
  object ("rejected", "ruled out", "called for", "did not agree to", "asked X to", "Kyiv's demand
  for", "a demand by X"; in the passive, its agent; a participle "urging ..." after a denial); and
  a speaker's demand, refusal, command or stance ("must", "will not", "red line", "Stop the
  attacks"); not a denial of a charge or of the blame, nor what a party calls itself;
- threat: each warning verb with its subject, a conditional consequence ("if ... not ..., X will
  end ...", "..., we'll attack"), an ultimatum without a modal ("gave X until Friday to accept"),
  with a deadline; a danger foreseen ("warned of famine") or a refusal is not one;
- violation: "X is violating", "accused X of" (a breach, not an aim), "X's violations of the
  understanding", "has not honoured / failed to comply with", "allegations by X that Y shelled";
- meeting: a meeting verb or noun with a place (a city, a capital, a building's city) and a day of
  its own clause; a signing or a planned meeting with both; not one cancelled or only talked about.

A photo caption (the line above a credit line) tells no meeting: its place and day are the picture's.

The issue of a commitment, proposal or position is read from what its verb or noun governs
(:meth:`_Sentence.issue`): of the issue words of ``data/issues.yaml`` in that phrase, a specific one
before a generic one before a bare pact word ("deal"), and among them the one nearest the predicate
in the dependency tree, so "agreed to a humanitarian truce" is about the truce and "rejected the
deal as a breach of its sovereignty" about territory.

Results go to ``doc._.negotiation`` as :class:`Found` objects; parley.extractor turns them into records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parley import dates
from parley.actors import ActorRegistry
from parley.nlp.attribution import Attribution
from parley.nlp.lexicon import (
    ISSUE_TIERS,
    cues,
    issue_mentions,
    issues_in,
    negotiation_words,
    primary_issue,
    specific_issues,
    violation_issue,
)
from parley.nlp.mentions import registry_for
from parley.nlp.reference import PAIR_NOUNS, Discourse

if not Doc.has_extension("negotiation"):
    Doc.set_extension("negotiation", default=None)

_HYPOTHETICAL = re.compile(r"\b(?:if|unless|would be (?:regarded|considered|seen|treated))\b", re.I)
_MODALS = frozenset({"would", "will", "'ll", "shall"})  # not "could": a possibility, not an undertaking
_BARE_TIER = ISSUE_TIERS.index("bare")
# Arcs by which the parser may hang a coordinated party on the head of a subject.
_SUBJECT_MODIFIERS = frozenset({"conj", "nmod", "appos", "compound", "amod"})
_CONDITION_WORDS = frozenset({"if", "unless", "otherwise", "should"})
_CONDITION_PHRASES = re.compile(r"\b(?:if|unless|otherwise|in such a case|in that case|or else)\b", re.I)
# Plans carried into the next sentences of a paragraph when these refer back to them.
_PLAN_ANAPHOR = re.compile(
    r"\b(?:this|the|such a|under the) (?:proposal|plan|offer|deal|draft|framework)\b", re.I
)
# "if needed", "if necessary": a precaution, not the condition of a threat.
_PRECAUTION = re.compile(r"\bif (?:needed|necessary|possible|required|need be)\b", re.I)
_ALSO_FUTURE = re.compile(r"\b(?:will|would) also\b", re.I)


@dataclass
class Found:
    """One negotiation record found in the text, before conversion to the records model."""

    kind: str  # commitments, proposals, positions, threats, violations, meetings
    fields: dict[str, Any]
    evidence: list[tuple[int, int]] = field(default_factory=list)
    statement: int | None = None  # index into doc._.statements


def _listed(lemma: str, particles: tuple[str, ...], entries: frozenset[tuple[str, ...]]) -> bool:
    """Whether a word is one of ``entries``, alone or with one of its particles ("call for")."""
    return (lemma,) in entries or any((lemma, p) in entries for p in particles)


def _party_of_stance(stance: Found) -> str:
    """The party of a stance found: its holder, or the go-between whose appeal it is."""
    return stance.fields.get("party") or stance.fields["proposer"]


class Negotiation:
    """Finds negotiation records sentence by sentence."""

    def __init__(self, actor_files: tuple[str, ...]) -> None:
        self.registry = registry_for(actor_files)
        self.words = negotiation_words()

    def __call__(self, doc: Doc) -> Doc:
        discourse: Discourse = doc._.discourse or Discourse(doc, self.registry)
        statements: list[Attribution] = doc._.statements or []
        found: list[Found] = []
        plan = _Plan()
        masked = list(doc.text)
        for m in discourse.mentions:
            if m.label_ == "metonym":
                # a capital standing for its government names no issue, but stays a word: issue
                # patterns spanning it ("integrate the militia into Bamako's forces") still match
                masked[m.start_char : m.end_char] = "_" * (m.end_char - m.start_char)
        doc.user_data["parley_masked"] = "".join(masked)
        last_date: str | None = None  # the last day named so far: "earlier in the day" refers to it
        last_place: str | None = None  # where the last meeting told was: "the talks" go on there
        last_pact_issue: str | None = None  # what the last pact named with an issue is about
        planner: str | None = None  # the speaker laying out a plan in steps, while they go on
        paragraph = 0
        captions = _captions(doc.text, self.words.credit_line)
        sentences = list(doc.sents)
        # Grouped once, so that reading a sentence costs what the sentence holds, not the whole doc.
        own_statements: dict[int, list[tuple[int, Attribution]]] = {}
        for i, s in enumerate(statements):
            own_statements.setdefault(s.sentence, []).append((i, s))
        ents = _ents_by_sentence(doc, sentences)
        for number, sent in enumerate(sentences):
            if sent.start > 0 and "\n" in doc[sent.start - 1].text + doc[sent.start - 1].whitespace_:
                paragraph += 1
            ctx = _Sentence(sent, number, paragraph, own_statements.get(number, []), discourse)
            ctx.ents = ents.get(number, [])
            ctx.last_date, ctx.last_place, ctx.last_pact_issue = last_date, last_place, last_pact_issue
            last_date = ctx.meeting_date(doc, sent) or last_date
            threats = self._threats(ctx)
            # "ready to apply financial measures if it blocks the deal": a penalty threatened, not
            # an undertaking (what "the two sides will resume if calm holds" stays one)
            commitments = [
                c
                for c in self._commitments(ctx, plan)
                if not (c.fields["issue"] == "sanctions" and _told_as_threat(c, threats))
            ]
            found += commitments
            found += self._proposals(ctx, plan)
            # a party's undertaking or warning is not also a stance of it in the same words; a
            # refusal beside it is ("accepted the plan but was not ready to cede the valley")
            stances = [
                p
                for p in self._positions(ctx)
                if not _told_as_undertaking(p, commitments) and not _told_as_threat(p, threats)
            ]
            speakers = {ctx.discourse.party(s.speaker) for _, s in ctx.statements}
            phased = bool(self.words.phase_phrases.search(ctx.text))
            stances, planner = _plan_stances(stances, speakers, planner, phased)
            found += stances
            found += threats
            found += self._violations(ctx)
            # a photo caption's place and day are the picture's ("X visits Y in Z on May 2"), not talks
            caption = any(start <= sent.start_char < end for start, end in captions)
            meetings = [] if caption else self._meetings(ctx, doc)
            found += meetings
            last_place = next(
                (
                    m.fields["place"]
                    for m in reversed(meetings)
                    if m.fields["place"] and not m.fields.get(_PARTIAL)
                ),
                last_place,
            )
            last_pact_issue = next((i for _, i in reversed(ctx.named_pacts())), last_pact_issue)
        doc._.negotiation = _merge_meetings(found, discourse.registry)
        return doc

    # -- commitments ---------------------------------------------------------------------------
    def _commitments(self, ctx: _Sentence, plan: _Plan) -> list[Found]:
        out = []
        for token in ctx.sent:
            lemma = token.lemma_.lower()
            if token.pos_ not in ("VERB", "ADJ", "AUX") or _refused(token) or token.dep_ == "relcl":
                continue  # "the accord that Peru and Chile signed": a reference, not the undertaking
            if lemma == "be" and (duty := _duty(token)) is not None:
                # "the militia is to free 12 captives": a term it is bound by; what another side
                # does meanwhile ("..., while the army pulls back") is that side's term
                clauses = [_before_contrast(duty)]
                out += self._contrasted_terms(ctx, token, duty)
            elif lemma in self.words.commitment_verbs or lemma in self.words.readiness:
                if _wished(token):
                    continue  # "called on Russia to agree", "would agree only after": not (yet) an undertaking
                clauses = _object_clauses(token)
                if lemma in self.words.offer_verbs:
                    # "offered to free prisoners" binds the offerer; "offered Kyiv a pledge" is a proposal
                    clauses = [c for c in clauses if c.root.dep_ == "xcomp"]
            else:
                continue
            parties = ctx.parties_of_subject(token)
            if not parties:
                continue
            others = [p for p in self._co_parties(ctx, token) if p not in parties]
            parties += others
            for clause in clauses:
                text = clause.text
                if clause.root.lemma_.lower() in self.words.tentative_verbs:
                    continue
                if _act_of_force(clause.root, self.words):
                    continue  # "vowed to attack", "decided to strike again": force, not an undertaking
                if self.words.threat_phrases.search(text) and "sanction" in text.lower():
                    continue  # "promised to impose sanctions": a threat, not an undertaking
                # the parser may hang "for a 45-day truce" on the verb rather than on its object
                rest = ctx.sent.doc[clause.start : max(clause.end, token.right_edge.i + 1)]
                issue = ctx.issue(clause, specific=True, undertaking=True)
                if (
                    self.words.proposal_nouns.search(clause.text)
                    or clause.root.lemma_.lower() in self.words.pact_nouns
                ):
                    # "accepted a proposal ... for a truce", "signed an agreement with them to free prisoners"
                    issue = issue or ctx.issue(rest, clause.root, specific=True, undertaking=True)
                # past the clause only a specific word counts ("agreed to take further action" in a
                # sentence about a truce is not an undertaking on the truce), unless the clause refers
                # back with a pronoun ("the round closed and the delegations agreed to resume it")
                issue = (
                    issue
                    or ctx.issue(clause, undertaking=True)
                    or ctx.issue(ctx.sent, token, specific=not _refers_back(clause), undertaking=True)
                )
                if not issue and plan.issues and self.words.proposal_nouns.search(clause.text):
                    issue = plan.issues[0]  # "Lima has approved the proposal": the plan's main term
                if issue:
                    terms = self._terms(clause, ctx)
                    if terms["conditional"] and not terms["condition_issue"]:
                        terms["condition_issue"] = issue  # "as long as Baku was": the same undertaking
                    issues = _exchanged(ctx, rest, parties, others, issue)
                    out += [
                        ctx.record("commitments", clause, party=p, issue=i, **terms)
                        for p, i in issues.items()
                    ]
                    out += self._given_in_return(ctx, rest, parties)
        out += self._pledges(ctx)
        out += self._captives_released(ctx)
        out += self._kept_pacts(ctx)
        out += self._pacts(ctx)
        out += self._pact_terms(ctx)
        # A speaker's own undertaking in reported speech: "Quito said it would honour ..."
        for _, st in ctx.statements:
            speaker_party = ctx.discourse.party(st.speaker)
            if not speaker_party or st.content is None:
                continue
            for token in ctx.sent.doc[st.content[0] : st.content[1]]:
                if (
                    token.pos_ != "VERB"
                    or _negated(token)
                    and token.lemma_ not in ("attack", "strike", "use")
                ):
                    continue
                if not any(c.lower_ in _MODALS for c in token.children if c.dep_ == "aux"):
                    continue
                subj = ctx.parties_of_subject(token)
                # the speaker's own undertaking, alone or with others ("Peru, Chile and Bolivia would")
                if (
                    speaker_party not in subj
                    or _in_condition(token)
                    or _CONDITION_PHRASES.search(ctx.text)
                    or _questioned(token)
                ):
                    continue  # a conditional consequence is a threat or a demand, not an undertaking
                lemma = token.lemma_.lower()
                if (
                    lemma in self.words.tentative_verbs
                    or lemma in self.words.position_verbs
                    or any(c.dep_ == "advmod" and c.lower_ == "only" for c in token.children)
                ):
                    continue  # "it would seek talks", "would only accept a written accord": a stance
                if self._punishes(token):
                    continue  # "will hold them accountable": a threat, not an undertaking
                clause = _clause(token)
                if self.words.threat_phrases.search(clause.text) and _CONDITION_PHRASES.search(ctx.text):
                    continue
                issue = ctx.issue(clause, undertaking=True)
                if issue:
                    terms = self._terms(clause, ctx)
                    out += [ctx.record("commitments", clause, party=p, issue=issue, **terms) for p in subj]
        return out

    def _co_parties(self, ctx: _Sentence, verb: Token) -> list[str]:
        """The other side of an agreement told with "with": "Quito agreed with the rebels on ...";
        not a "with" before the verb, which tells the circumstances ("With Norway mediating, ..."),
        nor a go-between ("..., with Kenya facilitating")."""
        if verb.lemma_.lower() not in ("agree", "sign"):
            return []
        return [
            p
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ == "with" and c.i > verb.i
            for p in ctx.parties_in(ctx.sent.doc[c.i : c.right_edge.i + 1])
            if p not in ctx.discourse.mediators()
        ]

    def _pacts(self, ctx: _Sentence) -> list[Found]:
        """A truce or deal told as made: "the rebels declared a truce with the army", "both sides
        confirmed the halt to the fighting", "a truce was agreed (by X and Y)", "the deal was signed
        between X and Y". The parties are the subject (and whom "with" names), else the agent; the
        issue is the pact's own."""
        out = []
        doc = ctx.sent.doc
        for verb in ctx.sent:
            lemma = verb.lemma_.lower()
            if verb.pos_ != "VERB" or _negated(verb) or _wished(verb) or _in_condition(verb):
                continue
            passive = lemma in self.words.commitment_verbs and any(c.dep_ == "auxpass" for c in verb.children)
            if passive:
                pact = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            elif lemma in self.words.pact_verbs:
                pact = next((c for c in verb.children if c.dep_ == "dobj"), None)
            else:
                continue
            if pact is None or pact.lemma_.lower() not in self.words.pact_nouns:
                continue
            phrase = doc[pact.left_edge.i : pact.right_edge.i + 1]
            issue = ctx.issue(phrase, pact, undertaking=True)
            if not issue:
                continue
            around = [
                c
                for c in [*verb.children, *pact.children]
                if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "between", "with")
            ]
            named = [p for c in around for p in ctx.parties_in(doc[c.i : c.right_edge.i + 1])]
            if passive:
                parties = named  # "a truce was signed" alone does not say by whom
            else:
                parties = ctx.parties_of_subject(verb)
                parties += [p for p in named if p not in parties] if parties else []
            clause = doc[min(phrase.start, verb.i) : max(phrase.end, verb.i + 1)]
            terms = self._terms(clause, ctx)
            others = [] if passive else [p for p in named if p not in ctx.parties_of_subject(verb)]
            region = doc[phrase.start : max(phrase.end, verb.right_edge.i + 1)]
            issues = _exchanged(ctx, region, parties, others, issue)
            out += [
                ctx.record("commitments", clause, party=p, issue=party_issue, **terms)
                for p, party_issue in issues.items()
            ]
        return out

    def _pact_terms(self, ctx: _Sentence) -> list[Found]:
        """Terms of a pact told in narration after a phrase that introduces them: "As part of the
        agreement, the ELN will withdraw ...", "Under the terms of the truce, the rebels would free ... and
        the army would release ...": each party bound to its own future clause, also in what a report
        verb says ("X reported that under the deal, ..."). What "the two sides will ..." do is told
        as agreed without such a phrase ("If calm holds, the two sides will resume talks")."""
        introduced = any(t.lemma_.lower() in self.words.pact_nouns and _introduces_terms(t) for t in ctx.sent)
        root = ctx.sent.root
        # not within a speaker's own words (their undertakings are read as such), but what a report
        # verb at the root says: "X reported that under the deal, ..."
        heads = [] if ctx.in_statement(root) else [root, *(c for c in root.children if c.dep_ == "ccomp")]
        out = []
        for verb in (v for head in heads for v in (head, *head.conjuncts)):
            aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
            if not aux & {"will", "would", "shall", "'ll"} or verb.pos_ != "VERB" or _in_condition(verb):
                continue
            subject = _subject_of(verb)
            # "the parties would negotiate ..." describes a plan's terms; "will" tells them decided
            told = introduced or (_names_the_sides(subject) and "would" not in aux)
            if not told or _act_of_force(verb, self.words):
                continue
            parties = ctx.parties_of_subject(verb)
            # the clause from its subject on, without the phrase that introduced the pact
            clause = ctx.sent.doc[
                (subject.left_edge.i if subject is not None else verb.i) : _clause(verb).end
            ]
            issue = ctx.issue(clause, undertaking=True)
            if issue and parties:
                terms = self._terms(clause, ctx)
                out += [ctx.record("commitments", clause, party=p, issue=issue, **terms) for p in parties]
        return out

    def _contrasted_terms(self, ctx: _Sentence, be: Token, duty: Token) -> list[Found]:
        """The term of another side told beside a duty with "while" ("the militia is to free the
        captives, while the army pulls back"): an undertaking of that side, in the present or future
        (the parser hangs the "while" clause on "is" or on the duty's verb)."""
        out = []
        for verb in [*_contrasts(be), *_contrasts(duty)]:
            if verb.tag_ not in ("VBP", "VBZ") and not _modal(verb):
                continue  # "while the army pulled back": what happened, not a term
            clause = _clause(verb)
            issue = ctx.issue(clause, undertaking=True)
            if issue and not _act_of_force(verb, self.words):
                terms = self._terms(clause, ctx)
                out += [
                    ctx.record("commitments", clause, party=p, issue=issue, **terms)
                    for p in ctx.parties_of_subject(verb)
                ]
        return out

    def _captives_released(self, ctx: _Sentence) -> list[Found]:
        """Captives told to be let go by whoever holds them: "the 30 fishermen held in Eritrea will
        be returned next week", "the detainees held by the militia will be freed once the truce has
        held" (the holder's undertaking, on its condition). Only "will": "would" tells a plan's term."""
        out = []
        for verb in ctx.sent:
            aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
            if (
                verb.lemma_.lower() not in self.words.release_verbs
                or verb.pos_ != "VERB"
                or not any(c.dep_ == "auxpass" for c in verb.children)
                or not aux & {"will", "shall", "'ll"}
                or _negated(verb)
                or _in_condition(verb)
            ):
                continue
            captives = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if captives is None or not (
                captives.lemma_.lower() in self.words.captive_nouns
                or ctx.issue(ctx.sent.doc[captives.i : captives.i + 1]) == "prisoners"
            ):
                continue  # "the ships held in port": not captives
            holders = self._captors(ctx, captives)
            clause = _clause(verb)
            terms = self._terms(clause, ctx)
            out += [ctx.record("commitments", clause, party=p, issue="prisoners", **terms) for p in holders]
        return out

    def _captors(self, ctx: _Sentence, captives: Token) -> list[str]:
        """Who holds captives told as "held by X" or "held in X" (there the place stands for its
        government); none when they are not told so."""
        holding = next(
            (
                c
                for c in captives.children
                if c.dep_ == "acl" and c.lemma_.lower() in self.words.holding_verbs
            ),
            None,
        )
        by = (
            next(
                (c for c in holding.children if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "in")),
                None,
            )
            if holding is not None
            else None
        )
        if by is None:
            return []
        mentions = ctx.discourse.mentions_in(by.i + 1, by.right_edge.i + 1)
        return list(dict.fromkeys(p for p in (ctx.discourse.party(m.kb_id_) for m in mentions) if p))

    def _given_in_return(self, ctx: _Sentence, region: Span, parties: list[str]) -> list[Found]:
        """Captives held by another party that an undertaking is made in exchange for ("to free 12
        soldiers in exchange for 40 rebels held by Bogota"): the holder's undertaking to let them go,
        a term of the same exchange (not a condition of it)."""
        out = []
        for word in region:
            if word.lower_ not in ("exchange", "return") or word.head.lower_ != "in":
                continue
            given = next((c for c in word.children if c.lower_ == "for"), None)
            captives = (
                next((c for c in given.children if c.dep_ == "pobj"), None) if given is not None else None
            )
            if captives is None:
                continue
            phrase = ctx.sent.doc[word.head.i : word.right_edge.i + 1]
            terms = {**self._terms(phrase, ctx), "conditional": False, "condition_issue": None}
            out += [
                ctx.record("commitments", phrase, party=holder, issue="prisoners", **terms)
                for holder in self._captors(ctx, captives)
                if holder not in parties
            ]
        return out

    def _kept_pacts(self, ctx: _Sentence) -> list[Found]:
        """A speaker's undertaking told in the passive about the pact itself: '"The truce will be
        respected," the army said', '... and the pause will continue to be honoured'."""
        out = []
        doc = ctx.sent.doc
        for _, st in ctx.statements:
            party = ctx.discourse.party(st.speaker)
            if not party or st.content is None:
                continue
            for verb in doc[st.content[0] : st.content[1]]:
                lemma = verb.lemma_.lower()
                if (
                    lemma not in self.words.compliance_verbs | self.words.pact_verbs
                    or not any(c.dep_ == "auxpass" for c in verb.children)
                    or _negated(verb)
                    or _in_condition(verb)
                ):
                    continue
                # the modal may be on a verb the passive depends on ("will continue to be honoured")
                modal = verb.head if verb.dep_ == "xcomp" else verb
                if not any(c.dep_ == "aux" and c.lower_ in _MODALS for c in modal.children):
                    continue
                subject = _subject_of(verb) or _subject_of(modal)
                pact = _pact_named(subject, self.words.pact_nouns)
                issue = ctx.issue(doc[pact.left_edge.i : pact.right_edge.i + 1], pact) if pact else None
                if issue:
                    clause = _clause(modal)
                    out.append(
                        ctx.record(
                            "commitments", clause, party=party, issue=issue, **self._terms(clause, ctx)
                        )
                    )
        return out

    def _pledges(self, ctx: _Sentence) -> list[Found]:
        """An undertaking told as a noun phrase: "the rebels reiterated their commitment to free
        prisoners", "both sides' pledge to halt strikes", "announced its acceptance of the truce".
        The party is the possessor, or the subject of the verb that reaffirms or announces it."""
        out = []
        for noun in ctx.sent:
            if noun.lemma_.lower() not in self.words.commitment_nouns or noun.pos_ != "NOUN":
                continue
            complements = [
                c
                for c in noun.children
                if (c.dep_ == "acl" and _infinitive(c))
                or (c.dep_ == "prep" and c.lower_ in ("to", "of") and noun.lemma_.lower() != "agreement")
            ]
            if not complements:
                continue
            verb = noun.head if noun.dep_ == "dobj" else noun.head.head if noun.dep_ == "pobj" else None
            if verb is not None and (
                _negated(verb)
                or _wished(verb)
                or verb.lemma_.lower() in self.words.position_verbs
                or verb.lemma_.lower() in self.words.tentative_verbs
                or verb.lemma_.lower() in self.words.offer_verbs
            ):
                continue  # "rejected any commitment to", "urged a pledge to": not given; "offered a pledge": a proposal
            possessor = next((c for c in noun.children if c.dep_ == "poss"), None)
            parties = []
            if possessor is not None and possessor.pos_ != "PRON":
                parties = ctx.parties_named_by(possessor)
            elif verb is not None and verb.pos_ == "VERB":
                parties = ctx.parties_of_subject(verb)
            clauses = [_clause(c) for head in complements for c in (head, *head.conjuncts) if c.i >= head.i]
            # "welcomed their commitment to observe the truce, free detainees and hold elections"
            clauses += [_clause(v) for v in _stray_infinitives(verb)] if verb is not None else []
            for clause in clauses:
                issue = ctx.issue(clause, undertaking=True)
                if issue:
                    terms = self._terms(clause, ctx)
                    out += [ctx.record("commitments", clause, party=p, issue=issue, **terms) for p in parties]
        return out

    def _terms(self, clause: Span, ctx: _Sentence) -> dict[str, Any]:
        text = clause.text
        after = ctx.text[clause.end_char - ctx.sent.start_char :]
        in_clause = self._condition_marker(clause.doc, text, clause.start_char)
        marker = in_clause or self._condition_marker(clause.doc, after, clause.end_char)
        condition_issue = None
        proviso = None if marker else _proviso(ctx.sent, clause) or _condition_before(clause)
        if marker:
            rest = text[marker.end() :] if in_clause else after
            condition_issue = primary_issue(rest[:160])
        elif proviso is not None:  # ", provided Baku did the same": conditional on its own clause
            marker = proviso
            end = ctx.sent.end if proviso.i > clause.start else clause.start  # "If calm holds, X will"
            condition_issue = primary_issue(ctx.sent.doc[proviso.i + 1 : end].text)
        duration = dates.parse_duration(text) or dates.parse_duration(ctx.text)
        negated = any(t.lower_ in self.words.negators for t in clause[:4])
        return {
            "conditional": bool(marker),
            "condition_issue": condition_issue if marker else None,
            "duration_days": duration,
            "negated": negated,
        }

    def _condition_marker(self, doc: Doc, text: str, start_char: int) -> re.Match[str] | None:
        """The first condition marker in ``text`` (which starts at ``start_char`` in ``doc``) that is
        not a noun: "ties it to the vote" is a condition, "agreed to restore ties" is not."""
        for match in self.words.condition_markers.finditer(text):
            words = doc.char_span(
                start_char + match.start(), start_char + match.end(), alignment_mode="expand"
            )
            if words is None or words[0].pos_ not in ("NOUN", "PROPN"):
                return match
        return None

    # -- proposals -----------------------------------------------------------------------------
    def _proposals(self, ctx: _Sentence, plan: _Plan) -> list[Found]:
        """Terms of a plan: where a plan noun with a proposer is described, and the sentences after
        it that go on describing it ("Under the plan, ...", "In return, Lima would ..."); else the
        clauses a party offers ("Baku had offered to return more detainees")."""
        return self._plan_terms(ctx, plan) or self._offers(ctx, plan)

    def _offers(self, ctx: _Sentence, plan: _Plan) -> list[Found]:
        """ "X offered (Y) to VERB ...", "X proposed (to Y) a truce", "X suggested the deal could
        include ...": X's proposal, one term per clause."""
        out = []
        for verb in ctx.sent:
            floated = verb.lemma_.lower() in self.words.suggestion_verbs
            if (
                not (verb.lemma_.lower() in self.words.offer_verbs or self._tables(verb) or floated)
                or verb.pos_ != "VERB"
                or _negated(verb)
                or _wished(verb)
                or _in_condition(verb)
            ):
                continue
            if verb.dep_ == "acl":  # "the truce proposed by the Troika": the noun it qualifies is the term
                agents = list(_participle_agents(verb.head, self.words.offer_verbs))
                proposers = (
                    ctx.parties_in(ctx.sent.doc[agents[0].i : agents[0].right_edge.i + 1]) if agents else []
                )
                term = ctx.sent.doc[verb.head.left_edge.i : verb.head.i + 1]
                issue = ctx.issue(term, verb.head)
                if proposers and issue:
                    out.append(ctx.record("proposals", term, proposer=proposers[0], issue=issue))
                continue
            subject = _subject_of(verb)
            if subject is not None and subject.pos_ == "NOUN" and subject.lower_ in cues().source_nouns:
                continue  # "the mediators proposed": who they are is not in the subject
            proposers = ctx.parties_of_subject(verb)
            if not proposers:
                continue
            for clause in _object_clauses(verb):
                if clause.root.i == verb.i or (clause.root.dep_ == "prep" and not clause.root.lower_ == "on"):
                    continue  # "proposed to Moscow": to whom, not what
                if floated and not _floated_term(clause.root):
                    continue  # "suggested that the talks had stalled": an account, not a term
                # "offered to lift the tariffs if Minsk frees the detainees": what the other side
                # is to do in return is a term of the offer too (not an attack it answers)
                terms = [clause] + [
                    _clause(m.head)
                    for m in clause
                    if m.dep_ == "mark"
                    and m.lower_ in ("if", "once")
                    and not _act_of_force(m.head, self.words)
                ]
                for term in terms:
                    issue = ctx.issue(term)
                    if issue:
                        out.append(ctx.record("proposals", term, proposer=proposers[0], issue=issue))
            if out:
                plan.proposer, plan.paragraph, plan.active = proposers[0], ctx.paragraph, False
                plan.issues = [f.fields["issue"] for f in out]
        return out

    def _agreed_pact(self, noun: Token) -> bool:
        """A pact noun that its sides are told to have agreed to or signed ("agreed to the deal",
        "signed a deal")."""
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head if noun.dep_ == "dobj" else None
        return (
            noun.lemma_.lower() in self.words.pact_nouns
            and verb is not None
            and verb.lemma_.lower() in self.words.commitment_verbs - self.words.offer_verbs  # not "offered"
            and not _negated(verb)
        )

    def _tables(self, verb: Token) -> bool:
        """ "put X on the table": an offer of X."""
        return verb.lemma_.lower() in self.words.tabling_verbs and any(
            c.dep_ == "prep" and c.lower_ == "on" and any(g.lemma_.lower() == "table" for g in c.children)
            for c in verb.children
        )

    def _plan_terms(self, ctx: _Sentence, plan: _Plan) -> list[Found]:
        for match in self.words.proposal_nouns.finditer(ctx.text):
            noun = ctx.token_at(match.end() - 1)  # "peace plan": the head is the last word
            if noun is None or noun.pos_ != "NOUN" or _subject_of(noun) is not None:
                continue  # "Kyiv and Moscow plan to exchange prisoners": the verb, tagged as a noun
            if self._agreed_pact(noun):
                continue  # "A and B agreed to a Swiss-brokered deal": a pact made, not a plan put forward
            proposer = ctx.proposer(noun) or (plan.proposer if _definite(noun) else None)
            if not proposer:
                continue
            plan.proposer, plan.paragraph, plan.active = proposer, ctx.paragraph, True
            if _introduces_terms(noun):  # "Under the plan, X would ..." / "According to the proposal, ..."
                terms = ctx.sent.doc[noun.i + 1 : ctx.sent.end]
            elif noun.dep_ in ("nsubj", "nsubjpass"):  # "This proposal will freeze the war"
                terms = _trim_attribution(ctx)
            else:
                terms = _proposal_terms(noun)
                if terms is not None and not specific_issues(ctx.words(terms)):
                    # "a proposal from the mediators for a truce": the terms may hang on the verb
                    terms = ctx.sent.doc[terms.start : max(terms.end, noun.head.right_edge.i + 1)]
            if terms is None:
                return []
            issues = _all_issues(ctx.words(terms))
            plan.issues = issues or plan.issues
            return [ctx.record("proposals", terms, proposer=proposer, issue=i) for i in issues]
        # The description goes on while sentences keep to the plan's conditional ("Aid would enter ...").
        plan.active = plan.active and bool(
            _PLAN_ANAPHOR.search(ctx.text) or _ALSO_FUTURE.search(ctx.text) or _describes_terms(ctx.sent)
        )
        if plan.active:
            clause = _trim_attribution(ctx)
            return [
                ctx.record("proposals", clause, proposer=plan.proposer, issue=i)
                for i in _all_issues(ctx.words(clause))
            ]
        return []

    # -- positions -------------------------------------------------------------------------------
    def _positions(self, ctx: _Sentence) -> list[Found]:
        out = self._stances(ctx) + self._limits(ctx)
        told = {(_party_of_stance(f), f.fields["issue"]) for f in out}
        # in narration the stance constructions above are the whole story; in reported speech the
        # speaker's stance may also be told by a modal or a phrase ("must", "red line", "ready to")
        parties = [
            ctx.discourse.party(s.speaker) for _, s in ctx.statements if ctx.discourse.party(s.speaker)
        ]
        if not parties:
            return out
        content = _trim_attribution(ctx)
        text = content.text
        if _denial(ctx.sent, self.words):
            return out  # "rejected the accusations, saying ...": a denial, not a stance on an issue
        if (
            not self._stance_phrase(content)
            and not any(self._stance_verb(t) for t in ctx.sent)
            and not _imperative(content)
        ):
            return out
        # "ready to discuss a ceasefire but would never accept foreign troops": two stances; a verb
        # that shares the modal of the one it is coordinated with is one too ("should exercise
        # restraint and uphold the agreement")
        clauses = [
            c for c in _coordinated(content)
            if self._stance_phrase(c) or _shares_modal(c.root)
        ] or [content]  # fmt: skip
        # "should press Belgrade to halt the raids and lift its embargo": a stance on each infinitive
        clauses += [
            _clause(verb)
            for clause in list(clauses)
            for head in clause
            if head.dep_ == "xcomp" and head.pos_ == "VERB"
            for verb in (head, *head.conjuncts)
            if head.conjuncts and verb.pos_ == "VERB"
        ]
        # "would never accept foreign troops, adding that the border was non-negotiable": what a
        # participle of report adds is a stance of its own
        clauses += [
            _clause(said)
            for adding in content
            if adding.dep_ == "advcl"
            and adding.tag_ == "VBG"
            and adding.lemma_.lower() in cues().report_verbs
            for said in adding.children
            if said.dep_ == "ccomp" and self._stance_phrase(_clause(said))
        ]
        phased = bool(self.words.phase_phrases.search(text))  # "should be followed by elections": a plan
        for clause in clauses:
            main = ctx.issue(clause) or ctx.issue(content)
            if not main:
                continue
            source = clause if len(clauses) > 1 else ctx.sent
            red_line = bool(self.words.red_line_phrases.search(source.text))
            # "must guarantee the return of refugees and a pullback of troops": a stance on each item
            for issue in dict.fromkeys([main, *_listed_issues(ctx, clause)]):
                for party in dict.fromkeys(parties):
                    if (party, issue) not in told:
                        out.append(
                            ctx.record("proposals", clause, proposer=party, issue=issue)
                            if phased
                            else ctx.record("positions", clause, party=party, issue=issue, red_line=red_line)
                        )
        return out

    def _backs_force(self, verb: Token) -> bool:
        """A verb of backing (cues.yaml: backer_verbs) or of a stance frame whose object is an armed
        act: "supported attacks by the rebels", "backed the offensive", "defended the strikes"."""
        lemma = verb.lemma_.lower()
        return (lemma in cues().backer_verbs or lemma in self.words.stance_frames) and any(
            c.dep_ == "dobj"
            and (c.lemma_.lower() in self.words.force_words or self.words.force_phrases.search(c.text))
            for c in verb.children
        )

    def _stance_phrase(self, span: Span) -> bool:
        """Whether ``span`` has a phrase of a stance ("must", "red line", "no deal without X"); not
        "without" before a verb of telling, the narrator's aside ("..., without naming them")."""
        telling = self.words.aside_verbs | cues().report_verbs
        for match in self.words.position_phrases.finditer(span.text):
            words = span.doc.char_span(
                span.start_char + match.start(), span.start_char + match.end(), alignment_mode="expand"
            )
            after = words[-1].nbor() if words is not None and words.end < len(span.doc) else None
            aside = after is not None and after.tag_ == "VBG" and after.lemma_.lower() in telling
            if not (match.group().lower() == "without" and aside):
                return True
        return False

    def _stance_verb(self, verb: Token) -> bool:
        """A verb that makes what a speaker says a stance: "insisted", "rejected", "maintains its
        right" (an assertion verb only with a noun object, not "stressed that ...")."""
        lemma = verb.lemma_.lower()
        if lemma not in self.words.position_verbs or verb.pos_ != "VERB" or _self_described(verb):
            return False
        return lemma not in self.words.assertion_verbs or any(c.dep_ == "dobj" for c in verb.children)

    def _stances(self, ctx: _Sentence) -> list[Found]:
        """A stance told by its verb or noun, about what that word governs: "Kyiv rejected the land
        swap", "Baku did not agree to a truce", "Rome ruled out sending troops", "the army
        welcomed the truce", "Quito's demand for a buffer zone", "dropped its demand that X leave"."""
        out = []
        doc = ctx.sent.doc
        for word in ctx.sent:
            lemma = word.lemma_.lower()
            particles: tuple[str, ...] = ()
            if word.pos_ in ("VERB", "ADJ"):
                refused = (
                    lemma in self.words.commitment_verbs or lemma in self.words.readiness
                ) and _refused(word)
                particles = tuple(c.lower_ for c in word.children if c.dep_ in ("prt", "prep")) + tuple(
                    # "pushing for Serbia to withdraw": "for" is the mark of the clause pushed for
                    g.lower_ for c in word.children if c.dep_ in ("advcl", "ccomp") for g in c.children
                    if g.dep_ == "mark" and g.lower_ == "for"
                )  # fmt: skip
                frame = self.words.stance_frames.get(lemma)
                named = (
                    _listed(lemma, particles, self.words.stance_verbs)
                    # not "what Belgrade calls its historic rights": a name given, not a stance taken
                    or any(c.dep_ == frame and c.pos_ != "PRON" for c in word.children)
                    and not any(c.lower_ == "what" for c in word.children)
                )
                if not (named or refused) or (_negated(word) and not refused) or _in_condition(word):
                    continue
                if self._backs_force(word):
                    continue  # "Minsk supported attacks on the port": backing a war, not a stance on terms
                # "travelled to Lima to demand ...": the purpose of an act done is a stance taken
                if _wished(word) and not refused and not (word.dep_ == "advcl" and _infinitive(word)):
                    continue  # "would welcome", "to seek": not (yet) a stance taken
                agent = next((c for c in word.children if c.dep_ == "agent"), None)
                holder = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                # "the pause was welcomed by Kyiv": the agent holds the stance
                parties = ctx.parties_named_by(holder) if holder is not None else ctx.parties_of_subject(word)
            elif word.pos_ == "NOUN" and lemma in self.words.stance_nouns and word.dep_ in _TOLD:
                parties = self._holders(ctx, word)  # not "over Lula's refusal": a reason, not a stance told
            else:
                continue
            # "rejected the claims, urging renewed efforts": the participle's stance is its own
            urging = word.tag_ == "VBG" and (
                word.dep_ == "advcl" or (word.dep_ == "conj" and word.head.dep_ == "advcl")
            )
            if not parties or (_denial(ctx.sent, self.words) and not urging):
                continue
            span = doc[word.i : word.right_edge.i + 1]
            theme = next((c for c in word.children if c.dep_ == "nsubjpass"), None)
            if theme is not None:  # "the pause was welcomed by Kyiv": what is welcomed is the subject
                span = doc[theme.left_edge.i : word.right_edge.i + 1]
            if word.dep_ == "appos":  # "a condition that it withdraw, a key demand by Lima"
                span = doc[word.head.i : word.head.right_edge.i + 1]
            if _qualifies_its_object(word):  # "the land swap, which Baku rejected": what it qualifies
                span = doc[word.head.left_edge.i : word.head.right_edge.i + 1]
            # "would never accept": the negation and modals before the word say how firm it is
            first = min([word.i] + [c.i for c in word.lefts if c.dep_ in ("neg", "aux", "advmod")])
            red_line = bool(self.words.red_line_phrases.search(doc[first : span.end].text))
            phased = bool(self.words.phase_phrases.search(span.text))
            # "did not agree to a truce and a summit of leaders": one stance per coordinated object
            for item in _governed_items(word) or [span]:
                issue = ctx.issue(item, item.root) or (
                    ctx.issue(span, word) if len(item) < len(span) else None
                )
                if issue:
                    appeal = _listed(lemma, particles, self.words.appeal_verbs)
                    # "Ghana urged Togo and Benin to stop": a third party's appeal to both
                    # sides is a term it puts to them, as a go-between's is
                    addressed = _addressed(ctx, word) if appeal else []
                    out += [
                        # a go-between's appeal to the sides is a term it puts to them, and steps
                        # called for in sequence ("a truce leading to talks") are a plan put forward
                        ctx.record("proposals", item, proposer=p, issue=issue)
                        if (
                            appeal
                            and (p in ctx.discourse.mediators() or bool(addressed) and p not in addressed)
                        )
                        or phased
                        else ctx.record("positions", item, party=p, issue=issue, red_line=red_line)
                        for p in parties
                    ]
        return out

    def _limits(self, ctx: _Sentence) -> list[Found]:
        """What is called a limit of a party ("giving up the villages, a red line for Yerevan", "Kyiv's red line
        is the border"): its stance, a red line, on what the clause around the noun is about."""
        out = []
        doc = ctx.sent.doc
        for word in ctx.sent:
            if word.pos_ != "NOUN" or word.dep_ not in _TOLD:
                continue
            first = min([word.i] + [c.i for c in word.lefts if c.dep_ in ("amod", "compound", "punct")])
            if not self.words.limit_nouns.search(doc[first : word.i + 1].text):
                continue
            parties = self._holders(ctx, word, agents=("by", "for"))
            verb = next((a for a in word.ancestors if a.pos_ in ("VERB", "AUX")), None)
            issue = ctx.issue(_clause(verb), verb) if verb is not None else None
            if issue:
                out += [ctx.record("positions", word, party=p, issue=issue, red_line=True) for p in parties]
        return out

    def _holders(self, ctx: _Sentence, noun: Token, agents: tuple[str, ...] = ("by",)) -> list[str]:
        """Who holds a stance noun: its possessor ("Kyiv's demand"), its agent ("a demand by Lima",
        or with ``agents`` "a red line for Kyiv") or the subject of the verb that has it ("Quito
        dropped its demand")."""
        possessor = next((c for c in noun.children if c.dep_ == "poss"), None)
        if possessor is not None and possessor.pos_ != "PRON":
            return ctx.parties_named_by(possessor)
        agent = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in agents), None)
        if agent is not None:
            return ctx.parties_in(ctx.sent.doc[agent.i : agent.right_edge.i + 1])
        if noun.dep_ == "dobj" and noun.head.pos_ == "VERB" and not _negated(noun.head):
            return ctx.parties_of_subject(noun.head)
        return []

    # -- threats ---------------------------------------------------------------------------------
    def _threats(self, ctx: _Sentence) -> list[Found]:
        """Warnings: each warning verb with its own subject ("X threatened strikes and Y warned that
        ..."); a conditional whose consequence is a threat or a use of force ("if they do not free
        them, we'll attack"); a strong warning in reported speech; an ultimatum without a modal
        ("gave the militia until Friday to accept", "the deadline set by X for Y to respond")."""
        text = ctx.text
        warned = [
            t
            for t in ctx.sent
            if t.lemma_.lower() in self.words.threat_verbs
            and t.pos_ == "VERB"
            and not _danger_only(t, self.words)
        ]
        consequence = _conditioned(ctx.sent)
        conditional = _CONDITION_PHRASES.search(_PRECAUTION.sub("", text)) and (
            self.words.threat_phrases.search(text)
            # "if Belgrade does not sign, it will face tariffs": force or a penalty
            or (consequence is not None and (self._forceful(consequence) or _penalty(consequence)))
        )
        strong = ctx.statements and self.words.threat_strong.search(text)
        told_alone = self._ultimatum(ctx) or self._punishments(ctx)  # a threat without a condition
        if told_alone:
            return told_alone
        if not warned and not conditional and not strong:
            return []
        out: list[Found] = []
        for token in warned:
            objects = [c for c in token.children if c.dep_ == "dobj"]
            warned_parties = (
                ctx.parties_in(ctx.sent.doc[objects[0].left_edge.i : objects[0].right_edge.i + 1])
                if objects
                else []
            )
            speakers = [p for p in (ctx.discourse.party(st.speaker) for _, st in ctx.statements) if p]
            if token.tag_ == "VBG" and token.dep_ == "advcl" and speakers:
                actors = speakers  # "X said Y must disarm, warning that ...": X warns, not Y
            else:
                actors = [a for a in ctx.parties_of_subject(token) if a not in warned_parties]
            if actors:
                consequence = _consequence(ctx.sent, token if _has_complement(token) else None)
                if token.lemma_.lower() in ("warn",) and _refusal(consequence, self.words):
                    continue  # "warned that she would not abandon ...": a stance, not a threat
                out += self._threat_records(ctx, actors, consequence)
        if out or warned and not (conditional or strong):
            return out
        actors = [p for p in (ctx.discourse.party(s.speaker) for _, s in ctx.statements) if p]
        actors = actors or ctx.parties_of_subject(ctx.sent.root)
        if not actors:
            return []
        warning = next((w for w in warned if _has_complement(w)), None)
        consequence = _consequence(ctx.sent, warning)
        if self._asked_of_others(consequence):
            return []  # "called on partners to cut trade if X refuses": a demand, not a threat
        return self._threat_records(ctx, actors, consequence)

    def _asked_of_others(self, consequence: Span) -> bool:
        """Whether the consequence is what the speaker asks others to do: an appeal verb with the
        clause it asks for ("called on partners to cut trade with X")."""
        return any(
            _listed(t.lemma_.lower(), (), self.words.appeal_verbs)
            and any(c.dep_ == "xcomp" for c in t.children)
            for t in consequence
        )

    def _punishments(self, ctx: _Sentence) -> list[Found]:
        """A party's promise to punish ("Brussels will hold the generals accountable with targeted
        sanctions", "we would make them pay"): a threat about sanctions where it names them,
        else about what it punishes, else (a reprisal) about the truce."""
        out = []
        for verb in ctx.sent:
            if not self._punishes(verb) or _in_condition(verb):
                continue
            clause = _clause(verb)
            issue = "sanctions" if _penalty(clause) else primary_issue(ctx.words(clause)) or "ceasefire"
            out += self._threat_records(ctx, ctx.parties_of_subject(verb), clause, issue)
        return out

    def _punishes(self, verb: Token) -> bool:
        """Whether ``verb`` is a punishment promised with "will"/"would": "will hold X accountable"
        (the parser may hang "accountable" on the object); not "make the process pay off"."""
        if verb.pos_ != "VERB" or not _modal(verb) or _negated(verb):
            return False
        lemma = verb.lemma_.lower()
        return any(
            (lemma, t.lower_) in self.words.punishment_phrases
            and not any(c.dep_ == "prt" for c in t.children)
            for t in _clause(verb)
        )

    def _threat_records(
        self, ctx: _Sentence, actors: list[str], consequence: Span, issue: str | None = None
    ) -> list[Found]:
        """One threat per actor: the issue of the threatened action (unless given); an unnamed use
        of force ("we'll attack", "it will be crushed", "respond adequately") threatens the truce."""
        # the threatened action's issue; else what the sentence says outside the condition ("X
        # must disband, warning that if it refuses it will be crushed"); else force threatens
        # the truce ("if they do not release the captives, we will strike with full force")
        issue = (
            issue or primary_issue(ctx.words(consequence)) or primary_issue(ctx.words_outside_conditions())
        )
        # force, or a strong warning of what may come ("our patience is running out and we may move in")
        warning = self.words.threat_strong.search(consequence.text) and any(
            t.tag_ == "MD" for t in consequence
        )
        if not issue and (self._forceful(consequence) or warning):
            issue = "ceasefire"
        issue = issue or primary_issue(ctx.words(ctx.sent))
        if not issue:
            return []
        deadline = self._deadline(ctx.text)
        targets = [p for p in ctx.parties_in(ctx.sent) if p not in actors]
        return [
            ctx.record(
                "threats",
                consequence,
                actor=a,
                issue=issue,
                target=targets,
                has_deadline=deadline is not None,
                deadline=deadline,
            )
            for a in dict.fromkeys(actors)
        ]

    def _forceful(self, span: Span) -> bool:
        """Whether ``span`` threatens force: a verb or noun of armed action ("attack", "strikes")."""
        return any(t.lemma_.lower() in self.words.force_words and t.pos_ == "VERB" for t in span) or bool(
            self.words.force_phrases.search(span.text)
        )

    def _ultimatum(self, ctx: _Sentence) -> list[Found]:
        """An ultimatum told without a modal: "X gave Y until Friday to accept the proposal", "the
        deadline set by X for Y to respond", "X started a 14-day countdown to restore the tariffs":
        a threat of X against Y, with a deadline."""
        for token in ctx.sent:
            lemma = token.lemma_.lower()
            if lemma in self.words.countdown_nouns and token.pos_ == "NOUN" and token.dep_ == "dobj":
                # "X started a 14-day countdown to restore the tariffs": the measure, on a clock
                measure = next(
                    (c for c in token.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None
                )
                if (
                    measure is None
                    or dates.parse_duration(ctx.sent.doc[token.left_edge.i : token.i + 1].text) is None
                ):
                    continue
                measured = _clause(measure)
                if not self.words.threat_phrases.search(measured.text):
                    continue
                actors = ctx.parties_of_subject(token.head)
                bloc = ctx.discourse.bloc_of(actors) if len(actors) > 1 else None
                actors = [bloc] if bloc else actors  # "Norway, Sweden and Finland launched": the Nordics
                issue = primary_issue(ctx.words(measured))
                if not actors or not issue:
                    continue
                targets = [p for p in ctx.parties_in(measured) if p not in actors]
                return [
                    ctx.record(
                        "threats",
                        measured,
                        actor=a,
                        issue=issue,
                        target=targets,
                        has_deadline=True,
                        deadline=ctx.sent.doc[token.left_edge.i : token.i + 1].text,
                    )
                    for a in dict.fromkeys(actors)
                ]
            if lemma == "give" and token.pos_ == "VERB":
                until = next(
                    (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("until", "till")), None
                )
                demand = next(
                    (c for c in token.subtree if c.dep_ in ("xcomp", "advcl", "relcl") and c.i > token.i),
                    None,
                )
                if until is None or demand is None:
                    continue
                actors = ctx.parties_of_subject(token)
                receiver = next((c for c in token.children if c.dep_ in ("dative", "dobj")), None)
            elif lemma in self.words.deadline_nouns and token.pos_ == "NOUN":
                setter = next(
                    (c for c in token.children if c.dep_ == "acl" and c.lemma_.lower() == "set"), None
                )
                agent = (
                    next((c for c in setter.children if c.dep_ == "agent"), None)
                    if setter is not None
                    else None
                )
                if agent is None:
                    continue
                actors = ctx.parties_in(ctx.sent.doc[agent.i : agent.right_edge.i + 1])
                # "set by X for Y to respond": the demand may hang on the verb or on the noun
                demand = next(
                    (
                        c
                        for c in [*setter.subtree, *token.children]
                        if c.dep_ in ("relcl", "advcl", "xcomp", "acl") and c.i > agent.i
                    ),
                    None,
                )
                if demand is None:
                    continue
                receiver = _subject_of(demand) or next(
                    (c for c in setter.children if c.dep_ == "prep" and c.lower_ == "for"), None
                )
            else:
                continue
            if not actors:
                continue
            targets = (
                [p for p in ctx.parties_in(ctx.sent.doc[receiver.left_edge.i : receiver.right_edge.i + 1])]
                if receiver is not None
                else []
            )
            demanded = _clause(demand)
            # the act demanded ("to accept the proposal") is what the talks hang on
            issue = primary_issue(ctx.words(demanded))
            if self.words.proposal_nouns.search(demanded.text) or not issue:
                issue = "mediation"
            deadline = self._deadline(ctx.text) or "deadline"
            return [
                ctx.record(
                    "threats",
                    ctx.sent,
                    actor=a,
                    issue=issue,
                    target=[t for t in targets if t != a],
                    has_deadline=True,
                    deadline=deadline,
                )
                for a in dict.fromkeys(actors)
            ]
        return []

    def _deadline(self, text: str) -> str | None:
        for start, _end, expr in dates.find_expressions(text):
            lowered = expr.lower()
            before = text[max(0, start - 8) : start].lower()
            if lowered.startswith(("by ", "within ", "in ")) or "by" in before or "in a few" in lowered:
                return expr
        if re.search(r"\b(?:deadline|ultimatum|within days|in a few days|by \w+day|noon)\b", text, re.I):
            m = re.search(
                r"\b(?:within days|in a few days|by [\w' ]+?(?:day|noon|o'clock)|noon)\b", text, re.I
            )
            return m.group(0) if m else "deadline"
        return None

    # -- violations ------------------------------------------------------------------------------
    def _violations(self, ctx: _Sentence) -> list[Found]:
        """Accusations: "X is violating ...", "accused X of shelling ...", "X's violations of the
        truce", "a breach of ...", "X has not honoured / failed to comply with / reneged on the
        deal", "allegations by X that Y laid mines ...", and acts of war a speaker reports ("the
        army said the rebels attacked first")."""
        out = []
        accusers = [p for p in (ctx.discourse.party(s.speaker) for _, s in ctx.statements) if p]
        words = self.words
        for token in ctx.sent:
            lemma = token.lemma_.lower()
            if lemma in words.violation_verbs and token.pos_ == "VERB":
                if _in_condition(token) or _negated(token) or _modal(token):
                    continue  # "if they violate it": a hypothesis, not an accusation
                if any(a.lemma_.lower() in ("accuse", "blame") for a in token.ancestors):
                    continue  # "accused Russia of violating": the accusation's own branch reads it
                accused = ctx.parties_of_subject(token)
                obj = next((c for c in token.children if c.dep_ == "dobj"), None)
                text = obj.subtree if obj is not None else []
                issue = violation_issue(" ".join(t.text for t in text))
                for a in accused:
                    accuser = next((p for p in accusers if p != a), None)
                    out.append(
                        ctx.record("violations", _clause(token), accused=a, issue=issue, accuser=accuser)
                    )
            elif lemma in ("accuse", "blame") and token.pos_ == "VERB":
                obj = next((c for c in token.children if c.dep_ == "dobj"), None)
                if obj is None:
                    continue
                # "accused the army and allied militias of ...": the parser may read "allied" as a
                # second verb of the accusation, with the militias its object and the charge theirs
                allied = [
                    c
                    for v in token.conjuncts
                    if v.lemma_.lower() == "ally" and _subject_of(v) is None
                    for c in v.children
                    if c.dep_ == "dobj"
                ]
                accused = []
                for named in (obj, *allied):
                    ref = ctx.discourse.resolve(named)
                    accused += [
                        ctx.discourse.party(i) or i for i in (ref.ids if ref else []) if i not in accused
                    ]
                accuser = (ctx.parties_of_subject(token) or accusers or [None])[0]
                charges = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "for")]
                charges = (
                    charges
                    or [
                        c
                        for o in (obj, *allied)
                        for c in o.subtree
                        if c.dep_ == "prep" and c.lower_ in ("of", "for")
                    ][:1]
                )
                for charge in charges:
                    if _intent_only(charge, words.intent_verbs):
                        continue  # "accused X of seeking to annex the valley": an aim, not a breach
                    for issue in _charge_issues(charge):
                        out += [
                            ctx.record("violations", charge, accused=a, issue=issue, accuser=accuser)
                            for a in accused
                            if a != accuser
                        ]
            elif token.lower_ in ("violations", "violation", "breach", "breaches") and token.pos_ == "NOUN":
                if _HYPOTHETICAL.search(ctx.text) or (
                    token.dep_ in ("nsubj", "nsubjpass") and _modal(token.head)
                ):
                    # "any crossing would be treated as a breach", "violations will draw a
                    # response": a warning, not an accusation
                    continue
                charge = _charge_of(token, words.charge_nouns)
                if charge is not None and _possessor(charge, ctx):
                    out += self._charged_breach(ctx, token, charge)
                    continue
                # the speaker accuses; in narration, who calls it so ("X slammed it, calling it a breach")
                accusers = accusers or self._callers(token, ctx)
                owner = _possessor(token, ctx)  # "Baku's violations", "its continued violations"
                if not accusers:
                    continue
                if owner and set(owner) <= set(accusers):
                    # a speaker's "its violations" is not about itself: the party named last before
                    owner = ctx.discourse.last_parties(token.i, count=1, exclude=set(accusers))
                accused = owner or [p for p in ctx.parties_in(ctx.sent) if p not in accusers]
                # the attacker already charged in this sentence ("militants fired ..., a violation")
                accused = accused or [f.fields["accused"] for f in out][:1]
                accused = accused or ctx.discourse.counterparts(accusers[0])[:1]
                accuser = next((p for p in accusers if p not in accused), None)
                for a in accused[:1]:
                    for issue in _breach_issues(token, ctx, words.pact_nouns):
                        out.append(
                            ctx.record("violations", ctx.sent, accused=a, issue=issue, accuser=accuser)
                        )
            elif lemma in words.compliance_verbs and token.pos_ == "VERB" and ctx.statements:
                # "Baku had not honoured the agreement", "X failed to comply with the truce"
                failed = token.dep_ == "xcomp" and token.head.lemma_.lower() in words.failure_verbs
                if (
                    not (lemma == "renege" or _negated(token) or failed)
                    or _in_condition(token)
                    or _modal(token)
                ):
                    continue
                duty = token.doc[token.i : token.right_edge.i + 1]
                if not words.undertaking_nouns.search(duty.text):
                    continue  # "did not meet the press": no undertaking named
                accused = ctx.parties_of_subject(token if _subject_of(token) is not None else token.head)
                accuser = next(iter(accusers), None)
                issue = violation_issue(ctx.words(duty))
                out += [
                    ctx.record("violations", duty, accused=a, issue=issue, accuser=accuser)
                    for a in accused
                    if a not in accusers
                ]
            elif lemma in words.charge_nouns and token.pos_ == "NOUN":
                out += self._alleged_acts(ctx, token, accusers)
            elif (
                lemma in words.attack_verbs
                and token.pos_ == "VERB"
                and accusers
                and ctx.in_statement(token)
                and not _stopped(token)
                and _reported_act(token)
            ):
                # "the navy said the insurgents had fired first": the speaker accuses the attacker
                # (the one whose words tell it, where a sentence holds two: "X accused Y of ...,
                # while Y said X had attacked first")
                tellers = [p for p in (ctx.discourse.party(s.speaker) for s in ctx.speakers_of(token)) if p]
                tellers = tellers or accusers
                attackers = ctx.parties_of_subject(token)
                subject = _subject_of(token)
                if not attackers and subject is not None:  # "gunmen shot at a patrol": the other side
                    others = ctx.discourse.counterparts(tellers[0])
                    if subject.lemma_.lower() in words.irregular_fighters:  # a group, not a mediator state
                        others = [p for p in others if ctx.discourse.kind(p) == "group"] or others
                    attackers = others[:1]
                for a in attackers:
                    if a not in tellers:
                        out.append(
                            ctx.record(
                                "violations",
                                _clause(token),
                                accused=a,
                                issue=violation_issue(ctx.words(_clause(token))),
                                accuser=tellers[0],
                            )
                        )
        return out

    def _charged_breach(self, ctx: _Sentence, breach: Token, charge: Token) -> list[Found]:
        """A breach named in a party's charge ("Serbia's allegations of breaches of the truce"): the
        owner of the charge accuses, and the one who answers it is accused ("Kosovo denied Serbia's
        allegations of breaches"), else the other party named."""
        accusers = _possessor(charge, ctx)
        answering = ctx.parties_of_subject(charge.head) if charge.dep_ == "dobj" else []
        others = [p for p in answering if p not in accusers]
        accused = (others or [p for p in ctx.parties_in(ctx.sent) if p not in accusers])[:1]
        return [
            ctx.record("violations", ctx.sent, accused=a, issue=issue, accuser=accusers[0])
            for a in accused
            for issue in _breach_issues(breach, ctx, self.words.pact_nouns)
        ]

    def _callers(self, noun: Token, ctx: _Sentence) -> list[str]:
        """The subject of the verb that calls ``noun`` what it is ("dubbing it a violation")."""
        for verb in noun.ancestors:
            if verb.pos_ == "VERB" and verb.lemma_.lower() in self.words.calling_verbs:
                return ctx.parties_of_subject(verb)
            if verb.pos_ == "VERB":
                return []
        return []

    def _alleged_acts(self, ctx: _Sentence, charge: Token, accusers: list[str]) -> list[Found]:
        """ "The allegations by X that mines were laid by Y": Y accused by X of the act."""
        agent = next((c for c in charge.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        act = next(
            (c for c in charge.children if c.dep_ in ("acl", "ccomp", "relcl") and c.pos_ == "VERB"), None
        )
        if act is None or act.lemma_.lower() not in self.words.attack_verbs | self.words.breach_acts:
            return []
        claimant = ctx.parties_in(ctx.sent.doc[agent.i : agent.right_edge.i + 1]) if agent is not None else []
        accuser = (claimant or accusers or [None])[0]
        doer = next((c for c in act.children if c.dep_ == "agent"), None)
        accused = (
            ctx.parties_in(ctx.sent.doc[doer.i : doer.right_edge.i + 1])
            if doer is not None
            else ctx.parties_of_subject(act)
        )
        clause = _clause(act)
        return [
            ctx.record(
                "violations", clause, accused=a, issue=violation_issue(ctx.words(clause)), accuser=accuser
            )
            for a in accused
            if a != accuser
        ]

    # -- meetings --------------------------------------------------------------------------------
    def _meetings(self, ctx: _Sentence, doc: Doc) -> list[Found]:
        """One meeting per meeting verb or noun that has a place (a city) or a date of its own.

        "X met Y on Friday and held talks with Z on Saturday at a Lisbon hotel" is two meetings:
        each verb takes the date in its own clause, the place of the sentence and its participants.
        A meeting still to come ("will meet in Geneva on May 2") and a signing ("the accord was
        signed in Lima on May 2") count when their own clause names both a city and a day; "the
        talks, which began Sunday" dates the talks last placed in the article.
        """
        out = []
        for cue in ctx.sent:
            lemma = cue.lemma_.lower()
            is_verb = lemma in self.words.meeting_verbs and cue.pos_ == "VERB"
            is_noun = cue.lower_ in self.words.meeting_nouns and cue.pos_ == "NOUN"
            is_signing = lemma in self.words.signing_verbs and cue.pos_ == "VERB"
            if not (is_verb or is_noun or is_signing) or _received(cue) or _said_about(cue):
                continue
            if lemma == "visit" and not _visits_party_or_place(cue, ctx):
                continue  # "visited returnees": not talks
            if _called_off(cue, self.words.meeting_cancelled):
                continue  # "cancelled the meeting with X"
            # the place and day of a signing may hang on the first of "was signed and witnessed"
            clause = doc[cue.left_edge.i : cue.right_edge.i + 1] if is_signing else _own_clause(cue)
            own_when = ctx.meeting_date(doc, clause, future=_planned(cue))
            own_place = ctx.place(clause)
            if (_planned(cue) or is_signing) and not (own_place and own_when):
                if is_signing and not _planned(cue):  # "signed the accord in Hungary on Friday"
                    sides = ctx.parties_of_subject(cue)
                    partial = self._partial_meeting(ctx, cue, clause, own_place, own_when, sides, False)
                    out += [(False, f) for f in partial]
                continue  # a wish, a plan or a signing without a city and a day tells no meeting apart
            when = own_when
            # a time of the cue's own ("talks that lasted until June") leaves the day unknown; one
            # of a clause inside it ("talks on the dispute that began in 1999") does not
            own_times = [e for e in ctx.times(clause) if _governs(_governing_verb(e.root), cue)]
            if when is None and not any(ctx.is_time(doc, e) for e in own_times):
                when = ctx.meeting_date(doc, ctx.sent, governing=cue)
            if when is None and is_noun and (act := _act_followed(cue)) is not None:
                when = ctx.meeting_date(doc, ctx.sent, governing=act)  # "issued Monday (...) after talks"
            # "agreed at talks in Oslo last spring": a time of the clause the cue is in
            timed = any(
                ctx.is_time(doc, e) for e in ctx.times(ctx.sent) if _governs(_governing_verb(e.root), cue)
            )
            if own_place is None and is_noun and own_when and _definite(cue) and ctx.last_place:
                own_place = ctx.last_place  # "the talks, which opened Friday": the talks told before
            place = None if own_place else ctx.place(governing=cue)  # "speaking in Vilnius at a forum"
            borrowed = place is not None and own_when is None
            own_place = own_place or place
            participants = _not_in_purposes(ctx, clause)
            if not is_verb and len(participants) < 2:  # "Tehran's talks" with the sentence's other side
                participants += _not_in_purposes(ctx, ctx.sent)
            subject = ctx.parties_of_subject(cue) if not is_noun else []
            subj_token = _subject_of(cue) if not is_noun else None
            if subj_token is not None:  # "Delegations from Ghana and Togo met"
                subject += ctx.parties_in(ctx.sent.doc[subj_token.left_edge.i : subj_token.right_edge.i + 1])
            participants = list(dict.fromkeys(subject + participants))
            if len(participants) < (2 if is_noun else 1) or (own_place is None and (when is None or is_noun)):
                partial = self._partial_meeting(ctx, cue, clause, own_place, when, participants, timed)
                out += [(False, f) for f in partial]
                continue  # a meeting is between parties, and needs a place or a day to be told apart
            if own_place is None and lemma not in ("meet", "talk"):
                continue
            fields = {"place": own_place, "date": when, "participants": participants}
            merging = {_COUNTRY: None, _PARTIAL: False, _DAY_UNSAID: when is None and not timed}
            found = ctx.record("meetings", clause, **fields, **merging)
            out.append((borrowed, found))
        # "held rounds of talks since March, but the talks in Vienna on Friday ...": the city named
        # with one meeting is not lent to another of the same sentence
        own_places = {f.fields["place"] for borrowed, f in out if not borrowed}
        return [f for borrowed, f in out if not (borrowed and f.fields["place"] in own_places)]

    def _partial_meeting(
        self,
        ctx: _Sentence,
        cue: Token,
        clause: Span,
        place: str | None,
        when: str | None,
        participants: list[str],
        timed: bool,
    ) -> list[Found]:
        """What a meeting word tells short of a meeting: its day and the country it was in ("the
        round opened in Switzerland on Tuesday"), or its city alone ("a ceremony in Bern"; ``timed``: its
        own words give a time, if not a day). Kept only to complete a report of the same talks told
        elsewhere in the article (``_merge_meetings``)."""
        country = ctx.country(ctx.sent, governing=cue) if place is None else None
        if not ((country and when) or (place and when is None and not timed)):
            return []
        fields = {"place": place, "date": when, "participants": participants}
        return [
            ctx.record(
                "meetings", clause, **fields, **{_COUNTRY: country, _PARTIAL: True, _DAY_UNSAID: not timed}
            )
        ]


def _captions(text: str, credit_line: re.Pattern[str]) -> list[tuple[int, int]]:
    """The character ranges of the lines just above a photo credit line ("Image: AGENCY/Name")."""
    out = []
    for credit in credit_line.finditer(text):
        end = text.rfind("\n", 0, credit.start())
        if end > 0:
            start = text.rfind("\n", 0, end - 1) + 1
            out.append((start, end))
    return out


def _plan_stances(
    stances: list[Found], speakers: set[str | None], planner: str | None, phased: bool
) -> tuple[list[Found], str | None]:
    """A statement that lays out a plan in steps goes on with its terms ("The statement added that
    aid must reach all areas"): while the sentences are its speaker's alone, the speaker's stances
    there are proposals. Returns the sentence's stances and who is laying out a plan after it."""
    planner = planner if speakers == {planner} else None
    stances = [
        _as_proposal(p) if p.kind == "positions" and p.fields["party"] == planner else p for p in stances
    ]
    if phased and len(speakers) == 1:  # the sentence's own phased stances made proposals (_positions)
        proposers = [
            p.fields["proposer"]
            for p in stances
            if p.kind == "proposals" and p.fields["proposer"] in speakers
        ]
        planner = proposers[0] if proposers else planner
    return stances, planner


def _penalty(consequence: Span) -> bool:
    """Whether a consequence is a penalty: what it names is about sanctions (tariffs, embargoes)."""
    return "sanctions" in specific_issues(consequence.text)


def _as_proposal(position: Found) -> Found:
    """A stance of a party read as a term it proposes."""
    fields = {
        "proposer": position.fields["party"],
        "issue": position.fields["issue"],
        "text": position.fields["text"],
    }
    return Found("proposals", fields, position.evidence, position.statement)


def _told_as_undertaking(position: Found, commitments: list[Found]) -> bool:
    """Whether a stance of a party is told in the words of its undertaking on the same issue."""
    return any(
        (c.fields["party"], c.fields["issue"]) == (_party_of_stance(position), position.fields["issue"])
        and any(a < d and c_ < b for a, b in position.evidence for c_, d in c.evidence)
        for c in commitments
    )


def _told_as_threat(position: Found, threats: list[Found]) -> bool:
    """Whether a stance or undertaking of a party is what its threat threatens: the same issue named in the
    threatened action ("warned it would walk away from the talks"). A demand beside the warning
    ("X must disarm, warning that if it refuses it will be crushed") stays a stance."""
    return any(
        (t.fields["actor"], t.fields["issue"]) == (_party_of_stance(position), position.fields["issue"])
        and primary_issue(t.fields["text"]) == t.fields["issue"]
        for t in threats
    )


def _called_off(cue: Token, cancelling: frozenset[str]) -> bool:
    """A meeting cancelled or put off: "cancelled the meeting", "the summit was postponed"."""
    head = cue.head if cue.dep_ in ("dobj", "nsubjpass") else None
    return head is not None and head.lemma_.lower() in cancelling


def _received(cue: Token) -> bool:
    """ "The plan was met with dismay": a passive "met" is how something was received."""
    return any(c.dep_ == "auxpass" for c in cue.children) and cue.lemma_.lower() == "meet"


def _said_about(cue: Token) -> bool:
    """ "We talked about the statute", "he has been talking to the premier": speaking of a subject or on
    the phone; talks are held "with" someone."""
    preps = {c.lower_ for c in cue.children if c.dep_ == "prep"}
    return cue.lemma_.lower() == "talk" and cue.pos_ == "VERB" and "with" not in preps


def _visits_party_or_place(cue: Token, ctx: _Sentence) -> bool:
    """A visit is talks when what is visited is a party, a person or a place ("visited Lisbon")."""
    visited = next((c for c in cue.children if c.dep_ == "dobj"), None)
    if visited is None:
        return True
    span = cue.doc[visited.left_edge.i : visited.i + 1]  # the visited, without what is said of them
    return bool(ctx.discourse.mentions_in(span.start, span.end)) or any(
        e.label_ in ("GPE", "PERSON", "ORG") for e in ctx.ents_in(span)
    )


_TIME_LABELS = frozenset({"DATE", "TIME"})
# Through these a date or place hangs on its verb ("met on Thursday at a Lisbon hotel").
_ADJUNCT_DEPS = frozenset({"npadvmod", "pobj", "prep", "compound", "nmod"})  # "Earlier in the day" is a TIME
_DAY_NUMBER = re.compile(r"\d")

# Fields of a meeting report read only while reports are merged: the country it was in, that it is
# partial (a day without a city, or a city without a day or parties), and that its words give no
# time at all ("talks in Oslo", not "talks in Oslo last spring").
_COUNTRY, _PARTIAL, _DAY_UNSAID = "country", "partial", "day_unsaid"

#: The longest run of days ("talks held from March 3-7") told as one meeting, dated by its first day.
MEETING_SPAN_DAYS = 14

#: Nouns after a city that make it the venue of talks ("a Lisbon hotel").
_VENUES = frozenset(
    {"hotel", "palace", "talks", "meeting", "summit", "venue", "residence", "conference", "session", "round"}
)


def _planned(cue: Token) -> bool:
    """A meeting still to come or only wished for ("are due to meet", "will meet", "hoped to speak")."""
    aux = {c.lower_ for c in cue.children if c.dep_ in ("aux", "auxpass")}
    return bool(aux & {"will", "would", "to", "shall", "'ll"}) or cue.dep_ == "xcomp"


def _not_in_purposes(ctx: _Sentence, span: Span) -> list[str]:
    """The parties named in ``span`` outside its purposes ("talks in Oslo to settle the dispute over
    Kosovo": what the meeting is for, not who meets)."""
    inside = {
        i
        for t in span
        if t.dep_ == "advcl" and t.pos_ == "VERB" and _infinitive(t)
        for i in range(t.left_edge.i, t.right_edge.i + 1)
    }
    if not inside:
        return ctx.parties_in(span)
    doc, outside, run = span.doc, [], []
    for i in [*range(span.start, span.end), None]:  # the runs of the span outside the purposes
        if i is not None and i not in inside:
            run.append(i)
        elif run:
            outside += ctx.parties_in(doc[run[0] : run[-1] + 1])
            run = []
    return [p for p in ctx.parties_in(span) if p in outside]


def _own_clause(cue: Token) -> Span:
    """The clause of a meeting word without the clauses coordinated after it."""
    doc = cue.doc
    if cue.pos_ == "NOUN":
        return doc[cue.left_edge.i : cue.right_edge.i + 1]
    right = cue.i
    for child in cue.rights:
        if child.dep_ in ("conj", "cc") or (child.dep_ == "advcl" and child.i > cue.i + 1):
            break
        right = max(right, child.right_edge.i)
    left = min([cue.i] + [c.left_edge.i for c in cue.lefts if c.dep_ not in ("nsubj", "nsubjpass")])
    return doc[left : right + 1]


@dataclass
class _Plan:
    """The plan an article is describing: its proposer and the paragraph it was last described in."""

    proposer: str | None = None
    paragraph: int = -1
    active: bool = False
    issues: list[str] = field(default_factory=list)  # its terms' issues, main one first


_CHARGES = frozenset(
    {
        "accusation",
        "accusations",
        "allegation",
        "allegations",
        "claim",
        "claims",
        "report",
        "reports",
        "charge",
        "charges",
        "reading",
    }
)


def _denial(sent: Span, words: Any) -> bool:
    """A sentence whose main verb denies an act or rejects an accusation or a report (not a proposal),
    or that denies the blame for something ("the responsibility for X cannot be placed on Y")."""
    if any(t.lemma_.lower() == "deny" and t.dep_ in ("ROOT", "ccomp", "conj") for t in sent):
        return True
    if any(
        t.lemma_.lower() in words.blame_nouns and t.dep_ in ("nsubj", "nsubjpass") and _negated(t.head)
        for t in sent
    ):
        return True
    denying = ("reject", "deny", "dismiss", "dispute")
    return any(
        (t.dep_ == "dobj" and t.lower_ in _CHARGES and t.head.lemma_.lower() in denying)
        # "..., an accusation Minsk rejected": the charge the denying clause is about
        or (t.dep_ == "relcl" and t.head.lower_ in _CHARGES and t.lemma_.lower() in denying)
        for t in sent
    )


def _definite(noun: Token) -> bool:
    return any(c.lower_ in ("the", "this", "that") for c in noun.children)


def _introduces_terms(noun: Token) -> bool:
    """ "Under the plan, ...", "According to the text of the plan, ...": the sentence lays out terms."""
    for ancestor in noun.ancestors:
        if (
            ancestor.lower_ in ("under", "according")
            or (
                ancestor.lower_ == "part"
                and any(a.lower_ == "as" for a in ancestor.ancestors)  # "as part of"
            )
            or (ancestor.lower_ == "to" and ancestor.head.lower_ == "according")
        ):
            return True
        if ancestor.pos_ == "VERB":
            return False
    return False


def _describes_terms(sent: Span) -> bool:
    """A sentence whose main verb is a plan's conditional ("Lima would free", "the militia is to")."""
    root = sent.root
    verbs = [root, *[c for c in root.children if c.dep_ in ("conj", "ccomp")]]
    for verb in verbs:
        aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if "would" in aux or ("is" in aux or "are" in aux) and any(c.dep_ == "xcomp" for c in verb.children):
            return True
        if verb.lemma_ == "be" and any(c.dep_ == "xcomp" and c.tag_ == "VB" for c in verb.children):
            return True
    return False


def _ents_by_sentence(doc: Doc, sentences: list[Span]) -> dict[int, list[Span]]:
    """The entities of each sentence by its number (as ``Span.ents``: those wholly inside it)."""
    found: dict[int, list[Span]] = {}
    ents = doc.ents
    k = 0
    for number, sent in enumerate(sentences):
        while k < len(ents) and ents[k].start < sent.start:
            k += 1
        while k < len(ents) and ents[k].start < sent.end:
            if ents[k].end <= sent.end:
                found.setdefault(number, []).append(ents[k])
            k += 1
    return found


class _Sentence:
    """One sentence with its statements and helpers to read parties, places and dates from it."""

    def __init__(
        self,
        sent: Span,
        number: int,
        paragraph: int,
        statements: list[tuple[int, Attribution]],
        discourse: Discourse,
    ):
        self.sent = sent
        self.number = number
        self.statements = statements
        self.discourse = discourse
        self.text = sent.text
        self._masked: str = sent.doc.user_data["parley_masked"]
        self.last_date: str | None = None
        self.last_place: str | None = None
        self.last_pact_issue: str | None = None
        self._times: list[Span] | None = None
        self._named_pacts: list[tuple[Token, str]] | None = None
        self.paragraph = paragraph
        self.ents: list[Span] = []  # the sentence's entities (Span.ents would scan the whole doc)

    def ents_in(self, span: Span) -> list[Span]:
        """The sentence's entities that lie within ``span`` (a part of the sentence)."""
        return [e for e in self.ents if e.start >= span.start and e.end <= span.end]

    def words(self, span: Span) -> str:
        """The text of ``span`` with place names standing for governments blanked out, so that
        "Port Moresby" says nothing about ports and "North Sea" only where it is not a name."""
        return self._masked[span.start_char : span.end_char]

    def words_outside_conditions(self) -> str:
        """The sentence's words (as :meth:`words`) without its "if"/"unless" clauses."""
        root = self.sent.root
        return " ".join(
            self._masked[t.idx : t.idx + len(t)] for t in self.sent if not _inside_condition_clause(t, root)
        )

    def in_statement(self, token: Token) -> bool:
        """Whether ``token`` is inside what one of this sentence's speakers said."""
        return bool(self.speakers_of(token))

    def speakers_of(self, token: Token) -> list[Attribution]:
        """The statements of this sentence whose words hold ``token``."""
        return [
            s
            for _, s in self.statements
            if s.content and s.content[0] <= token.i < s.content[1] and token.i not in range(*_cue_tokens(s))
        ]

    def issue(
        self,
        span: Span,
        head: Token | None = None,
        specific: bool = False,
        undertaking: bool = False,
        bare: bool = True,
    ) -> str | None:
        """The issue a record read from ``span`` is about: of the issue words in it, a specific one
        before a generic one, and among those the word nearest to ``head`` (the predicate; by default
        the span's root) in the dependency tree, then the earlier. "agreed to a humanitarian truce" is
        about the truce its verb governs, not the modifier that happens to come first. For an
        ``undertaking`` a time phrase ("following a ceasefire, X will ...") says when, not what; for a
        stance it may be the demand itself ("will not stop until X is disarmed")."""
        head = head if head is not None else span.root
        best: tuple[tuple[int, int, int], str] | None = None
        for start, end, tier, issue in issue_mentions(self.words(span)):
            if (specific and tier) or (tier == _BARE_TIER and not bare):
                continue
            first, last = span.start_char + start, span.start_char + end
            tokens = [t for t in span if t.idx < last and t.idx + len(t) > first]
            if tier == _BARE_TIER and issue == "political_settlement" and _named(tokens[-1]):
                issue = (
                    "other"  # "the Nile treaty": a standing treaty of its own, not the settlement talked of
                )
            elif tier == _BARE_TIER:
                # "welcomed the agreement": the one named before, in this sentence or an earlier one
                before = [i for pact, i in self.named_pacts() if pact.right_edge.i < tokens[0].i]
                issue = (before[-1] if before else None) or self.last_pact_issue or issue
            if undertaking and all(_in_time_phrase(t, head) for t in tokens):
                continue  # "following a ceasefire, X will ...": when, not what
            depth = min(_tree_distance(t, head) for t in tokens)
            if best is None or (tier, depth, start) < best[0]:
                best = ((tier, depth, start), issue)
        return best[1] if best else None

    def named_pacts(self) -> list[tuple[Token, str]]:
        """The pacts this sentence names whose own words say what they are about ("the agreement on
        prisoner exchanges", "the Danube deal"), in order, with that issue: a bare "the agreement"
        after one, in this sentence or a later one, is about it (read once a sentence)."""
        if self._named_pacts is None:
            pacts = negotiation_words().pact_nouns
            self._named_pacts = []
            for token in self.sent:
                if token.pos_ == "NOUN" and token.lemma_.lower() in pacts:
                    phrase = token.doc[token.left_edge.i : token.right_edge.i + 1]
                    issue = self.issue(phrase, token, bare=False)
                    if issue:
                        self._named_pacts.append((token, issue))
        return self._named_pacts

    def token_at(self, offset: int) -> Token | None:
        char = self.sent.start_char + offset
        for token in self.sent:
            if token.idx <= char < token.idx + len(token):
                return token
        return None

    def record(self, kind: str, span: Any, **fields: Any) -> Found:
        span = span if isinstance(span, Span) and len(span) else self.sent
        while len(span) > 1 and (span[-1].is_space or span[-1].text in ",;"):
            span = span[:-1]  # evidence ends at the words, not at a line break or a comma
        evidence = [(span.start_char, span.end_char)]
        statement = self.statements[0][0] if self.statements else None
        fields.setdefault("text", span.text.strip())
        return Found(kind, fields, evidence, statement)

    def parties_of_subject(self, verb: Token) -> list[str]:
        """Parties named by the subject of ``verb`` (following conjunctions, xcomp and relative clauses)."""
        subject = None
        node = verb
        for _ in range(4):
            subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if (
                subject is not None
                or node.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "acomp", "pcomp")
                or node.head.i == node.i
            ):
                break
            # "after meeting allies": the preposition's head holds the subject
            node = node.head.head if node.dep_ == "pcomp" else node.head
        if subject is None and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ == "PROPN":
            subject = verb.head  # "the talks stalled over Oslo insisting on ...": the noun it modifies
        if subject is None:
            return []
        outer = _subject_of(node.head) if node.dep_ == "ccomp" else None
        if subject.lower_ in ("it", "they") and outer is not None and outer.pos_ in ("PROPN", "NOUN"):
            return self.parties_named_by(outer)  # "Moldova made clear it would not accept ...": Moldova
        parties = self.parties_named_by(subject)
        # a subject borrowed from the speaker of the words the verb is in
        reported = node.i != verb.i and any(_names_speaker(s, subject) for _, s in self.statements)
        if reported and parties and set(parties) <= self.discourse.mediators():
            # '"Agreed to meet again," the mediator wrote': the sides agreed, the go-between reports
            return self.discourse.sides(verb.i)
        return parties + [p for p in self._parties_beside(subject) if p not in parties] if parties else []

    def _parties_beside(self, subject: Token) -> list[str]:
        """The parties of a coordinated subject that the parser hung on its head rather than
        coordinating them: "The EU and Mali's junta" (the EU a modifier of junta), "Peruvian
        and Chilean officials". Only through modifier and coordination arcs with no preposition:
        "the rebels in Chad" names no second party."""
        found = []
        for token in subject.subtree:
            node = token
            while (
                node.i != subject.i
                and node.dep_ in _SUBJECT_MODIFIERS
                and not any(c.dep_ == "case" for c in node.children)
            ):
                node = node.head
            if token.i == subject.i or node.i != subject.i:
                continue
            mention = self.discourse.mention_at(token)
            if mention is None or mention.kb_id_.startswith("outlet:"):
                continue
            if mention.label_ == "demonym" and not (
                token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children)
            ):
                continue  # "the Colombian group ELN": where the group is from, not a second party
            party = self.discourse.party(mention.kb_id_)
            if party and self.discourse.kind(party) in ("state", "group", "body", "bloc"):
                found.append(party)
        return found

    def parties_named_by(self, subject: Token) -> list[str]:
        """Parties a subject or possessor stands for: a name, "both sides", a speaker's pronoun,
        the examples of a class ("countries like Spain and Greece", "states such as A and B")."""
        named = [p for p in map(self.discourse.party, self.discourse.examples(subject)) if p]
        if named:
            return list(dict.fromkeys(named))
        if subject.lower_ in ("two", "both", "sides") or (
            subject.lower_ in PAIR_NOUNS and any(c.lower_ in ("two", "both", "the") for c in subject.children)
        ):
            # "both countries agreed": the two sides, not the mediator reporting it (a speaker the
            # article names as one of a pair is a side: "Okafor said the two nations would"; so are the
            # speakers the phrase itself names: "both sides confirmed the truce")
            paired = self.discourse.paired()
            reporting = (s for _, s in self.statements if not _names_speaker(s, subject))
            speakers = {self.discourse.party(s.speaker) for s in reporting} - paired
            return self.discourse.sides(subject.i, exclude=speakers)
        stands_for_speaker = subject.lower_ in ("they", "we", "it", "he", "she", "i") or (
            subject.lower_ in cues().anaphors["state"]
            and any(c.lower_ == "the" for c in subject.children)
            # not "the Kenyan government" in a Somali speaker's sentence: the state it names
            and not any(
                self.discourse.mention_at(c) is not None
                for c in subject.lefts
                if c.dep_ in ("amod", "compound")
            )
        )
        if stands_for_speaker and self.statements:
            # in reported speech a pronoun subject is the speaker: "X and Y said they were ready to"
            told = [s for _, s in self.statements if s.content and s.content[0] <= subject.i < s.content[1]]
            # "it" is no person: "the envoy praised the accord and said it would ease" is the deal,
            # or what the article's reference rules make of it
            person = subject.lower_ == "it" and any(_a_person(s, subject.doc) for s in told)
            speakers = [self.discourse.party(s.speaker) for s in told]
            if speakers and all(speakers) and not person:
                return list(dict.fromkeys(speakers))
        ref = self.discourse.resolve(subject)
        if ref is None:
            return []
        parties = [self.discourse.party(i) for i in ref.ids]
        return [p for p in dict.fromkeys(parties) if p]

    def parties_in(self, span: Span) -> list[str]:
        parties = []
        for m in self.discourse.mentions_in(span.start, span.end):
            if m.kb_id_.startswith("outlet:"):
                continue
            if (
                m.label_ == "metonym"
                and m.start > 0
                and m.doc[m.start - 1].lower_ in ("in", "at", "from", "to")
            ):
                continue  # "met in Lisbon": the place, not the Portuguese government
            p = self.discourse.party(m.kb_id_)
            if p and self.discourse.kind(p) in ("state", "group", "body", "bloc"):
                parties.append(p)
        return list(dict.fromkeys(parties))

    def proposer(self, noun: Token) -> str | None:
        """Who a plan belongs to: "the U.S. proposal", "Lula's plan", "an EU-backed proposal",
        "a proposal by A, B and C" (a bloc when they are its members), "X presented a proposal"."""
        for token in noun.subtree:
            if token.i >= noun.i:
                break
            m = self.discourse.mention_at(token)
            if m is not None and not m.kb_id_.startswith("outlet:"):
                return self.discourse.party(m.kb_id_)
            if "-" in token.text:  # "U.S.-backed", "Egyptian-brokered"
                for actor_id in self.discourse.registry.lookup(token.text.split("-")[0]):
                    return self.discourse.party(actor_id) or actor_id
        agent = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
        if agent is None:  # "a plan drawn up by Brussels", "a plan drafted between A and B"
            agent = next((a for a in _participle_agents(noun, negotiation_words().proposal_verbs)), None)
        if agent is not None:
            parties = self.parties_in(self.sent.doc[agent.i : agent.right_edge.i + 1])
            if parties:
                return self.discourse.bloc_of(parties) or parties[0]
        head = noun.head
        if noun.dep_ in ("dobj", "pobj") and head.pos_ in ("VERB", "ADP"):
            verb = head if head.pos_ == "VERB" else head.head
            if verb.lemma_.lower() in negotiation_words().proposal_verbs:
                parties = self.parties_of_subject(verb)
                return parties[0] if parties else None
        return None

    def place(self, within: Span | None = None, governing: Token | None = None) -> str | None:
        """A city named with "in"/"at" (or "a Lisbon hotel", "at Vienna's Hofburg Palace", "at the
        White House" for its city): not a country, not an actor. With ``governing``, only a place
        of a clause ``governing`` is in (not "..., telling reporters in Nairobi")."""
        span = within if within is not None else self.sent
        venues = negotiation_words().venue_cities
        for ent in self.ents:
            if ent.label_ not in ("GPE", "FAC", "ORG") or ent.start < span.start or ent.end > span.end:
                continue
            if governing is not None and not _governs(_governing_verb(ent.root), governing):
                continue
            before = ent.start - 1
            if before >= span.start and self.sent.doc[before].lower_ == "the":
                before -= 1  # "at the White House"
            located = before >= 0 and self.sent.doc[before].lower_ in ("in", "at")
            if not located and not (ent.root.dep_ == "compound" and ent.root.head.lower_ in _VENUES):
                continue
            building = ent.text.removeprefix("the ").lower()
            if building in venues:
                return venues[building]
            if ent.label_ == "ORG" or (ent.label_ == "FAC" and "'s " not in ent.text):
                continue  # a building or body with no city named in it
            capital = ent.label_ == "GPE" and any(
                m.label_ == "metonym" for m in self.discourse.mentions_in(ent.start, ent.end)
            )
            if not capital and not self._is_city(ent.text):
                continue  # "in Brussels" is where they met, though "Brussels" elsewhere stands for the EU
            return ent.text.removeprefix("the ").split("'s ")[0]  # "Oslo's Akershus Fortress"
        return None

    def country(self, within: Span, governing: Token) -> str | None:
        """A state named as where something ``governing`` tells took place ("talks opened in Norway")."""
        for m in self.discourse.mentions_in(within.start, within.end):
            if (
                m.label_ in ("name", "alias")
                and m.start > 0
                and self.sent.doc[m.start - 1].lower_ == "in"
                and self.discourse.kind(m.kb_id_) == "state"
                and _governs(_governing_verb(m.root), governing)
            ):
                return m.kb_id_
        return None

    def _is_city(self, text: str) -> bool:
        for actor_id in self.discourse.registry.lookup(text):
            actor = self.discourse.registry.get(actor_id)
            if actor is not None and (actor.kind != "state" or text in (actor.name, *actor.aliases)):
                return False  # a country, a group or a person, not a place of talks
        return True

    def meeting_date(
        self, doc: Doc, within: Span, future: bool = False, governing: Token | None = None
    ) -> str | None:
        """The day named in ``within``, resolved against the publication date (a bare weekday of
        a ``future`` meeting ahead of it) and, for "the same day", the last day named before; of a
        span of days ("March 3-7"), the first. With ``governing``, only a date of a clause
        that ``governing`` is in ("said on Tuesday that the talks ...", not "..., but told
        reporters Monday")."""
        for ent in self.times(within):
            if governing is not None and not _governs(_governing_verb(ent.root), governing):
                continue
            value = self._resolve(doc, ent, future)
            if value.precision == "day":
                return value.iso()
            if value.precision == "range" and value.start and value.end and _DAY_NUMBER.search(ent.text):
                if (value.end - value.start).days <= MEETING_SPAN_DAYS:  # not "mid-June", "last weekend"
                    return value.start.isoformat()
        return None

    def times(self, within: Span) -> list[Span]:
        """The time expressions in ``within``: the model's DATE and TIME entities, and the ones
        it missed that parley.dates reads ("Earlier in the day the envoy met ...")."""
        return [t for t in self._sentence_times() if t.start >= within.start and t.end <= within.end]

    def _sentence_times(self) -> list[Span]:
        if self._times is None:  # read once per sentence: every meeting cue asks
            times = [e for e in self.ents if e.label_ in _TIME_LABELS]
            for start, end, _ in dates.find_expressions(self.text):
                span = self.sent.doc.char_span(
                    self.sent.start_char + start, self.sent.start_char + end, alignment_mode="expand"
                )
                if span is None:
                    continue
                # "Earlier in the day" read whole, where the model saw only "the day"
                times = [e for e in times if not (span.start <= e.start and e.end <= span.end)]
                if not any(e.start < span.end and span.start < e.end for e in times):
                    times.append(span)
            self._times = times
        return self._times

    def is_time(self, doc: Doc, ent: Span) -> bool:
        """A date entity that names a time ("in October", "last week"), not a duration ("two weeks")."""
        return self._resolve(doc, ent).precision != "unknown"

    def _resolve(self, doc: Doc, ent: Span, future: bool = False) -> dates.DateValue:
        return dates.resolve(ent.text, doc.user_data.get("published"), future=future, anchor=self.last_date)


def _governs(verb: Token, cue: Token) -> bool:
    """Whether a date or place hanging on ``verb`` is told of ``cue``: the verb is the cue, one of
    its heads, or a meeting verb coordinated with one ("met X on Sunday and held talks ... at a
    Lisbon hotel"; not "hosted talks, but told reporters on Monday")."""
    meeting = negotiation_words().meeting_verbs
    heads = [cue, *cue.ancestors]
    return any(verb.i == h.i or (verb in h.conjuncts and verb.lemma_.lower() in meeting) for h in heads)


def _governing_verb(token: Token) -> Token:
    """The verb a date or place hangs on ("said on Tuesday": said), through its preposition."""
    node = token
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i and node.dep_ in _ADJUNCT_DEPS:
        node = node.head
    return node


def _addressed(ctx: _Sentence, verb: Token) -> list[str]:
    """The parties an appeal verb is addressed to, when they are two or more ("urged A and B to",
    "called on A and B to"); none for one party or none named."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [
        g
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "on"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    found: list[str] = []
    for obj in objects:
        found += ctx.parties_in(obj.doc[obj.left_edge.i : obj.right_edge.i + 1])
    found = list(dict.fromkeys(found))
    return found if len(found) >= MIN_ADDRESSED_SIDES else []


#: an appeal to this many named parties or more is one put to the sides of a conflict
MIN_ADDRESSED_SIDES = 2


def _a_person(statement: Attribution, doc: Doc) -> bool:
    """Whether a statement's speaker is a person: named ("person:" ids) or told by a title alone
    ("the Norwegian envoy", "the foreign minister"), which the reference rules resolve to a state."""
    if (statement.speaker or "").startswith(_PERSON):
        return True
    if statement.speaker_span is None:
        return False
    phrase = doc.text[statement.speaker_span[0] : statement.speaker_span[1]].lower().rstrip(" ,.")
    return any(phrase == t or phrase.endswith(" " + t) for t in cues().titles)


# the id prefix of people: a person is never "it"
_PERSON = "person:"

#: Where a stance noun is itself what the sentence tells (subject, object, apposition), not a reason.
_TOLD = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "appos", "ROOT"})


def _governed_items(word: Token) -> list[Span]:
    """What a stance word governs, one span per coordinated item, when it governs more than one:
    "rejected the land swap and the troop cap", "did not agree to a truce and a summit"."""
    # "urged Kyiv and Moscow to halt strikes": what is urged is the clause, not the parties urged
    objects = [c for c in word.children if c.dep_ in ("xcomp", "ccomp")]
    objects += [
        g for c in word.children if c.dep_ == "prep" for g in c.children if g.dep_ in ("pobj", "pcomp")
    ]
    objects += [c for c in word.children if c.dep_ == "dobj"]
    for head in objects:
        if head.pos_ == "PROPN":
            continue
        items = [head, *head.conjuncts]
        if len(items) > 1:
            return [_own_clause(item) if item.pos_ == "NOUN" else _clause(item) for item in items]
    return []


def _qualifies_its_object(verb: Token) -> bool:
    """A verb in a relative clause or a participle whose object is the noun it qualifies: "the
    land swap, which Baku rejected", "the truce proposal welcomed by Kyiv" (not "the envoy, who
    rejected the plan", which has an object of its own)."""
    relative = ("WDT", "WP")  # "which", "that", "who": the noun qualified
    return (
        verb.dep_ in ("relcl", "acl")
        and verb.head.pos_ == "NOUN"
        and not any(
            c.dep_ in ("dobj", "xcomp", "ccomp", "nsubjpass") and c.tag_ not in relative
            for c in verb.children
        )
        and not any(c.dep_ == "nsubj" and c.tag_ in relative for c in verb.children)
    )


def _listed_issues(ctx: _Sentence, clause: Span) -> list[str]:
    """The specific issues of the items of a list of nouns in ``clause``, each read from its own
    words ("the return of refugees and a pullback of troops": humanitarian, troop withdrawal)."""
    out = []
    for noun in clause:
        if noun.pos_ != "NOUN" or noun.dep_ == "conj" or _in_condition(noun):
            continue  # not "if they refuse a truce and an end to the shelling, ...": a condition
        for item in (noun, *noun.conjuncts) if noun.conjuncts else ():
            if item.pos_ == "NOUN" and clause.start <= item.i < clause.end:
                issue = ctx.issue(_item_words(item), item, specific=True)
                out += [issue] if issue else []
    return out


def _item_words(noun: Token) -> Span:
    """A noun with its modifiers, without the items coordinated with it."""
    kept = [c for c in noun.children if c.dep_ not in ("cc", "conj", "punct")]
    start = min([noun.i] + [c.left_edge.i for c in kept])
    end = max([noun.i] + [c.right_edge.i for c in kept])
    return noun.doc[start : end + 1]


def _participle_agents(noun: Token, verbs: frozenset[str]) -> list[Token]:
    """The agent phrases ("by X", "between A and B") of participles of ``verbs`` qualifying ``noun``."""
    return [
        c
        for acl in noun.children
        if acl.dep_ == "acl" and acl.lemma_.lower() in verbs
        for c in acl.children
        if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "between")
    ]


#: Prepositions and markers of a phrase that says when an undertaking applies, not what it is.
def _act_followed(cue: Token) -> Token | None:
    """The act that a meeting noun is told as coming before: in "the statement issued yesterday by
    the Trio (A, B and C) following talks in X" the parser, past the parenthesis, hangs "following"
    on the main verb; the participle or relative clause that ends right before the preposition is
    the act done after the talks, so its day is theirs. None where the preposition is no time word
    or no such clause ends there."""
    prep = cue.head
    if cue.dep_ != "pobj" or prep.lower_ not in _AFTER_WORDS:
        return None
    before = prep.i - 1
    while before >= 0 and cue.doc[before].is_punct:
        before -= 1
    for token in cue.sent:
        if token.dep_ in ("acl", "relcl") and token.pos_ == "VERB" and before <= token.right_edge.i < prep.i:
            if not _governs(token, prep):
                return token
    return None


# time words that put a meeting before the act they qualify ("issued after talks in X")
_AFTER_WORDS = frozenset({"after", "following"})

_TIME_WORDS = frozenset({"after", "following", "before", "until", "upon", "once", "since"})


def _in_time_phrase(token: Token, head: Token) -> bool:
    """Whether ``token`` is inside a time phrase ("after the truce", "once fighting stops") that
    modifies the way from ``head`` down to it."""
    node = token
    while node.i != head.i and node.head.i != node.i:
        if node.dep_ == "prep" and node.lower_ in _TIME_WORDS:
            return True
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _TIME_WORDS for c in node.children):
            return True
        node = node.head
    return False


def _refers_back(clause: Span) -> bool:
    """Whether a clause's object is a pronoun standing for something named before it ("continue them")."""
    return any(t.dep_ in ("dobj", "pobj") and t.pos_ == "PRON" and t.lower_ in ("it", "them") for t in clause)


def _tree_distance(token: Token, head: Token) -> int:
    """Edges between two tokens of a sentence in its dependency tree."""
    up = {token.i: 0}
    for steps, node in enumerate(token.ancestors, 1):
        up[node.i] = steps
    if head.i in up:
        return up[head.i]
    for steps, node in enumerate(head.ancestors, 1):
        if node.i in up:
            return steps + up[node.i]
    return len(up) + sum(1 for _ in head.ancestors)


def _proviso(sent: Span, clause: Span) -> Token | None:
    """ "provided (that) X ..." after an undertaking, read as a marker with a clause, not as the
    participle of "aid provided by the UN"."""
    for token in sent[clause.start - sent.start : -1]:
        if (
            token.lower_ in ("provided", "providing")
            and token.dep_ in ("prep", "mark", "advmod", "advcl", "cc")
            and token.nbor().lower_ not in ("by", "to", "for", "with", "in")
            and token.nbor(-1).text == ","  # ", provided Baku did the same"
        ):
            return token
    return None


def _condition_before(clause: Span) -> Token | None:
    """The marker of a condition put before an undertaking's clause and hanging on its verb ("If
    calm holds, the two sides will resume talks"): the clause read alone leaves it out."""
    return next(
        (
            m
            for c in clause.root.children
            if c.dep_ == "advcl" and c.i < clause.start
            for m in c.children
            if m.dep_ == "mark" and m.lower_ in ("if", "unless", "once")
        ),
        None,
    )


def _refused(word: Token) -> bool:
    """A negated verb, or a negated readiness ("was not willing to", "is not ready to")."""
    return _negated(word) or (word.dep_ == "acomp" and _negated(word.head))


def _questioned(verb: Token) -> bool:
    """A verb in an indirect question ("did not disclose whether it would sign"): not asserted."""
    node = verb
    while node.head.i != node.i:
        if any(c.dep_ == "mark" and c.lower_ == "whether" for c in node.children):
            return True
        node = node.head
    return False


def _contrasts(verb: Token) -> list[Token]:
    """The clauses told beside ``verb`` with "while"/"whereas" and a subject of their own."""
    return [
        c
        for c in verb.children
        if c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in ("while", "whereas") for m in c.children)
        and _subject_of(c) is not None
    ]


def _before_contrast(verb: Token) -> Span:
    """The clause of ``verb`` up to a "while" clause of another subject (see ``_contrasts``)."""
    clause = _clause(verb)
    starts = [c.left_edge.i for c in _contrasts(verb)]
    end = min([clause.end, *starts])
    while end - 1 > verb.i and clause.doc[end - 1].is_punct:
        end -= 1
    return clause.doc[clause.start : end]


def _duty(be: Token) -> Token | None:
    """The verb of "X is to VERB" / "X are to VERB" (what a deal binds X to), or None; not "it is
    important to note" (an adjective says how it is, no one is bound)."""
    if any(c.dep_ == "acomp" for c in be.children):
        return None
    for child in be.children:
        if child.dep_ == "xcomp" and child.pos_ == "VERB" and _infinitive(child):
            return child
    return None


def _wished(verb: Token) -> bool:
    """An infinitive or modal commitment verb: asked of someone or hypothetical, not agreed."""
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if aux & {"would", "could", "might", "should", "must"}:
        return True
    if verb.tag_ == "VB" and verb.dep_ == "ccomp" and not aux and _subject_of(verb) is not None:
        return True  # "demanded that Minsk accept the monitors": a subjunctive, what is asked
    return "to" in aux and verb.head.lemma_.lower() not in ("be", "ready", "prepared", "willing")


def _stopped(verb: Token) -> bool:
    """An act that is being stopped, refrained from or denied ("agreed to stop striking")."""
    for node in (verb, verb.head):
        if _negated(node) or node.lemma_.lower() in (
            "stop",
            "halt",
            "cease",
            "refrain",
            "end",
            "deny",
            "suspend",
        ):
            return True
    return False


def _subject_of(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _cue_tokens(statement: Attribution) -> tuple[int, int]:
    return statement.cue_tokens or (0, 0)


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _in_condition(token: Token) -> bool:
    node = token
    while node.dep_ != "ROOT" and node.head.i != node.i:
        if any(
            c.lower_ in _CONDITION_WORDS and c.dep_ in ("mark", "advmod", "aux") and not _modal_should(c)
            for c in node.children
        ):
            return True
        node = node.head
    return False


def _modal_should(word: Token) -> bool:
    """ "Should" as a modal ("the pact should protect the border"), not the condition of an inverted
    clause ("should talks fail, ..."), where it comes before the subject."""
    subject = _subject_of(word.head)
    return word.lower_ == "should" and (subject is None or subject.i < word.i)


def _clause(token: Token) -> Span:
    """The clause a verb heads, without coordinated clauses after it."""
    doc = token.doc
    left = token.left_edge.i
    right = token.i
    for child in token.rights:
        if child.dep_ in ("conj", "cc") and child.pos_ in ("VERB", "AUX", "CCONJ"):
            break
        right = max(right, child.right_edge.i)
    return doc[left : right + 1]


def _coordinated(span: Span) -> list[Span]:
    """The coordinated clauses of a span ("A, but B"), each without the others; one when none."""
    roots = [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]
    reported = cues().report_verbs
    roots = [
        next((c for c in r.children if c.dep_ == "ccomp"), r) if r.lemma_.lower() in reported else r
        for r in roots
    ]
    verbs = [
        v
        for r in roots
        for v in (r, *r.conjuncts)
        if v.pos_ in ("VERB", "AUX") and span.start <= v.i < span.end
    ]
    verbs = sorted({v.i: v for v in verbs}.values(), key=lambda v: v.i)
    if len(verbs) < 2:
        return [span]
    return [_clause(v) for v in verbs]


def _shares_modal(verb: Token) -> bool:
    """Whether a coordinated verb takes the modal of the verb before it ("should exercise restraint
    and uphold the deal"): a bare verb with no subject or modal of its own, beside a verb that has
    a modal and is not in a subordinate clause ("only after Serbia ended the raids and withdrew")."""
    head = verb.head
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VB"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "mark") for c in verb.children)
        and any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)
        and head.dep_ != "advcl"
        and not any(c.dep_ == "mark" for c in head.children)
    )


def _object_clauses(verb: Token) -> list[Span]:
    """What a commitment verb commits to, one span per coordinated clause ("to halt X and not attack Y")."""
    heads = [
        c
        for c in verb.children
        # an infinitive may be parsed as an adverbial clause ("commit to cease fighting")
        if (c.dep_ in ("xcomp", "ccomp", "dobj", "prep", "pcomp") or (c.dep_ == "advcl" and _infinitive(c)))
        and c.lower_ not in ("that", "it", "this", "so")
    ]
    if any(h.dep_ in ("xcomp", "advcl") for h in heads):
        heads += [v for v in _stray_infinitives(verb) if v not in heads]
    out = []
    for head in heads:
        if head.dep_ == "prep" and head.lower_ not in ("to", "on"):
            continue
        out.append(_clause(head))
        pobj = next((c for c in head.children if c.dep_ == "pobj"), None) if head.dep_ == "prep" else None
        for conj in pobj.conjuncts if pobj is not None else ():
            out.append(_clause(conj))  # "agreed to a truce and the demobilisation of ..."
        for conj in head.conjuncts:
            if conj.i > head.i and conj.pos_ in ("VERB", "NOUN"):
                out.append(_clause(conj))
    return out or [_clause(verb)]


def _stray_infinitives(verb: Token) -> list[Token]:
    """Infinitives the parser hangs on ``verb`` as its conjuncts, though they go on the list of what
    it takes: "commit to stop all shelling, reopen the markets and return the displaced", "welcomed their
    commitment to observe the truce, free detainees and hold elections" (bare verbs, no subject)."""
    return [
        v
        for conj in verb.children
        if conj.dep_ == "conj" and conj.tag_ == "VB" and _subject_of(conj) is None
        for v in (conj, *conj.conjuncts)
        if v.i >= conj.i and v.tag_ == "VB"
    ]


def _infinitive(verb: Token) -> bool:
    """A verb with "to" before it ("to cease fighting")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _proposal_terms(noun: Token) -> Span | None:
    """The words that describe a plan's terms: what it is a plan of ("a disarmament plan"), its
    modifiers and relative clause."""
    right = [c for c in noun.rights]
    if right:
        kind = [c.i for c in noun.lefts if c.dep_ in ("compound", "amod")]  # not "the U.S." proposer
        return noun.doc[min(kind, default=noun.i) : right[-1].right_edge.i + 1]
    return None


def _all_issues(text: str) -> list[str]:
    """The terms a plan's description names: every specific issue, else its main generic one."""
    named = specific_issues(text)
    if named:
        return named
    issue = primary_issue(text)
    return [issue] if issue else []


def _consequence(sent: Span, warning: Token | None = None) -> Span:
    """The main clause of a conditional sentence (what will happen), without the condition;
    for "X warned that ..." what X warned of."""
    root = (
        next(c for c in warning.children if c.dep_ in ("ccomp", "xcomp"))
        if warning is not None
        else sent.root
    )
    reported = [c for c in root.children if c.dep_ in ("ccomp", "parataxis")]
    if root.lemma_.lower() in cues().report_verbs and reported:
        root = reported[0]  # '"If ..., the ceasefire will end," he said': what was said
    parts = [t for t in root.subtree if not _inside_condition_clause(t, root)]
    if not parts:
        return sent
    # the longest run of words outside the condition ("that, if ..., the gates will be opened")
    return _longest_run(sent, parts)


def _conditioned(sent: Span) -> Span | None:
    """What an "if"/"unless" clause of ``sent`` conditions: the clause it hangs on, without it
    ("if they fire again, we will strike back": "we will strike back")."""
    for token in sent:
        if token.dep_ == "mark" and token.lower_ in ("if", "unless") and token.head.dep_ == "advcl":
            main = token.head.head
            parts = [t for t in main.subtree if not _inside_condition_clause(t, main)]
            return _longest_run(sent, parts) if parts else None
    return None


def _longest_run(sent: Span, tokens: list[Token]) -> Span:
    """The longest run of consecutive ``tokens`` (in order), as a span."""
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and runs[-1][-1].i == token.i - 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    run = max(runs, key=len)
    return sent.doc[run[0].i : run[-1].i + 1]


def _has_complement(verb: Token) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)


def _danger_only(warning: Token, words: Any) -> bool:
    """ "The WHO warned of a cholera outbreak", "warned that the region was close to famine": a
    danger foreseen, not a threat; unless what is warned of is a response or a consequence
    ("warned of a swift response"), or what is warned will or would happen ("warned that it would")."""
    complement = next((c for c in warning.children if c.dep_ == "ccomp"), None)
    if complement is not None and warning.lemma_.lower() == "warn":
        told = warning.doc[complement.left_edge.i : complement.right_edge.i + 1]
        # what could happen counts too ("warned they could build a bomb"), though "could" binds no one
        future = any(
            t.lower_ in _MODALS or t.lower_ in ("going", "could", "might", "may", "ca") for t in told
        )
        return not future and not words.threat_strong.search(told.text)
    if _has_complement(warning):
        return False
    of = next((c for c in warning.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return False
    warned_of = warning.doc[of.i : of.right_edge.i + 1]
    return not words.threat_strong.search(warned_of.text) and not words.threat_phrases.search(warned_of.text)


def _exchanged(
    ctx: _Sentence, region: Span, parties: list[str], others: list[str], issue: str
) -> dict[str, str]:
    """The issue of each party to an undertaking made with ``others`` (the other side named with
    "with"): "a deal with the militia to halt the raids in return for a halt to attacks on convoys"
    binds the subject to what comes before "in return for" and the other side to what follows it."""
    issues = dict.fromkeys(parties, issue)
    exchange = next(
        (
            t
            for t in region
            if t.lower_ in ("return", "exchange")
            and t.head.lower_ == "in"
            and any(c.lower_ == "for" for c in t.children)
        ),
        None,
    )
    if exchange is None or not others:
        return issues
    doc = region.doc
    own = ctx.issue(doc[region.start : exchange.head.i], undertaking=True)
    given = ctx.issue(doc[exchange.i + 1 : exchange.right_edge.i + 1], undertaking=True)
    return {p: (given if p in others else own) or issue for p in issues}


def _self_described(verb: Token) -> bool:
    """ "which calls itself an army", "considers itself a civic movement": what one is, not a stance."""
    return any(c.dep_ == "dobj" and c.lower_ in _REFLEXIVES for c in verb.children)


_REFLEXIVES = frozenset({"itself", "themselves", "himself", "herself", "ourselves", "myself"})


def _imperative(span: Span) -> bool:
    """Whether ``span`` holds a command, a clause opening on its verb in the base form with no
    subject ("Stop the attacks", "Please do not break it"): in a speaker's words, a demand."""
    doc = span.doc
    for verb in span:
        if verb.tag_ != "VB" or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
            continue
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ != "do" for c in verb.children):
            continue  # "to stop", "will stop": not a command
        start = min([verb.i] + [c.i for c in verb.lefts])
        if start > 0 and doc[start - 1].text in ('"', ".", ":", "!", ";"):
            return True
    return False


def _act_of_force(verb: Token, words: Any) -> bool:
    """Whether ``verb`` is an act of force, not negated: "attack", "strike", "resume attacks"."""
    lemma = verb.lemma_.lower()
    if lemma not in words.force_words or _negated(verb):
        return False
    if lemma in words.force_by_object:
        return any(c.dep_ == "dobj" and c.lemma_.lower() in words.force_words for c in verb.children)
    return True


def _refusal(consequence: Span, words: Any) -> bool:
    """A warning that one will not do something, with no condition and no force: a stance."""
    root = consequence.root
    return (
        _negated(root)
        and not _CONDITION_PHRASES.search(consequence.text)
        and not words.threat_strong.search(consequence.text)
    )


def _inside_condition_clause(token: Token, root: Token) -> bool:
    node = token
    while node.i != root.i and node.head.i != node.i:
        if node.dep_ in ("advcl", "conj") and any(c.lower_ in _CONDITION_WORDS for c in node.children):
            return True
        node = node.head
    return False


def _modal(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _MODALS | {"might", "may", "can"} for c in verb.children)


def _floated_term(root: Token) -> bool:
    """What a party suggests as a term: a thing ("floated a monitoring mission"), an act ("suggested
    holding talks") or what a deal could hold ("suggested the accord might include a swap")."""
    if root.dep_ == "dobj" or (root.dep_ == "xcomp" and root.tag_ == "VBG"):
        return True
    # "could" and "should" too, which ``_modal`` leaves out: a possibility is what is floated
    return _modal(root) or any(c.dep_ == "aux" and c.lower_ in ("could", "should") for c in root.children)


def _reported_act(verb: Token) -> bool:
    """An act told as done ("the rebels attacked", "had fired"), not one wished, feared or dated
    by another ("to refrain from striking", "would attack", "two months after X bombed Y")."""
    if verb.tag_ not in ("VBD", "VBN", "VBZ", "VBP") or _modal(verb) or _in_condition(verb):
        return False
    return not any(c.dep_ == "mark" and c.lower_ in _TIME_MARKS for c in verb.children)


_TIME_MARKS = frozenset({"after", "since", "before", "when", "until", "once", "while"})


def _intent_only(charge: Token, intent_verbs: frozenset[str]) -> bool:
    """ "accused X of seeking / plotting / planning to ...": an aim charged, not a breach."""
    act = next((c for c in charge.children if c.dep_ in ("pcomp", "pobj")), None)
    return act is not None and act.lemma_.lower() in intent_verbs


def _charge_of(breach: Token, charge_nouns: frozenset[str]) -> Token | None:
    """The charge noun a breach is named in: "allegations of breaches", "claims of violations"."""
    prep = breach.head
    if breach.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_.lower() in charge_nouns:
        return prep.head
    return None


def _possessor(noun: Token, ctx: _Sentence) -> list[str]:
    """The party a noun belongs to: "Baku's violations", "its violations" (resolved)."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        return []
    ref = ctx.discourse.resolve(owner)
    parties = [ctx.discourse.party(i) for i in (ref.ids if ref else [])]
    return [p for p in dict.fromkeys(parties) if p]


def _breach_issues(noun: Token, ctx: _Sentence, pact_nouns: frozenset[str]) -> list[str]:
    """What a violation breaches: each undertaking of "a violation of the truce and the deal to free
    the hostages"; a sovereignty breached is territory; a named treaty with no issue, other."""
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if pobj is None or not (
        primary_issue(ctx.words(_clause(pobj))) or _breached_issue(pobj, "") != "ceasefire"
    ):
        return [
            violation_issue(ctx.words(ctx.sent))
        ]  # "a violation of the agreement": the sentence tells which
    issues = []
    # "of the truce and the deal to ...", "of the truce and of the pact to ...": each undertaking
    heads = [pobj, *pobj.conjuncts]
    heads += [c for p in of.conjuncts for c in p.children if c.dep_ == "pobj"]
    for head in heads:
        words = ctx.words(
            head.doc[head.left_edge.i : head.i + 1] if head.conjuncts and head is pobj else _clause(head)
        )
        issues.append(_breached_issue(head, words))
    # the parser often joins the second undertaking to the breach itself ("a breach of the truce and
    # the pact to swap detainees" read as "breach and pact", "to swap" left with the breach):
    # the undertaking runs to the end of the breach's phrase
    for head in noun.conjuncts:
        if head.lemma_.lower() in pact_nouns:
            end = max(head.right_edge.i, noun.right_edge.i)
            issues.append(_breached_issue(head, ctx.words(head.doc[head.left_edge.i : end + 1])))
    return list(dict.fromkeys(issues))


def _named(pact: Token) -> bool:
    """A pact named by a proper noun before it: "the Nile Basin Treaty", "the Indus treaty"."""
    return any(t.pos_ == "PROPN" for t in pact.lefts if t.dep_ in ("compound", "amod", "nmod"))


def _breached_issue(head: Token, words: str) -> str:
    if head.lemma_.lower() in ("sovereignty", "integrity", "airspace", "border", "borders"):
        return "territory"
    # "the Nile Basin Treaty": a capitalised name with proper nouns in it
    named = head.text[:1].isupper() and _named(head)
    issue = violation_issue(words)
    if named and issue == "ceasefire" and {i for _, i in issues_in(words)} <= {"other"}:
        return "other"  # "a breach of the X Waters Treaty": not a truce
    return issue


def _charge_issues(charge: Token) -> list[str]:
    """Issues of each coordinated charge in "accusing X of A, B and C", and of each act a charge
    lists ("of breaking its word by delaying A, shooting at B and blocking C")."""
    pieces = []
    pobj = next((c for c in charge.children if c.dep_ in ("pobj", "pcomp")), None)
    if pobj is None:
        return [violation_issue(charge.doc[charge.i : charge.right_edge.i + 1].text)]
    acts = [
        t
        for t in charge.subtree
        if t.tag_ == "VBG"
        and t.i != pobj.i
        and (
            (t.dep_ == "pcomp" and t.head.lower_ == "by")
            or (t.dep_ in ("advcl", "conj") and t.head.tag_ == "VBG")
        )
    ]
    for head in [pobj, *pobj.conjuncts, *acts]:
        pieces.append(violation_issue(_clause(head).text))
    return list(dict.fromkeys(pieces))


def _pact_named(subject: Token | None, pact_nouns: frozenset[str]) -> Token | None:
    """The pact a subject names: a pact noun, or "it" after one in its sentence ("the truce has held,
    and it will be observed")."""
    if subject is None:
        return None
    if subject.lemma_.lower() in pact_nouns:
        return subject
    if subject.lower_ != "it":
        return None
    return next(
        (t for t in reversed(subject.doc[subject.sent.start : subject.i]) if t.lemma_.lower() in pact_nouns),
        None,
    )


def _names_the_sides(subject: Token | None) -> bool:
    """Whether a subject names the two sides as such: "the two sides", "both parties", "the parties"."""
    return subject is not None and (
        subject.lower_ == "both"
        or subject.lower_ in PAIR_NOUNS
        and any(c.lower_ in ("two", "both", "the") for c in subject.children)
    )


def _names_speaker(statement: Attribution, subject: Token) -> bool:
    """Whether ``subject`` is (in) the phrase naming the statement's speaker."""
    span = statement.speaker_span
    return span is not None and span[0] <= subject.idx < span[1]


def _trim_attribution(ctx: _Sentence) -> Span:
    """The content of a sentence's statement (or the whole sentence in narration)."""
    for _, st in ctx.statements:
        if st.content:
            return ctx.sent.doc[st.content[0] : st.content[1]]
    return ctx.sent


def _complete_meetings(meetings: list[Found], registry: ActorRegistry) -> list[Found]:
    """The meetings whose day a partial report gives: "the round opened in Switzerland on Tuesday"
    dates the one meeting the article places in a city of that country and tells no time of ("the
    Geneva session"; a city the registry knows as another state's capital is not in it). Partial
    reports are then dropped."""
    placed = [m for m in meetings if m.fields["place"] and m.fields[_DAY_UNSAID]]
    for dated in [m for m in meetings if m.fields[_COUNTRY] and m.fields["date"]]:
        country = dated.fields[_COUNTRY]
        targets = [m for m in placed if _city_of(m.fields["place"], country, registry)]
        if len({m.fields["place"] for m in targets}) != 1:
            continue
        for target in targets:
            target.fields["date"] = dated.fields["date"]
            target.fields[_PARTIAL] = target.fields[_DAY_UNSAID] = False
            target.fields["participants"] = list(
                dict.fromkeys(dated.fields["participants"] + target.fields["participants"])
            )
            target.evidence += dated.evidence
    complete = [m for m in meetings if not m.fields[_PARTIAL]]
    for m in complete:
        del m.fields[_COUNTRY], m.fields[_PARTIAL], m.fields[_DAY_UNSAID]
    return complete


def _city_of(city: str, country: str, registry: ActorRegistry) -> bool:
    """Whether ``city`` may be in ``country``: not the capital of another state."""
    for actor_id in registry.lookup(city):
        actor = registry.get(actor_id)
        if actor is not None and actor.kind == "state" and city in actor.metonyms:
            return actor_id == country
    return True


def _merge_meetings(found: list[Found], registry: ActorRegistry) -> list[Found]:
    """One meeting per place: a dated and an undated report of the same place are one meeting."""
    meetings = _complete_meetings([f for f in found if f.kind == "meetings"], registry)
    others = [f for f in found if f.kind != "meetings"]
    merged: list[Found] = []
    for m in meetings:
        same = next(
            (
                x
                for x in merged
                if x.fields["place"]
                and x.fields["place"] == m.fields["place"]
                and (not x.fields["date"] or not m.fields["date"] or x.fields["date"] == m.fields["date"])
            ),
            None,
        )
        if same is None:
            merged.append(m)
            continue
        same.fields["date"] = same.fields["date"] or m.fields["date"]
        same.fields["participants"] = list(
            dict.fromkeys(same.fields["participants"] + m.fields["participants"])
        )
        same.evidence += m.evidence
    # "X and Y met on Friday" and "at the meeting in Washington, X and Y ...": one meeting, when
    # a dated one without a place and a placed one without a date share two participants
    for dated in [m for m in merged if not m.fields["place"] and m.fields["date"]]:
        placed = [
            m
            for m in merged
            if m.fields["place"]
            and not m.fields["date"]
            and len(set(m.fields["participants"]) & set(dated.fields["participants"])) >= 2
        ]
        if len(placed) == 1:
            placed[0].fields["date"] = dated.fields["date"]
            placed[0].fields["participants"] = list(
                dict.fromkeys(placed[0].fields["participants"] + dated.fields["participants"])
            )
            placed[0].evidence += dated.evidence
            merged.remove(dated)
    return others + merged


@Language.factory("parley_negotiation", default_config={"actor_files": []})
def make_negotiation(nlp: Language, name: str, actor_files: list[str]) -> Negotiation:
    """Factory of the ``parley_negotiation`` component."""
    return Negotiation(tuple(actor_files))
