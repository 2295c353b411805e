"""The invariants a restored store must keep: each broken one refuses, naming the row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlmodel import Session, col

from taskboard.domain.models import BoardColumn, Dependency, Objective, Project, Task
from taskboard.services import Services, TaskDraft
from taskboard.services.errors import ServiceError
from taskboard.services.restore_checks import check_restored


def _id(s: Session, model: Any, where: Any) -> int:
    return int(s.scalars(select(col(model.id)).where(where)).first() or 0)


def _column_elsewhere(s: Session) -> None:
    srv = _id(s, BoardColumn, col(BoardColumn.project_id) == _id(s, Project, Project.key == "SRV"))
    s.execute(update(Task).where(col(Task.key) == "DEL-1").values(column_id=srv))


def _parent_elsewhere(s: Session) -> None:
    srv = _id(s, Task, col(Task.key) == "SRV-1")
    s.execute(update(Task).where(col(Task.key) == "DEL-2").values(parent_id=srv))


def _parent_loop(s: Session) -> None:
    child = _id(s, Task, col(Task.key) == "DEL-2")
    s.execute(update(Task).where(col(Task.key) == "DEL-1").values(parent_id=child))


def _objective_loop(s: Session) -> None:
    s.execute(update(Objective).values(parent_id=_id(s, Objective, Objective.key == "O1")))


def _blocker_loop(s: Session) -> None:
    one, two = (_id(s, Task, col(Task.key) == k) for k in ("DEL-1", "DEL-2"))
    s.add(Dependency(task_id=two, blocked_by_id=one))


BROKEN: dict[str, tuple[Callable[[Session], None], str]] = {
    "column": (_column_elsewhere, "task DEL-1 is in a column of another project"),
    "parent": (_parent_elsewhere, "subtask DEL-2 has its parent in another project"),
    "parent loop": (_parent_loop, "is its own parent's ancestor"),
    "objective loop": (_objective_loop, "objective O1 is aligned under itself"),
    "blocker loop": (_blocker_loop, "is blocked by itself"),
}


@pytest.mark.parametrize("broken", BROKEN)
def test_a_broken_invariant_refuses_the_restore_naming_the_row(
    services: Services, broken: str
) -> None:
    services.projects.create("DEL", "Deliveries")
    services.projects.create("SRV", "Service")
    services.tasks.create(TaskDraft(title="Car", project="DEL"))
    services.tasks.add_subtask("DEL-1", "Papers")
    services.tasks.create(TaskDraft(title="Site", project="SRV"))
    services.tasks.add_dependency("DEL-1", "DEL-2")
    services.okr.add_objective("Deliver", "2026-Q4")
    with services.ctx.store.write() as s:
        check_restored(s)  # the store as the services left it keeps them all
    breaking, said = BROKEN[broken]
    with pytest.raises(ServiceError, match=said), services.ctx.store.write() as s:
        breaking(s)
        s.flush()
        check_restored(s)
