"""The goals screen driven by keys: check-ins, the round, status overrides, cycles and the tree."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static
from ui_text import notices, pressing, settle

from taskboard.domain.okr import percent
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.goals import GoalsScreen, RoundStepModal
from taskboard.ui.screens.goals_text import progress_bar

TODAY = date(2026, 11, 23)  # the frozen date of tests/ui/conftest.py


async def open_goals(pilot: Pilot[None]) -> GoalsScreen:
    await settle(pilot)
    await pilot.press("g")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GoalsScreen)
    return screen


def tree_text(screen: GoalsScreen) -> str:
    tree = screen.query_one("#goals-tree", OptionList)
    return "\n".join(tree.render_line(y).text for y in range(tree.size.height))


def all_kr_keys(services: Services) -> list[str]:
    return [
        kr.key
        for root in services.okr.tree(None, TODAY)
        for _, objective in root.walk()
        for kr in objective.key_results
    ]


async def move_to(pilot: Pilot[None], screen: GoalsScreen, key: str) -> None:
    while screen.current_key() != key:
        await pilot.press("j")


def test_progress_bar_puts_the_pace_marker_at_the_expected_share() -> None:
    bar = progress_bar(0.25, 0.5, "$success", width=8).plain
    assert bar == "██░░│░░░"
    assert progress_bar(1.0, 1.0, "$success", width=4).plain == "███│"
    assert progress_bar(0.0, 0.0, "$error", width=4).plain == "│░░░"


async def test_tree_shows_objectives_percentages_and_pace(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        text = tree_text(screen)
        roots = demo_services.okr.tree(None, TODAY)
        for root in roots:
            assert root.key in text
            assert root.title[:30] in text
            assert f"{percent(root.progress):>4}" in text
        o1 = roots[0]
        assert o1.key_results[0].key in text
        assert "│" in text and "█" in text
        assert "at risk" in text or "off track" in text or "on track" in text
        assert f"@{o1.owner}" in text
        title = str(screen.query_one("#goals-title", Static).render())
        assert "2026-Q4" in title


async def test_side_panel_shows_history_and_linked_tasks(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await move_to(pilot, screen, "O1-KR1")
        checkins = str(screen.query_one("#kr-checkins", Static).render())
        for check in demo_services.okr.history("O1-KR1"):
            assert f"{check.value:g}" in checkins
        assert "Bremen is late" in checkins
        tasks = str(screen.query_one("#kr-tasks", Static).render())
        for task in demo_services.okr.linked_tasks("O1-KR1"):
            assert task.key in tasks
        assert screen.query_one("#kr-chart").display


async def test_check_in_by_keys_is_stored(app: TaskboardApp, demo_services: Services) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await move_to(pilot, screen, "O1-KR1")
        await pilot.press("c", *"90 conf 0.7 Two more signed")
        preview = str(app.screen.query_one("#prompt-preview").render())
        assert "81 → 90" in preview and "conf 0.7" in preview
        await pilot.press("enter")
        await settle(pilot)
        last = demo_services.okr.history("O1-KR1")[-1]
        assert (last.value, last.confidence, last.note, last.author) == (
            90,
            0.7,
            "Two more signed",
            "tester",
        )
        await pilot.press("c", *"95 0.8", "enter")
        await settle(pilot)
        last = demo_services.okr.history("O1-KR1")[-1]
        assert (last.value, last.confidence, last.note) == (95, 0.8, "")
        await pilot.press("c", *"96", "enter")
        await settle(pilot)
        last = demo_services.okr.history("O1-KR1")[-1]
        assert (last.value, last.confidence) == (96, None)
        assert demo_services.okr.key_result("O1-KR1").current == 96
        assert screen.current_key() == "O1-KR1"
        assert "96" in str(screen.query_one("#kr-checkins", Static).render())


async def test_a_check_in_like_a_typo_is_stored_only_when_typed_again(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = len(demo_services.okr.history("O1-KR1"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await move_to(pilot, screen, "O1-KR1")
        await pilot.press("c", "9", "enter")  # 81 → 9: a zero short of 90
        await settle(pilot)
        assert len(demo_services.okr.history("O1-KR1")) == before
        assert "enter the same again" in notices(app)[-1]
        await pilot.press("c", "9", "enter")
        await settle(pilot)
        assert demo_services.okr.history("O1-KR1")[-1].value == 9


async def test_bad_check_in_writes_nothing(app: TaskboardApp, demo_services: Services) -> None:
    before = len(demo_services.okr.history("O1-KR1"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await move_to(pilot, screen, "O1-KR1")
        await pilot.press("c", *"lots", "enter")
        await settle(pilot)
        assert "bad value 'lots'" in str(app.screen.query_one("#prompt-preview").render())
        field = app.screen.query_one("#prompt-input", Input)
        field.value = "90 1.5"
        await pilot.press("enter")
        await settle(pilot)
        assert "bad confidence '1.5'" in str(app.screen.query_one("#prompt-preview").render())
        await pilot.press("escape")
        await move_to(pilot, screen, "O2-KR3")  # a KR that counts its linked tasks
        await pilot.press("c", "3", "enter")
        await settle(pilot)
        assert "counts its linked tasks" in str(app.screen.query_one("#prompt-preview").render())
        await pilot.press("escape")
    assert len(demo_services.okr.history("O1-KR1")) == before
    assert demo_services.okr.history("O2-KR3") == []


async def test_round_visits_every_kr_and_stores_what_was_typed(
    app: TaskboardApp, demo_services: Services
) -> None:
    keys = all_kr_keys(demo_services)
    kinds = {kr: demo_services.okr.key_result(kr).kind for kr in keys}
    before = {kr: len(demo_services.okr.history(kr)) for kr in keys}
    visited: list[str] = []
    typed: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await pilot.press("R")
        await settle(pilot)
        while isinstance(app.screen, RoundStepModal):
            kr = app.screen.kr
            visited.append(kr.key)
            assert kr.title in str(app.screen.query_one("#round-title", Static).render())
            if kinds[kr.key] == "tasks":
                await pilot.press("s")
            else:
                # A step towards the target: a plausible check-in, stored at the first enter.
                step = (kr.target - kr.current) / 10
                value = kr.target if kinds[kr.key] == "boolean" else kr.current + step
                typed[kr.key] = value
                line = f"{value:g} 0.5 round {kr.key}"
                if len(visited) == 1:
                    await pilot.press(*line)  # typed key by key once; then set, to stay fast
                else:
                    app.screen.query_one("#round-input", Input).value = line
                await pilot.press("enter")
            await settle(pilot)
        status = str(screen.query_one("#goals-status", Static).render())
    assert visited == keys
    assert status == f"{len(typed)} check-ins, {len(keys) - len(typed)} skipped"
    for key, value in typed.items():
        history = demo_services.okr.history(key)
        assert len(history) == before[key] + 1
        assert (history[-1].value, history[-1].confidence, history[-1].note) == (
            value,
            0.5,
            f"round {key}",
        )
        assert history[-1].author == "tester"
    assert demo_services.okr.history("O2-KR3") == []


async def test_round_skips_on_empty_line_and_ends_on_escape(
    app: TaskboardApp, demo_services: Services
) -> None:
    keys = all_kr_keys(demo_services)
    before = {kr: len(demo_services.okr.history(kr)) for kr in keys}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await pilot.press("R", "enter")  # first KR skipped
        await settle(pilot)
        assert isinstance(app.screen, RoundStepModal) and app.screen.kr.key == keys[1]
        await pilot.press(*"nonsense", "enter")  # refused: the round stays on the KR
        await settle(pilot)
        assert isinstance(app.screen, RoundStepModal) and app.screen.kr.key == keys[1]
        app.screen.query_one("#round-input", Input).value = "70"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GoalsScreen)
        status = str(screen.query_one("#goals-status", Static).render())
    assert status == f"round ended: 1 check-in, 1 skipped, {len(keys) - 2} not reached"
    after = {kr: len(demo_services.okr.history(kr)) for kr in keys}
    assert after == {kr: count + (kr == keys[1]) for kr, count in before.items()}
    assert demo_services.okr.history(keys[1])[-1].value == 70


async def test_status_override_is_stored(app: TaskboardApp, demo_services: Services) -> None:
    suggested = demo_services.okr.objective("O1").suggested_status
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await move_to(pilot, screen, "O1-KR2")  # a KR's objective is the one overridden
        await pilot.press("o", "3")
        await settle(pilot)
        o1 = demo_services.okr.objective("O1")
        assert (o1.status, o1.status_overridden) == ("off_track", True)
        assert "off track*" in tree_text(screen)
        await pilot.press("o", "4")
        await settle(pilot)
        o1 = demo_services.okr.objective("O1")
        assert (o1.status, o1.status_overridden) == (suggested, False)


async def test_switch_cycle_and_back_to_board(app: TaskboardApp, demo_services: Services) -> None:
    demo_services.okr.add_objective("Plan the spring launch", "2027-Q1", owner="lena")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_goals(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.cycle_name == "2027-Q1"
        assert "Plan the spring launch" in tree_text(screen)
        assert "Grow the service network" not in tree_text(screen)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Grow the service network" in tree_text(screen)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.cycle_name == "2027-Q1"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


def test_goals_snapshot(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=pressing("g", "j"))


async def test_the_goals_list_is_not_squeezed_at_80_wide(app: TaskboardApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_goals(pilot)
        tree = screen.query_one("#goals-tree", OptionList)
        assert tree.region.width >= 44  # was 28: titles cut to a stub
        assert screen.query_one("#goals-side").region.width == 32
