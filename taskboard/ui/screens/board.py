"""The kanban board: columns side by side, driven from the keyboard, saved on every key."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Static

from taskboard.domain.capture import scan_tokens
from taskboard.domain.dates import DateParseError, parse_when
from taskboard.domain.enums import Priority
from taskboard.domain.fields import TaskChanges
from taskboard.domain.filtering import TaskFilter, parse_filter
from taskboard.domain.text import clean
from taskboard.domain.views import ProjectView, TaskRow
from taskboard.services.errors import ServiceError
from taskboard.services.snapshot import BoardSnapshot
from taskboard.ui.dialogs import ChoiceModal, PromptModal
from taskboard.ui.preview import capture_preview, known_names
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.widgets.column import CardPalette, ColumnView

if TYPE_CHECKING:
    from taskboard.domain.views import Reverted


def _order(row: TaskRow) -> tuple[str, int]:
    return (row.rank, row.id)


class BoardScreen(TaskboardScreen):
    """One project's board."""

    CSS_PATH = "../styles/board.tcss"
    AUTO_FOCUS = None  # the board itself takes the keys; the filter only when asked
    # How a card's parts look, styled in board.tcss and handed to every column.
    COMPONENT_CLASSES = {f"card--{part.name}" for part in fields(CardPalette)}

    BINDINGS = [
        Binding("h,left", "focus_column(-1)", "Left", show=False, id="board.left"),
        Binding("l,right", "focus_column(1)", "Right", show=False, id="board.right"),
        Binding("j,down", "focus_card(1)", "Down", show=False, id="board.down"),
        Binding("k,up", "focus_card(-1)", "Up", show=False, id="board.up"),
        Binding("home", "focus_card(-100000)", "Top", show=False, id="board.top"),
        Binding("end", "focus_card(100000)", "Bottom", show=False, id="board.bottom"),
        Binding(
            "H,shift+left",
            "move_card(-1)",
            "Move ←",
            id="board.move_left",
            tooltip="Move the card to the previous column",
        ),
        Binding(
            "L,shift+right",
            "move_card(1)",
            "Move →",
            id="board.move_right",
            tooltip="Move the card to the next column",
        ),
        Binding("K,shift+up", "reorder(-1)", "Up", show=False, id="board.reorder_up"),
        Binding("J,shift+down", "reorder(1)", "Down", show=False, id="board.reorder_down"),
        Binding("n", "new_card", "New", id="board.new", tooltip="New card from a capture line"),
        Binding("enter", "open_card", "Open", id="board.open", tooltip="Open the task detail"),
        Binding("e", "edit_title", "Title", show=False, id="board.edit_title"),
        Binding("a", "assign", "Assign", show=False, id="board.assign"),
        Binding("d", "due", "Due", show=False, id="board.due"),
        Binding("p", "priority", "Prio", show=False, id="board.priority"),
        Binding("t", "tags", "Tags", show=False, id="board.tags"),
        Binding("space", "toggle_done", "Done", id="board.done", tooltip="Toggle done"),
        Binding("x", "archive", "Archive", show=False, id="board.archive"),
        Binding("/", "filter", "Filter", id="board.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="board.clear_filter"),
        Binding("u", "undo", "Undo", id="board.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="board.redo"),
        Binding("P", "switch_project", "Projects", id="board.projects"),
        Binding(
            "m",
            "open('meeting')",
            "Meeting",
            id="board.meeting",
            tooltip="Start a meeting for this project, or go back to its running one",
        ),
        Binding(
            "g", "open('goals')", "Goals", id="board.goals", tooltip="Objectives and key results"
        ),
        Binding(
            "i",
            "open('triage')",
            "Inbox",
            id="board.triage",
            tooltip="Work through the inbox one task at a time",
        ),
        Binding("f", "open('search')", "Find", show=False, id="board.search", tooltip="Search"),
        Binding("question_mark", "help", "Help", id="board.help"),
    ]

    def __init__(self, project: str, snapshot: BoardSnapshot | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.snapshot = snapshot
        self.project: ProjectView | None = None
        self.by_column: list[list[TaskRow]] = []
        self.column_index: dict[int, int] = {}
        self.partial_counts: dict[int, int] | None = None
        self.shown: list[list[TaskRow]] = []
        self.task_filter = TaskFilter()
        self.col = 0
        self.cursors: dict[int, int] = {}
        self.revision = -1
        self.built_for: list[int] | None = None
        self.views: list[ColumnView] = []

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
        self.reload(first=True)
        self.set_interval(1.0, self.poll_changes, name="live-refresh")

    # ---- data -----------------------------------------------------------------------

    def reload(self, keep: str | None = None, first: bool = False) -> None:
        """Read the board again and keep the cursor on `keep` (or the current card)."""
        if keep is None and not first:
            current = self.current_card()
            keep = current.key if current else None
        self.partial_counts = None
        if first and self.snapshot is not None:
            # Painted from the stdlib snapshot while the services still load; a big board's
            # snapshot holds only the first cards of each column, and its counts.
            project, rows = self.snapshot.project, list(self.snapshot.rows)
            self.revision = self.snapshot.revision
            if not self.snapshot.complete:
                self.partial_counts = self.snapshot.counts
            self.snapshot = None
        else:
            services = self.tb.services
            self.revision = services.tasks.revision()
            project = services.projects.get(self.project_key)
            rows = [
                r
                for r in services.tasks.rows(
                    project=project.key, include_closed=True, top_level_only=True
                )
                if not r.archived
            ]
        rebuild = self.built_for != [c.id for c in project.columns]
        self.project = project
        self.column_index = {c.id: i for i, c in enumerate(project.columns)}
        self.by_column = [[] for _ in project.columns]
        for row in rows:
            if row.column_id in self.column_index:
                self.by_column[self.column_index[row.column_id]].append(row)
        for cards in self.by_column:
            cards.sort(key=_order)
        if rebuild:
            self._build_columns()
        self._apply_filter(keep)

    @property
    def rows(self) -> list[TaskRow]:
        """Every card on the board (not only the filtered ones)."""
        return [r for cards in self.by_column for r in cards]

    def _make_columns(self, ids: list[int]) -> list[ColumnView]:
        self.built_for = ids
        self.views = [ColumnView(i, self.card_palette, id=f"column-{i}") for i in range(len(ids))]
        return self.views

    def card_palette(self) -> CardPalette:
        """The card styles of the current theme, for the columns to draw with."""
        return CardPalette.from_styles(self.get_component_rich_style)

    def _build_columns(self) -> None:
        assert self.project is not None
        holder = self.query_one("#columns", HorizontalScroll)
        holder.remove_children()
        holder.mount_all(self._make_columns([c.id for c in self.project.columns]))
        self.col = min(self.col, max(len(self.project.columns) - 1, 0))

    def _filtered(self, index: int) -> list[TaskRow]:
        cards = self.by_column[index]
        if self.task_filter.empty:
            return cards
        today = self.tb.today()
        return [r for r in cards if self.task_filter.matches(r, today)]

    def _apply_filter(self, keep: str | None, columns: list[int] | None = None) -> None:
        """Recompute what the columns show (all, or just `columns`) and repaint them."""
        indexes = range(len(self.by_column)) if columns is None else columns
        if len(self.shown) != len(self.by_column):
            self.shown = [[] for _ in self.by_column]
            indexes = range(len(self.by_column))
        for i in indexes:
            self.shown[i] = self._filtered(i)
        if keep is not None:
            for ci in indexes if columns is not None else range(len(self.shown)):
                for i, card in enumerate(self.shown[ci]):
                    if card.key == keep:
                        self.col, self.cursors[ci] = ci, i
                        break
        self._paint_board(list(indexes))

    def _patch(self, row: TaskRow) -> None:
        """Put one changed card where it belongs without re-reading the board."""
        touched = []
        for i, cards in enumerate(self.by_column):
            for j, card in enumerate(cards):
                if card.key == row.key:
                    del cards[j]
                    touched.append(i)
                    break
            if touched:
                break
        target = self.column_index.get(row.column_id)
        if target is not None and not row.archived:
            cards = self.by_column[target]
            cards.insert(bisect.bisect_left(cards, _order(row), key=_order), row)
            if target not in touched:
                touched.append(target)
        self._apply_filter(row.key, touched)

    def _paint_board(self, columns: list[int]) -> None:
        assert self.project is not None
        today = self.tb.today()
        title = f"{self.project.key}  {self.project.name}"
        if not any(self.by_column) and self.partial_counts is None:
            title += "   no cards yet: n adds one, P switches project, ? shows every key"
        if not self.task_filter.empty:
            shown = sum(len(v) for v in self.shown)
            total = sum(len(v) for v in self.by_column)
            title += f"   filter: {shown}/{total} cards"
        if self.task_filter.problems:  # ignored while typed: say so, or the filter seems broken
            title += f"   ✗ {self.task_filter.problems[0]}"
        # Fixed-height lines: no re-layout (and no whole-screen repaint) on every key.
        self.query_one("#board-title", Static).update(Content(clean(title)), layout=False)
        for i in columns:
            column = self.project.columns[i]
            cards = self.shown[i]
            total = len(self.by_column[i])
            if self.partial_counts is not None:
                total = self.partial_counts.get(column.id, total)
            # Filtered, every column reads shown/total; else a WIP column reads total/limit.
            # Over the limit is about the total, so it stays red while filtered too.
            over = bool(column.wip_limit) and total > (column.wip_limit or 0)
            if not self.task_filter.empty:
                header = f"{column.name}  {len(cards)}/{total}"
            elif column.wip_limit:
                header = f"{column.name}  {total}/{column.wip_limit}"
            else:
                header = f"{column.name}  {total}"
            if column.is_done:
                header += "  ✓"
            self.views[i].set_heading(header, over)
            cursor = self.cursors.get(i, 0)
            cursor = min(cursor, len(cards) - 1) if cards else 0
            self.cursors[i] = cursor
            self.views[i].show(cards, cursor if cards else None, i == self.col, today)
        self._focus_current(scroll=True)

    def _focus_current(self, scroll: bool = False) -> None:
        if not self.shown:
            return
        for i, view in enumerate(self.views):
            cursor = self.cursors.get(i, 0) if self.shown[i] else None
            view.set_cursor(cursor, i == self.col)
        if scroll and self.views and self.views[self.col].is_mounted:
            self.query_one("#columns", HorizontalScroll).scroll_to_widget(
                self.views[self.col], animate=False, immediate=True
            )

    def current_card(self) -> TaskRow | None:
        if not self.shown or not self.shown[self.col]:
            return None
        return self.shown[self.col][self.cursors.get(self.col, 0)]

    def services_loaded(self) -> None:
        """The services are there: replace a partial first-paint snapshot by the whole board."""
        if self.partial_counts is not None:
            self.reload()

    def poll_changes(self) -> None:
        """Live refresh: another process changed the store; show it, keep focus and scroll."""
        try:
            revision = self.tb.services.tasks.revision()
        except Exception:  # a store that went away for a moment: try again next tick
            return
        if revision != self.revision:
            self.reload()

    # ---- moving around --------------------------------------------------------------------

    def action_focus_column(self, delta: int) -> None:
        """Move the cursor to the previous/next column."""
        if not self.shown:
            return
        self.col = max(0, min(len(self.shown) - 1, self.col + delta))
        self._focus_current(scroll=True)

    def action_focus_card(self, delta: int) -> None:
        """Move the cursor up/down within the column."""
        cards = self.shown[self.col] if self.shown else []
        if not cards:
            return
        self.cursors[self.col] = max(0, min(len(cards) - 1, self.cursors.get(self.col, 0) + delta))
        self._focus_current()

    @on(ColumnView.Clicked)
    def select_clicked_card(self, event: ColumnView.Clicked) -> None:
        self.col = event.column.index
        if event.index is not None:
            self.cursors[self.col] = event.index
        self._focus_current()

    # ---- changing ---------------------------------------------------------------------------

    def _change(self, action: Callable[[], TaskRow | None], full: bool = False) -> bool:
        """Run one service call, then show the stored result; errors become notifications.
        True when the change was stored.

        A change to one card patches that card in place (a 10,000-card board repaints
        in milliseconds); done/reopen can unblock other cards, so it reloads the board.
        """
        try:
            row = action()
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return False
        if row is None:
            self.reload()
            return True
        old = next((r for r in self.rows if r.key == row.key), None)
        if full or row.project != self.project_key or (old is not None and old.done != row.done):
            self.reload(keep=row.key)
            return True
        self.revision = self.tb.services.tasks.revision()
        self._patch(row)
        return True

    def _with_card(self) -> TaskRow | None:
        card = self.current_card()
        if card is None:
            self.notify("no card here", severity="warning")
        return card

    def action_move_card(self, delta: int) -> None:
        """Move the card to the previous/next column (H / L)."""
        card = self._with_card()
        if card is not None:
            self._change(lambda: self.tb.services.tasks.step(card.key, delta, card.version))

    def action_reorder(self, delta: int) -> None:
        """Move the card up/down within its column (K / J)."""
        card = self._with_card()
        if card is not None:
            self._change(lambda: self.tb.services.tasks.reorder(card.key, delta, card.version))

    def action_toggle_done(self) -> None:
        """Mark the card done, or open again."""
        card = self._with_card()
        if card is not None:
            self._change(
                lambda: self.tb.services.tasks.toggle_done(card.key, card.version), full=True
            )

    def action_archive(self) -> None:
        """Archive the card (u brings it back)."""
        card = self._with_card()
        if card is None:
            return
        self._change(lambda: self.tb.services.tasks.archive(card.key, True, card.version))
        self.notify(f"{card.key} archived — u to undo", markup=False)

    def action_undo(self) -> None:
        """Undo your last board change (also after a restart)."""
        self._undo_redo(self.tb.services.undo.undo)

    def action_redo(self) -> None:
        """Redo what you undid."""
        self._undo_redo(self.tb.services.undo.redo)

    def _undo_redo(self, call: Callable[[], Reverted]) -> None:
        try:
            done = call()
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
            return
        self.notify(clean(done.message), markup=False)
        # The cursor goes to the card that changed back: an archived one that came back, say.
        self.reload(keep=done.keys[0] if done.keys else None)

    # ---- prompts ---------------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        return [c.name.replace(" ", "_") for c in self.project.columns] if self.project else []

    def _suggest(self) -> dict[str, list[str]]:
        services = self.tb.services
        tags = sorted({t for r in self.rows for t in r.tags})
        return {
            "@": services.people.handles(),
            "#": tags,
            ">": self._columns(),
            "+": [p.key for p in services.projects.all()],
        }

    def action_new_card(self) -> None:
        """New card from a capture line: title @who ^when #tag !prio >column ~KR."""
        assert self.project is not None
        column = self.project.columns[self.col].name if self.project.columns else ""
        today = self.tb.today()
        known = known_names(self.tb.services, self.project_key, today, column)

        def create(line: str | None) -> None:
            if not line or not line.strip():
                return
            has_column = any(t.kind == "column" for t in scan_tokens(line, today)[0])
            full = line if has_column else f"{line} >{column.replace(' ', '_')}"
            self._change(lambda: self.tb.services.tasks.capture(full, self.project_key).task)

        self.app.push_screen(
            PromptModal(
                f"New card in {self.project.key}",
                placeholder="Papers to agent @jonas ^fri #papers !high",
                suggest=self._suggest(),
                preview=lambda text: capture_preview(text, today, known),
            ),
            create,
        )

    def action_edit_title(self) -> None:
        """Edit the card's title."""
        card = self._with_card()
        if card is None:
            return

        def save(value: str | None) -> None:
            if value is not None and not value.strip():
                self.notify("a card needs a title: it stays as it was", severity="warning")
            elif value is not None and value != card.title:
                self._change(
                    lambda: self.tb.services.tasks.edit(
                        card.key, TaskChanges(title=value), card.version
                    )
                )

        self.app.push_screen(PromptModal(f"Title of {card.key}", card.title, select=False), save)

    def action_assign(self) -> None:
        """Assign the card (@handle; empty clears)."""
        card = self._with_card()
        if card is None:
            return
        handles = self.tb.services.people.handles()

        def save(value: str | None) -> None:
            if value is None:
                return
            who = value.strip().lstrip("@") or None
            stored = self._change(
                lambda: self.tb.services.tasks.edit(
                    card.key, TaskChanges(assignee=who), card.version
                )
            )
            if stored and who and not any(h.startswith(who.casefold()) for h in handles):
                self.notify(f"new person @{who} (rename with: taskboard person add)", markup=False)

        self.app.push_screen(
            PromptModal(
                f"Assign {card.key}",
                card.assignee or "",
                suggest={"": handles},
                hint="a handle or its unique prefix; a new handle adds the person; empty: nobody",
            ),
            save,
        )

    def action_due(self) -> None:
        """Set the due date: fri, +3d, 2w, eow, 1.12., 2026-12-01; empty clears."""
        card = self._with_card()
        if card is None:
            return
        today = self.tb.today()

        def preview(text: str) -> tuple[str, bool]:
            if not text.strip():
                return "no due date", False
            try:
                return f"due {parse_when(text.strip().lstrip('^'), today):%a %d %b %Y}", False
            except DateParseError as exc:
                return f"✗ {exc}", True

        def save(value: str | None) -> None:
            if value is None:
                return
            due = parse_when(value.strip().lstrip("^"), today) if value.strip() else None
            self._change(
                lambda: self.tb.services.tasks.edit(card.key, TaskChanges(due=due), card.version)
            )

        current = card.due.isoformat() if card.due else ""
        self.app.push_screen(PromptModal(f"Due date of {card.key}", current, preview=preview), save)

    def action_priority(self) -> None:
        """Set the priority (1 urgent … 4 low)."""
        card = self._with_card()
        if card is None:
            return

        def save(value: str | None) -> None:
            if value is not None and value != card.priority:
                self._change(
                    lambda: self.tb.services.tasks.edit(
                        card.key, TaskChanges(priority=value), card.version
                    )
                )

        options = [(p.value, p.value) for p in Priority]
        self.app.push_screen(ChoiceModal(f"Priority of {card.key}", options, card.priority), save)

    def action_tags(self) -> None:
        """Edit the card's tags (space separated)."""
        card = self._with_card()
        if card is None:
            return
        tags = sorted({t for r in self.rows for t in r.tags})

        def save(value: str | None) -> None:
            if value is None:
                return
            new = tuple(w.lstrip("#") for w in value.split())
            self._change(
                lambda: self.tb.services.tasks.edit(card.key, TaskChanges(tags=new), card.version)
            )

        self.app.push_screen(
            PromptModal(
                f"Tags of {card.key}",
                " ".join(f"#{t}" for t in card.tags),
                suggest={"#": tags},
                select=False,  # adding a tag is the usual change
            ),
            save,
        )

    def action_open_card(self) -> None:
        """Open the task detail."""
        card = self._with_card()
        if card is None:
            return
        from taskboard.ui.screens.detail import TaskDetailScreen

        self.app.push_screen(TaskDetailScreen(card.key), lambda _: self.reload(keep=card.key))

    # ---- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Filter cards as you type."""
        field = self.query_one("#filter-input", Input)
        field.disabled = False
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter-input")
    def filter_changed(self, event: Input.Changed) -> None:
        self.task_filter = parse_filter(event.value)
        current = self.current_card()
        self._apply_filter(current.key if current else None)
        event.input.set_class(bool(self.task_filter.problems), "error")

    @on(Input.Submitted, "#filter-input")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.set_focus(None)
        if self.shown and not self.shown[self.col]:
            # Back on the board in a column the filter emptied: go to the first card it kept.
            kept = [i for i, cards in enumerate(self.shown) if cards]
            if kept:
                self.col = kept[0]
                self._focus_current(scroll=True)

    def action_clear_filter(self) -> None:
        """Clear the filter."""
        field = self.query_one("#filter-input", Input)
        field.value = ""
        field.display = False
        field.disabled = True
        self.task_filter = TaskFilter()
        self.set_focus(None)
        current = self.current_card()
        self._apply_filter(current.key if current else None)

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
