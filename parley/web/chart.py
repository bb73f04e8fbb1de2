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
LANE = 9  # height added to a row for each further overlapping range
TICKS = 6


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _key(item: dict[str, Any]) -> str:
    """The row of an event or range: its party, or the meetings row."""
    return "meetings" if item["kind"] == "meetings" else item["party"] or "unknown"


def _lanes(ranges: list[dict[str, Any]]) -> list[int]:
    """A lane for each range so that the ranges of a row that overlap in time are drawn apart."""
    ends: dict[str, list[str]] = {}  # row -> the last day taken in each of its lanes
    lanes = []
    for r in ranges:
        taken = ends.setdefault(_key(r), [])
        lane = next((i for i, end in enumerate(taken) if end < r["start"]), len(taken))
        if lane == len(taken):
            taken.append(r["end"])
        else:
            taken[lane] = r["end"]
        lanes.append(lane)
    return lanes


def layout(
    events: list[dict[str, Any]],
    ranges: list[dict[str, Any]],
    as_of: str,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Rows, ticks, marks and bars for ``events`` and ``ranges`` (see ``data.timeline_data``);
    ranges reaching out of the ``since``..``until`` window are cut at its edges."""
    low = _day(since) if since else date.min
    high = _day(until) + timedelta(days=1) if until else date.max

    def begin(r: dict[str, Any]) -> date:
        return max(_day(r["start"]), low)

    def end(r: dict[str, Any]) -> date:  # the day after the range's last day
        return min(_day(r["end"]) + timedelta(days=1), high)

    days = [_day(e["date"]) for e in events]
    days += [begin(r) for r in ranges] + [end(r) for r in ranges]
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

    ranges = sorted(ranges, key=lambda r: (r["start"], r["end"]))
    lanes = _lanes(ranges)
    # Rows in order of their first item; a row is taller by one lane for each extra overlapping range.
    order: dict[str, str] = {}
    for item in sorted([*events, *ranges], key=lambda i: i.get("date") or i["start"]):
        order.setdefault(_key(item), item.get("party_name") or item["party"] or "unknown")
    extra = {key: max((lane for r, lane in zip(ranges, lanes, strict=True) if _key(r) == key), default=0)
             for key in order}  # fmt: skip
    centre, top = {}, TOP
    for key in order:
        centre[key] = top + ROW / 2
        top += ROW + LANE * extra[key]
    marks = [
        {
            "x": x(_day(e["date"])),
            "y": centre[_key(e)] + KIND_OFFSET.get(e["kind"], 0),
            "kind": e["kind"],
            "future": e["future"],
            "href": e["link"],
            "title": f"{e['date']} · {e['event']} · {e.get('party_name') or e['party'] or ''}: {e['text']}",
        }
        for e in events
    ]
    bars = [
        {
            "x": x(begin(r)),
            "width": max(x(end(r)) - x(begin(r)), 2.0),
            "y": centre[_key(r)] + BAR_OFFSET + LANE * lane,
            "range": r["range"],
            "href": r["link"],
            "title": f"{r['start']} – {r['end']} · {r['range']} · {r.get('party_name') or r['party'] or ''}: {r['text']}",
        }
        for r, lane in zip(ranges, lanes, strict=True)
    ]
    ticks = sorted({first + timedelta(days=round(span * i / TICKS)) for i in range(TICKS + 1)})
    today = _day(as_of)
    return {
        "width": WIDTH,
        "height": top + 8,
        "rows": [
            {
                "label": "Meetings" if key == "meetings" else label,
                "y": centre[key],
                "bottom": centre[key] - ROW / 2 + ROW + LANE * extra[key],
            }
            for key, label in order.items()
        ],  # fmt: skip
        "ticks": [{"x": x(t), "label": t.isoformat()} for t in ticks],
        "marks": marks,
        "bars": bars,
        "as_of_x": x(today) if first <= today <= last else None,
    }
