"""The parley web app: one FastAPI application with the JSON API, the pages and their assets.

``create_app(store_url)`` opens the store and returns the app; ``parley serve`` runs it under
uvicorn. Everything it needs is served by itself (no CDN): the pages' CSS and script from
``parley/web/static`` and the Swagger UI of ``/docs`` from the ``fastapi-offline`` package.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley import __version__
from parley.errors import ParleyError
from parley.flow import Extracting
from parley.settings import Settings, load_settings
from parley.web import alerts, api, pages
from parley.web.errors import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    BodyTooLarge,
    error_body,
    http_code,
    status_of,
)
from parley.web.jsonout import JSONData
from parley.web.state import WebState

STATIC_DIR = Path(__file__).parent / "static"
SWAGGER_DIR = Path(fastapi_offline.__file__).parent / "static"

#: Sent with every response. The pages need nothing but their own origin: no inline script or
#: style, so even markup that slipped into a page could not run.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}

DESCRIPTION = """\
The sourced record of peace and ceasefire negotiations kept by parley.

Reads are open. Writes (`POST /api/articles`, `DELETE /api/articles/{id}`, alert rules) need
`Authorization: Bearer <token>` with the token of `PARLEY_TOKEN` or of the file named by the setting
`serve.token_file`; with neither, writes are refused. Lists are paged with `limit` and an opaque
`cursor` taken from the `next` link of the page before; they answer `items`, `next`, `first` and
`total` (counted up to `serve.count_cap`; `total_capped` when there are more). Large tables stream
from `/api/export/{table}` as NDJSON or CSV. Errors answer `{"error": {"code": "P404", "message": "..."}}`.
Every page of the dashboard has a JSON twin at the same path plus `.json` (`/board.json`,
`/articles/1.json`).
"""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413: by their declared length before
    reading, and by the bytes as they stream in (a chunked body declares none)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            error = BodyTooLarge(self.limit)
            response = JSONResponse(error_body(error.code, error.detail), status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """Add ``SECURITY_HEADERS`` to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def wants_json(request: Request) -> bool:
    """Whether an answer to this request is JSON (the API, the pages' twins, the feeds' errors) rather
    than HTML."""
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".json", ".atom"))


def error_response(request: Request, status: int, code: str, message: str, **extra: object) -> Response:
    """An error as JSON, or as an HTML page for a page request."""
    if wants_json(request):
        return JSONData(error_body(code, message, **extra), status_code=status)
    return pages.error_page(request, status, code, message)


def create_app(
    store_url: str, settings: Settings | None = None, *, extractor: Extracting | None = None
) -> FastAPI:
    """The web app over the store at ``store_url`` (a SQLite path or a postgresql:// URL).

    Writes extract in a child process the app owns (``parley.worker.ExtractionWorker``, started
    on the first write), or in this process with ``extractor`` when given (one already loaded). The store stays open for the life of
    the app, whatever the ASGI lifespan events (a test client sends them per request); close it
    with ``app.state.parley.close()``.
    """
    settings = settings or load_settings()
    state = WebState(store_url, settings, extractor)

    app = FastAPI(
        title="parley",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.parley = state
    app.add_middleware(BodyLimit, limit=settings.serve.max_body_bytes)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(ParleyError)
    async def parley_error(request: Request, exc: ParleyError) -> Response:
        return error_response(request, status_of(exc), exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
        return error_response(request, 422, INVALID_REQUEST, message, details=details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400:  # FastAPI could not read the body (not UTF-8 JSON): malformed
            return error_response(request, 422, INVALID_REQUEST, "the request body is not UTF-8 JSON")
        message = exc.detail if exc.status_code != 404 else f"no page at {request.url.path}"
        response = error_response(request, exc.status_code, http_code(exc), str(message))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Starlette re-raises the exception after this answer, so the server logs its traceback.
        return error_response(
            request, 500, INTERNAL_ERROR, f"internal error ({type(exc).__name__}); see the server log"
        )

    app.include_router(api.router)
    app.include_router(alerts.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs/assets", StaticFiles(directory=SWAGGER_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        """Swagger UI over ``/openapi.json``, all assets served locally."""
        return pages.render(request, "docs.html", {})

    return app
