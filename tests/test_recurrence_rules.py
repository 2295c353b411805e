"""Recurrence rules as typed: the friendly forms and RRULEs are stored, anything else refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Task
from taskboard.services import Services, TaskDraft
from taskboard.services.errors import InvalidFieldError


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("weekly", "FREQ=WEEKLY"),
        ("every:weekly", "FREQ=WEEKLY"),
        ("2w", "FREQ=WEEKLY;INTERVAL=2"),
        ("weekdays", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
        ("fri", "FREQ=WEEKLY;BYDAY=FR"),
        ("FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2"),
        ("rrule:freq=monthly; bymonthday=15", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("FREQ=YEARLY;COUNT=3", "FREQ=YEARLY;COUNT=3"),
        ("FREQ=MONTHLY;UNTIL=20301231;BYDAY=-1FR", "FREQ=MONTHLY;UNTIL=20301231;BYDAY=-1FR"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),  # leap
        ("FREQ=WEEKLY;UNTIL=20200101", "FREQ=WEEKLY;UNTIL=20200101"),  # over: repeats no more
        ("  ", None),
    ],
)
def test_edit_stores_the_rule_typed(services: Services, typed: str, stored: str | None) -> None:
    key = services.tasks.capture("Water the plants every:daily").task.key
    services.tasks.edit(key, TaskChanges(recurrence=typed))
    assert services.tasks.detail(key).recurrence == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("blah blah", "unknown recurrence 'blah blah'"),
        ("every:sometimes", "unknown recurrence 'sometimes'"),
        ("0w", "recurrence out of range '0w'"),
        ("FREQ=SOMETIMES", "bad RRULE 'FREQ=SOMETIMES': FREQ must be"),
        ("FREQ=HOURLY", "bad RRULE 'FREQ=HOURLY': FREQ must be"),
        ("INTERVAL=2", "bad RRULE 'INTERVAL=2': FREQ must be"),
        ("FREQ=WEEKLY;;", "bad RRULE 'FREQ=WEEKLY;;': '' is not NAME=VALUE"),
        ("FREQ=WEEKLY;BYDAY=XX", "bad RRULE 'FREQ=WEEKLY;BYDAY=XX': invalid 'BYDAY'"),
        ("FREQ=WEEKLY;COLOR=RED", "unknown part 'COLOR'"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ given twice"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be 1 to 999"),  # dateutil loops forever
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "UNTIL must be a date"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20271231", "COUNT or UNTIL, not both"),
        ("FREQ=WEEKLY;BYMONTHDAY=" + "1," * 120 + "1", "characters long; at most 200"),
        ("FREQ=DAILY;BYHOUR=9", "unknown part 'BYHOUR'"),  # due the same day again
        ("FREQ=DAILY;COUNT=0", "COUNT must be a whole number from 1"),
        ("FREQ=DAILY;COUNT=-1", "COUNT must be a whole number from 1"),
        # No day matches these: dateutil looked for one until 9999, for seconds, in a write.
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "it falls on no day within 30 years"),
        ("FREQ=DAILY;BYYEARDAY=366;BYMONTH=1", "it falls on no day within 30 years"),
        ("FREQ=DAILY;BYWEEKNO=53;BYMONTH=6", "it falls on no day within 30 years"),
    ],
)
@pytest.mark.timeout(30)
def test_a_bad_rule_is_refused_and_nothing_is_written(
    services: Services, typed: str, message: str
) -> None:
    key = services.tasks.capture("Water the plants every:daily").task.key
    before = services.tasks.detail(key)
    revision = services.tasks.revision()
    with pytest.raises(InvalidFieldError) as caught:
        services.tasks.edit(
            key, TaskChanges(title="Renamed", recurrence=typed), before.task.version
        )
    assert message in str(caught.value)
    assert services.tasks.detail(key) == before  # the title was not changed either
    assert services.tasks.revision() == revision


def test_new_tasks_with_a_bad_rule_are_refused(services: Services) -> None:
    with pytest.raises(InvalidFieldError):
        services.tasks.create(TaskDraft(title="One", recurrence="blah blah"))
    drafts = [TaskDraft(title="Good", recurrence="2w"), TaskDraft(title="Bad", recurrence="x=y")]
    with pytest.raises(InvalidFieldError, match=r"^task 2: "):
        services.tasks.create_many(drafts, "INBOX")
    assert services.tasks.rows(include_closed=True) == []
    # The good ones are stored as rules.
    key = services.tasks.create(TaskDraft(title="One", recurrence="weekdays")).task.key
    (other,) = services.tasks.create_many(drafts[:1], "INBOX")
    assert services.tasks.detail(key).recurrence == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    assert services.tasks.detail(other).recurrence == "FREQ=WEEKLY;INTERVAL=2"


def test_a_friendly_rule_recurs_on_completion(services: Services) -> None:
    key = services.tasks.capture("Invoice run ^2026-12-01").task.key
    services.tasks.edit(key, TaskChanges(recurrence="every:2w"))
    services.tasks.complete(key)
    (nxt,) = [r for r in services.tasks.rows() if r.title == "Invoice run"]
    assert nxt.due == services.tasks.row(key).due + timedelta(weeks=2)  # type: ignore[operator]


def test_a_bad_rule_stored_before_blocks_completion_and_writes_nothing(
    services: Services,
) -> None:
    key = services.tasks.capture("Broken").task.key
    # Stored past the service (an old database, sqlite3 by hand): completing must not crash.
    with services.ctx.store.write() as s:
        s.execute(update(Task).where(col(Task.key) == key).values(recurrence="FREQ=SOMETIMES"))
    with pytest.raises(InvalidFieldError):
        services.tasks.complete(key)
    assert not services.tasks.row(key).done
    assert len(services.tasks.rows()) == 1
