"""A real HTTP server on 127.0.0.1 for the ingest and fetch tests (fixtures, imported by those modules).

Modules import the fixture functions (``news_server_fixture``, ``closed_port_fixture``) and request
the fixtures by name (``news_server``, ``closed_port``).

It serves two article pages, an RSS and an Atom feed linking to them, a plain-text article, a 404,
redirects (to itself, to 127.0.0.1, to the metadata address, in a loop), a feed that is not XML,
a page without an article, an image, an oversized page and a slow page. Every request is logged
with its Host header so tests can check what was fetched, how often and where.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TALKS_TEXT = (
    "Negotiators from Armenia and Azerbaijan met in Tbilisi on Monday for a new round of talks on "
    "the border commission, officials from both delegations said. The Armenian side said it was "
    "ready to hand over four villages once the commission finished mapping the frontier, according "
    "to a statement issued by the Armenian government. Azerbaijan's foreign ministry said it wanted "
    "the peace treaty signed before the end of the year and warned that it would not wait forever."
)
TRUCE_TEXT = (
    "The warring sides in Sudan agreed to extend a humanitarian truce by two weeks, mediators in "
    "Jeddah said on Friday. The army and the Rapid Support Forces committed to keeping three aid "
    "corridors open, and both accused each other of shelling a market in Omdurman on Thursday. "
    "A diplomat briefed on the talks said the United States would impose sanctions if the "
    "corridors were closed again."
)
PLAIN_TEXT = (
    "Mediators from Qatar and Egypt said on Sunday that the next round of talks would take place in "
    "Cairo, and that both delegations had accepted the invitation.\n"
)


def article_page(title: str, text: str, date: str, site: str = "Example Wire") -> str:
    """A news page with navigation around the article, as real sites have."""
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in text.split(". ") if sentence.strip())
    return (
        f"<!DOCTYPE html><html><head><title>{title} | {site}</title>"
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{date}T08:00:00Z"></head>'
        f"<body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>Copyright Example Wire</footer></body></html>"
    )


NO_ARTICLE_PAGE = (
    "<!DOCTYPE html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a> | "
    "<a href='/login'>Log in</a></nav><div class='cookie'>We use cookies.</div></body></html>"
)


def rss_feed(base: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Feed title {i}</title><link>{base}{link}</link>"
        f"<pubDate>Mon, 0{i} Sep 2025 09:00:00 GMT</pubDate><description>Teaser {i}</description></item>"
        for i, link in enumerate(links, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example Wire</title>'
        f"<link>{base}/</link><description>World news</description>{items}</channel></rss>"
    )


def atom_feed(base: str, links: list[str]) -> str:
    entries = "".join(
        f"<entry><title>Atom title {i}</title><link href='{base}{link}'/><id>urn:example:{i}</id>"
        f"<updated>2025-10-0{i}T09:00:00Z</updated></entry>"
        for i, link in enumerate(links, start=1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Example Wire</title><id>urn:example</id><updated>2025-10-01T09:00:00Z</updated>{entries}</feed>"
    )


@dataclass
class NewsServer:
    """A running server: its base URL and the log of ``(path, Host header)`` it answered."""

    host: str
    port: int
    scheme: str = "http"
    log: list[tuple[str, str]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for logged, _ in self.log if logged == path)


def _routes(server: NewsServer) -> dict[str, Callable[[], tuple[int, dict[str, str], bytes]]]:
    def html(body: str) -> Callable[[], tuple[int, dict[str, str], bytes]]:
        return lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8"))

    def redirect(target: Callable[[], str]) -> Callable[[], tuple[int, dict[str, str], bytes]]:
        return lambda: (302, {"Location": target()}, b"")

    def xml(body: str, media: str) -> Callable[[], tuple[int, dict[str, str], bytes]]:
        return lambda: (200, {"Content-Type": media}, body.encode("utf-8"))

    links = ["/articles/talks.html", "/articles/truce.html"]
    return {
        "/articles/talks.html": html(
            article_page("Border talks resume in Tbilisi", TALKS_TEXT, "2025-09-01")
        ),
        "/articles/truce.html": html(article_page("Sudan truce extended", TRUCE_TEXT, "2025-09-02")),
        "/articles/plain.txt": lambda: (200, {"Content-Type": "text/plain"}, PLAIN_TEXT.encode()),
        "/no-article.html": html(NO_ARTICLE_PAGE),
        # The same article twice: a feed's entries are fetched once each.
        "/feed.rss": xml(rss_feed(server.base, [*links, links[0]]), "application/rss+xml"),
        "/feed.atom": xml(atom_feed(server.base, links), "application/atom+xml"),
        "/feed-with-404.rss": xml(rss_feed(server.base, ["/missing", links[1]]), "application/rss+xml"),
        "/broken-feed.rss": xml("this is not xml, just a sentence about feeds", "application/rss+xml"),
        "/missing": lambda: (404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"),
        "/redirect": redirect(lambda: "/articles/talks.html"),
        "/redirect-loopback": redirect(lambda: f"http://127.0.0.1:{server.port}/articles/talks.html"),
        "/redirect-metadata": redirect(lambda: "http://169.254.169.254/latest/meta-data/"),
        "/redirect-loop": redirect(lambda: "/redirect-loop"),
        "/image.png": lambda: (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(64)),
        "/big.html": html("<html><body><p>" + "word " * 50_000 + "</p></body></html>"),
    }


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gives up (timeout, size limit) closes the connection mid-response: expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_server(host: str, tls: ssl.SSLContext | None = None) -> tuple[NewsServer, ThreadingHTTPServer]:
    """Start a news server on ``host`` (a free port) in a daemon thread; HTTPS with ``tls``."""
    news = NewsServer(host, 0, "https" if tls else "http")
    routes: dict[str, Callable[[], tuple[int, dict[str, str], bytes]]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            news.log.append((self.path, self.headers.get("Host", "")))
            if self.path == "/slow":
                time.sleep(2)
            if self.path == "/unannounced-big":
                # No Content-Length: the size limit must trip while streaming.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
                return
            status, headers, body = routes.get(self.path, routes["/missing"])()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base)
            pass  # the test output stays clean; requests are in news.log

    httpd = _QuietServer((host, 0), Handler)
    if tls:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    news.port = httpd.server_address[1]
    routes.update(_routes(news))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return news, httpd


@pytest.fixture(name="news_server", scope="module")
def news_server_fixture() -> Iterator[NewsServer]:
    """The news server on 127.0.0.1."""
    news, httpd = start_server("127.0.0.1")
    yield news
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(name="closed_port")
def closed_port_fixture() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
