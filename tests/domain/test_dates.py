"""Tests for date phrases, relative labels, week bounds and recurrence rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from taskboard.domain.dates import (
    DateParseError,
    format_relative,
    parse_recurrence,
    parse_when,
    rule_after,
    week_bounds,
)
from tests.domain.days import FRIDAY, MONDAY, SATURDAY, SUNDAY

JAN_31 = date(2027, 1, 31)


def test_fixed_days_are_what_the_tests_say() -> None:
    assert [d.weekday() for d in (MONDAY, FRIDAY, SATURDAY, SUNDAY)] == [0, 4, 5, 6]


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("today", FRIDAY, FRIDAY),
        ("tod", FRIDAY, FRIDAY),
        ("TODAY", FRIDAY, FRIDAY),
        ("  today ", FRIDAY, FRIDAY),
        ("tomorrow", FRIDAY, date(2026, 11, 28)),
        ("tom", FRIDAY, date(2026, 11, 28)),
        ("Tomorrow", FRIDAY, date(2026, 11, 28)),
        ("yesterday", FRIDAY, date(2026, 11, 26)),
        # Weekdays: strictly after today, so "fri" on a Friday is a week later.
        ("fri", FRIDAY, date(2026, 12, 4)),
        ("friday", FRIDAY, date(2026, 12, 4)),
        ("FRI", FRIDAY, date(2026, 12, 4)),
        ("fr", FRIDAY, date(2026, 12, 4)),
        ("freitag", FRIDAY, date(2026, 12, 4)),
        ("sat", FRIDAY, date(2026, 11, 28)),
        ("sa", FRIDAY, date(2026, 11, 28)),
        ("samstag", FRIDAY, date(2026, 11, 28)),
        ("sun", FRIDAY, date(2026, 11, 29)),
        ("sunday", FRIDAY, date(2026, 11, 29)),
        ("so", FRIDAY, date(2026, 11, 29)),
        ("sonntag", FRIDAY, date(2026, 11, 29)),
        ("mon", FRIDAY, date(2026, 11, 30)),
        ("monday", FRIDAY, date(2026, 11, 30)),
        ("mo", FRIDAY, date(2026, 11, 30)),
        ("Montag", FRIDAY, date(2026, 11, 30)),
        ("tue", FRIDAY, date(2026, 12, 1)),
        ("tuesday", FRIDAY, date(2026, 12, 1)),
        ("di", FRIDAY, date(2026, 12, 1)),
        ("dienstag", FRIDAY, date(2026, 12, 1)),
        ("wed", FRIDAY, date(2026, 12, 2)),
        ("wednesday", FRIDAY, date(2026, 12, 2)),
        ("mi", FRIDAY, date(2026, 12, 2)),
        ("mittwoch", FRIDAY, date(2026, 12, 2)),
        ("thu", FRIDAY, date(2026, 12, 3)),
        ("thursday", FRIDAY, date(2026, 12, 3)),
        ("do", FRIDAY, date(2026, 12, 3)),
        ("donnerstag", FRIDAY, date(2026, 12, 3)),
        ("mon", MONDAY, date(2026, 11, 30)),
        ("tue", MONDAY, date(2026, 11, 24)),
        ("sun", SATURDAY, SUNDAY),
        ("sat", SUNDAY, date(2026, 12, 5)),
        # Relative offsets.
        ("+3d", FRIDAY, date(2026, 11, 30)),
        ("3d", FRIDAY, date(2026, 11, 30)),
        ("0d", FRIDAY, FRIDAY),
        ("-2d", FRIDAY, date(2026, 11, 25)),
        ("+2w", FRIDAY, date(2026, 12, 11)),
        ("2w", FRIDAY, date(2026, 12, 11)),
        ("2W", FRIDAY, date(2026, 12, 11)),
        ("+1m", FRIDAY, date(2026, 12, 27)),
        ("1m", FRIDAY, date(2026, 12, 27)),
        ("1m", JAN_31, date(2027, 2, 28)),
        ("-1m", FRIDAY, date(2026, 10, 27)),
        ("1y", FRIDAY, date(2027, 11, 27)),
        # Ends of periods.
        ("eow", FRIDAY, FRIDAY),
        ("eow", MONDAY, FRIDAY),
        ("EOW", date(2026, 11, 26), FRIDAY),
        ("eow", SATURDAY, date(2026, 12, 4)),
        ("eow", SUNDAY, date(2026, 12, 4)),
        ("eom", FRIDAY, date(2026, 11, 30)),
        ("eom", date(2028, 2, 3), date(2028, 2, 29)),
        ("eom", date(2026, 12, 31), date(2026, 12, 31)),
        ("eoy", FRIDAY, date(2026, 12, 31)),
        # Absolute dates.
        ("2026-12-01", FRIDAY, date(2026, 12, 1)),
        ("2025-01-05", FRIDAY, date(2025, 1, 5)),
        ("1.12.", FRIDAY, date(2026, 12, 1)),
        ("01.12.", FRIDAY, date(2026, 12, 1)),
        ("1.12", FRIDAY, date(2026, 12, 1)),
        ("01.12.2026", FRIDAY, date(2026, 12, 1)),
        ("1.12.26", FRIDAY, date(2026, 12, 1)),
        ("1.12.27", FRIDAY, date(2027, 12, 1)),
        ("27.11.", FRIDAY, FRIDAY),  # today is not "already before today"
        # No year: the nearest such date; yesterday is not next year.
        ("26.11.", FRIDAY, date(2026, 11, 26)),
        ("1.12.", date(2026, 12, 2), date(2026, 12, 1)),
        ("1.6.", FRIDAY, date(2026, 6, 1)),
        ("1.6.", date(2026, 6, 2), date(2026, 6, 1)),
        ("1.1.", FRIDAY, date(2027, 1, 1)),
        ("30.11.", date(2026, 1, 2), date(2025, 11, 30)),
        ("1.1.", date.max, date(9999, 1, 1)),  # no next one: the nearest is behind
        ("29.02.", FRIDAY, date(2028, 2, 29)),
        ("31.12.", FRIDAY, date(2026, 12, 31)),
    ],
)
def test_parse_when(text: str, today: date, expected: date) -> None:
    assert parse_when(text, today) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", "unknown date 'foo'"),
        ("", "unknown date ''"),
        ("next week", "unknown date 'next week'"),
        ("+3x", "unknown date '+3x'"),
        ("3", "unknown date '3'"),
        ("d", "unknown date 'd'"),
        ("12/01/2026", "unknown date '12/01/2026'"),
        ("1.12.2", "unknown date '1.12.2'"),
        ("31.02.", "no such date '31.02.'"),
        ("31.02.2026", "no such date '31.02.2026'"),
        ("0.12.", "no such date '0.12.'"),
        ("1.13.", "no such date '1.13.'"),
        ("2026-13-01", "no such date '2026-13-01'"),
        ("2026-02-30", "no such date '2026-02-30'"),
        ("0000-01-01", "no such date '0000-01-01'"),
        ("+99999999999d", "date out of range '+99999999999d'"),
        ("999999w", "date out of range '999999w'"),
        ("999999m", "date out of range '999999m'"),
        ("-999999y", "date out of range '-999999y'"),
        ("bad\x1b[31m", "unknown date 'bad'"),
    ],
)
def test_parse_when_rejects(text: str, message: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(text, FRIDAY)
    assert str(caught.value) == message


def test_parse_when_error_is_a_value_error_with_a_short_message() -> None:
    with pytest.raises(ValueError, match=r"^unknown date 'x{39}…'$"):
        parse_when("x" * 10_000, FRIDAY)


@pytest.mark.parametrize(
    ("text", "today"),
    [
        ("1y", date(9999, 6, 1)),
        ("1m", date(9999, 12, 1)),
        ("tomorrow", date.max),
        ("+1d", date.max),
        ("fri", date.max),
        ("yesterday", date.min),
        ("-1w", date.min),
    ],
)
def test_out_of_range_at_the_ends_of_the_calendar(text: str, today: date) -> None:
    with pytest.raises(DateParseError, match="date"):
        parse_when(text, today)


@settings(max_examples=200)
@given(
    st.text(st.characters(blacklist_categories=())),
    st.one_of(st.dates(), st.sampled_from([date.min, date.max, FRIDAY])),
)
def test_parse_when_raises_only_date_parse_error(text: str, today: date) -> None:
    try:
        result = parse_when(text, today)
    except DateParseError:
        return
    assert isinstance(result, date)


_TOKEN_PARTS = st.sampled_from(
    ["+", "-", "", "0", "9", "99", "999999", "9999999", "d", "w", "m", "y", ".", "-", "12", "31"]
)


@settings(max_examples=200)
@given(st.lists(_TOKEN_PARTS, max_size=6).map("".join), st.dates())
def test_parse_when_near_misses_raise_only_date_parse_error(text: str, today: date) -> None:
    try:
        parse_when(text, today)
    except DateParseError as error:
        assert "'" in str(error)


@settings(max_examples=200)
@given(
    st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    st.one_of(st.dates(), st.dates(min_value=date.max - timedelta(days=10))),
)
def test_weekday_is_within_the_next_seven_days(name: str, today: date) -> None:
    try:
        result = parse_when(name, today)
    except DateParseError:
        assert today > date.max - timedelta(days=7)
        return
    assert 1 <= (result - today).days <= 7
    assert result.strftime("%a").lower() == name


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (FRIDAY, "today"),
        (date(2026, 11, 28), "tomorrow"),
        (date(2026, 11, 26), "yesterday"),
        (date(2026, 11, 30), "in 3d"),
        (date(2026, 12, 3), "in 6d"),
        (date(2026, 11, 25), "2d ago"),
        (date(2026, 11, 21), "6d ago"),
        (date(2026, 12, 1), "in 4d"),
        (date(2026, 12, 4), "Dec 04"),
        (date(2026, 1, 5), "Jan 05"),
        (date(2027, 12, 1), "Dec 01 2027"),
    ],
)
def test_format_relative(d: date, expected: str) -> None:
    assert format_relative(d, FRIDAY) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (FRIDAY, (MONDAY, SUNDAY)),
        (MONDAY, (MONDAY, SUNDAY)),
        (SUNDAY, (MONDAY, SUNDAY)),
        (date(2026, 11, 30), (date(2026, 11, 30), date(2026, 12, 6))),
    ],
)
def test_week_bounds(today: date, expected: tuple[date, date]) -> None:
    assert week_bounds(today) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("daily", "FREQ=DAILY"),
        ("weekly", "FREQ=WEEKLY"),
        ("Monthly", "FREQ=MONTHLY"),
        ("yearly", "FREQ=YEARLY"),
        ("weekdays", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
        ("2w", "FREQ=WEEKLY;INTERVAL=2"),
        ("1w", "FREQ=WEEKLY"),
        ("3d", "FREQ=DAILY;INTERVAL=3"),
        ("6m", "FREQ=MONTHLY;INTERVAL=6"),
        ("mon", "FREQ=WEEKLY;BYDAY=MO"),
        ("freitag", "FREQ=WEEKLY;BYDAY=FR"),
    ],
)
def test_parse_recurrence(text: str, rule: str) -> None:
    assert parse_recurrence(text) == rule


@pytest.mark.parametrize("text", ["", "sometimes", "0d", "1000d", "99999999999999w", "2x", "-1w"])
def test_parse_recurrence_rejects(text: str) -> None:
    with pytest.raises(DateParseError, match="recurrence"):
        parse_recurrence(text)


_RULES = st.sampled_from(
    [
        "FREQ=DAILY;INTERVAL=3;BYDAY=MO",
        "FREQ=DAILY;INTERVAL=5",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA",
        "FREQ=MONTHLY;INTERVAL=7;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=WEEKLY;COUNT=4;BYDAY=WE",
    ]
)


@settings(max_examples=150, deadline=None)
@given(_RULES, st.dates(date(1900, 1, 1), date(2400, 12, 31)), st.integers(0, 400))
def test_rule_after_is_dateutils_next_date_when_one_is_within_the_horizon(
    rule: str, start: date, days: int
) -> None:
    begin = datetime.combine(start, datetime.min.time())
    after = begin + timedelta(days=days)
    expected = rrulestr(rule, dtstart=begin).after(after)
    if expected is not None and expected.year > after.year + 29:
        expected = None  # beyond the horizon
    assert rule_after(rule, begin, after) == expected
