"""Recurring tasks: next dates of weekly and monthly rules, the occurrence made on completion."""

from __future__ import annotations

from datetime import date

import pytest

from taskboard.services import Services
from taskboard.services.ops.recurrence import next_date


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        ("FREQ=WEEKLY", date(2026, 12, 7), date(2026, 12, 14)),
        ("FREQ=WEEKLY;INTERVAL=2", date(2026, 12, 7), date(2026, 12, 21)),
        ("FREQ=WEEKLY;BYDAY=FR", date(2026, 12, 7), date(2026, 12, 11)),
        ("FREQ=MONTHLY", date(2026, 1, 15), date(2026, 2, 15)),
        ("RRULE:FREQ=MONTHLY", date(2026, 12, 15), date(2027, 1, 15)),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", date(2026, 12, 4), date(2026, 12, 7)),
        ("FREQ=WEEKLY;COUNT=1", date(2026, 12, 7), None),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2026, 12, 7), date(2028, 2, 29)),
        ("FREQ=MONTHLY;COUNT=3", date(2026, 12, 7), date(2027, 1, 7)),
        ("FREQ=WEEKLY;UNTIL=20261210", date(2026, 12, 7), None),
        # Stored before such rules were refused: the next day, not the same day again...
        ("FREQ=DAILY;BYHOUR=9", date(2026, 12, 7), date(2026, 12, 8)),
        # ...and no next date at once, not after seconds of looking until the year 9999.
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", date(2026, 12, 7), None),
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;COUNT=5", date(2026, 12, 7), None),
    ],
)
@pytest.mark.timeout(5)
def test_next_date(rule: str, after: date, expected: date | None) -> None:
    assert next_date(rule, after) == expected


def test_bad_rule_raises() -> None:
    with pytest.raises(ValueError):
        next_date("FREQ=SOMETIMES", date(2026, 12, 7))


def test_weekly_task_recurs_on_completion(services: Services) -> None:
    services.projects.create("OPS", "Operations", ["Backlog", "Doing", "Done"])
    key = services.tasks.capture(
        "Weekly delivery report every:weekly ^2026-12-07 @mia #report !high +OPS >doing"
    ).task.key
    services.tasks.complete(key)
    open_rows = services.tasks.rows(project="OPS")
    assert len(open_rows) == 1
    nxt = open_rows[0]
    assert nxt.key != key and nxt.title == "Weekly delivery report"
    assert nxt.due == date(2026, 12, 14) and nxt.column == "Backlog"
    assert (nxt.assignee, nxt.tags, nxt.priority) == ("mia", ("report",), "high")
    assert services.tasks.detail(nxt.key).recurrence == "FREQ=WEEKLY"
    # Reopening and finishing again makes no twin of the next occurrence.
    services.tasks.reopen(key)
    services.tasks.complete(key)
    assert [r.key for r in services.tasks.rows(project="OPS")] == [nxt.key]
    history = [(a.action, a.new) for a in services.tasks.detail(key).history]
    assert ("recur", nxt.key) in history


def test_monthly_task_moved_to_done_column_recurs(services: Services) -> None:
    services.projects.create("FIN", "Finance", ["Open", "Done"])
    key = services.tasks.capture("Invoice run every:monthly ^2026-01-31 +FIN").task.key
    services.tasks.move(key, "Done")
    (nxt,) = services.tasks.rows(project="FIN")
    assert nxt.due == date(2026, 3, 31)  # RFC 5545: a month without a 31st is skipped


def test_recurring_task_without_due_counts_from_today(services: Services) -> None:
    key = services.tasks.capture("Water the plants every:weekly").task.key
    services.tasks.complete(key)
    (nxt,) = [r for r in services.tasks.rows() if r.title == "Water the plants"]
    assert nxt.due is not None and 1 <= (nxt.due - services.ctx.today()).days <= 7


def test_completing_a_repeating_task_is_undone_and_redone_whole(services: Services) -> None:
    services.projects.create("OPS", "Operations", ["Backlog", "Doing", "Done"])
    key = services.tasks.capture("Weekly report every:weekly ^2026-12-07 +OPS >doing").task.key
    services.tasks.complete(key)
    nxt = next(r.key for r in services.tasks.rows(project="OPS"))
    undone = services.undo.undo()
    assert undone.message == f"undid move, completion, creation of {key}, {nxt}"
    rows = services.tasks.rows(project="OPS")
    assert [(r.key, r.column, r.done) for r in rows] == [(key, "Doing", False)]
    assert services.undo.redo().message.startswith("redid move, completion, creation")
    assert [r.key for r in services.tasks.rows(project="OPS")] == [nxt]
    # Undone again and completed again: a next occurrence again, not the archived one.
    services.undo.undo()
    services.tasks.complete(key)
    again = [r for r in services.tasks.rows(project="OPS")]
    assert len(again) == 1 and again[0].key not in (key, nxt)
    assert again[0].due == date(2026, 12, 14)
