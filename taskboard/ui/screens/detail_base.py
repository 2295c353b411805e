"""The task detail's form and its way to the store: the read that fills it, the re-read when
the store changes, and the writes, each in the app's store queue (never on the event loop).

The screen opens with its key and "loading…"; the form shows once the first read is in.
Writes go one at a time in the order asked (the store queue's order), each with a read of the
task right after it in the same worker; the version a write expects is the one the writes of
this screen asked before it left (`_version_after_own`), so a second edit typed while the
first is on its way does not conflict with it, and a change made elsewhere meanwhile still
does. A way out asked while writes are on their way (escape, quit, another board) is taken
once they are stored, and dropped when one is refused: the person stays with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widgets import Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from taskboard.domain.enums import Priority
from taskboard.domain.text import clean
from taskboard.domain.views import TaskDetail, TaskRow
from taskboard.services.errors import ConflictError, ServiceError
from taskboard.ui.dialogs import TokenSuggester
from taskboard.ui.live import LiveScreen, covered_revision
from taskboard.ui.screens.detail_text import (
    FIELDS,
    HINTS,
    INPUTS,
    comments_text,
    field_names,
    history_text,
    key_line,
    links_text,
    shown_values,
    state_line,
    subtask_line,
)
from taskboard.ui.widgets.hinted import HintedInput
from taskboard.ui.widgets.ordered_input import LineInput

if TYPE_CHECKING:
    from taskboard.services import Services

T = TypeVar("T")
PRIORITIES = [p.value for p in Priority]
# The keys besides characters that edit the title before it shows (see `on_key`).
EARLY_EDITS = ("backspace", "ctrl+u")


@dataclass(frozen=True)
class Wrote(Generic[T]):
    """A write of the screen, as its worker saw it: the service's answer (None when the task
    had changed since the version it expected: `conflict`), the task read right after, the
    version the write started from, and the feed's revision that read covers."""

    result: T | None
    fresh: TaskDetail
    base: int
    covered: int | None
    conflict: ConflictError | None = None


@dataclass(frozen=True)
class Leaving:
    """A way out asked while writes were on their way: taken once they are stored."""

    again: str  # how to go anyway ("press escape again to leave")
    then: Callable[[], object]


def labelled(label: str, name: str) -> Vertical:
    """A one-line field `#f-NAME` under its label, empty until the task is read."""
    return Vertical(Label(label), HintedInput("", HINTS[name], id=f"f-{name}"))


