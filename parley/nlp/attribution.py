"""The ``parley_attribution`` component: reported speech, its speaker and the chain it came through.

For every sentence it finds attribution cues — a report verb with its subject ("Okafor said",
"..., the Kremlin added", "accusing Baku of"), "according to X", "X told OUTLET", "citing X",
a belief adjective ("the source is concerned that") — resolves the speaker with
:class:`~parley.nlp.reference.Discourse`, and writes :class:`Attribution` objects to
``doc._.statements`` (in reading order). It also carries attribution across sentences: a quote that
continues into the next sentence, and "X reports this, citing Y" attributing the sentence before.
The article's own narration gets no statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parley.nlp.lexicon import cues
from parley.nlp.mentions import registry_for
from parley.nlp.pipeline import is_markup_quote
from parley.nlp.reference import Discourse, Referent, written_by

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "parataxis", "advcl", "prep", "pcomp", "acomp", "oprd", "attr")
_DEMONSTRATIVES = frozenset({"this", "that", "it", "so"})
_QUOTES = '"'


@dataclass
class Attribution:
    """One statement: a span of text, who said it, through whom, and how."""

    start: int  # character offsets of the statement in the text
    end: int
    speaker: str
    via: list[str] = field(default_factory=list)
    direct: bool = False
    hedged: bool = False
    speaker_span: tuple[int, int] | None = None
    cue_span: tuple[int, int] | None = None
    sentence: int = 0  # index of the sentence in the doc
    covers_previous: bool = False  # "X reports this": it also attributes the sentence before
    content: tuple[int, int] | None = None  # token range [start, end) of what was said
    cue_tokens: tuple[int, int] | None = None  # token range of the cue


if not Doc.has_extension("statements"):
    Doc.set_extension("statements", default=None)
if not Doc.has_extension("discourse"):
    Doc.set_extension("discourse", default=None)


@dataclass
class _Cue:
    token: Token  # the cue word (verb, "according", adjective)
    referent: Referent
    span: tuple[int, int]  # token range of the cue phrase
    via: list[str] = field(default_factory=list)
    belief: bool = False
    demonstrative: bool = False  # "X reports this": attributes the sentence before
    vouches: bool = False  # "according to X": X stands behind the whole sentence
    vague: bool = False  # "according to media reports": no one in particular


class Attributor:
    """Finds statements sentence by sentence, remembering speakers across sentences."""

    def __init__(self, actor_files: tuple[str, ...]) -> None:
        self.registry = registry_for(actor_files)
        self.words = cues()
        self.according: dict[str, list[tuple[str, ...]]] = {}  # first word -> phrases
        for phrase in self.words.according_to:
            self.according.setdefault(phrase[0], []).append(phrase)
        self.phrase_verbs = frozenset(verb for verb, _ in self.words.report_phrases)
        self.title_words = frozenset(w for title in self.words.titles for w in title.split())

    def __call__(self, doc: Doc) -> Doc:
        discourse = Discourse(doc, self.registry)
        statements: list[Attribution] = []
        sentences = list(doc.sents)
        text = doc.text  # built once: spaCy joins the tokens anew on every access
        quoted = _quoted(sentences)
        label: tuple[int, list[str]] | None = None  # "Quote from X:" just before: (sentence, speakers)
        for number, sent in enumerate(sentences):
            if number == 0 and _is_headline(sent):
                continue  # a headline repeats the story's first sentence in telegraph style
            signer = self._signature(sent, discourse, text)
            if signer is not None:  # "Tomas Varga Minister of Interior": the paragraph above is his
                statements = self._signed(signer, sentences, number, statements, text)
                continue
            found = [
                s
                for s in self._sentence(sent, number, discourse, quoted)
                if _has_words(text[s.start : s.end])
            ]
            labelled = self._quote_label(sent, discourse)
            if labelled is not None:
                label = (number, labelled)
            elif not found and label is not None and label[0] == number - 1 and sent.text.startswith('"'):
                found = [_whole(sent, number, speaker, direct=True) for speaker in label[1]]
            if not found:
                found = self._quote_continuation(sent, number, statements)
            for st in found:
                if (
                    st.covers_previous
                    and number > 0
                    and not any(s.sentence == number - 1 for s in statements)
                ):
                    prev = _trimmed(sentences[number - 1])
                    statements.append(
                        replace(
                            st,
                            start=prev.start_char,
                            end=prev.end_char,
                            sentence=number - 1,
                            content=None,
                            direct=st.direct or '"' in text[prev.start_char : prev.end_char],
                        )
                    )
            statements.extend(found)
            for st in found:
                # after everything said in the sentence
                discourse.heard(sent.end - 1, st.speaker, one_source=_one_source(doc, st))
        doc._.statements = sorted(statements, key=lambda s: (s.start, s.speaker))
        doc._.discourse = discourse
        return doc

    # -- one sentence ------------------------------------------------------------------------
    def _sentence(self, sent: Span, number: int, discourse: Discourse, quoted: set[int]) -> list[Attribution]:
        found = [
            c
            for c in (self._cue(tok, sent, discourse) for tok in sent if tok.i not in quoted)
            if c is not None
        ]  # a report verb inside quotation marks is part of what was said
        found = _drop_nested(_outlets_as_channel(found))
        according = [c for c in found if c.vouches]
        if according and all(c.vague for c in according) and len(according) < len(found):
            # "According to media reports, X expressed ...": the named speakers, not the vague source
            found = [c for c in found if not c.vouches]
        elif according:  # "According to X, Y told the room that ...": X vouches for the whole sentence
            found = according
        citing = [c for c in found if c.token.lemma_.lower() in self.words.citing]
        if citing:  # "The Tribune reports this, citing two Gulf officials": the cited speak, via the Tribune
            outer = [c for c in found if c not in citing]
            for c in citing:
                c.via = [i for o in outer for i in o.referent.ids if i.startswith("outlet:")] + c.via
                c.demonstrative = any(o.demonstrative for o in outer)
            found = citing
        out: list[Attribution] = []
        regions = _regions(found, sent)
        for cue, (start, end) in zip(found, regions, strict=True):
            span = sent.doc[start:end]
            text = span.text
            hedged = cue.belief or any(t.lower_ in self.words.hedge_words for t in span)
            for speaker in cue.referent.ids:
                if any((o.start, o.end, o.speaker) == (span.start_char, span.end_char, speaker) for o in out):
                    continue  # two cues of one speaker on one span ("accused X ... and said"): one statement
                out.append(
                    Attribution(
                        start=span.start_char,
                        end=span.end_char,
                        speaker=speaker,
                        via=list(dict.fromkeys(cue.via + cue.referent.via)),
                        direct=any(q in text for q in _QUOTES),
                        hedged=hedged,
                        speaker_span=(cue.referent.span.start_char, cue.referent.span.end_char),
                        cue_span=(
                            sent.doc[cue.span[0]].idx,
                            sent.doc[cue.span[1] - 1].idx + len(sent.doc[cue.span[1] - 1]),
                        ),
                        sentence=number,
                        covers_previous=cue.demonstrative,
                        content=(start, end),
                        cue_tokens=cue.span,
                    )
                )
        return out

    def _cue(self, token: Token, sent: Span, discourse: Discourse) -> _Cue | None:
        words = self.words
        lemma = token.lemma_.lower()
        for phrase in self.according.get(token.lower_, ()):  # "according to X", "as reported by X", "per X"
            end = token.i + len(phrase)
            if end <= sent.end and [t.lower_ for t in sent.doc[token.i : end]] == list(phrase):
                target = next((c for c in sent.doc[end - 1].children if c.dep_ == "pobj"), None)
                ref = discourse.resolve(target) if target is not None else None
                vague = (
                    ref is not None and ref.ids == ["anon"] and target.lemma_.lower() in words.document_nouns
                )
                return _Cue(token, ref, (token.i, end), vouches=True, vague=vague) if ref else None
        if token.pos_ == "ADJ" and lemma in words.belief_cues:
            subj = _subject(token.head if token.dep_ == "acomp" else token)
            if subj is not None and any(c.dep_ in ("ccomp", "prep", "xcomp") for c in token.children):
                ref = discourse.resolve(subj)
                return _Cue(token, ref, (token.i, token.i + 1), belief=True) if ref else None
            return None
        if token.pos_ not in ("VERB", "AUX"):
            return None
        phrase = lemma in self.phrase_verbs and any(
            (lemma, c.lower_) in words.report_phrases for c in token.children
        )
        if not (lemma in words.report_verbs or lemma in words.belief_cues or lemma in words.citing or phrase):
            return self._colon_quote(token, sent, discourse)
        relative = _relative_speaker(token)
        clause_on_noun = token.dep_ == "acl" and token.head.pos_ == "NOUN" and _subject(token) is not None
        if (token.dep_ == "relcl" and relative is None) or clause_on_noun:
            return None  # a clause about a thing ("a pact that Ankara says it mediated") is background
        children = list(token.children)
        if any(c.dep_ == "neg" for c in children):
            return None  # "X did not say whether": nothing was said
        # "the deal was announced by X" reports X; "the plan announced by X", "after it was
        # announced by X" only name where something came from
        agent = _agent(token) if token.dep_ in ("ROOT", "conj") else None
        subj = relative or agent or _subject(token)
        if subj is None or (token.dep_ == "conj" and discourse.resolve(subj) is None):
            # "..., reported the Kathimerini daily": the speaker follows; but "Russia struck ports,
            # accused Kyiv ..." keeps the subject it shares with the first verb
            subj = self._inverted_subject(token, sent, discourse) or subj
        if subj is None:
            subj = self._issuer(token)
        if subj is None:
            return None
        if any(c.dep_ == "dobj" and c.lower_ == "other" for c in children):
            return None  # "accused each other": the narrator's summary of two accounts
        objects = [c for c in children if c.dep_ == "dobj"]
        naming = any(c.dep_ == "oprd" for c in children) or any(
            c.dep_ == "prep" and c.lower_ == "as" for c in children
        )
        quoted = any(t.text in _QUOTES for t in token.subtree)
        if naming and not quoted and any(o.tag_ == "WP" for o in objects):
            # "over what Belgrade calls its historic rights": a name given to a thing, nothing said; a
            # quoted name ('in what it called "a cynical provocation"') is the speaker's words
            return None
        has_clause = (
            any(c.dep_ in ("ccomp", "parataxis", "oprd") for c in children)  # oprd: "called X Y"
            or any(c.dep_ == "xcomp" and c.tag_ != "VBG" for c in children)  # not "to consider cutting"
            # "dismissed X as Y", "described the talks as constructive"
            or any(c.dep_ == "prep" and c.lower_ == "as" for o in [token, *objects] for c in o.children)
            # "thanked the council for ...", "called for a fresh start": what the call or thanks is for
            or any(c.dep_ == "prep" and c.lower_ == "for" for c in children)
            or token.dep_ in ("parataxis",)
            or any(q in sent.text for q in _QUOTES)
            or _introduces_next(token, sent)
        )
        # '"... Well done!" the senator posted on X.': the cue of the quotation just before
        after_quote = not has_clause and token.dep_ == "ROOT" and _after_quotation(sent)
        has_clause = has_clause or after_quote
        has_content = (
            has_clause
            or any(c.dep_ in _CONTENT_DEPS for c in children)
            or token.dep_ != "ROOT"
            or agent is not None  # "the deal was announced by X": the subject is what X said
        )
        if lemma in words.needs_clause and not has_clause:
            return None
        if not has_content:
            return None
        if lemma in words.citing:
            target = next((c for c in children if c.dep_ == "dobj"), None)
            if target is None or not self._can_speak(target, discourse):
                return None  # "citing the closure of the border": a reason, not a source
            ref = discourse.resolve(target)
            return _Cue(token, ref, (token.i, token.i + 1)) if ref else None
        ref = discourse.resolve(subj)
        if ref is None or not ref.ids:
            return None
        via = []
        for c in children:
            if c.dep_ in ("dobj", "dative") and lemma in ("tell", "write"):
                told = discourse.resolve(c)  # "told Axios", "told Turkey's Anadolu news agency"
                via += [i for i in (told.ids if told else []) if i.startswith("outlet:")]
        demonstrative = after_quote or (
            not has_clause
            and any(c.dep_ in ("dobj", "nsubjpass") and c.lower_ in _DEMONSTRATIVES for c in children)
        )  # "X reports this", "this was stated by X"
        cue_end = token.i + 1
        for c in children:
            if c.dep_ in ("dobj", "dative") and c.i > token.i and c.i == cue_end:
                cue_end = c.i + 1  # "told Axios", "told reporters"
        return _Cue(
            token,
            ref,
            (token.i, cue_end),
            via=via,
            belief=lemma in words.belief_cues,
            demonstrative=demonstrative,
        )

    def _issuer(self, verb: Token) -> Token | None:
        """Who speaks through a document a participle reports: "the rebels issued a statement
        saying ..." (the subject of the verb that issues it), "a statement by X announcing ..."
        (the document itself, whose author ``Discourse.resolve`` finds from its "by" or "from")."""
        document = verb.head
        if (
            verb.dep_ != "acl"
            or verb.tag_ != "VBG"
            or document.lemma_.lower() not in self.words.document_nouns
        ):
            return None
        if document.dep_ == "dobj":
            return _subject(document.head)
        return document if written_by(document) else None  # not "media reports indicating ...": whose, unsaid

    def _can_speak(self, head: Token, discourse: Discourse) -> bool:
        """Whether a noun phrase can be a source: an actor, a pronoun, a source or document noun."""
        words = self.words
        lemma = head.lemma_.lower()
        return (
            discourse.mention_at(head) is not None
            or head.pos_ == "PRON"
            or lemma in words.source_nouns
            or head.lower_ in words.source_nouns
            or lemma in words.document_nouns
            or any(lemma in nouns for nouns in words.anaphors.values())
        )

    def _inverted_subject(self, verb: Token, sent: Span, discourse: Discourse) -> Token | None:
        """The speaker after the verb: "..., reported the Kathimerini daily", "..., announced Kenya's
        foreign ministry" (the parser takes a subject that follows its verb for an object); for a
        document, its author: '"...," read a communiqué by the palace'."""
        before = verb.i - 1
        while before > sent.start and verb.doc[before].text in _QUOTES:
            before -= 1  # '"... ," read a statement': the comma inside the closing quote
        if before < sent.start or verb.doc[before].text != "," or verb.dep_ not in ("ROOT", "conj"):
            return None
        if any(c.dep_ == "nsubj" or (c.dep_ in ("ccomp", "xcomp") and c.i > verb.i) for c in verb.children):
            return None  # a subject of its own, or what was said comes after the verb
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
        if obj is not None and obj.lemma_.lower() in self.words.document_nouns:
            author = written_by(verb)  # the parser hangs "by X" on the verb
            if author is not None and discourse.resolve(author) is not None:
                return author
        return obj if obj is not None and discourse.resolve(obj) is not None else None

    def _colon_quote(self, verb: Token, sent: Span, discourse: Discourse) -> _Cue | None:
        """ "X put it more bluntly: "..."": a quotation introduced by a colon after X's verb."""
        if verb.dep_ != "ROOT":
            return None
        after = sent.doc[verb.i + 1 : sent.end].text
        colon = after.find(":")
        if colon < 0 or '"' not in after[colon : colon + 4]:
            return None
        subj = _subject(verb)
        ref = discourse.resolve(subj) if subj is not None else None
        return _Cue(verb, ref, (verb.i, verb.i + 1)) if ref else None

    def _quote_label(self, sent: Span, discourse: Discourse) -> list[str] | None:
        """ "Quote from X:" on a line of its own: the quotation after it is X's."""
        words = [t for t in sent if not t.is_space]
        if len(words) < 4 or words[0].lower_ not in self.words.quote_labels or words[1].lower_ != "from":
            return None
        if words[-1].text != ":":
            return None
        ref = discourse.resolve(words[2])
        return ref.ids if ref is not None and ref.ids else None

    def _signature(self, sent: Span, discourse: Discourse, text: str) -> str | None:
        """A person's name with their title closing a paragraph, without a verb or a full stop:
        the signature of the words above it ("... later. Tomas Varga Minister of Interior")."""
        words = [t for t in sent if not t.is_space]
        if not words or len(words) > SIGNATURE_MAX_TOKENS or words[-1].is_punct or sent.start == 0:
            return None
        end = words[-1].idx + len(words[-1])
        if text[end:].strip() and "\n" not in text[end : end + 2]:
            return None  # not the end of a paragraph
        first = discourse.mention_at(words[0])
        if first is None or discourse.kind(first.kb_id_) != "person" or first.start != words[0].i:
            return None
        rest = [t for t in words if t.i >= first.end]
        if any(t.pos_ in ("VERB", "AUX") for t in rest) or not all(t.is_title or t.is_stop for t in rest):
            return None
        if not any(t.lower_ in self.title_words for t in rest):
            return None  # a bare name is a byline, not a signature
        return first.kb_id_

    @staticmethod
    def _signed(
        signer: str, sentences: list[Span], number: int, statements: list[Attribution], text: str
    ) -> list[Attribution]:
        """The statements with the sentences of the paragraph above ``number`` given to ``signer``."""
        signed = []
        for k in range(number - 1, -1, -1):
            gap = text[_trimmed(sentences[k]).end_char : sentences[k + 1].start_char]
            if "\n" in gap and (k + 1 < number or "\n\n" in gap):
                break  # the paragraph starts after sentence k (the signature may have a line of its own)
            signed.append(k)
        if not any(t.lower_ in _FIRST_PERSON for k in signed for t in sentences[k]):
            return statements  # narration: signed words speak in the first person
        kept = [s for s in statements if s.sentence not in signed]
        return kept + [_whole(sentences[k], k, signer, direct=False) for k in sorted(signed)]

    def _quote_continuation(
        self, sent: Span, number: int, statements: list[Attribution]
    ) -> list[Attribution]:
        """A quoted sentence with no cue continues the quote of the sentence before it."""
        text = sent.text.strip()
        if not text.startswith(_QUOTES) or not statements:
            return []
        before = sent.doc[sent.start - 1].sent if sent.start > 0 else None
        opens = before is not None and before.text.rstrip().endswith(":")  # "X said:" then the quote
        previous = [s for s in statements if s.sentence == number - 1 and (s.direct or opens)]
        if not previous:
            return []
        span = _trimmed(sent)
        return [
            replace(
                p,
                start=span.start_char,
                end=span.end_char,
                sentence=number,
                content=(span.start, span.end),
                covers_previous=False,
                direct=True,  # it opens with a quotation mark
            )
            for p in previous
        ]


