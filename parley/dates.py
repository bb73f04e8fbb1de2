"""Time expressions in news text, resolved against the article's publication date.

``resolve("on Thursday", "2025-04-18")`` is the day before; ``find_expressions`` locates such
expressions in a sentence so the extractor can attach the one nearest a verb. News conventions
settle the ambiguous cases: a bare weekday is the most recent one (reports are in the past tense)
unless the caller passes ``future=True`` or the expression is a deadline ("by Friday"); a month and
day without a year is the occurrence nearest the publication date. Odd text resolves to an
"unknown" value, never to an exception.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "range", "unknown")

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_ABBREVIATIONS = {name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1) if name != "may"} | {"sept": 9}
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, 1)} | _ABBREVIATIONS
WEEKDAYS: dict[str, int] = {
    name: i
    for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_ONES = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
NUMBERS: dict[str, int] = {
    **{word: i for i, word in enumerate(_ONES, 1)},
    **{f"twenty-{word}": 20 + i for i, word in enumerate(_ONES[:9], 1)},
    "twenty": 20,
    "thirty": 30,
}
#: "a few days", "several weeks", "the coming days": this many units from the reference date.
FEW: tuple[int, int] = (2, 7)
#: Lower-case month words that are usually verbs in running text ("may", "march", "mar").
_VERB_MONTHS = frozenset({"may", "march", "mar"})
#: Parts of a month ("early February" is the 1st to the 10th); "end of" means the last day.
_PARTS = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20), "middle": (11, 20)}
_PARTS |= {"late": (21, 31), "end": (31, 31)}
#: Days in a duration unit ("a month-long truce" is 30 days); hours round up to whole days.
_DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30, "year": 365}


def _alt(words: Any) -> str:
    """A regex alternation of ``words``, longest first; a hyphen also matches a space."""
    return "|".join(re.escape(w).replace(r"\-", r"[-\s]") for w in sorted(words, key=len, reverse=True))


def _month(group: str) -> str:
    """A month name; only an abbreviation takes a period (a sentence's full stop stays out)."""
    return rf"\b(?P<{group}>(?:{_alt(_MONTH_NAMES)})\b|(?:{_alt(_ABBREVIATIONS)})\b\.?)"


def _day(group: str) -> str:
    return rf"(?P<{group}>\d{{1,2}})(?:st|nd|rd|th)?\b"


_NUM = rf"(?:\d{{1,3}}|a\s+few|a\s+couple\s+of|several|{_alt(NUMBERS)}|an?)\b"
_UNIT = r"(?P<unit>(?:hour|day|week|month|year)s?)\b"
_YEAR = r"(?P<y>(?:19|20)\d{2})\b"
_TO = r"\s*(?:-|–|—|to|until|till|through)\s*"
_WEEKDAY = _alt(WEEKDAYS)
_TIME = (
    r"(?:(?:noon|midday|midnight|dawn)\b|\d{1,2}(?::\d{2})?\s*(?:o['’]clock|[ap]\.?m\.?(?!\w))|\d{1,2}:\d{2})"
)
_PART_OF_DAY = r"(?:morning|afternoon|evening|night)\b"

# In priority order: resolve() takes the first kind that matches, so the most specific come first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx, re.IGNORECASE))
    for kind, rx in (
        ("iso", r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b"),
        (
            "month_day",
            rf"(?:\b(?:{_WEEKDAY}),?\s+)?{_month('m')}\s*{_day('d')}"
            rf"(?:{_TO}(?:{_month('m2')}\s*)?{_day('d2')})?(?:,?\s*{_YEAR})?",
        ),
        ("month_day", rf"\b{_day('d')}(?:{_TO}{_day('d2')})?\s+(?:of\s+)?{_month('m')}(?:,?\s*{_YEAR})?"),
        ("end", r"\b(?:the\s+)?end\s+of\s+(?P<rel>the|this|next|last)\s+(?P<unit>week|month|year)\b"),
        (
            "month",
            rf"(?:\b(?P<prep>in|since|until|by|from|during|before|after|of|last|next|this)\s+)?"
            rf"(?:\b(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)[-\s]*)?"
            rf"{_month('m')}(?:,?\s*{_YEAR})?",
        ),
        ("year", rf"\b(?P<prep>in|since|until|by|during|before|after)\s+{_YEAR}"),
        (
            "relative",
            rf"\b(?P<prep>in|within|over)\s+(?P<coming>the\s+(?:next|coming|following)(?:\s+few)?\s+)?"
            rf"(?:(?P<n>{_NUM})(?:\s*(?:-|–|to|or)\s*(?P<n2>{_NUM}))?\s+)?{_UNIT}(?:['’]s?\s+time)?",
        ),
        ("ago", rf"\b(?P<n>{_NUM})\s+{_UNIT}\s+(?P<dir>ago|from\s+now|earlier|before|later|after)\b"),
        (
            "period",
            r"\b(?P<rel>last|next|this|past|previous|coming|earlier\s+this|later\s+this|the)\s+"
            r"(?P<unit>week|month|year|weekend)\b",
        ),
        ("word", r"\b(?P<word>today|tonight|yesterday|tomorrow)\b"),
        (
            "anchored",
            r"\b(?:the\s+)?(?P<a>same\s+day|that\s+day|(?:earlier|later)\s+in\s+the\s+day|next\s+day|following\s+day|previous\s+day"
            r"|day\s+before|day\s+after)\b",
        ),
        ("weekday", rf"\b(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<wd>{_WEEKDAY})\b"),
    )
)
# Words before and after an expression that belong to it: "by noon on Friday", "Thursday night".
_LEAD = re.compile(
    r"(?:\b(?:by|on|in|over|until|till|before|after|since|from|as\s+of|no\s+later\s+than|ahead\s+of"
    rf"|starting|during|at)\s+)?(?:\b(?:late|early)\s+(?:on\s+)?)?(?:\b(?:{_TIME}|{_PART_OF_DAY})\s+(?:on\s+)?)?$",
    re.IGNORECASE,
)
_TAIL = re.compile(rf"\s*,?\s*(?:at\s+)?(?:around\s+)?\b(?:{_TIME}|{_PART_OF_DAY})", re.IGNORECASE)
_DEADLINE = re.compile(r"\s*(?:by|until|till|before|no\s+later\s+than|ahead\s+of)\b", re.IGNORECASE)
_DURATION = re.compile(rf"\b(?P<n>{_NUM})[\s-]+{_UNIT}", re.IGNORECASE)
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")


@dataclass(frozen=True)
class DateValue:
    """A resolved time expression: the span of days it covers and how precisely it is known.

    ``start``/``end`` are inclusive and both set for a known value. A month and day whose year is
    unknown (no publication date) has ``start = end = None`` with ``month``/``day`` set.
    """

    start: date | None
    end: date | None
    precision: str
    text: str = ""
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown date precision {self.precision!r}, expected one of {PRECISIONS}")

    def iso(self) -> str | None:
        """ISO 8601: "2025-04-17", "2025-04", "2025", "--04-17", "2025-04-18/2025-04-21"; None if unknown."""
        if self.start is None or self.end is None:
            if self.month is None:
                return None
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        if self.start == self.end:
            return self.start.isoformat()
        whole_month = self.start.day == 1 and self.end == _last_day(self.start)
        if self.precision == "month" and whole_month:
            return f"{self.start:%Y-%m}"
        whole_year = (self.start, self.end) == (date(self.start.year, 1, 1), date(self.start.year, 12, 31))
        if self.precision == "year" and whole_year:
            return str(self.start.year)
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def contains(self, d: date | str) -> bool:
        """Whether the day ``d`` lies within this value (a year-less value matches any year)."""
        day = parse_iso(d)
        if day is None:
            return False
        if self.start is not None and self.end is not None:
            return self.start <= day <= self.end
        return self.month == day.month and (self.day is None or self.day == day.day)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: text, precision, iso, start, end, month, day."""
        return {
            "text": self.text,
            "precision": self.precision,
            "iso": self.iso(),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "month": self.month,
            "day": self.day,
        }


@dataclass(frozen=True)
class _Context:
    published: date | None
    future: bool
    anchor: date | None


def parse_iso(s: date | str | None) -> date | None:
    """A date from "2025-04-18", "2025-04-18T10:00:00Z" or a date/datetime; None for anything else."""
    if isinstance(s, datetime):
        return s.date()
    if isinstance(s, date):
        return s
    m = _ISO.match(s) if isinstance(s, str) else None
    return _safe_date(int(m[1]), int(m[2]), int(m[3])) if m else None


def parse_duration(text: str) -> int | None:
    """Days in the first duration of ``text``: "a 30-day truce" → 30, "72-hour" → 3, "two weeks" → 14."""
    for m in _DURATION.finditer(text or ""):
        n, unit = _number(m["n"]), m["unit"].lower().rstrip("s")
        if n:
            return math.ceil(n / 24) if unit == "hour" else n * _DAYS_PER_UNIT[unit]
    return None


def end_of(start: date, duration_days: int) -> date:
    """The last day of a period of ``duration_days`` days that begins on ``start`` (inclusive)."""
    if duration_days < 1:
        raise ValueError(f"a duration must be at least one day, got {duration_days}")
    return start + timedelta(days=duration_days - 1)


def find_expressions(text: str) -> list[tuple[int, int, str]]:
    """Time expressions in ``text`` as (start, end, text), left to right, longest where they overlap."""
    found = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if _usable(kind, m, None):
                lead, tail = _LEAD.search(text, max(0, m.start() - 40), m.start()), _TAIL.match(text, m.end())
                found.append((lead.start() if lead else m.start(), tail.end() if tail else m.end()))
    spans: list[tuple[int, int, str]] = []
    taken = 0
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if start >= taken:
            spans.append((start, end, text[start:end]))
            taken = end
    return spans


def resolve(
    expression: str,
    published: date | str | None,
    *,
    future: bool = False,
    anchor: DateValue | date | str | None = None,
) -> DateValue:
    """Resolve a time expression against the publication date (see the module docstring).

    ``future`` resolves a bare weekday or month to the next such day (future-tense context);
    ``anchor`` is the date "the same day", "the next day" or "two days later" refer to.
    """
    text = expression if isinstance(expression, str) else ""
    if isinstance(anchor, DateValue):
        anchor = anchor.start if anchor.start is not None and anchor.start == anchor.end else None
    ctx = _Context(parse_iso(published), future or bool(_DEADLINE.match(text)), parse_iso(anchor))
    for kind, rx in _PATTERNS:
        m = next((m for m in rx.finditer(text) if _usable(kind, m, text.strip())), None)
        if m is None:
            continue
        if ctx.published is None and kind in ("end", "period", "word", "weekday", "relative"):
            break
        try:
            value = _RESOLVERS[kind](m.groupdict(), ctx)
        except (ValueError, OverflowError):  # a date out of range: "in 999 years" in 9999
            value = None
        if value is not None:
            return replace(value, text=text)
        break
    return DateValue(None, None, "unknown", text)


def _usable(kind: str, m: re.Match[str], whole: str | None) -> bool:
    """Whether a match is a time expression; ``whole`` is resolve's expression, None in running text."""
    g = m.groupdict()
    month = g.get("m") or ""
    if whole is None and month.lower().rstrip(".") in _VERB_MONTHS and not month[0].isupper():
        return False
    if kind == "month":  # a bare "May" or "March" is a date only when it is all there is
        return bool(g["prep"] or g["part"] or g["y"]) or m[0] == whole
    if kind == "relative":  # "in days" or "over a week of talks" are not deadlines
        if g["coming"]:
            return True
        return g["prep"].lower() == "within" or (g["prep"].lower() == "in" and g["n"] is not None)
    if kind == "period":
        return g["rel"].lower() != "the" or g["unit"].lower() == "weekend"
    return True


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _number(word: str) -> int | None:
    """The count a number word stands for; None for a vague one ("a few", "several")."""
    w = re.sub(r"[\s-]+", "-", word.strip().lower())
    if w.isdigit():
        return int(w)
    return {"a": 1, "an": 1, "a-couple-of": 2}.get(w) or NUMBERS.get(w)


def _shift(d: date, n: int, unit: str) -> date:
    """``d`` moved by ``n`` hours (rounded up to whole days), days, weeks, months or years."""
    if unit in ("hour", "day", "week"):
        days = math.ceil(abs(n) / 24) if unit == "hour" else abs(n) * (7 if unit == "week" else 1)
        return d + timedelta(days=days if n >= 0 else -days)
    year, month0 = divmod(d.year * 12 + d.month - 1 + n * (12 if unit == "year" else 1), 12)
    first = date(year, month0 + 1, 1)
    return first.replace(day=min(d.day, _last_day(first).day))


def _containing(d: date, unit: str) -> DateValue:
    """The calendar week (Monday to Sunday), month or year around ``d``; the day itself otherwise."""
    if unit == "week":
        monday = d - timedelta(days=d.weekday())
        return DateValue(monday, monday + timedelta(days=6), "week")
    if unit == "month":
        return DateValue(d.replace(day=1), _last_day(d), "month")
    if unit == "year":
        return DateValue(date(d.year, 1, 1), date(d.year, 12, 31), "year")
    return DateValue(d, d, "day")


def _pick_month(month: int, ctx: _Context, rel: str = "") -> tuple[int, int]:
    """The (year, month) a year-less month name means, relative to the publication month."""
    p = ctx.published
    assert p is not None
    here = p.year * 12 + p.month - 1
    options = [year * 12 + month - 1 for year in (p.year - 1, p.year, p.year + 1)]
    if rel == "this":
        best = options[1]
    elif rel == "last":
        best = max(i for i in options if i < here)
    elif rel == "since":
        best = max(i for i in options if i <= here)
    elif rel == "next":
        best = min(i for i in options if i > here)
    elif ctx.future:
        best = min(i for i in options if i >= here)
    else:  # the nearest; on a tie the past one
        best = min(options, key=lambda i: (abs(i - here), i > here))
    year, month0 = divmod(best, 12)
    return year, month0 + 1


def _month_day(g: dict[str, Any], ctx: _Context) -> DateValue | None:
    m, d = _month_number(g["m"]), int(g["d"])
    p = ctx.published
    if g["y"]:
        start = _safe_date(int(g["y"]), m, d)
    elif p is not None:  # the nearest such day (the next one in future context); Feb 29 may be years off
        options = [x for year in range(p.year - 4, p.year + 5) if (x := _safe_date(year, m, d))]
        if ctx.future:
            options = [x for x in options if x >= p]
        start = min(options, key=lambda x: (abs((x - p).days), x > p), default=None)
    elif g.get("d2") is None and _safe_date(2000, m, d):  # 2000 was a leap year: any real day fits
        return DateValue(None, None, "day", month=m, day=d)
    else:
        return None
    if start is None:
        return None
    if g.get("d2") is None:
        return DateValue(start, start, "day")
    m2, d2 = _month_number(g["m2"]) if g.get("m2") else m, int(g["d2"])
    end = _safe_date(start.year, m2, d2)
    if end is not None and end < start:  # "Dec. 30 to Jan. 2"
        end = _safe_date(start.year + 1, m2, d2)
    return DateValue(start, end, "range") if end is not None and end > start else None


def _end(g: dict[str, Any], ctx: _Context) -> date | None:
    """The last day of "the end of the/this/next/last week/month/year"."""
    unit, k = g["unit"].lower(), {"next": 1, "last": -1}.get(g["rel"].lower(), 0)
    return _containing(_shift(ctx.published, k, unit), unit).end  # type: ignore[arg-type]


def _month_name(g: dict[str, Any], ctx: _Context) -> DateValue:
    """A month: "in March", "March 2024", "last March"; a part of one: "early February", "mid-March"."""
    m = _month_number(g["m"])
    if g["y"]:
        year = int(g["y"])
    elif ctx.published is not None:
        year, m = _pick_month(m, ctx, (g["prep"] or "").lower())
    else:
        return DateValue(None, None, "month", month=m)
    if not g["part"]:
        return _containing(date(year, m, 1), "month")
    lo, hi = _PARTS[next(word for word in g["part"].lower().split() if word in _PARTS)]
    last = calendar.monthrange(year, m)[1]
    start, end = date(year, m, min(lo, last)), date(year, m, min(hi, last))
    return DateValue(start, end, "day" if start == end else "range")


def _relative(g: dict[str, Any], ctx: _Context) -> DateValue | None:
    """Counted offsets: "in two weeks", "within 50 days", "in 10 to 12 days", "a few days ago"."""
    raw_unit = g["unit"].lower()
    unit = raw_unit.rstrip("s")
    n = _number(g["n"]) if g["n"] else (None if raw_unit.endswith("s") else 1)  # "the next week" = 1
    n2 = _number(g["n2"]) if g.get("n2") else None
    direction = re.sub(r"\s+", " ", (g.get("dir") or "from now").lower())
    base = ctx.published if direction in ("ago", "from now") else ctx.anchor
    if base is None:
        return None
    sign = -1 if direction in ("ago", "earlier", "before") else 1
    within = (g.get("prep") or "").lower() in ("within", "over") or bool(g.get("coming"))
    if n is None:
        lo, hi = FEW
    elif n2 is not None:
        lo, hi = n, n2
    elif within:
        lo, hi = 0, n
    else:
        return _containing(_shift(base, sign * n, unit), unit)
    a, b = (base if within else _shift(base, sign * lo, unit)), _shift(base, sign * hi, unit)
    return DateValue(min(a, b), max(a, b), "range")


def _period(g: dict[str, Any], ctx: _Context) -> DateValue:
    p = ctx.published
    assert p is not None
    rel, unit = re.sub(r"\s+", " ", g["rel"].lower()), g["unit"].lower()
    if unit == "weekend":  # counted from the Saturday of the weekend the article appeared in, if any
        reference = p - timedelta(days=p.weekday() == 6)
        saturday = _on_weekday(reference, 5, "" if rel == "the" else rel, ctx.future)
        return DateValue(saturday, saturday + timedelta(days=1), "range")
    k = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    whole = _containing(_shift(p, k, unit), unit)
    if rel == "earlier this":
        return replace(whole, end=p)
    if rel == "later this":
        return replace(whole, start=p)
    return whole


def _on_weekday(p: date, weekday: int, rel: str, future: bool) -> date:
    """The day of the week ``weekday`` that "last"/"next"/"this"/nothing means on day ``p``."""
    ahead, back = (weekday - p.weekday()) % 7, (p.weekday() - weekday) % 7
    if rel in ("next", "coming"):
        return p + timedelta(days=ahead or 7)
    if rel in ("last", "past", "previous"):
        return p - timedelta(days=back or 7)
    if rel == "this" or future:
        return p + timedelta(days=ahead)
    return p - timedelta(days=back)


def _one_day(d: date | None) -> DateValue | None:
    return DateValue(d, d, "day") if d else None


_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_ANCHOR_WORDS = {"same day": 0, "that day": 0, "next day": 1, "following day": 1, "day after": 1}
_ANCHOR_WORDS |= {"previous day": -1, "day before": -1, "earlier in the day": 0, "later in the day": 0}

# Each takes the match's groups and the context; "published" is set for the kinds resolve() says.
_RESOLVERS = {
    "iso": lambda g, ctx: _one_day(_safe_date(int(g["y"]), int(g["mo"]), int(g["d"]))),
    "month_day": _month_day,
    "end": lambda g, ctx: _one_day(_end(g, ctx)),
    "month": _month_name,
    "year": lambda g, ctx: _containing(date(int(g["y"]), 1, 1), "year"),
    "relative": _relative,
    "ago": _relative,
    "period": _period,
    "word": lambda g, ctx: _one_day(ctx.published + timedelta(days=_DAY_WORDS[g["word"].lower()])),
    "anchored": lambda g, ctx: (
        ctx.anchor
        and _one_day(ctx.anchor + timedelta(days=_ANCHOR_WORDS[re.sub(r"\s+", " ", g["a"].lower())]))
    ),
    "weekday": lambda g, ctx: _one_day(
        _on_weekday(ctx.published, WEEKDAYS[g["wd"].lower()], (g["rel"] or "").lower(), ctx.future)
    ),
}
