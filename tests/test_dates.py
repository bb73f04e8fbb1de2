"""Time expressions resolved against a publication date (parley.dates)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from parley.dates import DateValue, end_of, find_expressions, parse_duration, parse_iso, resolve

FRI = "2025-04-18"  # a Friday


def iso(expression: str, published: date | str | None = FRI, **kwargs: object) -> str | None:
    return resolve(expression, published, **kwargs).iso()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on Thursday", "2025-04-17"),
        ("Tuesday", "2025-04-15"),
        ("late on Monday", "2025-04-14"),
        ("Thursday night", "2025-04-17"),
        ("on Friday", "2025-04-18"),  # the publication day itself
        ("on Saturday", "2025-04-12"),  # past tense: the last one
        ("last Friday", "2025-04-11"),
        ("next Tuesday", "2025-04-22"),
        ("this Sunday", "2025-04-20"),
        ("by Friday", "2025-04-18"),
        ("by noon on Saturday", "2025-04-19"),
        ("by Saturday noon", "2025-04-19"),
        ("by 12 o'clock on Saturday", "2025-04-19"),
        ("until Monday", "2025-04-21"),
    ],
)
def test_weekdays(expression: str, expected: str) -> None:
    assert iso(expression) == expected


def test_weekday_future_argument_takes_the_next_one() -> None:
    assert iso("on Thursday", future=True) == "2025-04-24"
    assert iso("on Saturday", future=True) == "2025-04-19"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("April 18", "2025-04-18"),
        ("18 April", "2025-04-18"),
        ("the 18th of April", "2025-04-18"),
        ("April 18th", "2025-04-18"),
        ("April 18, 2025", "2025-04-18"),
        ("18 April 2024", "2024-04-18"),
        ("Apr. 18", "2025-04-18"),
        ("Apr 18", "2025-04-18"),
        ("Sept. 3", "2025-09-03"),
        ("Jan. 19", "2025-01-19"),
        ("on Aug. 18", "2025-08-18"),
        ("by Aug. 8", "2025-08-08"),
        ("Thursday, April 17", "2025-04-17"),
        ("2025-04-17", "2025-04-17"),
        ("april 18", "2025-04-18"),
        ("APRIL 18", "2025-04-18"),
    ],
)
def test_month_and_day(expression: str, expected: str) -> None:
    assert iso(expression) == expected


def test_month_day_takes_the_nearest_year() -> None:
    assert iso("Dec. 30", "2025-01-02") == "2024-12-30"
    assert iso("Jan. 19", "2024-12-28") == "2025-01-19"
    assert iso("Jan. 19", "2024-12-28", future=True) == "2025-01-19"
    assert iso("April 10", FRI, future=True) == "2026-04-10"


def test_leap_day() -> None:
    assert iso("Feb. 29", "2024-03-05") == "2024-02-29"
    assert iso("Feb. 29", "2025-03-01") == "2024-02-29"
    assert iso("Feb. 29", "2025-03-01", future=True) == "2028-02-29"
    assert iso("Feb. 29, 2025") is None
    assert iso("Feb. 29", None) == "--02-29"
    assert iso("Feb. 30", FRI) is None
    assert iso("April 31", None) is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("April 18-21", "2025-04-18/2025-04-21"),
        ("18-21 April", "2025-04-18/2025-04-21"),
        ("April 18 to 21, 2025", "2025-04-18/2025-04-21"),
        ("April 30 to May 2", "2025-04-30/2025-05-02"),
    ],
)
def test_date_ranges(expression: str, expected: str) -> None:
    value = resolve(expression, FRI)
    assert value.precision == "range"
    assert value.iso() == expected


def test_range_across_the_new_year() -> None:
    assert iso("Dec. 30 to Jan. 2", "2025-01-05") == "2024-12-30/2025-01-02"


@pytest.mark.parametrize(
    ("expression", "expected", "precision"),
    [
        ("today", "2025-04-18", "day"),
        ("tonight", "2025-04-18", "day"),
        ("yesterday", "2025-04-17", "day"),
        ("tomorrow", "2025-04-19", "day"),
        ("last week", "2025-04-07/2025-04-13", "week"),
        ("next week", "2025-04-21/2025-04-27", "week"),
        ("this week", "2025-04-14/2025-04-20", "week"),
        ("last month", "2025-03", "month"),
        ("this month", "2025-04", "month"),
        ("next month", "2025-05", "month"),
        ("last year", "2024", "year"),
        ("earlier this year", "2025-01-01/2025-04-18", "year"),
        ("later this month", "2025-04-18/2025-04-30", "month"),
        ("in March", "2025-03", "month"),
        ("March", "2025-03", "month"),
        ("last March", "2025-03", "month"),  # the most recent one
        ("last April", "2024-04", "month"),
        ("next April", "2026-04", "month"),
        ("in March 2024", "2024-03", "month"),
        ("in 2024", "2024", "year"),
        ("in early February", "2025-02-01/2025-02-10", "range"),
        ("mid-March", "2025-03-11/2025-03-20", "range"),
        ("in late April", "2025-04-21/2025-04-30", "range"),
        ("the end of March", "2025-03-31", "day"),
        ("at the beginning of May", "2025-05-01/2025-05-10", "range"),
        ("end of the month", "2025-04-30", "day"),
        ("by the end of next month", "2025-05-31", "day"),
        ("by the end of the year", "2025-12-31", "day"),
        ("over the weekend", "2025-04-12/2025-04-13", "range"),
        ("this weekend", "2025-04-19/2025-04-20", "range"),
    ],
)
def test_relative_words(expression: str, expected: str, precision: str) -> None:
    value = resolve(expression, FRI)
    assert (value.iso(), value.precision) == (expected, precision)


def test_weekend_said_on_a_sunday() -> None:
    sunday = "2025-04-20"
    assert iso("over the weekend", sunday) == "2025-04-19/2025-04-20"
    assert iso("this weekend", sunday) == "2025-04-19/2025-04-20"
    assert iso("last weekend", sunday) == "2025-04-12/2025-04-13"
    assert iso("next weekend", sunday) == "2025-04-26/2025-04-27"


def test_month_name_nearest_year() -> None:
    assert iso("in December", "2025-01-10") == "2024-12"
    assert iso("in February", "2024-12-10") == "2025-02"
    assert iso("in December", "2025-01-10", future=True) == "2025-12"
    assert iso("late February", "2024-02-01") == "2024-02-21/2024-02-29"  # leap year


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("in a few days", "2025-04-20/2025-04-25"),
        ("in the coming days", "2025-04-18/2025-04-25"),
        ("over the next few days", "2025-04-18/2025-04-25"),
        ("in the next 48 hours", "2025-04-18/2025-04-20"),
        ("within hours", "2025-04-18/2025-04-19"),
        ("within 50 days", "2025-04-18/2025-06-07"),
        ("within 90 days", "2025-04-18/2025-07-17"),
        ("within the next week", "2025-04-18/2025-04-25"),
        ("in 10 to 12 days", "2025-04-28/2025-04-30"),
        ("in two to three weeks", "2025-05-02/2025-05-09"),
        ("in three days", "2025-04-21"),
        ("in 72 hours", "2025-04-21"),
        ("in two weeks", "2025-04-28/2025-05-04"),  # the calendar week around April 30
        ("in a week's time", "2025-04-21/2025-04-27"),
        ("in two months", "2025-06"),
        ("two days ago", "2025-04-16"),
        ("a few days ago", "2025-04-11/2025-04-16"),
        ("three days from now", "2025-04-21"),
    ],
)
def test_counted_offsets(expression: str, expected: str) -> None:
    assert iso(expression) == expected


def test_in_a_few_days_is_a_range() -> None:
    value = resolve("in a few days", FRI)
    assert value.precision == "range"
    assert value.start == date(2025, 4, 20) and value.end == date(2025, 4, 25)


def test_within_days_ends_after_n_days() -> None:
    assert resolve("within 50 days", FRI).end == date(2025, 6, 7)


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert iso("in one month", "2025-01-31") == "2025-02"
    assert resolve("within a month", "2024-01-31").end == date(2024, 2, 29)


def test_anchor() -> None:
    assert resolve("on the same day", FRI).precision == "unknown"
    assert iso("on the same day", anchor="2025-03-18") == "2025-03-18"
    assert iso("the next day", anchor=date(2025, 3, 18)) == "2025-03-19"
    assert iso("the day before", anchor="2025-03-01") == "2025-02-28"
    assert iso("two days later", anchor=resolve("March 18", FRI)) == "2025-03-20"
    assert resolve("two days later", FRI).precision == "unknown"
    # a range is no anchor for "the same day"
    assert resolve("that day", FRI, anchor=resolve("April 18-21", FRI)).precision == "unknown"


@pytest.mark.parametrize(
    "expression",
    ["on Thursday", "yesterday", "last week", "in a few days", "within 50 days", "end of the month"],
)
def test_relative_without_publication_date_is_unknown(expression: str) -> None:
    value = resolve(expression, None)
    assert value == DateValue(None, None, "unknown", expression)
    assert value.iso() is None


def test_month_day_without_publication_date_has_no_year() -> None:
    value = resolve("April 17", None)
    assert (value.start, value.end, value.precision, value.month, value.day) == (None, None, "day", 4, 17)
    assert value.iso() == "--04-17"
    assert iso("Jan. 19", "not a date") == "--01-19"
    assert iso("in March", None) == "--03"
    assert iso("April 18, 2025", None) == "2025-04-18"
    assert iso("April 18-21", None) is None  # a year-less range has no representation


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "xyz", "the talks", "it may rain", "in days", "2025-13-45", "99 Foo", "\x00\ufffd", "42"],
)
def test_junk_is_unknown(junk: str) -> None:
    assert resolve(junk, FRI) == DateValue(None, None, "unknown", junk)


def test_odd_inputs_never_raise() -> None:
    assert resolve(None, FRI).precision == "unknown"  # type: ignore[arg-type]
    assert resolve("in 999 years", "9999-01-01").precision == "unknown"
    assert resolve("tomorrow", "9999-12-31").precision == "unknown"
    assert resolve("in 999 days", FRI).iso() == "2028-01-12"


def test_published_forms() -> None:
    assert iso("yesterday", date(2025, 3, 1)) == "2025-02-28"
    assert iso("yesterday", datetime(2024, 3, 1, 23, 0)) == "2024-02-29"
    assert iso("yesterday", "2025-04-18T10:00:00Z") == "2025-04-17"


def test_datevalue_methods() -> None:
    day = resolve("on Thursday", FRI)
    assert day.contains(date(2025, 4, 17)) and not day.contains(date(2025, 4, 18))
    span = resolve("April 18-21", FRI)
    assert span.contains("2025-04-20") and not span.contains("2025-04-22") and not span.contains("junk")
    assert resolve("April 17", None).contains(date(1999, 4, 17))
    assert not resolve("xyz", FRI).contains(date(2025, 4, 18))
    assert span.to_dict() == {
        "text": "April 18-21",
        "precision": "range",
        "iso": "2025-04-18/2025-04-21",
        "start": "2025-04-18",
        "end": "2025-04-21",
        "month": None,
        "day": None,
    }
    with pytest.raises(ValueError):
        DateValue(None, None, "fortnight")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("a 30-day truce", 30),
        ("30 days", 30),
        ("for 30 days", 30),
        ("three-day ceasefire", 3),
        ("72-hour truce", 3),
        ("a 36-hour pause", 2),
        ("two weeks", 14),
        ("a month", 30),
        ("42 days", 42),
        ("60-day", 60),
        ("for a period of 90 days", 90),
        ("twenty-one days", 21),
        ("a day", 1),
        ("a few days", None),
        ("the truce", None),
        ("0 days", None),
        ("", None),
    ],
)
def test_parse_duration(text: str, days: int | None) -> None:
    assert parse_duration(text) == days


def test_end_of() -> None:
    assert end_of(date(2025, 3, 18), 30) == date(2025, 4, 16)
    assert end_of(date(2025, 3, 18), 31) == date(2025, 4, 17)
    assert end_of(date(2024, 2, 1), 29) == date(2024, 2, 29)
    assert end_of(date(2024, 12, 31), 1) == date(2024, 12, 31)
    with pytest.raises(ValueError):
        end_of(date(2025, 1, 1), 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-18", date(2025, 4, 18)),
        ("2025-04-18T10:00:00Z", date(2025, 4, 18)),
        (" 2025-04-18 10:00", date(2025, 4, 18)),
        (date(2025, 4, 18), date(2025, 4, 18)),
        (datetime(2025, 4, 18, 9), date(2025, 4, 18)),
        ("2025-02-30", None),
        ("18/04/2025", None),
        ("2025-04-18junk", None),
        ("junk", None),
        ("", None),
        (None, None),
        (20250418, None),
    ],
)
def test_parse_iso(value: object, expected: date | None) -> None:
    assert parse_iso(value) == expected  # type: ignore[arg-type]


def texts(sentence: str) -> list[str]:
    return [found for _, _, found in find_expressions(sentence)]


def test_find_expressions_offsets() -> None:
    sentence = "Putin said on Thursday that strikes would stop by noon on Saturday."
    spans = find_expressions(sentence)
    assert [s for _, _, s in spans] == ["on Thursday", "by noon on Saturday"]
    for start, end, found in spans:
        assert sentence[start:end] == found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Talks resumed in early February and on March 18, 2025.",
            ["in early February", "on March 18, 2025"],
        ),
        ("He set the deadline late on Monday night.", ["late on Monday night"]),
        ("The truce must hold within 50 days, officials said yesterday.", ["within 50 days", "yesterday"]),
        ("Kyiv will answer in a few days.", ["in a few days"]),
        ("They met on Thursday, April 17, in Riyadh.", ["on Thursday, April 17"]),
        ("Trump gave Moscow until Aug. 8 to agree.", ["until Aug. 8"]),
        ("Envoys meet in 10 to 12 days.", ["in 10 to 12 days"]),
        ("The talks took place on 18 April.", ["on 18 April"]),
        ("Strikes continued over the weekend and last week.", ["over the weekend", "last week"]),
        ("A deal is expected by the end of the year.", ["by the end of the year"]),
        ("Mediators met two days ago in Doha.", ["two days ago"]),
        ("The talks were held on 2025-04-17.", ["on 2025-04-17"]),
        ("In March, the sides met.", ["In March"]),
        ("They may meet and march on.", []),
        ("Theresa May said on Monday that it may end.", ["on Monday"]),
        ("The sides agreed a 30-day truce.", []),
        ("Nothing here.", []),
    ],
)
def test_find_expressions(sentence: str, expected: list[str]) -> None:
    assert texts(sentence) == expected


def test_found_expressions_resolve() -> None:
    sentence = "On Tuesday Russia promised to halt strikes by Saturday noon and talk again next week."
    assert [iso(found) for found in texts(sentence)] == ["2025-04-15", "2025-04-19", "2025-04-21/2025-04-27"]
