"""The JSON API under ``/api``: reads are open; writes (storing and deleting articles) need the bearer
token and go through ``parley.flow``.

Lists answer ``{"items": [...], "limit", "next", "first", "total", "total_capped"}`` (keyset pages:
``next`` carries a cursor to the page after); errors answer
``{"error": {"code", "message"}}`` (see ``parley.web.errors``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley import export
from parley.errors import ParleyError
from parley.ingest import InputProblem, read_sources
from parley.ingest.sources import outlet_id
from parley.ingest.text import language_warning, read_body
from parley.records import Article
from parley.settings import Settings
from parley.web import data
from parley.web.errors import error_body
from parley.web.jsonout import JSONData
from parley.web.params import (
    READ_ERRORS,
    TEXT,
    ActorId,
    ActorSearchQ,
    ArticleId,
    AsOfQ,
    FactId,
    Kind,
    KindQ,
    OutletQ,
    PagingQ,
    PartyQ,
    PeriodQ,
    ProcessQ,
    ScopeQ,
    SearchQ,
    errors,
    page_of,
    paginate,
)
from parley.web.state import State, Writer

router = APIRouter(prefix="/api", default_response_class=JSONData)
READ = ["reading"]


@router.get("/board", tags=READ, responses=READ_ERRORS, summary="The board (as `parley board --json`)")
def board(state: State, process: ProcessQ = None, as_of: AsOfQ = None) -> Response:
    """The state of a negotiation (or of all) on a day: positions, commitments, proposals, threats,
    violations, meetings, conflicts, conditions and deadlines. Over all processes of a store holding
    more than `serve.board_full_processes`, a summary line per process instead."""
    return JSONData(data.api_board(state.store, process, as_of, state.settings))


@router.get("/processes", tags=READ, responses=READ_ERRORS, summary="Negotiation processes")
def processes(request: Request, state: State, paging: PagingQ) -> Response:
    """Every process with its parties and issues, most named first, and its article count."""
    return JSONData(paginate(request, data.processes_list(state.store, paging), paging.limit))


@router.get("/articles", tags=READ, responses=READ_ERRORS, summary="Articles")
def articles(
    request: Request,
    state: State,
    process: ProcessQ = None,
    outlet: OutletQ = None,
    *,
    period: PeriodQ,
    paging: PagingQ,
) -> Response:
    """Stored articles without their text, newest first."""
    found = data.articles_list(
        state.store, process, outlet, period, paging, count_cap=state.settings.serve.count_cap
    )
    return JSONData(paginate(request, found, paging.limit))


@router.get(
    "/articles/{article_id}", tags=READ, responses=READ_ERRORS, summary="One article with its records"
)
def article(state: State, article_id: ArticleId) -> Response:
    """An article's text, its statements and records, each with its span in the text."""
    return JSONData(data.article_data(state.store, article_id))


@router.get("/statements", tags=READ, responses=READ_ERRORS, summary="Statements (reported speech)")
def statements(
    request: Request,
    state: State,
    article: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="only this article")] = None,
    speaker: PartyQ = None,
    party: PartyQ = None,
    *,
    period: PeriodQ,
    paging: PagingQ,
) -> Response:
    """Who said what, where (article and span), in date order."""
    found = data.statements_list(
        state.store, article, speaker, party, period, paging, count_cap=state.settings.serve.count_cap
    )
    return JSONData(paginate(request, found, paging.limit))


@router.get("/facts", tags=READ, responses=READ_ERRORS, summary="Facts")
def facts(
    request: Request,
    state: State,
    scope: ScopeQ,
    kind: Annotated[list[Kind] | None, Query(description="only these kinds (repeatable)")] = None,
    status: Annotated[
        str | None, Query(description="only this status (in force, current...)", max_length=100, pattern=TEXT)
    ] = None,
    *,
    period: PeriodQ,
    paging: PagingQ,
) -> Response:
    """Facts as they stood on a day, with their status and corroboration; ``since``/``until`` keep
    the facts reported in that period."""
    found = data.facts_list(
        state.store, state.settings, scope, [k.value for k in kind] if kind else None, status, period, paging,
        count_cap=state.settings.serve.count_cap,
    )  # fmt: skip
    return JSONData(paginate(request, found, paging.limit))


