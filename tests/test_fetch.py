"""fetch() and its SSRF guard, against real HTTP servers on 127.0.0.1 (and 127.0.0.2)."""

from __future__ import annotations

import importlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_ingest_server import NewsServer, closed_port_fixture, news_server_fixture, start_server  # noqa: F401

from parley.errors import BlockedAddressError, FetchError
from parley.ingest.fetch import blocked_reason, fetch, metadata_reason
from parley.settings import load_settings

SETTINGS = load_settings()
# The module, not the function of the same name that parley.ingest exports.
fetch_module = importlib.import_module("parley.ingest.fetch")

#: The address the tests treat as public: a second server on 127.0.0.2 stands for a site on the internet.
PUBLIC_TEST_IP = "127.0.0.2"


@pytest.fixture(scope="module")
def public_server() -> Iterator[NewsServer]:
    news, httpd = start_server(PUBLIC_TEST_IP)
    yield news
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A throw-away CA and a certificate it signed for ``news.test`` only: ``(ca, cert, key)``."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make test certificates")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "san.ext").write_text("subjectAltName=DNS:news.test\n")
    for command in (
        [
            "req",
            "-x509",
            *ec,
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=parley test CA",
        ],
        ["req", *ec, "-keyout", "news.key", "-out", "news.csr", "-subj", "/CN=news.test"],
        ["x509", "-req", "-in", "news.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"]
        + ["-out", "news.pem", "-days", "2", "-extfile", "san.ext"],
    ):
        subprocess.run(["openssl", *command], cwd=d, check=True, capture_output=True)
    return d / "ca.pem", d / "news.pem", d / "news.key"


