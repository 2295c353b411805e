"""The read use cases of `list`, `show` and `agenda` over a plain DB-API connection.

They answer what `TaskReads.rows`, `TaskReads.detail` and `PeopleViewService.agenda`
answer, with the same filters and the same order (a parity test holds them together on
both backends), but through `taskboard.store.reader` instead of SQLAlchemy. Whatever
they cannot answer plainly — an unknown key, project, person or column, an ambiguous
name — raises `NotReadable`: the caller then asks the services, whose refusal is the one
line a person sees. Stdlib only (and the driver): importing it loads neither SQLAlchemy
nor the services package.
"""

from __future__ import annotations

from datetime import date

from taskboard.domain import rules
from taskboard.domain.agenda import Agenda
from taskboard.domain.errors import ServiceError
from taskboard.domain.names import match_name
from taskboard.domain.views import TaskDetail, TaskRow
from taskboard.store import reader
from taskboard.store.connect import NotReadable, ReadConnection


def _unanswered(what: str) -> NotReadable:
    return NotReadable(f"{what}: the services say why")


def _person(conn: ReadConnection, typed: str) -> tuple[int, str, str] | None:
    """The person `typed` names (handle or unique prefix); None when nobody has it."""
    try:
        handle = rules.handle(typed)
    except ServiceError as exc:
        raise _unanswered("a bad handle") from exc
    found = reader.people(conn, handle)
    if len(found) > 1:
        raise _unanswered(f"several people @{typed}")
    return found[0] if found else None


def _match(names: list[str], typed: str, shown: str | None = None) -> int:
    try:
        return match_name(names, typed, "column", shown)
    except ServiceError as exc:
        raise _unanswered("no single column") from exc


def rows(
    conn: ReadConnection,
    project: str | None = None,
    assignee: str | None = None,
    column: str | None = None,
    include_closed: bool = False,
) -> list[TaskRow]:
    """Tasks as `taskboard list` shows them; open ones only unless `include_closed`."""
    where: list[str] = []
    params: list[object] = []
    if project is not None:
        pid = reader.project_id(conn, project)
        if pid is None:
            raise _unanswered(f"no project {project}")
        where.append("t.project_id = ?")
        params.append(pid)
        if column is not None:
            columns = reader.column_names(conn, pid)
            shown = column if column.startswith(">") else f">{column}"
            chosen = columns[_match([n for _, n in columns], column.lstrip(">"), shown)]
            where.append("t.column_id = ?")
            params.append(chosen[0])
    elif column is not None:
        names = sorted({n for _, n in reader.column_names(conn, None)})
        name = names[_match(names, column)]
        where.append("t.column_id IN (SELECT id FROM board_column WHERE name = ?)")
        params.append(name)
    if assignee is not None:
        person = _person(conn, assignee)
        if person is None:
            raise _unanswered(f"no person @{assignee}")
        where.append("t.assignee_id = ?")
        params.append(person[0])
    if not include_closed:
        where.append("t.completed IS NULL AND t.archived = ?")
        params.append(False)
    return reader.task_rows(conn, " AND ".join(where), params)


def detail(conn: ReadConnection, key: str) -> TaskDetail:
    """What `taskboard show KEY` prints; KEY may be a key the task had before a move to
    another project, as `lookup.task_by_key` reads it from the activity log."""
    found = reader.task_detail(conn, key)
    if found is None:
        moved = conn.one(
            "SELECT t.key FROM activity a JOIN task t ON t.id = a.task_id"
            " WHERE a.action = ? AND a.field = ? AND a.old = ?",
            ("move_project", "key", key.strip().upper()),
        )
        found = reader.task_detail(conn, moved[0]) if moved else None
    if found is None:
        raise _unanswered(f"no task {key}")
    return found


def agenda(conn: ReadConnection, actor: str, handle: str | None, today: date) -> Agenda:
    """Open tasks (subtasks too) assigned to `handle` (default: `actor`), by due date."""
    person = _person(conn, handle or actor)
    if person is None:
        if handle not in (None, actor):
            raise _unanswered(f"no person @{handle}")
        # Nothing assigned to you and nothing written by you yet: no tasks, no error.
        return Agenda.of(actor, actor, today, [])
    pid, found, name = person
    open_rows = reader.task_rows(
        conn, "t.assignee_id = ? AND t.completed IS NULL AND t.archived = ?", (pid, False)
    )
    keys = sorted({r.parent for r in open_rows if r.parent})
    marks = ", ".join("?" * len(keys))
    parents = (
        {k: t for k, t in conn.rows(f"SELECT key, title FROM task WHERE key IN ({marks})", keys)}
        if keys
        else {}
    )
    return Agenda.of(found, name, today, open_rows, parents)
