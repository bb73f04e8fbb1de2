"""Request parameters shared by the JSON API and the pages: filters, dates, pagination, ids.

Every text parameter is bounded and refuses control characters, and ids are bounded to the
databases' 64-bit integers, so that no request reaches the store with a value it cannot take.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from pydantic import BaseModel, BeforeValidator, StringConstraints

from parley.records import ISSUES, RECORD_KINDS

#: Page size bounds of every list.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
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
OffsetQ = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
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


def paginate(request: Request, items: list[Any], limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    """One page of ``items`` with the total and the links to the next and previous pages."""
    total = len(items)

    def link(at: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
        return f"{request.url.path}?{urlencode([*params, ('limit', limit), ('offset', at)])}"

    return {
        "items": items[offset : offset + limit],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < total else None,
        "prev": link(max(offset - limit, 0)) if offset > 0 else None,
        **extra,
    }
