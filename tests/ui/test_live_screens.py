"""Live screens: a change made through another connection (as another process, or the CLI,
makes it) shows on the open screen, on SQLite and PostgreSQL, the cursor where it was."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.widgets import OptionList, Static
from ui_text import settle, until

from taskboard.domain.templates import StepSpec
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.goals import GoalsScreen
from taskboard.ui.screens.people import PeopleScreen
from taskboard.ui.screens.stats import StatsScreen
from taskboard.ui.screens.templates import TemplatesScreen

# Live screens follow the change feed: PostgreSQL LISTEN/NOTIFY as well as SQLite.
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 23)  # the frozen date of tests/ui/conftest.py


def shown(app: TaskboardApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_screen(app: TaskboardApp, pilot: Any, name: str) -> None:
    await pilot.pause()
    app.open_screen(name, "DEL")
    await pilot.pause()
    await pilot.pause()


def tree_text(screen: GoalsScreen) -> str:
    tree = screen.query_one("#goals-tree", OptionList)
    return "\n".join(tree.render_line(y).text for y in range(tree.size.height))


async def test_a_check_in_elsewhere_shows_on_the_open_goals_screen(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        # The app pushes the board once its first store call is back: a key typed before
        # is a key for no screen (one pause is not that long on a loaded machine).
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        await pilot.press("g")
        # A key typed while the board still reads waits for the read (loaded machine).
        await until(pilot, lambda: isinstance(app.screen, GoalsScreen), "the goals screen")
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        await until(pilot, lambda: screen.current_key() is not None, "the goals")
        while screen.current_key() != "O1-KR1":
            await pilot.press("j")
        kr = demo_services.okr.key_result("O1-KR1")
        assert "From the CLI" not in shown(app, "#kr-checkins")
        other.okr.check_in("O1-KR1", kr.target, 0.9, "From the CLI")
        await until(pilot, lambda: "From the CLI" in shown(app, "#kr-checkins"), "the check-in")
        assert screen.current_key() == "O1-KR1"  # the cursor stayed
        assert "@mia" in shown(app, "#kr-checkins")
        assert "100%" in shown(app, "#side-facts")
        assert " 100%" in tree_text(screen)
        # A status set elsewhere shows in the tree too.
        other.okr.set_status("O1", "off_track")
        await until(pilot, lambda: "off track*" in tree_text(screen), "the status")
        assert screen.current_key() == "O1-KR1"


async def test_a_task_assigned_elsewhere_shows_among_my_tasks(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "people")
        assert isinstance(app.screen, PeopleScreen)
        assert "Handed to me elsewhere" not in str(app.screen.query_one("#agenda").render())
        other.tasks.capture("Handed to me elsewhere @tester +DEL ^today")

        def listed() -> bool:
            return any(
                "Handed to me elsewhere" in str(group.render())
                for group in app.screen.query(".group").results(Static)
            )

        await until(pilot, listed, "the new task")


async def test_a_task_done_elsewhere_counts_in_the_open_stats(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    open_keys = [r.key for r in demo_services.tasks.rows(project="DEL", top_level_only=True)]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "stats")
        assert isinstance(app.screen, StatsScreen)
        before = shown(app, "#lead-time")
        other.tasks.complete(open_keys[0])
        await until(pilot, lambda: shown(app, "#lead-time") != before, "the done task")


async def test_a_template_saved_elsewhere_is_listed_and_the_cursor_stays(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "templates")
        screen = app.screen
        assert isinstance(screen, TemplatesScreen)
        await pilot.press("down")
        chosen = screen.current()
        assert chosen is not None
        other.templates.create("Aaa first of all", [StepSpec(title="Only step")])
        options = screen.query_one("#template-list", OptionList)

        def listed() -> bool:
            return any(
                "Aaa first of all" in str(options.get_option_at_index(i).prompt)
                for i in range(options.option_count)
            )

        await until(pilot, listed, "the new template")
        assert screen.current() is not None and screen.current().name == chosen.name  # type: ignore[union-attr]


class CountedReads:
    """Every store read the app's services make (a session, the revision), counted."""

    def __init__(self, services: Services) -> None:
        self.count = 0
        store = services.ctx.store
        read, revision = store.read, store.data_version

        def counted_read() -> Any:
            self.count += 1
            return read()

        def counted_revision() -> int:
            self.count += 1
            return revision()

        store.read = counted_read  # type: ignore[method-assign]
        store.data_version = counted_revision  # type: ignore[method-assign]


@pytest.mark.parametrize("screen_key", ["", "g"])  # the board; the goals screen
async def test_a_meeting_heartbeat_elsewhere_makes_no_screen_read(
    app: TaskboardApp, demo_services: Services, other: Services, screen_key: str
) -> None:
    """Heartbeats of a meeting open elsewhere come every few seconds; a screen that does not
    show the room does not read for them, and still reads for a real change."""
    meeting, _ = other.meetings.join_running("DEL", "projector")
    reads = CountedReads(demo_services)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if screen_key:
            await pilot.press(screen_key)
        await pilot.pause(0.6)  # the feed's first word, and its read
        await settle(pilot)
        before = reads.count
        for _ in range(3):
            other.meetings.join(meeting.id, "projector")  # the heartbeat
            await pilot.pause(0.3)
        await pilot.pause(0.5)
        assert reads.count == before
        other.okr.check_in("O1-KR1", 90, 0.5, "A real change")
        await until(pilot, lambda: reads.count > before, "a read after a real change")
