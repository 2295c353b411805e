"""A meeting is one shared thing: two apps over two store connections (as two processes have)
on one store, SQLite and PostgreSQL. A line typed in one shows in the other, in the same
order; who is in the room shows in both; the end in one closes the other with a message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static
from ui_text import RecordingApp, meeting_options, running, settle, until

from taskboard.services import Services
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions
from taskboard.ui.screens.meeting import MeetingScreen
from taskboard.ui.screens.meeting_minutes import MinutesScreen

# Two processes on one store: over PostgreSQL's LISTEN/NOTIFY as well as SQLite's.
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 23)


@pytest.fixture
def two(store_target: str) -> Iterator[tuple[Services, Services]]:
    """jonas and mia, each with connections of their own to one store."""
    first = open_store(store_target)
    jonas = Services.open(first, "jonas")
    jonas.projects.create("DEL", "Deliveries")
    for handle in ("jonas", "mia"):
        jonas.people.add(handle, handle.title())
    second = open_store(store_target)
    yield jonas, Services.open(second, "mia")
    second.close()
    first.close()


def meeting_app(services: Services) -> RecordingApp:
    """The app as `taskboard meeting --project DEL` opens it: the running meeting, or a new one."""
    options = meeting_options(None, TODAY)
    return RecordingApp(services, options)


def header(app: TaskboardApp) -> str:
    return str(app.screen.query_one("#meeting-header", Static).render())


def rows(app: TaskboardApp) -> list[str]:
    """The stored items' rows (lines typed and still being stored wait below them)."""
    if not isinstance(app.screen, MeetingScreen):
        return []
    minutes = app.screen.query_one("#minutes", OptionList)
    return [str(option.prompt) for option in minutes.options]


async def type_line(pilot: Any, text: str) -> None:
    """The line put in the capture line (typing it key by key is the other tests' part),
    then Enter."""
    pilot.app.screen.query_one("#capture", Input).value = text
    await pilot.press("enter")


async def test_a_meeting_open_in_two_apps_is_one_meeting(
    two: tuple[Services, Services],
) -> None:
    jonas, mia = two
    typist, projector = meeting_app(jonas), meeting_app(mia)
    async with typist.run_test(size=(140, 30)) as one, projector.run_test(size=(140, 30)) as two_:
        await settle(one)
        await settle(two_)
        assert isinstance(typist.screen, MeetingScreen)
        assert isinstance(projector.screen, MeetingScreen)
        meeting_id = typist.screen.meeting_id
        assert meeting_id is not None and projector.screen.meeting_id == meeting_id
        assert [m.id for m in jonas.meetings.all()] == [meeting_id]  # joined, not a second one

        # Who is in the room shows on both, each naming itself "you".
        await until(one, lambda: "2 in the room: mia, you" in header(typist), "mia in the room")
        await until(two_, lambda: "2 in the room: jonas, you" in header(projector), "jonas")

        # A line typed in one reaches the other; lines from both sides in one order.
        await type_line(one, "d: winter tyres from October")
        await until(two_, lambda: len(rows(projector)) == 1, "the decision")
        await type_line(two_, "?: who books the transporter @jonas")
        await type_line(one, "n: the agent calls back")
        both = ["decision", "question", "note"]
        for app, pilot in ((typist, one), (projector, two_)):
            await until(pilot, lambda app=app: len(rows(app)) == 3, "three items")
            assert [r.split()[0] for r in rows(app)] == both
        assert "who books the transporter (@jonas)" in rows(typist)[1]
        # A person made by a line elsewhere is known to this capture line too.
        await type_line(two_, "Call the agent @lena")
        await two_.press("enter")  # a new person needs a second Enter
        typing = typist.screen
        assert isinstance(typing, MeetingScreen)
        await until(one, lambda: "lena" in typing.known.handles, "@lena on jonas's line")

        # The end in one closes the other, with a message naming who ended it.
        await one.press("ctrl+e")
        await until(
            two_, lambda: isinstance(projector.screen, MinutesScreen), "the minutes on mia's"
        )
        assert any("was ended by jonas" in n for n in projector.notices)
        assert not any("has ended" in n for n in projector.notices)
        await settle(one)
        assert any(isinstance(s, MinutesScreen) for s in typist.screen_stack)
    assert mia.meetings.get(meeting_id).ended is not None
    assert mia.meetings.get(meeting_id).present == ()


async def test_a_line_typed_as_the_meeting_ends_elsewhere_is_named_not_lost_silently(
    two: tuple[Services, Services],
) -> None:
    jonas, mia = two
    meeting = jonas.meetings.start("Weekly", "DEL")
    typist = meeting_app(mia)
    async with running(typist, size=(140, 30)) as pilot:
        screen = typist.screen
        assert isinstance(screen, MeetingScreen) and screen.meeting_id == meeting.id
        jonas.meetings.end(meeting.id)
        await type_line(pilot, "d: too late")  # may reach the store before the feed's news
        await until(pilot, lambda: isinstance(typist.screen, MinutesScreen), "the minutes")
        said = " | ".join(typist.notices)
        assert "Weekly was ended by jonas: here are its minutes" in said
        assert "has ended" not in said  # the old refusal, as if the line were at fault


def minutes_text(app: TaskboardApp) -> str:
    screen = app.screen
    assert isinstance(screen, MinutesScreen)
    return screen.text


async def test_open_minutes_follow_the_meeting_as_it_changes_elsewhere(
    two: tuple[Services, Services],
) -> None:
    """Minutes opened on a running meeting (from search, say) show a line typed elsewhere,
    an attendee added there, and after its end, an item made a task."""
    jonas, mia = two
    meeting = jonas.meetings.start("Weekly", "DEL")
    jonas.meetings.capture(meeting.id, "n: the van is booked")
    app = RecordingApp(mia, UiOptions(project="DEL", today=lambda: TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(MinutesScreen(meeting.id))
        await until(pilot, lambda: "the van is booked" in minutes_text(app), "the minutes")
        jonas.meetings.capture(meeting.id, "d: we rent a second van")
        await until(pilot, lambda: "we rent a second van" in minutes_text(app), "the new line")
        jonas.meetings.add_attendee(meeting.id, "mia")
        await until(pilot, lambda: "(@mia)" in minutes_text(app), "the attendee")
        jonas.meetings.end(meeting.id)
        item = jonas.meetings.get(meeting.id).items[0]  # the note
        jonas.meetings.item_to_task(item.id)
        await until(pilot, lambda: "DEL-" in minutes_text(app), "the task made of an item")
        assert isinstance(app.screen, MinutesScreen)