@router.get("/facts/{fact_id}", tags=READ, responses=READ_ERRORS, summary="One fact with its sources")
def fact(request: Request, state: State, fact_id: FactId, paging: PagingQ, as_of: AsOfQ = None) -> Response:
    """A fact, the sources behind it (outlet, speaker, sentence: ``sources``, a page with its ``next``
    link) and its first and last report."""
    found = data.fact_data(state.store, fact_id, as_of, paging)
    return JSONData({**found, "sources": paginate(request, found["sources"], paging.limit)})


@router.get("/conflicts", tags=READ, responses=READ_ERRORS, summary="Conflicts")
def conflicts(request: Request, state: State, scope: ScopeQ, paging: PagingQ) -> Response:
    """Stances of different parties on one issue that cannot both hold, red lines first."""
    found = data.conflicts_list(state.store, state.settings, scope, paging)
    return JSONData(paginate(request, found, paging.limit))


@router.get("/conditions", tags=READ, responses=READ_ERRORS, summary="Conditions")
def conditions(request: Request, state: State, scope: ScopeQ, paging: PagingQ) -> Response:
    """Conditional commitments: the issue each waits on, what meets it, what would."""
    found = data.conditions_list(state.store, state.settings, scope, paging)
    return JSONData(paginate(request, found, paging.limit))


@router.get("/deadlines", tags=READ, responses=READ_ERRORS, summary="Deadlines")
def deadlines(request: Request, state: State, scope: ScopeQ, period: PeriodQ, paging: PagingQ) -> Response:
    """Truce ends and ultimatums, past, coming or undated relative to the day."""
    found = data.deadlines_list(state.store, state.settings, scope, period, paging)
    return JSONData(paginate(request, found, paging.limit))


@router.get("/timeline", tags=READ, responses=READ_ERRORS, summary="Timeline")
def timeline(
    request: Request,
    state: State,
    scope: ScopeQ,
    kind: KindQ = None,
    *,
    period: PeriodQ,
    paging: PagingQ,
) -> Response:
    """Dated events, oldest first (``items``), and the periods they span (``ranges``: truces, ultimatums),
    of the period ``since``–``until``; without either, of the `serve.timeline_days` days up to
    ``as_of`` and what is dated after it (``since``/``until`` answer the period shown)."""
    found = data.timeline_data(state.store, state.settings, scope, kind.value if kind else None, period)
    events = page_of(found["events"], data.event_position, paging.cursor, paging.limit)
    return JSONData(
        paginate(request, events, paging.limit, ranges=found["ranges"], as_of=found["as_of"],
                 since=found["since"], until=found["until"])
    )  # fmt: skip


@router.get("/actors", tags=READ, responses=READ_ERRORS, summary="Actors in the store")
def actors(
    request: Request, state: State, paging: PagingQ, as_of: AsOfQ = None, q: ActorSearchQ = None
) -> Response:
    """Every actor a fact or statement names, with how many facts and statements, most active first;
    ``q`` keeps those whose id or name contains it."""
    found = data.actor_index(state.actor_tallies(as_of), q, paging)
    return JSONData(paginate(request, found, paging.limit))


@router.get("/actors/{actor_id}", tags=READ, responses=READ_ERRORS, summary="One actor")
def actor(
    request: Request, state: State, actor_id: ActorId, paging: PagingQ, as_of: AsOfQ = None
) -> Response:
    """What a party or person said (``statements``: a page, with its ``next`` link) and committed
    to, over time."""
    found = data.actor_data(state.store, actor_id, state.settings, as_of, paging)
    return JSONData({**found, "statements": paginate(request, found["statements"], paging.limit)})


