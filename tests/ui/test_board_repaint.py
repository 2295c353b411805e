"""A key paints again only what it changed: a move, the two columns it touches; a cursor
step, the lines of the two cards it leaves and reaches. And what is painted by parts is what
a whole repaint shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.strip import Strip
from ui_text import running, settle

from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.widgets.column import ColumnView


def board(app: TaskboardApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def count_lines(views: list[ColumnView]) -> Counter[int]:
    """How many card lines each column draws from now on."""
    drawn: Counter[int] = Counter()

    def counting(view: ColumnView) -> Callable[[int], Strip]:
        draw = view.render_line

        def render_line(y: int) -> Strip:
            drawn[view.index] += 1
            return draw(y)

        return render_line

    for view in views:
        view.render_line = counting(view)  # type: ignore[method-assign,assignment]
    return drawn


async def test_a_move_paints_only_the_two_columns_it_touches(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app) as pilot:
        screen = board(app)
        views = list(screen.views)
        shown = [i for i, view in enumerate(views) if view.display]
        assert len(shown) >= 4  # columns that could be painted needlessly
        drawn = count_lines(views)
        await pilot.press("L")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
        assert set(drawn) == {0, 1}, drawn
        # The same column widgets: nothing was composed again.
        assert screen.views == views and all(view.is_attached for view in views)
        assert list(screen.query(ColumnView)) == views


async def test_a_cursor_step_paints_only_the_two_cards(app: TaskboardApp) -> None:
    async with running(app) as pilot:
        screen = board(app)
        view = screen.views[0]
        assert len(view.cards) >= 2
        drawn = count_lines(screen.views)
        await pilot.press("j")
        await settle(pilot)
        assert screen.current_card() == view.cards[1]
        # The cursor's background leaves one card (its key, title and meta lines, 4 each)
        # and reaches the next one; the other lines of the column stay as they were.
        assert drawn == Counter({0: 8}), drawn


async def same_as_a_whole_repaint(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TaskboardApp)
    await settle(pilot)
    by_parts = app.export_screenshot()
    for view in board(app).views:
        view.refresh()
    await pilot.pause()
    assert app.export_screenshot() == by_parts


@pytest.mark.parametrize("size", [(120, 40), (50, 24)])  # narrow: columns out of sight
async def test_what_is_painted_by_parts_is_what_a_whole_repaint_shows(
    app: TaskboardApp, size: tuple[int, int]
) -> None:
    keys = ["j", "L", "k", "j", "L", "H", "H", "v", "j", "v", "l", "J", "K", "h"]
    keys += ["L", "L", "L", "l", "h", "h", "H", "H", "H"]
    async with running(app, size=size) as pilot:
        for key in keys:
            await pilot.press(key)
            await same_as_a_whole_repaint(pilot)
