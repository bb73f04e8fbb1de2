"""Bounded cost per article: long runs cut before the tokenizer, long sentences cut, long articles
read in sections with exact offsets, too-long articles refused, a time budget per article — and a
run that goes on past the article that breaks one of these limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley import flow
from parley.batch import ExtractorPlugin
from parley.cli import main
from parley.errors import ExtractionError, InputError
from parley.extractor import Extractor, sections
from parley.ingest import InputProblem, read_sources
from parley.records import Article
from parley.settings import load_settings
from parley.store import open_store

# Sentences of our own; the filler paragraph says nothing a rule reads.
COMMITMENT = "Russia agreed to a 30-day ceasefire on Monday, its foreign ministry said."
QUOTE = (
    '"We will not withdraw from the border villages," Ukraine\'s defence minister told reporters on Friday.'
)
FILLER = "The weather in the valley was mild for the season and the markets were open as usual.\n\n"


@pytest.fixture(scope="module")
def bounded() -> Extractor:
    """An extractor with small limits, so that long-article behaviour shows on short texts."""
    return Extractor(
        load_settings(nlp={"section_chars": 2_000, "max_token_chars": 50, "max_sentence_tokens": 60})
    )


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f1fa\U0001f1e6" * 8_000,  # flag emoji: each run is quadratic for spaCy's tokenizer
        "Talks resumed. " + "x" * 19_000 + " and then ended.",
        "x" * 51 + " " + "y" * 250 + "  z\n" + "w" * 50,
        "a" * 120,
    ],
    ids=["flags", "long-run", "runs-and-spaces", "run-only"],
)
def test_long_runs_are_cut_before_the_tokenizer_keeping_the_text(bounded: Extractor, text: str) -> None:
    doc = bounded.make_doc(text)
    assert doc.text == text
    assert all(token.idx == text.index(token.text, token.idx) for token in doc)
    assert max(len(token) for token in doc) <= 50 or all(len(t) <= 50 or not t.text.strip() for t in doc)
    records = bounded.extract(Article(text=text, source="run.txt"))
    assert records.statements == [] or all(
        0 <= s.span[0] < s.span[1] <= len(text) for s in records.statements
    )


def test_no_sentence_runs_over_the_limit(bounded: Extractor) -> None:
    # An opening quotation mark never closed: everything after it would be one sentence.
    text = 'The envoy said: "' + " ".join(["the talks go on and the sides meet again"] * 60)
    doc = bounded.nlp(bounded.make_doc(text))
    assert max(len(sent) for sent in doc.sents) <= 60


def test_sections_cut_at_line_breaks_then_sentences_then_spaces() -> None:
    text = FILLER * 100
    cuts = list(sections(text, 1_000))
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False))
    assert all(end - start <= 1_000 for start, end in cuts)
    assert all(text[end - 1] == "\n" for _, end in cuts[:-1])
    prose = "The sides met again. " * 200
    assert all(prose[end - 2 : end] == ". " for _, end in list(sections(prose, 1_000))[:-1])
    assert list(sections("z" * 2_500, 1_000)) == [(0, 1_000), (1_000, 2_000), (2_000, 2_500)]


def test_a_long_article_is_read_in_sections_with_exact_offsets(bounded: Extractor) -> None:
    text = FILLER * 40 + COMMITMENT + "\n\n" + FILLER * 40 + QUOTE + "\n\n" + FILLER * 10
    assert len(text) > 4 * bounded.settings.nlp.section_chars
    records = bounded.extract(Article(text=text, source="long.txt", published="2025-03-03"))
    said = [text[s.span[0] : s.span[1]] for s in records.statements]
    assert said == [QUOTE]
    commitment = next(c for c in records.commitments if c.issue == "ceasefire")
    assert text[slice(*commitment.evidence[0])] == "to a 30-day ceasefire on Monday"
    # The same sentences at the start of a short article give the same records.
    short = bounded.extract(
        Article(text=COMMITMENT + "\n\n" + QUOTE, source="short.txt", published="2025-03-03")
    )
    assert [c.issue for c in short.commitments] == [c.issue for c in records.commitments]
    assert [(p.party, p.issue) for p in short.positions] == [(p.party, p.issue) for p in records.positions]
    position = records.positions[0]
    assert text[slice(*position.evidence[0])] == QUOTE
    assert records.statements[position.statement].span == position.evidence[0]


def test_an_article_over_the_length_limit_is_refused_by_the_extractor() -> None:
    extractor = Extractor(load_settings(input={"max_chars": 1_000}))
    with pytest.raises(InputError, match=r"too long: 1,001 characters.*input\.max_chars") as error:
        extractor.extract(Article(text="w " * 500 + "w", source="huge.txt"))
    assert error.value.source == "huge.txt"


def test_an_article_over_the_length_limit_is_a_problem_and_reading_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a-huge.txt").write_text(FILLER * 30, encoding="utf-8")
    (tmp_path / "b-fine.txt").write_text(COMMITMENT, encoding="utf-8")
    found = list(read_sources([str(tmp_path)], load_settings(input={"max_chars": 1_000})))
    problems = [f for f in found if isinstance(f, InputProblem)]
    assert [p.source for p in problems] == [str(tmp_path / "a-huge.txt")]
    assert "setting input.max_chars" in problems[0].message and problems[0].code == "P100"
    assert [a.text for a in found if isinstance(a, Article)] == [COMMITMENT]


def test_an_article_over_the_time_budget_fails_alone(tmp_path: Path) -> None:
    settings = load_settings(nlp={"section_chars": 2_000, "article_seconds": 0.0})
    extractor = Extractor(settings)
    slow = Article(text=FILLER * 60, source="slow.txt", id="slow")
    with pytest.raises(ExtractionError, match=r"stopped after 0 s \(setting nlp\.article_seconds\)"):
        extractor.extract(slow)
    fine = Article(text=COMMITMENT, source="fine.txt", id="fine", published="2025-03-03")
    with open_store(str(tmp_path / "parley.db"), settings) as store:
        results = list(flow.take_in_many(store, [slow, fine], extractor, settings=settings))
    assert [(r.source, r.status) for r in results] == [("slow.txt", "failed"), ("fine.txt", "stored")]
    assert "nlp.article_seconds" in (results[0].message or "")


def test_many_articles_long_and_short_come_back_in_order_as_one_by_one(bounded: Extractor) -> None:
    articles = [
        Article(text=text, source=f"{n}.txt", id=str(n), published="2025-03-03")
        for n, text in enumerate(
            [COMMITMENT, FILLER * 30 + QUOTE, QUOTE, FILLER * 20, COMMITMENT + " " + QUOTE]
        )
    ]
    together = list(bounded.extract_many(articles))
    assert [article.id for article, _ in together] == ["0", "1", "2", "3", "4"]
    assert [records.to_dict() for _, records in together] == [bounded.extract(a).to_dict() for a in articles]


def test_a_batch_worker_reports_an_article_over_the_budget_and_reads_the_others() -> None:
    settings = load_settings(nlp={"section_chars": 2_000, "article_seconds": 0.0})
    plugin = ExtractorPlugin(settings)
    plugin.setup(worker=None)
    slow = Article(text=FILLER * 60, source="slow.txt", id="slow")
    fine = Article(text=COMMITMENT, source="fine.txt", id="fine", published="2025-03-03")
    (_, problem), (_, records) = plugin.extract([slow, fine])
    assert isinstance(problem, InputProblem) and problem.code == "P601" and problem.source == "slow.txt"
    assert [c.issue for c in records.commitments] == ["ceasefire"]  # type: ignore[union-attr]


def test_parley_extract_reports_an_article_over_the_budget_and_writes_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[nlp]\nsection_chars = 2000\narticle_seconds = 0.0\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-slow.txt").write_text(FILLER * 60, encoding="utf-8")
    (tmp_path / "in" / "b-fine.txt").write_text(COMMITMENT, encoding="utf-8")
    code = main(
        ["--settings", str(settings), "extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert f"{tmp_path / 'in' / 'a-slow.txt'}: error: extraction stopped after 0 s" in err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["b-fine.json"]