#: A signature line ("Tomas Varga Minister of Interior of Hungary") has at most this many tokens.
SIGNATURE_MAX_TOKENS = 12
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us", "me"})


def _one_source(doc: Doc, statement: Attribution) -> bool:
    """Whether an unnamed speaker is one person ("an MP", "a senior official"), not several."""
    if not statement.speaker.startswith("anon") or statement.speaker_span is None:
        return False
    mention = doc.char_span(*statement.speaker_span)
    return mention is not None and mention.root.tag_ in ("NN", "NNP")


def _whole(sent: Span, number: int, speaker: str, *, direct: bool) -> Attribution:
    """A statement of the whole sentence by ``speaker``."""
    span = _trimmed(sent)
    return Attribution(
        start=span.start_char,
        end=span.end_char,
        speaker=speaker,
        direct=direct,
        sentence=number,
        content=(span.start, span.end),
    )


def _is_headline(sent: Span) -> bool:
    """A first line without final punctuation, followed by a line break."""
    text = sent.text.rstrip()
    return (
        "\n" in sent.text_with_ws[len(text) :] + sent.doc[sent.end - 1].whitespace_
        and text[-1:] not in ".:\"'"
    )


#: Fewer words than this is a label or a fragment ("What they're saying:"), not a statement.
MIN_STATEMENT_WORDS = 4


