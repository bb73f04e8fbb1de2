"""Request parameters shared by the JSON API and the pages: filters, dates, pagination, ids.

Every text parameter is bounded and refuses control characters, and ids are bounded to the
databases' 64-bit integers, so that no request reaches the store with a value it cannot take.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

from parley.records import ISSUES, RECORD_KINDS
from parley.store.db import POSITION_TYPES
from parley.web.errors import BadCursor

#: Page size bounds of every list.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_ID = 2**63 - 1
#: Printable text: no control characters (PostgreSQL refuses NUL in text, and no name holds one).
TEXT = r"^[^\x00-\x1f\x7f]*$"


def _blank_is_none(value: Any) -> Any:
    """An empty form field ("?as_of=&process=") means the parameter was not given."""
    return None if value == "" else value


#: Put in an optional parameter's ``Annotated`` so that an empty value counts as absent.
Blank = BeforeValidator(_blank_is_none)

Issue = StrEnum("Issue", {issue: issue for issue in ISSUES})  # type: ignore[misc]
Kind = StrEnum("Kind", {kind: kind for kind in RECORD_KINDS})  # type: ignore[misc]

#: A name or id given as a filter: the constraints sit on the text, so that an empty value
#: turned into None by ``Blank`` is not measured.
Name = Annotated[str, StringConstraints(max_length=200, pattern=TEXT)]
ProcessQ = Annotated[
    Name | None, Blank, Query(description="only this negotiation process, by name (e.g. RUS-UKR)")
]
PartyQ = Annotated[
    Name | None,
    Blank,
    Query(description="only this actor: a state (USA), a group, a person (person:marco-rubio)"),
]
IssueQ = Annotated[Issue | None, Blank, Query(description="only this issue")]
KindQ = Annotated[Kind | None, Blank, Query(description="only this kind of record")]
AsOfQ = Annotated[
    date | None, Blank, Query(description="the day to read the facts on (YYYY-MM-DD); default: today")
]
SinceQ = Annotated[date | None, Blank, Query(description="from this day on (YYYY-MM-DD)")]
UntilQ = Annotated[date | None, Blank, Query(description="up to this day (YYYY-MM-DD)")]
LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Cursor = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$")]
CursorQ = Annotated[
    Cursor | None,
    Blank,
    Query(description="where the page starts: taken from the `next` link of the page before"),
]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="an article id")]
FactId = Annotated[int, Path(ge=1, le=MAX_ID, description="a fact id")]
ActorId = Annotated[
    str,
    Path(
        description="an actor id: USA, person:marco-rubio, outlet:axios, anon:europe",
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f/]+$",
    ),
]
SearchQ = Annotated[
    str,
    Query(
        description='words that must all occur; "quoted phrases" too',
        min_length=1,
        max_length=500,
        pattern=TEXT,
    ),
]


OutletQ = Annotated[Name | None, Blank, Query(description="only this outlet (outlet:axios)")]
ActorSearchQ = Annotated[
    Name | None, Blank, Query(description="only actors whose id or name contains this (any case)")
]


class Paging(BaseModel):
    """Which page of a list: how many items, and where it starts."""

    model_config = ConfigDict(frozen=True)

    limit: LimitQ = DEFAULT_LIMIT
    cursor: CursorQ = None


class Scope(BaseModel):
    """Which facts: of a process, of a party, on an issue, as they stood on a day."""

    model_config = ConfigDict(frozen=True, use_enum_values=True)  # the issue as its name

    process: ProcessQ = None
    party: PartyQ = None
    issue: IssueQ = None
    as_of: AsOfQ = None


class Period(BaseModel):
    """Which days: from ``since`` to ``until``, both included."""

    model_config = ConfigDict(frozen=True)

    since: SinceQ = None
    until: UntilQ = None


#: The query parameters of a list's page, of the facts it reads, of its period: each declared once
#: and shared by the API and the pages (FastAPI query parameter models).
PagingQ = Annotated[Paging, Query()]
ScopeQ = Annotated[Scope, Query()]
PeriodQ = Annotated[Period, Query()]
#: The defaults: the first page, every day, every fact as it stands today.
FIRST_PAGE, ALL_DAYS, ANY_SCOPE = Paging(), Period(), Scope()


class ErrorDetail(BaseModel):
    """What went wrong: a stable parley code and a message naming the input."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry for these error statuses."""
    what = {
        401: "no bearer token",
        403: "writes disabled, or a wrong token",
        404: "no such id or process",
        413: "request body too large",
        422: "invalid parameters or body",
    }
    return {status: {"model": ErrorResponse, "description": what[status]} for status in statuses}


READ_ERRORS = errors(404, 422)


@dataclass
class Page:
    """One page of a list: its items, the position of the last one when more follow (``after``,
    made the ``next`` link's cursor) and how many the whole list holds, when that is cheap to know
    (``total``; ``total_capped``: at least that many)."""

    items: list[Any]
    after: list[Any] | None
    total: int | None = None
    total_capped: bool = False


def cursor_of(position: Sequence[Any]) -> str:
    """The opaque cursor of a position in a list (the sort values of its last item)."""
    text = json.dumps(list(position), separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def position_of(cursor: str | None, types: Sequence[type] | None) -> list[Any] | None:
    """The position a ``cursor`` stands for (None: the first page), whose values have these ``types``
    (an int stands for a float; None: any); ``BadCursor`` naming the cursor."""
    if cursor is None:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        position = None
    if (
        not isinstance(position, list)
        or (types is not None and len(position) != len(types))
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in position)
        or (types is not None and not all(_typed(v, t) for v, t in zip(position, types, strict=True)))
    ):
        raise BadCursor(
            f"not a cursor of this list: {cursor[:40]!r} (take it from a next link)", source="cursor"
        )
    return position


def _typed(value: Any, kind: type) -> bool:
    return isinstance(value, kind) or (kind is float and isinstance(value, int))


def position_in(cursor: str | None, order: Sequence[str]) -> list[Any] | None:
    """The position a ``cursor`` stands for in a list of the store in ``order`` (its columns)."""
    return position_of(cursor, [POSITION_TYPES[column] for column in order])


def page_of(items: list[Any], key: Callable[[Any], list[Any]], cursor: str | None, limit: int) -> Page:
    """A page of a list computed whole in the order of ``key`` (lists bounded by the number of facts
    or actors, not of articles): the items after the cursor's position."""
    ordered = sorted(items, key=key)
    position = position_of(cursor, [type(v) for v in key(ordered[0])] if ordered else None)
    rest = [item for item in ordered if position is None or key(item) > position]
    more = len(rest) > limit
    return Page(rest[:limit], key(rest[limit - 1]) if more else None, total=len(ordered))


def paginate(request: Request, page: Page, limit: int, **extra: Any) -> dict[str, Any]:
    """A page as the API answers it: ``items``, ``limit``, ``next`` (the link to the page after, None
    on the last), ``first`` (None on the first page), ``total`` and ``total_capped``, and ``extra``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "cursor")]

    def link(position: Sequence[Any] | None) -> str:
        cursor = [("cursor", cursor_of(position))] if position is not None else []
        return f"{request.url.path}?{urlencode([*params, ('limit', limit), *cursor])}"

    return {
        "items": page.items,
        "limit": limit,
        "next": link(page.after) if page.after is not None else None,
        "first": link(None) if request.query_params.get("cursor") else None,
        "total": page.total,
        "total_capped": page.total_capped,
        **extra,
    }
