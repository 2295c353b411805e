"""The task detail: every field editable, notes in Markdown, subtasks, links, comments, history."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from taskboard.domain.dates import DateParseError, format_relative
from taskboard.domain.enums import Priority
from taskboard.domain.fields import BY_NAME, EDITABLE, TaskChanges
from taskboard.domain.text import clean, clean_multiline
from taskboard.domain.views import TaskDetail, TaskRow, history_lines
from taskboard.services.errors import ConflictError, ServiceError, UnknownPersonError
from taskboard.ui.dialogs import TokenSuggester
from taskboard.ui.line_check import AGAIN, SecondEnter
from taskboard.ui.live import LiveScreen
from taskboard.ui.widgets.hinted import HintedInput
from taskboard.ui.widgets.ordered_input import OrderedInput

# The one-line fields, by the name `TaskService.edit` takes; each is the Input `#f-NAME`.
INPUTS = ("title", "assignee", "start", "due", "tags", "key_result", "recurrence")
# Every field edited here (the column is the board's), with the words a notification uses.
FIELDS = {f.name: f.label for f in EDITABLE if f.name != "column"}
# The hints of the one-line fields (HintedInput), longest first: fields are narrow at 80.
HINTS = {
    "title": ("the task in a few words",),
    "assignee": ("e.g. @jonas", "e.g. @mia"),
    "start": ("e.g. mon, 1.12., 2026-12-01", "e.g. mon, 1.12.", "e.g. 1.12."),
    "due": ("e.g. fri, +3d, 1.12., 2026-12-01", "e.g. fri, +3d", "e.g. +3d"),
    "tags": ("e.g. #papers #hub", "e.g. #papers"),
    "key_result": ("e.g. O1-KR2",),
    "recurrence": ("e.g. weekly, 2w, weekdays, FREQ=WEEKLY", "e.g. weekly, 2w", "e.g. 2w"),
}


def shown_values(detail: TaskDetail) -> dict[str, str]:
    """The text each field shows for `detail`: stored text can hold control characters (an
    import, a hand-edited database), and none of them may reach the terminal."""
    t = detail.task
    return {
        "title": clean(t.title),
        "assignee": clean(t.assignee or ""),
        "start": detail.start.isoformat() if detail.start else "",
        "due": t.due.isoformat() if t.due else "",
        "priority": clean(t.priority),
        "tags": " ".join(f"#{clean(x)}" for x in t.tags),
        "key_result": clean(t.key_result or ""),
        "recurrence": clean(detail.recurrence or ""),
        "notes": clean_multiline(detail.notes),
    }


def labelled(
    label: str, shown: dict[str, str], name: str, suggester: TokenSuggester | None = None
) -> Vertical:
    """A one-line field `#f-NAME` under its label."""
    field = HintedInput(shown[name], HINTS[name], id=f"f-{name}", suggester=suggester)
    return Vertical(Label(label), field)


def _names(fields: Iterable[str]) -> str:
    words = [FIELDS[f] for f in fields]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class TaskDetailScreen(LiveScreen):
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

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.detail: TaskDetail | None = None
        # What each field was last filled with: a field whose value differs holds an edit of
        # the user's. Comparing with the stored value instead would count the control
        # characters `shown_values` removed as an edit, and write them away unasked.
        self.shown: dict[str, str] = {}
        # The unsaved edits that kept the last escape here: escape again with them leaves.
        self._refused: dict[str, str] | None = None
        self.second_enter = SecondEnter()  # a new person as assignee (a typo?): Enter twice
        self._leaving = False

    def compose(self) -> ComposeResult:
        services = self.tb.services
        # Read before the widgets exist, so each starts with the task's own value: a Select
        # without one picks its first option and announces it as a change, which was saved
        # as the priority "urgent" of every task merely opened.
        self.detail = services.tasks.detail(self.key)
        self.shown = shown = shown_values(self.detail)
        handles = [clean(h) for h in services.people.handles()]
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-key", markup=False)
            yield HintedInput(shown["title"], HINTS["title"], id="f-title")
            with Horizontal(classes="fields"):
                yield labelled("Assignee", shown, "assignee", TokenSuggester({"": handles}))
                yield labelled("Start", shown, "start")
                yield labelled("Due", shown, "due")
                with Vertical():
                    yield Label("Priority")
                    # A value none of the four (a hand-edited store) is shown, not a crash.
                    priorities = [p.value for p in Priority]
                    if shown["priority"] not in priorities:
                        priorities.append(shown["priority"])
                    yield Select(
                        [(p, p) for p in priorities],
                        id="f-priority",
                        allow_blank=False,
                        value=shown["priority"],
                    )
            with Horizontal(classes="fields"):
                yield labelled("Tags", shown, "tags")
                yield labelled("Key result", shown, "key_result")
                yield labelled("Repeats", shown, "recurrence")
            yield Static("", id="detail-state", markup=False)
            yield Label("Notes (Markdown; ctrl+s saves, leaving saves too)")
            yield TextArea(shown["notes"], language="markdown", id="f-notes", soft_wrap=True)
            yield Label("Subtasks (ctrl+t ticks, ctrl+↑/↓ reorder)")
            yield OptionList(id="subtasks")
            yield OrderedInput(id="new-subtask", placeholder="+ add a subtask and press enter")
            yield Label("Dependencies")
            yield Static("", id="deps", markup=False)
            yield OrderedInput(id="new-dep", placeholder="blocked by KEY (enter); -KEY removes")
            yield Label("Comments")
            yield Static("", id="comments", markup=False)
            yield OrderedInput(id="new-comment", placeholder="write a comment and press enter")
            yield Label("History")
            yield Static("", id="history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        assert self.detail is not None
        self._show(self.detail, replace=FIELDS)
        for name in INPUTS:
            # A field is saved when left: a value selected on focus would be replaced, and
            # saved, by the first key typed into it by mistake.
            self.query_one(f"#f-{name}", Input).select_on_focus = False
        self.query_one("#f-title", Input).focus()
        self.watch_changes(self.store_changed)

    # ---- loading --------------------------------------------------------------------------

    def load(self, *, saved: Collection[str] = (), own_version: int | None = None) -> None:
        """Read the task again and show it. Unsaved edits stay, except in the `saved` fields,
        and unless the task was changed elsewhere: then the fresh values replace them, with a
        notification. `own_version` is the version a change made here left the task at."""
        self.show_fresh(self.tb.services.tasks.detail(self.key), saved, own_version)

    def store_changed(self) -> None:
        """The store changed: read the task again in a thread, then show what is new."""
        tasks, key = self.tb.services.tasks, self.key

        def show(detail: TaskDetail) -> None:
            # Not after leaving, nor when nothing changed (a repaint would only move what is
            # on screen), nor a read older than what a change made here showed since.
            current = self.detail
            if self._leaving or current is None or detail == current:
                return
            if detail.task.version >= current.task.version:
                self.show_fresh(detail)

        def failed(error: Exception) -> None:
            if not isinstance(error, ServiceError):  # gone meanwhile: nothing fresh to show
                self.notify(clean(str(error)), severity="error", markup=False)

        self.reread(lambda: tasks.detail(key), show, failed)

    def show_fresh(
        self, detail: TaskDetail, saved: Collection[str] = (), own_version: int | None = None
    ) -> None:
        """Show `detail`, read just now; the rest as `load` says."""
        assert self.detail is not None
        replace: set[str] = set(saved)
        expected = self.detail.task.version if own_version is None else own_version
        if detail.task.version != expected:
            # The fields changed elsewhere show their fresh values; an unsaved edit in one of
            # them gives way, and is named. Edits in the other fields stay.
            fresh = shown_values(detail)
            changed = {name for name in FIELDS if fresh[name] != self.shown[name]}
            lost = [name for name in self._edited() if name in changed]
            if lost:
                self.notify(
                    f"{clean(self.key)} was changed by someone else meanwhile: showing the fresh"
                    f" values, not your unsaved {_names(lost)}",
                    severity="warning",
                    markup=False,
                )
            replace |= changed
        self.detail = detail
        self._show(detail, replace)

    def _show(self, detail: TaskDetail, replace: Collection[str]) -> None:
        """Fill the screen from `detail`; a field with an unsaved edit keeps it unless named in
        `replace`."""
        t = detail.task
        today = self.tb.today()
        values = shown_values(detail)
        edited = set(self._edited()) - set(replace)
        for name in INPUTS:
            field = self.query_one(f"#f-{name}", Input)
            if name not in edited and field.value != values[name]:
                with field.prevent(Input.Changed):
                    field.value = values[name]
        select = self.query_one("#f-priority", Select)
        if "priority" not in edited and select.value != values["priority"]:
            with select.prevent(Select.Changed):
                select.value = values["priority"]
        notes = self.query_one("#f-notes", TextArea)
        if "notes" not in edited and notes.text != values["notes"]:
            notes.load_text(values["notes"])
        self.shown = values
        self.query_one("#detail-key", Static).update(
            Content(
                f"{clean(t.key)}  ·  {clean(t.project)}  ·  {clean(t.column)}"
                + ("  ·  archived" if t.archived else "")
            )
        )
        state = "done ✓" if t.done else "open"
        if t.due:
            state += f"  ·  due {format_relative(t.due, today)}"
        if t.blocked_by:
            state += f"  ·  blocked by {clean(', '.join(t.blocked_by))}"
        self.query_one("#detail-state", Static).update(Content(state))
        subtasks = self.query_one("#subtasks", OptionList)
        highlighted = subtasks.highlighted
        subtasks.clear_options()
        subtasks.add_options(
            Option(
                Content(f"[{'x' if s.done else ' '}] {clean(s.key)}  {clean(s.title)}"), id=s.key
            )
            for s in detail.subtasks
        )
        if highlighted is not None and detail.subtasks:
            subtasks.highlighted = min(highlighted, len(detail.subtasks) - 1)
        deps = [
            f"blocked by {clean(b.key)}  {clean(b.title)}" + ("  ✓" if b.done else "")
            for b in detail.blocked_by
        ]
        deps += [f"blocking   {clean(b.key)}  {clean(b.title)}" for b in detail.blocking]
        self.query_one("#deps", Static).update(Content("\n".join(deps) or "none"))
        comments = [
            f"{c.created:%Y-%m-%d %H:%M}  @{clean(c.author or '?')}\n  {clean(c.body)}"
            for c in detail.comments
        ]
        self.query_one("#comments", Static).update(Content("\n".join(comments) or "none yet"))
        history = [
            f"{a.at:%Y-%m-%d %H:%M}  @{clean(a.actor)}  {clean(line)}"
            for a, line in reversed(history_lines(detail.history))
        ]
        self.query_one("#history", Static).update(Content("\n".join(history)))

    def _values(self) -> dict[str, str]:
        """What each field holds now."""
        values = {name: self.query_one(f"#f-{name}", Input).value for name in INPUTS}
        values["priority"] = str(self.query_one("#f-priority", Select).value)
        values["notes"] = self.query_one("#f-notes", TextArea).text
        return values

    def _edited(self) -> list[str]:
        """The fields whose value differs from what they were filled with."""
        return [name for name, value in self._values().items() if value != self.shown[name]]

    # ---- saving ------------------------------------------------------------------------------

    def _change(self, name: str, text: str) -> Any:
        """The value `TaskService.edit` takes for `text` typed in the field `name`."""
        parse = BY_NAME[name].parse
        assert parse is not None  # every field of this form is editable
        return parse(text, self.tb.today())

    def _save_fields(self, names: Iterable[str], retry: bool = True) -> bool:
        """Save the edits in the fields `names`, all or none; whether that worked. On a bad
        value the typed text stays for the user to fix."""
        assert self.detail is not None
        values = self._values()
        edited = [n for n in names if values[n] != self.shown[n]]
        if not edited:
            return True
        changes: dict[str, Any] = {}
        try:
            for name in edited:
                new = self._change(name, values[name])
                try:
                    unchanged = new == self._change(name, self.shown[name])
                except DateParseError:
                    unchanged = False
                # `3.12.` for a due date that is already 2026-12-03 changes nothing stored.
                if not unchanged:
                    changes[name] = new
        except DateParseError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return False
        if not changes:
            self._show(self.detail, replace=edited)
            return True
        typed = values["assignee"] if "assignee" in changes else ""  # a new one: Enter twice
        sure = bool(typed) and bool(self.second_enter.enter(typed, None))
        try:
            row = self.tb.services.tasks.edit(
                self.key, TaskChanges(**changes), self.detail.task.version, new_people=sure
            )
        except UnknownPersonError as exc:
            self.second_enter.doubt(typed)
            self.notify(clean(f"{exc}: {AGAIN}"), severity="warning", markup=False)
            return False
        except ConflictError:
            self.load()  # someone else's change wins where it overlaps, and `load` says so
            kept = [name for name in edited if name in self._edited()]
            # Edits in fields the other change left alone are saved on top of it.
            return retry and bool(kept) and self._save_fields(kept, retry=False)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return False
        self.load(saved=edited, own_version=row.version)
        return True

    @on(Input.Submitted, ", ".join(f"#f-{name}" for name in INPUTS))
    def save_field(self, event: Input.Submitted) -> None:
        self._save_fields([(event.input.id or "").removeprefix("f-")])

    @on(Input.Blurred, ", ".join(f"#f-{name}" for name in INPUTS))
    def save_field_left(self, event: Input.Blurred) -> None:
        self._save_left((event.input.id or "").removeprefix("f-"))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "f-notes":
            self._save_left("notes")

    def _save_left(self, name: str) -> None:
        # Not when the whole terminal lost focus: the user is coming back to this field.
        if not self._leaving and self.app.app_focus and self.detail is not None:
            self._save_fields([name])

    @on(Select.Changed, "#f-priority")
    def save_priority(self, event: Select.Changed) -> None:
        # `_save_fields` compares with what was shown, so the Select announcing the value it
        # was built or filled with saves nothing.
        self._save_fields(["priority"])

    def action_save_notes(self) -> None:
        """Save the notes."""
        if "notes" in self._edited() and self._save_fields(["notes"]):
            self.notify("notes saved")

    def action_back(self) -> None:
        """Save your edits and go back."""
        if self.may_leave("press escape again to leave", "left"):
            self.dismiss(None)

    def may_leave(self, again: str, past: str) -> bool:
        """Save the unsaved edits before the screen goes (escape, quit, another board). Edits
        that cannot be saved keep it, once: the same way out again leaves without them."""
        values = self._values()
        pending = {name: values[name] for name in self._edited()} if self.detail else {}
        if pending and pending == self._refused:
            self.notify(f"{past} without saving your {_names(pending)}", markup=False)
        elif pending and not all([self._save_fields([name]) for name in pending]):
            # Each on its own: a bad date must not keep the good title from being saved.
            values = self._values()
            unsaved = {name: values[name] for name in self._edited()}
            if unsaved:
                # Stay rather than drop them: leaving is "save and go", not "discard".
                self._refused = unsaved
                them = "it" if len(unsaved) == 1 else "them"
                self.notify(
                    f"your {_names(unsaved)} {'is' if them == 'it' else 'are'} not saved: fix"
                    f" {them}, or {again} without {them}",
                    severity="warning",
                    markup=False,
                )
            # Without any left, someone else's change replaced them: stay, it is on screen.
            return False
        self._leaving = True  # the blur of its fields as it goes saves nothing more
        return True

    def action_toggle_done(self) -> None:
        """Mark the task done, or open again."""
        assert self.detail is not None
        try:
            row = self.tb.services.tasks.toggle_done(self.key, self.detail.task.version)
        except ConflictError as exc:
            if not self._edited():  # with edits, `load` tells of the change
                self.notify(clean(str(exc)), severity="warning", markup=False)
            self.load()
            return
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.load(own_version=row.version)

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

    def _run(self, call: Callable[[], object], field: Input) -> None:
        try:
            result = call()
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        field.value = ""
        # A link moves this task's version on by one: that is no change from elsewhere. More
        # than one, and someone else changed it too since it was read.
        own = None
        if (
            isinstance(result, TaskRow)
            and self.detail
            and (result.id, result.version) == (self.detail.task.id, self.detail.task.version + 1)
        ):
            own = result.version
        self.load(own_version=own)
