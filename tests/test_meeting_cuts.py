"""Issue 19's meeting paper cuts through the services and the CLI (in process), both backends:
a mistyped handle, a check-in a zero short, an empty meeting, the minutes' wording."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from taskboard import cli as cli_module
from taskboard.domain.meeting_views import item_line, minutes_file_name
from taskboard.domain.okr import implausible_check_in
from taskboard.exchange.minutes import render_minutes
from taskboard.services import Services, TaskDraft
from taskboard.services.errors import ImplausibleValueError, UnknownPersonError
from tests.conftest import row_counts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`taskboard ARGS` in this process: the exit code, stdout and stderr."""
    code = cli_module.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def board(services: Services, key_result: str) -> Services:
    services.projects.create("DEL", "Deliveries")
    services.tasks.create(TaskDraft(title="Plain task", project="DEL"))
    return services


# --- 1. a mistyped handle -----------------------------------------------------------------


def test_a_mistyped_handle_is_refused_naming_the_closest(board: Services) -> None:
    meeting = board.meetings.start(project="DEL", attendees=("jonas", "mia"))
    before = row_counts(board.ctx.store)
    with pytest.raises(UnknownPersonError) as caught:
        board.meetings.capture(meeting.id, "Check the tyre stock @jonsa ^mon")
    assert str(caught.value) == "unknown person '@jonsa' — did you mean @jonas?"
    assert caught.value.handle == "jonsa"
    assert row_counts(board.ctx.store) == before
    # Asked for: the new person is made and said.
    made = board.meetings.capture(meeting.id, "Check the tyre stock @jonsa ^mon", new_people=True)
    assert made.new_people == ("jonsa",)
    assert made.task is not None and made.task.assignee == "jonsa"
    # Known handles and unique prefixes need nothing.
    assert board.meetings.capture(meeting.id, "Tyres @mi").task.assignee == "mia"  # type: ignore[union-attr]


def test_meeting_add_refuses_an_unknown_handle_unless_new_person(
    board: Services, store_target: str, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = board.meetings.start(project="DEL", attendees=("jonas",))
    # Several words are one line, as in the meeting screen.
    line = ["meeting", "add", str(meeting.id), *["Check", "the", "tyre", "stock", "@jonsa"]]
    code, out, err = run(capsys, *line, "--db", store_target)
    assert code == 1 and out == ""
    assert err == (
        "error: unknown person '@jonsa' — did you mean @jonas?; --new-person adds @jonsa\n"
    )
    code, out, err = run(capsys, *line, "--new-person", "--db", store_target)
    assert code == 0, err
    assert "Check the tyre stock" in out and "new person @jonsa" in err
    code, out, err = run(capsys, *line[:3], "d:", "ship", "on", "Friday", "--db", store_target)
    assert code == 0, err
    items = board.meetings.get(meeting.id).items
    assert [(i.kind, i.text) for i in items] == [
        ("task", "Check the tyre stock"),
        ("decision", "ship on Friday"),
    ]


# --- 2. a check-in a zero short -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target", "last", "value", "doubt"),
    [
        (62_000, 100_000, 86_500, 8_690, "8,690 is far outside O2-KR1's range"),
        (62_000, 100_000, 86_500, 869_000, "869,000 is far outside O2-KR1's range"),
        (62_000, 100_000, 86_500, 86_900, None),
        (62_000, 100_000, 86_500, 80_000, None),  # a setback, not a typo
        (62_000, 100_000, 86_500, 70_000, "70,000 moves O2-KR1 a long way back"),
        (62_000, 100_000, 30_000, 24_000, None),  # the widened range's edge
        # Lower is better: up is away from the target.
        (40, 10, 30, 40, "40 moves O2-KR1 a long way back"),
        (40, 10, 30, 35, None),
        (40, 10, 30, 3, None),
        (40, 10, 30, -25, "-25 is far outside O2-KR1's range"),
    ],
)
def test_implausible_check_in(
    start: float, target: float, last: float, value: float, doubt: str | None
) -> None:
    said = implausible_check_in("O2-KR1", start, target, last, value)
    if doubt is None:
        assert said is None
    else:
        assert said is not None and said.startswith(doubt)
        assert f"start {start:,g}, last {last:,g}, target {target:,g}" in said


