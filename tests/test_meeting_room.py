"""A meeting as one shared thing (who is in the room) and a question's owner, on both backends."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import func
from sqlmodel import select

from taskboard.domain.meeting_views import PRESENCE_TIMEOUT_S, room_line
from taskboard.domain.models import Activity
from taskboard.exchange import jsondump
from taskboard.exchange.minutes import render_minutes
from taskboard.services import Services
from taskboard.services.errors import StateError, UnknownPersonError
from taskboard.store import Store, open_store


def activity_count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Activity)) or 0)


@pytest.fixture
def second(store_target: str) -> Iterator[Services]:
    """Another process's view of the same store: its own connections, its own user."""
    other = open_store(store_target)
    yield Services.open(other, "mia")
    other.close()


@pytest.fixture
def people(services: Services) -> Services:
    services.projects.create("DEL", "Deliveries")
    for handle in ("jonas", "jonathan", "mia"):
        services.people.add(handle, handle.title())
    return services


def test_a_question_names_its_owner(people: Services) -> None:
    meeting = people.meetings.start("Weekly", "DEL")
    captured = people.meetings.capture(meeting.id, "?: who books the transporter @jonas")
    assert (captured.item.text, captured.item.owner) == ("who books the transporter", "jonas")
    # A unique start of a handle is enough, as for a task's assignee.
    people.meetings.capture(meeting.id, "? who pays @mi")
    questions = people.meetings.minutes_data(meeting.id).questions
    assert [(q.text, q.owner) for q in questions] == [
        ("who books the transporter", "jonas"),
        ("who pays", "mia"),
    ]
    # The minutes, on screen and in the file (one renderer), say who owns it.
    people.meetings.end(meeting.id)
    minutes = render_minutes(people.meetings.minutes_data(meeting.id))
    assert "- who books the transporter (@jonas)\n" in minutes
    # The text is searchable without the handle; the owner is kept apart.
    hits = people.search.search("transporter")
    assert [h.kind for h in hits] == ["question"] and "@jonas" not in hits[0].snippet


def test_an_unknown_owner_is_refused_naming_the_closest(people: Services) -> None:
    meeting = people.meetings.start("Weekly", "DEL")
    with pytest.raises(UnknownPersonError, match="did you mean @jonas"):
        people.meetings.capture(meeting.id, "?: who books the transporter @jonsa")
    assert people.meetings.get(meeting.id).items == ()
    captured = people.meetings.capture(meeting.id, "?: who signs @lena", new_people=True)
    assert captured.item.owner == "lena" and captured.new_people == ("lena",)


def test_a_question_turned_into_a_task_goes_to_its_owner(people: Services) -> None:
    meeting = people.meetings.start("Weekly", "DEL")
    item = people.meetings.capture(meeting.id, "?: who books the transporter @jonas").item
    made = people.meetings.item_to_task(item.id)
    assert made.task is not None and made.task.assignee == "jonas"


def test_the_owner_survives_export_and_import(people: Services, tmp_path: Path) -> None:
    meeting = people.meetings.start("Weekly", "DEL")
    people.meetings.capture(meeting.id, "?: who books the transporter @jonas")
    out = io.StringIO()
    jsondump.write(people, out)
    document = out.getvalue()
    assert '"owner_id": ' in document
    copy = Services.open(open_store(str(tmp_path / "copy.db")), "tester")
    jsondump.read(copy, io.StringIO(document))
    assert [q.owner for q in copy.meetings.minutes_data(meeting.id).questions] == ["jonas"]
    again = io.StringIO()
    jsondump.write(copy, again)
    assert again.getvalue() == document
    # A dump from before question owners (no owner_id) still restores, owners empty.
    old = json.loads(document)
    for record in old["records"]:
        if record["table"] == "meeting_item":
            del record["row"]["owner_id"]
    older = Services.open(open_store(str(tmp_path / "older.db")), "tester")
    jsondump.read(older, io.StringIO(json.dumps(old)))
    assert [q.owner for q in older.meetings.minutes_data(meeting.id).questions] == [None]


