"""Engine creation with the SQLite pragmas the design asks for and `BEGIN IMMEDIATE` writes."""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, create_engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool

from taskboard.store.target import sqlite_path

# Execution option that marks a connection whose transactions will write.
WRITE_OPTION = "taskboard_write"
BUSY_TIMEOUT_MS = 30_000
# A pooled PostgreSQL connection idle this long is checked before use (`ping_when_idle`).
PING_AFTER_IDLE_S = 1.0
_IDLE_SINCE = "taskboard_idle_since"


def create_sqlite_file(path: os.PathLike[str] | str) -> None:
    """Create an empty store file readable by its owner only (mode 0600)."""
    os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def use_wal(engine: Engine) -> None:
    """Put a SQLite store in WAL mode (a no-op when it is), once it is known to be ours."""
    if engine.dialect.name == "sqlite" and sqlite_path(engine.url) is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    engine = create_engine(url, pool_size=2, max_overflow=4)
    ping_when_idle(engine)
    return engine


def ping_when_idle(engine: Engine, idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Check a pooled connection before use when it has been idle for `idle_s` or longer.

    A server restarted or a connection dropped while it sat in the pool is found here and
    replaced, as `pool_pre_ping` would; but a connection handed back a moment ago is used
    as it is, which saves a round trip per transaction — a tenth of a second behind a
    distant server, on a board write that runs three of them back to back."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_s:
            return  # new, or used a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if not engine.dialect.is_disconnect(exc, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            raise DisconnectionError("the pooled connection was dropped")  # the pool retries


def _sqlite_engine(url: URL) -> Engine:
    path = sqlite_path(url)
    kwargs: dict[str, Any] = {}
    if path is None:
        # One shared connection, or every session would see its own empty database.
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        create_sqlite_file(path)
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            # WAL is a lasting property of the file: set it on a new, empty one here, and on
            # an existing store once it proved to be taskboard's (`use_wal`). Switching any
            # file at connect time would rewrite the header of a file that may be another
            # program's database.
            if cursor.execute("PRAGMA page_count").fetchone()[0] == 0:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write takes the lock up front: a deferred transaction that later
        # upgrades to a writer fails at once with "database is locked".
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
