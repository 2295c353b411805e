"""Marked cards on the board: v, V and esc; every card-changing key on them is one batch
through the store queue, shown at once, taken back whole by one `u`."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, Static
from ui_text import board_of, notices, running, settle

from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp

# Batches and their one undo on both backends, as the CLI's batch tests.
pytestmark = pytest.mark.both_backends


def title(app: TaskboardApp) -> str:
    return str(app.screen.query_one("#board-title", Static).render())


def column_lines(app: TaskboardApp, index: int) -> list[str]:
    view = board_of(app).views[index]
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_v_marks_and_the_title_counts_them(app: TaskboardApp) -> None:
    async with running(app, "v", "j", "v", "l", "v") as pilot:
        assert board_of(app).model.marks == {"DEL-1", "DEL-2", "DEL-3"}
        assert "3 marked" in title(app)
        # A marked card carries the mark down its left edge; the others do not.
        assert column_lines(app, 0)[0].startswith("▌DEL-1")
        assert column_lines(app, 2)[0].startswith(" DEL-6")
        await pilot.press("v")  # unmark
        await settle(pilot)
        assert "2 marked" in title(app)
        await pilot.press("escape")
        await settle(pilot)
        assert board_of(app).model.marks == set()
        assert "marked" not in title(app)


async def test_V_marks_what_the_filter_shows_and_esc_clears_marks_before_the_filter(
    app: TaskboardApp,
) -> None:
    async with running(app, "slash", *"@jonas", "enter", "V") as pilot:
        assert board_of(app).model.marks == {"DEL-1", "DEL-3", "DEL-6", "DEL-9", "DEL-10"}
        await pilot.press("escape")  # the marks go; the filter stays
        await settle(pilot)
        assert board_of(app).model.marks == set()
        assert app.screen.query_one("#filter-input", Input).value == "@jonas"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#filter-input", Input).value == ""


async def test_L_moves_every_marked_card_and_one_u_takes_the_batch_back(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "v", "j", "v", "L") as pilot:
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
        assert demo_services.tasks.row("DEL-2").column == "Papers & payment"
        await pilot.press("u")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Arrived"
        assert demo_services.tasks.row("DEL-2").column == "Arrived"
        assert {r.key for r in board_of(app).model.shown[0]} == {"DEL-1", "DEL-2"}


async def test_a_refused_batch_changes_nothing_and_rolls_the_cards_back(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "v", "j", "v") as pilot:
        # The store is busy a moment, and someone else changes DEL-2 before the batch runs.
        busy = threading.Event()
        app.store.submit(lambda s: busy.wait(5))
        app.store.submit(lambda s: s.tasks.edit("DEL-2", TaskChanges(priority="low")))
        await pilot.press("L")
        model = board_of(app).model
        assert [r.key for r in model.shown[1]][-2:] == ["DEL-1", "DEL-2"]  # shown at once
        busy.set()
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Arrived"  # all or nothing
        assert any("DEL-2" in n for n in notices(app))
        assert {r.key for r in model.shown[0]} == {"DEL-1", "DEL-2"}  # rolled back


async def test_space_and_x_act_on_the_marked_cards(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "v", "j", "v", "space") as pilot:
        assert all(demo_services.tasks.row(k).done for k in ("DEL-1", "DEL-2"))
        await pilot.press("space")  # all done: all open again
        await settle(pilot)
        assert not any(demo_services.tasks.row(k).done for k in ("DEL-1", "DEL-2"))
        await pilot.press("x")
        await settle(pilot)
        assert all(demo_services.tasks.row(k).archived for k in ("DEL-1", "DEL-2"))
        assert "2 cards archived — u to undo" in notices(app)
        assert board_of(app).model.marks == set()  # archived cards are not on the board
        await pilot.press("u")
        await settle(pilot)
        assert not demo_services.tasks.row("DEL-1").archived
        assert not demo_services.tasks.row("DEL-2").archived


async def test_assign_due_priority_and_tags_on_marked_cards(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "v", "j", "v", "a") as pilot:
        await pilot.press(*"tarek", "enter")
        await settle(pilot)
        assert {demo_services.tasks.row(k).assignee for k in ("DEL-1", "DEL-2")} == {"tarek"}
        await pilot.press("d", *"2026-12-01", "enter")
        await settle(pilot)
        assert {str(demo_services.tasks.row(k).due) for k in ("DEL-1", "DEL-2")} == {"2026-12-01"}
        await pilot.press("t", *"#tyres", "enter")
        await settle(pilot)
        for key in ("DEL-1", "DEL-2"):
            assert "tyres" in demo_services.tasks.row(key).tags
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("end", "enter")  # low, the last choice
        await settle(pilot)
        assert {demo_services.tasks.row(k).priority for k in ("DEL-1", "DEL-2")} == {"low"}
        await pilot.press("u")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").priority == "high"
        await pilot.press("u")  # the tags, on both cards at once
        await settle(pilot)
        assert all("tyres" not in demo_services.tasks.row(k).tags for k in ("DEL-1", "DEL-2"))
