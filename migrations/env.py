"""Alembic environment: taskboard hands over an open connection; nothing here opens its own."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from taskboard.domain.models import metadata

config = context.config


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the search index out of model comparisons: migration 0002 builds it with
    backend-specific DDL (an FTS5 table, generated tsvectors) that no model describes."""
    return not (type_ == "table" and (name or "").startswith("search_"))


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration drops a table and renames its rebuilt copy to the table's
        # name; SQLite then re-parses every trigger, and refuses one that reads the table
        # (search_entry's, migration 0005) as the table is missing at that moment. The
        # legacy rename leaves triggers as written, as SQLite advises for a rebuild.
        connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "taskboard migrations run through taskboard.store, which passes a connection"
        )
    run_migrations(connection)
