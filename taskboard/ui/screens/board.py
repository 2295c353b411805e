"""The kanban board: columns side by side, driven from the keyboard, saved on every key.

What it shows is a `BoardModel`; every store call goes through the app's store queue and
comes back as a callback, so a key never waits for the store: a change shows at once as it
is expected to turn out, and the store's answer (or refusal) follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Static

from taskboard.domain.capture import scan_tokens
from taskboard.domain.fields import TaskChanges
from taskboard.domain.filtering import TaskFilter, parse_filter
from taskboard.domain.text import clean
from taskboard.domain.views import ProjectView, TaskRow
from taskboard.services.errors import ServiceError
from taskboard.services.snapshot import BoardSnapshot
from taskboard.ui import card_prompts
from taskboard.ui.board_model import BoardModel, PendingWrites
from taskboard.ui.dialogs import PromptModal
from taskboard.ui.preview import Known, capture_preview, known_names
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.widgets.column import CardPalette, ColumnView

if TYPE_CHECKING:
    from taskboard.domain.views import Reverted
    from taskboard.services import Services


@dataclass(frozen=True)
class BoardRead:
    """One read of a board, made in a worker."""

    project: ProjectView
    rows: list[TaskRow]
    revision: int


def read_board(services: Services, key: str) -> BoardRead:
    revision = services.tasks.revision()
    project = services.projects.get(key)
    rows = services.tasks.rows(project=project.key, include_closed=True, top_level_only=True)
    return BoardRead(project, [r for r in rows if not r.archived], revision)


def board_binding(key: str, action: str, description: str, name: str, **extra: Any) -> Binding:
    return Binding(key, action, description, id=f"board.{name}", **extra)


class BoardScreen(TaskboardScreen):
    """One project's board."""

    CSS_PATH = "../styles/board.tcss"
    AUTO_FOCUS = None  # the board itself takes the keys; the filter only when asked
    # How a card's parts look, styled in board.tcss and handed to every column.
    COMPONENT_CLASSES = {f"card--{part.name}" for part in fields(CardPalette)}

    BINDINGS = [
        board_binding("h,left", "focus_column(-1)", "Left", "left", show=False),
        board_binding("l,right", "focus_column(1)", "Right", "right", show=False),
        board_binding("j,down", "focus_card(1)", "Down", "down", show=False),
        board_binding("k,up", "focus_card(-1)", "Up", "up", show=False),
        board_binding("home", "focus_card(-100000)", "Top", "top", show=False),
        board_binding("end", "focus_card(100000)", "Bottom", "bottom", show=False),
        board_binding(
            "H,shift+left",
            "move_card(-1)",
            "Move ←",
            "move_left",
            tooltip="Move the card to the previous column",
        ),
        board_binding(
            "L,shift+right",
            "move_card(1)",
            "Move →",
            "move_right",
            tooltip="Move the card to the next column",
        ),
        board_binding("K,shift+up", "reorder(-1)", "Up", "reorder_up", show=False),
        board_binding("J,shift+down", "reorder(1)", "Down", "reorder_down", show=False),
        board_binding("n", "new_card", "New", "new", tooltip="New card from a capture line"),
        board_binding("enter", "open_card", "Open", "open", tooltip="Open the task detail"),
        board_binding("e", "edit_title", "Title", "edit_title", show=False),
        board_binding("a", "assign", "Assign", "assign", show=False),
        board_binding("d", "due", "Due", "due", show=False),
        board_binding("p", "priority", "Prio", "priority", show=False),
        board_binding("t", "tags", "Tags", "tags", show=False),
        board_binding("space", "toggle_done", "Done", "done", tooltip="Toggle done"),
        board_binding("x", "archive", "Archive", "archive", show=False),
        board_binding("/", "filter", "Filter", "filter"),
        board_binding("escape", "clear_filter", "Clear filter", "clear_filter", show=False),
        board_binding("u", "undo", "Undo", "undo"),
        board_binding("ctrl+r", "redo", "Redo", "redo", show=False),
        board_binding("P", "switch_project", "Projects", "projects"),
        board_binding(
            "m",
            "open('meeting')",
            "Meeting",
            "meeting",
            tooltip="Start a meeting for this project, or go back to its running one",
        ),
        board_binding("g", "open('goals')", "Goals", "goals", tooltip="Objectives and key results"),
        board_binding(
            "i",
            "open('triage')",
            "Inbox",
            "triage",
            tooltip="Work through the inbox one task at a time",
        ),
        board_binding("question_mark", "help", "Help", "help"),
    ]

    def __init__(self, project: str, snapshot: BoardSnapshot | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.snapshot = snapshot
        self.model = BoardModel()
        self.writes = PendingWrites()
        self.views: list[ColumnView] = []
        self.built_for: list[int] | None = None
        self.known: Known | None = None  # the store's names, for the capture prompt
        self.polling = False

    # ---- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title", markup=False)
        yield Input(
            placeholder="filter: words @who #tag !prio due:overdue|today|week  (esc clears)",
            id="filter-input",
            disabled=True,
        )
        boxes = []
        if self.snapshot is not None:
            # Compose the columns right away: one layout pass less before the first paint.
            boxes = self._make_columns([c.id for c in self.snapshot.project.columns])
        yield HorizontalScroll(*boxes, id="columns", can_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        self.model.today = self.tb.today
        snapshot, self.snapshot = self.snapshot, None
        if snapshot is None:
            self.reload()
        else:
            # Painted from the stdlib snapshot while the services may still load; a big
            # board's snapshot holds only the first cards of each column, and its counts.
            counts = None if snapshot.complete else snapshot.counts
            self._show_read(BoardRead(snapshot.project, list(snapshot.rows), snapshot.revision))
            self.model.partial_counts = counts
            self._paint(list(range(len(self.views))))
            if counts is not None:
                self.reload()  # the whole board, once the services are in
        self.set_interval(1.0, self.poll_changes, name="live-refresh")

    @property
    def rows(self) -> list[TaskRow]:
        """Every card on the board (not only the filtered ones)."""
        return self.model.rows

    def current_card(self) -> TaskRow | None:
        return self.model.current_card()

    def _make_columns(self, ids: list[int]) -> list[ColumnView]:
        self.built_for = ids
        self.views = [ColumnView(i, self.card_palette, id=f"column-{i}") for i in range(len(ids))]
        return self.views

    def card_palette(self) -> CardPalette:
        """The card styles of the current theme, for the columns to draw with."""
        return CardPalette.from_styles(self.get_component_rich_style)

    def _paint(self, columns: list[int]) -> None:
        """Paint the title and `columns` from the model (fixed-height lines: no re-layout)."""
        if not self.is_attached or self.model.project is None:
            return
        title = self.query_one("#board-title", Static)
        title.update(Content(clean(self.model.title())), layout=False)
        today = self.tb.today()
        for i in columns:
            heading = self.model.heading(i)
            self.views[i].set_heading(heading.text, heading.over_limit)
            cursor = self.model.cursor(i)
            self.views[i].show(self.model.shown[i], cursor, i == self.model.col, today)
        self._focus_current(scroll=True)

    def _focus_current(self, scroll: bool = False) -> None:
        if not self.model.shown:
            return
        for i, view in enumerate(self.views):
            view.set_cursor(self.model.cursor(i), i == self.model.col)
        target = self.views[self.model.col] if self.model.col < len(self.views) else None
        if scroll and target is not None and target.is_mounted:
            self.query_one("#columns", HorizontalScroll).scroll_to_widget(
                target, animate=False, immediate=True
            )

    # ---- reading -----------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Read the board again (in a worker) and keep the cursor on `keep` (or the card
        the cursor is on when the read comes back)."""
        key = self.project_key
        self.tb.store.submit(lambda s: read_board(s, key), lambda read: self._show_read(read, keep))

    def _show_read(self, read: BoardRead, keep: str | None = None) -> None:
        if not self.is_attached:
            return
        rows = self.writes.over(read.rows)  # cards still being changed: as they will be
        self.model.load(read.project, rows, read.revision, keep=keep)
        if self.built_for != self.model.column_ids:
            holder = self.query_one("#columns", HorizontalScroll)
            holder.remove_children()
            holder.mount_all(self._make_columns(self.model.column_ids))
        self._paint(list(range(len(self.views))))

    def poll_changes(self) -> None:
        """Live refresh: another process changed the store; show it, keep focus and scroll.
        The read runs in a worker, and only when no other store call is waiting."""
        store = self.tb.store
        if self.polling or not store.idle or self.model.project is None:
            return
        self.polling = True
        seen, key = self.model.revision, self.project_key

        def poll(services: Services) -> BoardRead | None:
            try:
                if services.tasks.revision() == seen:
                    return None
                return read_board(services, key)
            except Exception:  # a store that went away for a moment: try again next tick
                return None

        def done(read: BoardRead | None) -> None:
            self.polling = False
            if read is not None and self.is_attached:
                self._show_read(read)

        store.submit(poll, done, lambda _: done(None))

    # ---- moving around --------------------------------------------------------------------

    def action_focus_column(self, delta: int) -> None:
        """Move the cursor to the previous/next column."""
        self.model.focus_column(delta)
        self._focus_current(scroll=True)

    def action_focus_card(self, delta: int) -> None:
        """Move the cursor up/down within the column."""
        if self.model.focus_card(delta):
            self._focus_current()

    @on(ColumnView.Clicked)
    def select_clicked_card(self, event: ColumnView.Clicked) -> None:
        self.model.select(event.column.index, event.index)
        self._focus_current()

    # ---- changing ---------------------------------------------------------------------------

    def _with_card(self) -> TaskRow | None:
        if self.model.project is None:  # no snapshot to show while the first read runs
            self.notify("still loading…", severity="warning")
            return None
        card = self.model.current_card()
        if card is None:
            self.notify("no card here", severity="warning")
        return card

    def _write(
        self,
        card: TaskRow,
        expected: TaskRow | None,
        call: Callable[[Services, int], TaskRow],
        stored: Callable[[TaskRow], None] | None = None,
    ) -> None:
        """Store one change of `card` in a worker; `expected` shows at once. The store's row
        replaces it; a refusal is said and the card goes back to what the store holds."""
        writes, key, seen = self.writes, card.key, card.version
        before = self.model.find(key) or card
        writes.begin(before, expected)
        if expected is not None:
            self._paint(self.model.patch(expected))

        def run(services: Services) -> tuple[int, TaskRow, int | None]:
            used = writes.version(key, seen)  # after our own earlier changes of the card
            before = services.tasks.revision()
            row = call(services, used)
            after = services.tasks.revision()
            # Only our change in between: the board is current; else the poll reads it.
            return used, row, after if before == self.model.revision else None

        def done(result: tuple[int, TaskRow, int | None]) -> None:
            used, row, revision = result
            last = writes.stored(used, row)
            if revision is not None:
                self.model.revision = revision
            if row.project != self.project_key or before.done != row.done:
                # Done and open again can unblock other cards: read the whole board.
                if last:
                    self.reload(keep=row.key)
            elif last:
                self._paint(self.model.patch(row, follow=self._follows(row.key)))
            if stored is not None:
                stored(row)

        def refused(error: ServiceError) -> None:
            self.notify(clean(str(error)), severity="error", markup=False)
            back = writes.refused(key)
            if back is not None:
                self._paint(self.model.patch(back, follow=self._follows(key)))

        self.tb.store.submit(run, done, refused)

    def _follows(self, key: str) -> bool:
        """The cursor stays with a card that comes back where it still is the current one."""
        current = self.model.current_card()
        return current is not None and current.key == key

    def _edit(self, card: TaskRow, changes: TaskChanges, stored: Any = None) -> None:
        handles = self.known.handles if self.known else ()
        expected = card_prompts.changed_row(card, changes, handles)
        self._write(
            card,
            expected,
            lambda s, version: s.tasks.edit(card.key, changes, version),
            stored,
        )

    def action_move_card(self, delta: int) -> None:
        """Move the card to the previous/next column (H / L)."""
        card = self._with_card()
        if card is not None:
            expected = self.model.stepped(card, delta)
            self._write(card, expected, lambda s, v: s.tasks.step(card.key, delta, v))

    def action_reorder(self, delta: int) -> None:
        """Move the card up/down within its column (K / J)."""
        card = self._with_card()
        if card is not None:
            expected = self.model.reordered(card, delta)
            self._write(card, expected, lambda s, v: s.tasks.reorder(card.key, delta, v))

    def action_toggle_done(self) -> None:
        """Mark the card done, or open again."""
        card = self._with_card()
        if card is not None:
            expected = self.model.done_toggled(card)
            self._write(card, expected, lambda s, v: s.tasks.toggle_done(card.key, v))

    def action_archive(self) -> None:
        """Archive the card (u brings it back)."""
        card = self._with_card()
        if card is not None:
            self._write(
                card,
                replace(card, archived=True),
                lambda s, v: s.tasks.archive(card.key, True, v),
                lambda row: self.notify(f"{row.key} archived — u to undo", markup=False),
            )

    def action_undo(self) -> None:
        """Undo your last board change (also after a restart)."""
        self._undo_redo(lambda s: s.undo.undo())

    def action_redo(self) -> None:
        """Redo what you undid."""
        self._undo_redo(lambda s: s.undo.redo())

    def _undo_redo(self, call: Callable[[Services], Reverted]) -> None:
        key = self.project_key

        def run(services: Services) -> tuple[Reverted, BoardRead]:
            return call(services), read_board(services, key)

        def done(result: tuple[Reverted, BoardRead]) -> None:
            reverted, read = result
            self.notify(clean(reverted.message), markup=False)
            # The cursor goes to the card that changed back: an archived one that came back.
            self._show_read(read, keep=reverted.keys[0] if reverted.keys else None)

        def refused(error: ServiceError) -> None:
            self.notify(clean(str(error)), severity="warning", markup=False)

        self.tb.store.submit(run, done, refused)

    # ---- prompts ---------------------------------------------------------------------------------

    def _with_names(self, then: Callable[[Known], None]) -> None:
        """The store's names (handles, projects, columns, key results), read in a worker the
        first time; later ones use what was read and refresh it behind."""
        project, today = self.project_key, self.tb.today()

        def got(known: Known) -> None:
            first = self.known is None
            self.known = known
            if first:
                then(known)

        if self.known is not None:
            then(self.known)
        self.tb.store.submit(lambda s: known_names(s, project, today), got)

    def _ask(self, prompt: card_prompts.CardPrompt, stored: Any = None) -> None:
        def answered(answer: str | None) -> None:
            try:
                changes = prompt.changes(answer)
            except ServiceError as exc:
                self.notify(clean(str(exc)), severity="warning", markup=False)
                return
            if changes:
                self._edit(prompt.card, changes, stored)

        self.app.push_screen(prompt.modal, answered)

    def action_new_card(self) -> None:
        """New card from a capture line: title @who ^when #tag !prio >column ~KR."""
        if self.model.project is None:
            self.notify("still loading…", severity="warning")
            return
        columns = self.model.columns
        column = columns[self.model.col].name if columns else ""
        today = self.tb.today()

        def create(line: str | None) -> None:
            if not line or not line.strip():
                return
            has_column = any(t.kind == "column" for t in scan_tokens(line, today)[0])
            full = line if has_column else f"{line} >{column.replace(' ', '_')}"
            self.tb.store.submit(lambda s: s.tasks.capture(full, self.project_key).task, created)

        def created(row: TaskRow) -> None:
            if row.project != self.project_key:
                self.reload(keep=row.key)
            else:
                self._paint(self.model.patch(row))

        def ask(known: Known) -> None:
            known = replace(known, column=column)
            suggest = {
                "@": list(known.handles),
                "#": self.model.tags(),
                ">": [c.name.replace(" ", "_") for c in columns],
                "+": list(known.columns),
            }
            self.app.push_screen(
                PromptModal(
                    f"New card in {self.project_key}",
                    placeholder="Papers to agent @jonas ^fri #papers !high",
                    suggest=suggest,
                    preview=lambda text: capture_preview(text, today, known),
                ),
                create,
            )

        self._with_names(ask)

    def action_edit_title(self) -> None:
        """Edit the card's title."""
        card = self._with_card()
        if card is not None:
            self._ask(card_prompts.title_prompt(card))

    def action_assign(self) -> None:
        """Assign the card (@handle; empty clears)."""
        card = self._with_card()
        if card is None:
            return

        def ask(known: Known) -> None:
            handles = known.handles
            prompt = card_prompts.assignee_prompt(card, handles, may_clear=True)

            def stored(row: TaskRow) -> None:
                if row.assignee and card_prompts.is_new_person(row.assignee, handles):
                    note = f"new person @{row.assignee} (rename with: taskboard person add)"
                    self.notify(note, markup=False)

            self._ask(prompt, stored)

        self._with_names(ask)

    def action_due(self) -> None:
        """Set the due date: fri, +3d, 2w, eow, 1.12., 2026-12-01; empty clears."""
        card = self._with_card()
        if card is not None:
            self._ask(card_prompts.due_prompt(card, self.tb.today(), may_clear=True))

    def action_priority(self) -> None:
        """Set the priority (1 urgent … 4 low)."""
        card = self._with_card()
        if card is not None:
            self._ask(card_prompts.priority_prompt(card))

    def action_tags(self) -> None:
        """Edit the card's tags (space separated)."""
        card = self._with_card()
        if card is not None:
            self._ask(card_prompts.tags_prompt(card, self.model.tags()))

    def action_open_card(self) -> None:
        """Open the task detail."""
        # Once every change asked for before is stored: the detail reads what they made.
        card = self._with_card()
        if card is None:
            return
        from taskboard.ui.screens.detail import TaskDetailScreen

        def open_detail() -> None:
            if self.is_attached and self.app.screen is self:
                self.app.push_screen(
                    TaskDetailScreen(card.key), lambda _: self.reload(keep=card.key)
                )

        self.tb.store.after(open_detail)

    # ---- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Filter cards as you type."""
        field = self.query_one("#filter-input", Input)
        field.disabled = False
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter-input")
    def filter_changed(self, event: Input.Changed) -> None:
        self.model.set_filter(parse_filter(event.value))
        self._paint(list(range(len(self.views))))
        event.input.set_class(bool(self.model.task_filter.problems), "error")

    @on(Input.Submitted, "#filter-input")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.set_focus(None)
        # Back on the board in a column the filter emptied: go to the first card it kept.
        self.model.first_shown_column()
        self._focus_current(scroll=True)

    def action_clear_filter(self) -> None:
        """Clear the filter."""
        field = self.query_one("#filter-input", Input)
        field.value = ""
        field.display = False
        field.disabled = True
        self.set_focus(None)
        self.model.set_filter(TaskFilter())
        self._paint(list(range(len(self.views))))

    def on_key(self, event: Any) -> None:
        field = self.query_one("#filter-input", Input)
        if field.has_focus and event.key == "escape":
            event.stop()
            if field.value:
                self.action_clear_filter()
            else:
                field.display = False
                field.disabled = True
                self.set_focus(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing a filter, letters belong to the filter, not to the board.
        if self.query("#filter-input") and self.query_one("#filter-input", Input).has_focus:
            return action in ("clear_filter", "help")
        return True

    # ---- other screens ----------------------------------------------------------------

    def action_switch_project(self) -> None:
        """Switch to another project's board."""
        self.tb.action_switch_project()

    def action_help(self) -> None:
        """Show every key."""
        self.tb.action_help()

    def action_open(self, name: str) -> None:
        """Open another screen: meeting, goals, triage, templates, people or stats."""
        self.tb.open_screen(name, self.project_key)
