"""Tuple queries that build TaskRow read models fast (no ORM objects on the list paths).

They select `taskboard.store.reader.TASK_COLUMNS` through the ORM, for conditions written
as SQLAlchemy expressions, read the details as the reader's `DETAILS` does and make each
row with the reader's `task_row` and `details`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable
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
from taskboard.store.reader import details, task_row

_Parent = aliased(Task)
_Blocker = aliased(Task)


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def in_place(stmt: _S) -> _S:
    """`stmt` over tasks, joined with each task's project and column."""
    return stmt.join(Project, col(Project.id) == Task.project_id).join(
        BoardColumn, col(BoardColumn.id) == Task.column_id
    )


def task_rows(
    session: Session,
    *conditions: ColumnElement[bool],
    order: Sequence[Any] | None = None,
    limit: int | None = None,
    source: bool = True,
) -> list[TaskRow]:
    """Tasks matching `conditions`, with tags, subtask progress and blockers. The conditions
    are on `Task` alone (other tables through subqueries): they also select the ids the tags,
    subtasks and blockers are read for. Without `source`, the rows leave out their source
    ids, as the reader's `BOARD_COLUMNS` do."""
    stmt = in_place(
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
            col(Task.parent_id),
            col(Task.source_id) if source else literal_column("NULL", String),
        ),
    )
    stmt = (
        stmt.outerjoin(Person, col(Person.id) == Task.assignee_id)
        .outerjoin(_Parent, col(_Parent.id) == Task.parent_id)
        .outerjoin(KeyResult, col(KeyResult.id) == Task.key_result_id)
        .where(*conditions)
        .order_by(*(order or (Project.key, BoardColumn.position, Task.rank, Task.id)))
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    # Run on the session's connection, not through the ORM, which would first fetch and
    # hold the whole result: its rows become TaskRows one by one as the cursor gives them,
    # so a 100,000-card board is never held twice. (Not a server-side cursor: that costs
    # four more round trips to PostgreSQL.) The details first, as the rows need them.
    session.flush()  # what the ORM's execute would do: pending changes are read too
    conn = session.connection()
    ids = select(col(Task.id)).where(*conditions).scalar_subquery() if conditions else None
    tags, subtasks, blockers = details(conn.execute(_details(ids)))
    return [task_row(r, tags, subtasks, blockers) for r in conn.execute(stmt)]


def _details(ids: Any) -> Executable:
    """The reader's `DETAILS` (tags, subtask counts, open blockers in one statement) for
    the tasks `ids` selects, or for all."""
    zero = literal_column("0", Integer)
    tags = select(
        literal_column("0", Integer), col(TaskTag.task_id), col(Tag.name), zero, zero
    ).join(Tag, col(Tag.id) == TaskTag.tag_id)
    subtasks = (
        select(
            literal_column("1", Integer),
            col(Task.parent_id),
            literal_column("NULL", String),
            func.count(col(Task.completed)),
            func.count(),
        )
        .where(col(Task.parent_id).is_not(None), col(Task.archived).is_(False))
        .group_by(col(Task.parent_id))
    )
    blockers = (
        select(literal_column("2", Integer), col(Dependency.task_id), col(_Blocker.key), zero, zero)
        .join(
            _Blocker,
            and_(
                col(_Blocker.id) == Dependency.blocked_by_id,
                col(_Blocker.completed).is_(None),
            ),
        )
        .where(col(_Blocker.archived).is_(False))
    )
    if ids is not None:
        tags = tags.where(col(TaskTag.task_id).in_(ids))
        subtasks = subtasks.where(col(Task.parent_id).in_(ids))
        blockers = blockers.where(col(Dependency.task_id).in_(ids))
    return union_all(tags, subtasks, blockers).order_by(literal_column("1"), literal_column("3"))
