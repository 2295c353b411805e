"""The exporters' read of boards: a project's lanes with their open counts (its cards come
through the one row reader, `TransferService.rows`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain.models import Project, Task
from taskboard.services import lookup
from taskboard.services.ops import find
from taskboard.store.writer import Writer


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
                for c in find.columns_of(Writer.of_session(s), p.id or 0)
            ),
        )
        for p in projects
    ]
