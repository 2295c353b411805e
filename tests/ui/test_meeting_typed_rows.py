"""Enter on the meeting's capture line: the line shows at once, its stored item takes its
place, a refusal takes it away; and the screen reads nothing again for its own lines."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList
from ui_text import RecordingApp, meeting_options, notices, settle

from taskboard.services import Services
from taskboard.services.errors import StateError
from taskboard.store import open_store
from taskboard.ui.screens.meeting import MeetingScreen
from taskboard.ui.screens.meeting_room import MeetingRoom

TODAY = date(2026, 11, 23)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = open_store(str(tmp_path / "typed.db"))
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    yield services
    store.close()


def rows(app: RecordingApp) -> list[tuple[str | None, str]]:
    minutes = app.screen.query_one("#minutes", OptionList)
    return [(o.id, str(o.prompt)) for o in minutes.options]


async def type_line(pilot: Any, line: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in line], "enter")


async def opened(pilot: Any) -> MeetingScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen) and screen.meeting is not None
    return screen


async def test_the_line_shows_at_once_and_its_stored_item_takes_its_place(
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
        (typed,) = rows(app)
        assert typed[0] is not None and not typed[0].isdigit() and "cars go first" in typed[1]
        assert not services.meetings.get(meeting.id).items  # shown, not stored yet
        gate.set()
        await settle(pilot)
        item = services.meetings.get(meeting.id).items[0]
        assert rows(app) == [(str(item.id), rows(app)[0][1])]
        assert "decision" in rows(app)[0][1] and "cars go first" in rows(app)[0][1]


async def test_a_refused_line_leaves_the_minutes_and_comes_back(
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
        assert rows(app) == []
        assert screen.query_one("#capture").value == "n: never stored"  # type: ignore[attr-defined]
        assert "the store says no" in notices(app)


async def test_own_lines_are_not_read_again_but_a_change_elsewhere_is(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = services.meetings.start("Weekly", "DEL")
    reads: list[int] = []
    store_changed = MeetingRoom.store_changed

    def counted(self: MeetingRoom) -> None:
        reads.append(1)
        store_changed(self)

    monkeypatch.setattr(MeetingRoom, "store_changed", counted)
    app = RecordingApp(services, meeting_options(meeting.id, TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.pause(0.3)  # the feed's first message, when it listens: one read
        reads.clear()
        for line in ("d: one", "n: two", "? three"):
            await type_line(pilot, line)
        await settle(pilot)
        await pilot.pause(0.3)
        assert len(screen.meeting.items) == 3 and reads == []  # type: ignore[union-attr]
        services.meetings.capture(meeting.id, "n: from elsewhere")
        for _ in range(200):
            if any("from elsewhere" in text for _, text in rows(app)):
                break
            await pilot.pause(0.02)
        assert reads and any("from elsewhere" in text for _, text in rows(app))
