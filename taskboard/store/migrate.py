"""Migrate-on-open: back up a SQLite file, then upgrade to head under a lock where needed."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from taskboard.store import revisions
from taskboard.store.backup import backup_sqlite
from taskboard.store.errors import SchemaTooNewError, StoreError
from taskboard.store.target import sqlite_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alembic.config import Config

# Any fixed 64-bit number: the advisory lock that serialises PostgreSQL migrations.
_PG_LOCK_KEY = 0x7461736B626F6172


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(revisions.migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_revision(current: str | None) -> None:
    if current is not None and current not in revisions.known_revisions():
        raise SchemaTooNewError(
            f"this store was written by a newer taskboard (schema {current}, this program knows "
            f"up to {revisions.head_revision()}): upgrade taskboard to open it"
        )


def migrate(engine: Engine, backup: bool = True) -> str | None:
    """Bring the store to head; returns the backup path made first, if any."""
    with engine.connect() as probe:
        current = current_revision(probe)
    check_revision(current)
    if current == revisions.head_revision():
        return None
    if engine.dialect.name == "postgresql":
        _upgrade_postgresql(engine)
        return None
    made = None
    path = sqlite_path(engine.url)
    if backup and current is not None and path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        made = str(backup_sqlite(engine, path.with_name(f"{path.name}.{current}-{stamp}.bak")))
    _upgrade_sqlite(engine)
    return made


def _upgrade_sqlite(engine: Engine) -> None:
    from alembic import command

    with engine.connect() as conn:
        # Batch migrations copy tables; with foreign keys on, dropping the old
        # copy would cascade-delete child rows. Check integrity by hand instead.
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or it is ignored
        try:
            conn = conn.execution_options(taskboard_write=True)
            with conn.begin():
                current = current_revision(conn)
                check_revision(current)
                if current != revisions.head_revision():
                    command.upgrade(alembic_config(conn), "head")
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(f"migration left broken references: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _upgrade_postgresql(engine: Engine) -> None:
    from alembic import command

    with engine.connect() as conn, _advisory_lock(conn), conn.begin():
        # Someone else may have migrated while we waited for the lock.
        current = current_revision(conn)
        check_revision(current)
        if current != revisions.head_revision():
            command.upgrade(alembic_config(conn), "head")


@contextmanager
def _advisory_lock(conn: Connection) -> Iterator[None]:
    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
    conn.commit()
    try:
        yield
    finally:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
        conn.commit()
