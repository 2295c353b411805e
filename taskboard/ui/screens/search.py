"""Search everything: results as you type, `enter` opens the card, the minutes or the goal."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from taskboard.domain.search_views import SearchHit
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.widgets.ordered_input import OrderedInput

LIMIT = 100
# Typing pauses this long before the store is asked: a fast typist's every key is not a query.
SETTLE_SECONDS = 0.12


def hit_option(hit: SearchHit, index: int) -> Option:
    """Two lines: kind, key, project and title; the matching text beneath, dimmed."""
    head = Content.assemble(
        (f"{hit.kind:<8} ", "$text-muted"),
        (f"{hit.key:<10} ", "bold"),
        (f"{hit.project or '-':<6} ", "$text-muted"),
        clean(hit.title),
    )
    if hit.snippet and hit.snippet != hit.title:
        head = Content.assemble(head, "\n", ("  " + clean(hit.snippet), "$text-muted italic"))
    return Option(head, id=str(index))


class SearchScreen(TaskboardScreen):
    """One box over tasks, comments, decisions, questions, notes and goals of every project."""

    CSS_PATH = "../styles/search.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_hit", "Open", id="search.open", tooltip="Open the highlighted hit"),
        Binding("down", "cursor(1)", "Next", show=False, id="search.down"),
        Binding("up", "cursor(-1)", "Previous", show=False, id="search.up"),
        Binding("escape", "back", "Back", id="search.back", tooltip="Back to the board"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project_key = project
        self.hits: list[SearchHit] = []
        self._settling: Timer | None = None

    def compose(self) -> ComposeResult:
        yield OrderedInput(
            placeholder="search every project: each word as a prefix", id="search-query"
        )
        yield Static("type to search", id="search-status", markup=False)
        yield OptionList(id="search-hits")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()

    @on(Input.Changed, "#search-query")
    def search_as_typed(self, event: Input.Changed) -> None:
        query = event.value
        if self._settling is not None:
            self._settling.stop()
            self._settling = None
        if not query.strip():
            self.show_hits(query, [])
            return
        self._settling = self.set_timer(SETTLE_SECONDS, lambda: self.run_search(query))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, query: str) -> None:
        """The store is read in a thread; only the newest query's hits are shown."""
        worker = get_current_worker()
        try:
            hits = self.tb.services.search.search(query, limit=LIMIT)
        except ServiceError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_error, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_hits, query, hits)

    def show_hits(self, query: str, hits: list[SearchHit]) -> None:
        if query != self.query_one("#search-query", Input).value:
            return  # typed on since: a newer search is on its way
        self.hits = hits
        options = self.query_one("#search-hits", OptionList)
        options.clear_options()
        options.add_options([hit_option(h, i) for i, h in enumerate(hits)])
        if hits:
            options.highlighted = 0
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update("type to search")
        elif not hits:
            status.update(Content(f"no hits for '{clean(query)}'"))
        else:
            more = "+" if len(hits) == LIMIT else ""
            status.update(f"{len(hits)}{more} hit{'s' if len(hits) != 1 else ''}")

    def show_error(self, message: str) -> None:
        self.query_one("#search-status", Static).update(Content(clean(message)))

    def action_cursor(self, delta: int) -> None:
        """Move through the hits while typing."""
        options = self.query_one("#search-hits", OptionList)
        if self.hits:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    @on(Input.Submitted, "#search-query")
    def open_from_query(self) -> None:
        self.action_open_hit()

    @on(OptionList.OptionSelected, "#search-hits")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_hit(self.hits[event.option_index])

    def action_open_hit(self) -> None:
        """Open the highlighted hit: the card's detail, the meeting's minutes or the goal."""
        index = self.query_one("#search-hits", OptionList).highlighted
        if index is not None and index < len(self.hits):
            self.open_hit(self.hits[index])

    def open_hit(self, hit: SearchHit) -> None:
        if hit.task_key is not None:
            from taskboard.ui.screens.detail import TaskDetailScreen

            self.app.push_screen(TaskDetailScreen(hit.task_key))
        elif hit.meeting_id is not None:
            from taskboard.ui.screens.meeting_minutes import MinutesScreen

            self.app.push_screen(MinutesScreen(hit.meeting_id))
        else:
            from taskboard.ui.screens.goals import GoalsScreen

            goals = GoalsScreen(self.project_key)
            self.app.push_screen(goals)
            # The goals tree names its options by key: put the cursor on this one.
            goals.call_after_refresh(_highlight_goal, goals, hit.key)

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss()


def _highlight_goal(goals: TaskboardScreen, key: str) -> None:
    tree = goals.query_one("#goals-tree", OptionList)
    try:
        tree.highlighted = tree.get_option_index(key)
    except LookupError:  # a goal of another cycle: the tree shows the current one
        return
