"""The invariants a restored store must keep, checked inside the restore's transaction.

Every row of a dump can be well-formed and the store still be broken: no INBOX (capture and
`add` then fail), a project without columns, a task in another project's column, a key that
does not match its number, numbering that would hand out a key twice, a parent or blocker
loop. Each of these refuses the whole restore with a line naming the first row at fault.
"""

from __future__ import annotations

from typing import Any

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
    misplaced = _in_another_project(s, BoardColumn, Task.column_id)
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
    stray = _in_another_project(s, Task, Task.parent_id)
    if stray is not None:
        raise _refuse(place, f"subtask {stray} has its parent in another project")
    looped = _on_a_loop(s, Task.id, Task.parent_id)
    if looped is not None:
        raise _refuse(place, f"task {_task_key(s, looped)} is its own parent's ancestor")
    looped = _on_a_loop(s, Objective.id, Objective.parent_id)
    if looped is not None:
        key = s.scalar(select(col(Objective.key)).where(col(Objective.id) == looped))
        raise _refuse(place, f"objective {key} is aligned under itself")
    looped = _on_a_loop(s, Dependency.task_id, Dependency.blocked_by_id)
    if looped is not None:
        raise _refuse(place, f"task {_task_key(s, looped)} is blocked by itself")


def _in_another_project(s: Session, owner: type[BoardColumn | Task], link: Any) -> str | None:
    """The key of a task whose `link` (its column, its parent) is in another project."""
    other = aliased(owner)
    return s.scalars(
        select(col(Task.key))
        .join(other, col(other.id) == link)
        .where(col(other.project_id) != Task.project_id)
    ).first()


def _on_a_loop(s: Session, node: Any, to: Any) -> int | None:
    """A node on a loop of the links `node` → `to` (parent, blocker), or None."""
    return node_on_a_cycle(s.execute(select(col(node), col(to)).where(col(to).is_not(None))))
