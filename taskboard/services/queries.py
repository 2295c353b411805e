"""Tuple queries that build TaskRow read models fast (no ORM objects on the list paths).

They select `taskboard.store.reader.TASK_COLUMNS` through the ORM, for conditions written
as SQLAlchemy expressions, and make each row with the reader's `task_row`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from taskboard.domain.models import (
    BoardColumn,
    Dependency,
    KeyResult,
    Person,
    Project,
    Tag,
    Task,
    TaskTag,
)
from taskboard.domain.views import TaskRow
from taskboard.store.reader import task_row

_Parent = aliased(Task)
_Blocker = aliased(Task)


def task_rows(
    session: Session,
    *conditions: ColumnElement[bool],
    order: Sequence[Any] | None = None,
    limit: int | None = None,
) -> list[TaskRow]:
    """Tasks matching `conditions`, with tags, subtask progress and blockers. The conditions
    are on `Task` alone (other tables through subqueries): they also select the ids the tags,
    subtasks and blockers are read for."""
    stmt = (
        select(
            col(Task.id),
            col(Task.key),
            col(Task.title),
            col(Project.key),
            col(Task.column_id),
            col(BoardColumn.name),
            col(Task.rank),
            col(Person.handle),
            col(Task.due),
            col(Task.priority),
            col(Task.completed),
            col(Task.archived),
            col(Task.created),
            col(Task.updated),
            col(Task.version),
            col(_Parent.key),
            col(KeyResult.key),
            col(Task.notes),
        )
        .join(Project, col(Project.id) == Task.project_id)
        .join(BoardColumn, col(BoardColumn.id) == Task.column_id)
        .outerjoin(Person, col(Person.id) == Task.assignee_id)
        .outerjoin(_Parent, col(_Parent.id) == Task.parent_id)
        .outerjoin(KeyResult, col(KeyResult.id) == Task.key_result_id)
        .where(*conditions)
        .order_by(*(order or (Project.key, BoardColumn.position, Task.rank, Task.id)))
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    raw = session.execute(stmt.execution_options(yield_per=2000)).all()
    if not raw:
        return []
    ids = select(col(Task.id)).where(*conditions).scalar_subquery() if conditions else None
    tags = _tags(session, ids)
    subtasks = _subtask_counts(session, ids)
    blockers = _open_blockers(session, ids)
    return [task_row(r, tags, subtasks, blockers) for r in raw]


def _tags(session: Session, ids: Any) -> dict[int, tuple[str, ...]]:
    stmt = (
        select(col(TaskTag.task_id), col(Tag.name))
        .join(Tag, col(Tag.id) == TaskTag.tag_id)
        .order_by(col(Tag.name))
    )
    if ids is not None:
        stmt = stmt.where(col(TaskTag.task_id).in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for task_id, name in session.execute(stmt):
        found[task_id].append(name)
    return {k: tuple(v) for k, v in found.items()}


def _subtask_counts(session: Session, ids: Any) -> dict[int, tuple[int, int]]:
    stmt = select(
        col(Task.parent_id),
        func.count(col(Task.completed)),
        func.count(),
    ).where(col(Task.parent_id).is_not(None), col(Task.archived).is_(False))
    if ids is not None:
        stmt = stmt.where(col(Task.parent_id).in_(ids))
    stmt = stmt.group_by(col(Task.parent_id))
    return {p: (done, total) for p, done, total in session.execute(stmt)}


def _open_blockers(session: Session, ids: Any) -> dict[int, tuple[str, ...]]:
    stmt = (
        select(col(Dependency.task_id), col(_Blocker.key))
        .join(
            _Blocker,
            and_(
                col(_Blocker.id) == Dependency.blocked_by_id,
                col(_Blocker.completed).is_(None),
            ),
        )
        .where(col(_Blocker.archived).is_(False))
        .order_by(col(_Blocker.key))
    )
    if ids is not None:
        stmt = stmt.where(col(Dependency.task_id).in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for task_id, key in session.execute(stmt):
        found[task_id].append(key)
    return {k: tuple(v) for k, v in found.items()}
