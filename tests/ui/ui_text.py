"""What a board screen shows, read from the rendered screen the way a person reads it."""

from __future__ import annotations

from textual.app import App
from textual.color import Color
from textual.strip import Strip

from taskboard.ui.screens.board import BoardScreen


def board_of(app: App[None]) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def _heading_strip(app: App[None], index: int) -> Strip:
    """Column `index`'s top border as drawn on screen (there is no public screen dump)."""
    view = board_of(app).views[index]
    region = view.region
    assert region.width, f"column {index} is not on screen"
    return app.screen._compositor.render_strips()[region.y].crop(region.x, region.right)


def heading(app: App[None], index: int) -> str:
    """Column `index`'s heading as drawn on screen: its name, counts and WIP limit."""
    return _heading_strip(app, index).text


def heading_colour(app: App[None], index: int, word: str) -> Color:
    """The colour `word` of column `index`'s heading is drawn in."""
    for segment in _heading_strip(app, index):
        if word in segment.text and segment.style and segment.style.color:
            return Color.from_rich_color(segment.style.color)
    raise AssertionError(f"{word!r} is not in the heading of column {index}")
