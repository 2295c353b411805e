"""The base of taskboard's full screens: typed access to the app and its services."""

from __future__ import annotations

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

    def before_quit(self) -> bool:
        """Whether the app may quit now; a screen holding unsaved input saves it first."""
        return True
