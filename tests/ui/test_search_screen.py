"""The search screen: `f` on the board, hits as you type (read in a worker), `enter` opens the
card's detail, the meeting's minutes or the goal."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList
from ui_text import settle as store_settled

from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.detail import TaskDetailScreen
from taskboard.ui.screens.goals import GoalsScreen
from taskboard.ui.screens.meeting_minutes import MinutesScreen
from taskboard.ui.screens.search import SETTLE_SECONDS, SearchScreen


async def settle(app: TaskboardApp, pilot: Any) -> None:
    await pilot.pause(SETTLE_SECONDS * 2)  # typing settles before the store is asked
    # Not the board's feed watcher: it runs as long as the board.
    others = [w for w in app.workers if w.group != "store-changes"]
    if others:  # (an empty list would mean every worker)
        await app.workers.wait_for_complete(others)
    await pilot.pause()
    await pilot.pause()


def status(app: TaskboardApp) -> str:
    return str(app.screen.query_one("#search-status").render())


def shown(app: TaskboardApp) -> list[str]:
    options = app.screen.query_one("#search-hits", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_search(app: TaskboardApp, pilot: Any, query: str) -> None:
    await pilot.pause()
    assert isinstance(app.screen, BoardScreen)
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(app.screen, SearchScreen)
    assert "type to search" in status(app)
    await pilot.press(*query)
    await settle(app, pilot)


async def test_hits_follow_the_typing_and_enter_opens_the_card(
    app: TaskboardApp, demo_services: Services
) -> None:
    demo_services.tasks.comment("DEL-2", "Kunde möchte Übergabe im Büro")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_search(app, pilot, "ubergabe bur")
        assert status(app) == "1 hit"
        [line] = shown(app)
        assert "DEL-2" in line and "Kunde möchte Übergabe im Büro" in line
        await pilot.press("backspace", "backspace", "backspace", *"zzzq")
        await settle(app, pilot)
        assert status(app) == "no hits for 'ubergabe zzzq'"
        assert shown(app) == []
        for _ in "ubergabe zzzq":
            await pilot.press("backspace")
        await settle(app, pilot)
        assert status(app) == "type to search"
        await pilot.press(*"buro")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TaskDetailScreen) and app.screen.key == "DEL-2"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_enter_opens_the_minutes_of_a_decision(
    app: TaskboardApp, demo_services: Services
) -> None:
    meeting = demo_services.meetings.start("Reifen-Runde", project="DEL")
    demo_services.meetings.capture(meeting.id, "d: Winterreifen ab Oktober")
    demo_services.meetings.end(meeting.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_search(app, pilot, "winterreif")
        assert status(app) == "1 hit"
        assert "decision" in shown(app)[0] and "Reifen-Runde" in shown(app)[0]
        await pilot.press("enter")
        await store_settled(pilot)
        # Opened for reading: no export prompt over it until ctrl+s asks for one.
        assert isinstance(app.screen, MinutesScreen)
        assert app.screen.meeting_id == meeting.id
        assert "Winterreifen ab Oktober" in app.screen.text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#prompt-input", Input).value.startswith("minutes-DEL-")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MinutesScreen)


async def test_enter_opens_the_goal_with_its_key_result_highlighted(app: TaskboardApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_search(app, pilot, "cars deliv")
        lines = shown(app)
        index = next(i for i, line in enumerate(lines) if "-KR" in line)
        key = lines[index].split()[1]
        await pilot.press(*(["down"] * index), "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, GoalsScreen)
        tree = app.screen.query_one("#goals-tree", OptionList)
        assert tree.highlighted is not None
        assert tree.get_option_at_index(tree.highlighted).id == key
