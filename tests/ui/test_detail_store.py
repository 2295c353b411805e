"""The task detail never waits on the store: its reads and writes run in the app's store
queue, one at a time in the order asked, while the screen goes on handling keys; leaving
saves first and goes once saved (issue 16, item 5)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from functools import cached_property
from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from ui_text import RecordingApp, notices, screen_text, settle, until

from taskboard.services import Services
from taskboard.services.people import PersonService
from taskboard.services.tasks import TaskService
from taskboard.ui.app import TaskboardApp, UiOptions
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.detail import TaskDetailScreen

TODAY = date(2026, 11, 23)


class Watched:
    """A service whose every call is told to `services.record` first, by its name."""

    def __init__(self, target: object, services: WatchedServices) -> None:
        self._target = target
        self._services = services

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._services.record(name)
            return value(*args, **kwargs)

        return call


class WatchedServices(Services):
    """The services over the same store, each call of `tasks` and `people` recorded with
    whether it ran on the event loop's thread; a call named in `held` waits in its worker
    until `gate` opens (a slow store, as long as the test wants)."""

    def __init__(self, services: Services) -> None:
        super().__init__(services.ctx)
        self.calls: list[tuple[str, bool]] = []
        self.held: set[str] = set()
        self.gate = threading.Event()

    def record(self, name: str) -> None:
        on_loop = threading.current_thread() is threading.main_thread()
        self.calls.append((name, on_loop))
        if name in self.held and not on_loop:  # never hold the loop: that is the bug
            assert self.gate.wait(20), "the test never opened the gate"

    def on_loop(self) -> list[str]:
        """The calls that ran on the event loop's thread."""
        return [name for name, on_loop in self.calls if on_loop]

    def called(self) -> set[str]:
        return {name for name, _ in self.calls}

    @cached_property
    def tasks(self) -> TaskService:
        return cast(TaskService, Watched(TaskService(self.ctx), self))

    @cached_property
    def people(self) -> PersonService:
        return cast(PersonService, Watched(PersonService(self.ctx), self))


@pytest.fixture
def watched(demo_services: Services) -> WatchedServices:
    return WatchedServices(demo_services)


@pytest.fixture
def app(watched: WatchedServices) -> TaskboardApp:
    return RecordingApp(watched, UiOptions(project="DEL", today=lambda: TODAY))


