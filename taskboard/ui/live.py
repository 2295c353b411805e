"""Live screens: what the store holds stays on screen as anyone changes it, read off the loop.

A screen becomes live in two steps:

    class GoalsScreen(LiveScreen):
        def on_mount(self) -> None:
            ...
            self.watch_changes(self.store_changed)  # a thread waits on the change feed

        def store_changed(self) -> None:  # on the event loop, once per change seen
            self.reread(self.read_page, self.show_page)

`watch_changes` starts a thread worker that waits on `services.changes` (the change feed of
`taskboard.store.feed`) and posts `StoreChanged` to the screen when the store changed since
it last looked. `reread(read, show)` runs `read` in a thread worker and `show(result)` on the
event loop; one read at a time, and when several are asked for meanwhile only the newest
runs — a burst of changes costs one or two reads, never a queue. Keep cursors and scroll
positions in `show`: it replaces what is on screen with fresh data of the same shape.

A screen that cannot derive from `LiveScreen` (the board) uses the same two messages
through `watch_store_changes(widget)`: its thread posts `StoreChanged` to `widget`.

Who is in a meeting's room changes every few seconds (each open meeting screen's heartbeat)
and is not data: the feed counts it apart, and only a screen that shows the room asks for it
(`watch_changes(..., on_presence=...)`, `PresenceChanged`); every other screen sleeps
through the heartbeats. Its reads run in a lane of their own (`reread(..., lane=...)`), so
a heartbeat's read never takes the place of a read of the data.

A screen that writes and shows what its write gave back needs no re-read for its own
change: it brackets the write with `writing()` and `written(revision)`, the feed's revision
its answer covers (`covered_revision`, called in the write's thread). Changes the feed
tells of meanwhile wait for the writes to come back, and a re-read is made only for a
revision newer than what they covered. An answer that shows the write's own change alone
covers the revision only when no other change came with it (the meeting screen asks the
store, `MeetingReads.caught_up`); otherwise `written(revision, shown=False)` reads again
once the writes are back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.screens.base import TaskboardScreen

if TYPE_CHECKING:
    from taskboard.services import Services

T = TypeVar("T")

# How long one wait on the feed lasts before the watcher looks whether it was cancelled:
# the bound on how long a closing screen's thread lingers.
WAIT_S = 0.25
# How long a write's thread waits for the feed to count the write's own commit (the commit
# pokes the feed's watcher, so this is a bound, not a delay).
OWN_COMMIT_WAIT_S = 0.5


class StoreChanged(Message):
    """The store changed since the screen last looked; `revision` is the feed's count."""

    def __init__(self, revision: int) -> None:
        super().__init__()
        self.revision = revision


class PresenceChanged(Message):
    """Who is in a meeting's room changed (a heartbeat, a screen joining or leaving)."""


def watch_store_changes(widget: Widget, *, presence: bool = False) -> Worker[None]:
    """Post `StoreChanged` to `widget` whenever the store changes, until the widget goes.

    Call it once the widget read what it shows. The first message comes at once, when the
    feed listens (a change may have come between that read and then); after that, one for
    every change (a burst may count once). With `presence`, `PresenceChanged` too, for a
    change of who is in a meeting's room; without, those changes wake nothing. The waiting
    happens in a thread worker of the widget's, cancelled with it; neither it nor this call
    does store I/O on the event loop, and it may be called before the app's services
    finished loading."""
    from taskboard.ui.app import TaskboardApp  # the app imports the screens, which import this

    app = widget.app
    assert isinstance(app, TaskboardApp)

    def watch() -> None:
        worker = get_current_worker()
        feed = app.services.changes  # waits here, not on the loop, while services load
        feed.start()
        seen = feed.seen
        # What changed between the widget's read and the feed listening is not known:
        # one re-read to be sure, off the loop like every other.
        widget.post_message(StoreChanged(seen.revision))
        while not worker.is_cancelled and not feed.closed:
            if presence:
                now = feed.wait_seen(seen, WAIT_S)
            else:
                now = seen._replace(revision=feed.wait(seen.revision, WAIT_S))
            if worker.is_cancelled:
                break
            if now.revision != seen.revision:
                widget.post_message(StoreChanged(now.revision))
            elif presence and now.presence != seen.presence:
                widget.post_message(PresenceChanged())  # a re-read of the data shows it too
            seen = now

    return widget.run_worker(
        watch, name="store-changes", group="store-changes", thread=True, exclusive=True
    )


def covered_revision(services: Services, before: int) -> int:
    """In a write's thread, after its commit and before reading what it shows: the feed's
    revision that read will cover. `before` is `services.changes.revision` taken before the
    write; this waits (briefly) for the feed to count the commit."""
    return services.changes.wait(before, OWN_COMMIT_WAIT_S)


@dataclass(frozen=True)
class _Request:
    read: Callable[[], Any]
    show: Callable[[Any], None]
    failed: Callable[[Exception], None] | None
    revision: int | None  # the feed's revision that asked for it, if a change did
    lane: str


@dataclass
class _Lane:
    """One kind of re-read: one at a time, the newest asked for waiting."""

    reading: bool = False
    next: _Request | None = None


