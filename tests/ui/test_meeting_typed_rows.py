"""Enter on the meeting's capture line: the line shows at once below the minutes, its stored
item then joins them, a refusal takes it away; and the screen reads nothing again for its
own writes — what it shows is what a fresh read of the meeting shows."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static
from ui_text import RecordingApp, meeting_options, notices, settle

from taskboard.domain.meeting_views import MeetingView
from taskboard.services import Services
from taskboard.services.errors import StateError
from taskboard.store import open_store
from taskboard.ui.screens.meeting import MeetingScreen
from taskboard.ui.screens.meeting_room import MeetingRoom
from taskboard.ui.screens.meeting_text import agenda_text, item_option

TODAY = date(2026, 11, 23)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = open_store(str(tmp_path / "typed.db"))
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    services.people.add("mia", "Mia")
    services.okr.add_objective("Deliver", "2026-Q4")
    services.okr.add_key_result("O1", "Cars", target=100)
    yield services
    store.close()


class Reads:
    """Counts the reads of a whole meeting (`meetings.get`), by the screen or its feed."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        get = services.meetings.get

        def counted(meeting_id: int) -> MeetingView:
            self.count += 1
            return get(meeting_id)

        monkeypatch.setattr(services.meetings, "get", counted)
        self.fresh = get  # a read the test makes, not counted


def rows(app: RecordingApp) -> list[tuple[str | None, str]]:
    minutes = app.screen.query_one("#minutes", OptionList)
    return [(o.id, str(o.prompt)) for o in minutes.options]


def preview(app: RecordingApp) -> str:
    return str(app.screen.query_one("#capture-preview", Static).content)


def waiting(app: RecordingApp) -> str:
    return str(app.screen.query_one("#waiting", Static).content)


async def type_line(pilot: Any, line: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in line], "enter")


async def opened(pilot: Any) -> MeetingScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen) and screen.meeting is not None
    await pilot.pause(0.3)  # the feed's first message, when it listens: one read
    await settle(pilot)
    return screen


def as_read(app: RecordingApp, meeting: MeetingView) -> None:
    """The screen shows what a fresh read of the meeting shows: each minutes row, in order,
    and the agenda (its topics; the clocks tick on)."""
    assert rows(app) == [(str(i.id), str(item_option(i).prompt)) for i in meeting.items]

    def topics(agenda: object) -> list[str]:
        return [line.split("  ⏱")[0] for line in str(agenda).splitlines()]

    shown = app.screen.query_one("#agenda", Static).content
    assert topics(shown) == topics(agenda_text(meeting, meeting.started))


async def shows_as_read(pilot: Any, services: Services, meeting_id: int) -> None:
    """Once the store calls and the re-read the screen makes for changes elsewhere are
    done (within seconds), it shows what a fresh read shows."""
    await settle(pilot)
    screen = pilot.app.screen
    for _ in range(500):
        expected = services.meetings.get(meeting_id)
        if not screen.reading and [r[0] for r in rows(pilot.app)] == [
            str(i.id) for i in expected.items
        ]:
            break
        await pilot.pause(0.01)
    as_read(pilot.app, services.meetings.get(meeting_id))