def test_an_implausible_check_in_needs_force(board: Services) -> None:
    meeting = board.meetings.start(project="DEL")
    before = row_counts(board.ctx.store)
    with pytest.raises(ImplausibleValueError) as caught:
        board.meetings.capture(meeting.id, "kr O1-KR1 = 300")  # 3,000 a zero short
    assert str(caught.value) == (
        "300 moves O1-KR1 a long way back from its target (start 0, last 3,000, target 10,000)"
    )
    assert row_counts(board.ctx.store) == before
    assert board.okr.key_result("O1-KR1").current == 3000
    made = board.meetings.capture(meeting.id, "kr O1-KR1 = 300", force=True)
    assert made.item.key_result == "O1-KR1"
    assert board.okr.key_result("O1-KR1").current == 300
    # A plausible one goes straight in, here as everywhere.
    board.meetings.capture(meeting.id, "kr O1-KR1 = 3100")
    with pytest.raises(ImplausibleValueError):
        board.okr.check_in("O1-KR1", 31_000)
    assert board.okr.check_in("O1-KR1", 31_000, force=True).value == 31_000


def test_lower_is_better_counts_up_as_back(board: Services) -> None:
    board.okr.add_key_result("O1", "Days to deliver", start=40, target=10)
    board.okr.check_in("O1-KR2", 30)
    with pytest.raises(ImplausibleValueError, match="start 40, last 30, target 10"):
        board.okr.check_in("O1-KR2", 39)
    assert board.okr.check_in("O1-KR2", 25).value == 25


def test_okr_checkin_and_meeting_add_refuse_unless_force(
    board: Services, store_target: str, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "okr", "checkin", "O1-KR1", "300", "--db", store_target)
    assert code == 1 and out == ""
    assert "start 0, last 3,000, target 10,000" in err and "--force records it anyway" in err
    meeting = board.meetings.start(project="DEL")
    code, _, err = run(
        capsys, "meeting", "add", str(meeting.id), "kr", "O1-KR1", "=", "300", "--db", store_target
    )
    assert code == 1 and "--force records it anyway" in err
    assert board.okr.key_result("O1-KR1").current == 3000
    code, _, err = run(
        capsys,
        "meeting",
        "add",
        str(meeting.id),
        "kr O1-KR1 = 300",
        "--force",
        "--db",
        store_target,
    )
    assert code == 0, err
    assert board.okr.key_result("O1-KR1").current == 300


# --- 3. an empty meeting ------------------------------------------------------------------


def test_an_empty_meeting_never_becomes_last(
    board: Services, store_target: str, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = board.meetings.start("Weekly handover", "DEL")
    board.meetings.capture(real.id, "d: ship on Friday")
    board.meetings.end(real.id)
    empty = board.meetings.end(board.meetings.start("Oops", "DEL").id)
    assert board.meetings.last("DEL").id == real.id
    assert board.meetings.last().id == real.id
    code, out, err = run(capsys, "minutes", "last", "--db", store_target)
    assert code == 0, err
    assert out.startswith("# Weekly handover\n")
    # It is still a meeting: listed, and its own minutes print.
    assert empty.id in {m.id for m in board.meetings.all()}
    assert render_minutes(board.meetings.minutes_data(empty.id)).startswith("# Oops\n")


# --- 14. the minutes on screen and in the file ----------------------------------------------


def test_a_check_in_reads_the_same_on_screen_and_in_the_file(board: Services) -> None:
    meeting = board.meetings.start(project="DEL")
    board.meetings.capture(meeting.id, "kr O1-KR1 = 3500 conf 0.75 good week")
    item = board.meetings.get(meeting.id).items[0]
    shown = item_line(item)
    assert shown == "O1-KR1 Cars delivered: 3000 → 3500, confidence 0.75 (good week)"
    assert f"- {shown}\n" in render_minutes(board.meetings.minutes_data(meeting.id))
    # Other items show their text.
    board.meetings.capture(meeting.id, "n: tight")
    assert item_line(board.meetings.get(meeting.id).items[1]) == "tight"


def test_the_minutes_file_name_carries_project_and_time() -> None:
    started = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    local = started.astimezone()
    assert minutes_file_name("DEL", started) == f"minutes-DEL-{local:%Y-%m-%d-%H%M}.md"
    assert minutes_file_name(None, started) == f"minutes-{local:%Y-%m-%d-%H%M}.md"
    later = minutes_file_name("DEL", datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    assert later != minutes_file_name("DEL", started)
    assert date(2026, 12, 2).isoformat() in later
