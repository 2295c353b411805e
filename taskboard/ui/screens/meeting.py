"""Meeting mode: live capture into the minutes, the agenda with its timers, then the minutes.

The pieces: `meeting_capture` (the capture line and the names it checks), `meeting_text`
(header, agenda and minutes rows), `meeting_attendees` (the attendees prompt) and
`meeting_minutes` (the minutes of an ended meeting).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, OptionList, Static

from taskboard.domain.meeting_views import Captured, MeetingItemView, MeetingView
from taskboard.domain.text import clean
from taskboard.services.errors import ImplausibleValueError, ServiceError, UnknownPersonError
from taskboard.ui.dialogs import ConfirmModal
from taskboard.ui.preview import AGAIN, KIND_LABEL, Known, meeting_check
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.screens.meeting_attendees import attendee_changes, attendees_prompt
from taskboard.ui.screens.meeting_capture import CaptureLine, Names, read_names, suggester
from taskboard.ui.screens.meeting_minutes import MinutesScreen
from taskboard.ui.screens.meeting_text import (
    agenda_text,
    header_text,
    item_option,
    item_signature,
)

__all__ = ["CaptureLine", "MeetingScreen", "MinutesScreen"]


class MeetingScreen(TaskboardScreen):
    """A running meeting: header, agenda, minutes, and the capture line."""

    @dataclass
    class LineSaved(Message):
        """A capture line is stored: what it made, and the meeting as stored now."""

        line: str
        captured: Captured
        meeting: MeetingView
        names: Names | None  # read again when the line made a person or a check-in

    @dataclass
    class LineRefused(Message):
        """The store refused a capture line; `doubt`: it only wants a second Enter."""

        line: str
        message: str
        doubt: bool

    CSS_PATH = "../styles/meeting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "next_topic",
            "Next topic",
            id="meeting.next_topic",
            tooltip="Mark the current topic discussed and start the next",
        ),
        Binding(
            "ctrl+z",
            "undo_item",
            "Undo item",
            id="meeting.undo",
            tooltip="Remove the last item and the task or check-in it made",
        ),
        Binding("up", "recall(-1)", "Recall", show=False, id="meeting.recall"),
        Binding("down", "recall(1)", "Newer line", show=False, id="meeting.recall_newer"),
        Binding("ctrl+up", "highlight_item(-1)", "Item up", show=False, id="meeting.item_up"),
        Binding("ctrl+down", "highlight_item(1)", "Item down", show=False, id="meeting.item_down"),
        Binding(
            "ctrl+t",
            "item_to_task",
            "Item → task",
            id="meeting.to_task",
            tooltip="Turn the highlighted note, decision or question into a task",
        ),
        Binding(
            "ctrl+a",
            "attendees",
            "Attendees",
            id="meeting.attendees",
            tooltip="Add (+handle) or remove (-handle) attendees",
        ),
        Binding(
            "ctrl+e",
            "end_meeting",
            "End meeting",
            id="meeting.end",
            tooltip="End the meeting, show the minutes and offer to export them",
        ),
        Binding(
            "escape",
            "leave",
            "Board",
            id="meeting.leave",
            tooltip="Back to the board; the meeting keeps running",
        ),
    ]

    def __init__(self, project: str | None, meeting_id: int | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.meeting_id = meeting_id
        self.meeting: MeetingView | None = None
        self.known = Known(project, {}, ())
        self.history: list[str] = []
        self.recalled = 0
        # The line whose warning (a new person, a check-in like a typo) was shown: Enter on
        # it once more goes ahead.
        self.doubted: str | None = None
        # Lines on their way to the store, saved one after the other in a worker; an action
        # keyed meanwhile (tab, ctrl+z, …) waits its turn here, so it acts on what came first.
        self._unsaved: deque[tuple[str, bool] | Callable[[], object]] = deque()
        self._saving = False
        # What the minutes list shows: (id, kind, key, key result, text) per item.
        self._painted_items: list[tuple[int, str, str | None, str | None, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="meeting-header", markup=False)
        with Horizontal(id="meeting-body"):
            with Vertical(id="agenda-pane"):
                yield Static("Agenda", classes="pane-title")
                yield Static("", id="agenda", markup=False)
            with Vertical(id="minutes-pane"):
                yield Static("Minutes", classes="pane-title")
                yield OptionList(id="minutes")
        yield CaptureLine(
            placeholder="type a task, d: decision, n: note, ? question, a: topic, kr KEY = value",
            id="capture",
        )
        yield Static("", id="capture-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        services = self.tb.services
        try:
            if self.meeting_id is None:
                # `m` again after escape goes back to the meeting it left running.
                running = services.meetings.running(self.project_key)
                if running is not None:
                    self.notify(
                        f"back in {clean(running.title)}, running since"
                        f" {running.started.astimezone():%a %H:%M}; ctrl+e ends it",
                        markup=False,
                    )
                self.meeting = running or services.meetings.start(project=self.project_key)
                self.meeting_id = self.meeting.id
            else:
                self.meeting = services.meetings.get(self.meeting_id)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            self.app.pop_screen()
            return
        self.project_key = self.meeting.project
        self._load_known()
        self.show(self.meeting)
        self.query_one("#capture", Input).focus()
        self._update_preview("")
        self.set_interval(1.0, self.tick, name="meeting-clock")

    # ---- state down ---------------------------------------------------------------------

    def _read_names(self) -> Names:
        """The names the capture line checks and completes (reads the store)."""
        return read_names(self.tb.services, self.project_key, self.tb.today())

    def _load_known(self) -> None:
        self._set_known(self._read_names())

    def _set_known(self, names: Names) -> None:
        self.known = names[0]
        self.query_one("#capture", Input).suggester = suggester(names)

    def show(self, meeting: MeetingView, highlight: int | None = None) -> None:
        """Paint the meeting: header, agenda, minutes; keep or move the minutes highlight."""
        self.meeting = meeting
        self._paint_header()
        self._paint_agenda()
        minutes = self.query_one("#minutes", OptionList)
        painted = self._painted_items
        items = [item_signature(i) for i in meeting.items]
        if items[: len(painted)] == painted and minutes.option_count == len(painted):
            # The usual case while capturing: items were only added, so only add those.
            minutes.add_options(item_option(i) for i in meeting.items[len(painted) :])
        else:
            minutes.clear_options()
            minutes.add_options(item_option(i) for i in meeting.items)
        self._painted_items = items
        if meeting.items:
            last = len(meeting.items) - 1
            minutes.highlighted = last if highlight is None else max(0, min(highlight, last))
            minutes.scroll_to_highlight()

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _paint_header(self) -> None:
        if self.meeting is not None:
            # One fixed-height line: no re-layout of the screen every second.
            header = self.query_one("#meeting-header", Static)
            header.update(header_text(self.meeting, self._now()), layout=False)

    def _paint_agenda(self) -> None:
        if self.meeting is not None:
            self.query_one("#agenda", Static).update(agenda_text(self.meeting, self._now()))

    def tick(self) -> None:
        """Once a second: the meeting's and the current topic's clocks."""
        self._paint_header()
        self._paint_agenda()

    # ---- capture -------------------------------------------------------------------------

    @on(Input.Changed, "#capture")
    def _typed(self, event: Input.Changed) -> None:
        self._update_preview(event.value)

    def _update_preview(self, line: str) -> None:
        checked = meeting_check(line, self.tb.today(), self.known)
        preview = self.query_one("#capture-preview", Static)
        preview.update(checked.content)
        preview.set_class(checked.error, "error")
        preview.set_class(checked.warning is not None, "warning")
        self.query_one("#capture", Input).set_class(checked.error, "error")

    @on(Input.Submitted, "#capture")
    def capture(self, event: Input.Submitted) -> None:
        """Store the line; a line the preview warns about needs a second Enter first."""
        line = event.value
        if not line.strip() or self.meeting_id is None:
            return
        checked = meeting_check(line, self.tb.today(), self.known)
        sure = line == self.doubted
        if checked.warning is not None and not sure:
            self.doubted = line
            self.app.bell()
            self.notify(clean(checked.warning), severity="warning", markup=False)
            return
        self.doubted = None
        self.history.append(line)
        self.recalled = 0
        if not checked.error:
            # Cleared at once, so the next line can be typed while this one is stored; a
            # line the store refuses comes back.
            event.input.value = ""
        self._unsaved.append((line, sure))
        self._save_next()

    def _save_next(self) -> None:
        while not self._saving and self._unsaved and self.meeting_id is not None:
            job = self._unsaved.popleft()
            if callable(job):
                job()
                continue
            self._saving = True
            line, sure = job
            self._save_line(self.meeting_id, line, sure)

    def _in_turn(self, action: Callable[[], object]) -> None:
        """Run `action` now, or after the lines still being saved."""
        self._unsaved.append(action)
        self._save_next()

    @work(thread=True, group="meeting-store", exit_on_error=False)
    def _save_line(self, meeting_id: int, line: str, sure: bool) -> None:
        """Store one line off the event loop; the answer comes back as a message."""
        services = self.tb.services
        try:
            captured = services.meetings.capture(meeting_id, line, new_people=sure, force=sure)
            meeting = services.meetings.get(meeting_id)
            names = None
            if captured.new_people or captured.item.kind == "checkin":
                names = self._read_names()
        except (UnknownPersonError, ImplausibleValueError) as exc:
            self.post_message(self.LineRefused(line, str(exc), doubt=True))
        except ServiceError as exc:
            self.post_message(self.LineRefused(line, str(exc), doubt=False))
        else:
            self.post_message(self.LineSaved(line, captured, meeting, names))

    @on(LineSaved)
    def _line_saved(self, event: LineSaved) -> None:
        self._saving = False
        for handle in event.captured.new_people:
            self.notify(f"new person @{handle}", markup=False)
        if event.names is not None:
            self._set_known(event.names)
        self.show(event.meeting)
        self._save_next()

    @on(LineRefused)
    def _line_refused(self, event: LineRefused) -> None:
        self._saving = False
        capture = self.query_one("#capture", Input)
        if not capture.value or capture.value == event.line:
            # The line stays for fixing (or for a second Enter); the preview says what is wrong.
            capture.value = event.line
            capture.cursor_position = len(event.line)
        if event.doubt:
            self.doubted = event.line
            self.notify(clean(f"{event.message}: {AGAIN}"), severity="warning", markup=False)
        else:
            self.notify(clean(event.message), severity="error", markup=False)
        self.app.bell()
        self._save_next()

    def refresh_meeting(self, highlight: int | None = None) -> None:
        assert self.meeting_id is not None
        self.show(self.tb.services.meetings.get(self.meeting_id), highlight)

    def action_recall(self, step: int) -> None:
        """Bring back an earlier line (up) or a newer one (down) to fix it."""
        if not self.history:
            return
        self.recalled = max(-len(self.history), min(0, self.recalled + step))
        capture = self.query_one("#capture", Input)
        capture.value = self.history[self.recalled] if self.recalled else ""
        capture.cursor_position = len(capture.value)

    def action_next_topic(self) -> None:
        """Mark the current topic discussed and start the next one."""
        self._in_turn(self._next_topic)

    def _next_topic(self) -> None:
        self._call(lambda mid: self.tb.services.meetings.next_topic(mid))

    def action_undo_item(self) -> None:
        """Remove the last minutes item and the task, check-in or topic it made."""
        self._in_turn(self._undo_item)

    def _undo_item(self) -> None:
        removed = self._call(lambda mid: self.tb.services.meetings.undo_last(mid))
        if isinstance(removed, MeetingItemView):
            made = f" and {removed.task_key}" if removed.task_key else ""
            self.notify(
                clean(
                    f"removed {KIND_LABEL.get(removed.kind, removed.kind)}{made}: {removed.text}"
                ),
                markup=False,
            )
            self._load_known()

    def action_highlight_item(self, step: int) -> None:
        """Move the minutes highlight while typing."""
        minutes = self.query_one("#minutes", OptionList)
        if minutes.option_count:
            current = minutes.highlighted if minutes.highlighted is not None else 0
            minutes.highlighted = max(0, min(minutes.option_count - 1, current + step))

    def action_item_to_task(self) -> None:
        """Turn the highlighted note, decision or question into a task."""
        self._in_turn(self._item_to_task)

    def _item_to_task(self) -> None:
        minutes = self.query_one("#minutes", OptionList)
        index = minutes.highlighted
        if index is None or self.meeting is None or not self.meeting.items:
            self.notify("no minutes item highlighted", severity="warning")
            return
        item = self.meeting.items[index]
        made = self._call(lambda _: self.tb.services.meetings.item_to_task(item.id), index)
        if made is not None and made.task is not None:
            self.notify(clean(f"{made.task.key} created from the {item.kind}"), markup=False)

    def _call(self, action: Callable[[int], Any], highlight: int | None = None) -> Any:
        """One service call on this meeting, then the stored state; errors become notices."""
        if self.meeting_id is None:
            return None
        try:
            result = action(self.meeting_id)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
            return None
        self.refresh_meeting(highlight)
        return result

    # ---- attendees -------------------------------------------------------------------------

    def action_attendees(self) -> None:
        """Add (+handle) or remove (-handle) attendees; several at once."""
        if self.meeting is not None:
            self.app.push_screen(
                attendees_prompt(self.meeting.attendees, self.known.handles),
                self._change_attendees,
            )

    def _change_attendees(self, text: str | None) -> None:
        if text:  # after the lines still being saved, so their answer cannot paint over it
            self._in_turn(lambda: self._store_attendees(text))

    def _store_attendees(self, text: str) -> None:
        meetings = self.tb.services.meetings
        for handle, remove in attendee_changes(text):
            self._call(
                lambda mid, h=handle, r=remove: (  # type: ignore[misc]
                    meetings.remove_attendee(mid, h) if r else meetings.add_attendee(mid, h)
                )
            )
        if text:
            self._load_known()

    # ---- leaving and ending ----------------------------------------------------------------

    def action_leave(self) -> None:
        """Back to the board; the meeting stays stored and running (`m` comes back to it)."""

        def leave(yes: bool | None) -> None:
            if not yes:
                return
            self.notify("the meeting keeps running: m comes back to it, ctrl+e ends it")
            if len(self.app.screen_stack) > 2:
                self.dismiss()
            else:  # nothing below to go back to: the board takes this screen's place
                from taskboard.ui.screens.board import BoardScreen

                if self.project_key:
                    self.app.switch_screen(BoardScreen(self.project_key))
                else:
                    self.tb.store.submit(
                        self.tb.start_project,
                        lambda key: self.app.switch_screen(BoardScreen(key)),
                    )

        if self.query_one("#capture", Input).value.strip() or self._unsaved:
            self.app.push_screen(
                ConfirmModal("Back to the board? The capture line is not saved yet."), leave
            )
        else:  # a line being saved is saved all the same
            leave(True)

    def action_end_meeting(self) -> None:
        """End the meeting, show the minutes and offer to export them."""
        if self.meeting_id is None or self.meeting is None:
            return
        meeting_id = self.meeting_id

        def end(yes: bool | None) -> None:
            if yes:  # after the lines still being saved
                self._in_turn(lambda: self._end(meeting_id))

        if self.query_one("#capture", Input).value.strip():
            self.app.push_screen(
                ConfirmModal("End the meeting? The capture line is not saved yet."), end
            )
        elif not self.meeting.items and not any(a.started for a in self.meeting.agenda):
            self.app.push_screen(
                ConfirmModal(
                    "End this meeting with nothing in its minutes? An empty meeting never"
                    " counts as the last one."
                ),
                end,
            )
        else:
            end(True)

    @work(thread=True, group="meeting-store", exit_on_error=False)
    def _end(self, meeting_id: int) -> None:
        try:
            self.tb.services.meetings.end(meeting_id)
        except ServiceError as exc:
            self.app.call_from_thread(self.notify, clean(str(exc)), severity="error", markup=False)
            return
        # The screen is built on the event loop's thread, like every widget.
        self.app.call_from_thread(
            lambda: self.app.switch_screen(MinutesScreen(meeting_id, offer_export=True))
        )