@pytest.fixture(scope="module")
def tls_server(tls_files: tuple[Path, Path, Path]) -> Iterator[NewsServer]:
    """An HTTPS news server on 127.0.0.2 with the ``news.test`` certificate."""
    _, cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    news, httpd = start_server(PUBLIC_TEST_IP, tls=context)
    yield news
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``*.test`` hosts resolve to 127.0.0.2, which the guard counts as public; returns the lookups made."""
    lookups: list[str] = []
    real_reason = fetch_module.blocked_reason

    def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        if host.endswith(".test"):
            return [PUBLIC_TEST_IP]
        return socket_resolve(host, port)

    def reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(ip) == PUBLIC_TEST_IP else real_reason(ip)

    socket_resolve = fetch_module.resolve
    monkeypatch.setattr(fetch_module, "resolve", resolve)
    monkeypatch.setattr(fetch_module, "blocked_reason", reason)
    return lookups


def test_fetches_a_page_when_private_addresses_are_allowed(news_server: NewsServer) -> None:
    page = fetch(news_server.url("/articles/talks.html"), SETTINGS, allow_private=True)
    assert page.status == 200
    assert page.media_type == "text/html"
    assert page.charset == "utf-8"
    assert b"Tbilisi" in page.body
    assert page.final_url == page.url


def test_follows_a_redirect_and_reports_the_final_url(news_server: NewsServer) -> None:
    page = fetch(news_server.url("/redirect"), SETTINGS, allow_private=True)
    assert page.final_url == news_server.url("/articles/talks.html")
    assert b"Tbilisi" in page.body


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1:{port}/articles/talks.html", "loopback"),
        ("http://localhost:{port}/articles/talks.html", "loopback"),
        ("http://127.1:{port}/articles/talks.html", "loopback"),  # resolved, not parsed: 127.0.0.1
        ("http://2130706433:{port}/articles/talks.html", "loopback"),  # 127.0.0.1 as one number
        ("http://[::1]:{port}/articles/talks.html", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.1.10/admin", "private"),
        ("http://172.16.0.5/", "private"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://0.0.0.0:{port}/", "unspecified"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata"),
        ("http://169.254.10.20/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
    ],
)
def test_refuses_non_public_addresses(news_server: NewsServer, url: str, reason: str) -> None:
    url = url.format(port=news_server.port)
    before = len(news_server.log)
    with pytest.raises(BlockedAddressError) as err:
        fetch(url, SETTINGS)
    assert reason in err.value.message
    assert err.value.source == url
    assert err.value.code == "P201"
    assert len(news_server.log) == before  # refused before connecting


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://example.org/"])
def test_refuses_other_schemes(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="only http and https"):
        fetch(url, SETTINGS, allow_private=True)


def test_metadata_address_is_refused_even_when_private_addresses_are_allowed(news_server: NewsServer) -> None:
    with pytest.raises(BlockedAddressError, match="cloud metadata"):
        fetch("http://169.254.169.254/latest/meta-data/", SETTINGS, allow_private=True)
    with pytest.raises(BlockedAddressError, match="169.254.169.254 is a cloud metadata address"):
        fetch(news_server.url("/redirect-metadata"), SETTINGS, allow_private=True)
    assert news_server.hits("/redirect-metadata") == 1  # the first hop was fetched, the second refused


def test_a_public_host_is_fetched_on_the_checked_address(
    public_server: NewsServer, public_dns: list[str]
) -> None:
    url = f"http://news.test:{public_server.port}/articles/talks.html"
    page = fetch(url, SETTINGS)
    assert b"Tbilisi" in page.body
    # Connected to the address that was checked, with the host name in the Host header.
    assert public_server.log[-1] == ("/articles/talks.html", f"news.test:{public_server.port}")
    assert public_dns == ["news.test"]


def test_the_checked_address_is_used_even_if_dns_changes_its_answer(
    public_server: NewsServer, news_server: NewsServer, monkeypatch: pytest.MonkeyPatch, public_dns: list[str]
) -> None:
    # DNS rebinding: a second lookup would answer 127.0.0.1; there must be no second lookup.
    answers = iter([[PUBLIC_TEST_IP]])
    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: next(answers, ["127.0.0.1"]))
    before = len(news_server.log)
    page = fetch(f"http://news.test:{public_server.port}/articles/truce.html", SETTINGS)
    assert b"Jeddah" in page.body
    assert len(news_server.log) == before


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(
    tls_server: NewsServer, tls_files: tuple[Path, Path, Path], public_dns: list[str]
) -> None:
    trusting = httpx.Client(verify=ssl.create_default_context(cafile=str(tls_files[0])), trust_env=False)
    with trusting:
        page = fetch(f"https://news.test:{tls_server.port}/articles/talks.html", SETTINGS, client=trusting)
        assert b"Tbilisi" in page.body
        assert tls_server.log[-1] == ("/articles/talks.html", f"news.test:{tls_server.port}")
        # Same address, another name: the certificate (for news.test only) must not pass.
        with pytest.raises(FetchError, match="certificate"):
            fetch(f"https://other.test:{tls_server.port}/articles/talks.html", SETTINGS, client=trusting)


def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(
    public_server: NewsServer, public_dns: list[str]
) -> None:
    url = f"http://news.test:{public_server.port}/redirect-loopback"
    with pytest.raises(BlockedAddressError) as err:
        fetch(url, SETTINGS)
    assert "127.0.0.1 is a loopback address" in err.value.message
    assert err.value.source == url
    assert public_server.hits("/redirect-loopback") == 1


def test_a_host_with_one_private_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetch_module, "resolve", lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(BlockedAddressError, match="resolves to 10.0.0.7, a private address"):
        fetch("http://mixed.test/", SETTINGS)


@pytest.mark.parametrize(
    "address, reason",
    [
        ("93.184.215.14", None),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.5", "loopback"),
        ("10.255.0.1", "private"),
        ("::ffff:10.0.0.1", "private address (inside an IPv6 address)"),
        ("2002:7f00:1::", "loopback address (inside an IPv6 address)"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", "private address (inside an IPv6 address)"),  # NAT64 of 10.0.0.1
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("240.0.0.1", "reserved"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("::", "unspecified"),
    ],
)
def test_blocked_reason(address: str, reason: str | None) -> None:
    found = blocked_reason(ipaddress.ip_address(address))
    assert (found is None) if reason is None else (reason in (found or ""))


def test_metadata_reason_sees_through_ipv4_mapped_addresses() -> None:
    assert metadata_reason(ipaddress.ip_address("::ffff:169.254.169.254"))
    assert metadata_reason(ipaddress.ip_address("169.254.169.253")) is None


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/image.png", "not a text page (content type image/png)"),
        ("/redirect-loop", "too many redirects"),
    ],
)
def test_fetch_errors_name_the_url(news_server: NewsServer, path: str, message: str) -> None:
    url = news_server.url(path)
    with pytest.raises(FetchError) as err:
        fetch(url, SETTINGS, allow_private=True)
    assert message in err.value.message
    assert err.value.source == url
    assert type(err.value) is FetchError


def test_an_unreachable_server_is_a_fetch_error(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/article.html"
    with pytest.raises(FetchError, match="unreachable: connection refused") as err:
        fetch(url, SETTINGS, allow_private=True)
    assert str(err.value).startswith(url)


def test_a_host_that_does_not_resolve_is_a_fetch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch_module, "resolve", fail)
    with pytest.raises(FetchError, match="cannot resolve host 'nowhere.invalid'"):
        fetch("http://nowhere.invalid/a.html", SETTINGS)


@pytest.mark.parametrize("path", ["/big.html", "/unannounced-big"])
def test_a_page_over_the_size_limit_is_refused(news_server: NewsServer, path: str) -> None:
    small = load_settings(fetch={"max_bytes": 100_000})
    with pytest.raises(FetchError, match="too large"):
        fetch(news_server.url(path), small, allow_private=True)


def test_a_slow_server_times_out(news_server: NewsServer) -> None:
    quick = load_settings(fetch={"timeout": 0.3})
    with pytest.raises(FetchError, match="timed out after 0.3 s"):
        fetch(news_server.url("/slow"), quick, allow_private=True)
