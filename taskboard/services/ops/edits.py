"""Editing a task: each field the edit sets checked by its rule, stored, and logged."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Task
from taskboard.services.activity import ChangeLog
from taskboard.services.ops.fields import current, resolve, store
from taskboard.services.ops.moves import move_task


def edit_task(
    s: Session,
    log: ChangeLog,
    task: Task,
    changes: TaskChanges,
    today: date,
    *,
    new_people: bool = True,
) -> None:
    """Set the fields `changes` names; a field that keeps its value writes nothing. An
    assignee nobody's handle starts with is a new person, or with `new_people` False refused
    (`UnknownPersonError`, naming the closest handles)."""
    for field, value in changes.items():
        assert field.check is not None  # only editable fields are in TaskChanges
        checked = field.check(value)
        if field.kind == "column":
            move_task(s, log, task, str(checked), None, today)  # a move logs itself
            continue
        old = current(s, task, field)
        new = resolve(s, task, field, checked, new_people=new_people)
        if new != old:
            store(s, task, field, new)
            log.task("update", task, field.name, old=old, new=new)
