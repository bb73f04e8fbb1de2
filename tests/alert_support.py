"""Real receivers on 127.0.0.1 for the alert and watch tests (fixtures; this module holds no tests).

- ``WebhookReceiver``: an HTTP server that checks each POST's HMAC-SHA256 signature, counts
  deliveries by their idempotency key (as a real receiver would) and can fail or stall on purpose;
- ``MailReceiver``: an SMTP server (aiosmtpd) keeping the messages it is sent, in the clear, with
  STARTTLS or over TLS, with a certificate of a test certificate authority (``Certificates``,
  made with the ``openssl`` command);
- ``FeedServer``: an RSS feed whose items are added between rounds, with article pages, ETag and
  Last-Modified (answering 304), and switches for a 500, a slow answer and malformed XML.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

SECRET = "webhook-test-secret"


class _Server:
    """A ThreadingHTTPServer on a free port of 127.0.0.1, serving in a thread until ``close``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the test output stays readable
        pass


class _WebhookHandler(_Quiet):
    def do_POST(self) -> None:
        owner: WebhookReceiver = self.server.owner  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        stamp = self.headers.get("X-Parley-Timestamp", "")
        expected = (
            "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        signed = hmac.compare_digest(self.headers.get("X-Parley-Signature", ""), expected)
        key = self.headers.get("Idempotency-Key", "")
        with owner.lock:
            owner.requests += 1
            failing = owner.fail_next > 0
            owner.fail_next -= failing
        if owner.delay:
            time.sleep(owner.delay)
        if not signed:
            self._answer(401)
            return
        if failing:
            self._answer(500)
            return
        with owner.lock:
            owner.posts[key] += 1
            if key not in owner.alerts:
                owner.alerts[key] = json.loads(body)
                owner.arrived[key] = time.monotonic()
        self._answer(204)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class WebhookReceiver(_Server):
    """Counts signed deliveries by idempotency key: ``alerts`` (first body of each key), ``posts``
    (how many times each key came). ``fail_next`` answers 500 that many times; ``delay`` stalls."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.alerts: dict[str, dict[str, Any]] = {}
        self.arrived: dict[str, float] = {}
        self.posts: Counter[str] = Counter()
        self.requests = 0
        self.fail_next = 0
        self.delay = 0.0
        super().__init__(_WebhookHandler)

    @property
    def url(self) -> str:
        return f"{self.base}/hooks/parley"


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    """A webhook receiver, with its secret in PARLEY_WEBHOOK_SECRET."""
    monkeypatch.setenv("PARLEY_WEBHOOK_SECRET", SECRET)
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


class Certificates:
    """A certificate authority and a certificate it signs for 127.0.0.1 (and localhost), as PEM
    files in ``directory``: ``ca``, ``certificate``, ``key``."""

    def __init__(self, directory: Path) -> None:
        self.ca, ca_key = directory / "ca.pem", directory / "ca.key"
        self.certificate, self.key = directory / "server.pem", directory / "server.key"
        request, extensions = directory / "server.csr", directory / "server.ext"
        extensions.write_text(
            "subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\n"
            "keyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n"
            "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid, issuer\n"
        )
        for command in (
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", self.ca, "-days", "2",
             "-subj", "/CN=parley test CA", "-addext", "basicConstraints = critical, CA:TRUE",
             "-addext", "keyUsage = critical, keyCertSign, cRLSign"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", request, "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", request, "-CA", self.ca, "-CAkey", ca_key, "-CAcreateserial", "-out",
             self.certificate, "-days", "2", "-extfile", extensions],
        ):  # fmt: skip
            subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, self.key)
        return context


class MailReceiver:
    """An SMTP server (aiosmtpd) on 127.0.0.1 keeping every message: ``messages`` by Message-ID.
    ``security``: "none", "starttls" (required before mail) or "ssl" (TLS from the start), with
    the certificate of ``certificates``."""

    def __init__(self, security: str = "none", certificates: Certificates | None = None) -> None:
        from aiosmtpd.controller import Controller

        receiver = self
        self.messages: dict[str, Any] = {}
        self.received: Counter[str] = Counter()

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = message_from_bytes(envelope.content, policy=policy.default)
                receiver.received[message["Message-ID"]] += 1
                receiver.messages.setdefault(message["Message-ID"], message)
                return "250 OK"

        with socket.socket() as probe:  # aiosmtpd checks its own port once started: it needs a real one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        tls: dict[str, Any] = {}
        if security == "starttls" and certificates is not None:
            tls = {"tls_context": certificates.server_context(), "require_starttls": True}
        elif security == "ssl" and certificates is not None:
            tls = {"ssl_context": certificates.server_context()}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **tls)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


#: (accuser, accused as an adjective): each report names another pair, so each is a violation of its own.
PAIRS = [("Armenia", "Azerbaijani"), ("Ukraine", "Russian"), ("India", "Pakistani"), ("Israel", "Hamas"),
         ("Cambodia", "Thai"), ("Rwanda", "Congolese"), ("Ethiopia", "Eritrean"), ("Serbia", "Kosovo"),
         ("Sudan", "RSF"), ("Azerbaijan", "Armenian"), ("Pakistan", "Indian"), ("Thailand", "Cambodian")]  # fmt: skip


def report_text(n: int) -> str:
    """An article of my own: one country accuses another's forces of breaking a ceasefire (a violation)."""
    accuser, accused = PAIRS[n % len(PAIRS)]
    return (
        f"{accuser}'s foreign ministry said on Monday that {accused} forces shelled villages near the border"
        " overnight, violating the ceasefire. Officials said the attack broke the truce agreed last month."
    )


def _page(n: int) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>Report {n} | Test Wire</title>"
        f'<meta property="og:site_name" content="Test Wire"><meta property="og:title" content="Report {n}">'
        f'<meta property="article:published_time" content="2025-04-{10 + n % 18:02d}T08:00:00Z"></head>'
        f"<body><article><h1>Report {n}</h1><p>{report_text(n)}</p></article></body></html>"
    )


