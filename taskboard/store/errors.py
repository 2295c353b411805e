"""Errors the store raises; the CLI and the UI turn them into one clear message.

`store_fault` reads a database error (SQLAlchemy's, or sqlite3's and psycopg's own)
and says which fault of the store's surroundings it is — a file that is no database,
a damaged file, a full disk, a read-only file, an unreachable server — so each becomes
one line for a person instead of a traceback. Stdlib only: reading an error must not
import SQLAlchemy.
"""

from __future__ import annotations

import re


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


class SchemaTooNewError(StoreError):
    """The store was migrated by a newer taskboard than this one."""


class SchemaVersionMissingError(StoreError):
    """The store has tables but no schema version: it cannot be migrated safely."""


class StoreDamagedError(StoreError):
    """The file is no SQLite database, or its pages are damaged."""


class StoreFullError(StoreError):
    """The disk (or the server's disk) is full; the transaction was rolled back."""


class StoreReadOnlyError(StoreError):
    """The store file, its directory or the file system may not be written."""


class StoreUnreachableError(StoreError):
    """The database server cannot be reached, or refused the connection."""


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

# What to do with a damaged store, said once for every message about one.
DAMAGE_ADVICE = "run `taskboard db check` for what to do"


def one_line(text: str, limit: int = 300) -> str:
    """A driver's message as one line: its lines joined, runs of blanks made one."""
    joined = re.sub(r"\s+", " ", text).strip()
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def _driver_error(exc: BaseException) -> BaseException:
    """The DB-API error inside SQLAlchemy's wrapper, or `exc` itself."""
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def store_fault(exc: BaseException, store: str, secret: str | None = None) -> StoreError | None:
    """The StoreError that `exc` means for the store named `store`, or None when `exc` is
    no known fault of the store's surroundings (then it is a bug and stays as it is).

    `secret` (a password) is blanked out of every message."""
    error = _driver_error(exc)
    module = type(error).__module__
    fault: StoreError | None = None
    if module == "sqlite3" and hasattr(error, "sqlite_errorcode"):
        fault = _sqlite_fault(int(error.sqlite_errorcode) & 0xFF, one_line(str(error)), store)
    elif module.startswith("psycopg"):
        fault = _postgres_fault(error, store)
    if fault is not None and secret:
        fault = type(fault)(str(fault).replace(secret, "***"))
    return fault


def _sqlite_fault(code: int, reason: str, store: str) -> StoreError | None:
    if code == _SQLITE_NOTADB:
        return StoreDamagedError(f"cannot open {store}: not a taskboard store ({reason})")
    # A damaged search index (FTS5) says so as a plain SQLITE_ERROR.
    if code == _SQLITE_CORRUPT or reason.startswith("invalid fts5 file format"):
        return StoreDamagedError(f"{store} is damaged ({reason}): {DAMAGE_ADVICE}")
    if code == _SQLITE_FULL:
        return StoreFullError(f"the disk holding {store} is full; nothing was written")
    if code in (_SQLITE_READONLY, _SQLITE_PERM):
        return StoreReadOnlyError(
            f"{store} cannot be written ({reason}); nothing was written: check that the "
            "file and its directory are writable and not immutable (lsattr)"
        )
    if code == _SQLITE_CANTOPEN:
        return StoreReadOnlyError(
            f"cannot open {store} ({reason}): check that the file and its directory exist "
            "and are readable and writable"
        )
    if code == _SQLITE_IOERR:
        return StoreError(
            f"cannot use {store}: the disk failed to read or write ({reason}); nothing was "
            f"written. If it happens again, {DAMAGE_ADVICE}"
        )
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(
            f"{store} is locked by another program for too long ({reason}); nothing was "
            "written: try again"
        )
    return None


# SQLSTATE classes that mean the server, not the request: connection problems (08),
# authorisation (28), no such database (3D), server shut down (57P).
_PG_CONNECTION_STATES = ("08", "28", "3D", "57P")


def _postgres_fault(error: BaseException, store: str) -> StoreError | None:
    kind = type(error).__name__
    state = getattr(error, "sqlstate", None) or ""
    reason = one_line(str(error))
    if state == "53100":
        return StoreFullError(
            f"the disk of the server holding {store} is full; nothing was written"
        )
    if state == "25006" or state == "42501":
        return StoreReadOnlyError(f"{store} cannot be written ({reason}); nothing was written")
    if state.startswith(_PG_CONNECTION_STATES) or (kind == "OperationalError" and not state):
        return StoreUnreachableError(f"cannot connect to {store}: {reason}")
    if kind == "ProgrammingError" and not state and reason.startswith(_PG_SETTING_ERRORS):
        # psycopg checks the connection settings before it connects.
        return StoreUnreachableError(f"cannot connect to {store}: {reason}")
    return None


# How psycopg words a bad setting in the URL (`?connect_timeout=abc`, `?nonsense=1`).
_PG_SETTING_ERRORS = ("bad value for", "invalid connection option", "invalid dsn", "missing")
