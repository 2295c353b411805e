"""A task's tags: read as names, set as names (tags are made on first use)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from taskboard.domain.models import Tag, TaskTag
from taskboard.services import lookup


def task_tags(s: Session, task_id: int) -> tuple[str, ...]:
    """The task's tag names, sorted."""
    return tuple(
        sorted(
            s.scalars(
                select(col(Tag.name))
                .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
                .where(col(TaskTag.task_id) == task_id)
            )
        )
    )


def set_tags(s: Session, task_id: int, names: Iterable[str]) -> tuple[str, ...]:
    """Give the task exactly these tags; returns them as stored."""
    ids = lookup.tag_ids(s, names)
    s.execute(delete(TaskTag).where(col(TaskTag.task_id) == task_id))
    if ids:
        s.execute(insert(TaskTag), [{"task_id": task_id, "tag_id": i} for i in ids.values()])
    return tuple(sorted(ids))
