"""read_sources: files, directories, stdin, sidecars, HTML, URLs, feeds and batches → Articles."""

from __future__ import annotations

import io
import itertools
import json
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ingest_server import (  # noqa: F401
    PLAIN_TEXT,
    TALKS_TEXT,
    TRUCE_TEXT,
    NewsServer,
    article_page,
    atom_feed,
    news_server_fixture,
    rss_feed,
)

from parley.ingest import InputProblem, read_sources, read_text
from parley.ingest.sources import url_id
from parley.records import Article
from parley.settings import load_settings

SETTINGS = load_settings()
EXAMPLES = Path(__file__).parent.parent / "examples"

ENGLISH = (
    "Russia and Ukraine agreed on Tuesday to exchange 300 prisoners each, the Turkish foreign "
    "ministry said, after a day of talks in Istanbul that both delegations called useful.\n"
)


def read_all(sources: list[str], **kwargs: object) -> tuple[list[Article], list[InputProblem]]:
    items = list(read_sources(sources, SETTINGS, **kwargs))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputProblem)]


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return str(path)


def test_the_example_corpus_reads_with_its_sidecars() -> None:
    articles, problems = read_all([str(EXAMPLES)])
    assert problems == []
    assert [a.id for a in articles] == [
        "black-sea-istanbul-ap",
        "black-sea-istanbul-reuters",
        "gaza-doha-hostage-round",
        "sudan-jeddah-truce",
    ]
    for article in articles:
        meta = json.loads((EXAMPLES / f"{article.id}.meta.json").read_text(encoding="utf-8"))
        assert (article.published, article.outlet, article.title) == (
            meta["published"],
            meta["outlet"],
            meta["title"],
        )
        assert article.text == (EXAMPLES / f"{article.id}.txt").read_text(encoding="utf-8")
        assert 250 <= len(article.text.split()) <= 450


def test_a_text_file_is_read_exactly_as_decoded(tmp_path: Path) -> None:
    content = "  \r\n" + ENGLISH.replace("\n", "\r\n") + "\n\n   "
    (article,), problems = read_all([write(tmp_path / "talks.txt", content)])
    assert problems == []
    assert article.text == content  # no stripping, no newline normalisation: offsets index into it
    assert (article.id, article.source) == ("talks", str(tmp_path / "talks.txt"))
    assert article.published is article.outlet is article.url is article.title is None


def test_byte_order_marks_are_honoured(tmp_path: Path) -> None:
    utf8 = write(tmp_path / "utf8.txt", b"\xef\xbb\xbf" + ENGLISH.encode())
    utf16 = write(tmp_path / "utf16.txt", ENGLISH.encode("utf-16"))  # with its BOM
    articles, problems = read_all([utf8, utf16])
    assert problems == []
    assert [a.text for a in articles] == [ENGLISH, ENGLISH]


