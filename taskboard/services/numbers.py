"""Task numbers: each project's counter, taken atomically, never given out twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskboard.store.writer import Writer

if TYPE_CHECKING:
    from sqlmodel import Session


def reserve(w: Writer, project_id: int, count: int = 1) -> int:
    """The first of `count` consecutive new task numbers in the project, now taken."""
    # One atomic UPDATE … RETURNING: concurrent writers never get the same number.
    ((last,),) = w.returning(
        "UPDATE project SET last_number = last_number + ? WHERE id = ? RETURNING last_number",
        (count, project_id),
    )
    return int(last) - count + 1


def reserve_numbers(s: Session, project_id: int, count: int = 1) -> int:
    """`reserve` in a session's transaction."""
    return reserve(Writer.of_session(s), project_id, count)