@router.get("/search", tags=READ, responses=READ_ERRORS, summary="Search articles and statements")
def search(request: Request, state: State, q: SearchQ, paging: PagingQ) -> Response:
    """Full-text search, best first; a ``snippet`` marks the matched words between « and »."""
    hits = data.search_hits(state.store, q, paging, count_cap=state.settings.serve.count_cap)
    return JSONData(paginate(request, hits, paging.limit))


ExportTable = StrEnum("ExportTable", {t: t for t in export.EXPORT_TABLES})  # type: ignore[misc]


class StreamFormat(StrEnum):
    """What a streamed export is written as."""

    ndjson = "ndjson"
    csv = "csv"


_MEDIA = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@router.get(
    "/export/{table}",
    tags=READ,
    responses={200: {"content": {m: {} for m in _MEDIA.values()}, "description": "the rows"}, **READ_ERRORS},
    summary="A table, streamed as NDJSON or CSV (as `parley export`)",
    response_class=StreamingResponse,
)
def export_table(
    state: State,
    table: Annotated[ExportTable, Path(description="the table")],
    format: Annotated[
        StreamFormat, Query(description="ndjson (a JSON object a line) or csv")
    ] = StreamFormat.ndjson,
    process: ProcessQ = None,
    as_of: AsOfQ = None,
) -> Response:
    """Every row of a table, streamed as it is read: stored tables in batches from the key of the last
    row sent, so the answer is never held in memory; ``facts`` and ``timeline`` as of a day (and of
    a process), like the board."""
    state.store.process_id(process)  # NotFoundError before the answer starts
    rows = export.rows(state.store, table.value, process=process, as_of=as_of)
    lines = export.lines(rows, format.value, export.columns(state.store, table.value))
    return StreamingResponse(lines, media_type=_MEDIA[format.value])


@router.get("/stats", tags=READ, summary="Counts")
def stats(state: State) -> Response:
    """How many articles, outlets, processes, statements, records and facts the store holds
    (counted over whole tables: kept for `serve.tally_seconds`, as the actor index's counts are)."""
    return JSONData(state.remembered("stats", state.store.stats))


# -- writing ------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """An article to store: exactly one of ``text``, ``html`` or ``url``, and what is known about it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Kyiv agreed to a 30-day truce, the foreign ministry said.",
                    "published": "2025-04-19",
                }
            ]
        },
    )

    text: str | None = Field(None, description="the article as plain text (kept exactly; never read as HTML)")
    html: str | None = Field(None, description="an HTML page or fragment; its main text is kept")
    url: str | None = Field(
        None, max_length=2048, pattern=r"^https?://[^\x00-\x20\x7f]+$",
        description="an http(s) URL to fetch: a page, or a feed whose entries are fetched",
    )  # fmt: skip
    published: date | None = Field(None, description="publication date (YYYY-MM-DD)")
    outlet: str | None = Field(
        None, max_length=200, pattern=TEXT, description="the outlet: a name or outlet:slug"
    )
    title: str | None = Field(None, max_length=1000, pattern=TEXT)
    process: str | None = Field(
        None, max_length=200, pattern=TEXT, description="the process to put it in (default: by its parties)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        given = [name for name in ("text", "html", "url") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, html or url (got {', '.join(given) or 'none'})")
        return self


class TakeInOut(BaseModel):
    """What happened to one article."""

    source: str
    status: str = Field(description="stored, exists (the same text was stored before) or failed")
    article_id: int | None = None
    duplicate_of: int | None = Field(None, description="the first article of the same wire story")
    records: int = 0
    process: str | None = None
    message: str | None = None
    code: str | None = Field(None, description="the error code when it failed (P601: extraction failed)")
    link: str | None = None


class ProblemOut(BaseModel):
    """An input that could not be read (error) or was read with a caveat (warning)."""

    source: str
    message: str
    code: str
    severity: str


