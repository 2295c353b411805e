"""A plain DB-API connection for writing: the one connection the write steps run over.

The write steps (`taskboard.services.ops`) are plain SQL with `?` placeholders over a
`Writer`, which is either

- the DB-API connection of a SQLAlchemy session (`Writer.of_session`): the services'
  transaction, the ORM flushed before each statement and the rows it holds of a table a
  statement updated expired after it, so both sides see one state; or
- a connection of its own (`writing`), opened like the plain reader's but for one write
  transaction: `taskboard add`, `done`, `move` and `edit` import no SQLAlchemy.

Values are handed to the driver as SQLAlchemy would store them: naive UTC times (text
on SQLite), dates as ISO text on SQLite. Stdlib only at import; the driver is imported
when a store of its kind is opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from taskboard.store.connect import (
    BUSY_TIMEOUT,
    NotReadable,
    ReadConnection,
    postgres_conninfo,
    sqlite_file,
)
from taskboard.store.revisions import head_revision

# The channel every write transaction notifies on PostgreSQL (`taskboard.store.feed`).
CHANNEL = "taskboard_changes"
NOTIFY = "SELECT pg_notify(?, '')"
# The table a statement writes; an UPDATE or DELETE also makes the session read the rows of
# it that it holds again.
_WRITES = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def stored(value: object, backend: str) -> object:
    """A value as the store keeps it: times naive UTC (SQLite: text), dates ISO text on
    SQLite; anything else as it is."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        naive = (value if value.tzinfo is UTC else value.astimezone(UTC)).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if backend == "sqlite" else naive
    if isinstance(value, date) and backend == "sqlite":
        return value.isoformat()
    return value


# Values the drivers take as they are: most of a write's, passed on without a call each.
_AS_THEY_ARE = frozenset({str, int, float, bool, bytes, type(None)})


def stored_row(values: Sequence[object], backend: str) -> tuple[object, ...]:
    """`stored` of each value (an insert of 10,000 tasks has 200,000 of them)."""
    plain = _AS_THEY_ARE
    return tuple([v if v.__class__ in plain else stored(v, backend) for v in values])


# Where a SQLAlchemy session keeps its writer (`Writer.of_session`): (transaction, writer).
_OF_SESSION = "taskboard_writer"
# Where a SQLAlchemy session keeps the columns it read, per project id (`lookup.columns_of`).
SESSION_COLUMNS = "taskboard_columns"
# Parameters in one statement: below SQLite's 32,766 and PostgreSQL's 65,535.
_MAX_PARAMS = 30_000


@dataclass
class Writer(ReadConnection):
    """One DB-API connection inside one write transaction (see the module's note).

    `cache` keeps what a transaction reads more than once and nobody else changes in it
    (a project's columns), under the name of the table it is read from: a statement that
    writes that table forgets it, and so does any ORM write of the session (`forget_read`)."""

    before: Callable[[], None] | None = None
    changed: Callable[[str], None] | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    forgot: Callable[[], None] | None = None

    def forget(self) -> None:
        """What this transaction read and kept is stale now (a column was added): the
        cache, and what the session over this connection keeps, are read again."""
        self.cache.clear()
        if self.forgot is not None:
            self.forgot()

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement that returns no rows; how many rows it changed."""
        cursor = self._execute(sql, params)
        count = int(cursor.rowcount)
        cursor.close()
        self._changed(sql)
        return count

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        if self.before is not None:
            self.before()
        values = [stored_row(row, self.backend) for row in rows]
        cursor = self.raw.cursor()
        if self.backend == "postgresql":
            # One pipeline, one round trip; unprepared, as in `_execute`.
            sql = sql.replace("?", "%s")
            with self.raw.pipeline():
                for row in values:
                    cursor.execute(sql, row, prepare=False)
        else:
            cursor.executemany(sql, values)
        cursor.close()
        self._changed(sql)

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        returning: str = "",
    ) -> list[tuple[Any, ...]]:
        """INSERT `rows` into `table` as multi-row VALUES, a statement per thousand rows; the
        RETURNING rows, if `returning` names columns (in no promised order).

        Not `executemany`: that runs a statement per row, and on SQLite each statement's
        savepoint for the search triggers flushes the FTS5 index, ten times the cost of the
        insert itself."""
        found: list[tuple[Any, ...]] = []
        size = max(1, min(1000, _MAX_PARAMS // max(1, len(columns))))
        one = f"({', '.join('?' * len(columns))})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        tail = f" RETURNING {returning}" if returning else ""
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = head + ", ".join([one] * len(chunk)) + tail
            params = [v for row in chunk for v in row]
            if returning:
                found += self.returning(sql, params)
            else:
                self.execute(sql, params)
        return found

    def returning(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of an INSERT or UPDATE … RETURNING."""
        cursor = self._execute(sql, params)
        found = cursor.fetchall()
        cursor.close()
        self._changed(sql)
        return list(found)

    def _execute(self, sql: str, params: Sequence[object]) -> Any:
        if self.before is not None:
            self.before()
        values = stored_row(params, self.backend)
        cursor = self.raw.cursor()
        if self.backend == "postgresql":
            # Never prepared: a connection with prepared statements follows every ROLLBACK
            # (the end of each read session) with a DEALLOCATE ALL, one more round trip.
            cursor.execute(sql.replace("?", "%s"), values, prepare=False)
        else:
            cursor.execute(sql, values)
        return cursor

    def _send(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Any]]:
        # One statement at a time: a pipeline inside a session's transaction gains little.
        return [self._execute(sql, params).fetchall() for sql, params in statements]

    def _changed(self, sql: str) -> None:
        found = _WRITES.match(sql)
        if found is None:
            return
        table = found.group(2).lower()
        self.cache.pop(table, None)
        if self.changed is not None and not found.group(1).upper().startswith("INSERT"):
            self.changed(table)

    @classmethod
    def of_session(cls, session: Any) -> Writer:
        """The writer over a SQLAlchemy session's connection, in its transaction; one per
        session and connection. The session is flushed before each statement, and the
        objects it holds of a table an UPDATE or DELETE changed are expired after it."""
        connection = session.connection()
        raw = connection.connection.driver_connection
        # One writer per transaction: its cache must not outlive a commit.
        transaction = session.get_transaction()
        known = session.info.get(_OF_SESSION)
        if known is not None and known[0] is transaction and known[1].raw is raw:
            return known[1]  # type: ignore[no-any-return]

        def changed(table: str) -> None:
            # By the mapper's table: a class attribute lookup on every SQLModel object made
            # undo of a large batch (an UPDATE per task) quadratic in the objects held.
            for state in list(session.identity_map.all_states()):
                obj = state.obj()
                if obj is not None and state.mapper.local_table.name == table:
                    session.expire(obj)

        def before() -> None:
            if session.new or session.dirty or session.deleted:
                session.flush()  # which forgets the cache (`forget_read`)

        def forgot() -> None:
            session.info.pop(SESSION_COLUMNS, None)

        made = cls(raw, connection.dialect.name, before=before, changed=changed, forgot=forgot)
        session.info[_OF_SESSION] = (transaction, made)
        return made


