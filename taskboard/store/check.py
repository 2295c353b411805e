"""`taskboard db check`: integrity and reference checks, the schema revision, and what to do.

A SQLite file is checked with sqlite3 alone and never migrated or written, so a
damaged store can be looked at without making it worse; the report names every
damaged page SQLite finds and the backups to restore from.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from taskboard.store.backup import SQLITE_HEADER
from taskboard.store.errors import StoreDamagedError, StoreError, one_line, store_fault
from taskboard.store.migrate import check_revision, current_revision
from taskboard.store.revisions import head_revision, known_revisions
from taskboard.store.store import Store

# integrity_check stops after this many problems: enough to judge the damage.
MAX_PROBLEMS = 100


@dataclass
class CheckReport:
    """What `db check` found in a SQLite file."""

    path: Path
    problems: list[str] = field(default_factory=list)  # empty: healthy
    notes: list[str] = field(default_factory=list)  # worth knowing, not damage
    unreadable: str | None = None  # why the file cannot be read as a store at all

    @property
    def healthy(self) -> bool:
        return not self.problems and self.unreadable is None


def check_store(store: Store) -> list[str]:
    """Problems found in an open store, as lines for a person; empty when it is healthy."""
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


def check_sqlite_file(path: Path) -> CheckReport:
    """Check the store file at `path` without migrating or writing it."""
    report = CheckReport(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        raise StoreError(f"there is no store at {path}") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        report.notes.append("the file is empty: the next command makes it a new store")
        return report
    if not head.startswith(SQLITE_HEADER):
        report.unreadable = "not a taskboard store (it is not a SQLite database)"
        return report
    try:
        # A URI, so the file is never created; quoted, so any name works.
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=30)
        try:
            _check(conn, report)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        fault = store_fault(exc, str(path))
        if not isinstance(fault, StoreDamagedError):
            raise fault or StoreError(f"cannot check {path}: {one_line(str(exc))}") from exc
        report.unreadable = f"the store is damaged ({one_line(str(exc))})"
    return report


def _check(conn: sqlite3.Connection, report: CheckReport) -> None:
    for (text,) in conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})"):
        # SQLite puts several problems in one row, one per line.
        for line in str(text).splitlines():
            if line != "ok" and not line.startswith("*** in database"):
                report.problems.append(f"integrity: {line}")
    if report.problems:
        return  # references and versions of a damaged file say little
    for row in conn.execute("PRAGMA foreign_key_check"):
        report.problems.append(f"broken reference: table {row[0]} row {row[1]} → {row[2]}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = row[0] if row else None
    if version is None and tables - {"alembic_version"}:
        report.problems.append(
            "the schema version is missing (table alembic_version is empty or gone)"
        )
    elif version is not None and version not in known_revisions():
        report.notes.append(f"schema {version} is newer than this taskboard: upgrade taskboard")
    elif version is not None and version != head_revision():
        report.notes.append(
            f"schema {version} is older than {head_revision()}: the next command upgrades it "
            "(after a backup beside it)"
        )


def automatic_backups(path: Path) -> list[Path]:
    """The backups taskboard made next to the store before upgrades, newest first."""
    found = [p for p in path.parent.glob(f"{path.name}.*.bak") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def repair_advice(path: Path) -> list[str]:
    """What to do about a damaged store at `path`, as lines for a person."""
    lines = [
        "What to do:",
        "  1. Stop every taskboard that uses this store, and keep a copy of the damaged file.",
    ]
    backups = automatic_backups(path)
    if backups:
        lines.append("  2. Restore a backup. Automatic backups next to the store, newest first:")
        for bak in backups[:5]:
            stamp = datetime.fromtimestamp(bak.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            lines.append(f"       {bak}  ({stamp})")
        lines.append("     or one of your own (`taskboard db backup FILE` makes them).")
    else:
        lines.append(
            "  2. Restore a backup of your own (`taskboard db backup FILE` makes them); "
            "there are no automatic ones next to the store."
        )
    lines += [
        "     Check it with `taskboard db check --db BACKUP`, look into it with "
        "`taskboard list --db BACKUP`, then copy it over the store.",
        f"  3. Without a backup, save what can be read: `sqlite3 {path} .recover | sqlite3 "
        "recovered.db`, then `taskboard db check --db recovered.db`.",
    ]
    return lines