def _has_words(text: str) -> bool:
    return sum(1 for w in text.split() if any(c.isalpha() for c in w)) >= MIN_STATEMENT_WORDS


def _subject(verb: Token) -> Token | None:
    """The subject of a verb; for a participle ("..., saying that") the subject of its head verb."""
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
    if verb.dep_ == "acl" and verb.head.pos_ == "PROPN" and verb.head.i < verb.i and verb.tag_ == "VBN":
        return verb.head  # '"...," Richard Roe, an envoy who ..., posted on X' (a misparsed subject)
    for child in verb.children:
        if child.dep_ == "advcl" and child.i < verb.i and child.tag_ == "VBG":
            # "X, referring to the ruling, said:" (the parser hangs X on the participle)
            inner = next((c for c in child.children if c.dep_ == "nsubj" and c.i < child.i), None)
            if inner is not None:
                return inner
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.tag_ in ("VBG", "VBD", "VBN", "VBZ", "VB"):
        if verb.dep_ in ("conj", "xcomp") or verb.tag_ == "VBG":
            return _subject(verb.head) if verb.head.i != verb.i else None
    return None


def _outlets_as_channel(found: list[_Cue]) -> list[_Cue]:
    """ "X said ..., according to Reuters", "..., X told reporters, Bernama reported": an outlet
    cue after a speaker's cue is the channel the speaker's words came through, not a second
    speaker. An outlet first ("According to Axios, X told aides ...") still vouches for the whole."""
    speakers = [c for c in found if not _all_outlets(c)]
    if not speakers:
        return found
    first = min(c.token.i for c in speakers)
    channels = [c for c in found if _all_outlets(c) and c.token.i > first]
    if not channels:
        return found
    outlets = [i for c in channels for i in c.referent.ids]
    for cue in speakers:
        cue.via = list(dict.fromkeys(cue.via + outlets))
    return [c for c in found if c not in channels]


