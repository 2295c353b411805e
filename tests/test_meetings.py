"""Meeting use cases on both backends: a whole meeting, undo, agenda, check-ins, since-last."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func
from sqlmodel import select

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import (
    Activity,
    CheckIn,
    KeyResult,
    MeetingAttendee,
    MeetingItem,
    Person,
    Task,
)
from taskboard.services import Services, TaskDraft
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    StateError,
)
from tests.conftest import row_counts


@pytest.fixture
def board(services: Services, key_result: str) -> Services:
    services.projects.create("DEL", "Deliveries")
    services.tasks.create(TaskDraft(title="Budget review", project="DEL", tags=("agenda",)))
    services.tasks.create(TaskDraft(title="Plain task", project="DEL"))
    return services


def test_a_whole_meeting(board: Services) -> None:
    store = board.ctx.store
    meetings = board.meetings
    meeting = meetings.start(project="DEL", attendees=("carl", "anna"))
    assert meeting.title == "Deliveries meeting"
    assert meeting.attendees == ("anna", "carl")
    assert [(a.title, a.task_key) for a in meeting.agenda] == [("Budget review", "DEL-1")]
    assert meeting.current_topic is None
    topic = meetings.next_topic(meeting.id)
    assert topic is not None and topic.title == "Budget review" and topic.started is not None

    task = meetings.capture(
        meeting.id,
        "Papers to agent @carl ^2026-12-01 #papers !high >doing ~O1-KR1 every:weekly",
    )
    other = meetings.capture(meeting.id, "Order wall box +INBOX @lena", new_people=True)
    decision = meetings.capture(meeting.id, "d: We ship on Fridays")
    note = meetings.capture(meeting.id, "n: Carl is away in week 50")
    question = meetings.capture(meeting.id, "? Who books the truck")
    agenda = meetings.capture(meeting.id, "a: Service point opening")
    check_in = meetings.capture(meeting.id, "kr O1-KR1 = 4200 conf 0.7 good week")
    typo = meetings.capture(meeting.id, "Tpyo task")
    assert typo.task is not None and typo.task.key == "DEL-4"

    removed = meetings.undo_last(meeting.id)
    assert removed.id == typo.item.id and removed.task_key == "DEL-4"
    with store.read() as s:
        assert s.scalars(select(Task).where(Task.key == "DEL-4")).first() is None
        assert s.get(MeetingItem, typo.item.id) is None
        deleted = s.scalars(
            select(Activity).where(Activity.action == "delete", Activity.entity == "task")
        ).all()
        assert [(a.old, a.task_id) for a in deleted] == [("DEL-4", typo.task.id)]
        created = s.scalars(
            select(Activity).where(Activity.action == "create", Activity.task_id == typo.task.id)
        ).one()
        assert created.undone

    # Tasks: every token stored, in the meeting's project unless the line names one.
    assert task.task is not None and task.task.key == "DEL-3"
    row = board.tasks.row("DEL-3")
    assert (row.title, row.assignee, row.due, row.priority) == (
        "Papers to agent",
        "carl",
        date(2026, 12, 1),
        "high",
    )
    assert (row.tags, row.column, row.key_result) == (("papers",), "Doing", "O1-KR1")
    assert board.tasks.detail("DEL-3").recurrence is not None
    assert other.task is not None and other.task.key == "INBOX-1"
    assert other.new_people == ("lena",)

    # Check-in: a CheckIn row by the configured user, the key result moved with it.
    assert check_in.item.key_result == "O1-KR1"
    with store.read() as s:
        ci = s.scalars(select(CheckIn)).one()
        assert (ci.value, ci.previous_value, ci.confidence, ci.note) == (
            4200,
            3000,
            0.7,
            "good week",
        )
        assert s.get_one(Person, ci.author_id).handle == "tester"
        kr = s.scalars(select(KeyResult)).one()
        assert (kr.current_value, kr.confidence) == (4200, 0.7)

    # The stored meeting: items in order, under the topic that was current.
    stored = meetings.get(meeting.id)
    assert [(i.kind, i.text, i.task_key) for i in stored.items] == [
        ("task", "Papers to agent", "DEL-3"),
        ("task", "Order wall box", "INBOX-1"),
        ("decision", "We ship on Fridays", None),
        ("note", "Carl is away in week 50", None),
        ("question", "Who books the truck", None),
        ("agenda", "Service point opening", None),
        ("checkin", "kr O1-KR1 = 4200 conf 0.7 good week", None),
    ]
    budget = stored.agenda[0]
    assert [i.agenda_item_id for i in stored.items if i.kind != "agenda"] == [budget.id] * 6
    assert [a.title for a in stored.agenda] == ["Budget review", "Service point opening"]
    assert agenda.item.agenda_item_id == stored.agenda[1].id

    # tab: the current topic is discussed, the next one starts and takes the new items.
    nxt = meetings.next_topic(meeting.id)
    assert nxt is not None and nxt.title == "Service point opening"
    later = meetings.capture(meeting.id, "d: Open in Leipzig first")
    assert later.item.agenda_item_id == nxt.id
    assert [a.discussed for a in meetings.agenda(meeting.id)] == [True, False]

    # Any minutes item can become a task later.
    converted = meetings.item_to_task(note.item.id)
    assert converted.task is not None and converted.task.title == "Carl is away in week 50"
    assert converted.item.task_key == converted.task.key == "DEL-5"
    with pytest.raises(DuplicateError):
        meetings.item_to_task(note.item.id)
    with pytest.raises(StateError):
        meetings.item_to_task(task.item.id)

    ended = meetings.end(meeting.id)
    assert ended.ended is not None
    assert all(a.discussed for a in ended.agenda)
    before = row_counts(store)
    with pytest.raises(StateError):
        meetings.capture(meeting.id, "Too late")
    assert row_counts(store) == before
    assert meetings.last("DEL").id == meeting.id
    summary = meetings.all()
    assert [(m.id, m.items) for m in summary] == [(meeting.id, 8)]
    assert decision.item.kind == "decision" and question.item.kind == "question"


def test_bad_lines_write_nothing(board: Services) -> None:
    meeting = board.meetings.start(project="DEL")
    before = row_counts(board.ctx.store)
    with pytest.raises(InvalidFieldError):
        board.meetings.capture(meeting.id, "Fix it ^notadate")
    with pytest.raises(NotFoundError):
        board.meetings.capture(meeting.id, "kr O9-KR9 = 3")
    with pytest.raises(NotFoundError):
        board.meetings.capture(meeting.id, "Fix it >nowhere")
    with pytest.raises(InvalidFieldError):
        board.meetings.capture(meeting.id, "d:   ")
    with pytest.raises(NotFoundError):
        board.meetings.capture(999, "Fine line")
    assert row_counts(board.ctx.store) == before
    with pytest.raises(NoChangeError):
        board.meetings.undo_last(meeting.id)


def test_undo_of_check_in_and_agenda_task(board: Services) -> None:
    meeting = board.meetings.start(project="DEL", title="Weekly")
    assert meeting.title == "Weekly"
    board.meetings.capture(meeting.id, "Discuss van fleet #agenda")
    board.meetings.capture(meeting.id, "kr O1-KR1 = 5000 conf 0.9")
    assert [a.title for a in board.meetings.agenda(meeting.id)] == [
        "Budget review",
        "Discuss van fleet",
    ]
    board.meetings.undo_last(meeting.id)
    with board.ctx.store.read() as s:
        kr = s.scalars(select(KeyResult)).one()
        assert (kr.current_value, kr.confidence) == (3000, 0.5)
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 0
    board.meetings.undo_last(meeting.id)
    assert [a.title for a in board.meetings.agenda(meeting.id)] == ["Budget review"]
    assert [r.key for r in board.tasks.rows(project="DEL")] == ["DEL-1", "DEL-2"]
    assert board.meetings.get(meeting.id).items == ()


def test_attendees(board: Services) -> None:
    meeting = board.meetings.start(attendees=["carl"])
    assert (meeting.title, meeting.project) == ("Meeting", None)
    assert board.meetings.add_attendee(meeting.id, "anna").attendees == ("anna", "carl")
    with pytest.raises(DuplicateError):
        board.meetings.add_attendee(meeting.id, "carl")
    assert board.meetings.remove_attendee(meeting.id, "carl").attendees == ("anna",)
    with pytest.raises(NotFoundError):
        board.meetings.remove_attendee(meeting.id, "carl")
    with board.ctx.store.read() as s:
        assert s.scalar(select(func.count()).select_from(MeetingAttendee)) == 1
    # A meeting without a project puts its tasks in the INBOX.
    captured = board.meetings.capture(meeting.id, "Call the agent")
    assert captured.task is not None and captured.task.project == "INBOX"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_since_the_previous_meeting(services: Services) -> None:
    tasks = services.tasks
    with time_machine.travel(at(2, 8), tick=False):
        services.projects.create("DEL", "Deliveries")
        services.projects.create("OPS", "Operations")
        tasks.create(TaskDraft(title="Papers", project="DEL", due=date(2026, 11, 10)))  # DEL-1
        tasks.create(TaskDraft(title="Payment", project="DEL"))  # DEL-2
        tasks.create(TaskDraft(title="Wall box", project="DEL", due=date(2026, 11, 15)))  # DEL-3
        tasks.create(TaskDraft(title="Brochure", project="DEL", due=date(2026, 11, 30)))  # DEL-4
        tasks.create(TaskDraft(title="Elsewhere", project="OPS"))  # OPS-1
    with time_machine.travel(at(3), tick=False):
        first = services.meetings.start(project="DEL")
        tasks.edit(
            "DEL-4", TaskChanges(due=date(2026, 11, 28))
        )  # during the first meeting: counts too
    with time_machine.travel(at(3, 10), tick=False):
        services.meetings.end(first.id)
    with time_machine.travel(at(5), tick=False):
        tasks.create(TaskDraft(title="Van fleet", project="DEL"))  # DEL-5
        tasks.move("DEL-1", "Doing")
        tasks.complete("DEL-2")
        tasks.edit("DEL-3", TaskChanges(due=date(2026, 11, 20)))
        tasks.complete("OPS-1")
    with time_machine.travel(at(6), tick=False):
        tasks.edit("DEL-3", TaskChanges(due=date(2026, 11, 27)))
        tasks.move("DEL-1", "To do")
        tasks.edit("DEL-4", TaskChanges(due=date(2026, 11, 25)))  # earlier: not a slip
    with time_machine.travel(at(10), tick=False):
        other = services.meetings.start(project="OPS")
        second = services.meetings.start(project="DEL")
    with time_machine.travel(at(10, 10), tick=False):
        tasks.complete("DEL-5")  # after the meeting started: not in its minutes
        services.meetings.end(second.id)
        services.meetings.end(other.id)

    assert services.meetings.minutes_data(first.id).since is None
    since = services.meetings.minutes_data(second.id).since
    assert since is not None
    assert (since.title, since.started) == ("Deliveries meeting", at(3))
    assert [(c.key, c.title) for c in since.done] == [("DEL-2", "Payment")]
    assert [c.key for c in since.created] == ["DEL-5"]
    # Two moves of DEL-1 collapse into one: where it was, where it is.
    assert [(c.key, c.old, c.new) for c in since.moved] == [
        ("DEL-1", "Backlog", "To do"),
        ("DEL-2", "Backlog", "Done"),
    ]
    assert [(c.key, c.old, c.new) for c in since.slipped] == [("DEL-3", "2026-11-15", "2026-11-27")]
    ops = services.meetings.minutes_data(other.id)
    assert ops.since is None


def test_the_running_meeting_of_a_project(services: Services) -> None:
    meetings = services.meetings
    services.projects.create("DEL", "Deliveries")
    services.projects.create("OPS", "Operations")
    assert meetings.running("DEL") is None
    with time_machine.travel(at(3), tick=False):
        early = meetings.start("Early", project="DEL")
    with time_machine.travel(at(4), tick=False):
        late = meetings.start("Late", project="DEL")
        ops = meetings.start("Ops", project="OPS")
        loose = meetings.start("No project")
    assert [m.id for m in (meetings.running("del"), meetings.running("OPS"))] == [late.id, ops.id]
    assert getattr(meetings.running(), "id", None) == loose.id
    meetings.end(late.id)
    assert getattr(meetings.running("DEL"), "id", None) == early.id
    meetings.end(early.id)
    assert meetings.running("DEL") is None
    with pytest.raises(NotFoundError):
        meetings.running("NOPE")
