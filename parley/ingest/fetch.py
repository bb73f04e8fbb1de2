"""Fetching web pages safely: timeouts, a size limit, and the SSRF guard on every redirect hop.

The guard resolves a URL's host once, refuses it when any of its addresses is not a public one
(private, loopback, link-local, multicast, reserved, unspecified, CGNAT, IPv4 embedded in IPv6 of
those) unless ``allow_private``, and then connects to the checked address itself: the host name is
sent in the ``Host`` header and as TLS SNI (the certificate is still verified against the host
name), so a second DNS answer cannot point the connection elsewhere (DNS rebinding). Cloud metadata
endpoints are refused even with ``allow_private``: no news page lives there. Redirects are followed
by hand so that each hop goes through the guard. Environment proxies are not used, since a proxy
would resolve and connect on its own.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass

import httpx

from parley.errors import BlockedAddressError, FetchError
from parley.settings import Settings

#: Redirect hops followed before giving up (each one is checked by the guard).
MAX_REDIRECTS = 5

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud instance-metadata endpoints (AWS, GCP, Azure, OpenStack share the IPv4 one).
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog"})

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

#: Content types read as text; others (images, PDFs, archives) are refused before their body is read.
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/rss", "application/atom")


@dataclass
class FetchedPage:
    """A fetched response: the URL asked for, the one finally answered (after redirects), its body."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None  # validators for a conditional GET of the same URL later
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """The server answered 304: nothing changed since the validators sent (the body is empty)."""
        return self.status == 304

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case ("text/html")."""
        return self.content_type.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of the content type, if any."""
        for param in self.content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def metadata_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` is a cloud metadata endpoint (refused even with ``allow_private``), or None."""
    inner = _embedded_ipv4(ip)
    if ip in METADATA_ADDRESSES or (inner and inner in METADATA_ADDRESSES):
        return "a cloud metadata address"
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address a news page may live on, or None when it is."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        reason = blocked_reason(inner)
        return f"{reason} (inside an IPv6 address)" if reason else None
    for attribute, reason in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, attribute):
            return reason
    if ip in _CGNAT:
        return "a carrier-grade NAT address"
    if not ip.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system resolver); tests replace this function."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_address(url: httpx.URL, allow_private: bool) -> str:
    """Resolve ``url``'s host and return the address to connect to, after the guard's checks.

    Raises :class:`BlockedAddressError` for refused schemes and addresses and :class:`FetchError`
    when the host does not resolve.
    """
    source = str(url)
    if url.scheme not in ("http", "https"):
        raise BlockedAddressError(
            f"unsupported URL scheme {url.scheme!r}: only http and https are fetched", source=source
        )
    host = url.raw_host.decode("ascii").rstrip(".").lower()
    if not host:
        raise FetchError("the URL has no host", source=source)
    if host in METADATA_HOSTS:
        raise BlockedAddressError(f"refused: {host} is a cloud metadata host", source=source)
    addresses = _addresses(host, url.port or (443 if url.scheme == "https" else 80), source)
    # Every address must pass, not just the one used: a mixed answer is an attack, not a CDN.
    for ip in addresses:
        metadata = metadata_reason(ip)
        reason = metadata or (None if allow_private else blocked_reason(ip))
        if reason:
            what = f"{host} is {reason}" if host == str(ip) else f"{host} resolves to {ip}, {reason}"
            hint = "" if metadata else " (--allow-private fetches it)"
            raise BlockedAddressError(f"refused: {what}{hint}", source=source)
    return str(addresses[0])


def _addresses(host: str, port: int, source: str) -> list[IPAddress]:
    """The host itself when it is an IP address, else what it resolves to."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = resolve(host, port)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(f"cannot resolve host {host!r}: {err}", source=source) from None
    if not found:
        raise FetchError(f"cannot resolve host {host!r}", source=source)
    # A link-local IPv6 answer carries its interface ("fe80::1%eth0"); the address is what counts.
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]


def new_client(settings: Settings) -> httpx.Client:
    """An HTTP client set up for :func:`fetch` (reuse one for many fetches; close it after)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.fetch.timeout),
        follow_redirects=False,
        trust_env=False,
        headers={
            "User-Agent": settings.fetch.user_agent,
            "Accept": "text/html, application/xml;q=0.9, */*;q=0.5",
        },
    )


def fetch(
    url: str,
    settings: Settings,
    allow_private: bool = False,
    *,
    client: httpx.Client | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchedPage:
    """GET ``url`` through the SSRF guard, following up to :data:`MAX_REDIRECTS` checked redirects.

    With ``etag``/``last_modified`` (from an earlier ``FetchedPage``) the GET is conditional: a server
    with nothing new answers 304 and the page comes back empty with ``not_modified``.
    Raises :class:`FetchError` (unreachable, DNS failure, timeout, HTTP 4xx/5xx, too large, not a
    text content type, too many redirects) or :class:`BlockedAddressError`, naming ``url``.
    """
    own = client is None
    http = client or new_client(settings)
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    try:
        return _fetch(url, settings, allow_private, http, {k: v for k, v in conditions.items() if v})
    finally:
        if own:
            http.close()


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    settings: Settings,
    allow_private: bool = False,
    *,
    timeout: float | None = None,
    client: httpx.Client | None = None,
) -> int:
    """POST ``body`` to ``url`` through the SSRF guard and return the HTTP status. Redirects are not
    followed (a webhook receiver answers itself). :class:`FetchError` when the receiver cannot be
    reached or does not answer within ``timeout`` (default: setting ``fetch.timeout``)."""
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as err:
        raise FetchError(f"invalid URL: {err}", source=url) from None
    address = checked_address(current, allow_private)
    own = client is None
    http = client or new_client(settings)
    wait = timeout if timeout is not None else settings.fetch.timeout
    request = http.build_request(
        "POST",
        current.copy_with(host=address, fragment=None),
        content=body,
        headers={**headers, "Host": current.netloc.decode("ascii")},
        extensions={"sni_hostname": current.raw_host.decode("ascii")} if current.scheme == "https" else {},
        timeout=wait,
    )
    try:
        response = http.send(request, stream=True)  # the status is the answer: the body is never read
        response.close()
        return response.status_code
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {wait:g} s", source=url) from None
    except httpx.HTTPError as err:
        raise FetchError(f"unreachable: {_reason(err)}", source=url) from None
    finally:
        if own:
            http.close()


def _fetch(
    url: str, settings: Settings, allow_private: bool, http: httpx.Client, conditions: dict[str, str]
) -> FetchedPage:
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as err:
        raise FetchError(f"invalid URL: {err}", source=url) from None
    for hop in range(MAX_REDIRECTS + 1):
        try:
            address = checked_address(current, allow_private)
        except FetchError as err:
            if not hop:
                raise
            # Name the URL the caller gave; the message says where the redirect led.
            raise type(err)(f"redirected to {current}: {err.message}", source=url) from None
        host = current.raw_host.decode("ascii")
        request = http.build_request(
            "GET",
            current.copy_with(host=address, fragment=None),
            headers={"Host": current.netloc.decode("ascii"), **conditions},
            extensions={"sni_hostname": host} if current.scheme == "https" else {},
        )
        try:
            response = http.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {settings.fetch.timeout:g} s", source=url) from None
        except httpx.HTTPError as err:
            raise FetchError(f"unreachable: {_reason(err)}", source=url) from None
        try:
            if response.is_redirect and response.status_code != 304:  # a 304 names no place to go
                location = response.headers.get("Location", "")
                try:
                    current = current.join(location)
                except httpx.InvalidURL as err:
                    raise FetchError(f"bad redirect to {location!r}: {err}", source=url) from None
                continue
            return _read(url, str(current), response, settings)
        finally:
            response.close()
    raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})", source=url)


def _reason(err: httpx.HTTPError) -> str:
    text = str(err) or type(err).__name__
    if "Connection refused" in text:
        return "connection refused"
    return text


def _read(url: str, final_url: str, response: httpx.Response, settings: Settings) -> FetchedPage:
    """Check status, type and length of a response, then read its body within the size limit."""
    after = "" if final_url == url else f" (after a redirect to {final_url})"
    if response.status_code == 304:
        return FetchedPage(url, final_url, 304, "", b"", response.headers.get("ETag"),
                           response.headers.get("Last-Modified"))  # fmt: skip
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip() + after, source=url)
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type and not (media_type.startswith(_TEXT_TYPES) or media_type.endswith("+xml")):
        raise FetchError(f"not a text page (content type {media_type}){after}", source=url)
    limit = settings.fetch.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"too large: {int(declared):,} bytes announced, the limit is {limit:,} (setting fetch.max_bytes)"
            + after,
            source=url,
        )
    # A per-read timeout alone lets a server trickle bytes forever; the whole body gets one too.
    deadline = time.monotonic() + settings.fetch.timeout
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(
                    f"too large: more than {limit:,} bytes (setting fetch.max_bytes){after}", source=url
                )
            if time.monotonic() > deadline:
                raise FetchError(
                    f"timed out after {settings.fetch.timeout:g} s reading the body{after}", source=url
                )
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {settings.fetch.timeout:g} s{after}", source=url) from None
    except httpx.HTTPError as err:
        raise FetchError(f"transfer failed: {_reason(err)}{after}", source=url) from None
    return FetchedPage(url, final_url, response.status_code, content_type, b"".join(chunks),
                       response.headers.get("ETag"), response.headers.get("Last-Modified"))  # fmt: skip
