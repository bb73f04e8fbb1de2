"""Alerts on the web: the ``/alerts`` page and its JSON twin, an Atom feed per rule
(``/alerts.atom?rule=NAME``), and the API for rules (``/api/alerts/rules``; writes need the bearer
token) and the alert log (``/api/alerts``).

Rules are written through ``parley.alerts.rules`` on the app's writer connection; alerts are only
read here (they are raised by ``parley.flow`` and the clock's check).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from parley import __version__
from parley.alerts import outbox
from parley.alerts.rules import KINDS, add_rule, default_rules, remove_rule, rule_from
from parley.errors import NotFoundError
from parley.store import Store
from parley.store.alerts import ALERT_ORDER
from parley.web.jsonout import JSONData
from parley.web.pages import _twins, respond
from parley.web.params import DEFAULT_LIMIT, READ_ERRORS, CursorQ, LimitQ, Page, errors, paginate, position_of
from parley.web.state import State, WebState, Writer

router = APIRouter()
ATOM_ENTRIES = 50

RuleQ = Annotated[
    str | None,
    Query(description="only this rule's alerts", max_length=80, pattern=r"^[a-z0-9._-]*$"),
]


def _rules(store: Store) -> list[dict[str, Any]]:
    """The rules with where they come from ("default" while none is stored) and their feed."""
    rows = store.alert_rules() or [
        {"name": r.name, "spec": r.spec(), "origin": "default"} for r in default_rules()
    ]
    return [
        {**row["spec"], "name": row["name"], "origin": row["origin"],
         "feed": f"/alerts.atom?{urlencode({'rule': row['name']})}"}
        for row in rows
    ]  # fmt: skip


def alerts_list(
    store: Store, rule: str | None, *, cursor: str | None, limit: int, count_cap: int, base_url: str = ""
) -> Page:
    """A page of the alert log (of one rule), newest first: the alerts after the cursor's position."""
    position = position_of(cursor, [int] * len(ALERT_ORDER))
    rows = outbox.log(store, rule=rule, limit=limit + 1, after=position, base_url=base_url)
    total = store.alert_count(rule, cap=count_cap)
    return Page(rows[:limit], [rows[limit - 1][k] for k in ALERT_ORDER] if len(rows) > limit else None,
                total=min(total, count_cap), total_capped=total > count_cap)  # fmt: skip


