"""``parley extract``: inputs, metadata, outputs, the summary line, exit codes and bad inputs.

Most cases call ``parley.cli.main`` in process (the spaCy pipeline loads once per session); a few
run the real console program in a subprocess: stdin, a batch of bad inputs, the progress bar.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parley.cli import main
from parley.records import Records

ZELENSKY = (
    "Ukrainian President Volodymyr Zelensky said on Monday that Kyiv was ready to accept a full "
    "ceasefire for 30 days if Moscow did the same.\n"
)
PESKOV = (
    "Kremlin spokesman Dmitry Peskov told reporters on Tuesday that Russia would not withdraw its "
    "troops from the four regions it claims.\n"
)
BRUSSELS = "Delegations from Serbia and Kosovo met in Brussels on Monday to discuss border crossings.\n"
ITALIAN = (
    "I negoziatori delle due parti si sono incontrati martedì a Ginevra per discutere di una tregua di "
    "trenta giorni. Il ministro degli esteri ha detto che le condizioni non sono ancora state accettate "
    "dal governo, ma che i colloqui continueranno la prossima settimana.\n"
)
HTML = (
    "<!doctype html><html><head><title>Talks resume</title></head><body><nav>Home | World | Sport</nav>"
    "<article><h1>Talks resume</h1><p>Russian President Vladimir Putin said on Tuesday that Moscow was "
    "ready to halt strikes on energy infrastructure for 30 days.</p><p>Ukrainian officials said Kyiv "
    "would study the offer carefully before giving an answer to the mediators.</p></article>"
    "<footer>Copyright 2025</footer></body></html>"
)
SUMMARY = re.compile(
    r"^parley: (\d+) articles?, (\d+) records? \((\d+) statements?, \d+ commitments?, \d+ proposals?, "
    r"\d+ positions?, \d+ threats?, \d+ violations?, \d+ meetings?\) in \d+\.\d s; "
    r"(\d+) warnings?, (\d+) errors?$"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``parley ARGV`` in process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Records:
    """A written records file, checked to be a complete ``parley-records/1`` object."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "parley-records/1"
    return Records.from_dict(data)


def speakers(records: Records) -> set[str]:
    return {s.speaker for s in records.statements}


def summary(err: str) -> re.Match[str]:
    """The summary line: the last line on stderr."""
    match = SUMMARY.match(err.strip().splitlines()[-1])
    assert match, err
    return match


# -- inputs and outputs ---------------------------------------------------------------------------


def test_files_give_one_records_file_per_stem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "in", "zelensky.txt", ZELENSKY)
    b = write(tmp_path / "in", "peskov.txt", PESKOV)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "extract", str(a), str(b), "--out", str(out))
    assert code == 0
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["peskov.json", "zelensky.json"]  # no temporary files
    zelensky = load(out / "zelensky.json")
    assert zelensky.document.id == "zelensky"
    assert "person:volodymyr-zelensky" in speakers(zelensky)
    assert "person:dmitry-peskov" in speakers(load(out / "peskov.json"))
    assert summary(err).group(1, 4, 5) == ("2", "0", "0")


def test_directory_is_read_recursively(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    write(corpus, "zelensky.txt", ZELENSKY)
    write(corpus, "zelensky.meta.json", json.dumps({"published": "2025-03-18"}))
    write(corpus, "more/peskov.txt", PESKOV)
    write(corpus, ".draft.txt", PESKOV)
    out = tmp_path / "out"
    code, _, err = run(capsys, "extract", str(corpus), "--out", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["peskov.json", "zelensky.json"]


def test_sidecar_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "brussels.txt", BRUSSELS)
    meta = {
        "published": "2025-03-18",
        "outlet": "Reuters",
        "url": "https://example.org/brussels",
        "title": "Talks",
    }
    write(tmp_path, "brussels.meta.json", json.dumps(meta))
    out = tmp_path / "out"
    assert run(capsys, "extract", str(path), "--out", str(out))[0] == 0
    records = load(out / "brussels.json")
    doc = records.document
    assert (doc.published, doc.outlet, doc.url, doc.title) == (
        "2025-03-18",
        "outlet:reuters",
        "https://example.org/brussels",
        "Talks",
    )
    # The publication date reaches the extractor: "on Monday" is the Monday before Tuesday the 18th.
    assert [m.date for m in records.meetings] == ["2025-03-17"]


def test_explicit_metadata_wins_over_sidecars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_sidecar = write(tmp_path, "brussels.txt", BRUSSELS)
    write(tmp_path, "brussels.meta.json", json.dumps({"published": "2025-03-18", "outlet": "Reuters"}))
    without = write(tmp_path, "peskov.txt", PESKOV)
    out = tmp_path / "out"
    code, _, _ = run(
        capsys, "extract", str(with_sidecar), str(without), "--out", str(out),
        "--published", "2025-03-26", "--outlet", "outlet:axios",
    )  # fmt: skip
    assert code == 0
    for name in ("brussels.json", "peskov.json"):
        doc = load(out / name).document
        assert (doc.published, doc.outlet) == ("2025-03-26", "outlet:axios")
    assert [m.date for m in load(out / "brussels.json").meetings] == ["2025-03-24"]


@pytest.mark.slow
def test_stdin_in_a_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "parley", "extract", "-", "--out", str(out), "--published", "2025-03-18"],
        input=ZELENSKY, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (written,) = out.iterdir()
    assert re.fullmatch(r"stdin-[0-9a-f]{10}\.json", written.name)
    records = load(written)
    assert records.document.id == written.stem
    assert records.document.published == "2025-03-18"
    assert "person:volodymyr-zelensky" in speakers(records)
    assert "Traceback" not in done.stderr
    assert summary(done.stderr).group(1) == "1"


