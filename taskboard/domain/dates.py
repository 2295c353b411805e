"""Date phrases users type (`fri`, `+3d`, `eow`, `1.12.`) turned into dates, and back into words."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from taskboard.domain.text import clean, excerpt

__all__ = [
    "DateParseError",
    "format_relative",
    "parse_recurrence",
    "parse_rule",
    "parse_when",
    "utcnow",
    "week_bounds",
]


def utcnow() -> datetime:
    """Now, timezone-aware in UTC, microseconds kept (ordering of fast changes)."""
    return datetime.now(UTC)


class DateParseError(ValueError):
    """A date phrase that names no date; the message quotes the phrase."""


_FRIDAY = 4
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_DAY_OFFSETS = {
    "today": 0,
    "tod": 0,
    "heute": 0,
    "tomorrow": 1,
    "tom": 1,
    "morgen": 1,
    "yesterday": -1,
    "gestern": -1,
}

_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("mon", "monday", "mo", "montag"),
        ("tue", "tues", "tuesday", "di", "dienstag"),
        ("wed", "wednesday", "mi", "mittwoch"),
        ("thu", "thur", "thurs", "thursday", "do", "donnerstag"),
        ("fri", "friday", "fr", "freitag"),
        ("sat", "saturday", "sa", "samstag", "sonnabend"),
        ("sun", "sunday", "so", "sonntag"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _number

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Counts longer than this are typos, and would only overflow `date` anyway.
_MAX_DIGITS = 6
_RELATIVE = re.compile(r"([+-]?)(\d+)([dwmy])", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2})?)?", re.ASCII)
_EVERY_INTERVAL = re.compile(r"(\d+)([dwmy])", re.ASCII)
_MAX_INTERVAL = 999

_FREQ_BY_UNIT = {"d": "DAILY", "w": "WEEKLY", "m": "MONTHLY", "y": "YEARLY"}
_EVERY_NAMED = {
    "daily": "FREQ=DAILY",
    "day": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "week": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
    "month": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
    "year": "FREQ=YEARLY",
    "annually": "FREQ=YEARLY",
    "weekdays": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "workdays": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
}


def parse_when(text: str, today: date) -> date:
    """Turn a date phrase into a date, relative to `today`.

    Accepts (any case) `today`/`tod`, `tomorrow`/`tom`, `yesterday`; weekday names in English
    and German (the next such day strictly after today); `+3d`, `2w`, `1m`, `1y`, `-2d`;
    `eow` (this week's Friday, next week's if today is a weekend day), `eom`, `eoy`;
    ISO `2026-12-01`; German `1.12.` (the nearest such date, past or future), `01.12.2026`
    and `1.12.26`. Raises DateParseError for anything else.
    """
    try:
        return _parse_when(text, today)
    except OverflowError:  # `tomorrow` on date.max and friends
        raise DateParseError(f"date out of range '{excerpt(text)}'") from None


def _parse_when(text: str, today: date) -> date:
    key = text.strip().lower()
    offset = _DAY_OFFSETS.get(key)
    if offset is not None:
        return today + timedelta(days=offset)
    weekday = _WEEKDAYS.get(key)
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if key == "eow":
        days = (_FRIDAY - today.weekday()) % 7
        return today + timedelta(days=days)
    if key == "eom":
        return today.replace(day=monthrange(today.year, today.month)[1])
    if key == "eoy":
        return today.replace(month=12, day=31)

    if match := _RELATIVE.fullmatch(key):
        return _relative(text, today, match)
    if match := _ISO.fullmatch(key):
        return _make_date(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _GERMAN.fullmatch(key):
        return _german(text, today, match)
    raise DateParseError(f"unknown date '{excerpt(text)}'")


def _relative(text: str, today: date, match: re.Match[str]) -> date:
    sign, digits, unit = match.groups()
    if len(digits) > _MAX_DIGITS:
        raise DateParseError(f"date out of range '{excerpt(text)}'")
    count = -int(digits) if sign == "-" else int(digits)
    try:
        if unit == "d":
            return today + timedelta(days=count)
        if unit == "w":
            return today + timedelta(weeks=count)
        if unit == "m":
            return today + relativedelta(months=count)
        return today + relativedelta(years=count)
    except (OverflowError, ValueError):
        raise DateParseError(f"date out of range '{excerpt(text)}'") from None


def _german(text: str, today: date, match: re.Match[str]) -> date:
    day, month, year_text = int(match[1]), int(match[2]), match[3]
    if year_text is not None:
        year = int(year_text)
        return _make_date(text, year + 2000 if len(year_text) == 2 else year, month, day)
    # No year: the nearest such date, before or after today (on 2 December `1.12.` is
    # yesterday, not next year); a tie goes to the future. Several years either side, so
    # `29.02.` finds a leap year.
    candidates = []
    for year in range(max(MINYEAR, today.year - 8), min(MAXYEAR, today.year + 8) + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise DateParseError(f"no such date '{excerpt(text)}'")
    return min(candidates, key=lambda c: (abs((c - today).days), c < today))


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"no such date '{excerpt(text)}'") from None


def parse_recurrence(text: str) -> str:
    """Turn `daily`, `weekly`, `monthly`, `yearly`, `weekdays`, `2w`, `3d` or a weekday name
    into an RFC 5545 RRULE (`FREQ=WEEKLY;INTERVAL=2`). Raises DateParseError otherwise."""
    key = text.strip().lower()
    named = _EVERY_NAMED.get(key)
    if named is not None:
        return named
    weekday = _WEEKDAYS.get(key)
    if weekday is not None:
        return f"FREQ=WEEKLY;BYDAY={_RRULE_DAYS[weekday]}"
    if match := _EVERY_INTERVAL.fullmatch(key):
        digits, unit = match.groups()
        interval = int(digits) if len(digits) <= _MAX_DIGITS else 0
        if not 1 <= interval <= _MAX_INTERVAL:
            raise DateParseError(f"recurrence out of range '{excerpt(text)}'")
        freq = f"FREQ={_FREQ_BY_UNIT[unit]}"
        return freq if interval == 1 else f"{freq};INTERVAL={interval}"
    raise DateParseError(f"unknown recurrence '{excerpt(text)}'")


# What an RRULE in the `Repeats` field may hold. Sub-daily frequencies and BYHOUR, BYMINUTE and
# BYSECOND are left out: tasks are due on days, so each next occurrence would be due the same
# day again.
_RRULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_RRULE_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
_RRULE_UNTIL = re.compile(r"\d{8}(?:T\d{6})?", re.ASCII)
_MAX_RULE = 200  # the width of the stored column
_RULE_HINT = "use daily, weekly, 2w, weekdays, fri or an RRULE like FREQ=WEEKLY;INTERVAL=2"
# Naive, like the anchor `services.ops.recurrence.next_date` runs the rule from.
_RULE_ANCHOR = datetime(2000, 1, 1)
# How far a rule's next date is looked for.
RULE_HORIZON = relativedelta(years=30)
# The Gregorian calendar repeats every 400 years, weekdays and leap days included.
_CYCLE_YEARS = 400
_LAST = datetime(9999, 12, 31, 23, 59, 59)


def _without(rule: str, names: tuple[str, ...]) -> str:
    parts = rule.strip().removeprefix("RRULE:").removeprefix("rrule:").split(";")
    return ";".join(
        p for p in parts if p.strip() and p.partition("=")[0].strip().upper() not in names
    )


def rule_after(rule: str, start: datetime, after: datetime) -> datetime | None:
    """The first time the RRULE, run from `start`, yields strictly after `after`; None when
    it has run out (COUNT/UNTIL) or yields nothing within RULE_HORIZON of `after`. Raises
    ValueError, TypeError or OverflowError for a rule dateutil cannot run.

    dateutil looks for a next date until the year 9999, ignoring UNTIL until a day matches:
    seconds for a rule no day can match (FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31), inside a write.
    So the horizon is probed first on a copy moved by whole 400-year cycles (the same days,
    weekdays and leap years) to just before 9999, where dateutil's own end comes soon.
    """
    cycles = max(0, (_LAST.year - RULE_HORIZON.years - after.year) // _CYCLE_YEARS)
    shift = relativedelta(years=cycles * _CYCLE_YEARS)
    until = min(after + shift + RULE_HORIZON, _LAST).strftime("%Y%m%dT%H%M%S")
    probe = rrulestr(f"{_without(rule, ('COUNT', 'UNTIL'))};UNTIL={until}", dtstart=start + shift)
    if probe.after(after + shift) is None:
        return None
    # There is a day within the horizon, so the rule itself stops there at the latest.
    return rrulestr(_without(rule, ()), dtstart=start).after(after)


def parse_rule(text: str) -> str:
    """Turn what people type as a task's recurrence into the RRULE to store.

    Accepts the forms `every:` takes in a capture line (`weekly`, `2w`, `weekdays`, `fri`, with
    or without `every:`) and RFC 5545 RRULEs (`FREQ=WEEKLY;INTERVAL=2`, `RRULE:` optional, any
    case), which come back in upper case. Raises DateParseError naming the rule unless
    dateutil can run it, so completing the task later cannot fail on it.
    """
    rule = clean(text).strip()
    if rule[:6].lower() == "every:":
        rule = rule[6:].strip()
    if "=" not in rule:
        try:
            return parse_recurrence(rule)
        except DateParseError as exc:
            raise DateParseError(f"{exc}: {_RULE_HINT}") from None
    bad = f"bad RRULE '{excerpt(text.strip())}'"
    body = rule.upper().removeprefix("RRULE:")
    # Checked here rather than left to dateutil, whose errors for these are Python internals
    # ("not enough values to unpack") or, for INTERVAL=0, an endless loop.
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, equals, value = (x.strip() for x in part.partition("="))
        if not equals or not name or not value:
            raise DateParseError(f"{bad}: '{excerpt(part)}' is not NAME=VALUE")
        if name not in _RRULE_PARTS:
            raise DateParseError(f"{bad}: unknown part '{excerpt(name)}'")
        if name in parts:
            raise DateParseError(f"{bad}: {name} given twice")
        parts[name] = value
    if parts.get("FREQ") not in _RRULE_FREQS:
        raise DateParseError(f"{bad}: FREQ must be {', '.join(_RRULE_FREQS)}")
    interval = parts.get("INTERVAL", "1")
    if not (
        interval.isascii()
        and interval.isdecimal()
        and len(interval) <= _MAX_DIGITS
        and 1 <= int(interval) <= _MAX_INTERVAL
    ):
        raise DateParseError(f"{bad}: INTERVAL must be 1 to {_MAX_INTERVAL}")
    # Tasks run their rule from a day, so UNTIL is a day (or a local time) too: dateutil refuses
    # a UTC `…Z` there, and reads anything else (`2027`) as a guess at a date.
    if "UNTIL" in parts and "COUNT" in parts:  # RFC 5545 forbids it; dateutil will refuse it
        raise DateParseError(f"{bad}: COUNT or UNTIL, not both")
    if "UNTIL" in parts and not _RRULE_UNTIL.fullmatch(parts["UNTIL"]):
        raise DateParseError(f"{bad}: UNTIL must be a date like 20271231")
    count = parts.get("COUNT", "1")
    if not (count.isascii() and count.isdecimal() and len(count) <= _MAX_DIGITS and int(count)):
        raise DateParseError(f"{bad}: COUNT must be a whole number from 1")
    normal = ";".join(f"{name}={value}" for name, value in parts.items())
    if len(normal) > _MAX_RULE:
        raise DateParseError(f"{bad}: {len(normal)} characters long; at most {_MAX_RULE}")
    try:
        # Some bad values only show when the rule runs; and a rule must fall on some day.
        unbounded = _without(normal, ("COUNT", "UNTIL"))
        falls = rule_after(unbounded, _RULE_ANCHOR, _RULE_ANCHOR - timedelta(days=1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise DateParseError(f"{bad}: {excerpt(str(exc), 80)}") from None
    if falls is None:
        raise DateParseError(f"{bad}: it falls on no day within {RULE_HORIZON.years} years")
    return normal


def format_relative(d: date, today: date) -> str:
    """A short label for `d` seen from `today`: `today`, `tomorrow`, `yesterday`, `in 3d`,
    `2d ago` within a week, else `Dec 01` (with the year when it is not this year)."""
    days = (d - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if 0 < days < 7:
        return f"in {days}d"
    if -7 < days < 0:
        return f"{-days}d ago"
    # Month names from a table, not strftime, so the label does not depend on the locale.
    label = f"{_MONTH_ABBR[d.month - 1]} {d.day:02d}"
    return label if d.year == today.year else f"{label} {d.year}"


def week_bounds(today: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week that contains `today`, both inclusive."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
