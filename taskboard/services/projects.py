"""Project use cases: create with columns, list with open counts, columns and WIP limits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.models import BoardColumn, Project, Task
from taskboard.domain.views import ColumnInfo, ProjectView
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import DuplicateError
from taskboard.services.names import match_name

DEFAULT_COLUMNS = rules.DEFAULT_COLUMNS
DONE_NAMES = rules.DONE_NAMES
_column_names = rules.column_names


def project_view(s: Session, project: Project) -> ProjectView:
    assert project.id is not None
    columns = tuple(
        ColumnInfo(
            id=c.id or 0, name=c.name, position=c.position, wip_limit=c.wip_limit, is_done=c.is_done
        )
        for c in lookup.columns_of(s, project.id)
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
        columns: list[str] | tuple[str, ...] | None = None,
        description: str = "",
        done_column: str | None = None,
    ) -> ProjectView:
        """A project with its columns; the last column (or `done_column`) counts as done."""
        key = rules.project_key(key)
        title = rules.PROJECT_NAME.check(name)
        about = rules.PROJECT_DESCRIPTION.check(description)
        names = _column_names(list(columns or DEFAULT_COLUMNS))
        with self.ctx.store.write() as s:
            if s.scalars(select(Project).where(col(Project.key) == key)).first() is not None:
                raise DuplicateError(f"project {key} already exists")
            project = Project(key=key, name=title, description=about)
            s.add(project)
            s.flush()
            done_index = self._done_index(names, done_column)
            for i, column in enumerate(names):
                s.add(
                    BoardColumn(
                        project_id=project.id or 0, name=column, position=i, is_done=i == done_index
                    )
                )
            s.flush()
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "create", entity="project", entity_id=project.id, project_id=project.id, new=key
            )
            log.flush()
            return project_view(s, project)

    @staticmethod
    def _done_index(names: list[str], done_column: str | None) -> int:
        if done_column is not None:
            return match_name(names, done_column, "column")
        for i, n in enumerate(names):
            if n.casefold() in DONE_NAMES:
                return i
        return len(names) - 1

    def list(self, include_archived: bool = False) -> list[ProjectView]:
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
        with self.ctx.store.write() as s:
            project = lookup.project_by_key(s, key)
            columns = lookup.columns_of(s, project.id or 0)
            name = rules.column_names([c.name for c in columns] + [name])[-1]
            wip_limit = rules.wip_limit(wip_limit)
            s.add(
                BoardColumn(
                    project_id=project.id or 0,
                    name=name,
                    position=len(columns),
                    wip_limit=wip_limit,
                    is_done=is_done,
                )
            )
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "column",
                entity="project",
                entity_id=project.id,
                project_id=project.id,
                field="columns",
                new=name,
            )
            s.flush()
            log.flush()
            return project_view(s, project)

    def set_wip_limit(self, key: str, column: str, limit: int | None) -> ProjectView:
        limit = rules.wip_limit(limit)
        with self.ctx.store.write() as s:
            project = lookup.project_by_key(s, key)
            target = lookup.match_column(lookup.columns_of(s, project.id or 0), column)
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "wip",
                entity="column",
                entity_id=target.id,
                project_id=project.id,
                field="wip_limit",
                old=target.wip_limit,
                new=limit,
            )
            target.wip_limit = limit
            s.flush()
            log.flush()
            return project_view(s, project)
