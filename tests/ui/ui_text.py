"""What a board screen shows, read from the rendered screen the way a person reads it."""

from __future__ import annotations

from textual.app import App

from taskboard.ui.screens.board import BoardScreen


def board_of(app: App[None]) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def heading(app: App[None], index: int) -> str:
    """Column `index`'s top border as drawn on screen: its name, counts and WIP limit."""
    view = board_of(app).views[index]
    region = view.region
    assert region.width, f"column {index} is not on screen"
    line = app.screen._compositor.render_strips()[region.y]
    return line.crop(region.x, region.right).text