class ReadDone(Message):
    """A `reread` finished in its thread: the value read, or what went wrong; `answers`,
    how many own writes had come back when it started (`LiveScreen.written`)."""

    def __init__(
        self, request: _Request, value: Any, error: Exception | None, answers: int
    ) -> None:
        super().__init__()
        self.request = request
        self.value = value
        self.error = error
        self.answers = answers


class LiveScreen(TaskboardScreen):
    """A screen that re-reads what it shows whenever the store changes (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._lanes: dict[str, _Lane] = {}
        self._on_change: Callable[[], None] | None = None
        self._on_presence: Callable[[], None] | None = None
        self._changed: int | None = None
        # The feed's revision whose re-read the screen has shown (or dropped as stale):
        # what a test waits for after a change elsewhere.
        self.shown_revision = -1
        # Own writes on their way, the newest revision their answers covered, and the
        # newest change told of while they were on their way.
        self._writes = 0
        self._covered = -1
        self._held: int | None = None
        self._stale = False  # an own write's answer did not show all it came with
        # Own writes come back with an answer: a data read started before one of them
        # shows less than its answer did (a comment added: the task's version stays).
        self._answers = 0

    @property
    def reading(self) -> bool:
        """A re-read is running or waiting (tests wait for it)."""
        return any(lane.reading for lane in self._lanes.values())

    def watch_changes(
        self, on_change: Callable[[], None], on_presence: Callable[[], None] | None = None
    ) -> None:
        """Call `on_change` on the event loop for every change of the store from now on;
        it reads again what the screen shows, with `reread`. `on_presence`, for a screen
        that shows who is in a meeting's room: called when only that changed."""
        self._on_change = on_change
        self._on_presence = on_presence
        watch_store_changes(self, presence=on_presence is not None)

    def on_presence_changed(self, message: PresenceChanged) -> None:
        message.stop()
        if self._on_presence is not None:
            self._on_presence()

    def on_store_changed(self, message: StoreChanged) -> None:
        message.stop()
        self._changed_to(message.revision)

    def _changed_to(self, revision: int, *, stale: bool = False) -> None:
        if self._writes:  # an own write's answer may show this change: wait for it
            self._held = revision if self._held is None else max(self._held, revision)
            return
        if revision <= self._covered and not stale:  # shown already, by an own write's answer
            self.shown_revision = max(self.shown_revision, revision)
            return
        if self._on_change is not None:
            self._changed = revision
            try:
                self._on_change()
            finally:
                self._changed = None

    def writing(self) -> None:
        """An own write is on its way; changes told of meanwhile wait for `written`."""
        self._writes += 1

    def written(self, revision: int | None, *, shown: bool = True) -> None:
        """The write came back, its answer shown; `revision` is what that answer covers
        (`covered_revision`), None for a refusal. With `shown` False the answer did not
        show all that `revision` holds (another change came with the write): the screen
        reads again once its writes are back. A change held meanwhile and not covered is
        read now."""
        self._writes -= 1
        if revision is not None:
            self._answers += 1
        if revision is not None and shown:
            self._covered = max(self._covered, revision)
        elif revision is not None:
            self._stale = True
            self._held = revision if self._held is None else max(self._held, revision)
        if not self._writes and self._held is not None:
            held, self._held = self._held, None
            stale, self._stale = self._stale, False
            self._changed_to(held, stale=stale)

    def reread(
        self,
        read: Callable[[], T],
        show: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        lane: str = "data",
    ) -> None:
        """Run `read` in a thread, then `show` its result here; `failed` (by default a
        notification) gets a refusal or a store fault instead. A newer call of the same
        `lane` made while a read runs replaces any other waiting one, and the running
        read's result is dropped; reads of another lane (presence) go their own way."""
        state = self._lanes.setdefault(lane, _Lane())
        state.next = _Request(read, show, failed, self._changed, lane)
        if not state.reading:
            self._start_next(state)

    def _start_next(self, state: _Lane) -> None:
        request, state.next = state.next, None
        state.reading = request is not None
        if request is None:
            return

        answers = self._answers

        def work() -> None:
            try:
                value, error = request.read(), None
            except Exception as exc:  # shown as a one-line notification, never a traceback
                value, error = None, exc
            self.post_message(ReadDone(request, value, error, answers))

        self.run_worker(work, name=f"reread-{request.lane}", group="reread", thread=True)

    def on_read_done(self, message: ReadDone) -> None:
        message.stop()
        request = message.request
        state = self._lanes[request.lane]
        # A read of the data started before an own write came back is older than the
        # write's answer, which was read after it (the change that asked for the read is
        # in it: changes told of while writes are on their way wait for them): dropped.
        stale = request.lane == "data" and message.answers != self._answers
        if state.next is None and request.revision is not None:  # shown, or dropped as stale
            self.shown_revision = max(self.shown_revision, request.revision)
        if state.next is None and not stale:  # nothing newer asked for: this is what to show
            if message.error is None:
                request.show(message.value)
            elif request.failed is not None:
                request.failed(message.error)
            else:
                self._refresh_failed(message.error)
        self._start_next(state)

    def _refresh_failed(self, error: Exception) -> None:
        if isinstance(error, ServiceError):
            self.notify(clean(str(error)), severity="warning", markup=False)
        else:
            self.notify(clean(str(error)), severity="error", markup=False)
