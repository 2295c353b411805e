"""The Textual application: screens, the command palette and remembered settings."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen

from taskboard.domain.text import clean
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.help import HelpScreen
from taskboard.ui.store_queue import NotReady, ServicesLoaded, StoreDone, StoreQueue

if TYPE_CHECKING:
    from taskboard.domain.views import ProjectView
    from taskboard.services import Services
    from taskboard.services.snapshot import BoardSnapshot


# Screens beyond the board, imported when first opened: name → (module, class, palette help).
SCREENS = {
    "meeting": (
        "taskboard.ui.screens.meeting",
        "MeetingScreen",
        "Start a meeting, or go back to the running one (m)",
    ),
    "goals": ("taskboard.ui.screens.goals", "GoalsScreen", "Objectives and key results (g)"),
    "triage": ("taskboard.ui.screens.triage", "TriageScreen", "Triage the inbox (i)"),
    "search": ("taskboard.ui.screens.search", "SearchScreen", "Search every project (f)"),
    "templates": (
        "taskboard.ui.screens.templates",
        "TemplatesScreen",
        "List, preview, apply templates",
    ),
    "people": ("taskboard.ui.screens.people", "PeopleScreen", "My tasks, anyone's tasks, handover"),
    "stats": (
        "taskboard.ui.screens.stats",
        "StatsScreen",
        "Flow metrics: lead time, time in column",
    ),
}


def _no_save(key: str, value: str | None) -> None:
    return None


@dataclass
class UiOptions:
    """What the CLI hands the app besides services: remembered choices and a way to save them."""

    theme: str = "textual-dark"
    project: str | None = None
    remember: Callable[[str, str | None], None] = field(default=_no_save)
    # Each board's order, swimlanes and card size (`taskboard.ui.board_view`), as remembered.
    board_views: str = ""
    today: Callable[[], date] = field(default=date.today)
    # A screen of SCREENS to open over the board at start, with its constructor's arguments.
    start_screen: tuple[str, dict[str, Any]] | None = None


class TaskboardApp(App[None]):
    TITLE = "taskboard"
    # Absolute: Textual reads a relative path beside the module of the running class.
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit taskboard"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.force_quit"),
    ]

    def __init__(
        self,
        services: Services | None,
        options: UiOptions | None = None,
        *,
        loader: Callable[[], Services] | None = None,
        snapshot: BoardSnapshot | None = None,
    ) -> None:
        super().__init__()
        if services is None and loader is None:
            raise ValueError("TaskboardApp needs services or a loader")
        # Every store call of the board goes through this queue, off the event loop; with a
        # loader, calls asked for before the services are in wait there, never the loop.
        self.store = StoreQueue(self, services, loader)
        self.snapshot = snapshot
        self.options = options or UiOptions()
        self.projects: list[ProjectView] = []  # as last read, for the command palette
        self._theme_ready = False
        self._quitting = False

    @property
    def services(self) -> Services:
        """The services, for screens opened once they are in (`open_screen` waits for them
        in the store queue). Never waits: right after start-up they may still be loading."""
        if self.store.services is None:
            raise NotReady("the store is still loading")
        return self.store.services

    @on(ServicesLoaded)
    def _services_loaded(self, message: ServicesLoaded) -> None:
        if message.error is not None:
            exc = message.error
            text = Text(f"error: {clean(str(exc))}")  # never markup: it may quote user text
            self.store.loaded(message)
            self.exit(return_code=1, message=text)
            return
        self.store.loaded(message)

    @on(StoreDone)
    def _store_done(self, message: StoreDone) -> None:
        self.store.finished(message)

    def today(self) -> date:
        return self.options.today()

    def on_mount(self) -> None:
        if self.options.theme in self.available_themes:
            self.theme = self.options.theme
        self._theme_ready = True
        # Textual throws away what is drawn during its start-up batch, which includes on_mount:
        # a board pushed here would be drawn twice before the first frame. Right after, once.
        self.call_later(self._open_first_screens)

    def _open_first_screens(self) -> None:
        if self.snapshot is not None:
            self.push_screen(BoardScreen(self.snapshot.project.key, snapshot=self.snapshot))
            self.snapshot = None
        else:
            self.store.submit(self.start_project, lambda key: self.push_screen(BoardScreen(key)))
        # After the first frame reached the terminal, not before: the import holds the GIL.
        self.set_timer(0.05, self.store.start_loading)
        self.store.submit(lambda services: services.projects.all(), self._got_projects)
        if self.options.start_screen is not None:
            name, kwargs = self.options.start_screen
            module, cls, _ = SCREENS[name]
            self.store.after(
                lambda: self.push_screen(getattr(importlib.import_module(module), cls)(**kwargs))
            )

    async def action_quit(self) -> None:
        """Quit taskboard; every change is already saved."""
        self.quit_once_stored()

    def quit_once_stored(self) -> None:
        """Quit once every screen saved what it holds and the store has what was asked."""
        again = "press ctrl+q again to quit"
        if self._may_leave(self.screen_stack, again, "quit", self.quit_once_stored, queued=True):
            # Changes asked for and not yet stored are stored first (a moment, normally);
            # asked again meanwhile, it goes at once.
            if self._quitting or self.store.failed_to_load:
                self.exit()
                return
            self._quitting = True
            if not self.store.idle:
                self.notify("storing your last changes… (q again quits at once)")
            self.store.after(self.exit)

    @staticmethod
    def _may_leave(
        screens: Iterable[Screen[Any]],
        again: str,
        past: str,
        then: Callable[[], object],
        *,
        queued: bool = False,
    ) -> bool:
        return all(
            screen.may_leave(again, past, then, queued=queued)
            for screen in reversed(list(screens))
            if isinstance(screen, TaskboardScreen)
        )

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready:
            self.options.remember("theme", theme)

    def start_project(self, services: Services) -> str:
        """The last used project; on a first run the first project other than INBOX."""
        projects = services.projects.all()
        keys = [p.key for p in projects]
        wanted = self.options.project
        if wanted and wanted.upper() in keys:
            return wanted.upper()
        others = [k for k in keys if k != "INBOX"]
        return others[0] if others else "INBOX"

    def _got_projects(self, projects: list[ProjectView]) -> None:
        self.projects = projects

    def open_board(self, key: str) -> None:
        """Replace the board on screen by another project's board."""
        # The screens over the board go: a detail with a half-typed field saves it first.
        again = "choose the board again"
        if not self._may_leave(
            self.screen_stack[2:], again, "switched", lambda: self.open_board(key)
        ):
            return
        self.options.remember("last_project", key)
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, BoardScreen):
            self.switch_screen(BoardScreen(key))
        else:
            self.push_screen(BoardScreen(key))

    def action_switch_project(self) -> None:
        """Pick a project by name, with its open-task count."""
        from taskboard.ui.dialogs import ChoiceModal  # not needed for the first paint

        current = self.screen.project_key if isinstance(self.screen, BoardScreen) else None

        def chosen(key: str | None) -> None:
            if key:
                self.open_board(key)

        def choose(projects: list[ProjectView]) -> None:
            self._got_projects(projects)
            options = [
                (p.key, f"{p.key:6}  {clean(p.name)}  ({p.open_tasks} open)") for p in projects
            ]
            self.push_screen(ChoiceModal("Switch project", options, current), chosen)

        self.store.submit(lambda services: services.projects.all(), choose)

    def open_screen(self, name: str, project: str | None) -> None:
        """Push one of SCREENS, each with the current project key, once the services are in
        and every change asked for before is stored (the screen reads what they made)."""
        module, cls, _ = SCREENS[name]
        self.store.after(
            lambda: self.push_screen(getattr(importlib.import_module(module), cls)(project))
        )

    def current_project(self) -> str | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, BoardScreen):
                return screen.project_key
        return None

    def action_help(self) -> None:
        """Every key of the screen you are on."""
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Switch project", "Open another project's board", self.action_switch_project
        )
        for name, (_, _, help_text) in SCREENS.items():
            yield SystemCommand(
                name.capitalize(),
                help_text,
                lambda name=name: self.open_screen(name, self.current_project()),
            )
        for project in self.projects:
            key = project.key
            # The palette reads titles and help as markup: a project's name is user text.
            yield SystemCommand(
                f"Board: {key} {escape(clean(project.name))}",
                f"Open the {key} board ({project.open_tasks} open)",
                lambda key=key: self.open_board(key),
                discover=False,
            )
        # Every action of the current screen, by its footer/help description.
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            action = binding.action
            doc = _action_doc(screen, action)
            first = dataclasses.replace(binding, key=binding.key.split(",")[0])
            yield SystemCommand(
                f"{binding.description} ({self.get_key_display(first)})",
                doc or binding.description,
                lambda action=action: self.run_action(action, screen),
            )


def _action_doc(screen: Screen[object], action: str) -> str:
    name = action.split("(")[0]
    method = getattr(screen, f"action_{name}", None)
    doc = (method.__doc__ or "").strip().splitlines() if method else []
    return doc[0] if doc else ""


def make_app(
    services: Services | None,
    options: UiOptions | None = None,
    *,
    loader: Callable[[], Services] | None = None,
    snapshot: BoardSnapshot | None = None,
) -> TaskboardApp:
    """The one factory the CLI and the tests use.

    With `loader` and `snapshot` instead of `services`, the board paints from the
    snapshot at once and the services load in a thread behind it.
    """
    return TaskboardApp(services, options, loader=loader, snapshot=snapshot)
