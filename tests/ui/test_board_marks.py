"""Marked cards on the board: v, V and esc; every card-changing key on them is one batch
through the store queue, shown at once, taken back whole by one `u`."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from conftest import TODAY
from textual.widgets import Input, Static
from ui_text import RecordingApp, board_of, notices, settle

from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions


@pytest.fixture
def services(
    tmp_path: Path, demo_template: Path, frozen: time_machine.Coordinates
) -> Iterator[Services]:
    """The demo workspace on SQLite: the store logic below is covered on both backends by
    the service and CLI tests; these are about the keys and the screen."""
    target = tmp_path / "ui.db"
    shutil.copyfile(demo_template, target)
    store = open_store(str(target))
    yield Services.open(store, "tester")
    store.close()


@pytest.fixture
def board_app(services: Services) -> TaskboardApp:
    return RecordingApp(services, UiOptions(project="DEL", today=lambda: TODAY))


def title(app: TaskboardApp) -> str:
    return str(app.screen.query_one("#board-title", Static).render())


def column_lines(app: TaskboardApp, index: int) -> list[str]:
    view = board_of(app).views[index]
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_v_marks_and_the_title_counts_them(board_app: TaskboardApp) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v", "l", "v")
        await settle(pilot)
        assert board_of(board_app).model.marks == {"DEL-1", "DEL-2", "DEL-3"}
        assert "3 marked" in title(board_app)
        # A marked card carries the mark down its left edge; the others do not.
        assert column_lines(board_app, 0)[0].startswith("▌DEL-1")
        assert column_lines(board_app, 2)[0].startswith(" DEL-6")
        await pilot.press("v")  # unmark
        await settle(pilot)
        assert "2 marked" in title(board_app)
        await pilot.press("escape")
        await settle(pilot)
        assert board_of(board_app).model.marks == set()
        assert "marked" not in title(board_app)


async def test_V_marks_what_the_filter_shows_and_esc_clears_marks_before_the_filter(
    board_app: TaskboardApp,
) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"@jonas", "enter", "V")
        await settle(pilot)
        assert board_of(board_app).model.marks == {"DEL-1", "DEL-3", "DEL-6", "DEL-9", "DEL-10"}
        await pilot.press("escape")  # the marks go; the filter stays
        await settle(pilot)
        assert board_of(board_app).model.marks == set()
        assert board_app.screen.query_one("#filter-input", Input).value == "@jonas"
        await pilot.press("escape")
        await settle(pilot)
        assert board_app.screen.query_one("#filter-input", Input).value == ""


async def test_L_moves_every_marked_card_and_one_u_takes_the_batch_back(
    board_app: TaskboardApp, services: Services
) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v", "L")
        await settle(pilot)
        assert services.tasks.row("DEL-1").column == "Papers & payment"
        assert services.tasks.row("DEL-2").column == "Papers & payment"
        await pilot.press("u")
        await settle(pilot)
        assert services.tasks.row("DEL-1").column == "Arrived"
        assert services.tasks.row("DEL-2").column == "Arrived"
        assert {r.key for r in board_of(board_app).model.shown[0]} == {"DEL-1", "DEL-2"}


async def test_a_refused_batch_changes_nothing_and_rolls_the_cards_back(
    board_app: TaskboardApp, services: Services
) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v")
        await settle(pilot)
        # The store is busy a moment, and someone else changes DEL-2 before the batch runs.
        busy = threading.Event()
        board_app.store.submit(lambda s: busy.wait(5))
        board_app.store.submit(lambda s: s.tasks.edit("DEL-2", TaskChanges(priority="low")))
        await pilot.press("L")
        model = board_of(board_app).model
        assert [r.key for r in model.shown[1]][-2:] == ["DEL-1", "DEL-2"]  # shown at once
        busy.set()
        await settle(pilot)
        assert services.tasks.row("DEL-1").column == "Arrived"  # all or nothing
        assert any("DEL-2" in n for n in notices(board_app))
        assert {r.key for r in model.shown[0]} == {"DEL-1", "DEL-2"}  # rolled back


async def test_space_and_x_act_on_the_marked_cards(
    board_app: TaskboardApp, services: Services
) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v", "space")
        await settle(pilot)
        assert services.tasks.row("DEL-1").done and services.tasks.row("DEL-2").done
        await pilot.press("space")  # all done: all open again
        await settle(pilot)
        assert not services.tasks.row("DEL-1").done and not services.tasks.row("DEL-2").done
        await pilot.press("x")
        await settle(pilot)
        assert services.tasks.row("DEL-1").archived and services.tasks.row("DEL-2").archived
        assert "2 cards archived — u to undo" in notices(board_app)
        assert board_of(board_app).model.marks == set()  # archived cards are not on the board
        await pilot.press("u")
        await settle(pilot)
        assert not services.tasks.row("DEL-1").archived
        assert not services.tasks.row("DEL-2").archived


async def test_assign_due_priority_and_tags_on_marked_cards(
    board_app: TaskboardApp, services: Services
) -> None:
    async with board_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v", "a")
        await settle(pilot)
        await pilot.press(*"tarek", "enter")
        await settle(pilot)
        assert {services.tasks.row(k).assignee for k in ("DEL-1", "DEL-2")} == {"tarek"}
        await pilot.press("d", *"2026-12-01", "enter")
        await settle(pilot)
        assert {str(services.tasks.row(k).due) for k in ("DEL-1", "DEL-2")} == {"2026-12-01"}
        await pilot.press("t", *"#tyres", "enter")
        await settle(pilot)
        for key in ("DEL-1", "DEL-2"):
            assert "tyres" in services.tasks.row(key).tags
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("end", "enter")  # low, the last choice
        await settle(pilot)
        assert {services.tasks.row(k).priority for k in ("DEL-1", "DEL-2")} == {"low"}
        await pilot.press("u")
        await settle(pilot)
        assert services.tasks.row("DEL-1").priority == "high"
        await pilot.press("u")  # the tags, on both cards at once
        await settle(pilot)
        assert all("tyres" not in services.tasks.row(k).tags for k in ("DEL-1", "DEL-2"))