def field(app: TaskboardApp, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


async def open_detail(pilot: Pilot[None], *keys: str) -> TaskDetailScreen:
    """The board's cursor moved by `keys`, then enter: the detail, its first read in."""
    app = pilot.app
    await settle(pilot)
    await pilot.press(*keys, "enter")
    await settle(pilot)
    await pilot.pause()
    assert isinstance(app.screen, TaskDetailScreen)
    return app.screen


@asynccontextmanager
async def slow_saves(app: TaskboardApp, watched: WatchedServices) -> AsyncIterator[Pilot[None]]:
    """DEL-1's detail open, its saves held in their worker until `watched.gate` opens."""
    watched.held = {"edit"}
    async with app.run_test(size=(120, 50)) as pilot:
        await open_detail(pilot)
        yield pilot


async def press_while_held(pilot: Pilot[None], watched: WatchedServices, *keys: str) -> None:
    """Press `keys`, which ask for a save; return once the store holds it."""
    await pilot.press(*keys)
    await until(pilot, lambda: "edit" in watched.called(), "the save never started")


async def test_the_detail_shows_loading_until_its_first_read_arrives(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    title = demo_services.tasks.row("DEL-1").title
    watched.held = {"detail"}

    async def enter_and_wait_for_the_read() -> None:
        await pilot.press("enter")
        await until(pilot, lambda: "loading…" in screen_text(app), "no loading state")
        await until(pilot, lambda: "detail" in watched.called(), "the read never started")

    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await enter_and_wait_for_the_read()
        # The read waits in its worker; the screen shows the key and no form.
        assert isinstance(app.screen, TaskDetailScreen)
        assert "DEL-1" in screen_text(app) and title not in screen_text(app)
        watched.gate.set()
        await settle(pilot)
        assert "loading…" not in screen_text(app)
        assert field(app, "title").value == title and field(app, "title").has_focus
        assert app.screen.query_one("#f-priority", Select).value == "high"
        await pilot.press("escape")
        await settle(pilot)
        # Typed at once, and away: the keys go to the title once it shows, then it is saved.
        watched.gate.clear()
        await enter_and_wait_for_the_read()
        await pilot.press("ctrl+d", *" checkedd", "backspace", "escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, TaskDetailScreen)
        watched.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert demo_services.tasks.row("DEL-1").title == title + " checked"
        # Escape with nothing typed goes back at once; the read coming later changes nothing.
        revision = demo_services.tasks.revision()
        watched.gate.clear()
        await enter_and_wait_for_the_read()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "escape did not leave")
        watched.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert demo_services.tasks.revision() == revision
    assert "toggle_done" not in watched.called()  # ctrl+d waited for the task, and went
    assert watched.on_loop() == []


async def test_no_store_call_of_the_detail_runs_on_the_event_loop(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    before = demo_services.tasks.detail("DEL-51")
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_detail(pilot, "l", "l", "j", "j")  # DEL-51: notes and subtasks
        assert screen.key == "DEL-51"
        await pilot.press("end", *" (checked)", "tab")  # title, saved on leaving it
        field(app, "due").focus()
        await pilot.press("ctrl+u", *"fri", "enter")
        screen.query_one("#f-priority", Select).focus()
        await pilot.press("enter", "down", "enter")
        screen.query_one("#f-notes", TextArea).focus()
        await pilot.press(*"More notes. ", "ctrl+s")
        await pilot.press("ctrl+d", "ctrl+d")
        screen.query_one("#subtasks").focus()
        await pilot.press("home", "ctrl+t", "ctrl+down")
        screen.query_one("#new-subtask", Input).focus()
        await pilot.press(*"Call the agent", "enter")
        screen.query_one("#new-dep", Input).focus()
        await pilot.press(*"DEL-1", "enter", *"-DEL-1", "enter")
        screen.query_one("#new-comment", Input).focus()
        await pilot.press(*"Agent called", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    wanted = {"detail", "handles", "edit", "toggle_done", "reorder", "add_subtask"}
    wanted |= {"add_dependency", "remove_dependency", "comment"}
    assert wanted <= watched.called()
    assert watched.on_loop() == []
    detail = demo_services.tasks.detail("DEL-51")
    assert detail.task.title.endswith(" (checked)") and detail.task.due == date(2026, 11, 27)
    assert detail.notes.startswith("More notes. ") and not detail.task.done
    assert "Call the agent" in [s.title for s in detail.subtasks]
    assert [s.done for s in detail.subtasks] != [s.done for s in before.subtasks]
    assert [c.body for c in detail.comments][-1:] == ["Agent called"]
    assert not detail.blocked_by


async def test_keys_are_handled_while_a_save_is_on_its_way(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    before = demo_services.tasks.row("DEL-1")
    async with slow_saves(app, watched) as pilot:
        await press_while_held(pilot, watched, "end", "ctrl+u", *"Car 4711 unloaded", "tab")
        # The store holds the save; the screen goes on: typing, moving between fields.
        field(app, "due").focus()
        await pilot.press("ctrl+u", *"fri")
        assert field(app, "due").value == "fri"
        assert field(app, "title").value == "Car 4711 unloaded"
        assert not app.store.idle and demo_services.tasks.row("DEL-1") == before
        watched.gate.set()
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"
        assert field(app, "due").value == "fri"  # typed meanwhile, not yet saved: kept
        await pilot.press("tab")
        await settle(pilot)
        assert field(app, "due").value == "2026-11-27"
    assert demo_services.tasks.row("DEL-1").due == date(2026, 11, 27)
    assert watched.on_loop() == []


async def test_queued_saves_are_stored_in_the_order_typed(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    async with slow_saves(app, watched) as pilot:
        await press_while_held(pilot, watched, "end", "ctrl+u", *"First", "tab")
        field(app, "title").focus()
        await pilot.press("end", "ctrl+u", *"Second", "tab")
        field(app, "due").focus()
        await pilot.press("ctrl+u", *"fri", "tab")
        field(app, "title").focus()
        await pilot.press("tab")  # left again unchanged: nothing more to save
        watched.gate.set()
        await settle(pilot)
        assert field(app, "title").value == "Second"
        assert not notices(app)  # the second save expected the version the first left
    detail = demo_services.tasks.detail("DEL-1")
    assert (detail.task.title, detail.task.due) == ("Second", date(2026, 11, 27))
    changes = [(a.field, a.new) for a in detail.history if a.field in ("title", "due")]
    assert changes[-3:] == [("title", "First"), ("title", "Second"), ("due", "2026-11-27")]
    assert [name for name, _ in watched.calls].count("edit") == 3


async def test_escape_waits_for_the_save_and_leaves_once_it_is_stored(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    async with slow_saves(app, watched) as pilot:
        # Typed and away at once: escape twice, before the store has the title.
        await press_while_held(
            pilot, watched, "end", "ctrl+u", *"Car 4711 unloaded", "escape", "escape"
        )
        await pilot.pause(0.1)
        assert isinstance(app.screen, TaskDetailScreen)
        assert not any("without saving" in m for m in notices(app))
        watched.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await settle(pilot)
        assert "Car 4711 unloaded" in screen_text(app)  # the board shows the saved title
    assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"
    assert watched.on_loop() == []


async def test_a_save_the_store_refuses_keeps_the_screen_with_its_reason(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    before = demo_services.tasks.detail("DEL-1")
    async with slow_saves(app, watched) as pilot:
        field(app, "recurrence").focus()
        await press_while_held(pilot, watched, *"FREQ=WEEKLY;INTERVAL=0", "escape")
        watched.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen)
        assert any("INTERVAL must be 1 to 999" in m for m in notices(app))
        assert any(
            "your repeat rule is not saved: fix it, or press escape again to leave without it" in m
            for m in notices(app)
        )
        assert field(app, "recurrence").value == "FREQ=WEEKLY;INTERVAL=0"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert any("left without saving your repeat rule" in m for m in notices(app))
    assert demo_services.tasks.detail("DEL-1") == before


async def test_quit_waits_for_the_save_and_a_refused_line_comes_back(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_detail(pilot)
        dep = screen.query_one("#new-dep", Input)
        dep.focus()
        await pilot.press(*"NOPE-9", "enter")
        await settle(pilot)
        assert dep.value == "NOPE-9"  # refused: back for fixing, with the reason
        assert any("NOPE-9" in m for m in notices(app))
        field(app, "title").focus()
        watched.held = {"edit"}
        await press_while_held(pilot, watched, "end", "ctrl+u", *"Car 4711 unloaded", "ctrl+q")
        assert app.is_running
        watched.gate.set()
        await settle(pilot)
        assert not app.is_running
    assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"
    assert watched.on_loop() == []


async def test_a_field_typed_back_while_its_save_is_on_its_way_is_saved_as_typed_last(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    title = demo_services.tasks.row("DEL-1").title
    async with slow_saves(app, watched) as pilot:
        # A typo saved by enter, then the title typed back as it was, before the store answers.
        await press_while_held(pilot, watched, "end", "ctrl+u", *"Oops", "enter")
        await pilot.press("ctrl+u", *title)
        watched.gate.set()
        await settle(pilot)
        assert field(app, "title").value == title  # the typo coming back does not overwrite it
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert demo_services.tasks.row("DEL-1").title == title
    assert watched.on_loop() == []


async def test_a_refused_line_is_named_when_the_next_one_is_typed_already(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    watched.held = {"add_dependency"}
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_detail(pilot)
        box = screen.query_one("#new-dep", Input)
        box.focus()
        # Typed on while the store takes the line, which it refuses: an unknown key.
        await pilot.press(*"NOPE-[b]9[/b]", "enter")
        await until(pilot, lambda: "add_dependency" in watched.called(), "never asked")
        await pilot.press(*"DEL")
        watched.gate.set()
        await settle(pilot)
        assert box.value == "DEL"  # what is typed now stays, and the refused line is named
        assert any("(not stored: NOPE-[b]9[/b])" in m for m in notices(app)), notices(app)
    assert not demo_services.tasks.detail("DEL-1").blocked_by


async def test_quit_asked_again_while_a_save_hangs_goes_once_the_store_has_it(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    async with slow_saves(app, watched) as pilot:
        await press_while_held(pilot, watched, "end", "ctrl+u", *"Hung", "tab")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: any("saving your edits" in m for m in notices(app)), "silent")
        assert any("ctrl+q again to quit" in m for m in notices(app))
        await pilot.press("ctrl+q")  # the app's quit now: it waits for the store queue
        await until(pilot, lambda: any("storing your last" in m for m in notices(app)), "silent")
        assert app.is_running and demo_services.tasks.row("DEL-1").title != "Hung"
        watched.gate.set()
        await settle(pilot)
        assert not app.is_running
    assert demo_services.tasks.row("DEL-1").title == "Hung"  # nothing typed is lost


async def test_quit_asked_while_loading_goes_when_the_first_read_fails(
    app: TaskboardApp, watched: WatchedServices
) -> None:
    from taskboard.services.errors import NotFoundError

    def gone(key: str) -> None:
        assert watched.gate.wait(20)
        raise NotFoundError(f"unknown task {key}")

    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        watched.tasks.detail = gone  # type: ignore[method-assign]
        await pilot.press("enter", *"ab", "ctrl+q")  # typed at once, then away
        await pilot.pause(0.1)
        assert app.is_running  # waits for the task, to save what was typed
        watched.gate.set()
        await settle(pilot)
        await until(pilot, lambda: not app.is_running, "the quit asked while loading was dropped")


async def test_a_read_started_before_an_own_comment_does_not_hide_it(
    app: TaskboardApp, watched: WatchedServices, demo_services: Services
) -> None:
    from textual.worker import get_current_worker

    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_detail(pilot)
        hold, held = threading.Event(), threading.Event()
        read = TaskService(watched.ctx).detail

        def detail(key: str) -> object:
            value = read(key)  # read before the own comment is stored, shown after it
            if get_current_worker().name == "reread-data" and not held.is_set():
                held.set()
                assert hold.wait(20)
            return value

        watched.tasks.detail = detail  # type: ignore[method-assign]
        demo_services.tasks.comment("DEL-1", "a comment made elsewhere")
        await until(pilot, held.is_set, "no re-read for the change made elsewhere")
        screen.query_one("#new-comment", Input).focus()
        await pilot.press(*"my own comment", "enter")
        await settle(pilot)
        hold.set()
        await until(pilot, lambda: not screen.reading, "the re-read never came back")
        await settle(pilot)
        bodies = [c.body for c in screen.detail.comments] if screen.detail else []
        assert bodies[-2:] == ["a comment made elsewhere", "my own comment"]
        assert "my own comment" in screen_text(app)