class IngestOut(BaseModel):
    """The articles taken in and the problems met reading the input."""

    results: list[TakeInOut]
    problems: list[ProblemOut]


SOURCE = "POST /api/articles"


def read_input(body: ArticleIn, settings: Settings) -> list[Article | InputProblem]:
    """The articles in a request body (a feed URL gives several) and the problems reading it."""
    published = body.published.isoformat() if body.published else None
    if body.url is not None:
        return list(read_sources([body.url], settings, published=published, outlet=body.outlet))
    try:
        raw = body.text if body.text is not None else body.html
        page = read_body(raw, SOURCE, settings, html=body.html is not None)  # type: ignore[arg-type]
    except ParleyError as err:
        return [InputProblem.from_error(err, SOURCE)]
    found: list[Article | InputProblem] = []
    warning = language_warning(page.text, SOURCE, settings)
    if warning:
        found.append(InputProblem.from_error(warning, SOURCE))
    digest = hashlib.sha1(page.text.encode("utf-8")).hexdigest()[:10]
    found.append(Article(
        text=page.text, source=SOURCE, id=f"api-{digest}", published=published or page.published,
        outlet=outlet_id(body.outlet) or page.outlet, url=page.url, title=body.title or page.title,
    ))  # fmt: skip
    return found


@router.post(
    "/articles",
    tags=["writing"],
    status_code=201,
    response_model=IngestOut,
    responses={200: {"model": IngestOut, "description": "already stored"}, **errors(401, 403, 413, 422)},
    summary="Store an article (text, HTML or URL)",
)
def add_article(body: ArticleIn, state: Writer) -> Any:
    """Read the article, extract its records and store them (``parley.flow.take_in``). Answers 201
    when something was stored, 200 when all of it was stored before, 422 when nothing could be read.

    The records are extracted in a process of the server's own, one article at a time: the request
    waits for it while the server goes on answering other requests. An article over the setting
    `input.max_chars` is refused (P100); one whose extraction takes longer than `nlp.article_seconds`
    fails (P601), as does one whose extraction process dies (it is started afresh for the next)."""
    found = read_input(body, state.settings)
    problems = [p for p in found if isinstance(p, InputProblem)]
    results = state.take_in([a for a in found if isinstance(a, Article)], body.process)
    out = IngestOut(
        results=[
            TakeInOut(**vars(r), link=data.article_link(r.article_id) if r.article_id else None)
            for r in results
        ],
        problems=[ProblemOut(**vars(p)) for p in problems],
    )
    if not any(r.ok for r in results):
        first = next((p for p in problems if p.severity == "error"), None)
        failed = next((r for r in results if not r.ok), None)
        code = first.code if first else failed.code if failed and failed.code else "P100"
        message = first.message if first else failed.message if failed else "no article found in the input"
        return JSONResponse(error_body(code, message, **out.model_dump()), status_code=422)
    return JSONResponse(
        out.model_dump(), status_code=201 if any(r.status == "stored" for r in results) else 200
    )


class DeletedOut(BaseModel):
    """What deleting an article did."""

    article_id: int
    process: str | None = Field(None, description="the process it was in")
    facts_updated: list[int] = Field(description="facts recomputed from their other sources")
    facts_removed: list[int] = Field(description="facts it was the only source of")
    story_first: int | None = Field(
        None, description="the near-duplicate that became the first article of its story"
    )


@router.delete(
    "/articles/{article_id}",
    tags=["writing"],
    response_model=DeletedOut,
    responses=errors(401, 403, 404, 422),
    summary="Delete an article",
)
def delete_article(article_id: ArticleId, state: Writer) -> Any:
    """Delete an article with its statements and records (``parley.flow.delete_article``): the facts
    it supported are recomputed from their other sources, those it alone supported are removed."""
    return JSONResponse(DeletedOut(**vars(state.delete_article(article_id))).model_dump())