def alerts_page_data(
    request: Request, state: WebState, rule: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """One page of the alert log (of one rule), newest first, with the rules and their feeds."""
    settings = state.settings
    page = alerts_list(state.store, rule, cursor=cursor, limit=limit, count_cap=settings.serve.count_cap,
                       base_url=settings.alerts.base_url)  # fmt: skip
    return paginate(
        request,
        page,
        limit,
        rule=rule,
        rules=_rules(state.store),
        feed=f"/alerts.atom?{urlencode({'rule': rule})}" if rule else "/alerts.atom",
    )


@_twins("/alerts", "alerts", "Alerts raised, newest first, and where each was delivered")
def alerts_page(
    request: Request, state: State, rule: RuleQ = None, cursor: CursorQ = None, limit: LimitQ = DEFAULT_LIMIT
) -> Response:
    """The alerts raised (of one rule), each with its fact, sources and deliveries; the rules and
    their Atom feeds."""
    return respond(request, "alerts.html", alerts_page_data(request, state, rule or None, cursor, limit))


@router.get(
    "/alerts.atom",
    tags=["pages"],
    responses=READ_ERRORS,
    summary="Alerts as an Atom feed (of one rule)",
    response_class=Response,
)
def alerts_feed(request: Request, state: State, rule: RuleQ = None) -> Response:
    """The newest alerts (of one rule) as Atom 1.0: one entry per alert, linking to its fact."""
    base = state.settings.alerts.base_url or str(request.base_url).rstrip("/")
    entries = outbox.log(state.store, rule=rule or None, limit=ATOM_ENTRIES, base_url=base)
    return Response(atom(entries, rule or None, base), media_type="application/atom+xml; charset=utf-8")


def atom(entries: list[dict[str, Any]], rule: str | None, base: str) -> str:
    """An Atom 1.0 document of alerts (``parley.alerts.outbox.entry`` dicts, links absolute)."""
    name = rule or "all rules"
    self_link = f"{base}/alerts.atom" + (f"?{urlencode({'rule': rule})}" if rule else "")
    page_link = f"{base}/alerts" + (f"?{urlencode({'rule': rule})}" if rule else "")
    updated = entries[0]["fired_at"] if entries else "1970-01-01T00:00:00+00:00"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>urn:parley:alerts:{escape(name)}</id>",
        f"<title>parley alerts: {escape(name)}</title>",
        f"<updated>{escape(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_link)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(page_link)}/>',
        f'<generator version="{escape(__version__)}">parley</generator>',
    ]
    for item in entries:
        link = (item["fact"] or {}).get("link") or item["article"] or page_link
        uid = hashlib.sha256(item["key"].encode("utf-8")).hexdigest()[:32]
        summary = [item["title"]]
        if item["fact"]:
            summary.append(f"{item['fact']['text']} ({item['fact']['status']})")
        summary += [
            f"{s['outlet'] or 'unknown outlet'}: “{s['sentence']}” {s['link']}" for s in item["sources"]
        ]
        parts += [
            "<entry>",
            f"<id>urn:parley:alert:{uid}</id>",
            f"<title>{escape(item['title'])}</title>",
            f"<updated>{escape(item['fired_at'])}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>',
            f"<category term={quoteattr(item['kind'])}/>",
            f"<author><name>parley rule {escape(item['rule'])}</name></author>",
            f"<summary>{escape(chr(10).join(summary))}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


# -- the API ------------------------------------------------------------------------------------

API = ["alerts"]


class RuleIn(BaseModel):
    """An alert rule (see docs/ALERTS.md): empty filters match everything."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=80, description="lower-case letters, digits, '-', '_', '.'")
    kinds: list[str] | None = Field(None, description=f"kinds of alert (default: all): {', '.join(KINDS)}")
    processes: list[str] | None = None
    parties: list[str] | None = None
    issues: list[str] | None = None
    min_outlets: int | None = None
    min_stories: int | None = None
    min_named_sources: int | None = None
    sources: list[str] | None = Field(None, description="outlets or speakers one of which must be a source")
    days_before: int | None = None
    webhook: str | None = Field(None, max_length=2000)
    email: list[str] | None = None
    description: str | None = Field(None, max_length=500)


@router.get("/api/alerts", tags=API, responses=READ_ERRORS, summary="Alerts raised (as `parley alerts log`)")
def api_alerts(
    request: Request, state: State, rule: RuleQ = None, cursor: CursorQ = None, limit: LimitQ = DEFAULT_LIMIT
) -> Response:
    """The alerts raised (of one rule), newest first, with their fact, sources and deliveries; a page
    at a time (``next`` links to the page after)."""
    page = alerts_page_data(request, state, rule or None, cursor, limit)
    return JSONData({k: page[k] for k in ("items", "limit", "next", "first", "total", "total_capped")})


@router.get("/api/alerts/rules", tags=API, summary="Alert rules")
def api_rules(state: State) -> Response:
    """The rules that raise alerts (``origin`` "default" while none is configured)."""
    return JSONData({"items": _rules(state.store)})


@router.post(
    "/api/alerts/rules",
    tags=API,
    status_code=201,
    responses={200: {"description": "A rule of that name was replaced"}, **errors(401, 403, 422)},
    summary="Add a rule (or replace the one of its name)",
)
def api_add_rule(body: RuleIn, state: Writer) -> Any:
    """Store a rule; it applies to the alerts raised from now on. 201 when it is new; 200 when it
    replaced one of its name, whose origin ``replaced`` tells."""
    rule = rule_from(body.model_dump(exclude_none=True), "POST /api/alerts/rules")
    replaced = state.write(lambda store: add_rule(store, rule, "api"))
    body_out = {**rule.spec(), "origin": "api", "replaced": replaced}
    return JSONResponse(body_out, status_code=200 if replaced else 201)


@router.delete("/api/alerts/rules/{name}", tags=API, responses=errors(401, 403, 404), summary="Remove a rule")
def api_remove_rule(name: str, state: Writer) -> Any:
    """Delete a rule; the alerts it raised stay in the log."""
    if not state.write(lambda store: remove_rule(store, name)):
        raise NotFoundError(f"no rule named {name!r}", source=f"DELETE /api/alerts/rules/{name}")
    return JSONResponse({"removed": name})
