"""Tests for the quick-capture grammar and meeting-mode lines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskboard.domain import capture as capture_module
from taskboard.domain.capture import (
    Capture,
    CaptureError,
    MeetingLine,
    parse_capture,
    parse_meeting_line,
    scan_tokens,
)
from taskboard.domain.enums import Priority
from taskboard.domain.text import clean
from tests.domain.days import FRIDAY, MONDAY

ANY_TEXT = st.text(st.characters(blacklist_categories=()))


def _fields(capture: Capture) -> dict[str, Any]:
    return {
        name: value
        for name in (
            "title",
            "assignee",
            "tags",
            "priority",
            "due",
            "project",
            "column",
            "key_result",
            "recurrence",
        )
        if (value := getattr(capture, name)) not in (None, ())
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Papers to registration agent @carl ^fri #delivery !high",
            {
                "title": "Papers to registration agent",
                "assignee": "carl",
                "due": date(2026, 12, 4),
                "tags": ("delivery",),
                "priority": Priority.HIGH,
            },
        ),
        ("@Carl call the agent", {"title": "call the agent", "assignee": "carl"}),
        ("x @j.doe_2-b", {"title": "x", "assignee": "j.doe_2-b"}),
        ("x #Delivery #q4 #delivery", {"title": "x", "tags": ("delivery", "q4")}),
        ("x #störung #a_b-c", {"title": "x", "tags": ("störung", "a_b-c")}),
        ("x !urgent", {"title": "x", "priority": Priority.URGENT}),
        ("x !h", {"title": "x", "priority": Priority.HIGH}),
        ("x !1", {"title": "x", "priority": Priority.URGENT}),
        ("x !4", {"title": "x", "priority": Priority.LOW}),
        ("x !med", {"title": "x", "priority": Priority.NORMAL}),
        ("x ^tomorrow", {"title": "x", "due": date(2026, 11, 28)}),
        ("x ^+3d", {"title": "x", "due": date(2026, 11, 30)}),
        ("x ^2w", {"title": "x", "due": date(2026, 12, 11)}),
        ("x ^eow", {"title": "x", "due": FRIDAY}),
        ("x ^2026-12-01", {"title": "x", "due": date(2026, 12, 1)}),
        ("x ^1.12.", {"title": "x", "due": date(2026, 12, 1)}),
        ("x ^01.12.2026", {"title": "x", "due": date(2026, 12, 1)}),
        ("x due:mon", {"title": "x", "due": date(2026, 11, 30)}),
        ("x DUE:Mon", {"title": "x", "due": date(2026, 11, 30)}),
        ("x +DEL", {"title": "x", "project": "DEL"}),
        ("x +del", {"title": "x", "project": "DEL"}),
        ("x +de", {"title": "x", "project": "DE"}),
        ("x +ABCDEF", {"title": "x", "project": "ABCDEF"}),
        ("x >doing", {"title": "x", "column": "doing"}),
        ("x >to_do", {"title": "x", "column": "to do"}),
        ("x >In_Review_", {"title": "x", "column": "In Review"}),
        ("x ~O1-KR2", {"title": "x", "key_result": "O1-KR2"}),
        ("x ~o12-kr3", {"title": "x", "key_result": "O12-KR3"}),
        ("x every:daily", {"title": "x", "recurrence": "FREQ=DAILY"}),
        ("x every:weekly", {"title": "x", "recurrence": "FREQ=WEEKLY"}),
        ("x every:monthly", {"title": "x", "recurrence": "FREQ=MONTHLY"}),
        ("x every:yearly", {"title": "x", "recurrence": "FREQ=YEARLY"}),
        ("x every:weekdays", {"title": "x", "recurrence": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"}),
        ("x every:2w", {"title": "x", "recurrence": "FREQ=WEEKLY;INTERVAL=2"}),
        ("x every:3d", {"title": "x", "recurrence": "FREQ=DAILY;INTERVAL=3"}),
        # Not tokens: a `+` before a digit, token characters inside a word, escapes.
        ("meet +3d later", {"title": "meet +3d later"}),
        ("vote +1", {"title": "vote +1"}),
        (
            "mail a@b.com re#1 wow! x^2 a+b c>d e~f",
            {"title": "mail a@b.com re#1 wow! x^2 a+b c>d e~f"},
        ),
        (r"\#1 fan", {"title": "#1 fan"}),
        (
            r"\@home \!x \^up \+DEL \>col \~O1-KR1 \due:x \every:day",
            {"title": "@home !x ^up +DEL >col ~O1-KR1 due:x every:day"},
        ),
        (r"back\slash \\ \ ", {"title": "back\\slash \\ \\"}),
        ("due diligence every day", {"title": "due diligence every day"}),
        # Whitespace and controls.
        ("  spaced\t\tout \n title  ", {"title": "spaced out title"}),
        ("red\x1b[31m alert\x07 \x00", {"title": "red alert"}),
        ("sur\ud800rogate", {"title": "surrogate"}),
        (
            "Everything @anna #a !2 ^tom +OPS >done ~O2-KR1 every:2w at once",
            {
                "title": "Everything at once",
                "assignee": "anna",
                "tags": ("a",),
                "priority": Priority.HIGH,
                "due": date(2026, 11, 28),
                "project": "OPS",
                "column": "done",
                "key_result": "O2-KR1",
                "recurrence": "FREQ=WEEKLY;INTERVAL=2",
            },
        ),
    ],
)
def test_parse_capture(line: str, expected: dict[str, Any]) -> None:
    assert _fields(parse_capture(line, FRIDAY)) == expected


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Fix # of seats @mia", "Fix # of seats"),
        ("Meet @ the hub", "Meet @ the hub"),
        ("Price + VAT ! now", "Price + VAT ! now"),
        ("a > b ~ c ^ d", "a > b ~ c ^ d"),
        ("#", "#"),
    ],
)
def test_a_lone_marker_is_text(line: str, title: str) -> None:
    assert parse_capture(line, FRIDAY).title == title


def test_a_date_without_a_year_is_the_nearest_one() -> None:
    """On 2 December `1.12.` is yesterday, not a year ahead."""
    assert parse_capture("x ^1.12.", date(2026, 12, 2)).due == date(2026, 12, 1)
    assert parse_capture("x due:24.12.", date(2026, 12, 2)).due == date(2026, 12, 24)
    assert parse_meeting_line("Tyres ^3.1.", date(2026, 12, 2)).capture is not None
    tyres = parse_meeting_line("Tyres ^3.1.", date(2026, 12, 2)).capture
    assert tyres is not None and tyres.due == date(2027, 1, 3)


def test_fri_on_a_monday() -> None:
    assert parse_capture("x ^fri", MONDAY).due == FRIDAY


def test_tokens_carry_offsets_and_values() -> None:
    line = "Call  @Carl ^fri"
    tokens = parse_capture(line, FRIDAY).tokens
    assert [(t.kind, t.text, t.value, t.start, t.end) for t in tokens] == [
        ("word", "Call", "Call", 0, 4),
        ("assignee", "@Carl", "carl", 6, 11),
        ("due", "^fri", "2026-12-04", 12, 16),
    ]


@pytest.mark.parametrize(
    ("line", "message", "token"),
    [
        ("x ^notadate", "bad date '^notadate'", "^notadate"),
        ("x due:whenever", "bad date 'due:whenever'", "due:whenever"),
        ("x ^31.02.", "bad date '^31.02.'", "^31.02."),
        ("x ^+99999999999d", "bad date '^+99999999999d'", "^+99999999999d"),
        ("x !hgh", "bad priority '!hgh'", "!hgh"),
        ("x !5", "bad priority '!5'", "!5"),
        ("x +d", "bad project '+d'", "+d"),
        ("x +DELIVER", "bad project '+DELIVER'", "+DELIVER"),
        ("x +D3L", "bad project '+D3L'", "+D3L"),
        ("x @carl,", "bad assignee '@carl,'", "@carl,"),
        ("x @ca+rl", "bad assignee '@ca+rl'", "@ca+rl"),
        ("x #a.b", "bad tag '#a.b'", "#a.b"),
        ("x ~KR2", "bad key result '~KR2'", "~KR2"),
        ("x every:sometimes", "bad recurrence 'every:sometimes'", "every:sometimes"),
        ("x every:0d", "bad recurrence 'every:0d'", "every:0d"),
        ("x >__", "bad column '>__'", ">__"),
        ("x due:", "bad date 'due:'", "due:"),
        ("x every:", "bad recurrence 'every:'", "every:"),
        ("x @a @b", "duplicate assignee '@b'", "@b"),
        ("x ^mon ^tue", "duplicate due date '^tue'", "^tue"),
        ("x ^mon due:tue", "duplicate due date 'due:tue'", "due:tue"),
        ("x !1 !2", "duplicate priority '!2'", "!2"),
        ("x +AB +CD", "duplicate project '+CD'", "+CD"),
        ("x >a >b", "duplicate column '>b'", ">b"),
        ("x ~O1-KR1 ~O1-KR2", "duplicate key result '~O1-KR2'", "~O1-KR2"),
        ("x every:daily every:weekly", "duplicate recurrence 'every:weekly'", "every:weekly"),
        ("", "title is empty", ""),
        ("   ", "title is empty", ""),
        ("@carl ^fri #x", "title is empty", ""),
        ("\x1b[31m \x00", "title is empty", ""),
        ("x ^\x1b[2Jbad", "bad date '^bad'", "^\x1b[2Jbad"),
    ],
)
def test_parse_capture_errors(line: str, message: str, token: str) -> None:
    with pytest.raises(CaptureError) as caught:
        parse_capture(line, FRIDAY)
    error = caught.value
    assert error.message == message == str(error)
    assert error.token == token == line[error.start : error.end]
    assert isinstance(error, ValueError)


def test_error_message_is_short_for_a_huge_token() -> None:
    with pytest.raises(CaptureError) as caught:
        parse_capture("x ^" + "9" * 100_000, FRIDAY)
    assert len(str(caught.value)) < 80
    assert len(caught.value.token) == 100_001


def test_scan_tokens_reports_every_token_and_every_error() -> None:
    line = "@ann ^nope fix #a @bob !x"
    tokens, errors = scan_tokens(line, FRIDAY)
    assert [(t.kind, t.text) for t in tokens] == [
        ("assignee", "@ann"),
        ("word", "fix"),
        ("tag", "#a"),
    ]
    assert [(e.message, e.start, e.end) for e in errors] == [
        ("bad date '^nope'", 5, 10),
        ("duplicate assignee '@bob'", 18, 22),
        ("bad priority '!x'", 23, 25),
    ]
    assert scan_tokens("@ann", FRIDAY)[1][-1].message == "title is empty"
    assert scan_tokens("fine line", FRIDAY)[1] == []


def test_a_word_learnt_on_one_day_means_its_own_date_on_another() -> None:
    # The parser keeps what each word means per day: `^fri` on Friday is next week's.
    assert parse_capture("x ^fri", MONDAY).due == FRIDAY
    assert parse_capture("x ^fri", FRIDAY).due == date(2026, 12, 4)
    assert parse_capture("x ^fri", MONDAY).due == FRIDAY


def test_more_words_than_the_parser_keeps_parse_the_same() -> None:
    for n in range(capture_module._CACHE_LIMIT + 1000):
        capture = parse_capture(f"w{n} @p{n} ^+{n % 9}d", FRIDAY)
        expected = (f"w{n}", f"p{n}", FRIDAY + timedelta(days=n % 9))
        assert (capture.title, capture.assignee, capture.due) == expected
    assert len(capture_module._entries_by_day[FRIDAY]) <= capture_module._CACHE_LIMIT
    long_word = "y" * (capture_module._CACHE_WORD_LENGTH + 1)
    assert parse_capture(f"{long_word} #t", FRIDAY).title == long_word
    assert long_word not in capture_module._entries_by_day[FRIDAY]


def test_capture_error_survives_pickling() -> None:
    import pickle

    error = CaptureError("bad date '^x'", "^x", 2, 4)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.token, copy.start, copy.end) == ("bad date '^x'", "^x", 2, 4)


# --- meeting mode -------------------------------------------------------------------------


def _meeting(line: str) -> tuple[Any, ...]:
    m = parse_meeting_line(line, FRIDAY)
    return (m.kind, m.text, m.kr_key, m.value, m.confidence, m.note)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("d: ship on Friday", ("decision", "ship on Friday", None, None, None, None)),
        ("D:  ship   it ", ("decision", "ship it", None, None, None, None)),
        ("n: budget is tight", ("note", "budget is tight", None, None, None, None)),
        ("? who owns this", ("question", "who owns this", None, None, None, None)),
        ("?: who owns this", ("question", "who owns this", None, None, None, None)),
        ("?who", ("question", "who", None, None, None, None)),
        ("a: hiring plan", ("agenda", "hiring plan", None, None, None, None)),
        ("  d: indented", ("decision", "indented", None, None, None, None)),
        (
            "kr O1-KR2 = 4200 conf 0.7 good week",
            ("checkin", "kr O1-KR2 = 4200 conf 0.7 good week", "O1-KR2", 4200.0, 0.7, "good week"),
        ),
        ("kr O1-KR2 = 4200", ("checkin", "kr O1-KR2 = 4200", "O1-KR2", 4200.0, None, None)),
        ("kr o1-kr2=42.5", ("checkin", "kr o1-kr2=42.5", "O1-KR2", 42.5, None, None)),
        ("KR O3-KR1 =-3", ("checkin", "KR O3-KR1 =-3", "O3-KR1", -3.0, None, None)),
        ("kr O1-KR2= 7 conf=1", ("checkin", "kr O1-KR2= 7 conf=1", "O1-KR2", 7.0, 1.0, None)),
        ("kr O1-KR2 = 7 conf: 0", ("checkin", "kr O1-KR2 = 7 conf: 0", "O1-KR2", 7.0, 0.0, None)),
        (
            "kr O1-KR2 = 7 slipped",
            ("checkin", "kr O1-KR2 = 7 slipped", "O1-KR2", 7.0, None, "slipped"),
        ),
        ("dx: not a prefix", ("task", "dx: not a prefix", None, None, None, None)),
        ("d:x not a prefix", ("task", "d:x not a prefix", None, None, None, None)),
        ("krill #food", ("task", "krill", None, None, None, None)),
        (r"\d: literal", ("task", "d: literal", None, None, None, None)),
        (r"\kr talk", ("task", "kr talk", None, None, None, None)),
    ],
)
def test_parse_meeting_line(line: str, expected: tuple[Any, ...]) -> None:
    assert _meeting(line) == expected


def test_meeting_task_has_a_capture() -> None:
    line = parse_meeting_line("Book handover @anna ^tom", FRIDAY)
    assert line.kind == "task"
    assert line.capture is not None
    assert line.capture.assignee == "anna"
    assert line.text == line.capture.title == "Book handover"
    assert parse_meeting_line("d: x", FRIDAY).capture is None


@pytest.mark.parametrize(
    ("line", "message", "token"),
    [
        ("d:", "decision is empty", "d:"),
        ("n:   ", "note is empty", "n:"),
        ("?", "question is empty", "?"),
        ("a: \x1b[0m", "agenda is empty", "a:"),
        ("kr", "a check-in reads 'kr O1-KR2 = VALUE [conf 0.7] [note]'", "kr"),
        ("kr O1-KR2", "a check-in reads 'kr O1-KR2 = VALUE [conf 0.7] [note]'", "kr O1-KR2"),
        ("kr O1-KR2 =", "a check-in reads 'kr O1-KR2 = VALUE [conf 0.7] [note]'", "kr O1-KR2 ="),
        (
            "kr O1-KR2 4200",
            "a check-in reads 'kr O1-KR2 = VALUE [conf 0.7] [note]'",
            "kr O1-KR2 4200",
        ),
        ("kr KR2 = 4", "bad key result 'KR2'", "KR2"),
        ("kr O1-KR2 = lots", "bad value 'lots'", "lots"),
        ("kr O1-KR2 = nan", "bad value 'nan'", "nan"),
        ("kr O1-KR2 = inf", "bad value 'inf'", "inf"),
        ("kr O1-KR2 = 4,200", "bad value '4,200'", "4,200"),
        ("kr O1-KR2 = " + "9" * 400, "bad value '" + "9" * 39 + "…'", "9" * 400),
        ("kr O1-KR2 = 4 conf 1.5", "bad confidence '1.5' (between 0 and 1)", "1.5"),
        ("kr O1-KR2 = 4 conf -0.1", "bad confidence '-0.1' (between 0 and 1)", "-0.1"),
        ("kr O1-KR2 = 4 conf high", "bad confidence 'high' (between 0 and 1)", "high"),
        ("Task ^never", "bad date '^never'", "^never"),
        ("", "title is empty", ""),
    ],
)
def test_parse_meeting_line_errors(line: str, message: str, token: str) -> None:
    with pytest.raises(CaptureError) as caught:
        parse_meeting_line(line, FRIDAY)
    error = caught.value
    assert error.message == message
    assert error.token == token == line[error.start : error.end]


# --- properties ---------------------------------------------------------------------------

VALID_TOKENS = [
    "@carl",
    "@j.doe",
    "#delivery",
    "#q4",
    "!high",
    "!1",
    "^fri",
    "^+3d",
    "^1.12.",
    "due:tom",
    "+DEL",
    ">to_do",
    "~O1-KR2",
    "every:2w",
]
JUNK = ["@", "#", "!", "^", "+", ">", "~", "\\", "due:", "every:", "+3d", "^31.02.", "!hgh", "+de"]
WORDS = st.one_of(
    st.sampled_from(VALID_TOKENS + JUNK),
    st.from_regex(r"[@#!^+>~\\]?[A-Za-z0-9.:_-]{0,6}", fullmatch=True),
    st.text(st.characters(blacklist_categories=()), min_size=1, max_size=5),
)
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\x1b", "\u3000", "\x85"])


def _check_only_capture_error(line: str) -> None:
    tokens, errors = scan_tokens(line, FRIDAY)
    for token in tokens:
        assert line[token.start : token.end] == token.text
    for problem in errors:
        assert line[problem.start : problem.end] == problem.token
        assert problem.message
    try:
        capture = parse_capture(line, FRIDAY)
    except CaptureError as error:
        assert errors
        assert (error.message, error.start) == (errors[0].message, errors[0].start)
    else:
        assert not errors
        assert capture.tokens == tuple(tokens)
        assert capture.title
        assert clean(capture.title) == capture.title
        assert " ".join(capture.title.split()) == capture.title
    try:
        meeting = parse_meeting_line(line, FRIDAY)
    except CaptureError as meeting_error:
        assert meeting_error.token == line[meeting_error.start : meeting_error.end]
    else:
        assert isinstance(meeting, MeetingLine)
        assert meeting.text == clean(meeting.text)


@settings(max_examples=200)
@given(ANY_TEXT)
def test_any_text_raises_only_capture_error(line: str) -> None:
    _check_only_capture_error(line)


@settings(max_examples=200)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=12))
def test_token_mixtures_raise_only_capture_error(parts: list[tuple[str, str]]) -> None:
    _check_only_capture_error("".join(word + sep for word, sep in parts))


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(["d:", "n:", "?", "?:", "a:", "kr", "KR", "\\d:"]), max_size=1),
    st.lists(st.sampled_from(["O1-KR2", "=", "4200", "-3", "42.5", "conf", "0.7", "2", "x"])),
)
def test_meeting_mixtures_raise_only_capture_error(prefix: list[str], rest: list[str]) -> None:
    _check_only_capture_error(" ".join(prefix + rest))


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(["Book", "the", "handover", "Schäfer", "+3d", "a@b.c"]), min_size=1),
    st.permutations(["@carl", "#delivery", "!high", "^fri", "+DEL", ">to_do", "~O1-KR2"]),
)
def test_valid_tokens_anywhere_give_the_same_fields(words: list[str], tokens: list[str]) -> None:
    line = " ".join(words + tokens)
    mixed = " ".join(tokens[:3] + words + tokens[3:])
    expected = _fields(parse_capture(line, FRIDAY))
    assert _fields(parse_capture(mixed, FRIDAY)) == expected
    assert expected["title"] == " ".join(words)


@pytest.mark.parametrize(
    "line",
    [
        "word " * 200_000,
        "@" + "a" * 1_000_000,
        "^" + "9" * 1_000_000,
        "#" + "ä" * 1_000_000,
        "x " + "\x1b[31m" * 200_000,
        "\ud800" * 1_000_000,
        "kr O1-KR2 = " + "1" * 1_000_000,
        "d: " + "long " * 200_000,
        "x @a " * 100_000,
        "x " + " ".join(f"#t{i}" for i in range(150_000)),
    ],
    ids=[
        "words",
        "handle",
        "date",
        "tag",
        "escapes",
        "surrogates",
        "checkin",
        "decision",
        "dups",
        "many-tags",
    ],
)
@pytest.mark.timeout(60)  # a hang guard: parsing is linear, ~3 s a megabyte (benchmarks time it)
def test_one_megabyte_line(line: str) -> None:
    _check_only_capture_error(line)


@pytest.mark.timeout(60)  # a hang guard; `benchmarks/` measures the rate
def test_many_lines_parse_alike() -> None:
    line = "Papers to registration agent @carl ^fri #delivery !high"
    first = parse_capture(line, FRIDAY)
    assert all(parse_capture(line, FRIDAY) == first for _ in range(5000))
