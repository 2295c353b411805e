"""A one-line field whose emptiness reads as empty, and whose hint reads as a hint."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.suggester import Suggester

from taskboard.ui.widgets.ordered_input import OrderedInput

EMPTY = "—"


class HintedInput(OrderedInput):
    """Empty, it shows EMPTY; while the cursor is in it, the longest of its `hints` that fits
    (each an "e.g. …"; a stylesheet draws placeholders dimmer and italic). A hint shown on a
    field nobody edits reads, on a projector, as a value."""

    def __init__(
        self, value: str, hints: Sequence[str], *, id: str, suggester: Suggester | None = None
    ) -> None:
        super().__init__(value, placeholder=EMPTY, id=id, suggester=suggester)
        self.hints = tuple(hints)

    def on_focus(self, event: events.Focus) -> None:
        room = self.content_size.width - 1  # the cursor takes a cell
        self.placeholder = next((h for h in self.hints if len(h) <= room), self.hints[-1])

    def on_blur(self, event: events.Blur) -> None:
        self.placeholder = EMPTY
