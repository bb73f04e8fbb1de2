"""The web layer's errors and how any error becomes a response.

Every error answers with ``{"error": {"code": ..., "message": ...}}`` (JSON paths: ``/api/...``
and every ``.json`` twin) or an HTML error page (the pages), with a stable parley code:

======  ======  ==========================================================
code    status  meaning
======  ======  ==========================================================
P404    404     no such article, fact, actor, process or page
P100..  422     an article that cannot be read (``parley.errors`` codes)
P500    500     an unexpected failure (logged by the server)
P501    401     a write without ``Authorization: Bearer <token>``
P502    403     a write with a token that does not match
P503    403     writes are disabled: no token is configured
P504    413     the request body is larger than ``serve.max_body_bytes``
P505    422     a malformed request (bad JSON, a parameter out of range, a cursor not from a next link)
P506    --      ``parley serve`` cannot listen on the address
P507    4xx     another HTTP error (method not allowed...)
======  ======  ==========================================================
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from parley.errors import NotFoundError, ParleyError, StoreError


class WebError(ParleyError):
    """A request the web layer refuses; ``status`` is the HTTP status it answers with."""

    code = "P500"
    status = 500


class TokenMissing(WebError):
    """A write request without a bearer token."""

    code = "P501"
    status = 401


class TokenRejected(WebError):
    """A write request whose bearer token does not match the configured one."""

    code = "P502"
    status = 403


class WritesDisabled(WebError):
    """A write request while no token is configured (or its file cannot be read)."""

    code = "P503"
    status = 403


class BadCursor(WebError):
    """A list's ``cursor`` that is not the position of one of its rows (not from a ``next`` link)."""

    code = "P505"
    status = 422


class ServeError(ParleyError):
    """``parley serve`` cannot listen on the host and port asked for."""

    code = "P506"


class BodyTooLarge(HTTPException):
    """A request body over ``serve.max_body_bytes`` (an HTTPException so FastAPI lets it through
    while it reads the body, instead of turning it into a 400)."""

    code = "P504"

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413, detail=f"request body larger than {limit:,} bytes (setting serve.max_body_bytes)"
        )


INVALID_REQUEST = "P505"
INTERNAL_ERROR = "P500"
OTHER_HTTP_ERROR = "P507"


def status_of(error: ParleyError) -> int:
    """The HTTP status for a parley error: its own for web errors, 404 for a missing id, 503 for a
    store that cannot answer, 422 for an input that cannot be read as an article."""
    if isinstance(error, WebError):
        return error.status
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, StoreError):
        return 503
    return 422


def http_code(exc: HTTPException) -> str:
    """The parley code of a framework HTTP error."""
    if isinstance(exc, BodyTooLarge):
        return BodyTooLarge.code
    if exc.status_code == 404:
        return NotFoundError.code
    return OTHER_HTTP_ERROR


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"code": code, "message": message, **extra}}
