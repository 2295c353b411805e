"""The open store: an engine plus read and write sessions, one transaction each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from taskboard.files import protect_store
from taskboard.store.engine import WRITE_OPTION, make_engine, use_wal
from taskboard.store.errors import StoreError, one_line, store_fault
from taskboard.store.feed import CHANNEL, DATA, ChangeFeed
from taskboard.store.migrate import migrate
from taskboard.store.target import mask, resolve_url, sqlite_path


def store_name(url: URL) -> str:
    """How messages name a store: its file for SQLite, the URL without password else."""
    path = sqlite_path(url)
    return str(path) if path is not None else mask(url)


class Store:
    """Hands out sessions; services own what happens inside them.

    A fault of the store's surroundings (a full disk, a read-only or damaged file, a
    server gone) raised inside a session becomes the StoreError that names it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._outside_transactions = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )
        self.backup_made: str | None = None
        self.name = store_name(engine.url)
        # Every write below tells it; screens wait on it (`taskboard.store.feed`).
        self.feed = ChangeFeed(engine, self.data_version, self.presence_version)

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def display_url(self) -> str:
        return mask(self.engine.url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self, kind: str = DATA) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any error.

        Every write of the program comes through here (use cases, imports, restore), so
        this is where the change feed hears of it: on PostgreSQL a NOTIFY inside the
        transaction, delivered by the server when — and only if — it commits; then the
        feed of this process is told at once. `kind` is what the feed says changed:
        `feed.PRESENCE` for a meeting room's heartbeats, which only the meeting screens
        follow; else the data."""
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
                if self.backend == "postgresql":
                    session.execute(
                        text("SELECT pg_notify(:channel, :kind)"),
                        {"channel": CHANNEL, "kind": "" if kind == DATA else kind},
                    )
        except Exception as exc:  # SQLAlchemy's DBAPIError, or the driver's own from a step
            fault = self.fault(exc)
            if fault is None:
                raise
            raise fault from exc
        self.feed.committed(kind)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read. A fault of the store is a StoreError, also when a reader used the
        session's DB-API connection directly (the driver's own error, not SQLAlchemy's)."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except Exception as exc:  # SQLAlchemy's DBAPIError, or the driver's own
            fault = self.fault(exc)
            if fault is None:
                raise
            raise fault from exc

    def fault(self, exc: BaseException) -> StoreError | None:
        """The StoreError a database error means here (a full disk, a damaged file, a
        server gone), or None when it is no fault of the surroundings (then a bug)."""
        return store_fault(exc, self.name, self.engine.url.password)

    def data_version(self) -> int:
        """A number that changes whenever any process commits a change to the store.

        Every change writes Activity rows, so the newest activity id serves on
        both backends and costs one index lookup. On PostgreSQL it is read outside a
        transaction: one round trip, not three (BEGIN, the read, ROLLBACK).
        """
        with self._outside_transactions.connect() as conn:
            value = conn.exec_driver_sql("SELECT max(id) FROM activity").scalar()
        return int(value or 0)

    def presence_version(self) -> tuple[object, ...]:
        """What changes whenever a meeting room's presence does (a heartbeat, a screen
        joining or leaving): for the change feed's stand-in poll."""
        with self._outside_transactions.connect() as conn:
            row = conn.exec_driver_sql("SELECT count(*), max(seen) FROM meeting_presence").one()
        return tuple(row)

    def close(self) -> None:
        self.feed.close()
        self.engine.dispose()


def open_store(target: str, *, upgrade: bool = True, retries: int = 3) -> Store:
    """Open (and create) the store at `target`, migrated to the schema this program knows.

    Every way this can fail for reasons outside the program — a file that is no
    database, a damaged one, a full disk, a server that cannot be reached, a bad
    setting in the URL — is a StoreError that names the store."""
    url = resolve_url(target)
    path = sqlite_path(url)
    name = store_name(url)
    if path is not None:
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a taskboard store")
        protect_store(path)  # no file this process writes may land on its store
    try:
        engine = make_engine(url)
    except OSError as exc:  # creating the file or its directory
        raise StoreError(f"cannot create {name}: {exc.strerror or exc}") from exc
    store = Store(engine)
    if upgrade:
        for attempt in range(retries):
            try:
                store.backup_made = migrate(engine)
                use_wal(engine)
                break
            except OperationalError as exc:
                if attempt < retries - 1 and "locked" in str(exc):
                    time.sleep(0.2 * (attempt + 1))
                    continue
                engine.dispose()
                raise _cannot_open(exc, name, url) from exc
            except DBAPIError as exc:
                engine.dispose()
                raise _cannot_open(exc, name, url) from exc
            except BaseException:
                engine.dispose()
                raise
    return store


def _cannot_open(exc: DBAPIError, name: str, url: URL) -> StoreError:
    fault = store_fault(exc, name, url.password)
    if fault is not None:
        return fault
    # No known fault: still the store's own answer to being opened, so say it plainly.
    reason = one_line(str(exc.orig))
    if url.password:
        reason = reason.replace(url.password, "***")
    return StoreError(f"cannot open {name}: {reason}")
