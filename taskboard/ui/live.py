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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.screens.base import TaskboardScreen

T = TypeVar("T")

# How long one wait on the feed lasts before the watcher looks whether it was cancelled:
# the bound on how long a closing screen's thread lingers.
WAIT_S = 0.25


class StoreChanged(Message):
    """The store changed since the screen last looked; `revision` is the feed's count."""

    def __init__(self, revision: int) -> None:
        super().__init__()
        self.revision = revision


def watch_store_changes(widget: Widget) -> Worker[None]:
    """Post `StoreChanged` to `widget` whenever the store changes, until the widget goes.

    Call it once the widget read what it shows. The first message comes at once, when the
    feed listens (a change may have come between that read and then); after that, one for
    every change (a burst may count once). The waiting happens in a thread worker of the
    widget's, cancelled with it; neither it nor this call does store I/O on the event loop,
    and it may be called before the app's services finished loading."""
    from taskboard.ui.app import TaskboardApp  # the app imports the screens, which import this

    app = widget.app
    assert isinstance(app, TaskboardApp)

    def watch() -> None:
        worker = get_current_worker()
        feed = app.services.changes  # waits here, not on the loop, while services load
        seen = feed.start()
        # What changed between the widget's read and the feed listening is not known:
        # one re-read to be sure, off the loop like every other.
        widget.post_message(StoreChanged(seen))
        while not worker.is_cancelled and not feed.closed:
            revision = feed.wait(seen, WAIT_S)
            if revision != seen and not worker.is_cancelled:
                seen = revision
                widget.post_message(StoreChanged(revision))

    return widget.run_worker(
        watch, name="store-changes", group="store-changes", thread=True, exclusive=True
    )


@dataclass(frozen=True)
class _Request:
    read: Callable[[], Any]
    show: Callable[[Any], None]
    failed: Callable[[Exception], None] | None
    revision: int | None  # the feed's revision that asked for it, if a change did


class ReadDone(Message):
    """A `reread` finished in its thread: the value read, or what went wrong."""

    def __init__(self, request: _Request, value: Any, error: Exception | None) -> None:
        super().__init__()
        self.request = request
        self.value = value
        self.error = error


class LiveScreen(TaskboardScreen):
    """A screen that re-reads what it shows whenever the store changes (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._reading = False
        self._next: _Request | None = None
        self._on_change: Callable[[], None] | None = None
        self._changed: int | None = None
        # The feed's revision whose re-read the screen has shown (or dropped as stale):
        # what a test waits for after a change elsewhere.
        self.shown_revision = -1

    def watch_changes(self, on_change: Callable[[], None]) -> None:
        """Call `on_change` on the event loop for every change of the store from now on;
        it reads again what the screen shows, with `reread`."""
        self._on_change = on_change
        watch_store_changes(self)

    def on_store_changed(self, message: StoreChanged) -> None:
        message.stop()
        if self._on_change is not None:
            self._changed = message.revision
            try:
                self._on_change()
            finally:
                self._changed = None

    def reread(
        self,
        read: Callable[[], T],
        show: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run `read` in a thread, then `show` its result here; `failed` (by default a
        notification) gets a refusal or a store fault instead. A newer call made while a
        read runs replaces any other waiting one, and the running read's result is dropped."""
        self._next = _Request(read, show, failed, self._changed)
        if not self._reading:
            self._start_next()

    def _start_next(self) -> None:
        request, self._next = self._next, None
        self._reading = request is not None
        if request is None:
            return

        def work() -> None:
            try:
                value, error = request.read(), None
            except Exception as exc:  # shown as a one-line notification, never a traceback
                value, error = None, exc
            self.post_message(ReadDone(request, value, error))

        self.run_worker(work, name="reread", group="reread", thread=True)

    def on_read_done(self, message: ReadDone) -> None:
        message.stop()
        request = message.request
        if self._next is None:  # nothing newer asked for: this is what to show
            if request.revision is not None:
                self.shown_revision = max(self.shown_revision, request.revision)
            if message.error is None:
                request.show(message.value)
            elif request.failed is not None:
                request.failed(message.error)
            else:
                self._refresh_failed(message.error)
        self._start_next()

    def _refresh_failed(self, error: Exception) -> None:
        if isinstance(error, ServiceError):
            self.notify(clean(str(error)), severity="warning", markup=False)
        else:
            self.notify(clean(str(error)), severity="error", markup=False)
