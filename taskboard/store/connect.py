"""A plain DB-API connection for reading: sqlite3 on a SQLite file, psycopg on PostgreSQL.

The read-only commands and the board's first paint read through this instead of
SQLAlchemy, whose import alone costs more than a whole `task list`. It answers only a
store that is already at this program's schema head: a missing, older, newer or odd
store raises `NotReadable`, and the caller takes the ordinary path, which creates,
upgrades or refuses it with its one clear line. Stdlib only at import; the driver is
imported when a store of its kind is opened.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from taskboard.store.revisions import head_revision

# Seconds a reader waits for a SQLite writer's lock, as the ordinary path does.
BUSY_TIMEOUT = 30.0


class NotReadable(Exception):
    """The fast reader cannot answer this store or this question: take the ordinary path."""


# Names of server-side cursors, unique in a process.
_STREAMS = itertools.count(1)
# The schema revision a store is at.
_HEAD = "SELECT version_num FROM alembic_version"


@dataclass
class ReadConnection:
    """One DB-API connection inside one read transaction. SQL is written with `?`
    placeholders; on PostgreSQL they become `%s` (the SQL here holds no `%` or `?` else).

    The store must be at schema `head`: that is checked with the first statements sent,
    in the same round trip, and `NotReadable` raised before any of their rows are used."""

    raw: Any
    backend: str
    head: str | None = None

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.batch([(sql, params)])[0]

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def batch(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Any]]:
        """The rows of several statements. On PostgreSQL they are sent together (psycopg's
        pipeline mode): one round trip for all, not one each."""
        head, self.head = self.head, None
        if head is None:
            return self._send(statements)
        version, *found = self._send([(_HEAD, ()), *statements])
        if not version or version[0][0] != head:
            raise NotReadable("the store is not at this program's schema head")
        return found

    def stream(
        self, sql: str, params: Sequence[object] = (), size: int = 1000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of one statement, `size` at a time, never all held at once (a server-side
        cursor on PostgreSQL). Other statements may run between the chunks."""
        if self.backend == "postgresql":
            cursor = self.raw.cursor(name=f"taskboard_stream_{next(_STREAMS)}")
            cursor.execute(sql.replace("?", "%s"), tuple(params))
        else:
            cursor = self.raw.cursor()
            cursor.execute(sql, tuple(params))
        try:
            while chunk := cursor.fetchmany(size):
                yield chunk
        finally:
            cursor.close()

    def _send(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Any]]:
        if self.backend != "postgresql":
            return [self._execute(sql, params).fetchall() for sql, params in statements]
        with self.raw.pipeline():
            cursors = [self._execute(sql, params) for sql, params in statements]
        return [cursor.fetchall() for cursor in cursors]

    def _execute(self, sql: str, params: Sequence[object]) -> Any:
        if self.backend == "postgresql":
            sql = sql.replace("?", "%s")
        cursor = self.raw.cursor()
        cursor.execute(sql, tuple(params))
        return cursor


def sqlite_file(target: str) -> Path | None:
    """The file a target names (a path or a plain `sqlite:///` URL), or None when it is no
    SQLite file this reader may open (memory, URL options, another backend)."""
    if "://" in target:
        if not target.startswith("sqlite:///") or "?" in target:
            return None
        target = target.removeprefix("sqlite:///")
        if target in ("", ":memory:"):
            return None
    return Path(target).expanduser()


def postgres_conninfo(target: str) -> str | None:
    """The libpq URI of a `postgresql[+psycopg]://` target, or None for anything else."""
    for scheme in ("postgresql+psycopg://", "postgresql://"):
        if target.startswith(scheme):
            return "postgresql://" + target.removeprefix(scheme)
    return None


@contextmanager
def reading(
    target: str, password: str | None = None, head: str | None = None
) -> Iterator[ReadConnection]:
    """A connection to the store at `target` in one read transaction, checked to be at the
    schema `head` (this program's) with its first statements; `NotReadable` when it is
    not, or when opening it fails in any way. A store that is no taskboard store at all
    fails in the driver's own error, which callers take as "the ordinary way"."""
    conn = _open(target, password)
    conn.head = head or head_revision()
    try:
        yield conn
    finally:
        conn.raw.close()


def _open(target: str, password: str | None) -> ReadConnection:
    path = sqlite_file(target)
    if path is not None:
        return _open_sqlite(path)
    conninfo = postgres_conninfo(target)
    if conninfo is not None:
        return _open_postgres(conninfo, password)
    raise NotReadable(f"no fast reader for {target.split('://')[0]}")


def _open_sqlite(path: Path) -> ReadConnection:
    import sqlite3

    from taskboard.store.netfs import filesystem_type, is_network_type

    if not path.is_file():
        raise NotReadable("no store file yet")  # the ordinary path creates it
    if is_network_type(filesystem_type(path)):
        raise NotReadable("network file system")  # the ordinary path warns about it
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        raw = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        # One read transaction: every query sees the same moment, even while others write.
        raw.execute("BEGIN")
    except sqlite3.Error as exc:
        raise NotReadable(str(exc)) from exc
    return ReadConnection(raw, "sqlite")


def _open_postgres(conninfo: str, password: str | None) -> ReadConnection:
    import psycopg

    try:
        if password:
            raw = psycopg.connect(conninfo, password=password)
        else:
            raw = psycopg.connect(conninfo)
        raw.read_only = True
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    except (psycopg.Error, ValueError) as exc:
        raise NotReadable(str(exc)) from exc
    return ReadConnection(raw, "postgresql")
