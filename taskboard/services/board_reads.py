"""The exporters' reads: a project's lanes with their open counts, and its cards in board order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from taskboard.domain.models import BoardColumn, Person, Project, Tag, Task, TaskTag
from taskboard.services import lookup


@dataclass(frozen=True, slots=True)
class Lane:
    name: str
    wip_limit: int | None
    is_done: bool
    open_cards: int


@dataclass(frozen=True, slots=True)
class Board:
    key: str
    name: str
    description: str
    lanes: tuple[Lane, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One task as exporters write it."""

    id: int
    key: str
    project: str
    title: str
    column: str
    assignee: str | None
    due: date | None
    priority: str
    tags: tuple[str, ...]
    done: bool
    archived: bool
    notes: str
    parent_id: int | None
    parent: str | None
    created: datetime
    updated: datetime
    completed: datetime | None
    source_id: str | None = None


def read_boards(s: Session, project: str | None = None) -> list[Board]:
    """One project's board, or every project that is not archived, by key."""
    if project is not None:
        projects = [lookup.project_by_key(s, project)]
    else:
        projects = list(
            s.scalars(
                select(Project).where(col(Project.archived).is_(False)).order_by(col(Project.key))
            )
        )
    counts: dict[int, int] = dict(
        s.execute(
            select(col(Task.column_id), func.count())
            .where(Task.parent_id.is_(None), Task.archived.is_(False))  # type: ignore[union-attr, attr-defined]
            .group_by(col(Task.column_id))
        ).all()
    )
    return [
        Board(
            key=p.key,
            name=p.name,
            description=p.description,
            lanes=tuple(
                Lane(c.name, c.wip_limit, c.is_done, int(counts.get(c.id or 0, 0)))
                for c in lookup.columns_of(s, p.id or 0)
            ),
        )
        for p in projects
    ]


def read_cards(s: Session, project: str | None = None, scope: str = "all") -> Iterator[Card]:
    """Tasks streamed in board order (project, column, rank); scope is all, top or sub."""
    parent = aliased(Task)
    agg = (
        func.string_agg(Tag.name, "\x1f")
        if s.get_bind().dialect.name == "postgresql"
        else func.group_concat(Tag.name, "\x1f")
    )
    tags = (
        select(agg)
        .select_from(TaskTag)
        .join(Tag, col(Tag.id) == TaskTag.tag_id)
        .where(col(TaskTag.task_id) == Task.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            col(Task.id),
            col(Task.key),
            col(Project.key),
            col(Task.title),
            col(BoardColumn.name),
            col(Person.handle),
            col(Task.due),
            col(Task.priority),
            tags,
            col(Task.archived),
            col(Task.notes),
            col(Task.parent_id),
            col(parent.key),
            col(Task.created),
            col(Task.updated),
            col(Task.completed),
            col(Task.source_id),
        )
        .join(Project, col(Project.id) == Task.project_id)
        .join(BoardColumn, col(BoardColumn.id) == Task.column_id)
        .outerjoin(Person, col(Person.id) == Task.assignee_id)
        .outerjoin(parent, col(parent.id) == Task.parent_id)
        .order_by(col(Project.key), col(BoardColumn.position), col(Task.rank), col(Task.id))
    )
    if project is not None:
        stmt = stmt.where(col(Project.key) == lookup.project_by_key(s, project).key)
    if scope == "top":
        stmt = stmt.where(Task.parent_id.is_(None))  # type: ignore[union-attr]
    elif scope == "sub":
        stmt = stmt.where(Task.parent_id.is_not(None))  # type: ignore[union-attr]
    for r in s.execute(stmt.execution_options(yield_per=5000)):
        yield Card(
            id=r[0],
            key=r[1],
            project=r[2],
            title=r[3],
            column=r[4],
            assignee=r[5],
            due=r[6],
            priority=r[7],
            tags=tuple(sorted(r[8].split("\x1f"))) if r[8] else (),
            done=r[15] is not None,
            archived=r[9],
            notes=r[10],
            parent_id=r[11],
            parent=r[12],
            created=r[13],
            updated=r[14],
            completed=r[15],
            source_id=r[16],
        )