class DetailBase(LiveScreen):
    """The task detail's form, its reads and its writes (see the module)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.detail: TaskDetail | None = None
        # What each field was last filled with: a field whose value differs holds an edit of
        # the user's. Comparing with the stored value instead would count the control
        # characters `shown_values` removed as an edit, and write them away unasked.
        self.shown: dict[str, str] = {}
        # The text of each field asked to be saved and not yet back from the store.
        self.saving: dict[str, str] = {}
        # The unsaved edits that kept the last escape here: escape again with them leaves.
        self._refused: dict[str, str] | None = None
        self._leaving = False
        self._wait_to_leave: Leaving | None = None
        self._in_flight = 0
        # The version each write of this screen started from → the version it left.
        self._own: dict[int, int] = {}
        # Keys typed before the first read came in: the title's, once it shows.
        self._early: list[str] = []

    @property
    def writes_pending(self) -> int:
        """Writes of this screen asked for and not yet back from the store."""
        return self._in_flight

    def compose(self) -> ComposeResult:
        # Nothing is read here: the form waits, hidden, for the first read (`_opened`).
        with VerticalScroll(id="detail"):
            yield Static(Content(f"{clean(self.key)}  ·  loading…"), id="detail-key")
            with Vertical(id="detail-form"):
                yield HintedInput("", HINTS["title"], id="f-title")
                with Horizontal(classes="fields"):
                    yield labelled("Assignee", "assignee")
                    yield labelled("Start", "start")
                    yield labelled("Due", "due")
                    with Vertical():
                        yield Label("Priority")
                        yield Select(
                            [(p, p) for p in PRIORITIES], id="f-priority", allow_blank=False
                        )
                with Horizontal(classes="fields"):
                    yield labelled("Tags", "tags")
                    yield labelled("Key result", "key_result")
                    yield labelled("Repeats", "recurrence")
                yield Static("", id="detail-state", markup=False)
                yield Label("Notes (Markdown; ctrl+s saves, leaving saves too)")
                yield TextArea("", language="markdown", id="f-notes", soft_wrap=True)
                yield Label("Subtasks (ctrl+t ticks, ctrl+↑/↓ reorder)")
                yield OptionList(id="subtasks")
                yield LineInput(id="new-subtask", placeholder="+ add a subtask and press enter")
                yield Label("Dependencies")
                yield Static("", id="deps", markup=False)
                yield LineInput(id="new-dep", placeholder="blocked by KEY (enter); -KEY removes")
                yield Label("Comments")
                yield Static("", id="comments", markup=False)
                yield LineInput(id="new-comment", placeholder="write a comment and press enter")
                yield Label("History")
                yield Static("", id="history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-form").display = False
        for name in INPUTS:
            # A field is saved when left: a value selected on focus would be replaced, and
            # saved, by the first key typed into it by mistake.
            self.query_one(f"#f-{name}", Input).select_on_focus = False
        key = self.key
        self.tb.store.submit(
            lambda s: (s.tasks.detail(key), s.people.handles()), self._opened, self._not_opened
        )

    def on_key(self, event: events.Key) -> None:
        # Enter on the board and typing at once: what is typed before the task is read goes
        # into the title when it shows, in order (keys typed after come after the read).
        if self.detail is None and (event.is_printable or event.key in EARLY_EDITS):
            event.stop()
            event.prevent_default()
            self._early.append(
                event.character if event.character and event.is_printable else event.key
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Until the task is read there is nothing to save, tick or mark: only the way back.
        return self.detail is not None or action == "back" or None

    def _opened(self, read: tuple[TaskDetail, list[str]]) -> None:
        detail, handles = read
        if self._leaving or not self.is_attached:
            return
        self.detail = detail
        self.shown = values = shown_values(detail)
        assignee = self.query_one("#f-assignee", Input)
        assignee.suggester = TokenSuggester({"": [clean(h) for h in handles]})
        select = self.query_one("#f-priority", Select)
        with select.prevent(Select.Changed):
            # A value none of the four (a hand-edited store) is shown, not a crash.
            if values["priority"] not in PRIORITIES:
                select.set_options([(p, p) for p in [*PRIORITIES, values["priority"]]])
            select.value = values["priority"]
        self._show(detail, replace=FIELDS)  # every field, from empty
        self.query_one("#detail-form").display = True
        title = self.query_one("#f-title", Input)
        title.focus()
        for key in self._early:
            if key == "backspace":
                title.action_delete_left()
            elif key == "ctrl+u":
                title.action_delete_left_all()
            else:
                title.insert_text_at_cursor(key)
        self._early.clear()
        self.refresh_bindings()
        self.watch_changes(self.store_changed)
        self._written(True)  # a way out asked meanwhile: save what was typed, then go

    def _not_opened(self, error: ServiceError) -> None:
        self.notify(clean(str(error)), severity="error", markup=False)
        if self.is_attached and not self._leaving:
            self._leaving = True
            self.dismiss(None)
            # A way out asked while loading (keys typed, then ctrl+q): nothing to save now.
            waiting, self._wait_to_leave = self._wait_to_leave, None
            if waiting is not None:
                self.call_later(waiting.then)

    # ---- reading ------------------------------------------------------------------------------

    def store_changed(self) -> None:
        """The store changed: read the task again in a thread, then show what is new."""
        tasks, key = self.tb.services.tasks, self.key

        def show(detail: TaskDetail) -> None:
            # Not after leaving, nor when nothing changed (a repaint would only move what is
            # on screen), nor a read older than what a change made here showed since, nor
            # while own writes are on their way: each brings a read made after it.
            current = self.detail
            if self._leaving or self._in_flight or current is None or detail == current:
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
        """Show `detail`, read just now. Unsaved edits stay, except in the `saved` fields,
        and unless the task was changed elsewhere: then the fresh values replace them, with a
        notification. `own_version` is the version a change made here left the task at."""
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
                    f" values, not your unsaved {field_names(lost)}",
                    severity="warning",
                    markup=False,
                )
            replace |= changed
        self.detail = detail
        self._show(detail, replace)

    def _show(self, detail: TaskDetail, replace: Collection[str]) -> None:
        """Fill the screen from `detail`; a field with an unsaved edit keeps it unless named in
        `replace`."""
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
        self.query_one("#detail-key", Static).update(Content(key_line(detail)))
        self.query_one("#detail-state", Static).update(Content(state_line(detail, self.tb.today())))
        subtasks = self.query_one("#subtasks", OptionList)
        highlighted = subtasks.highlighted
        subtasks.clear_options()
        subtasks.add_options(
            Option(Content(subtask_line(s.done, s.key, s.title)), id=s.key) for s in detail.subtasks
        )
        if highlighted is not None and detail.subtasks:
            subtasks.highlighted = min(highlighted, len(detail.subtasks) - 1)
        self.query_one("#deps", Static).update(Content(links_text(detail)))
        self.query_one("#comments", Static).update(Content(comments_text(detail)))
        self.query_one("#history", Static).update(Content(history_text(detail)))

    def _values(self) -> dict[str, str]:
        """What each field holds now."""
        values = {name: self.query_one(f"#f-{name}", Input).value for name in INPUTS}
        values["priority"] = str(self.query_one("#f-priority", Select).value)
        values["notes"] = self.query_one("#f-notes", TextArea).text
        return values

    def _edited(self) -> list[str]:
        """The fields whose value differs from what they were filled with, or from the text
        on its way to the store (typed back to what was shown before that text is stored:
        the text typed last is what the person wants, not the one on its way)."""
        if self.detail is None:
            return []
        return [
            name
            for name, value in self._values().items()
            if value != self.shown[name] or (name in self.saving and value != self.saving[name])
        ]

    # ---- writing ------------------------------------------------------------------------------

    def _version_after_own(self, version: int) -> int:
        """The version the writes of this screen left a task seen at `version` at."""
        while version in self._own:
            version = self._own[version]
        return version

    def write(
        self,
        call: Callable[[Services, int], T],
        done: Callable[[Wrote[T]], bool],
        refused: Callable[[ServiceError], None],
        *,
        checked: bool = False,
    ) -> None:
        """Run `call(services, version)` in the store queue, after every call asked before,
        and read the task again right after it in the same worker; `version` is the one the
        writes asked before left. On the event loop then: `done(wrote)` (also for a stale
        version, with `conflict` set), which says whether it stored what was asked, or
        `refused(refusal)`. `checked`: the call refuses a changed version, so the version its
        answer has is wholly this write's."""
        assert self.detail is not None
        asked, key = self.detail.task.version, self.key
        self._in_flight += 1
        self.writing()

        def run(services: Services) -> Wrote[T]:
            # After the writes asked before came back (the queue's order): their versions
            # are known by now, and nothing else changes `_own` meanwhile.
            base = self._version_after_own(asked)
            before = services.changes.revision
            try:
                result = call(services, base)
            except ConflictError as exc:
                return Wrote(None, services.tasks.detail(key), base, None, exc)
            covered = covered_revision(services, before)
            return Wrote(result, services.tasks.detail(key), base, covered)

        def finished(wrote: Wrote[T]) -> None:
            self._in_flight -= 1
            row = wrote.result
            # A link moves this task's version on by one: that is no change from elsewhere.
            # More than one, and someone else changed it too meanwhile.
            if self._is_this_task(row) and (checked or row.version == wrote.base + 1):
                self._own[wrote.base] = row.version
            stored = done(wrote) if self.is_attached else True
            self.written(wrote.covered)
            self._written(stored)

        def failed(error: ServiceError) -> None:
            self._in_flight -= 1
            if self.is_attached:
                refused(error)
            self.written(None)
            self._written(False)

        self.tb.store.submit(run, finished, failed)

    def own_version(self, wrote: Wrote[Any]) -> int | None:
        """The version `wrote` left the task at, when nothing but it changed the task."""
        row = wrote.result
        if self._is_this_task(row) and self._own.get(wrote.base) == row.version:
            return row.version
        return None

    def _is_this_task(self, row: object) -> TypeGuard[TaskRow]:
        return (
            isinstance(row, TaskRow) and self.detail is not None and row.id == self.detail.task.id
        )

    def refusal(self, error: ServiceError, severity: SeverityLevel = "error") -> None:
        """Say why the store refused a write, in one line."""
        self.notify(clean(str(error)), severity=severity, markup=False)

    def _written(self, stored: bool) -> None:
        """A write came back: a way out waiting for the writes goes once all are stored,
        and is dropped when one was not (its handler said why)."""
        waiting = self._wait_to_leave
        if waiting is None or self._leaving:
            return
        if not stored:
            self._wait_to_leave = None
        elif not self._in_flight:
            self._wait_to_leave = None
            waiting.then()
