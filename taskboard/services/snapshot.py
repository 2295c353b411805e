"""A read-only snapshot of one board straight from a SQLite file, with the stdlib only.

The board paints from this before SQLAlchemy and SQLModel are even imported
(they cost half a second); the full services load right after the first paint.
It returns the same read models as `TaskService.list`, which a test checks.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from taskboard.domain.views import ColumnInfo, ProjectView, TaskRow


@dataclass(frozen=True)
class BoardSnapshot:
    project: ProjectView
    rows: tuple[TaskRow, ...]
    projects: tuple[str, ...]
    revision: int
    # Cards per column id; with `limit`, rows hold only the first cards of each column.
    counts: dict[int, int]
    complete: bool


def _dt(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# The first `?` cards of one column, in board order: the index on column_id finds them, and
# only those few are joined (a negative limit reads them all).
ROWS = """
SELECT t.id, t.key, t.title, p.key, t.column_id, c.name, t.rank, pe.handle, t.due,
       t.priority, t.completed, t.archived, t.created, t.updated, t.version, par.key, kr.key,
       t.notes
FROM (SELECT id FROM task WHERE column_id = ? AND parent_id IS NULL AND archived = 0
      ORDER BY rank, id LIMIT ?) AS pick
JOIN task t ON t.id = pick.id
JOIN project p ON p.id = t.project_id
JOIN board_column c ON c.id = t.column_id
LEFT JOIN person pe ON pe.id = t.assignee_id
LEFT JOIN task par ON par.id = t.parent_id
LEFT JOIN key_result kr ON kr.id = t.key_result_id
ORDER BY t.rank, t.id
"""
COUNTS = """
SELECT column_id, count(*), count(completed) FROM task
WHERE project_id = ? AND parent_id IS NULL AND archived = 0 GROUP BY column_id
"""
# The details below are read for the picked cards only, given as one JSON array of ids.
PICKED = "(SELECT value FROM json_each(?))"
TAGS = f"""
SELECT tt.task_id, tag.name FROM task_tag tt JOIN tag ON tag.id = tt.tag_id
WHERE tt.task_id IN {PICKED} ORDER BY tag.name
"""
SUBTASKS = f"""
SELECT parent_id, count(completed), count(*) FROM task
WHERE parent_id IN {PICKED} AND archived = 0 GROUP BY parent_id
"""
BLOCKERS = f"""
SELECT d.task_id, b.key FROM dependency d
JOIN task b ON b.id = d.blocked_by_id AND b.completed IS NULL AND b.archived = 0
WHERE d.task_id IN {PICKED} ORDER BY b.key
"""


def read_board(
    path: Path, wanted: str | None, head: str, limit: int | None = None
) -> BoardSnapshot | None:
    """The board of `wanted` (or the first project other than INBOX), or None when the
    file is missing, not at schema `head`, or anything is unexpected: then the caller
    takes the ordinary path, which also migrates and reports problems properly.

    With `limit`, only the first cards of each column are read (what a screen can show),
    so the first paint of a 10,000-card board costs what a 50-card board costs."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, wanted, head, limit)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection, wanted: str | None, head: str, limit: int | None
) -> BoardSnapshot | None:
    # One read transaction: rows, counts and the revision are of the same moment, even while
    # another process writes (a revision newer than the rows would hide that change).
    conn.execute("BEGIN")
    version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if version is None or version[0] != head:
        return None
    projects = conn.execute(
        "SELECT id, key, name, description, archived FROM project WHERE archived = 0 ORDER BY key"
    ).fetchall()
    keys = tuple(p[1] for p in projects)
    pick = wanted.upper() if wanted and wanted.upper() in keys else None
    if pick is None:
        others = [k for k in keys if k != "INBOX"]
        pick = others[0] if others else "INBOX"
    pid, key, name, description, archived = next(p for p in projects if p[1] == pick)
    columns = tuple(
        ColumnInfo(id=c[0], name=c[1], position=c[2], wip_limit=c[3], is_done=bool(c[4]))
        for c in conn.execute(
            "SELECT id, name, position, wip_limit, is_done FROM board_column "
            "WHERE project_id = ? ORDER BY position",
            (pid,),
        )
    )
    counts = {}
    open_count = 0
    for column_id, total, done in conn.execute(COUNTS, (pid,)):
        counts[column_id] = total
        open_count += total - done
    picked = [
        row
        for column in columns
        for row in conn.execute(ROWS, (column.id, -1 if limit is None else limit))
    ]
    ids = json.dumps([r[0] for r in picked])
    tags: dict[int, list[str]] = defaultdict(list)
    for task_id, tag in conn.execute(TAGS, (ids,)):
        tags[task_id].append(tag)
    subtasks = {p: (done, total) for p, done, total in conn.execute(SUBTASKS, (ids,))}
    blockers: dict[int, list[str]] = defaultdict(list)
    for task_id, blocker in conn.execute(BLOCKERS, (ids,)):
        blockers[task_id].append(blocker)
    rows = []
    for r in picked:
        done_total = subtasks.get(r[0], (0, 0))
        rows.append(
            TaskRow(
                id=r[0],
                key=r[1],
                title=r[2],
                project=r[3],
                column_id=r[4],
                column=r[5],
                rank=r[6],
                assignee=r[7],
                due=_date(r[8]),
                priority=r[9],
                tags=tuple(tags.get(r[0], ())),
                done=r[10] is not None,
                archived=bool(r[11]),
                created=_dt(r[12]) or datetime.now(UTC),
                updated=_dt(r[13]) or datetime.now(UTC),
                completed=_dt(r[10]),
                version=r[14],
                parent=r[15],
                key_result=r[16],
                subtasks_done=done_total[0],
                subtasks_total=done_total[1],
                blocked_by=tuple(blockers.get(r[0], ())),
                notes=r[17],
            )
        )
    revision = conn.execute("SELECT max(id) FROM activity").fetchone()[0] or 0
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
        revision=int(revision),
        counts=counts,
        complete=complete,
    )
