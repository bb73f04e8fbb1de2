"""The one-call API ``parley.extract``: records whose offsets index the text exactly, in the spec's format."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import parley
from parley.records import FORMAT, ISSUES, KINDS, Records

# Typographic quotation marks and apostrophes (U+201C/D, U+2018/9, U+02BC) all over the place.
TYPOGRAPHIC = (
    "\u201cWe will not give up our land,\u201d Zelensky said on Tuesday in Kyiv.\n"
    "Ukraine\u2019s foreign minister said the country\u2019s position had not changed, while Russia\u02bcs "
    "envoy told reporters that Moscow\u2019s demands were \u2018well known\u2019.\n"
    "\u201cThe talks will continue next week,\u201d the Kremlin said in a statement.\n"
)
ARTICLE = (
    "Serbia and Kosovo agreed on Tuesday to reopen two border crossings for 30 days, the European Union "
    "said after talks in Brussels.\n"
    "\u201cWe are ready to sign,\u201d Kurti said. \u201cBut we won\u2019t accept an ultimatum.\u201d\n"
    "Serbian Foreign Minister Marko Djuric told reporters that Belgrade would lift its trade blockade only "
    "after Pristina withdrew its special police from the north.\n"
    "Norway warned that it would end its mediation within two weeks if there was no progress.\n"
    "Kosovo accused Serbia of violating the accord hours after it took effect.\n"
)
_ID = re.compile(
    r"[A-Z]{3}|person:[a-z0-9]+(-[a-z0-9]+)*|outlet:[a-z0-9]+(-[a-z0-9]+)*|anon(:\S+)?|[a-z0-9]+(-[a-z0-9]+)*"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|--\d{2}-\d{2}")
_OPENERS = "\"'\u201c\u2018([-"  # what a statement may start with besides a letter or digit


def check_span(text: str, span: Any) -> str:
    """A span of the text: two ints, in range, not empty, no surrounding whitespace; its slice."""
    start, end = span
    assert isinstance(start, int) and isinstance(end, int)
    assert 0 <= start < end <= len(text)
    part = text[start:end]
    assert part == part.strip(), repr(part)
    return part


def validate(data: dict[str, Any], text: str) -> None:
    """Check a ``parley-records/1`` object field by field against the spec."""
    assert data["format"] == FORMAT
    assert set(KINDS) <= set(data)
    assert isinstance(data["document"]["id"], str)
    for st in data["statements"]:
        part = check_span(text, st["span"])
        assert part[0].isalnum() or part[0] in _OPENERS, repr(part)
        assert _ID.fullmatch(st["speaker"]) and all(_ID.fullmatch(v) for v in st["via"])
        assert isinstance(st["direct"], bool) and isinstance(st["hedged"], bool)
        for extra in ("speaker_span", "cue_span"):
            if st.get(extra) is not None:
                check_span(text, st[extra])
    parties = {"commitments": ["party"], "proposals": ["proposer"], "positions": ["party"],
               "threats": ["actor"], "violations": ["accused"]}  # fmt: skip
    for kind, fields in parties.items():
        for record in data[kind]:
            assert all(_ID.fullmatch(record[f]) for f in fields)
            assert record["issue"] in ISSUES
            assert isinstance(record["text"], str) and record["text"]
            for span in record["evidence"]:
                check_span(text, span)
    for c in data["commitments"]:
        assert isinstance(c["conditional"], bool)
        assert c["condition_issue"] is None or c["condition_issue"] in ISSUES
        assert c["duration_days"] is None or isinstance(c["duration_days"], int)
    assert all(isinstance(p["red_line"], bool) for p in data["positions"])
    for t in data["threats"]:
        assert isinstance(t["has_deadline"], bool) and all(_ID.fullmatch(x) for x in t["target"])
    assert all(v["accuser"] is None or _ID.fullmatch(v["accuser"]) for v in data["violations"])
    for m in data["meetings"]:
        assert m["date"] is None or _DATE.fullmatch(m["date"])
        assert all(_ID.fullmatch(p) for p in m["participants"])
        for span in m["evidence"]:
            check_span(text, span)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(TYPOGRAPHIC, id="typographic"),
        pytest.param(ARTICLE, id="article"),
    ],
)
def test_output_is_valid_records_and_round_trips(text: str) -> None:
    records = parley.extract(text, published="2025-03-26", outlet="outlet:reuters")
    assert isinstance(records, Records)
    data = records.to_dict()
    validate(data, text)
    assert Records.from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_parley_extract_stays_the_function_once_the_module_is_imported() -> None:
    import parley.extractor  # noqa: F401  (the CLI, the flow and the batch runner all import it)

    assert callable(parley.extract), (
        "an extractor module must not replace the one-call function parley.extract on the package"
    )


def test_document_carries_the_metadata_and_a_stable_id() -> None:
    first = parley.extract(ARTICLE, published="2025-03-26", outlet="outlet:reuters")
    assert (first.document.published, first.document.outlet) == ("2025-03-26", "outlet:reuters")
    assert re.fullmatch(r"sha1-[0-9a-f]{12}", first.document.id)
    assert parley.extract(ARTICLE).document.id == first.document.id


def test_article_yields_each_kind_of_record() -> None:
    records = parley.extract(ARTICLE, published="2025-03-26")
    assert {kind for kind in KINDS if getattr(records, kind)} >= {"statements", "commitments", "threats"}


def test_offsets_index_the_original_text_with_typographic_quotes() -> None:
    records = parley.extract(TYPOGRAPHIC)
    quoted = [s for s in records.statements if s.speaker == "person:volodymyr-zelensky"]
    assert len(quoted) == 1
    (st,) = quoted
    assert TYPOGRAPHIC[slice(*st.span)].startswith("\u201cWe will not give up our land,\u201d Zelensky said")
    assert TYPOGRAPHIC[slice(*st.speaker_span)] == "Zelensky"
    assert TYPOGRAPHIC[slice(*st.cue_span)] == "said"
    assert st.direct
    kremlin = [s for s in records.statements if s.speaker == "RUS"]
    assert any(TYPOGRAPHIC[slice(*s.span)].startswith("\u201cThe talks will continue") for s in kremlin)


def test_typographic_and_ascii_quotes_give_the_same_offsets() -> None:
    ascii_text = TYPOGRAPHIC.translate({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'", 0x02BC: "'"})
    typographic, plain = parley.extract(TYPOGRAPHIC), parley.extract(ascii_text)
    assert [(s.span, s.speaker) for s in typographic.statements] == [
        (s.span, s.speaker) for s in plain.statements
    ]