def test_a_directory_is_read_recursively_in_order_skipping_hidden_files_and_sidecars(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", ENGLISH)
    write(tmp_path / "a.txt", ENGLISH)
    write(tmp_path / "a.meta.json", '{"published": "2025-04-01"}')
    write(tmp_path / "sub" / "c.txt", ENGLISH)
    write(tmp_path / ".hidden.txt", ENGLISH)
    write(tmp_path / ".git" / "d.txt", ENGLISH)
    articles, problems = read_all([str(tmp_path)])
    assert problems == []
    assert [(a.id, a.published) for a in articles] == [("a", "2025-04-01"), ("b", None), ("c", None)]


def test_metadata_precedence_explicit_then_sidecar_then_page(tmp_path: Path) -> None:
    page = article_page("Border talks resume in Tbilisi", TALKS_TEXT, "2025-09-01", site="Example Wire")
    write(tmp_path / "page.html", page)
    write(tmp_path / "page.meta.json", '{"outlet": "Reuters", "url": "https://www.reuters.com/world/x"}')
    (from_sidecar,), _ = read_all([str(tmp_path / "page.html")])
    assert from_sidecar.published == "2025-09-01"  # from the page, the sidecar leaves it unset
    assert from_sidecar.outlet == "outlet:reuters"  # the sidecar beats the page's "Example Wire"
    assert from_sidecar.url == "https://www.reuters.com/world/x"
    assert from_sidecar.title == "Border talks resume in Tbilisi"
    (explicit,), _ = read_all([str(tmp_path / "page.html")], published="2025-09-03", outlet="outlet:bbc")
    assert (explicit.published, explicit.outlet) == ("2025-09-03", "outlet:bbc")  # "for all inputs"


def test_an_html_file_becomes_its_main_text(tmp_path: Path) -> None:
    page = article_page("Sudan truce extended", TRUCE_TEXT, "2025-09-02", site="Example Wire")
    (article,), problems = read_all([write(tmp_path / "truce.html", page)])
    assert problems == []
    assert article.text.startswith("The warring sides in Sudan agreed")  # headline kept in title only
    assert "Home" not in article.text and "Copyright" not in article.text and "<p>" not in article.text
    assert (article.id, article.title, article.published) == ("truce", "Sudan truce extended", "2025-09-02")
    assert article.outlet == "outlet:example-wire"  # a site the registry does not know: its name's slug


def test_html_given_as_text_is_sniffed(tmp_path: Path) -> None:
    page = article_page("Sudan truce extended", TRUCE_TEXT, "2025-09-02")
    assert "<" not in read_text(page.encode(), "page.txt", SETTINGS)
    (article,), problems = read_all([write(tmp_path / "page.txt", page)])
    assert problems == [] and "Rapid Support Forces" in article.text and "<article>" not in article.text


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENGLISH.encode())))
    (article,), problems = read_all(["-"], published="2025-05-16")
    assert problems == []
    assert (article.text, article.source, article.published) == (ENGLISH, "stdin", "2025-05-16")
    assert article.id is not None and article.id.startswith("stdin-")


def test_a_url_becomes_an_article(news_server: NewsServer) -> None:
    url = news_server.url("/articles/talks.html")
    (article,), problems = read_all([url], allow_private=True)
    assert problems == []
    assert article.text.startswith("Negotiators from Armenia and Azerbaijan met in Tbilisi")
    assert (article.source, article.url, article.id) == (url, url, url_id(url))
    assert (article.title, article.published) == ("Border talks resume in Tbilisi", "2025-09-01")


def test_a_plain_text_url_is_kept_as_served(news_server: NewsServer) -> None:
    (article,), problems = read_all([news_server.url("/articles/plain.txt")], allow_private=True)
    assert problems == []
    assert article.text == PLAIN_TEXT


def test_allow_private_defaults_to_the_setting(news_server: NewsServer) -> None:
    url = news_server.url("/articles/talks.html")
    allowed = list(read_sources([url], load_settings(fetch={"allow_private": True})))
    assert [type(i) for i in allowed] == [Article]
    (refused,) = list(read_sources([url], SETTINGS))
    assert isinstance(refused, InputProblem) and refused.code == "P201"


def test_url_ids_are_stable_and_readable() -> None:
    first = url_id("https://www.example.com/world/2025/06/black-sea-talks.html")
    assert first == url_id("https://www.example.com/world/2025/06/black-sea-talks.html")
    assert first.startswith("example-com-black-sea-talks-")
    assert first != url_id("https://www.example.com/world/2025/07/black-sea-talks.html")


@pytest.mark.parametrize("path", ["/feed.rss", "/feed.atom"])
def test_a_feed_url_fetches_each_entry_once_with_the_entry_date_and_title(
    news_server: NewsServer, path: str
) -> None:
    before = {p: news_server.hits(p) for p in ("/articles/talks.html", "/articles/truce.html")}
    articles, problems = read_all([news_server.url(path)], allow_private=True)
    assert problems == []
    assert [a.url for a in articles] == [news_server.url(p) for p in before]
    for page, count in before.items():
        assert news_server.hits(page) == count + 1  # the RSS feed lists talks.html twice
    word = "Feed" if path.endswith("rss") else "Atom"
    month = "09" if path.endswith("rss") else "10"
    assert [(a.title, a.published) for a in articles] == [
        (f"{word} title 1", f"2025-{month}-01"),
        (f"{word} title 2", f"2025-{month}-02"),
    ]
    assert "Tbilisi" in articles[0].text and "Jeddah" in articles[1].text


