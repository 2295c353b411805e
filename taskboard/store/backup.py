"""Consistent online backups of a SQLite store: SQLite's backup API into a temp file, renamed.

The copy is written with the store's own online backup (one consistent snapshot,
while other processes keep writing) into a temporary file beside the destination,
which `taskboard.files` renames over it only when the copy is complete.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from taskboard.files import FileWriteError, atomic_path, check_destination
from taskboard.store.errors import StoreError, store_fault
from taskboard.store.target import sqlite_path

SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_FULL = 13


def is_sqlite_file(path: Path) -> bool:
    """True when `path` starts with SQLite's 16-byte header (or is empty: nothing to lose)."""
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    return head in (b"", SQLITE_HEADER)


def backup_sqlite(engine: Engine, destination: os.PathLike[str] | str) -> Path:
    """Write a consistent copy of the store to `destination` (mode 0600) while others write.

    Refused: the store itself and its side files; an existing file that is not a SQLite
    database (replacing an earlier backup, as a nightly job does, stays allowed)."""
    shown = os.fspath(destination)
    source = sqlite_path(engine.url)
    real = check_destination(destination, [source] if source is not None else [], parents=True)
    if real.exists():
        try:
            sqlite = is_sqlite_file(real)
        except OSError as exc:
            raise StoreError(f"cannot read {shown}: {exc.strerror or exc}") from exc
        if not sqlite:
            raise StoreError(
                f"{shown} exists and is not a SQLite database: refusing to replace it "
                "(choose another name, or remove it first)"
            )
    name = str(source) if source is not None else "the store"
    try:
        with (
            atomic_path(destination, private=True, parents=True) as temp,
            engine.connect() as conn,
        ):
            raw = conn.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            copy = sqlite3.connect(temp)
            try:
                raw.backup(copy)
            finally:
                copy.close()
    except (sqlite3.Error, DBAPIError) as exc:
        code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", 0) & 0xFF
        if code == _SQLITE_FULL:  # only the copy grows: its disk is the full one
            raise FileWriteError(
                f"the disk holding {shown} is full; {shown} was left as it was"
            ) from exc
        raise store_fault(exc, name) or StoreError(f"backup to {shown} failed: {exc}") from exc
    return real
