"""The timeline chart's geometry: one row per party, time across, events as marks, periods as bars.

The page template draws it as inline SVG (no script needed); every mark and bar links to its fact.
Coordinates are in SVG user units; the SVG scales to the page width.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

WIDTH = 960
LEFT = 190  # room for the party names
RIGHT = 24
TOP = 36  # room for the date axis
ROW = 44
#: Vertical offset of each kind's marks within a row, so that same-day events of two kinds stay apart.
KIND_OFFSET = {
    "commitments": -12,
    "proposals": -6,
    "positions": 0,
    "threats": 6,
    "violations": 12,
    "meetings": 0,
}
BAR_OFFSET = 16
TICKS = 6


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def layout(events: list[dict[str, Any]], ranges: list[dict[str, Any]], as_of: str) -> dict[str, Any]:
    """Rows, ticks, marks and bars for ``events`` and ``ranges`` (see ``data.timeline_data``)."""
    rows: list[str] = []
    labels: dict[str, str] = {}

    def row_of(item: dict[str, Any]) -> int:
        key = "meetings" if item["kind"] == "meetings" else item["party"] or "unknown"
        if key not in labels:
            rows.append(key)
            labels[key] = "Meetings" if key == "meetings" else item.get("party_name") or key
        return rows.index(key)

    days = [_day(e["date"]) for e in events]
    days += [_day(r["start"]) for r in ranges] + [_day(r["end"]) + timedelta(days=1) for r in ranges]
    if not days:
        return {
            "width": WIDTH,
            "height": TOP + ROW,
            "rows": [],
            "ticks": [],
            "marks": [],
            "bars": [],
            "as_of_x": None,
        }
    first, last = min(days), max(days)
    if last <= first:
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    span = (last - first).days
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + plot * (day - first).days / span, 1)

    for item in sorted([*events, *ranges], key=lambda i: i.get("date") or i["start"]):
        row_of(item)
    marks = [
        {
            "x": x(_day(e["date"])),
            "y": TOP + ROW * row_of(e) + ROW / 2 + KIND_OFFSET.get(e["kind"], 0),
            "kind": e["kind"],
            "future": e["future"],
            "href": e["link"],
            "title": f"{e['date']} · {e['event']} · {e.get('party_name') or e['party'] or ''}: {e['text']}",
        }
        for e in events
    ]
    bars = [
        {
            "x": x(_day(r["start"])),
            "width": max(x(_day(r["end"]) + timedelta(days=1)) - x(_day(r["start"])), 2.0),
            "y": TOP + ROW * row_of(r) + ROW / 2 + BAR_OFFSET,
            "range": r["range"],
            "href": r["link"],
            "title": f"{r['start']} – {r['end']} · {r['range']} · {r.get('party_name') or r['party'] or ''}: {r['text']}",
        }
        for r in ranges
    ]
    ticks = [first + timedelta(days=round(span * i / TICKS)) for i in range(TICKS + 1)]
    today = _day(as_of)
    return {
        "width": WIDTH,
        "height": TOP + ROW * len(rows) + 8,
        "rows": [{"label": labels[key], "y": TOP + ROW * i + ROW / 2} for i, key in enumerate(rows)],
        "ticks": [{"x": x(t), "label": t.isoformat()} for t in sorted(set(ticks))],
        "marks": marks,
        "bars": bars,
        "as_of_x": x(today) if first <= today <= last else None,
    }
