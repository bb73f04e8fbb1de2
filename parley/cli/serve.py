"""``parley serve``: the dashboard and the JSON API over a store, on one address, until Ctrl-C."""

from __future__ import annotations

import argparse
import socket
from typing import TYPE_CHECKING

from parley.cli.types import int_in
from parley.settings import load_settings

if TYPE_CHECKING:  # the web stack is imported when serving, not for every parley command
    from parley.web.state import WebState

_DB_HELP = (
    "database: a SQLite file path, sqlite:///PATH or postgresql://... (default: PARLEY_DB, then settings)"
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` to the ``parley`` parser."""
    parser = sub.add_parser(
        "serve",
        help="serve the dashboard and the JSON API",
        description=(__doc__ or "").splitlines()[0].split(": ", 1)[1],
    )
    parser.add_argument("--db", metavar="URL", help=_DB_HELP)
    parser.add_argument("--host", help="address to listen on (default: settings serve.host, 127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, help="port (default: settings serve.port, 8000; 0 picks a free one)"
    )
    parser.set_defaults(func=_serve)


#: Connections the kernel queues before the server accepts them (uvicorn's default).
_BACKLOG = 2048


_port = int_in(0, 65_535, "a port")


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (so the printed URL is the real one, even for port 0)."""
    from parley.web.errors import ServeError

    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        # Listening now, not when the server's loop starts: a client that connects as soon as the
        # URL is printed waits in the backlog instead of being refused.
        sock.listen(_BACKLOG)
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}", source="parley serve") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _writes(state: WebState) -> str:
    """Whether the server takes writes, for its start-up message."""
    from parley.web.errors import WritesDisabled

    if state.store.read_only:
        return "read-only: the database file cannot be written, so writes are refused"

    try:
        configured = state.token() is not None
    except WritesDisabled as exc:
        return exc.message
    if configured:
        return "writes (POST /api/articles) need the bearer token"
    return "read-only: set PARLEY_TOKEN or the setting serve.token_file to accept writes"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from parley.store import database_url
    from parley.web import create_app

    settings = load_settings(getattr(args, "settings", None))
    app = create_app(database_url(args.db, settings), settings)
    try:
        # every page would fail on a damaged file: better no server than one that answers 500s
        app.state.parley.store.require_sound("not serving it")
        sock = listen(
            args.host or settings.serve.host, settings.serve.port if args.port is None else args.port
        )
    except BaseException:
        app.state.parley.close()
        raise
    print(f"parley: serving {url_of(sock)} (Ctrl-C to stop)", flush=True)
    print(f"parley: {_writes(app.state.parley)}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        app.state.parley.close()
    return 0