def test_jsonl_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "zelensky.txt", ZELENSKY)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PESKOV.encode("utf-8"))))
    code, out, err = run(capsys, "extract", str(path), "-", "--jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (Records.from_dict(json.loads(line)) for line in lines)
    assert first.document.id == "zelensky"
    assert second.document.id.startswith("stdin-")
    assert "person:dmitry-peskov" in speakers(second)
    assert list(tmp_path.iterdir()) == [path]  # nothing written beside the input


def test_jsonl_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "in", "zelensky.txt", ZELENSKY)
    b = write(tmp_path / "in", "peskov.txt", PESKOV)
    target = tmp_path / "out" / "records.jsonl"
    target.parent.mkdir()
    code, out, _ = run(capsys, "extract", str(a), str(b), "--jsonl", "--out", str(target))
    assert code == 0
    assert out == ""
    assert [p.name for p in target.parent.iterdir()] == ["records.jsonl"]
    ids = [json.loads(line)["document"]["id"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert ids == ["zelensky", "peskov"]


ACTORS_YAML = """\
- id: northern-liberation-front
  kind: group
  name: Northern Liberation Front
  aliases: [NLF]
- id: person:amara-kesete
  name: Amara Kesete
  gender: f
  aliases: [Kesete]
  roles:
    - {title: Chief Negotiator, party: northern-liberation-front}
"""
NLF = (
    "The Northern Liberation Front said on Sunday that it would observe the truce in the eastern "
    "provinces for another week.\nKesete told reporters in Nairobi that the rebels wanted international "
    "monitors along the front line.\n"
)


def test_actors_file_adds_speakers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actors = write(tmp_path, "actors.yaml", ACTORS_YAML)
    article = write(tmp_path, "nlf.txt", NLF + PESKOV)
    code, out, err = run(capsys, "extract", str(article), "--jsonl", "--actors", str(actors))
    assert code == 0, err
    records = Records.from_dict(json.loads(out))
    found = {(s.speaker, s.party) for s in records.statements}
    assert ("northern-liberation-front", "northern-liberation-front") in found
    assert ("person:amara-kesete", "northern-liberation-front") in found
    assert ("person:dmitry-peskov", "RUS") in found  # the built-in registry is still there
    # Without the file the group is nobody and the negotiator an unknown "Kesete".
    code, out, _ = run(capsys, "extract", str(article), "--jsonl")
    assert "northern-liberation-front" not in out


def test_bad_actors_file_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actors = write(tmp_path, "actors.yaml", "- id: Not An Id\n  name: x\n")
    article = write(tmp_path, "zelensky.txt", ZELENSKY)
    code, out, err = run(
        capsys, "extract", str(article), "--out", str(tmp_path / "out"), "--actors", str(actors)
    )
    assert code == 1
    assert err.startswith("parley: error: ") and str(actors) in err
    assert err.count("\n") == 1


def test_batch_row_ids_cannot_escape_the_output_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = write(tmp_path, "batch.jsonl", json.dumps({"id": "../../escaped", "text": ZELENSKY}) + "\n")
    out = tmp_path / "deep" / "out"
    assert run(capsys, "extract", str(batch), "--out", str(out))[0] == 0
    (written,) = out.iterdir()
    assert written.name.endswith("escaped.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.jsonl", "deep"]


def test_two_inputs_with_one_id_are_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path / "a", "talks.txt", ZELENSKY)
    second = write(tmp_path / "b", "talks.txt", PESKOV)
    code, _, err = run(capsys, "extract", str(first), str(second), "--out", str(tmp_path / "out"))
    assert code == 0
    assert f"parley: {second}: warning: same id as {first}" in err
    assert summary(err).group(4) == "1"


# -- settings and options -----------------------------------------------------------------------


def test_settings_file_is_honoured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = write(tmp_path, "parley.toml", "[input]\nmin_chars = 100000\n")
    article = write(tmp_path, "zelensky.txt", ZELENSKY)
    code, _, err = run(
        capsys, "--settings", str(settings), "extract", str(article), "--out", str(tmp_path / "o")
    )
    assert code == 1  # the article is now too short to read
    assert f"parley: {article}: error: " in err
    assert not (tmp_path / "o" / "zelensky.json").exists()


def test_model_option_overrides_the_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = write(tmp_path, "zelensky.txt", ZELENSKY)
    code, _, err = run(
        capsys, "extract", str(article), "--out", str(tmp_path / "o"), "--model", "no_such_model"
    )
    assert code == 1
    assert err.startswith("parley: error: ") and "no_such_model" in err and "P300" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["extract", "x.txt"], "--out DIR is required"),
        (["extract", "x.txt", "--out", "o", "--published", "18 March"], "invalid published date"),
        (["extract", "--out", "o"], "required: PATH"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_unwritable_output_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    occupied = write(tmp_path, "file", "not a directory")
    article = write(tmp_path, "zelensky.txt", ZELENSKY)
    with pytest.raises(SystemExit) as exit_:
        main(["extract", str(article), "--out", str(occupied / "out")])
    assert exit_.value.code == 2
    assert f"--out {occupied / 'out'}" in capsys.readouterr().err


def test_exit_code_1_only_when_nothing_could_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = write(tmp_path, "empty.txt", "")
    good = write(tmp_path, "zelensky.txt", ZELENSKY)
    out = tmp_path / "out"
    code, _, err = run(capsys, "extract", str(empty), str(tmp_path / "missing.txt"), "--out", str(out))
    assert code == 1
    assert summary(err).group(1, 4, 5) == ("0", "0", "2")
    assert run(capsys, "extract", str(empty), str(good), "--out", str(out))[0] == 0


# -- bad inputs in one batch, as a user runs it --------------------------------------------------


@pytest.mark.slow
def test_bad_inputs_each_get_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a-good.txt", ZELENSKY)
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    (folder / "d-latin1.txt").write_bytes(
        ("Le Kremlin a déclaré mardi que les négociations continueraient. " * 2).encode("latin-1")
    )
    with (folder / "e-huge.txt").open("wb") as huge:
        huge.truncate(20_000_000)  # sparse: 20 MB on paper, nothing on disk
    write(folder, "f-page.txt", HTML)
    write(folder, "g-italian.txt", ITALIAN)
    write(folder, "h-good.txt", PESKOV)
    out = tmp_path / "out"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("parley")), "extract", str(folder), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    expected = {
        "b-empty.txt": "error: empty file",
        "c-binary.txt": "error: binary file",
        "d-latin1.txt": "error: invalid UTF-8",
        "e-huge.txt": "error: too large",
        "g-italian.txt": "warning: does not look like English",
    }
    for name, problem in expected.items():
        (line,) = [line for line in lines if name in line]
        assert line.startswith(f"parley: {folder / name}: {problem}"), line
    assert len(lines) == len(expected) + 1
    assert summary(done.stderr).group(1, 4, 5) == ("4", "1", "4")
    assert sorted(p.name for p in out.iterdir()) == [
        "a-good.json",
        "f-page.json",
        "g-italian.json",
        "h-good.json",
    ]
    page = load(out / "f-page.json")
    assert "person:vladimir-putin" in speakers(page)  # the article's text, not its markup
    assert page.document.title == "Talks resume"


