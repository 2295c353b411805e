"""`taskboard db check`: integrity and reference checks, and the schema revision."""

from __future__ import annotations

from taskboard.store.migrate import check_revision, current_revision
from taskboard.store.revisions import head_revision
from taskboard.store.store import Store


def check_store(store: Store) -> list[str]:
    """Problems found, as lines for a person; empty when the store is healthy."""
    problems: list[str] = []
    with store.engine.connect() as conn:
        current = current_revision(conn)
        check_revision(current)
        if current != head_revision():
            problems.append(f"schema is at {current}, this program expects {head_revision()}")
        if store.backend == "sqlite":
            for (line,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
                if line != "ok":
                    problems.append(f"integrity: {line}")
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                problems.append(f"broken reference: table {row[0]} row {row[1]} → {row[2]}")
    return problems
