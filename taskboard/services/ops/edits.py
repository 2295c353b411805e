"""Editing a task: each field the edit sets checked by its rule, stored, and logged."""

from __future__ import annotations

from datetime import date

from taskboard.domain.fields import TaskChanges
from taskboard.services.activity import ChangeLog
from taskboard.services.ops.fields import current, resolve, store
from taskboard.services.ops.moves import move_task
from taskboard.services.ops.versions import TaskRecord
from taskboard.store.writer import Writer


def edit_task(
    w: Writer,
    log: ChangeLog,
    task: TaskRecord,
    changes: TaskChanges,
    today: date,
    new_people: bool = True,
) -> None:
    """Set the fields `changes` names; a field that keeps its value writes nothing. With
    `new_people` False an unknown @handle is refused instead of becoming a new person."""
    for field, value in changes.items():
        assert field.check is not None  # only editable fields are in TaskChanges
        checked = field.check(value)
        if field.kind == "column":
            move_task(w, log, task, str(checked), None, today)  # a move logs itself
            continue
        old = current(w, task, field)
        new = resolve(w, task, field, checked, new_people)
        if new != old:
            store(w, task, field, new)
            log.task("update", task, field.name, old=old, new=new)
