"""Task numbers: each project's counter, taken atomically, never given out twice."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from taskboard.domain.models import Project


def reserve_numbers(s: Session, project_id: int, count: int = 1) -> int:
    """The first of `count` consecutive new task numbers in the project, now taken."""
    # One atomic UPDATE … RETURNING: concurrent writers never get the same number.
    last = s.execute(
        update(Project)
        .where(col(Project.id) == project_id)
        .values(last_number=col(Project.last_number) + count)
        .returning(col(Project.last_number))
    ).scalar_one()
    return int(last) - count + 1
