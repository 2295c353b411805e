"""Meeting mode: live capture into the minutes, the agenda with its timers, then the minutes.

Every store call runs off the event loop: writes through the app's store queue, in the
order typed; re-reads when the store changes in the live screen's reader thread.

The pieces: `meeting_room` (opening and following a meeting shared with other screens,
who is in the room, its end), `meeting_capture` (the capture line and the names it
checks), `meeting_text` (header, agenda and minutes rows), `meeting_attendees` (the
attendees prompt) and `meeting_minutes` (the minutes of an ended meeting).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static

from taskboard.domain.meeting_views import (
    Captured,
    MeetingEdit,
    MeetingItemView,
    MeetingView,
    room_line,
)
from taskboard.domain.text import clean
from taskboard.services.errors import ImplausibleValueError, ServiceError, UnknownPersonError
from taskboard.ui.dialogs import ConfirmModal
from taskboard.ui.line_check import AGAIN, SecondEnter
from taskboard.ui.preview import KIND_LABEL, Known, meeting_check
from taskboard.ui.screens.meeting_attendees import attendee_changes, attendees_prompt
from taskboard.ui.screens.meeting_capture import CaptureLine, Names, suggester
from taskboard.ui.screens.meeting_minutes import MinutesScreen
from taskboard.ui.screens.meeting_room import MeetingRoom, Written
from taskboard.ui.screens.meeting_text import (
    agenda_text,
    header_text,
    item_option,
    item_signature,
    waiting_text,
)

if TYPE_CHECKING:
    from taskboard.services import Services


__all__ = ["CaptureLine", "MeetingScreen", "MinutesScreen"]


class MeetingScreen(MeetingRoom):
    """A running meeting: header, agenda, minutes, and the capture line."""

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
        super().__init__(project, meeting_id)
        self.known = Known(project, {}, ())
        self.tags: list[str] = []
        self.history: list[str] = []
        self.recalled = 0
        # A line with a warning (a new person, a check-in like a typo) needs Enter twice.
        self.second_enter = SecondEnter()
        # Lines sent to the store and not back yet (saved in the order typed).
        self.unsaved = 0
        # What the minutes list shows: (id, kind, key, key result, text) per item.
        self._painted_items: list[tuple[int, str, str | None, str | None, str]] = []
        # The lines typed and not back from the store yet, in the order typed, with their
        # numbers: the newest shows in the waiting row below the minutes (`waiting_text`).
        self._waiting: list[tuple[int, str]] = []
        self._lines_sent = 0
        self._painted_agenda: Content | None = None
        self._painted_header: Content | None = None

    def compose(self) -> ComposeResult:
        yield Static("Opening the meeting…", id="meeting-header", markup=False)
        with Horizontal(id="meeting-body"):
            with Vertical(id="agenda-pane"):
                yield Static("Agenda", classes="pane-title")
                yield Static("", id="agenda", markup=False)
            with Vertical(id="minutes-pane"):
                yield Static("Minutes", classes="pane-title")
                yield OptionList(id="minutes")
                yield Static("", id="waiting", markup=False)
        yield CaptureLine(
            placeholder="type a task, d: decision, n: note, ? question, a: topic, kr KEY = value",
            id="capture",
        )
        yield Static("", id="capture-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#capture", Input).focus()
        self._update_preview("")
        self.open_room()

    def opened(self, meeting: MeetingView, names: Names) -> None:
        self._set_known(names)
        self.show(meeting)
        self.set_interval(1.0, self.tick, name="meeting-clock")

    # ---- state down ---------------------------------------------------------------------

    def _set_known(self, names: Names) -> None:
        self.known, self.tags = names
        self.query_one("#capture", Input).suggester = suggester(names)

    def handles_read(self, handles: tuple[str, ...]) -> None:
        if handles != self.known.handles:  # someone made a person: this line knows them too
            self._set_known((replace(self.known, handles=handles), self.tags))

    def show(self, meeting: MeetingView, highlight: int | None = None) -> None:
        """Paint the meeting: header, agenda, minutes. The highlight goes to a new last item,
        to `highlight` when given, and otherwise stays where it was."""
        self.meeting = meeting
        self._paint_header()
        self._paint_agenda()
        minutes = self.query_one("#minutes", OptionList)
        painted = self._painted_items
        items = [item_signature(i) for i in meeting.items]
        same = items == painted and minutes.option_count == len(painted)
        grew = items[: len(painted)] == painted and minutes.option_count == len(painted)
        before = minutes.highlighted
        if not same:
            if grew:  # the usual case while capturing: items were only added
                minutes.add_options(item_option(i) for i in meeting.items[len(painted) :])
            else:
                minutes.clear_options()
                minutes.add_options(item_option(i) for i in meeting.items)
            self._painted_items = items
        if meeting.items and (highlight is not None or not same):
            last = len(meeting.items) - 1
            if highlight is None:
                highlight = last if grew or before is None else before
            minutes.highlighted = max(0, min(highlight, last))
            minutes.scroll_to_highlight()

    def _show_typed(self, line: str) -> int:
        """The typed line below the minutes at once, until the store answers; its number.

        It is not a row of the minutes list: a row taken out of Textual's option list makes
        it draw every row again, and each row added or taken out lays out the screen. The
        waiting row is one line, always there; the line's item is then added to the list,
        once."""
        self._lines_sent += 1
        self._waiting.append((self._lines_sent, line))
        self._paint_waiting()
        return self._lines_sent

    def _typed_back(self, number: int | None) -> None:
        """Typed line `number` is back from the store (stored or refused)."""
        if number is not None:
            self._waiting = [(n, line) for n, line in self._waiting if n != number]
            self._paint_waiting()

    def _paint_waiting(self) -> None:
        if self.is_attached:
            text = waiting_text([line for _, line in self._waiting])
            self.query_one("#waiting", Static).update(text, layout=False)

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _paint_header(self) -> None:
        if self.meeting is not None:
            # One fixed-height line: no re-layout of the screen every second.
            room = room_line(self.meeting.present, self.session)
            text = header_text(self.meeting, self._now(), room)
            if text != self._painted_header:
                self._painted_header = text
                self.query_one("#meeting-header", Static).update(text, layout=False)

    def room_changed(self) -> None:
        """Who is in the room changed (read on its own): the header says so."""
        self._paint_header()

    def _paint_agenda(self) -> None:
        if self.meeting is not None:
            text = agenda_text(self.meeting, self._now())
            if text != self._painted_agenda:  # (most lines leave the agenda as it is)
                self._painted_agenda = text
                # Its pane's size is fixed: no layout of the screen for it.
                self.query_one("#agenda", Static).update(text, layout=False)

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
        preview.update(checked.content, layout=False)  # two lines high, always
        preview.set_class(checked.error, "error")
        preview.set_class(checked.warning is not None, "warning")
        self.query_one("#capture", Input).set_class(checked.error, "error")

    @on(Input.Submitted, "#capture")
    def capture(self, event: Input.Submitted) -> None:
        """Store the line; a line the preview warns about needs a second Enter first."""
        line = event.value
        meeting_id = self.meeting_id
        if not line.strip() or meeting_id is None or self.closed:
            return
        capture = self.query_one("#capture", CaptureLine)
        checked = meeting_check(line, self.tb.today(), self.known)
        sure = self.second_enter.enter(line, checked.warning)
        if sure is None:
            capture.give_back(line)
            self.app.bell()
            self.notify(clean(checked.warning or ""), severity="warning", markup=False)
            return
        self.history.append(line)
        self.recalled = 0
        if checked.error:
            # The line comes back for fixing (the capture line cleared it on Enter, so that
            # the next line can be typed while this one is stored); the preview says why.
            capture.give_back(line)
        # Shown at once below the minutes; its stored item joins them when the store answers.
        row = None if checked.error else self._show_typed(line)

        def save(services: Services, mid: int) -> tuple[Captured, MeetingEdit]:
            captured = services.meetings.capture(mid, line, new_people=sure, force=sure)
            return captured, captured.edit

        self.unsaved += 1
        self.writing()
        self.tb.store.submit(
            self.write_job(save),
            lambda saved: self._line_saved(row, saved),
            lambda exc: self._refused(row, line, exc),
        )

    def _line_saved(self, row: int | None, saved: Written[Captured]) -> None:
        self.unsaved -= 1
        self._typed_back(row)
        captured = saved.result
        for handle in captured.new_people:
            self.notify(f"new person @{handle}", markup=False)
        if not self.closed and self.is_attached:
            self._know_made(captured)
        self.show_written(saved)

    def _know_made(self, captured: Captured) -> None:
        """What the capture line checks, as the line left it (instead of reading the names
        again): the people it made, and a key result's value after its check-in."""
        known, check_in = self.known, captured.item.check_in
        if captured.new_people:
            known = replace(known, handles=tuple(sorted({*known.handles, *captured.new_people})))
        if check_in is not None and check_in.key_result in known.key_results:
            kr = replace(known.key_results[check_in.key_result], current=check_in.new)
            known = replace(known, key_results={**known.key_results, kr.key: kr})
        if known is not self.known:
            self._set_known((known, self.tags))

    def _refused(self, row: int | None, line: str, exc: ServiceError) -> None:
        self.unsaved -= 1
        self._typed_back(row)
        self.written(None)
        if self.closed or not self.is_attached:
            return
        if self.meeting is not None and self.ended_meanwhile(exc):
            # Ended elsewhere before this line reached the store: the feed's re-read closes
            # the screen and says so, naming the line.
            self.lost = line
            self.store_changed()
            return
        # The line comes back for fixing (or for a second Enter); the preview says why.
        self.query_one("#capture", CaptureLine).give_back(line)
        if isinstance(exc, (UnknownPersonError, ImplausibleValueError)):
            self.second_enter.doubt(line)
            self.notify(clean(f"{exc}: {AGAIN}"), severity="warning", markup=False)
        else:
            self.notify(clean(str(exc)), severity="error", markup=False)
        self.app.bell()

    def action_recall(self, step: int) -> None:
        """Bring back an earlier line (up) or a newer one (down) to fix it."""
        if not self.history:
            return
        self.recalled = max(-len(self.history), min(0, self.recalled + step))
        capture = self.query_one("#capture", Input)
        capture.value = self.history[self.recalled] if self.recalled else ""
        capture.cursor_position = len(capture.value)

    # ---- agenda, undo, item → task -------------------------------------------------------

    def action_next_topic(self) -> None:
        """Mark the current topic discussed and start the next one."""

        def next_topic(services: Services, mid: int) -> tuple[object, MeetingEdit]:
            services.meetings.next_topic(mid)
            return None, MeetingEdit(agenda=services.meetings.agenda(mid))

        self.call(next_topic)

    def action_undo_item(self) -> None:
        """Remove the last minutes item and the task, check-in or topic it made."""
        names = self.names_job()

        def undo(services: Services, mid: int) -> tuple[tuple[MeetingItemView, Names], MeetingEdit]:
            removed = services.meetings.undo_last(mid)
            # (the agenda too: the line may have added a topic)
            edit = MeetingEdit(removed=removed.id, agenda=services.meetings.agenda(mid))
            return (removed, names(services)), edit

        def undone(result: tuple[MeetingItemView, Names]) -> None:
            removed, known = result
            made = f" and {removed.task_key}" if removed.task_key else ""
            kind = KIND_LABEL.get(removed.kind, removed.kind)
            self.notify(clean(f"removed {kind}{made}: {removed.text}"), markup=False)
            if self.is_attached:
                self._set_known(known)

        self.call(undo, undone)

    def action_highlight_item(self, step: int) -> None:
        """Move the minutes highlight while typing."""
        minutes = self.query_one("#minutes", OptionList)
        if minutes.option_count:
            current = minutes.highlighted if minutes.highlighted is not None else 0
            minutes.highlighted = max(0, min(minutes.option_count - 1, current + step))

    def action_item_to_task(self) -> None:
        """Turn the highlighted note, decision or question into a task."""
        # After the lines still being saved: the highlight is on what they made.
        self.tb.store.after(self._item_to_task)

    def _item_to_task(self) -> None:
        if not self.is_attached:
            return
        index = self.query_one("#minutes", OptionList).highlighted
        if index is None or self.meeting is None or index >= len(self.meeting.items):
            self.notify("no minutes item highlighted", severity="warning")
            return
        item = self.meeting.items[index]

        def made(captured: Captured) -> None:
            if captured.task is not None:
                self.notify(
                    clean(f"{captured.task.key} created from the {item.kind}"), markup=False
                )

        def to_task(services: Services, _: int) -> tuple[Captured, MeetingEdit]:
            captured = services.meetings.item_to_task(item.id)
            return captured, captured.edit

        self.call(to_task, made, index)

    # ---- attendees -------------------------------------------------------------------------

    def action_attendees(self) -> None:
        """Add (+handle) or remove (-handle) attendees; several at once."""
        if self.meeting is not None:
            self.app.push_screen(
                attendees_prompt(self.meeting.attendees, self.known.handles),
                self._change_attendees,
            )

    def _change_attendees(self, text: str | None) -> None:
        if not text:
            return
        for handle, remove in attendee_changes(text):

            def attend(
                services: Services, mid: int, handle: str = handle, remove: bool = remove
            ) -> tuple[object, MeetingEdit]:
                meetings = services.meetings
                if remove:
                    changed = meetings.remove_attendee(mid, handle)
                else:
                    changed = meetings.add_attendee(mid, handle)
                return None, MeetingEdit(attendees=changed.attendees)

            self.call(attend)
        self.tb.store.submit(self.names_job(), self._names_read)

    def _names_read(self, names: Names) -> None:
        if self.is_attached:
            self._set_known(names)

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

        if self.query_one("#capture", Input).value.strip():
            self.app.push_screen(
                ConfirmModal("Back to the board? The capture line is not saved yet."), leave
            )
        else:  # a line being saved is saved all the same
            leave(True)

    def action_end_meeting(self) -> None:
        """End the meeting, show the minutes and offer to export them."""
        if self.meeting_id is None or self.meeting is None or self.closed:
            return

        def end(yes: bool | None) -> None:
            if yes:  # after the lines still being saved
                self.tb.store.after(self.end_meeting)

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
