"""Keys pressed while the services still load behind the first paint: queued, applied once
they are in, in order; the event loop never waits for the store (issue 15, item 0)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from ui_text import RecordingApp, board_of, notices, settle

from taskboard.services import Services
from taskboard.services.snapshot import read_board
from taskboard.store import open_store
from taskboard.store.revisions import head_revision
from taskboard.ui.app import UiOptions
from taskboard.ui.screens.detail import TaskDetailScreen

TODAY = date(2026, 11, 23)
COLUMNS = ("Arrived", "Papers", "Done")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Services]:
    path = tmp_path / "loading.db"
    services = Services.open(open_store(str(path)), "tester")
    services.projects.create("DEL", "Deliveries", COLUMNS)
    services.tasks.capture("Car 4718 arrived at the hub +DEL")
    services.tasks.capture("Car 4719 arrived at the hub +DEL")
    return path, services


def gated_app(path: Path, services: Services) -> tuple[RecordingApp, threading.Event]:
    """The board painted from its snapshot, its services held back until the gate (the
    event returned with the app) opens."""
    gate = threading.Event()

    def loader() -> Services:
        assert gate.wait(30), "the test never let the services in"
        return services

    snapshot = read_board(path, "DEL", head_revision())
    options = UiOptions(project="DEL", today=lambda: TODAY)
    return RecordingApp(None, options, loader=loader, snapshot=snapshot), gate


def expected_column(keys: list[str]) -> str:
    at = 0
    for key in keys:
        if key == "L":
            at = min(at + 1, len(COLUMNS) - 1)
        elif key == "H":
            at = max(at - 1, 0)
    return COLUMNS[at]


@pytest.mark.timeout(180)
async def test_keys_while_loading_are_applied_in_order_and_never_hang(
    store: tuple[Path, Services],
) -> None:
    path, services = store
    pressed = 0
    for round_ in range(24):
        moves = ["L"] * (round_ % 4) + ["H"] * (round_ % 3)
        keys = ["l", "h", "j", "k", "end", "home", *moves]
        app, gate = gated_app(path, services)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "DEL-1" in [r.key for r in board_of(app).model.rows]
            await pilot.press(*keys)  # returns: the loop did not wait for the services
            pressed += len(keys)
            assert not app.store.ready and app.is_running
            gate.set()
            await settle(pilot)
            row = services.tasks.row("DEL-1")
            assert row.column == expected_column(moves), (round_, moves, notices(app))
            assert board_of(app).model.find("DEL-1") == row  # the screen shows the store
            refusals = [n for n in notices(app) if "already" in n or "changed" in n]
            assert not any("changed" in n for n in refusals)  # no conflict with itself
        services.tasks.move("DEL-1", "Arrived", index=0)  # first again, for the next round
    assert pressed >= 180


@pytest.mark.timeout(60)
async def test_many_keys_and_the_live_poll_while_loading(store: tuple[Path, Services]) -> None:
    app, gate = gated_app(*store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*(["j", "l", "k", "h", "end", "home"] * 16))
        await pilot.pause(1.2)  # the one-second live poll comes and waits in the queue
        await pilot.press("enter")  # the detail opens once the services are in
        assert app.is_running and not app.store.ready
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen) and app.screen.key == "DEL-1"


@pytest.mark.timeout(60)
async def test_quit_while_loading_stores_the_move_first(store: tuple[Path, Services]) -> None:
    services = store[1]
    app, gate = gated_app(*store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("L", "q")
        assert app.is_running  # the move is not stored yet: quitting waits for it
        gate.set()
        for _ in range(200):
            await pilot.pause(0.02)
            if not app.is_running:
                break
        assert not app.is_running
    assert services.tasks.row("DEL-1").column == "Papers"
    assert app.return_code == 0


@pytest.mark.timeout(60)
async def test_a_refused_move_shows_at_once_then_goes_back_with_the_reason(
    store: tuple[Path, Services],
) -> None:
    path, services = store
    services.tasks.move("DEL-1", "Papers")
    app, gate = gated_app(path, services)
    # After the snapshot was read: the board does not know DEL-2 now blocks DEL-1.
    services.tasks.add_dependency("DEL-1", "DEL-2")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l", "L")
        screen = board_of(app)
        assert screen.model.find("DEL-1").column == "Done"  # type: ignore[union-attr]
        await pilot.press("h", "h", "L")  # DEL-2 to Papers: shown there at once
        assert screen.model.find("DEL-2").column == "Papers"  # type: ignore[union-attr]
        gate.set()
        await settle(pilot)
        assert any("DEL-1" in n for n in notices(app)), notices(app)
        assert screen.model.find("DEL-1").column == "Papers"  # type: ignore[union-attr]
        assert screen.model.find("DEL-2").column == "Papers"  # type: ignore[union-attr]
    assert services.tasks.row("DEL-1").column == "Papers"
    assert services.tasks.row("DEL-2").column == "Papers"
