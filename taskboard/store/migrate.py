"""Migrate-on-open: back up a SQLite file, then upgrade to head under a lock where needed."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from taskboard.store import revisions
from taskboard.store.backup import backup_sqlite
from taskboard.store.errors import (
    SchemaTooNewError,
    SchemaVersionMissingError,
    StoreDamagedError,
    StoreError,
)
from taskboard.store.target import mask, sqlite_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alembic.config import Config

# Any fixed 64-bit number: the advisory lock that serialises PostgreSQL migrations.
_PG_LOCK_KEY = 0x7461736B626F6172

# Tables every taskboard schema has had since 0001: a store without a schema version
# that holds one of them is taskboard's, and upgrading it "from nothing" would fail
# half-way ("table activity already exists").
_TASKBOARD_TABLES = frozenset({"activity", "project", "board_column", "task", "person"})


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


def check_unversioned(connection: Connection, name: str) -> None:
    """Refuse a store without a schema version that is not empty: an emptied
    `alembic_version` (taskboard's tables are there) or, in a SQLite file, another
    program's database. (A PostgreSQL database may be shared with other programs.)"""
    tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if not tables or (connection.dialect.name != "sqlite" and not tables & _TASKBOARD_TABLES):
        return  # a new store: migrations create everything
    if tables & _TASKBOARD_TABLES:
        raise SchemaVersionMissingError(
            f"{name} has taskboard's tables but no schema version (its alembic_version table "
            "is empty or gone), so it cannot be upgraded safely: restore a backup "
            "(`taskboard db check` lists the automatic ones next to a SQLite store)"
        )
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    raise StoreDamagedError(
        f"cannot open {name}: not a taskboard store (it holds other tables: {shown})"
    )


def check_revision(current: str | None) -> None:
    if current is not None and current not in revisions.known_revisions():
        raise SchemaTooNewError(
            f"this store was written by a newer taskboard (schema {current}, this program knows "
            f"up to {revisions.head_revision()}): upgrade taskboard to open it"
        )


def migrate(engine: Engine, backup: bool = True) -> str | None:
    """Bring the store to head; returns the backup path made first, if any."""
    path = sqlite_path(engine.url)
    name = str(path) if path is not None else mask(engine.url)
    with engine.connect() as probe:
        current = current_revision(probe)
        if current is None:
            check_unversioned(probe, name)
    check_revision(current)
    if current == revisions.head_revision():
        return None
    if engine.dialect.name == "postgresql":
        _upgrade_postgresql(engine)
        return None
    made = None
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
        if current is None:
            check_unversioned(conn, mask(engine.url))
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