class _FeedHandler(_Quiet):
    def do_GET(self) -> None:
        owner: FeedServer = self.server.owner  # type: ignore[attr-defined]
        with owner.lock:
            owner.hits[self.path] += 1
            mode, items, version = owner.mode, list(owner.items), owner.version
        if self.path.startswith("/articles/"):
            if owner.page_delay:
                time.sleep(owner.page_delay)
            n = int(self.path.rsplit("/", 1)[1].removesuffix(".html"))
            self._send(200, _page(n).encode(), "text/html; charset=utf-8")
            return
        if self.path != "/feed.xml":
            self._send(404, b"not found", "text/plain")
            return
        if mode == "error":
            self._send(500, b"server error", "text/plain")
            return
        if mode == "slow":
            time.sleep(owner.slow_seconds)
        etag = f'"v{version}"'
        if self.headers.get("If-None-Match") == etag:
            with owner.lock:
                owner.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if mode == "malformed":
            body = b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>broken"
        else:
            entries = "".join(
                f"<item><title>Report {n}</title><link>{owner.base}/articles/{n}.html</link>"
                f"<guid>{owner.base}/articles/{n}.html</guid></item>"
                for n in items
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire</title>'
                f"<link>{owner.base}/</link><description>test</description>{entries}</channel></rss>"
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(owner.modified, usegmt=True))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FeedServer(_Server):
    """An RSS feed at ``/feed.xml`` listing ``items`` (report numbers), each a page ``/articles/N.html``.

    ``add(n...)`` publishes items (a new ETag); ``mode`` is "ok", "error" (500), "slow" (answers
    after ``slow_seconds``) or "malformed" (broken XML); ``hits`` counts requests by path.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[int] = []
        self.version = 0
        self.modified = time.time()
        self.mode = "ok"
        self.slow_seconds = 0.0
        self.page_delay = 0.0
        self.not_modified = 0
        self.hits: Counter[str] = Counter()
        super().__init__(_FeedHandler)

    @property
    def feed(self) -> str:
        return f"{self.base}/feed.xml"

    def add(self, *numbers: int) -> None:
        with self.lock:
            self.items = [*numbers, *self.items]
            self.version += 1
            self.modified = time.time()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()