def test_a_feed_file_on_disk(tmp_path: Path, news_server: NewsServer) -> None:
    feed = write(tmp_path / "wire.xml", atom_feed(news_server.base, ["/articles/truce.html"]))
    (article,), problems = read_all([feed], allow_private=True)
    assert problems == []
    assert (article.title, article.published, article.id) == (
        "Atom title 1",
        "2025-10-01",
        url_id(article.url or ""),
    )


def test_a_failing_feed_entry_is_a_problem_and_the_feed_goes_on(news_server: NewsServer) -> None:
    articles, problems = read_all([news_server.url("/feed-with-404.rss")], allow_private=True)
    assert [p.source for p in problems] == [news_server.url("/missing")]
    assert "HTTP 404" in problems[0].message
    assert [a.url for a in articles] == [news_server.url("/articles/truce.html")]


def test_feed_entries_without_a_link_use_their_content(tmp_path: Path) -> None:
    body = "".join(f"<p>{s}.</p>" for s in TRUCE_TEXT.split(". "))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Truce</title>'
        f"<pubDate>Fri, 05 Sep 2025 10:00:00 GMT</pubDate><description><![CDATA[{body}]]></description>"
        "</item></channel></rss>"
    )
    (article,), problems = read_all([write(tmp_path / "wire.rss", feed)])
    assert problems == []
    assert (article.id, article.title, article.published) == ("wire#1", "Truce", "2025-09-05")
    assert article.text.startswith("The warring sides in Sudan")


