"""Issue 19's meeting paper cuts on the meeting screen, driven by keys on both backends."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from ui_text import meeting_options, settle

from taskboard.services import Services
from taskboard.services.errors import NotFoundError
from taskboard.ui import app as app_module
from taskboard.ui.app import TaskboardApp, UiOptions
from taskboard.ui.dialogs import ConfirmModal
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.meeting import MeetingScreen, MinutesScreen

TODAY = date(2026, 11, 23)


class NoticedApp(TaskboardApp):
    """The app as the CLI builds it, keeping the notices it shows for the test to read."""

    # Textual reads a relative CSS path beside the class's own module: this one's is here.
    CSS_PATH = str(Path(app_module.__file__).parent / str(TaskboardApp.CSS_PATH))

    def __init__(self, services: Services, options: UiOptions) -> None:
        super().__init__(services, options)
        self.notices: list[tuple[str, str]] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notices.append((message, kwargs.get("severity", "information")))
        super().notify(message, *args, **kwargs)


@pytest.fixture
def noticed(demo_services: Services) -> NoticedApp:
    return NoticedApp(demo_services, UiOptions(project="DEL", today=lambda: TODAY))


def keys(text: str) -> list[str]:
    return [{" ": "space"}.get(c, c) for c in text]


async def settled(pilot: Any) -> None:
    """Until every store call asked for came back (the feed watcher's worker runs on)."""
    await settle(pilot)
    await pilot.pause()


async def open_meeting(pilot: Any) -> MeetingScreen:
    # The board first: the app pushes it once its first store call (the project) is back,
    # and an `m` typed before is a key for no screen (on a loaded machine, one pause is
    # not that long).
    await settled(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)
    await pilot.press("m")
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen) and screen.meeting_id is not None
    return screen


def preview(app: TaskboardApp) -> Static:
    return app.screen.query_one("#capture-preview", Static)


def capture_line(app: TaskboardApp) -> Input:
    return app.screen.query_one("#capture", Input)


async def test_a_mistyped_handle_needs_a_second_enter(
    noticed: NoticedApp, demo_services: Services
) -> None:
    people = set(demo_services.people.handles())
    async with noticed.run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        line = "Check the tyre stock @jonsa ^mon"
        await pilot.press(*keys(line))
        shown = str(preview(noticed).render())
        assert "new person @jonsa — did you mean @jonas?" in shown
        assert preview(noticed).has_class("warning") and not preview(noticed).has_class("error")

        await pilot.press("enter")
        await settled(pilot)
        assert capture_line(noticed).value == line
        assert demo_services.meetings.get(screen.meeting_id or 0).items == ()
        assert set(demo_services.people.handles()) == people
        assert noticed.notices[-1][1] == "warning"
        assert "did you mean @jonas?" in noticed.notices[-1][0]

        await pilot.press("enter")  # the second Enter: a new person, as asked
        await settled(pilot)
        assert capture_line(noticed).value == ""
        items = demo_services.meetings.get(screen.meeting_id or 0).items
        assert [(i.kind, i.text) for i in items] == [("task", "Check the tyre stock")]
        assert set(demo_services.people.handles()) == people | {"jonsa"}
        assert ("new person @jonsa", "information") in noticed.notices


async def test_a_check_in_a_zero_short_needs_a_second_enter(
    noticed: NoticedApp, demo_services: Services
) -> None:
    before = demo_services.okr.key_result("O2-KR1")
    async with noticed.run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        await pilot.press(*keys("kr O2-KR1 = 8690"))
        shown = str(preview(noticed).render())
        assert shown.startswith("⚠ check-in O2-KR1")
        assert f"last {before.current:,g}" in shown and "8,690 is far outside" in shown
        await pilot.press("enter")
        await settled(pilot)
        assert demo_services.okr.key_result("O2-KR1").current == before.current
        assert capture_line(noticed).value == "kr O2-KR1 = 8690"
        # Fixing the line is a new line: a plausible one goes in with one Enter.
        await pilot.press("end", "0")
        await pilot.press("enter")
        await settled(pilot)
        assert demo_services.okr.key_result("O2-KR1").current == 86_900
        assert capture_line(noticed).value == ""
        # The typo itself, insisted on, goes in too.
        await pilot.press(*keys("kr O2-KR1 = 8690"), "enter")
        await settled(pilot)
        assert capture_line(noticed).value == "kr O2-KR1 = 8690"
        assert demo_services.okr.key_result("O2-KR1").current == 86_900
        await pilot.press("enter")
        await settled(pilot)
        assert demo_services.okr.key_result("O2-KR1").current == 8690
        kinds = [i.kind for i in demo_services.meetings.get(screen.meeting_id or 0).items]
        assert kinds == ["checkin", "checkin"]


async def test_ending_an_empty_meeting_asks(noticed: NoticedApp, demo_services: Services) -> None:
    async with noticed.run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(pilot)
        meeting_id = screen.meeting_id or 0
        await pilot.press("ctrl+e")
        await settled(pilot)
        assert isinstance(noticed.screen, ConfirmModal)
        await pilot.press("n")
        await settled(pilot)
        assert noticed.screen is screen
        assert demo_services.meetings.get(meeting_id).ended is None
        await pilot.press("ctrl+e", "y")
        await settled(pilot)
        assert demo_services.meetings.get(meeting_id).ended is not None
        assert isinstance(noticed.screen, MinutesScreen) or isinstance(
            noticed.screen_stack[-2], MinutesScreen
        )
    with pytest.raises(NotFoundError):
        demo_services.meetings.last("DEL")


async def test_escape_opens_the_board_of_a_meeting_started_from_the_shell(
    demo_services: Services,
) -> None:
    meeting = demo_services.meetings.start("Weekly", "DEL")
    options = meeting_options(meeting.id, TODAY)
    app = NoticedApp(demo_services, options)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press(*keys("d: ship it"), "enter")
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert any("keeps running" in message for message, _ in app.notices)
        # With a half-typed line it asks first, and `n` stays.
        await pilot.press("m")
        await settled(pilot)
        await pilot.press(*keys("n: half"), "escape")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting_id == meeting.id
    stored = demo_services.meetings.get(meeting.id)
    assert stored.ended is None and [i.text for i in stored.items] == ["ship it"]