def _all_outlets(cue: _Cue) -> bool:
    return bool(cue.referent.ids) and all(i.startswith("outlet:") for i in cue.referent.ids)


def _relative_speaker(verb: Token) -> Token | None:
    """The speaker of a report in a relative clause about them: "Boric, who called for
    restraint", "the chancellor, who said last week that ..." (the noun the clause hangs on)."""
    if verb.dep_ != "relcl" or verb.head.pos_ not in ("PROPN", "NOUN"):
        return None
    pronoun = next((c for c in verb.children if c.dep_ == "nsubj" and c.lower_ in ("who", "that")), None)
    if pronoun is None:
        return None
    before = verb.doc[pronoun.i - 1] if pronoun.i > 0 else None
    if pronoun.lower_ == "who" and verb.head.pos_ == "NOUN" and before is not None and before.pos_ == "PROPN":
        # "talks with Kurti who called ...": "who" is a person, the name right before it,
        # where the parser hung the clause on the noun before the name
        return before
    return verb.head


def _quoted(sentences: list[Span]) -> set[int]:
    """Indices of the tokens inside quotation marks, sentence by sentence (to the end of the
    sentence when the quotation runs on into the next one)."""
    out: set[int] = set()
    for sent in sentences:
        inside = False
        for i, word in enumerate((t.text for t in sent), sent.start):
            if word == '"' and not is_markup_quote(sent.doc, sent.doc[i]):
                inside = not inside
            elif inside:
                out.add(i)
    return out


