"""Fuzz with bounded examples (the strategies of ``bench/fuzz_inputs.py``; ``make fuzz`` runs ten
thousand): ``parley.extract`` reads any text or refuses it with a ParleyError, every ingest reader
turns any file into articles and problem reports, and the API answers any body without a 5xx.

All three are fuzzed with lone surrogates too (raw in a text, as JSON escapes in a JSONL row or an
API body, as character references in a feed): every one is read as U+FFFD at the one edge all input
passes, the creation of an :class:`parley.records.Article` (:func:`parley.records.safe_text`).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_web_support import TOKEN, client_for

import parley
from parley.errors import ParleyError
from parley.ingest import InputProblem, read_sources
from parley.records import KINDS, Article
from parley.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from fuzz_inputs import SENTENCES, api_bodies, source_files, texts  # noqa: E402

pytest_plugins = ["test_web_support"]

#: Runs and giant sentences of up to this many characters: what limits them shows at this size.
LONGEST = 3_000
BOUNDED = settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def spans_of(records: object) -> Iterator[tuple[int, int]]:
    """Every span a records object holds."""
    data = records.to_dict()  # type: ignore[attr-defined]
    for kind in KINDS:
        for item in data[kind]:
            for key in ("span", "speaker_span", "cue_span"):
                if item.get(key):
                    yield tuple(item[key])
            yield from (tuple(span) for span in item.get("evidence", []))


@BOUNDED
@given(text=texts(surrogates=True, longest=LONGEST))
def test_extract_reads_any_text_or_refuses_it(text: str) -> None:
    try:
        records = parley.extract(text)
    except ParleyError:
        return
    for start, end in spans_of(records):
        assert 0 <= start < end <= len(text)


GOOD = "\n\n".join(SENTENCES)


@BOUNDED
@given(file=source_files(surrogates=True, longest=LONGEST))
def test_every_reader_goes_on_past_any_file(file: tuple[str, bytes]) -> None:
    name, data = file
    with tempfile.TemporaryDirectory(prefix="parley-fuzz-") as folder:
        (Path(folder) / name).write_bytes(data)
        (Path(folder) / "z-good.txt").write_text(GOOD, encoding="utf-8")
        found = list(read_sources([folder], load_settings()))
    assert all(isinstance(item, Article | InputProblem) for item in found)
    assert any(isinstance(item, Article) and item.text == GOOD for item in found)
    for item in found:
        if isinstance(item, Article):
            item.text.encode("utf-8")  # what is stored can be written


@pytest.fixture(scope="module")
def api(seed_db: Path, extractor: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """An in-process client of the app over a copy of the seed store, with the write token."""
    copy = tmp_path_factory.mktemp("fuzz-api") / "parley.db"
    copy.write_bytes(seed_db.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARLEY_TOKEN", TOKEN)
        with client_for(copy, extractor, serve={"max_body_bytes": 400_000}) as client:
            yield client


@BOUNDED
@given(body=api_bodies(surrogates=True, longest=LONGEST))
def test_the_api_answers_any_body(api: object, body: bytes) -> None:
    response = api.post(  # type: ignore[attr-defined]
        "/api/articles",
        content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 201, 413, 422), response.text
    assert "error" in response.json() or "results" in response.json()
