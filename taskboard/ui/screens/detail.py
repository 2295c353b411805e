"""The task detail: every field editable, notes in Markdown, subtasks, links, comments, history.

The form and its reads and writes are `detail_base`, saving its fields and leaving it
`detail_saves`, its words `detail_text`; this module holds the keys, the subtasks, the
dependencies and the comments. Every store call runs in the app's store queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.binding import Binding
from textual.widgets import Input, OptionList

from taskboard.domain.text import clean, excerpt
from taskboard.services.errors import ServiceError
from taskboard.ui.screens.detail_base import Wrote
from taskboard.ui.screens.detail_saves import DetailSaves
from taskboard.ui.screens.detail_text import HINTS
from taskboard.ui.widgets.ordered_input import LineInput

if TYPE_CHECKING:
    from taskboard.services import Services

__all__ = ["HINTS", "TaskDetailScreen"]


class TaskDetailScreen(DetailSaves):
    """One task, all of it; a field is saved when you press enter in it or leave it. Live: a
    change made elsewhere shows at once, and an unsaved edit it overlaps gives way, named."""

    CSS_PATH = "../styles/detail.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Save your edits and go back"),
        Binding("ctrl+s", "save_notes", "Save notes", id="detail.save"),
        # Before the fields' own ctrl+d (delete right, which `delete` still does): focus is
        # nearly always in a field here, and the footer's key must work from there.
        Binding(
            "ctrl+d",
            "toggle_done",
            "Done",
            priority=True,
            id="detail.done",
            tooltip="Toggle done",
        ),
        Binding(
            "ctrl+t",
            "toggle_subtask",
            "Tick subtask",
            id="detail.tick",
            tooltip="Tick the highlighted subtask",
        ),
        Binding("ctrl+up", "move_subtask(-1)", "Subtask up", show=False, id="detail.sub_up"),
        Binding("ctrl+down", "move_subtask(1)", "Subtask down", show=False, id="detail.sub_down"),
    ]

    def _shown_after(self, wrote: Wrote[Any]) -> bool:
        """Show the task as read right after a write of it (a subtask, a link, a comment)."""
        self.show_fresh(wrote.fresh, own_version=self.own_version(wrote))
        return True

    # ---- subtasks ---------------------------------------------------------------------------

    def _highlighted_subtask(self) -> str | None:
        options = self.query_one("#subtasks", OptionList)
        if options.highlighted is None or self.detail is None or not self.detail.subtasks:
            return None
        return self.detail.subtasks[options.highlighted].key

    def action_toggle_subtask(self) -> None:
        """Tick or untick the highlighted subtask."""
        key = self._highlighted_subtask()
        if key is not None:
            self.write(lambda s, _: s.tasks.toggle_done(key), self._shown_after, self.refusal)

    @on(OptionList.OptionSelected, "#subtasks")
    def _subtask_selected(self) -> None:
        self.action_toggle_subtask()

    def action_move_subtask(self, delta: int) -> None:
        """Move the highlighted subtask up or down."""
        key = self._highlighted_subtask()
        if key is None:
            return

        def moved(wrote: Wrote[Any]) -> bool:
            options = self.query_one("#subtasks", OptionList)
            self._shown_after(wrote)
            if options.highlighted is not None:
                options.highlighted = max(0, options.highlighted + delta)
            return True

        def refused(error: ServiceError) -> None:
            self.refusal(error, "warning")

        self.write(lambda s, _: s.tasks.reorder(key, delta), moved, refused)

    # ---- lines: a new subtask, a dependency, a comment ------------------------------------------

    @on(Input.Submitted, "#new-subtask")
    def add_subtask(self, event: Input.Submitted) -> None:
        key = self.key
        if event.value.strip():
            self._line(lambda s: s.tasks.add_subtask(key, event.value), event)

    @on(Input.Submitted, "#new-dep")
    def change_dependency(self, event: Input.Submitted) -> None:
        value, key = event.value.strip(), self.key
        if not value:
            return
        if value.startswith("-"):
            self._line(lambda s: s.tasks.remove_dependency(key, value[1:]), event)
        else:
            self._line(lambda s: s.tasks.add_dependency(key, value), event)

    @on(Input.Submitted, "#new-comment")
    def add_comment(self, event: Input.Submitted) -> None:
        key = self.key
        if event.value.strip():
            self._line(lambda s: s.tasks.comment(key, event.value), event)

    def _line(self, call: Callable[[Services], object], event: Input.Submitted) -> None:
        """Store the line of `event` (its field cleared on enter, so the next can be typed);
        a refusal says why and gives the line back for fixing, or, when the next line is
        being typed already, names it in the refusal (typed text never goes unsaid)."""
        line, field = event.value, event.input

        def refused(error: ServiceError) -> None:
            if isinstance(field, LineInput) and field.give_back(line):
                self.refusal(error)
            else:
                text = f"{clean(str(error))} (not stored: {excerpt(line, 60)})"
                self.notify(text, severity="error", markup=False)

        self.write(lambda s, _: call(s), self._shown_after, refused)