def test_a_jsonl_batch(tmp_path: Path, news_server: NewsServer) -> None:
    rows = [
        {"text": ENGLISH, "published": "2025-05-16T10:30:00+00:00", "outlet": "Reuters", "title": "Swap"},
        {"html": article_page("Sudan truce extended", TRUCE_TEXT, "2025-09-02"), "id": "truce-1"},
        {"url": news_server.url("/articles/talks.html"), "outlet": "outlet:example"},
    ]
    batch = write(tmp_path / "batch.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    articles, problems = read_all([batch], allow_private=True)
    assert problems == []
    assert [(a.id, a.source) for a in articles] == [
        ("batch#1", f"{batch}:1"),
        ("truce-1", f"{batch}:2"),
        ("batch#3", f"{batch}:3"),
    ]
    assert (articles[0].text, articles[0].published, articles[0].outlet) == (
        ENGLISH,
        "2025-05-16",
        "outlet:reuters",
    )
    assert articles[1].title == "Sudan truce extended"
    assert (
        articles[2].url == news_server.url("/articles/talks.html") and articles[2].outlet == "outlet:example"
    )
    assert articles[2].published == "2025-09-01"  # the row leaves it unset, the page has it


def test_a_csv_batch_with_multiline_cells_and_explicit_metadata(tmp_path: Path) -> None:
    text = ENGLISH + "\nA second paragraph, with a comma.\n"
    quoted = text.replace('"', '""')
    content = f'Title,Text,Published\nSwap,"{quoted}",2025-05-16\n\nTalks,"{quoted}",\n'
    batch = write(tmp_path / "batch.csv", content)
    articles, problems = read_all([batch], outlet="outlet:ap")
    assert problems == []
    assert [(a.id, a.title, a.published, a.outlet) for a in articles] == [
        ("batch#2", "Swap", "2025-05-16", "outlet:ap"),
        ("batch#7", "Talks", None, "outlet:ap"),  # the row starting on line 7
    ]
    assert articles[0].text == text


def test_bad_rows_are_problems_and_the_batch_goes_on(tmp_path: Path) -> None:
    jsonl = write(
        tmp_path / "rows.jsonl",
        json.dumps({"text": ENGLISH})
        + "\n{not json\n[1, 2]\n"
        + json.dumps({"title": "nothing to read"})
        + "\n"
        + json.dumps({"text": ENGLISH, "published": "last Tuesday"})
        + "\n"
        + json.dumps({"text": ENGLISH, "title": ["a", "list"]})
        + "\n"
        + json.dumps({"text": ENGLISH})
        + "\n",
    )
    csv_file = write(
        tmp_path / "rows.csv", f'text,published\n"{ENGLISH}",\n"{ENGLISH}",2025-01-01,extra\n"",2025-01-02\n'
    )
    articles, problems = read_all([jsonl, csv_file])
    assert [a.source for a in articles] == [f"{jsonl}:1", f"{jsonl}:7", f"{csv_file}:2"]
    assert [(p.source, p.code) for p in problems] == [
        (f"{jsonl}:2", "P202"),
        (f"{jsonl}:3", "P202"),
        (f"{jsonl}:4", "P202"),
        (f"{jsonl}:5", "P100"),
        (f"{jsonl}:6", "P202"),
        (f"{csv_file}:4", "P202"),  # rows start on lines 2, 4, 6: the text holds a newline
        (f"{csv_file}:6", "P202"),
    ]
    messages = [p.message for p in problems]
    assert messages[0].startswith("invalid JSON")
    assert "expected a JSON object" in messages[1]
    assert "no 'text', 'html' or 'url'" in messages[2]
    assert "invalid published date 'last Tuesday'" in messages[3]
    assert "must be a string" in messages[4]
    assert "3 fields where the header has 2" in messages[5]
    assert "no 'text', 'html' or 'url'" in messages[6]


def test_a_sidecar_that_is_not_json_is_an_error_naming_it(tmp_path: Path) -> None:
    article = write(tmp_path / "talks.txt", ENGLISH)
    write(tmp_path / "talks.meta.json", "{published: 2025}")
    (problem,) = list(read_sources([article], SETTINGS))
    assert isinstance(problem, InputProblem)
    assert problem.source == article and str(tmp_path / "talks.meta.json") in problem.message


def test_an_invalid_published_argument_is_one_problem(tmp_path: Path) -> None:
    (problem,) = list(read_sources([write(tmp_path / "a.txt", ENGLISH)], SETTINGS, published="18/03/2025"))
    assert isinstance(problem, InputProblem) and "invalid published date '18/03/2025'" in problem.message


def test_problems_print_as_one_line_naming_the_source() -> None:
    problem = InputProblem("news/a.txt", "cannot read:\nbroken", "P100")
    assert str(problem) == "news/a.txt: error: cannot read: broken [P100]"
    assert (
        str(InputProblem("b.txt", "not English", "P101", "warning")) == "b.txt: warning: not English [P101]"
    )


def test_sources_are_read_lazily(tmp_path: Path) -> None:
    consumed: list[str] = []

    def sources() -> Iterator[str]:
        for name in ("a", "b", "c"):
            consumed.append(name)
            yield write(tmp_path / f"{name}.txt", ENGLISH)

    first = next(read_sources(sources(), SETTINGS))
    assert isinstance(first, Article) and consumed == ["a"]


def test_a_large_batch_is_streamed_not_loaded(tmp_path: Path) -> None:
    line = json.dumps({"text": ENGLISH, "published": "2025-05-16"}) + "\n"
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(itertools.repeat(line, 100_000))
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        first = list(itertools.islice(read_sources([str(path)], SETTINGS), 3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [a.id for a in first if isinstance(a, Article)] == ["big#1", "big#2", "big#3"]
    assert peak < 2_000_000  # a few rows in memory, not the 20 MB file


# -- fragments and plain descriptions (trafilatura finds no article in them alone) ---------------

#: About 3 kB of prose in one block, as a single-paragraph fragment carries it.
ONE_BLOCK = " ".join([ENGLISH.strip()] * 14)


@pytest.mark.parametrize("tag", ["p", "div"])
def test_a_single_block_html_fragment_is_read(tag: str, tmp_path: Path) -> None:
    fragment = f"<{tag}>{ONE_BLOCK}</{tag}>"
    (tmp_path / "one.html").write_text(fragment, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "row", "html": fragment}) + "\n", encoding="utf-8")
    articles, problems = read_all([str(tmp_path / "one.html"), str(tmp_path / "rows.jsonl")])
    assert problems == []
    assert [a.id for a in articles] == ["one", "row"]
    for article in articles:
        assert article.text.strip() == ONE_BLOCK and "<" not in article.text


def test_plain_and_escaped_feed_descriptions_are_read(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Plain</title><description>{ENGLISH.strip()} Talks &amp; more.</description></item>"
        f"<item><title>Escaped</title><description>&lt;p&gt;{ENGLISH.strip()}&lt;/p&gt;</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    articles, problems = read_all([str(feed)])
    assert problems == []
    assert [a.title for a in articles] == ["Plain", "Escaped"]
    assert articles[0].text.strip() == ENGLISH.strip() + " Talks & more."
    assert articles[1].text.strip() == ENGLISH.strip()
