"""Reading tasks: filtered rows, one row, the whole detail, tags in use, the revision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from taskboard.domain.models import (
    Activity,
    BoardColumn,
    Comment,
    Dependency,
    Person,
    Tag,
    Task,
    TaskTag,
)
from taskboard.domain.views import ActivityView, CommentView, TaskDetail, TaskRow
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.names import match_name
from taskboard.services.ops import find
from taskboard.services.queries import task_rows
from taskboard.store.writer import Writer


class TaskReads:
    """The read side of the task use cases: nothing here writes."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def rows(
        self,
        project: str | None = None,
        assignee: str | None = None,
        column: str | None = None,
        include_closed: bool = False,
        top_level_only: bool = False,
        for_board: bool = False,
    ) -> list[TaskRow]:
        """Tasks as a list shows them; open ones only unless `include_closed`. `for_board`
        leaves out what a board never shows (`reader.BOARD_COLUMNS`): source ids."""
        with self.ctx.store.read() as s:
            conds: list[Any] = []
            if project is not None:
                p = lookup.project_by_key(s, project)
                conds.append(col(Task.project_id) == p.id)
                if column is not None:
                    chosen = lookup.match_column(
                        find.columns_of(Writer.of_session(s), p.id or 0), column
                    )
                    conds.append(col(Task.column_id) == chosen.id)
            elif column is not None:
                names = sorted(set(s.scalars(select(col(BoardColumn.name)))))
                name = names[match_name(names, column, "column")]
                named = select(col(BoardColumn.id)).where(col(BoardColumn.name) == name)
                conds.append(col(Task.column_id).in_(named))
            if assignee is not None:
                person, _ = lookup.resolve_person(s, assignee, create=False)
                conds.append(col(Task.assignee_id) == person.id)
            if not include_closed:
                conds += [col(Task.completed).is_(None), col(Task.archived).is_(False)]
            if top_level_only:
                conds.append(col(Task.parent_id).is_(None))
            return task_rows(s, *conds, source=not for_board)

    def tag_names(self, project: str | None = None) -> list[str]:
        """Every tag in use (in `project`, or anywhere), for completion."""
        with self.ctx.store.read() as s:
            stmt = select(col(Tag.name)).join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
            if project is not None:
                p = lookup.project_by_key(s, project)
                stmt = stmt.join(Task, col(Task.id) == col(TaskTag.task_id)).where(
                    col(Task.project_id) == p.id
                )
            return sorted(set(s.scalars(stmt.distinct())))

    def revision(self) -> int:
        """Changes whenever anyone commits a change: the board polls it for live refresh."""
        return self.ctx.store.data_version()

    def row(self, key: str) -> TaskRow:
        with self.ctx.store.read() as s:
            task = lookup.task_by_key(s, key)
            return task_rows(s, col(Task.id) == task.id)[0]

    def detail(self, key: str) -> TaskDetail:
        with self.ctx.store.read() as s:
            task = lookup.task_by_key(s, key)
            row = task_rows(s, col(Task.id) == task.id)[0]
            subtasks = task_rows(
                s, col(Task.parent_id) == task.id, order=(col(Task.rank), col(Task.id))
            )
            blockers = select(col(Dependency.blocked_by_id)).where(
                col(Dependency.task_id) == task.id
            )
            blocked_by = task_rows(s, col(Task.id).in_(blockers))
            blocking_ids = select(col(Dependency.task_id)).where(
                col(Dependency.blocked_by_id) == task.id
            )
            blocking = task_rows(s, col(Task.id).in_(blocking_ids))
            comments = [
                CommentView(id=c.id or 0, author=handle, body=c.body, created=c.created)
                for c, handle in s.execute(
                    select(Comment, col(Person.handle))
                    .outerjoin(Person, col(Person.id) == col(Comment.author_id))
                    .where(col(Comment.task_id) == task.id)
                    .order_by(col(Comment.created), col(Comment.id))
                )
            ]
            history = [
                ActivityView(
                    id=a.id or 0,
                    at=a.at,
                    actor=a.actor,
                    change_id=a.change_id,
                    action=a.action,
                    field=a.field,
                    old=a.old,
                    new=a.new,
                    task_key=task.key,
                )
                for a in s.scalars(
                    select(Activity)
                    .where(col(Activity.task_id) == task.id)
                    .order_by(col(Activity.id))
                )
            ]
            return TaskDetail(
                task=row,
                notes=task.notes,
                start=task.start,
                recurrence=task.recurrence,
                subtasks=tuple(subtasks),
                blocked_by=tuple(blocked_by),
                blocking=tuple(blocking),
                comments=tuple(comments),
                history=tuple(history),
            )
