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

Two numbers of this process that only grow: the *revision* counts changes of the data, the
*presence* count changes of who is in a meeting's room (`meeting_presence`: a heartbeat of
every open meeting screen every few seconds). A subscriber remembers the last one it showed
and waits for a different one; a screen that does not show who is in the room waits on the
revision alone, so heartbeats never make it read. The writer says which kind a transaction
is (`Store.write(kind=…)`): on PostgreSQL the notice carries it; on SQLite, where a
`data_version` only says "something changed", the watcher tells the kinds apart by the
newest activity row (every change of the data logs one) and a fingerprint of the presence
rows, and a change it cannot place counts as data — a screen may read once too often,
never miss a change. Nothing here runs on the UI's event loop.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

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

DATA = "data"  # a change of what screens show
PRESENCE = "presence"  # a meeting screen's heartbeat, joining or leaving the room
EVERY_KIND = frozenset({DATA, PRESENCE})
# SQLite: what tells the kinds of a change apart, read on the watcher's own connection
# when data_version moved. A change of the data always writes an activity row.
FINGERPRINT_SQL = (
    "SELECT (SELECT max(id) FROM activity),"
    " (SELECT count(*) FROM meeting_presence), (SELECT max(seen) FROM meeting_presence)"
)

log = logging.getLogger(__name__)


class Seen(NamedTuple):
    """Where a subscriber that follows both counts stands."""

    revision: int
    presence: int


def kinds_of(before: tuple[Any, ...] | None, after: tuple[Any, ...] | None) -> set[str]:
    """The kinds of change between two SQLite fingerprints (activity, presence...): data
    when the newest activity moved, or when nothing seen moved (a write the fingerprint
    cannot place counts as data); presence when the presence rows moved."""
    if before is None or after is None:
        return {DATA}
    kinds = set()
    if before[0] != after[0]:
        kinds.add(DATA)
    if before[1:] != after[1:]:
        kinds.add(PRESENCE)
    return kinds or {DATA}


