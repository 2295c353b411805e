"""Boards: a project with its columns, and a column added later."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.models import BoardColumn, Project
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
    s: Session,
    log: ChangeLog,
    key: str,
    name: str,
    columns: Sequence[str] | None = None,
    description: str = "",
    done_column: str | None = None,
) -> Project:
    """A new project with its columns (default: Backlog, To do, Doing, Done)."""
    key = rules.project_key(key)
    title = rules.PROJECT_NAME.check(name)
    about = rules.PROJECT_DESCRIPTION.check(description)
    names = rules.column_names(columns or rules.DEFAULT_COLUMNS)
    done = done_index(names, done_column)
    if s.scalars(select(Project).where(col(Project.key) == key)).first() is not None:
        raise DuplicateError(f"project {key} already exists")
    project = Project(key=key, name=title, description=about)
    s.add(project)
    s.flush()
    s.add_all(
        BoardColumn(project_id=project.id or 0, name=n, position=i, is_done=i == done)
        for i, n in enumerate(names)
    )
    s.flush()
    log.about("create", "project", project.id, new=key, project_id=project.id)
    return project


def add_column(
    s: Session,
    log: ChangeLog,
    project: Project,
    name: str,
    wip_limit: int | None = None,
    is_done: bool = False,
) -> BoardColumn:
    """A new column at the right end of the project's board."""
    columns = find.columns_of(Writer.of_session(s), project.id or 0)
    name = rules.column_names([c.name for c in columns] + [name])[-1]
    column = BoardColumn(
        project_id=project.id or 0,
        name=name,
        position=max((c.position for c in columns), default=-1) + 1,
        wip_limit=rules.wip_limit(wip_limit),
        is_done=is_done,
    )
    s.add(column)
    s.flush()
    log.about("column", "project", project.id, "columns", new=name, project_id=project.id)
    return column
