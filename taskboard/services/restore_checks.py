"""The invariants a restored store must keep, checked inside the restore's transaction.

Every row of a dump can be well-formed and the store still be broken: no INBOX (capture and
`add` then fail), a project without columns, a task in another project's column, a key that
does not match its number, numbering that would hand out a key twice, a parent or blocker
loop. Each of these refuses the whole restore with a line naming the first row at fault.
"""

from __future__ import annotations

from sqlalchemy import String, cast, exists, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from taskboard.domain.graphs import node_on_a_cycle
from taskboard.domain.models import BoardColumn, Dependency, Objective, Project, Task
from taskboard.domain.rules import INBOX
from taskboard.services.errors import ServiceError


def _refuse(place: str, problem: str) -> ServiceError:
    return ServiceError(f"{place}the dump breaks the store's rules: {problem}; nothing restored")


def _task_key(s: Session, task_id: int) -> str:
    return str(s.scalar(select(col(Task.key)).where(col(Task.id) == task_id)))


def check_restored(s: Session, place: str = "") -> None:
    """Refuse the restored rows in `s` unless they keep every invariant of a store."""
    inbox = s.scalars(select(Project).where(col(Project.key) == INBOX)).first()
    if inbox is None:
        raise _refuse(place, f"it has no {INBOX} project, which every store has")
    bare = s.scalars(
        select(col(Project.key)).where(~exists().where(col(BoardColumn.project_id) == Project.id))
    ).first()
    if bare is not None:
        raise _refuse(place, f"project {bare} has no columns")
    column = aliased(BoardColumn)
    misplaced = s.scalars(
        select(col(Task.key))
        .join(column, col(column.id) == Task.column_id)
        .where(col(column.project_id) != Task.project_id)
    ).first()
    if misplaced is not None:
        raise _refuse(place, f"task {misplaced} is in a column of another project")
    expected_key = col(Project.key) + "-" + cast(col(Task.number), String)
    for key, number, last, expected in s.execute(
        select(col(Task.key), col(Task.number), col(Project.last_number), expected_key)
        .join(Project, col(Project.id) == Task.project_id)
        .where(
            (col(Task.key) != expected_key)
            | (col(Task.number) < 1)
            | (col(Task.number) > col(Project.last_number))
        )
        .limit(1)
    ):
        if key != expected:
            raise _refuse(place, f"task {key} has number {number}, so its key is {expected}")
        raise _refuse(
            place,
            f"task {key} has a number its project's counter ({last}) has not handed out",
        )
    parent = aliased(Task)
    stray = s.scalars(
        select(col(Task.key))
        .join(parent, col(parent.id) == Task.parent_id)
        .where(col(parent.project_id) != Task.project_id)
    ).first()
    if stray is not None:
        raise _refuse(place, f"subtask {stray} has its parent in another project")
    looped = node_on_a_cycle(
        s.execute(select(col(Task.id), col(Task.parent_id)).where(col(Task.parent_id).is_not(None)))
    )
    if looped is not None:
        raise _refuse(place, f"task {_task_key(s, looped)} is its own parent's ancestor")
    looped = node_on_a_cycle(
        s.execute(
            select(col(Objective.id), col(Objective.parent_id)).where(
                col(Objective.parent_id).is_not(None)
            )
        )
    )
    if looped is not None:
        key = s.scalar(select(col(Objective.key)).where(col(Objective.id) == looped))
        raise _refuse(place, f"objective {key} is aligned under itself")
    looped = node_on_a_cycle(
        s.execute(select(col(Dependency.task_id), col(Dependency.blocked_by_id)))
    )
    if looped is not None:
        raise _refuse(place, f"task {_task_key(s, looped)} is blocked by itself")
