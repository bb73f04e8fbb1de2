"""Bad input: each yields one clear problem naming the source, and the rest of the batch is read.

Every case is read between two good articles in the same ``read_sources`` call.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from test_ingest_server import NewsServer, closed_port_fixture, news_server_fixture  # noqa: F401

from parley.errors import InputError
from parley.ingest import InputProblem, read_sources, read_text
from parley.records import Article
from parley.settings import load_settings

SETTINGS = load_settings()

GOOD = (
    "Ukraine and Russia agreed to a 30-day halt to strikes on energy facilities, the Kremlin said on "
    "Tuesday, after a phone call that the White House described as productive.\n"
)
FRENCH = (
    "Les négociateurs des deux camps se sont réunis jeudi à Djeddah, ont indiqué des responsables, "
    "pour les premiers pourparlers directs depuis l'effondrement de la trêve en mars. Les médiateurs "
    "ont proposé d'ouvrir trois couloirs pour les convois d'aide et de créer un comité de suivi.\n"
)


def _file(name: str, content: bytes) -> Callable[[Path, NewsServer, int], str]:
    def make(tmp_path: Path, server: NewsServer, port: int) -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return make


def _huge(tmp_path: Path, server: NewsServer, port: int) -> str:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(20_000_000)  # sparse: 20 MB on paper, nothing on disk
    return str(path)


def _url(path: str) -> Callable[[Path, NewsServer, int], str]:
    return lambda tmp_path, server, port: server.url(path)


def _unreachable(tmp_path: Path, server: NewsServer, port: int) -> str:
    return f"http://127.0.0.1:{port}/article.html"


CASES = {
    "empty file": (_file("empty.txt", b""), "P100", "empty file"),
    "whitespace only": (_file("blank.txt", b" \n\t\r\n  "), "P100", "only whitespace"),
    "binary file": (
        _file("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)),
        "P100",
        "binary file",
    ),
    "control characters": (
        _file("dump.txt", bytes(range(1, 9)) * 40 + GOOD.encode()),
        "P100",
        "control characters",
    ),
    "UTF-16 without BOM": (
        _file("utf16.txt", GOOD.encode("utf-16-le")),
        "P100",
        "UTF-16 text needs a byte-order mark",
    ),
    "invalid UTF-8": (
        _file("latin1.txt", "Talks in Malmö ended".encode("latin-1") + GOOD.encode()),
        "P100",
        "invalid UTF-8 at byte offset 13 (line 1, byte 0xf6)",
    ),
    "20 MB file": (_huge, "P100", "too large: 20.0 MB (20,000,000 bytes), the limit is 5.0 MB"),
    "too short": (_file("short.txt", b"Talks ended.\n"), "P100", "too short to be an article"),
    "HTML without article given as text": (
        _file("page.txt", b"<!DOCTYPE html><html><body><nav>Home | News</nav></body></html>"),
        "P100",
        "no article text found",
    ),
    "missing file": (lambda tmp_path, server, port: str(tmp_path / "nope.txt"), "P100", "no such file"),
    "unreachable URL": (_unreachable, "P200", "unreachable: connection refused"),
    "404": (_url("/missing"), "P200", "HTTP 404 Not Found"),
    "feed that is not XML": (_url("/broken-feed.rss"), "P202", "not an RSS or Atom feed"),
    "feed file that is not XML": (
        _file("wire.rss", b"just words, no markup at all"),
        "P202",
        "not an RSS or Atom feed",
    ),
    "HTML page with no article": (_url("/no-article.html"), "P100", "no article text found in the HTML page"),
    "image URL": (_url("/image.png"), "P200", "not a text page (content type image/png)"),
    "CSV with missing columns": (
        _file("batch.csv", b"title,body,published\nTalks,Some text,2025-01-01\n"),
        "P202",
        "missing columns: a CSV batch needs a 'text', 'html' or 'url' column (found: title, body, published)",
    ),
    "URL scheme": (lambda tmp_path, server, port: "file:///etc/passwd", "P201", "only http and https"),
    "named pipe": (
        lambda tmp_path, server, port: _fifo(tmp_path / "pipe.txt"),
        "P100",
        "a named pipe (FIFO)",
    ),
    "character device": (lambda tmp_path, server, port: "/dev/null", "P100", "a character device"),
    "socket": (lambda tmp_path, server, port: _socket(tmp_path / "sock.txt"), "P100", "a socket"),
    "self-pointing symlink": (
        lambda tmp_path, server, port: _symlink(tmp_path / "self.txt", "self.txt"),
        "P100",
        "a symbolic link that points (through others) back to itself",
    ),
    "symlink loop": (
        lambda tmp_path, server, port: _symlink(tmp_path / "a.txt", _symlink(tmp_path / "b.txt", "a.txt")),
        "P100",
        "back to itself",
    ),
}


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


def _socket(path: Path) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(path))  # the socket file outlives the socket
    return str(path)


def _symlink(path: Path, target: str) -> str:
    os.symlink(target, path)
    return str(path)


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_input_is_one_problem_and_the_batch_goes_on(
    case: str, tmp_path: Path, news_server: NewsServer, closed_port: int
) -> None:
    make, code, message = CASES[case]
    (tmp_path / "first.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "last.txt").write_text(GOOD, encoding="utf-8")
    bad = make(tmp_path, news_server, closed_port)
    sources = [str(tmp_path / "first.txt"), bad, str(tmp_path / "last.txt")]
    items = list(read_sources(sources, SETTINGS, allow_private=True))
    assert [type(i) for i in items] == [Article, InputProblem, Article]
    problem = items[1]
    assert isinstance(problem, InputProblem)
    assert (problem.source, problem.code, problem.severity) == (bad, code, "error")
    assert message in problem.message
    line = str(problem)
    assert line.startswith(f"{bad}: error: ") and "\n" not in line and "Traceback" not in line


def test_a_20_mb_file_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = _huge(tmp_path, NewsServer("127.0.0.1", 0), 0)
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    (problem,) = list(read_sources([huge], SETTINGS))
    assert isinstance(problem, InputProblem) and "too large" in problem.message
    assert opened == []


def test_html_given_as_text_is_read_as_its_main_text(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Truce talks</title></head><body><nav>Home | World</nav><article>"
        f"<p>{GOOD.strip()}</p><p>Both sides said the halt would be monitored by a joint team.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "page.txt"
    path.write_text(html, encoding="utf-8")
    (article,) = list(read_sources([str(path)], SETTINGS))
    assert isinstance(article, Article)
    assert article.text.startswith("Ukraine and Russia agreed to a 30-day halt")
    assert "<p>" not in article.text and "Home | World" not in article.text
    assert article.title == "Truce talks"


def test_a_non_english_article_is_a_warning_and_still_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-fr.txt").write_text(FRENCH, encoding="utf-8")
    items = list(read_sources([str(tmp_path)], SETTINGS))
    assert [type(i) for i in items] == [Article, InputProblem, Article]
    warning, article = items[1], items[2]
    assert isinstance(warning, InputProblem) and isinstance(article, Article)
    assert (warning.source, warning.code, warning.severity) == (str(tmp_path / "b-fr.txt"), "P101", "warning")
    assert "does not look like English" in warning.message
    assert str(warning).startswith(f"{tmp_path / 'b-fr.txt'}: warning: ")
    assert article.text == FRENCH


def test_a_non_latin_article_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_text(
        "Переговорщики обеих сторон встретились в четверг в Стамбуле, сообщили официальные лица.\n"
    )
    warning, article = list(read_sources([str(path)], SETTINGS))
    assert isinstance(warning, InputProblem) and warning.severity == "warning"
    assert "0% of letters are Latin" in warning.message
    assert isinstance(article, Article)


def test_read_text_raises_input_errors_naming_the_source() -> None:
    with pytest.raises(InputError) as err:
        read_text(b"\xff\xfe\x00", "upload", SETTINGS)  # a UTF-16 BOM with half a character
    assert str(err.value).startswith("upload: invalid utf-16")
    with pytest.raises(InputError, match="^upload: empty file"):
        read_text(b"", "upload", SETTINGS)
    with pytest.raises(InputError, match="too large"):
        read_text(b"x" * 101, "upload", load_settings(input={"max_bytes": 100}))


def test_a_directory_with_a_pipe_and_symlink_loops_reads_its_files(tmp_path: Path) -> None:
    """Nothing in a directory that is not a regular file blocks the run or ends it."""
    (tmp_path / "a-first.txt").write_text(GOOD, encoding="utf-8")
    _fifo(tmp_path / "b-pipe.txt")
    _symlink(tmp_path / "c-self.txt", "c-self.txt")
    _symlink(tmp_path / "d-up", ".")  # a link to a directory is not followed
    (tmp_path / "e-last.txt").write_text(GOOD, encoding="utf-8")
    items = list(read_sources([str(tmp_path)], SETTINGS))
    assert [type(i) for i in items] == [Article, InputProblem, InputProblem, Article]
    assert [i.source for i in items[1:3]] == [str(tmp_path / "b-pipe.txt"), str(tmp_path / "c-self.txt")]
    assert "named pipe" in items[1].message and "back to itself" in items[2].message


# -- text made safe at the edge -----------------------------------------------------------------

UNSAFE_ROWS = (
    b'{"id": "surrogate", "text": "'
    + GOOD.strip().encode()
    + b' \\ud800 Talks went on.", "title": "A \\udfff"}\n'
    b'{"id": "nul", "text": "' + GOOD.strip().encode() + b' \\u0000 and \\u001b[31m escape."}\n'
    b'{"id": "good", "text": "' + GOOD.strip().encode() + b'"}\n'
)


def test_jsonl_rows_with_lone_surrogates_and_controls_are_read_with_replacements(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(UNSAFE_ROWS)
    articles = list(read_sources([str(path)], SETTINGS))
    assert [a.id for a in articles if isinstance(a, Article)] == ["surrogate", "nul", "good"]
    surrogate, nul, _ = articles
    assert isinstance(surrogate, Article) and isinstance(nul, Article)
    assert surrogate.text.endswith(" \ufffd Talks went on.") and surrogate.title == "A \ufffd"
    assert nul.text.endswith(" \ufffd and \ufffd[31m escape.")
    for article in articles:
        article.text.encode("utf-8")  # storable as UTF-8: nothing left to fail later


def test_a_feed_with_references_to_impossible_characters_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Truce &#55296; talks</title><description>{GOOD.strip()} &#xD800; &#0; &#1114112; "
        "Both sides said the halt would be monitored.</description></item>"
        f"<item><title>More</title><description>{GOOD.strip()} Observers will report weekly.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    items = list(read_sources([str(path)], SETTINGS))
    assert [type(i) for i in items] == [Article, Article]
    first = items[0]
    assert isinstance(first, Article) and first.title == "Truce \ufffd talks"
    assert "\ufffd \ufffd \ufffd Both sides" in first.text


def test_parley_extract_keeps_offsets_exact_for_the_text_it_was_given() -> None:
    import parley

    text = f"{GOOD.strip()} \ud800 The foreign ministry said\x00 talks would go on.\x1b"
    records = parley.extract(text)
    assert records.statements
    safe = text.replace("\ud800", "\ufffd").replace("\x00", "\ufffd").replace("\x1b", "\ufffd")
    for statement in records.statements:
        start, end = statement.span
        assert 0 <= start < end <= len(safe)


# -- nothing to read ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("none.csv", b""),
        ("header.csv", b"text,published\n"),
        ("none.jsonl", b""),
        ("blank.jsonl", b"\n \n\n"),
    ],
)
def test_an_empty_batch_is_a_warning_that_there_is_nothing_to_read(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = list(read_sources([str(path)], SETTINGS))
    assert isinstance(problem, InputProblem)
    assert (problem.source, problem.severity, problem.code) == (str(path), "warning", "P202")
    assert problem.message == "nothing to read: the batch file has no rows"


def test_an_empty_directory_is_a_warning_that_there_is_nothing_to_read(tmp_path: Path) -> None:
    (tmp_path / ".hidden").write_text(GOOD, encoding="utf-8")
    (problem,) = list(read_sources([str(tmp_path)], SETTINGS))
    assert isinstance(problem, InputProblem) and problem.severity == "warning"
    assert problem.message == "nothing to read: the directory holds no files"


def test_a_fifo_is_never_waited_on_even_if_it_appears_after_the_check(tmp_path: Path) -> None:
    """The readers open sources without blocking and check them on the open descriptor."""
    from parley.files import open_source

    fifo = _fifo(tmp_path / "late.jsonl")
    with pytest.raises(OSError, match="a named pipe"):
        open_source(fifo)
    with open_source(__file__) as handle:  # a regular file reads as usual, blocking reads and all
        assert handle.read(3) == b'"""'