@pytest.mark.slow
def test_progress_bar_only_in_a_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for name, text in (("a.txt", ZELENSKY), ("b.txt", PESKOV), ("c.txt", BRUSSELS)):
        write(folder, name, text)
    argv = [sys.executable, "-m", "parley", "extract", str(folder), "--out", str(tmp_path / "out")]
    piped = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0
    assert piped.stderr.count("\n") == 1 and "extracting" not in piped.stderr  # just the summary

    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm"}
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=env
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    text = shown.decode("utf-8", "replace")
    assert "extracting" in text and "3/?" in text
    assert "parley: 3 articles" in text


@pytest.mark.slow
def test_closed_output_stream_stops_quietly(tmp_path: Path) -> None:
    paths = [str(write(tmp_path, f"{i}.txt", ZELENSKY)) for i in range(3)]
    process = subprocess.Popen(
        [sys.executable, "-m", "parley", "extract", *paths, "--jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before the first record (like `| head -0`)
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1  # nothing could be written
    assert "Traceback" not in err and "Exception ignored" not in err
    assert "the output stream was closed; stopping" in err
    assert summary(err).group(1, 5) == ("0", "1")


def test_an_unreadable_settings_file_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--settings", "/nonexistent/parley.toml", "extract", "x.txt", "--out", "o"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "/nonexistent/parley.toml: cannot read settings" in err[0] and "[P302]" in err[0]
