"""What a screen shows, read the way a person reads it, through Textual's public API: widget
state, a widget's rendered lines, and notifications recorded by an app subclass."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from textual.app import App
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from taskboard.ui.app import TaskboardApp, UiOptions
from taskboard.ui.screens.board import BoardScreen


class RecordingApp(TaskboardApp):
    """The app with every notification it showed, in order (`notices`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notices.append(str(message))
        super().notify(message, *args, **kwargs)


def meeting_options(meeting_id: int | None, today: date, project: str = "DEL") -> UiOptions:
    """The app as `taskboard meeting` opens it: the meeting screen over `project`'s board,
    on meeting `meeting_id` (None: the project's running meeting, or a new one)."""
    return UiOptions(
        project=project,
        today=lambda: today,
        start_screen=("meeting", {"project": project, "meeting_id": meeting_id}),
    )


def notices(app: App[Any]) -> list[str]:
    assert isinstance(app, RecordingApp), "make the app with RecordingApp to read notices"
    return app.notices


async def settle(pilot: Pilot[Any], seconds: float = 10) -> None:
    """Wait until every store call asked for has come back and the screen is painted."""
    app = pilot.app
    assert isinstance(app, TaskboardApp)
    for _ in range(int(seconds * 100)):
        if not app.is_running:  # quit: what it stored first, the test reads from the store
            return
        await pilot.pause()
        if app.store.idle:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the store calls never came back")


async def until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, seconds: float = 10
) -> None:
    """Let the app (every app of the test: they share the loop) run until `condition()`
    holds, without waiting for the store queue. The bound is for a machine loaded by the
    parallel suite, no timing assert (the benchmarks measure how fast things show)."""
    for _ in range(int(seconds * 50)):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), f"{what} (waited {seconds} s)"


@asynccontextmanager
async def running(
    app: App[Any], *keys: str, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[Pilot[Any]]:
    """`app` running at `size`, its first screen painted; then `keys` pressed and the store
    calls they asked for come back."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        yield pilot


def pressing(*keys: str) -> Any:
    """A snapshot's `run_before`: settle, press `keys`, settle again, and stop the cursors
    blinking, so the picture never depends on how long the keys took (a loaded machine)."""

    async def run(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input

        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


def screen_text(app: App[Any]) -> str:
    """The text on the screen, from Textual's public SVG screenshot (each run of one style)."""
    runs = re.findall(r"<text[^>]*>(.*?)</text>", app.export_screenshot(), re.S)
    return "\n".join(html.unescape(run).replace("\xa0", " ") for run in runs)


def board_of(app: App[Any]) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def _heading_strip(app: App[Any], index: int) -> Strip:
    """Column `index`'s top border as the column renders it."""
    view = board_of(app).views[index]
    assert view.region.width, f"column {index} is not on screen"
    width = view.outer_size.width
    return view.render_lines(Region(0, 0, width, 1))[0]


def heading(app: App[Any], index: int) -> str:
    """Column `index`'s heading as drawn on screen: its name, counts and WIP limit."""
    return _heading_strip(app, index).text


def heading_colour(app: App[Any], index: int, word: str) -> Color:
    """The colour `word` of column `index`'s heading is drawn in."""
    for segment in _heading_strip(app, index):
        if word in segment.text and segment.style and segment.style.color:
            return Color.from_rich_color(segment.style.color)
    raise AssertionError(f"{word!r} is not in the heading of column {index}")
