"""Dependencies between tasks: a task cannot be done before the tasks that block it."""

from __future__ import annotations

from collections.abc import Sequence

from taskboard.services.activity import ChangeLog
from taskboard.services.errors import CycleError, DuplicateError, NotFoundError
from taskboard.services.ops import find
from taskboard.services.ops.versions import TaskRecord
from taskboard.store.writer import Writer

_LINKED = "SELECT 1 FROM dependency WHERE task_id = ? AND blocked_by_id = ?"


def linked(w: Writer, task_id: int, blocker_id: int) -> bool:
    return w.one(_LINKED, (task_id, blocker_id)) is not None


def link(w: Writer, log: ChangeLog, task: TaskRecord, blocker: TaskRecord) -> None:
    """`task` is blocked by `blocker` from now on; refuses itself, a cycle and a twin."""
    if task.id == blocker.id:
        raise CycleError(f"{task.key} cannot block itself")
    if find.depends_on(w, blocker.id, task.id):
        raise CycleError(f"{blocker.key} already depends on {task.key}: that would be a cycle")
    if linked(w, task.id, blocker.id):
        raise DuplicateError(f"{task.key} is already blocked by {blocker.key}")
    insert_links(w, [(task.id, blocker.id)])
    log.task("link", task, "blocked_by", new=blocker.key)


def insert_links(w: Writer, pairs: Sequence[tuple[int, int]]) -> None:
    """Store (task, blocker) pairs already checked: no cycle, no twin, none of a task on
    itself (`link` checks one; an import checks its whole graph at once)."""
    w.insert_rows("dependency", ("task_id", "blocked_by_id"), pairs)


def unlink(w: Writer, log: ChangeLog, task: TaskRecord, blocker: TaskRecord) -> None:
    """`task` is no longer blocked by `blocker`."""
    if not w.execute(
        "DELETE FROM dependency WHERE task_id = ? AND blocked_by_id = ?", (task.id, blocker.id)
    ):
        raise NotFoundError(f"{task.key} is not blocked by {blocker.key}")
    log.task("unlink", task, "blocked_by", old=blocker.key)
