"""The dashboard's pages: server-rendered HTML (Jinja2, autoescaped), each with a JSON twin.

Every page is one route function registered twice: at its path (HTML) and at its path plus
``.json`` (the same data as JSON). The data comes from ``parley.web.data``; the templates only lay
it out. Article text is made HTML by ``parley.web.highlight`` (escaped piece by piece), never
marked safe as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from parley import __version__
from parley.web import chart, data, highlight
from parley.web.jsonout import JSONData
from parley.web.params import (
    READ_ERRORS,
    TEXT,
    ActorId,
    ActorSearchQ,
    ArticleId,
    AsOfQ,
    FactId,
    KindQ,
    PagingQ,
    PeriodQ,
    ProcessQ,
    ScopeQ,
    paginate,
)
from parley.web.state import State

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGES = ["pages"]

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # every value is escaped unless it is markupsafe.Markup built by parley
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(
    name=lambda actor_id: data.names().name(actor_id) if actor_id else "", version=__version__
)
_env.filters.update(
    issue=lambda issue: (issue or "no issue").replace("_", " "),
    singular=lambda kind: {"commitments": "commitment", "proposals": "proposal", "positions": "position",
                           "threats": "threat", "violations": "violation", "meetings": "meeting"}.get(kind, kind),
    slug=lambda text: "-".join(str(text).lower().split()),
    # Only web links are made clickable: a stored URL could be "javascript:...".
    web_url=lambda url: url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None,
)  # fmt: skip
templates = Jinja2Templates(env=_env)

router = APIRouter()


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from a template; ``json_url`` in the context is its JSON twin."""
    path = request.url.path.rstrip("/") or "/board"
    query = f"?{request.url.query}" if request.url.query else ""
    return templates.TemplateResponse(
        request, template, {"json_url": f"{path}.json{query}", **context}, status_code=status
    )


def respond(request: Request, template: str, page: dict[str, Any], **html: Any) -> Response:
    """The page's data as JSON for the ``.json`` twin, else the page (``html`` adds what only it needs)."""
    if request.url.path.endswith(".json"):
        return JSONData(page)
    return render(request, template, {"data": page, **html})


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    """An error as a page."""
    return render(request, "error.html", {"status": status, "code": code, "message": message}, status)


def _twins(path: str, name: str, summary: str) -> Any:
    """Register a page function at ``path`` (HTML) and at ``path.json`` (its data), the twin first
    so that ``/articles/1.json`` does not reach the page route as the id ``1.json``."""

    def register(function: Any) -> Any:
        router.get(f"{path}.json", tags=PAGES, responses=READ_ERRORS, operation_id=f"{name}_json",
                   summary=f"{summary} (JSON)")(function)  # fmt: skip
        router.get(path, tags=PAGES, responses=READ_ERRORS, operation_id=f"{name}_page", summary=summary,
                   response_class=HTMLResponse)(function)  # fmt: skip
        return function

    return register


# -- board --------------------------------------------------------------------------------------


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
@_twins("/board", "board", "Board: parties × issues, conflicts, conditions, deadlines")
def board_page(request: Request, state: State, process: ProcessQ = None, as_of: AsOfQ = None) -> Response:
    """The board on a day, with the as-of control that replays it at any past date."""
    page = data.board_data(state.store, process, as_of, state.settings)
    return respond(request, "board.html", page)


# -- timeline -----------------------------------------------------------------------------------


@_twins("/timeline", "timeline", "Timeline: records over time by party and kind")
def timeline_page(
    request: Request, state: State, scope: ScopeQ, period: PeriodQ, kind: KindQ = None
) -> Response:
    """Events over time, one row per party, truces and ultimatums as ranges; ``since``/``until`` zoom in."""
    found = data.timeline_data(state.store, state.settings, scope, kind.value if kind else None, period)
    page = {**found, "chart": chart.layout(found["events"], found["ranges"], found["as_of"], found["since"], found["until"]),
            "process_names": state.store.process_names()}  # fmt: skip
    return respond(request, "timeline.html", page)


# -- articles -----------------------------------------------------------------------------------