def _after_quotation(sent: Span) -> bool:
    """Whether the sentence before is a quotation and nothing else ('"We are ready." X said.')."""
    if sent.start == 0:
        return False
    before = sent.doc[sent.start - 1].sent
    text = before.text.strip()
    return len(text) > 2 and text[0] == '"' and text[-1] == '"' and '"' not in text[1:-1]


def _introduces_next(verb: Token, sent: Span) -> bool:
    """ "X said:" at the end of a sentence: what was said follows in the next one."""
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is not None and last.text == ":" and last.i > verb.i


def _agent(verb: Token) -> Token | None:
    """The speaker of a passive report: "this was stated by X", "the plan was welcomed by X"."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def _drop_nested(found: list[_Cue]) -> list[_Cue]:
    """Keep outer cues: a cue inside what another cue reports is part of the reported content."""
    keep = []
    for cue in found:
        if cue.token.lemma_.lower() in cues().citing:
            keep.append(cue)  # "X reported that ..., citing Y": the parser may hang it inside the report
            continue
        nested = False
        for other in found:
            if other is cue or other.token.lemma_.lower() in cues().citing:
                continue
            for child in other.token.children:
                if child.dep_ in ("ccomp", "xcomp") and cue.token in child.subtree:
                    nested = True
        if not nested:
            keep.append(cue)
    return keep


def _regions(found: list[_Cue], sent: Span) -> list[tuple[int, int]]:
    """Token ranges of the statements: the sentence, or for several speakers each one's clause."""
    full = _trimmed(sent)
    speakers = {tuple(c.referent.ids) for c in found}
    if len(speakers) <= 1:
        return [(full.start, full.end)] * len(found)
    # Several speakers: cut the sentence between consecutive cues' clauses, at clause boundaries.
    ordered = sorted(range(len(found)), key=lambda i: found[i].token.i)
    bounds = {}
    start = full.start
    for n, i in enumerate(ordered):
        if n + 1 < len(ordered):
            nxt = found[ordered[n + 1]].token
            # the next clause starts at the leftmost token of the next cue's own clause
            cut = min(t.i for t in nxt.subtree if t.i > found[i].token.i)
            for t in sent.doc[found[i].token.i : nxt.i]:
                if t.dep_ == "cc" or (t.is_punct and t.text in ",;" and t.i > found[i].token.i):
                    cut = min(cut, t.i) if t.dep_ == "cc" else cut
            end = max(cut, found[i].token.i + 1)
        else:
            end = full.end
        bounds[i] = (start, end)
        start = end
    out = []
    for i in range(len(found)):
        s, e = bounds[i]
        span = _trimmed(sent.doc[s:e])
        out.append((span.start, span.end) if len(span) else (s, e))
    return out


def _trimmed(span: Span) -> Span:
    """The span without surrounding whitespace, conjunctions and commas."""
    start, end = span.start, span.end
    while start < end and (
        span.doc[start].is_space or span.doc[start].text in (",", ";") or span.doc[start].dep_ == "cc"
    ):
        start += 1
    while end > start and (span.doc[end - 1].is_space or span.doc[end - 1].text in (",", ";")):
        end -= 1
    return span.doc[start:end]


@Language.factory("parley_attribution", default_config={"actor_files": []})
def make_attributor(nlp: Language, name: str, actor_files: list[str]) -> Attributor:
    """Factory of the ``parley_attribution`` component."""
    return Attributor(tuple(actor_files))
