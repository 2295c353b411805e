"""The task detail: every field editable, notes in Markdown, subtasks, links, comments, history."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from taskboard.domain.dates import DateParseError, format_relative, parse_when
from taskboard.domain.enums import Priority
from taskboard.domain.text import clean
from taskboard.services.errors import ConflictError, ServiceError
from taskboard.services.views import TaskDetail
from taskboard.ui.dialogs import TokenSuggester
from taskboard.ui.screens.base import TaskboardScreen


class TaskDetailScreen(TaskboardScreen):
    """One task, all of it; changes are saved field by field."""

    CSS_PATH = "../styles/detail.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Save notes and go back"),
        Binding("ctrl+s", "save_notes", "Save notes", id="detail.save"),
        Binding("ctrl+d", "toggle_done", "Done", id="detail.done", tooltip="Toggle done"),
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

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.detail: TaskDetail | None = None
        self.revision = -1

    def compose(self) -> ComposeResult:
        services = self.tb.services
        handles = services.people.handles()
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-key", markup=False)
            yield Input(id="f-title", placeholder="title")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label("Assignee")
                    yield Input(
                        id="f-assignee",
                        placeholder="@handle",
                        suggester=TokenSuggester({"": handles}),
                    )
                with Vertical():
                    yield Label("Start")
                    yield Input(id="f-start", placeholder="mon, 1.12., 2026-12-01")
                with Vertical():
                    yield Label("Due")
                    yield Input(id="f-due", placeholder="fri, +3d, 1.12., 2026-12-01")
                with Vertical():
                    yield Label("Priority")
                    yield Select(
                        [(p.value, p.value) for p in Priority], id="f-priority", allow_blank=False
                    )
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label("Tags")
                    yield Input(id="f-tags", placeholder="#tag #other")
                with Vertical():
                    yield Label("Key result")
                    yield Input(id="f-key_result", placeholder="O1-KR2")
                with Vertical():
                    yield Label("Repeats (RRULE)")
                    yield Input(id="f-recurrence", placeholder="FREQ=WEEKLY")
            yield Static("", id="detail-state", markup=False)
            yield Label("Notes (Markdown; ctrl+s saves, leaving saves too)")
            yield TextArea(language="markdown", id="f-notes", soft_wrap=True)
            yield Label("Subtasks (ctrl+t ticks, ctrl+↑/↓ reorder)")
            yield OptionList(id="subtasks")
            yield Input(id="new-subtask", placeholder="+ add a subtask and press enter")
            yield Label("Dependencies")
            yield Static("", id="deps", markup=False)
            yield Input(id="new-dep", placeholder="blocked by KEY (enter); -KEY removes")
            yield Label("Comments")
            yield Static("", id="comments", markup=False)
            yield Input(id="new-comment", placeholder="write a comment and press enter")
            yield Label("History")
            yield Static("", id="history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#f-title", Input).focus()
        self.set_interval(1.0, self.poll_changes, name="detail-refresh")

    # ---- loading --------------------------------------------------------------------------

    def load(self) -> None:
        services = self.tb.services
        self.revision = services.tasks.revision()
        self.detail = detail = services.tasks.detail(self.key)
        t = detail.task
        today = self.tb.today()
        self.query_one("#detail-key", Static).update(
            Content(
                f"{t.key}  ·  {t.project}  ·  {t.column}" + ("  ·  archived" if t.archived else "")
            )
        )
        values = {
            "title": t.title,
            "assignee": t.assignee or "",
            "due": t.due.isoformat() if t.due else "",
            "start": detail.start.isoformat() if detail.start else "",
            "tags": " ".join(f"#{x}" for x in t.tags),
            "key_result": t.key_result or "",
            "recurrence": detail.recurrence or "",
        }
        for name, value in values.items():
            field = self.query_one(f"#f-{name}", Input)
            with field.prevent(Input.Changed):
                field.value = value
        select = self.query_one("#f-priority", Select)
        with select.prevent(Select.Changed):
            select.value = t.priority
        notes = self.query_one("#f-notes", TextArea)
        if notes.text != detail.notes:
            notes.load_text(detail.notes)
        state = "done ✓" if t.done else "open"
        if t.due:
            state += f"  ·  due {format_relative(t.due, today)}"
        if t.blocked_by:
            state += f"  ·  blocked by {', '.join(t.blocked_by)}"
        self.query_one("#detail-state", Static).update(Content(state))
        subtasks = self.query_one("#subtasks", OptionList)
        highlighted = subtasks.highlighted
        subtasks.clear_options()
        subtasks.add_options(
            Option(Content(f"[{'x' if s.done else ' '}] {s.key}  {clean(s.title)}"), id=s.key)
            for s in detail.subtasks
        )
        if highlighted is not None and detail.subtasks:
            subtasks.highlighted = min(highlighted, len(detail.subtasks) - 1)
        deps = [
            f"blocked by {b.key}  {clean(b.title)}" + ("  ✓" if b.done else "")
            for b in detail.blocked_by
        ]
        deps += [f"blocking   {b.key}  {clean(b.title)}" for b in detail.blocking]
        self.query_one("#deps", Static).update(Content("\n".join(deps) or "none"))
        comments = [
            f"{c.created:%Y-%m-%d %H:%M}  @{c.author or '?'}\n  {clean(c.body)}"
            for c in detail.comments
        ]
        self.query_one("#comments", Static).update(Content("\n".join(comments) or "none yet"))
        history = [
            f"{a.at:%Y-%m-%d %H:%M}  @{clean(a.actor)}  {clean(a.describe())}"
            for a in reversed(detail.history)
        ]
        self.query_one("#history", Static).update(Content("\n".join(history)))

    def poll_changes(self) -> None:
        revision = self.tb.services.tasks.revision()
        if revision == self.revision or self.detail is None:
            return
        old_version = self.detail.task.version
        try:
            fresh = self.tb.services.tasks.row(self.key)
        except ServiceError:
            return
        if fresh.version != old_version and self._dirty():
            self.notify(
                f"{self.key} was changed elsewhere: showing the fresh values",
                severity="warning",
                markup=False,
            )
        self.load()

    def _dirty(self) -> bool:
        assert self.detail is not None
        return self.query_one("#f-notes", TextArea).text != self.detail.notes

    # ---- saving ------------------------------------------------------------------------------

    def _save(self, **changes: Any) -> None:
        assert self.detail is not None
        try:
            self.tb.services.tasks.edit(self.key, self.detail.task.version, **changes)
        except ConflictError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.load()

    @on(
        Input.Submitted,
        "#f-title, #f-assignee, #f-start, #f-due, #f-tags, #f-key_result, #f-recurrence",
    )
    def save_field(self, event: Input.Submitted) -> None:
        name = (event.input.id or "").removeprefix("f-")
        value = event.value.strip()
        if name == "title":
            self._save(title=value)
        elif name == "assignee":
            self._save(assignee=value.lstrip("@") or None)
        elif name in ("due", "start"):
            try:
                day: date | None = parse_when(value.lstrip("^"), self.tb.today()) if value else None
            except DateParseError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            self._save(**{name: day})
        elif name == "tags":
            self._save(tags=tuple(w.lstrip("#") for w in value.split()))
        elif name == "key_result":
            self._save(key_result=value.lstrip("~") or None)
        elif name == "recurrence":
            self._save(recurrence=self._rrule(value))

    def _rrule(self, value: str) -> str | None:
        if not value:
            return None
        from taskboard.domain.dates import parse_recurrence

        try:
            return parse_recurrence(value.removeprefix("every:"))
        except ValueError:
            return value.upper()

    @on(Select.Changed, "#f-priority")
    def save_priority(self, event: Select.Changed) -> None:
        if self.detail and event.value != self.detail.task.priority:
            self._save(priority=str(event.value))

    def action_save_notes(self) -> None:
        """Save the notes."""
        assert self.detail is not None
        text = self.query_one("#f-notes", TextArea).text
        if text != self.detail.notes:
            self._save(notes=text)
            self.notify("notes saved")

    @on(TextArea.Changed, "#f-notes")
    def _notes_changed(self) -> None:
        pass  # saved on ctrl+s, on leaving the field and on leaving the screen

    def on_descendant_blur(self, event: Any) -> None:
        if getattr(event.widget, "id", None) == "f-notes":
            self.action_save_notes()

    def action_back(self) -> None:
        """Save the notes and go back."""
        if self.detail is not None:
            self.action_save_notes()
        self.dismiss(None)

    def action_toggle_done(self) -> None:
        """Mark the task done, or open again."""
        assert self.detail is not None
        try:
            self.tb.services.tasks.toggle_done(self.key, self.detail.task.version)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
        self.load()

    # ---- subtasks, links, comments --------------------------------------------------------------

    def _highlighted_subtask(self) -> str | None:
        options = self.query_one("#subtasks", OptionList)
        if options.highlighted is None or self.detail is None or not self.detail.subtasks:
            return None
        return self.detail.subtasks[options.highlighted].key

    def action_toggle_subtask(self) -> None:
        """Tick or untick the highlighted subtask."""
        key = self._highlighted_subtask()
        if key is None:
            return
        try:
            self.tb.services.tasks.toggle_done(key)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
        self.load()

    @on(OptionList.OptionSelected, "#subtasks")
    def _subtask_selected(self) -> None:
        self.action_toggle_subtask()

    def action_move_subtask(self, delta: int) -> None:
        """Move the highlighted subtask up or down."""
        key = self._highlighted_subtask()
        if key is None:
            return
        try:
            self.tb.services.tasks.reorder(key, delta)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
            return
        options = self.query_one("#subtasks", OptionList)
        self.load()
        if options.highlighted is not None:
            options.highlighted = max(0, options.highlighted + delta)

    @on(Input.Submitted, "#new-subtask")
    def add_subtask(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._run(
                lambda: self.tb.services.tasks.add_subtask(self.key, event.value), event.input
            )

    @on(Input.Submitted, "#new-dep")
    def change_dependency(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            return
        tasks = self.tb.services.tasks
        if value.startswith("-"):
            self._run(lambda: tasks.remove_dependency(self.key, value[1:]), event.input)
        else:
            self._run(lambda: tasks.add_dependency(self.key, value), event.input)

    @on(Input.Submitted, "#new-comment")
    def add_comment(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._run(lambda: self.tb.services.tasks.comment(self.key, event.value), event.input)

    def _run(self, call: Any, field: Input) -> None:
        try:
            call()
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        field.value = ""
        self.load()
