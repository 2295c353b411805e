"""The Textual application: screens, the command palette and remembered settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from taskboard.domain.text import clean
from taskboard.ui.dialogs import ChoiceModal
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.help import HelpScreen

if TYPE_CHECKING:
    from taskboard.services import Services


def _no_save(key: str, value: str | None) -> None:
    return None


@dataclass
class UiOptions:
    """What the CLI hands the app besides services: remembered choices and a way to save them."""

    theme: str = "textual-dark"
    project: str | None = None
    remember: Callable[[str, str | None], None] = field(default=_no_save)
    today: Callable[[], date] = field(default=date.today)


class TaskboardApp(App[None]):
    TITLE = "taskboard"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit taskboard"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.force_quit"),
    ]

    def __init__(self, services: Services, options: UiOptions | None = None) -> None:
        super().__init__()
        self.services = services
        self.options = options or UiOptions()
        self._theme_ready = False

    def today(self) -> date:
        return self.options.today()

    def on_mount(self) -> None:
        if self.options.theme in self.available_themes:
            self.theme = self.options.theme
        self._theme_ready = True
        self.push_screen(BoardScreen(self.start_project()))

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready:
            self.options.remember("theme", theme)

    def start_project(self) -> str:
        """The last used project; on a first run the first project other than INBOX."""
        projects = self.services.projects.list()
        keys = [p.key for p in projects]
        wanted = self.options.project
        if wanted and wanted.upper() in keys:
            return wanted.upper()
        others = [k for k in keys if k != "INBOX"]
        return others[0] if others else "INBOX"

    def open_board(self, key: str) -> None:
        """Replace the board on screen by another project's board."""
        self.options.remember("last_project", key)
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, BoardScreen):
            self.switch_screen(BoardScreen(key))
        else:
            self.push_screen(BoardScreen(key))

    def action_switch_project(self) -> None:
        """Pick a project by name, with its open-task count."""
        projects = self.services.projects.list()
        current = self.screen.project_key if isinstance(self.screen, BoardScreen) else None
        options = [(p.key, f"{p.key:6}  {clean(p.name)}  ({p.open_tasks} open)") for p in projects]

        def chosen(key: str | None) -> None:
            if key:
                self.open_board(key)

        self.push_screen(ChoiceModal("Switch project", options, current), chosen)

    def action_help(self) -> None:
        """Every key of the screen you are on."""
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Switch project", "Open another project's board",
                            self.action_switch_project)
        for project in self.services.projects.list():
            key = project.key
            yield SystemCommand(
                f"Board: {key} {clean(project.name)}", f"Open the {key} board ({project.open_tasks} open)",
                lambda key=key: self.open_board(key),  # type: ignore[misc]
                discover=False,
            )
        # Every action of the current screen, by its footer/help description.
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            action = binding.action
            doc = _action_doc(screen, action)
            yield SystemCommand(
                f"{binding.description} ({binding.key.split(',')[0]})", doc or binding.description,
                lambda action=action: self.run_action(action, screen),  # type: ignore[misc]
            )


def _action_doc(screen: Screen[object], action: str) -> str:
    name = action.split("(")[0]
    method = getattr(screen, f"action_{name}", None)
    doc = (method.__doc__ or "").strip().splitlines() if method else []
    return doc[0] if doc else ""


def make_app(services: Services, options: UiOptions | None = None) -> TaskboardApp:
    """The one factory the CLI and the tests use."""
    return TaskboardApp(services, options)
