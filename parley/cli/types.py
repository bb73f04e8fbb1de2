"""Argument types shared by the command modules."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_in(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high``; anything else is a usage error
    naming the value and the range (``70000 is out of range: a port is from 0 to 65,535``)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is out of range: {what} is from {low:,} to {high:,}")
        return number

    return parse
