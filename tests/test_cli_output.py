"""What parley writes touches only what it owns: devices and FIFOs stay what they were, ``-`` is
standard output, new files get the umask's mode, a replaced file keeps its own.

``/dev/null`` is only ever written to and checked with ``os.stat`` (never deleted or recreated);
FIFOs and files live in the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.cli import main
from parley.files import open_output, write_output
from parley.store import open_store

ARTICLE = (
    "Ukrainian President Volodymyr Zelensky said on Monday that Kyiv was ready to accept a full "
    "ceasefire for 30 days if Moscow did the same.\n"
)


@pytest.fixture
def umask_027() -> Iterator[int]:
    """The process umask set to 027 for the test (restored after): new files must be 0640."""
    previous = os.umask(0o027)
    try:
        yield 0o640
    finally:
        os.umask(previous)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "zelensky.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _read_fifo(path: Path) -> tuple[threading.Thread, list[str]]:
    """A reader thread for the FIFO at ``path`` (a writer's open blocks until one exists)."""
    got: list[str] = []

    def read() -> None:
        with open(path, encoding="utf-8") as stream:
            got.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_dev_null_as_jsonl_out_stays_the_device(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat("/dev/null")
    assert main(["extract", str(article), "--jsonl", "--out", "/dev/null"]) == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev, after.st_mode) == (before.st_ino, before.st_rdev, before.st_mode)
    assert "1 article" in capsys.readouterr().err


def test_a_fifo_as_jsonl_out_is_written_through_and_stays_a_fifo(article: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "records.fifo"
    os.mkfifo(fifo)
    reader, got = _read_fifo(fifo)
    assert main(["extract", str(article), "--jsonl", "--out", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    (line,) = got[0].splitlines()
    assert json.loads(line)["document"]["id"] == "zelensky"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.fifo", "zelensky.txt"]  # no leftovers


def test_dash_as_jsonl_out_is_standard_output(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["extract", str(article), "--jsonl", "--out", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["document"]["id"] == "zelensky"


def test_extract_outputs_are_created_with_the_umask_mode(
    article: Path, tmp_path: Path, umask_027: int
) -> None:
    assert main(["extract", str(article), "--out", str(tmp_path / "out")]) == 0
    assert _mode(tmp_path / "out" / "zelensky.json") == umask_027
    assert main(["extract", str(article), "--jsonl", "--out", str(tmp_path / "all.jsonl")]) == 0
    assert _mode(tmp_path / "all.jsonl") == umask_027


def test_a_replaced_file_keeps_its_mode_and_a_symlink_stays_a_link(tmp_path: Path, umask_027: int) -> None:
    target = tmp_path / "kept.jsonl"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o604)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target.name)
    write_output(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert _mode(target) == 0o604


def test_an_interrupted_write_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "kept.json"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), open_output(target) as output:
        output.handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


def test_export_to_dev_null_a_fifo_and_a_new_file(tmp_path: Path, umask_027: int) -> None:
    db = tmp_path / "parley.db"
    open_store(str(db)).close()
    before = os.stat("/dev/null")
    assert (
        main(["export", "--db", str(db), "--format", "ndjson", "--table", "articles", "--out", "/dev/null"])
        == 0
    )
    assert os.stat("/dev/null").st_ino == before.st_ino and stat.S_ISCHR(os.stat("/dev/null").st_mode)

    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    reader, got = _read_fifo(fifo)
    assert (
        main(["export", "--db", str(db), "--format", "csv", "--table", "articles", "--out", str(fifo)]) == 0
    )
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert len(got) == 1 and got[0].startswith("id,key,content_hash,")  # no rows: the header alone

    out = tmp_path / "facts.parquet"
    assert main(["export", "--db", str(db), "--format", "parquet", "--out", str(out)]) == 0
    assert _mode(out) == umask_027


def test_export_to_a_missing_directory_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "parley.db"
    open_store(str(db)).close()
    out = tmp_path / "no" / "such" / "facts.json"
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "json", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"parley: error: {out}: cannot write: no such file or directory [P102]\n"


def test_the_actor_cache_is_written_with_the_umask_mode(
    tmp_path: Path, umask_027: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parley.actors import write_cache

    cache = tmp_path / "cache" / "actors-0123.json"
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "actors-old.json").write_text("{}", encoding="utf-8")
    write_cache(cache, {"people.yaml": []})
    assert json.loads(cache.read_text(encoding="utf-8")) == {"people.yaml": []}
    assert _mode(cache) == umask_027
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["actors-0123.json"]


def test_dev_stdout_as_out_writes_through_the_shells_descriptor(tmp_path: Path) -> None:
    """``--out /dev/stdout >> log`` appends to the log; the log is never replaced or truncated."""
    import subprocess
    import sys

    db = tmp_path / "parley.db"
    open_store(str(db)).close()
    log = tmp_path / "log.txt"
    log.write_text("kept\n", encoding="utf-8")
    inode = log.stat().st_ino
    command = f"{sys.executable} -m parley export --db {db} --format json --table articles --out /dev/stdout >> {log}"
    subprocess.run(["sh", "-c", command], check=True, capture_output=True, timeout=120)
    assert log.read_text(encoding="utf-8") == "kept\n[\n]\n"
    assert log.stat().st_ino == inode


def test_dev_null_as_an_output_directory_is_refused_and_stays_the_device(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = os.stat("/dev/null")
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(article), "--out", "/dev/null"])
    assert exit_info.value.code == 2 and "--out /dev/null: file exists" in capsys.readouterr().err
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
