"""What a typed line will do, and the second Enter a line with a warning needs.

A line can be fine, refused (`error`), or doubtful: a new person that may be a typo of a
known handle, a check-in that looks like a typo. A doubtful line goes ahead only when Enter
is pressed on it a second time. The meeting's capture line and the prompt dialogs (the
board's new card, an assignee) hold a line back the same way, with `SecondEnter`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

AGAIN = "enter again to go ahead"


@dataclass(frozen=True)
class LinePreview:
    """What a typed line will do: the preview line, whether it is refused (`error`), and
    what needs a second Enter first (`warning`: a new person, a check-in that looks like a
    typo), or None."""

    content: Content
    error: bool = False
    warning: str | None = None


class SecondEnter:
    """Remembers the line whose warning was shown: Enter on that same line again goes ahead."""

    def __init__(self) -> None:
        self.doubted: str | None = None

    def enter(self, line: str, warning: str | None) -> bool | None:
        """Enter on `line`. None: hold it back, its warning shown for the first time (the
        line is remembered). Else it goes ahead: True when confirmed (the line warned about,
        entered again), False when there was nothing to warn about."""
        sure = line == self.doubted
        if warning is not None and not sure:
            self.doubted = line
            return None
        self.doubted = None
        return sure

    def doubt(self, line: str) -> None:
        """The store refused `line` for what the preview could not know yet (a person gone
        meanwhile): Enter on it again goes ahead."""
        self.doubted = line