@_twins("/articles", "articles", "Articles")
def articles_page(request: Request, state: State, paging: PagingQ, process: ProcessQ = None) -> Response:
    """Stored articles, newest first."""
    found = data.articles_list(state.store, process, paging=paging, count_cap=state.settings.serve.count_cap)
    return respond(request, "articles.html", paginate(request, found, paging.limit, process=process))


def article_marks(page: dict[str, Any]) -> list[highlight.Mark]:
    """The highlights of an article page: statements and their speakers (colour by speaker), the
    attribution cues and every record's evidence."""
    marks = []
    for s in page["statements"]:
        colour = f"speaker-{s['colour']}"
        how = ("quoted" if s["direct"] else "reported") + (", hedged" if s["hedged"] else "")
        via = f", via {', '.join(data.names().name(v) for v in s['via'])}" if s["via"] else ""
        marks.append(
            highlight.Mark(
                s["span"][0], s["span"][1], "statement", colour, f"{s['speaker_name']} ({how}{via})", True
            )
        )
        if s["speaker_span"]:
            start, end = s["speaker_span"]
            marks.append(
                highlight.Mark(int(start), int(end), "speaker", colour, f"speaker: {s['speaker_name']}")
            )
        if s["cue_span"]:
            start, end = s["cue_span"]
            marks.append(highlight.Mark(int(start), int(end), "cue", "", "attribution cue"))
    for r in page["records"]:
        what = f"{r['kind'].rstrip('s')}: {r['party_name'] or ''} · {(r['issue'] or '').replace('_', ' ')}"
        for evidence in r["evidence"]:
            if len(evidence) == 2:
                marks.append(
                    highlight.Mark(
                        int(evidence[0]), int(evidence[1]), "evidence", f"ev-{r['kind']}", what, True
                    )
                )
    return marks


@_twins("/articles/{article_id}", "article", "Article: text with statements and records highlighted")
def article_page(request: Request, state: State, article_id: ArticleId) -> Response:
    """An article's text with statements, speakers, cues and evidence highlighted, records beside it."""
    page = data.article_data(state.store, article_id)
    return respond(
        request,
        "article.html",
        page,
        text_html=highlight.render(page["article"]["text"], article_marks(page)),
    )


# -- facts and actors ---------------------------------------------------------------------------


@_twins("/facts/{fact_id}", "fact", "Fact: all its sources")
def fact_page(
    request: Request, state: State, fact_id: FactId, paging: PagingQ, as_of: AsOfQ = None
) -> Response:
    """A fact with its sources: outlets, named and anonymous speakers, a page of the sentences."""
    found = data.fact_data(state.store, fact_id, as_of, paging)
    return respond(
        request, "fact.html", {**found, "sources": paginate(request, found["sources"], paging.limit)}
    )


@_twins("/actors", "actors", "Actors in the store")
def actors_page(
    request: Request, state: State, paging: PagingQ, as_of: AsOfQ = None, q: ActorSearchQ = None
) -> Response:
    """Every actor the store mentions, most active first; ``q`` finds actors by id or name."""
    found = data.actor_index(state.actor_tallies(as_of), q, paging)
    return respond(request, "actors.html", paginate(request, found, paging.limit, q=q or ""))


@_twins("/actors/{actor_id}", "actor", "Actor: what a party or person said and committed to")
def actor_page(
    request: Request, state: State, actor_id: ActorId, paging: PagingQ, as_of: AsOfQ = None
) -> Response:
    """What an actor said (a page of its statements) and committed to, over time."""
    found = data.actor_data(state.store, actor_id, state.settings, as_of, paging)
    return respond(
        request, "actor.html", {**found, "statements": paginate(request, found["statements"], paging.limit)}
    )


# -- search -------------------------------------------------------------------------------------


@_twins("/search", "search", "Search articles and statements")
def search_page(
    request: Request,
    state: State,
    paging: PagingQ,
    q: Annotated[str, Query(description="the words to find", max_length=500, pattern=TEXT)] = "",
) -> Response:
    """Full-text search over articles and statements (an empty query shows the form only)."""
    hits = data.search_hits(state.store, q, paging, count_cap=state.settings.serve.count_cap)
    return respond(request, "search.html", paginate(request, hits, paging.limit, q=q))
