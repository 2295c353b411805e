"""What every screen of one meeting shares with the others that have it open.

A meeting is one shared thing: the typist's screen, the one on the projector and a second
typist's in another process show the same items in the same order, and its end everywhere.
`MeetingRoom` is that part of the meeting screen: it opens (joins) the meeting off the event
loop, follows the store's change feed (`LiveScreen`), says it is there with a heartbeat row
(`meetings.join`, see `HEARTBEAT_S`; the feed counts heartbeats apart from the data, and
only the room's header reads them again), leaves the room when it closes, and when the meeting
ends — here or elsewhere — puts the minutes in its place. Its store calls go through the
app's store queue (in the order asked); its re-reads run in the live screen's reader thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.screen import Screen

from taskboard.domain.meeting_views import HEARTBEAT_S, MeetingEdit, MeetingView, Presence
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.live import LiveScreen, covered_revision
from taskboard.ui.screens.meeting_capture import Names, read_names
from taskboard.ui.screens.meeting_minutes import MinutesScreen

if TYPE_CHECKING:
    from taskboard.services import Services

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written(Generic[T]):
    """An own write's answer: the service's `result`, what it changed of the meeting as
    shown (`edit`), the store's revision before it (`since`) and after it when it was the
    only change since (`now`, else None: `MeetingReads.caught_up`), and the feed's
    revision that the answer covers (`covered`)."""

    result: T
    edit: MeetingEdit
    since: int
    now: int | None
    covered: int


class MeetingRoom(LiveScreen):
    """The shared part of a meeting screen; the screen itself paints (`opened`, `show`)."""

    def __init__(self, project: str | None, meeting_id: int | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.meeting_id = meeting_id
        self.meeting: MeetingView | None = None
        # This screen in the room: the id of its heartbeat row.
        self.session = uuid.uuid4().hex
        # A line the store refused because the meeting had ended meanwhile.
        self.lost: str | None = None
        self.ending = False  # this screen asked the store to end the meeting
        self.closed = False  # left, or the end is shown: nothing more to do here

    # ---- what the screen paints: `MeetingScreen` defines these ----------------------------

    if TYPE_CHECKING:

        def opened(self, meeting: MeetingView, names: Names) -> None:
            """The meeting is open: paint it and what the capture line knows."""

        def show(self, meeting: MeetingView, highlight: int | None = None) -> None:
            """Paint the meeting as stored now."""

        def handles_read(self, handles: tuple[str, ...]) -> None:
            """The people's handles as stored now, for the capture line to check."""

        def room_changed(self) -> None:
            """Who is in the room (`self.meeting.present`) changed: paint the header."""

    # ---- opening and following -------------------------------------------------------------

    def open_room(self) -> None:
        """Open the meeting (`m` on a board joins the project's running one, or starts one)
        and join its room; the screen calls this once mounted."""
        project, meeting_id, session = self.project_key, self.meeting_id, self.session
        names = self.names_job()

        def open_meeting(services: Services) -> tuple[MeetingView, bool, Names]:
            if meeting_id is None:
                meeting, back = services.meetings.join_running(project, session)
            else:
                meeting, back = services.meetings.get(meeting_id), False
                if meeting.ended is None:
                    meeting = services.meetings.join(meeting.id, session)
            return meeting, back, names(services)

        self.tb.store.submit(open_meeting, self._opened, self._not_opened)

    def names_job(self) -> Callable[[Services], Names]:
        """A store call that reads the names the capture line checks and completes."""
        project, today = self.project_key, self.tb.today()
        return lambda services: read_names(services, project, today)

    def _not_opened(self, exc: ServiceError) -> None:
        self.notify(clean(str(exc)), severity="error", markup=False)
        if self.is_attached and self.app.screen is self:
            self.app.pop_screen()

    def _opened(self, opened: tuple[MeetingView, bool, Names]) -> None:
        meeting, back, names = opened
        self.meeting_id, self.project_key = meeting.id, meeting.project
        if not self.is_attached:  # closed while it opened: out of the room again
            self._leave_room()
            return
        if back:
            self.notify(
                f"back in {clean(meeting.title)}, running since"
                f" {meeting.started.astimezone():%a %H:%M}; ctrl+e ends it",
                markup=False,
            )
        self.opened(meeting, names)
        if meeting.ended is None:
            self.set_interval(HEARTBEAT_S, self._heartbeat, name="meeting-heartbeat")
            self.watch_changes(self.store_changed, self.presence_changed)

    def presence_changed(self) -> None:
        """Only who is in the room changed (a heartbeat, a screen joining or leaving): read
        that alone, for the header."""
        meeting_id = self.meeting_id
        if meeting_id is None or self.closed:
            return

        def read() -> tuple[Presence, ...]:
            return self.tb.services.meetings.present(meeting_id)

        self.reread(read, self._present_read, lane="presence")

    def _present_read(self, present: tuple[Presence, ...]) -> None:
        if self.closed or not self.is_attached or self.meeting is None:
            return
        if present != self.meeting.present:
            self.meeting = replace(self.meeting, present=present)
            self.room_changed()

    def store_changed(self) -> None:
        """Someone (here or elsewhere) changed the store: read the meeting again, and the
        people's handles (a line elsewhere may have made a person)."""
        meeting_id = self.meeting_id
        if meeting_id is None or self.closed:
            return

        def read() -> tuple[MeetingView, tuple[str, ...]]:
            services = self.tb.services
            return services.meetings.get(meeting_id), tuple(services.people.handles())

        self.reread(read, self._read_back)

    def _read_back(self, read: tuple[MeetingView, tuple[str, ...]]) -> None:
        meeting, handles = read
        if self.closed or not self.is_attached:
            return
        if meeting.ended is not None and not self.ending:
            self._ended_elsewhere(meeting)
            return
        self.handles_read(handles)
        if self.meeting is None or meeting.revision >= self.meeting.revision:
            self.show(meeting)  # (an older read than an own write's answer shown is dropped)

    def _heartbeat(self) -> None:
        """Still here: this screen's row of the room, written in a thread of its own (a
        line being saved does not wait for it, nor it for a line)."""
        meeting_id, session = self.meeting_id, self.session
        if meeting_id is None or self.closed:
            return
        services = self.tb.services

        def beat() -> None:
            try:
                services.meetings.join(meeting_id, session)
            except Exception as exc:  # ended meanwhile, or the store away for a moment
                log.debug("meeting heartbeat: %s", exc)

        self.run_worker(beat, name="meeting-heartbeat", group="meeting-heartbeat", thread=True)

    def on_unmount(self) -> None:
        self._leave_room()

    def _leave_room(self) -> None:
        meeting_id, session = self.meeting_id, self.session
        if meeting_id is not None and not self.closed:
            self.closed = True
            self.tb.store.submit(lambda s: s.meetings.leave(meeting_id, session), quiet=True)

    # ---- the end -----------------------------------------------------------------------------

    def _ended_elsewhere(self, meeting: MeetingView) -> None:
        by = f" by {meeting.ended_by}" if meeting.ended_by else ""
        lost = f"; not saved: {self.lost}" if self.lost else ""
        self.notify(
            clean(f"{meeting.title} was ended{by}: here are its minutes{lost}"),
            severity="warning",
            markup=False,
            timeout=10,
        )
        self._close_with(MinutesScreen(meeting.id))

    def _close_with(self, minutes: MinutesScreen) -> None:
        """The minutes take this screen's place (and that of any dialog open over it)."""
        self.closed = True
        if not self.is_attached:
            return
        stack = self.app.screen_stack
        if self not in stack:
            return
        for screen in reversed(stack[stack.index(self) + 1 :]):
            if isinstance(screen, Screen):
                self.app.pop_screen()
        self.app.switch_screen(minutes)

    def ended_meanwhile(self, exc: ServiceError) -> bool:
        """The store refused because the meeting has ended (elsewhere, not seen here yet)."""
        return str(exc) == f"meeting {self.meeting_id} has ended"

    def end_meeting(self) -> None:
        """End the meeting (after the calls asked before); the minutes replace the screen
        here and offer an export, and every other screen of it follows with a message."""
        meeting_id = self.meeting_id
        if meeting_id is None or self.closed:
            return
        self.ending = True

        def ended(_: Any) -> None:
            self._close_with(MinutesScreen(meeting_id, offer_export=True))

        def refused(exc: ServiceError) -> None:
            self.ending = False
            self.warn(exc)

        self.tb.store.submit(lambda s: s.meetings.end(meeting_id), ended, refused)

    # ---- writes of this screen's own ---------------------------------------------------------

    def write_job(
        self, action: Callable[[Services, int], tuple[T, MeetingEdit]]
    ) -> Callable[[Services], Written[T]]:
        """A store call that runs `action` on this meeting (a write, and what it changed of
        the meeting as shown) and finds out whether that change was the store's only one
        since the revision before it: then `show_written` shows it without reading again."""
        meeting_id = self.meeting_id
        assert meeting_id is not None

        def job(services: Services) -> Written[T]:
            before = services.changes.revision
            since = services.meetings.revision()
            result, edit = action(services, meeting_id)
            # What the feed will tell of this write: the answer shows it, no re-read for it.
            covered = covered_revision(services, before)
            return Written(result, edit, since, services.meetings.caught_up(since), covered)

        return job

    def show_written(self, written: Written[Any], highlight: int | None = None) -> None:
        """An own write is back (`writing` was called before it): the meeting shown with its
        change made. When the store holds nothing else new since the meeting shown, that is
        the meeting as stored; else (a change elsewhere came between) it is read again once
        the screen's writes are back."""
        meeting, now = self.meeting, written.now
        if meeting is None or (now is not None and meeting.revision >= now):
            # Not open yet (its first read shows it), or a read shown meanwhile has it.
            self.written(written.covered, shown=meeting is not None)
            return
        complete = now is not None and meeting.revision == written.since
        meeting = meeting.edited(
            written.edit, now if now is not None and complete else meeting.revision
        )
        if self.closed or not self.is_attached:
            self.meeting = meeting
        else:
            self.show(meeting, highlight)
        self.written(written.covered, shown=complete)

    def call(
        self,
        action: Callable[[Services, int], tuple[T, MeetingEdit]],
        done: Callable[[T], object] | None = None,
        highlight: int | None = None,
    ) -> None:
        """One write on this meeting after those asked before, then the meeting shown with
        what it changed; a refusal becomes a notice."""
        if self.meeting_id is None or self.closed:
            return

        def shown(written: Written[T]) -> None:
            self.show_written(written, highlight)
            if done is not None:
                done(written.result)

        def refused(exc: ServiceError) -> None:
            self.written(None)
            self.warn(exc)

        self.writing()
        self.tb.store.submit(self.write_job(action), shown, refused)

    def warn(self, exc: ServiceError) -> None:
        """A refused call: said as a warning; one refused for the meeting's end closes the
        screen with the end's message."""
        if self.ended_meanwhile(exc):
            self.store_changed()
            return
        self.notify(clean(str(exc)), severity="warning", markup=False)
