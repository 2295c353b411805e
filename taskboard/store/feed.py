"""The change feed: "the store changed since revision N", for every open screen.

One feed per open store, one watcher thread behind it, started by the first subscriber:

- SQLite: `PRAGMA data_version` on a connection of the watcher's own, every `POLL_S`. The
  number changes when any *other* connection commits — the other processes, and this
  process's own pool connections too, since the watcher's connection is none of them. A
  commit made here also pokes the watcher (`Store.write`), so it needs no poll to be seen.
- PostgreSQL: `LISTEN` on a psycopg connection of the watcher's own; every write transaction
  sends `NOTIFY` before it commits (`Store.write`), so the notice arrives exactly when the
  change is visible and never for a change rolled back. A dropped connection is opened
  again (every change meanwhile counts as one), and while it cannot be, the watcher polls
  the store's revision instead.

The revision is a number of this process that only grows: a subscriber remembers the last
one it showed and waits for a different one. The feed never says *what* changed; screens
re-read what they show. Nothing here runs on the UI's event loop.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from taskboard.store.target import sqlite_path
from taskboard.store.writer import CHANNEL

__all__ = ["CHANNEL", "ChangeFeed"]
APPLICATION_NAME = "taskboard change feed"  # how the listener shows in pg_stat_activity
POLL_S = 0.1  # SQLite: how often the watcher asks for data_version
LISTEN_TIMEOUT_S = 0.25  # PostgreSQL: how long one wait for a notice lasts before it looks round
FALLBACK_POLL_S = 0.25  # PostgreSQL without its LISTEN connection: the revision poll
READY_TIMEOUT_S = 5.0  # how long `start` waits for the watcher's first look at the store
RECONNECT_S = (0.05, 0.2, 0.5, 1.0, 2.0)  # waits between attempts to LISTEN again

log = logging.getLogger(__name__)


class ChangeFeed:
    """Tells waiting threads that the store changed; safe to use from any thread.

    `revision` grows by one for every change seen (several changes close together may
    count once). `wait(since)` blocks until the revision differs from `since`, the
    timeout passes or the feed closes, and returns the revision then.
    """

    def __init__(self, engine: Engine, revision: Callable[[], int]) -> None:
        self._engine = engine
        self._store_revision = revision
        self._cond = threading.Condition()
        self._revision = 0
        self._closed = False
        self._poke = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.reconnects = 0  # how often the PostgreSQL listener had to connect again

    # ---- the subscriber's side ---------------------------------------------------------

    @property
    def revision(self) -> int:
        with self._cond:
            return self._revision

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> int:
        """Start watching the store (once; later calls do nothing) and return the revision.
        A subscriber calls this, reads what it shows, then waits from the revision returned:
        it returns once the watcher listens, so no change after it is missed."""
        with self._start_lock:
            if self._thread is None and not self._closed:
                path = sqlite_path(self._engine.url)
                if self._engine.dialect.name == "sqlite":
                    target: Callable[[], None] | None = (
                        (lambda: self._watch_sqlite(path)) if path is not None else None
                    )
                else:
                    target = self._watch_postgres
                if target is not None:  # an in-memory store has no other connection to hear
                    self._thread = threading.Thread(
                        target=self._run, args=(target,), name="taskboard-change-feed", daemon=True
                    )
                    self._thread.start()
        if self._thread is not None:
            self._ready.wait(READY_TIMEOUT_S)
        return self.revision

    def wait(self, since: int, timeout: float | None = None) -> int:
        """Block until the revision is not `since` (or `timeout` s passed, or the feed
        closed); the revision then."""
        with self._cond:
            self._cond.wait_for(lambda: self._revision != since or self._closed, timeout)
            return self._revision

    # ---- the store's side ----------------------------------------------------------------

    def committed(self) -> None:
        """A write transaction of this process committed: wake the watcher at once."""
        if self._thread is None:
            # Nobody watches (or an in-memory store): count it straight away.
            self._bump()
        else:
            self._poke.set()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._poke.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def _bump(self) -> None:
        with self._cond:
            self._revision += 1
            self._cond.notify_all()

    def _run(self, watch: Callable[[], None]) -> None:
        """Run the watcher until the feed closes; one that fails (a bug, a driver's surprise)
        is started again, and what it may have missed counts as a change."""
        while not self._closed:
            try:
                watch()
            except Exception:
                log.exception("change feed: the watcher failed; starting it again")
                self._ready.set()
                time.sleep(RECONNECT_S[-1])
                self._bump()

    # ---- SQLite ----------------------------------------------------------------------------

    def _watch_sqlite(self, path: Path) -> None:
        conn: sqlite3.Connection | None = None
        last: int | None = None
        try:
            conn = sqlite3.connect(path, timeout=1, isolation_level=None)
            last = int(conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            log.debug("change feed: %s", exc)
        self._ready.set()
        while not self._closed:
            poked = self._poke.wait(POLL_S)
            self._poke.clear()
            if self._closed:
                break
            try:
                if conn is None:
                    conn = sqlite3.connect(path, timeout=1, isolation_level=None)
                    last = None
                version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error as exc:  # the file went away or is locked for a moment
                log.debug("change feed: %s", exc)
                if conn is not None:
                    conn.close()
                    conn = None
                if poked:
                    self._bump()
                continue
            if last is None:
                last = version
                if poked:
                    self._bump()
                continue
            if version != last or poked:
                last = version
                self._bump()
        if conn is not None:
            conn.close()

    # ---- PostgreSQL --------------------------------------------------------------------------

    def _connect_args(self) -> tuple[list[Any], dict[str, Any]]:
        args, params = self._engine.dialect.create_connect_args(self._engine.url)
        return list(args), dict(params)

    def _watch_postgres(self) -> None:
        import psycopg

        attempt = 0
        first = True
        polled: int | None = None  # the revision the stand-in poll compares with
        while not self._closed:
            try:
                args, params = self._connect_args()
                params["autocommit"] = True
                params["application_name"] = APPLICATION_NAME
                # A connection that dies without a word (a laptop's network gone) is found
                # out by the keepalives within half a minute, and opened again.
                params.update(keepalives=1, keepalives_idle=10, keepalives_interval=5)
                params.setdefault("keepalives_count", 3)
                conn = psycopg.connect(*args, **params)
            except psycopg.Error as exc:
                log.debug("change feed: cannot LISTEN: %s", exc)
                # The poll stands in for the listener meanwhile (it says ready once it has
                # read the revision to compare with: a change after `start` is not missed).
                polled = self._poll_revision(
                    RECONNECT_S[min(attempt, len(RECONNECT_S) - 1)], polled
                )
                attempt += 1
                continue
            polled = None  # listening again: the reconnect's "changed" covers the gap
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                if not first:
                    # What changed while nobody listened is not known: say "changed" once.
                    self.reconnects += 1
                    self._bump()
                first, attempt = False, 0
                self._ready.set()
                self._listen(conn)
            except psycopg.Error as exc:
                log.debug("change feed: LISTEN connection lost: %s", exc)
                self._poll_revision(RECONNECT_S[0])
            finally:
                with contextlib.suppress(psycopg.Error):
                    conn.close()

    def _listen(self, conn: Any) -> None:
        while not self._closed:
            heard = False
            for _ in conn.notifies(timeout=LISTEN_TIMEOUT_S, stop_after=1):
                heard = True
            if heard:
                # A burst of changes (an import, a round of check-ins) counts once: take
                # what else is already queued without waiting.
                for _ in conn.notifies(timeout=0):
                    pass
                self._bump()
            elif self._poke.is_set():
                # A commit here sent a notice that has not come: make sure the connection
                # still works (a dead one raises, and is opened again).
                conn.execute("SELECT 1")
            self._poke.clear()

    def _poll_revision(self, seconds: float, before: int | None = None) -> int | None:
        """Without a LISTEN connection: poll the store's revision for `seconds`, comparing
        with `before` (the revision the previous poll ended on: a change between two polls
        is not missed); the revision it ended on."""
        deadline = time.monotonic() + seconds
        if before is None:
            try:
                before = self._store_revision()
            except Exception as exc:  # the server is away: nothing to compare with
                log.debug("change feed: cannot read the revision: %s", exc)
        self._ready.set()
        while not self._closed and time.monotonic() < deadline:
            poked = self._poke.wait(min(FALLBACK_POLL_S, max(deadline - time.monotonic(), 0)))
            self._poke.clear()
            try:
                now = self._store_revision()
            except Exception as exc:
                log.debug("change feed: cannot read the revision: %s", exc)
                now = None
            if poked or (now is not None and now != before):
                self._bump()
            if now is not None:
                before = now
        return before