async def test_the_line_shows_at_once_and_its_stored_item_joins_the_minutes(
    services: Services,
) -> None:
    meeting = services.meetings.start("Weekly", "DEL")
    app = RecordingApp(services, meeting_options(meeting.id, TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        gate = threading.Event()
        app.store.submit(lambda _: gate.wait(10))  # the store is busy: the line waits
        await type_line(pilot, "d: cars go first")
        await pilot.pause()
        assert "cars go first" in waiting(app) and rows(app) == []
        assert not services.meetings.get(meeting.id).items  # shown, not stored yet
        gate.set()
        await settle(pilot)
        item = services.meetings.get(meeting.id).items[0]
        assert rows(app) == [(str(item.id), rows(app)[0][1])]
        assert "decision" in rows(app)[0][1] and "cars go first" in rows(app)[0][1]
        assert waiting(app) == ""


async def test_a_refused_line_leaves_and_comes_back(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = services.meetings.start("Weekly", "DEL")
    app = RecordingApp(services, meeting_options(meeting.id, TODAY))

    def refuse(*_: Any, **__: Any) -> Any:
        raise StateError("the store says no")

    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        monkeypatch.setattr(services.meetings, "capture", refuse)
        await type_line(pilot, "n: never stored")
        await settle(pilot)
        assert rows(app) == [] and waiting(app) == ""
        assert screen.query_one("#capture").value == "n: never stored"  # type: ignore[attr-defined]
        assert "the store says no" in notices(app)


async def test_own_writes_show_as_stored_without_reading_the_meeting(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = services.meetings.start("Weekly", "DEL")
    app = RecordingApp(services, meeting_options(meeting.id, TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        reads = Reads(services, monkeypatch)
        lines = (
            "Book the transporter @mia ^fri #agenda",  # a task, and a topic of the agenda
            "d: Saturdays too",
            "n: Munich is slow",
            "? who calls the agent @mia",
            "kr O1-KR1 = 42 conf 0.7 good week",
            "a: Service points",
        )
        for line in lines:
            await type_line(pilot, line)
            await settle(pilot)
            as_read(app, reads.fresh(meeting.id))
        stored = reads.fresh(meeting.id)
        assert [i.kind for i in stored.items] == [
            "task",
            "decision",
            "note",
            "question",
            "checkin",
            "agenda",
        ]
        shown = [text for _, text in rows(app)]
        assert "DEL-1" in shown[0] and "(@mia)" in shown[3] and "O1-KR1 Cars: 0 → 42" in shown[4]
        assert [a.title for a in stored.agenda] == ["Book the transporter", "Service points"]
        # The capture line knows the check-in's new value, unread.
        await pilot.press("k", "r", "space", *"O1-KR1", "space", "=", "space", "5", "0")
        assert "42 → 50" in preview(app)
        await pilot.press("ctrl+u")

        # tab, item → task, undo and attendees: the same, each shown from its own answer.
        await pilot.press("tab")
        await settle(pilot)
        as_read(app, reads.fresh(meeting.id))
        await pilot.press("ctrl+up", "ctrl+up", "ctrl+up")  # from the last item to "Munich…"
        await pilot.press("ctrl+t")
        await settle(pilot)
        as_read(app, reads.fresh(meeting.id))
        assert reads.fresh(meeting.id).items[2].task_key == "DEL-2"
        await pilot.press("ctrl+z")
        await settle(pilot)
        as_read(app, reads.fresh(meeting.id))
        assert [a.title for a in reads.fresh(meeting.id).agenda] == ["Book the transporter"]
        await pilot.press("ctrl+a", "plus", "m", "i", "a", "enter")
        await settle(pilot)
        assert reads.fresh(meeting.id).attendees == ("mia",)
        assert "@mia" in str(app.screen.query_one("#meeting-header", Static).content)

        # A person a line made is known to the capture line, unread.
        await type_line(pilot, "? who drives @lena")  # a new person: Enter twice
        await pilot.press("enter")
        await settle(pilot)
        as_read(app, reads.fresh(meeting.id))
        await pilot.press(*"Call", "space", *"@lena")
        assert "@lena" in preview(app) and "new person" not in preview(app)
        await pilot.press("ctrl+u")
        await pilot.pause(0.3)  # what the feed tells of those writes, told
        await settle(pilot)
        assert reads.count == 0


async def test_a_change_elsewhere_is_shown_with_the_own_lines(
    services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    meeting = services.meetings.start("Weekly", "DEL")
    store_changed = MeetingRoom.store_changed
    feed_reads: list[int] = []

    def counted(self: MeetingRoom) -> None:
        feed_reads.append(1)
        store_changed(self)

    monkeypatch.setattr(MeetingRoom, "store_changed", counted)
    app = RecordingApp(services, meeting_options(meeting.id, TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        feed_reads.clear()
        for line in ("d: one", "n: two", "? three"):
            await type_line(pilot, line)
        await settle(pilot)
        await pilot.pause(0.3)
        assert len(services.meetings.get(meeting.id).items) == 3 and feed_reads == []

        # A line elsewhere: the feed tells of it, the screen reads.
        services.meetings.capture(meeting.id, "n: from elsewhere")
        for _ in range(200):
            if any("from elsewhere" in text for _, text in rows(app)):
                break
            await pilot.pause(0.02)
        assert feed_reads and any("from elsewhere" in text for _, text in rows(app))

        # A line elsewhere while an own line waits for the store: both are shown.
        gate = threading.Event()
        app.store.submit(lambda _: gate.wait(10))
        await type_line(pilot, "d: mine")
        services.meetings.capture(meeting.id, "d: theirs, meanwhile")
        await pilot.pause(0.3)  # the feed told of theirs: held for the own line
        gate.set()
        await shows_as_read(pilot, services, meeting.id)

        # A line of another process committed between the own line's look at the store and
        # its write (the store's revision taken, then theirs, then the own line): the feed
        # counts both commits as one change, and both are shown.
        other_store = open_store(str(tmp_path / "typed.db"))
        other = Services.open(other_store, "other")
        revision = services.meetings.revision
        once: list[int] = []

        def then_elsewhere() -> int:
            taken = revision()
            if not once:
                once.append(1)
                other.meetings.capture(meeting.id, "n: theirs, in between")
            return taken

        monkeypatch.setattr(services.meetings, "revision", then_elsewhere)
        await type_line(pilot, "n: mine again")
        await shows_as_read(pilot, services, meeting.id)
        assert any("in between" in text for _, text in rows(app))
        other_store.close()
