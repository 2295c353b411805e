"""The base of taskboard's full screens: typed access to the app and its services."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from taskboard.ui.app import TaskboardApp


class TaskboardScreen(Screen[None]):
    @property
    def tb(self) -> TaskboardApp:
        """The app, typed: its services, options and screen helpers."""
        from taskboard.ui.app import TaskboardApp  # imported late: the app imports screens

        assert isinstance(self.app, TaskboardApp)
        return self.app

    def may_leave(
        self, again: str, past: str, then: Callable[[], object], *, queued: bool = False
    ) -> bool:
        """Whether the screen may go now (quit, another board); one holding unsaved input
        saves it first, or says why not and how to go anyway: `again` ("press ctrl+q again
        to quit"), after which it says it went without it (`past`, "quit"). One whose saves
        are still on their way says no, and calls `then` (the same way out, asked again)
        once they are stored. `queued`: the way out itself waits for every store call asked
        (the app's quit), so asked again while only saves on their way hold it, it goes."""
        return True
