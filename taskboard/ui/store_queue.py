"""Store calls off the event loop: one at a time, in the order they were asked for, each in a
Textual thread worker that posts its outcome back to the app.

The services themselves may still be loading (the board paints from a snapshot first): calls
asked for meanwhile wait in the queue, never the event loop, and run once they are in. One
call at a time keeps writes in order: a second key on a card runs after the first one's
write has come back, and sees its result.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message

from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError

if TYPE_CHECKING:
    from textual.app import App

    from taskboard.services import Services


# How long a store call waits at most for the frame asked for before it to be drawn (s).
FRAME_WAIT = 0.05


class NotReady(RuntimeError):
    """The services are still loading; ask the store queue instead of waiting for them."""


@dataclass
class Job:
    """One store call, or (`call` None) a point in the queue where `done` runs on the loop."""

    call: Callable[[Services], Any] | None
    done: Callable[[Any], object] | None = None
    failed: Callable[[ServiceError], None] | None = None
    # The live poll: a store that went away for a moment is tried again next time.
    quiet: bool = False


class StoreDone(Message):
    """A job's outcome, posted from its worker thread to the app."""

    def __init__(self, job: Job, result: Any, error: BaseException | None) -> None:
        super().__init__()
        self.job = job
        self.result = result
        self.error = error


class ServicesLoaded(Message):
    """The loader's outcome, posted from its worker thread to the app."""

    def __init__(self, services: Services | None, error: BaseException | None) -> None:
        super().__init__()
        self.services = services
        self.error = error


class StoreQueue:
    """The app's one way to the store: `submit` a call, get its result on the event loop."""

    def __init__(
        self,
        app: App[Any],
        services: Services | None,
        loader: Callable[[], Services] | None,
    ) -> None:
        self.app = app
        self.services = services
        self.loader = loader
        self.pending: deque[Job] = deque()
        self.running: Job | None = None
        self.loading = False
        self.failed_to_load = False

    @property
    def ready(self) -> bool:
        return self.services is not None

    @property
    def idle(self) -> bool:
        """Nothing asked for is still to come back (tests wait for this)."""
        return self.ready and self.running is None and not self.pending

    def submit(
        self,
        call: Callable[[Services], Any],
        done: Callable[[Any], object] | None = None,
        failed: Callable[[ServiceError], None] | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """Run `call(services)` after everything asked before; `done(result)` or
        `failed(refusal)` then run on the event loop. Any other exception is a bug and is
        raised on the event loop (unless `quiet`)."""
        self.pending.append(Job(call, done, failed, quiet))
        self._next()

    def after(self, callback: Callable[[], object]) -> None:
        """Run `callback` on the event loop once the services are in and every call asked
        for before has come back: at once when nothing is pending."""
        if self.idle:
            callback()
            return
        self.pending.append(Job(None, lambda _: callback()))
        self._next()

    def start_loading(self) -> None:
        """Load the services in a thread (after the first paint); calls wait until then."""
        if self.services is not None or self.loading or self.loader is None:
            return
        self.loading = True
        self.app.run_worker(
            self._load, thread=True, name="load-services", group="store", exit_on_error=False
        )

    def _load(self) -> None:
        assert self.loader is not None
        try:
            services = self.loader()
        except BaseException as exc:  # said on the event loop, which ends the app
            self.app.post_message(ServicesLoaded(None, exc))
            return
        self.app.post_message(ServicesLoaded(services, None))

    def loaded(self, message: ServicesLoaded) -> None:
        """On the event loop: the services are in (or failed: nothing queued will run)."""
        self.loading = False
        if message.services is None:
            self.failed_to_load = True
            self.pending.clear()
            return
        self.services = message.services
        self._next()

    def _next(self) -> None:
        while self.running is None and self.pending and self.services is not None:
            job = self.pending.popleft()
            if job.call is None:  # a marker: its callback runs now, in turn
                if job.done is not None:
                    job.done(None)
                continue
            self.running = job
            # The frame that shows a key's effect goes first: a store call running beside it
            # would take turns with it for the GIL, and the key would show later.
            painted = threading.Event()
            if not self.app.call_after_refresh(painted.set):
                painted.set()
            self.app.run_worker(
                partial(self._work, job, self.services, painted),
                thread=True,
                name="store",
                group="store",
                exit_on_error=False,
            )

    def _work(self, job: Job, services: Services, painted: threading.Event) -> None:
        assert job.call is not None
        painted.wait(FRAME_WAIT)  # never longer: a call must not hang on a frame
        try:
            result = job.call(services)
        except BaseException as exc:  # handed to the event loop, which decides
            self.app.post_message(StoreDone(job, None, exc))
            return
        self.app.post_message(StoreDone(job, result, None))

    def finished(self, message: StoreDone) -> None:
        """On the event loop: hand the outcome to the job's callbacks, then start the next."""
        job = message.job
        self.running = None
        try:
            if message.error is None:
                if job.done is not None:
                    job.done(message.result)
            elif isinstance(message.error, ServiceError):
                if job.failed is not None:
                    job.failed(message.error)
                elif not job.quiet:
                    self.app.notify(clean(str(message.error)), severity="error", markup=False)
            elif not job.quiet:
                raise message.error
        finally:
            self._next()
