"""One input never ends a run: ``parley ingest``, ``parley extract`` and ``POST /api/articles`` go on
past a text longer than spaCy's ``max_length``, a self-pointing symlink, a FIFO and a batch row with
a lone surrogate, and the good inputs around them are stored (or written).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_web_support import client_for

from parley.cli import main
from parley.store import open_store

pytest_plugins = ["test_web_support"]

GOOD = (
    "Ukraine and Russia agreed to a 30-day halt to strikes on energy facilities, the Kremlin said on "
    "Tuesday, after a phone call that the White House described as productive.\n"
)
#: Longer than spaCy's max_length (1,000,000) and within the input limit (5 MB).
HUGE = "Negotiators from both sides met again in Geneva on Monday, officials said. " * 14_000


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good articles first and last, and between them every kind of bad input."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b-huge.txt").write_text(HUGE, encoding="utf-8")
    os.symlink("c-self.txt", folder / "c-self.txt")
    os.mkfifo(folder / "d-pipe.txt")
    rows = {"id": "e-row", "text": GOOD.replace("Tuesday", "Wednesday").strip() + " \ud800"}
    (folder / "e-rows.jsonl").write_text(json.dumps(rows) + "\n", encoding="utf-8")
    (folder / "z-good.txt").write_text(GOOD.replace("Tuesday", "Thursday"), encoding="utf-8")
    return folder


def test_ingest_goes_on_past_every_bad_input(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "parley.db"
    code = main(["ingest", "--db", str(db), str(folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert f"{folder / 'c-self.txt'}: error: a symbolic link" in err
    assert f"{folder / 'd-pipe.txt'}: error: a named pipe (FIFO)" in err
    with open_store(str(db)) as store:
        stored = store.stats()["articles"]
    assert code == 1  # some inputs failed
    # The two good files and the surrogate row are stored whatever becomes of the huge text.
    assert stored >= 3, (out, err)
    assert all(name in out for name in ("a-good.txt", "e-rows.jsonl:1", "z-good.txt")), out

    again = main(["ingest", "--db", str(db), str(folder)])  # a re-run finds the good ones stored
    out, err = capsys.readouterr()
    assert again == 1 and "Traceback" not in err and out.count("exists ") >= 3


def test_extract_goes_on_past_every_bad_input(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    code = main(["extract", str(folder), "--out", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    written = {p.name for p in out_dir.iterdir()}
    assert {"a-good.json", "e-row.json", "z-good.json"} <= written, err
    assert "c-self.txt: error" in err and "d-pipe.txt: error" in err


def test_the_api_answers_a_surrogate_and_an_overlong_text_without_a_500(
    db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", "t0ken")
    auth = {"Authorization": "Bearer t0ken", "Content-Type": "application/json"}
    with client_for(db_copy, extractor) as client:
        body = '{"text": "' + GOOD.strip() + ' \\ud800 \\u0000 Talks go on."}'
        lone = client.post("/api/articles", content=body, headers=auth)
        assert lone.status_code == 201, lone.text
        article = client.get(lone.json()["results"][0]["link"].replace("/articles", "/api/articles")).json()
        assert article["article"]["text"].endswith(" \ufffd \ufffd Talks go on.")

        # over input.max_chars (spaCy's max_length): refused as input, one error naming the setting
        long = client.post("/api/articles", json={"text": HUGE}, headers=auth)
        assert long.status_code == 422, long.text
        assert long.json()["error"]["code"] == "P100" and "input.max_chars" in long.json()["error"]["message"]

        after = client.post("/api/articles", json={"text": GOOD.replace("Tuesday", "Friday")}, headers=auth)
        assert after.status_code == 201, after.text


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv"])
def test_an_empty_batch_exits_0_with_nothing_to_read_in_extract_and_ingest(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / name
    batch.write_bytes(b"")
    for argv in (
        ["extract", str(batch), "--out", str(tmp_path / "out")],
        ["extract", str(batch), "--jsonl"],
        ["ingest", "--db", str(tmp_path / "parley.db"), str(batch)],
    ):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0, (argv, err)
        assert f"parley: {batch}: warning: nothing to read: the batch file has no rows [P202]" in err
        assert "Traceback" not in err


def test_the_api_reads_a_single_paragraph_fragment(
    db_copy: Path, extractor: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_TOKEN", "t0ken")
    paragraph = " ".join([GOOD.strip()] * 12)  # about 2 kB in one <p>, which trafilatura alone refuses
    with client_for(db_copy, extractor) as client:
        response = client.post(
            "/api/articles", json={"html": f"<p>{paragraph}</p>"}, headers={"Authorization": "Bearer t0ken"}
        )
        assert response.status_code == 201, response.text
        link = response.json()["results"][0]["link"].replace("/articles", "/api/articles")
        assert client.get(link).json()["article"]["text"].strip() == paragraph