def test_everyone_with_the_meeting_open_is_in_the_room(
    people: Services, second: Services, store: Store
) -> None:
    meeting = people.meetings.start("Weekly", "DEL")
    history = activity_count(store)
    people.meetings.join(meeting.id, "tester-1")
    joined = second.meetings.join(meeting.id, "mia-1")
    assert room_line(joined.present, "mia-1") == "2 in the room: tester, you"
    assert room_line(people.meetings.get(meeting.id).present, "tester-1") == (
        "2 in the room: mia, you"
    )
    # A heartbeat keeps a screen in; one not heard from for the timeout drops out.
    later = datetime.now(UTC) + timedelta(seconds=PRESENCE_TIMEOUT_S * 0.75)
    with time_machine.travel(later, tick=False):
        people.meetings.join(meeting.id, "tester-1")
    with time_machine.travel(later + timedelta(seconds=PRESENCE_TIMEOUT_S * 0.5), tick=False):
        present = second.meetings.get(meeting.id).present
    assert [p.who for p in present] == ["tester"]
    # Being in the room is no change of anyone's: the history (and undo) never sees it.
    assert activity_count(store) == history
    # Leaving takes one out at once; ending empties the room and says who ended it.
    second.meetings.join(meeting.id, "mia-1")
    people.meetings.leave(meeting.id, "tester-1")
    assert [p.who for p in people.meetings.get(meeting.id).present] == ["mia"]
    second.meetings.end(meeting.id)
    ended = people.meetings.get(meeting.id)
    assert ended.present == () and ended.ended_by == "mia"
    with pytest.raises(StateError):
        people.meetings.join(meeting.id, "tester-1")


def test_screens_opening_at_the_same_moment_share_one_meeting(
    people: Services, second: Services
) -> None:
    """`m` pressed on two boards at once: one meeting, both in its room."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        opened = list(
            pool.map(
                lambda n: (people if n % 2 else second).meetings.join_running("DEL", f"s{n}"),
                range(4),
            )
        )
    assert len({meeting.id for meeting, _ in opened}) == 1
    assert sorted(running for _, running in opened) == [False, True, True, True]
    assert len(people.meetings.get(opened[0][0].id).present) == 4


def test_the_shell_refuses_an_unknown_owner_naming_the_closest(cli: Any) -> None:
    assert cli("project", "add", "DEL", "Deliveries").code == 0
    assert cli("person", "add", "jonas", "Jonas").code == 0
    meeting_id = cli("meeting", "start", "--project", "DEL", "--no-tui").ok().strip()
    refused = cli("meeting", "add", meeting_id, "?:", "who", "books", "@jonsa")
    assert refused.code == 1 and "did you mean @jonas" in refused.err
    assert "Traceback" not in refused.err
    made = cli("meeting", "add", meeting_id, "?: who books @jonsa", "--new-person")
    assert made.code == 0, made.err
    owned = cli("meeting", "add", meeting_id, "?:", "who", "signs", "@jonas")
    assert owned.code == 0, owned.err
    minutes = cli("minutes", meeting_id)
    assert "- who books (@jonsa)" in minutes.out and "- who signs (@jonas)" in minutes.out


def test_the_capture_preview_names_a_questions_owner() -> None:
    from datetime import date

    from taskboard.ui.preview import Known, meeting_check

    known = Known("DEL", {"DEL": ("To do",)}, ("jonas", "jonathan", "mia"))
    today = date(2026, 12, 3)
    shown = meeting_check("?: who books the transporter @mi", today, known)
    assert str(shown.content) == "✓ question: who books the transporter   owner @mia"
    typo = meeting_check("?: who books the transporter @jonsa", today, known)
    assert typo.warning is not None and "did you mean @jonas or @jonathan?" in typo.warning
    vague = meeting_check("?: who books @jo", today, known)
    assert vague.error and "ambiguous person '@jo'" in str(vague.content)