def forget_read(session: Any) -> None:
    """Empty the cache of a session's writer: the ORM wrote on its own (a flush, an ORM
    insert, update or delete), so a column it keeps may have changed. Called from the
    session's hooks (`services.lookup`)."""
    known = session.info.get(_OF_SESSION)
    if known is not None:
        known[1].cache.clear()


class NotWritable(NotReadable):
    """The plain writer cannot take this store: take the ordinary path."""


@contextmanager
def writing(target: str, password: str | None = None) -> Iterator[Writer]:
    """One write transaction on the store at `target`, which must be at this program's
    schema head (`NotWritable` before anything is written, as when it cannot be opened).
    Commits when the block ends (on PostgreSQL after a NOTIFY for the change feed), rolls
    back on any error."""
    conn = _open(target, password)
    try:
        try:
            version = conn.one("SELECT version_num FROM alembic_version")
        except Exception as exc:  # no taskboard store (yet): the ordinary path says which
            raise NotWritable(f"no schema version: {exc}") from exc
        if version is None or version[0] != head_revision():
            raise NotWritable("the store is not at this program's schema head")
        yield conn
        if conn.backend == "postgresql":
            conn.rows(NOTIFY, (CHANNEL,))
        conn.raw.commit() if conn.backend == "postgresql" else conn.raw.execute("COMMIT")
    except BaseException:
        # A rollback on a dead connection fails too: the error to report is the first one.
        with suppress(Exception):
            if conn.backend == "postgresql":
                conn.raw.rollback()
            elif conn.raw.in_transaction:
                conn.raw.execute("ROLLBACK")
        raise
    finally:
        conn.raw.close()


def _open(target: str, password: str | None) -> Writer:
    path = sqlite_file(target)
    if path is not None:
        import sqlite3

        from taskboard.store.netfs import filesystem_type, is_network_type

        if not path.is_file() or is_network_type(filesystem_type(path)):
            raise NotWritable("the ordinary path creates the store or warns about it")
        try:
            uri = f"file:{quote(str(path.resolve()))}?mode=rw"  # never creates a file
            raw = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise NotWritable(str(exc)) from exc
        try:
            raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            raw.execute("PRAGMA foreign_keys = ON")
            raw.execute("PRAGMA synchronous = NORMAL")
            # A write takes the lock up front, as the ordinary path's writes do.
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raw.close()
            if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                # Locked all through the busy timeout: the ordinary path would wait as long
                # again. The store's one-line fault says so (`store.errors`).
                raise
            raise NotWritable(str(exc)) from exc
        return Writer(raw, "sqlite")
    conninfo = postgres_conninfo(target)
    if conninfo is None:
        raise NotWritable(f"no plain writer for {target.split('://')[0]}")
    import psycopg

    try:
        server = (
            psycopg.connect(conninfo, password=password) if password else psycopg.connect(conninfo)
        )
    except (psycopg.Error, ValueError) as exc:
        raise NotWritable(str(exc)) from exc
    return Writer(server, "postgresql")
