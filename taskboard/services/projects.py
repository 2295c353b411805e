"""Project use cases: create with columns, list with open counts, columns and WIP limits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.models import Project, Task
from taskboard.domain.views import ColumnInfo, ProjectView
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.ops import find
from taskboard.services.ops.projects import add_column, create_project
from taskboard.store.writer import Writer


def project_view(s: Session, project: Project) -> ProjectView:
    assert project.id is not None
    columns = tuple(
        ColumnInfo(
            id=c.id or 0, name=c.name, position=c.position, wip_limit=c.wip_limit, is_done=c.is_done
        )
        for c in find.columns_of(Writer.of_session(s), project.id)
    )
    open_tasks = s.scalar(
        select(func.count()).where(
            col(Task.project_id) == project.id,
            col(Task.completed).is_(None),
            col(Task.archived).is_(False),
            col(Task.parent_id).is_(None),
        )
    )
    return ProjectView(
        id=project.id,
        key=project.key,
        name=project.name,
        description=project.description,
        archived=project.archived,
        columns=columns,
        open_tasks=int(open_tasks or 0),
    )


class ProjectService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def create(
        self,
        key: str,
        name: str,
        columns: Sequence[str] | None = None,
        description: str = "",
        done_column: str | None = None,
    ) -> ProjectView:
        """A project with its columns; the last column (or `done_column`) counts as done."""
        with self.ctx.change() as (s, log):
            made = create_project(log.writer, log, key, name, columns, description, done_column)
            return project_view(s, s.get_one(Project, made.id))

    def all(self, include_archived: bool = False) -> list[ProjectView]:
        with self.ctx.store.read() as s:
            stmt = select(Project).order_by(col(Project.key))
            if not include_archived:
                stmt = stmt.where(col(Project.archived).is_(False))
            return [project_view(s, p) for p in s.scalars(stmt)]

    def get(self, key: str) -> ProjectView:
        with self.ctx.store.read() as s:
            return project_view(s, lookup.project_by_key(s, key))

    def add_column(
        self, key: str, name: str, wip_limit: int | None = None, is_done: bool = False
    ) -> ProjectView:
        """A new column at the right end of the project's board."""
        with self.ctx.change() as (s, log):
            project = lookup.project_by_key(s, key)
            add_column(
                log.writer, log, find.project_by_key(log.writer, key), name, wip_limit, is_done
            )
            return project_view(s, project)

    def set_wip_limit(self, key: str, column: str, limit: int | None) -> ProjectView:
        limit = rules.wip_limit(limit)
        with self.ctx.change() as (s, log):
            project = lookup.project_by_key(s, key)
            target = lookup.match_column(
                find.columns_of(Writer.of_session(s), project.id or 0), column
            )
            log.about(
                "wip",
                "column",
                target.id,
                "wip_limit",
                old=target.wip_limit,
                new=limit,
                project_id=project.id,
            )
            log.writer.execute(
                "UPDATE board_column SET wip_limit = ? WHERE id = ?", (limit, target.id)
            )
            return project_view(s, project)
