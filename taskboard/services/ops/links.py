"""Dependencies between tasks: a task cannot be done before the tasks that block it."""

from __future__ import annotations

from sqlmodel import Session

from taskboard.domain.models import Dependency, Task
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import CycleError, DuplicateError, NotFoundError


def link(s: Session, log: ChangeLog, task: Task, blocker: Task) -> None:
    """`task` is blocked by `blocker` from now on; refuses itself, a cycle and a twin."""
    if task.id == blocker.id:
        raise CycleError(f"{task.key} cannot block itself")
    if lookup.depends_on(s, blocker.id or 0, task.id or 0):
        raise CycleError(f"{blocker.key} already depends on {task.key}: that would be a cycle")
    if s.get(Dependency, (task.id, blocker.id)) is not None:
        raise DuplicateError(f"{task.key} is already blocked by {blocker.key}")
    s.add(Dependency(task_id=task.id or 0, blocked_by_id=blocker.id or 0))
    log.task("link", task, "blocked_by", new=blocker.key)


def unlink(s: Session, log: ChangeLog, task: Task, blocker: Task) -> None:
    """`task` is no longer blocked by `blocker`."""
    dependency = s.get(Dependency, (task.id, blocker.id))
    if dependency is None:
        raise NotFoundError(f"{task.key} is not blocked by {blocker.key}")
    s.delete(dependency)
    log.task("unlink", task, "blocked_by", old=blocker.key)
