"""The kanban board: columns side by side, driven from the keyboard, saved on every key."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on
from textual.widgets import Input

from taskboard.domain.filtering import TaskFilter, parse_filter
from taskboard.domain.views import TaskRow
from taskboard.ui.board_view import SORT_WORDS
from taskboard.ui.screens.board_base import BoardRead, read_board
from taskboard.ui.screens.board_keys import board_bindings
from taskboard.ui.screens.board_undo import BoardUndo
from taskboard.ui.widgets.column import ColumnView

# The prompts (`card_prompts`, `dialogs`, `preview` and the capture grammar) are imported
# when one is first asked for: the first paint needs none of them.
if TYPE_CHECKING:
    from taskboard.ui.dialogs import PromptModal
    from taskboard.ui.preview import Known

__all__ = ["BoardRead", "BoardScreen", "read_board"]


class BoardScreen(BoardUndo):
    """One project's board."""

    BINDINGS = board_bindings()

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

    def _marked(self) -> list[TaskRow] | None:
        """The marked cards (None when none is marked: keys act on the card at the cursor)."""
        return self.model.marked() if self.model.marks else None

    def action_move_card(self, delta: int) -> None:
        """Move the card (or every marked card) to the previous/next column (H / L)."""
        marked = self._marked()
        if marked is not None:
            expected = [self.model.stepped(c, delta) for c in marked]
            self._write_many(marked, expected, lambda s, keys, v: s.tasks.step_many(keys, delta, v))
            return
        card = self._with_card()
        if card is not None:
            expected_row = self.model.stepped(card, delta)
            self._write(card, expected_row, lambda s, v: s.tasks.step(card.key, delta, v))

    def action_reorder(self, delta: int) -> None:
        """Move the card up/down within its column (K / J)."""
        view = self.model.view
        if view.sort != "manual" or view.lanes != "none":
            why = SORT_WORDS[view.sort] if view.sort != "manual" else "in lanes"
            self.notify(
                f"J/K reorder only in manual order without lanes; the board is sorted {why}"
                " (s cycles the order, w the lanes)",
                severity="warning",
            )
            return
        card = self._with_card()
        if card is not None:
            expected = self.model.reordered(card, delta)
            self._write(card, expected, lambda s, v: s.tasks.reorder(card.key, delta, v))

    def action_toggle_done(self) -> None:
        """Mark the card done, or open again; marked cards: all done, or all open again."""
        marked = self._marked()
        if marked is not None:
            # As the store does it: when all are done they open again, else the open ones close.
            cards = marked if all(c.done for c in marked) else [c for c in marked if not c.done]
            expected = [self.model.done_toggled(c) for c in cards]
            self._write_many(cards, expected, lambda s, keys, v: s.tasks.toggle_done_many(keys, v))
            return
        card = self._with_card()
        if card is not None:
            expected_row = self.model.done_toggled(card)
            self._write(card, expected_row, lambda s, v: s.tasks.toggle_done(card.key, v))

    def action_archive(self) -> None:
        """Archive the card, or every marked card (u brings them back)."""
        marked = self._marked()
        if marked is not None:
            self._write_many(
                marked,
                [replace(c, archived=True) for c in marked],
                lambda s, keys, v: s.tasks.archive_many(keys, True, v),
                lambda rows: self.notify(f"{len(rows)} cards archived — u to undo"),
            )
            return
        card = self._with_card()
        if card is not None:
            self._write(
                card,
                replace(card, archived=True),
                lambda s, v: s.tasks.archive(card.key, True, v),
                lambda row: self.notify(f"{row.key} archived — u to undo", markup=False),
            )

    # ---- how the board is looked at --------------------------------------------------------

    def action_sort(self) -> None:
        """Cycle the columns' order: manual, due, priority, last change (remembered)."""
        self._set_view(self.model.view.next_sort())

    def action_lanes(self) -> None:
        """Cycle swimlanes: none, assignee, priority, key result (remembered)."""
        self._set_view(self.model.view.next_lanes())

    def action_compact(self) -> None:
        """Compact cards, one line each: key, title, assignee, due (remembered)."""
        self._set_view(self.model.view.toggle_compact())

    # ---- marks ------------------------------------------------------------------------------

    def action_mark(self) -> None:
        """Mark the card, or unmark it: H L a d p t space x then act on every marked card."""
        card = self._with_card()
        if card is not None:
            self.model.toggle_mark(card.key)
            self._paint([self.model.col])

    def action_mark_shown(self) -> None:
        """Mark every card shown (the filter applies)."""
        self.model.mark_shown()
        self._paint(list(range(len(self.views))))

    def action_escape(self) -> None:
        """Clear the marks, else the filter."""
        if self.model.marks:
            self.model.clear_marks()
            self._paint(list(range(len(self.views))))
        else:
            self.action_clear_filter()

    # ---- prompts ---------------------------------------------------------------------------------

    def action_new_card(self) -> None:
        """New card from a capture line: title @who ^when #tag !prio >column ~KR."""
        from taskboard.domain.capture import scan_tokens
        from taskboard.domain.errors import UnknownPersonError
        from taskboard.ui.dialogs import PromptModal
        from taskboard.ui.preview import capture_check

        if self.model.project is None:
            self.notify("still loading…", severity="warning")
            return
        columns = self.model.columns
        column = columns[self.model.col].name if columns else ""
        today = self.tb.today()

        def create(line: str, dialog: PromptModal) -> None:
            # The dialog stays open with the line until the store took it, or says why not.
            # The column the cursor is in, unless the line names one or another project (whose
            # first column it then takes, as the preview says).
            tokens = scan_tokens(line, today)[0]
            elsewhere = any(t.kind == "project" and t.value != self.project_key for t in tokens)
            has_column = elsewhere or any(t.kind == "column" for t in tokens)
            full = line if has_column else f"{line} >{column.replace(' ', '_')}"

            def stored(row: TaskRow) -> None:
                dialog.stored()
                created(row)

            # A new person only when the line was entered again after the preview's warning.
            sure = dialog.sure
            self.tb.store.submit(
                lambda s: s.tasks.capture(full, self.project_key, new_people=sure).task,
                stored,
                lambda error: dialog.refused(
                    str(error), again=isinstance(error, UnknownPersonError)
                ),
            )

        def created(row: TaskRow) -> None:
            self.history.forget()  # `u` now takes back the new card: only the store knows how
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
                    preview=lambda text: capture_check(text, today, known),
                    submit=create,
                    empty="a new card needs a title: type one, or escape to close",
                ),
            )

        self._with_names(ask)

    def action_edit_title(self) -> None:
        """Edit the card's title."""
        from taskboard.ui import card_prompts

        card = self._with_card()
        if card is not None:
            self._ask(card_prompts.title_prompt(card))

    def _prompted(self) -> TaskRow | None:
        """The card a prompt asks about: every marked card as one, else the current card."""
        from taskboard.ui import card_prompts

        marked = self._marked()
        return card_prompts.as_one(marked) if marked else self._with_card()

    def action_assign(self) -> None:
        """Assign the card or the marked cards (@handle; empty clears)."""
        from taskboard.ui import card_prompts

        card = self._prompted()
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
        """Set the due date of the card or the marked cards: fri, +3d, eow, 1.12.; empty clears."""
        from taskboard.ui import card_prompts

        card = self._prompted()
        if card is not None:
            self._ask(card_prompts.due_prompt(card, self.tb.today(), may_clear=True))

    def action_priority(self) -> None:
        """Set the priority of the card or the marked cards (urgent, high, normal, low)."""
        from taskboard.ui import card_prompts

        card = self._prompted()
        if card is not None:
            self._ask(card_prompts.priority_prompt(card))

    def action_tags(self) -> None:
        """Edit the card's tags; marked cards: tags to add to each."""
        from taskboard.ui import card_prompts

        marked = self._marked()
        if marked is not None:
            prompt = card_prompts.tags_added_prompt(marked, self.model.tags())
            prompt.ask(self, lambda changes: self._add_tags(marked, changes))
            return
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
            return action in ("escape", "help")
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
