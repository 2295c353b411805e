"""A read-only snapshot of one board for the first paint, through the plain SQL reader.

The board paints from this before SQLAlchemy and SQLModel are even imported (they cost
half a second); the full services load right after the first paint. It reads a SQLite
file or a PostgreSQL database with the DB-API driver (`taskboard.store.reader`) and
returns the same read models as `TaskReads.rows(for_board=True)` (no source ids), which a
test checks on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from taskboard.domain.rules import INBOX
from taskboard.domain.views import ColumnInfo, ProjectView, TaskRow
from taskboard.store import reader
from taskboard.store.connect import NotReadable, reading

if TYPE_CHECKING:
    from pathlib import Path

    from taskboard.store.connect import ReadConnection


@dataclass(frozen=True)
class BoardSnapshot:
    project: ProjectView
    rows: tuple[TaskRow, ...]
    projects: tuple[str, ...]
    revision: int
    # Cards per column id; with `limit`, rows hold only the first cards of each column.
    counts: dict[int, int]
    complete: bool


# A board's cards: the top-level tasks of one project, column by column.
_CARDS = "t.project_id = ? AND t.parent_id IS NULL AND t.archived = ?"
# The ids of the first `?` cards of each column of a project, in board order: column by
# column through the column's index (numbering every card of the board cost 20 ms at 10,000
# cards, and the rows and their details asked for them four times). The unary plus keeps
# SQLite from walking the project's index instead: every card of the board for each column.
_FIRST_IDS = """SELECT f.id FROM board_column bc JOIN task f ON f.id IN (
    SELECT id FROM task WHERE column_id = bc.id AND +project_id = bc.project_id
    AND parent_id IS NULL AND archived = ? ORDER BY rank, id LIMIT ?)
  JOIN project p ON p.id = bc.project_id WHERE p.{by} = ?"""
_IN_COLUMNS = "c.position, t.rank, t.id"
_COUNTS = """SELECT column_id, count(*), count(completed) FROM task
WHERE project_id = ? AND parent_id IS NULL AND archived = ? GROUP BY column_id"""


def read_board(
    path: Path, wanted: str | None, head: str, limit: int | None = None
) -> BoardSnapshot | None:
    """The board of `wanted` in the SQLite file at `path`; see `read_snapshot`."""
    return read_snapshot(str(path), wanted, head, limit)


def read_snapshot(
    target: str,
    wanted: str | None,
    head: str | None = None,
    limit: int | None = None,
    password: str | None = None,
) -> BoardSnapshot | None:
    """The board of `wanted` (or the first project other than INBOX) in the store at
    `target` (a SQLite file or a PostgreSQL URL), or None when the store is missing, not at
    schema `head` (this program's by default), or anything is unexpected: then the caller
    takes the ordinary path, which also migrates and reports problems properly.

    With `limit`, only the first cards of each column are read (what a screen can show),
    so the first paint of a 10,000-card board costs what a 50-card board costs."""
    try:
        with reading(target, password, head) as conn:
            return _read(conn, wanted, limit)
    except (NotReadable, ValueError, TypeError, StopIteration):
        return None
    except Exception as exc:
        if type(exc).__module__.startswith(("sqlite3", "psycopg")):
            return None
        raise


def _read(conn: ReadConnection, wanted: str | None, limit: int | None) -> BoardSnapshot:
    # One read transaction (`reading`): rows, counts and the revision are of the same
    # moment, even while another process writes (a revision newer than the rows would
    # hide that change). Two round trips to a distant server: the projects (and the first
    # cards of the project asked for), then the rest of the board in one batch.
    first = (
        [(_FIRST_IDS.format(by="key"), (False, limit, wanted.upper()))] if limit and wanted else []
    )
    projects, *found_first = conn.batch(
        [
            (
                "SELECT id, key, name, description, archived FROM project"
                " WHERE archived = ? ORDER BY key",
                (False,),
            ),
            *first,
        ]
    )
    keys = tuple(p[1] for p in projects)
    pick = wanted.upper() if wanted and wanted.upper() in keys else None
    if pick is None:
        others = [k for k in keys if k != INBOX]
        pick = others[0] if others else INBOX
        found_first = []  # not the project those are of
    pid, key, name, description, archived = next(p for p in projects if p[1] == pick)
    params: tuple[object, ...]
    if limit is None:
        where, params = _CARDS, (pid, False)
    else:
        if not found_first:
            found_first = [conn.rows(_FIRST_IDS.format(by="id"), (False, limit, pid))]
        params = tuple(row[0] for row in found_first[0])
        where = f"t.id IN ({', '.join('?' * len(params))})" if params else "1 = 0"
    found_columns, found_counts, raw, found_details, found_revision = conn.batch(
        [
            (
                "SELECT id, name, position, wip_limit, is_done FROM board_column "
                "WHERE project_id = ? ORDER BY position",
                (pid,),
            ),
            (_COUNTS, (pid, False)),
            reader.rows_statement(where, params, _IN_COLUMNS, reader.BOARD_COLUMNS),
            reader.details_statement(*reader.selected(where, params)),
            (reader.REVISION, ()),
        ]
    )
    columns = tuple(
        ColumnInfo(id=c[0], name=c[1], position=c[2], wip_limit=c[3], is_done=bool(c[4]))
        for c in found_columns
    )
    counts = {}
    open_count = 0
    for column_id, total, done in found_counts:
        counts[column_id] = total
        open_count += total - done
    rows = reader.rows_with_details(raw, found_details)
    project = ProjectView(
        id=pid,
        key=key,
        name=name,
        description=description,
        archived=bool(archived),
        columns=columns,
        open_tasks=open_count,
    )
    complete = limit is None or all(n <= limit for n in counts.values())
    return BoardSnapshot(
        project=project,
        rows=tuple(rows),
        projects=keys,
        revision=int(found_revision[0][0] or 0),
        counts=counts,
        complete=complete,
    )
