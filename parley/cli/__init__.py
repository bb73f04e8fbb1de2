"""The ``parley`` command: a thin layer that parses options and calls the library.

Each command group lives in its own module with a ``register(subparsers)`` function that adds its
sub-commands and sets ``func`` to a handler ``(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import sys

from parley import __version__
from parley.errors import ParleyError

COMMAND_MODULES = ("extract", "store", "serve", "batch", "alerts", "watch")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    import importlib

    parser = argparse.ArgumentParser(prog="parley", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    parser.add_argument("--settings", metavar="FILE", help="a settings file (see parley/data/settings.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"parley.cli.{name}")
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != f"parley.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``parley`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ParleyError as exc:
        print(f"parley: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("parley: interrupted", file=sys.stderr)
        return 130