class ChangeFeed:
    """Tells waiting threads that the store changed; safe to use from any thread.

    `revision` grows by one for every change of the data seen (several changes close
    together may count once), `presence` for every change of a meeting room's presence.
    `wait(since)` blocks until the revision differs from `since`, the timeout passes or
    the feed closes, and returns the revision then; `wait_seen` waits for either count.
    """

    def __init__(
        self,
        engine: Engine,
        revision: Callable[[], int],
        presence: Callable[[], object] | None = None,
    ) -> None:
        self._engine = engine
        self._store_revision = revision
        self._store_presence = presence
        self._cond = threading.Condition()
        self._revision = 0
        self._presence = 0
        self._closed = False
        self._poke = threading.Event()
        self._poked: set[str] = set()  # the kinds of this process's commits since last look
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
    def presence(self) -> int:
        with self._cond:
            return self._presence

    @property
    def seen(self) -> Seen:
        with self._cond:
            return Seen(self._revision, self._presence)

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

    def wait_seen(self, since: Seen, timeout: float | None = None) -> Seen:
        """Block until the revision or the presence count moved from `since` (or `timeout`
        s passed, or the feed closed); both then."""
        with self._cond:
            self._cond.wait_for(
                lambda: Seen(self._revision, self._presence) != since or self._closed, timeout
            )
            return Seen(self._revision, self._presence)

    # ---- the store's side ----------------------------------------------------------------

    def committed(self, kind: str = DATA) -> None:
        """A write transaction of this process (of `kind`) committed: wake the watcher at
        once."""
        if self._thread is None:
            # Nobody watches (or an in-memory store): count it straight away.
            self._bump({kind})
        else:
            with self._cond:
                self._poked.add(kind)
            self._poke.set()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._poke.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def _bump(self, kinds: set[str] | frozenset[str] = frozenset({DATA})) -> None:
        if not kinds:
            return
        with self._cond:
            if DATA in kinds:
                self._revision += 1
            if PRESENCE in kinds:
                self._presence += 1
            self._cond.notify_all()

    def _take_poked(self) -> set[str]:
        """The kinds of this process's commits since the last look (and forget them)."""
        self._poke.clear()
        with self._cond:
            kinds, self._poked = self._poked, set()
        return kinds

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
                self._bump(EVERY_KIND)

    # ---- SQLite ----------------------------------------------------------------------------

    def _watch_sqlite(self, path: Path) -> None:
        conn: sqlite3.Connection | None = None
        last: int | None = None  # data_version at the last look
        marks: tuple[Any, ...] | None = None  # the fingerprint then
        try:
            conn = sqlite3.connect(path, timeout=1, isolation_level=None)
            last = int(conn.execute("PRAGMA data_version").fetchone()[0])
            marks = _fingerprint(conn)
        except sqlite3.Error as exc:
            log.debug("change feed: %s", exc)
        self._ready.set()
        while not self._closed:
            self._poke.wait(POLL_S)
            poked = self._take_poked()
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
                self._bump(poked)
                continue
            if last is None:  # (connected again) what changed meanwhile is not known
                last, marks = version, _fingerprint(conn)
                self._bump(poked)
                continue
            if version != last:
                last, before, marks = version, marks, _fingerprint(conn)
                poked |= kinds_of(before, marks)
            self._bump(poked)
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
        polled: Seen | None = None  # what the stand-in poll compares with
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
                    self._bump(EVERY_KIND)
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
            kinds: set[str] = set()
            for notice in conn.notifies(timeout=LISTEN_TIMEOUT_S, stop_after=1):
                kinds.add(_kind(notice.payload))
            poked = self._take_poked()
            if kinds:
                # A burst of changes (an import, a round of check-ins) counts once: take
                # what else is already queued without waiting.
                for notice in conn.notifies(timeout=0):
                    kinds.add(_kind(notice.payload))
                self._bump(kinds)
            elif poked:
                # A commit here sent a notice that has not come: make sure the connection
                # still works (a dead one raises, and is opened again).
                conn.execute("SELECT 1")

    def _poll_revision(self, seconds: float, before: Seen | None = None) -> Seen | None:
        """Without a LISTEN connection: poll the store's revision (and its presence) for
        `seconds`, comparing with `before` (what the previous poll ended on: a change
        between two polls is not missed); what it ended on."""
        deadline = time.monotonic() + seconds
        if before is None:
            before = self._read_store()
        self._ready.set()
        while not self._closed and time.monotonic() < deadline:
            self._poke.wait(min(FALLBACK_POLL_S, max(deadline - time.monotonic(), 0)))
            kinds = self._take_poked()
            now = self._read_store()
            if now is not None and before is not None:
                if now.revision != before.revision:
                    kinds.add(DATA)
                if now.presence != before.presence:
                    kinds.add(PRESENCE)
            self._bump(kinds)
            if now is not None:
                before = now
        return before

    def _read_store(self) -> Seen | None:
        """The store's own revision and presence fingerprint (None: the server is away)."""
        try:
            presence = self._store_presence() if self._store_presence is not None else 0
            return Seen(self._store_revision(), hash(presence))
        except Exception as exc:
            log.debug("change feed: cannot read the revision: %s", exc)
            return None


def _kind(payload: str | None) -> str:
    """A notice's kind: presence when it says so, else data (an older writer says nothing)."""
    return PRESENCE if payload == PRESENCE else DATA


def _fingerprint(conn: sqlite3.Connection) -> tuple[Any, ...] | None:
    """SQLite: the newest activity row and the presence rows' count and newest heartbeat;
    None when it cannot be read (then a change counts as data)."""
    try:
        row = conn.execute(FINGERPRINT_SQL).fetchone()
    except sqlite3.Error as exc:
        log.debug("change feed: %s", exc)
        return None
    return tuple(row)
