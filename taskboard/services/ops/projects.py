"""Boards: a project with its columns, and a column added later."""

from __future__ import annotations

from collections.abc import Sequence

from taskboard.domain import rules
from taskboard.domain.dates import utcnow
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import DuplicateError
from taskboard.services.names import match_name
from taskboard.services.ops import find
from taskboard.store.writer import Writer


def done_index(names: Sequence[str], done_column: str | None = None) -> int:
    """Which column counts as done: the one named, else the first with a done name, else the
    last."""
    if done_column is not None:
        return match_name(list(names), done_column, "column")
    for i, name in enumerate(names):
        if name.casefold() in rules.DONE_NAMES:
            return i
    return len(names) - 1


def create_project(
    w: Writer,
    log: ChangeLog,
    key: str,
    name: str,
    columns: Sequence[str] | None = None,
    description: str = "",
    done_column: str | None = None,
) -> find.ProjectRef:
    """A new project with its columns (default: Backlog, To do, Doing, Done)."""
    key = rules.project_key(key)
    title = rules.PROJECT_NAME.check(name)
    about = rules.PROJECT_DESCRIPTION.check(description)
    names = rules.column_names(columns or rules.DEFAULT_COLUMNS)
    done = done_index(names, done_column)
    if w.one("SELECT id FROM project WHERE key = ?", (key,)) is not None:
        raise DuplicateError(f"project {key} already exists")
    ((project_id,),) = w.returning(
        "INSERT INTO project (key, name, description, archived, last_number, created)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (key, title, about, False, 0, utcnow()),
    )
    w.insert_rows(
        "board_column",
        ("project_id", "name", "position", "wip_limit", "is_done"),
        [(project_id, n, i, None, i == done) for i, n in enumerate(names)],
    )
    w.forget()
    log.about("create", "project", project_id, new=key, project_id=project_id)
    return find.ProjectRef(project_id, key, False)


def add_column(
    w: Writer,
    log: ChangeLog,
    project: find.ProjectRef,
    name: str,
    wip_limit: int | None = None,
    is_done: bool = False,
) -> find.ColumnRef:
    """A new column at the right end of the project's board."""
    columns = find.columns_of(w, project.id)
    name = rules.new_column_name([c.name for c in columns], name)
    position = max((c.position for c in columns), default=-1) + 1
    wip = rules.wip_limit(wip_limit)
    ((column_id,),) = w.returning(
        "INSERT INTO board_column (project_id, name, position, wip_limit, is_done)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (project.id, name, position, wip, is_done),
    )
    w.forget()  # the project's columns are read again, by this writer and its session
    log.about("column", "project", project.id, "columns", new=name, project_id=project.id)
    return find.ColumnRef(column_id, project.id, name, position, is_done, wip)
