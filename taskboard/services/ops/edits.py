"""Editing a task's fields: each change checked, stored and logged with its old value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session

from taskboard.domain import rules
from taskboard.domain.models import KeyResult, Person, Task
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError
from taskboard.services.ops.moves import move_task
from taskboard.services.ops.tags import set_tags, task_tags


def apply_changes(
    s: Session, log: ChangeLog, task: Task, changes: Mapping[str, Any], today: date
) -> None:
    """Set the fields named in `changes` to the values people typed (None clears)."""
    assert task.id is not None

    def rec(f: str, old: object, new: object) -> None:
        log.record("update", task_id=task.id, project_id=task.project_id, field=f, old=old, new=new)

    for name, value in changes.items():
        if name == "title":
            new = rules.title(value)
            if new != task.title:
                rec("title", task.title, new)
                task.title = new
        elif name == "notes":
            new = rules.NOTES.check(value or "")
            if new != task.notes:
                rec("notes", task.notes, new)
                task.notes = new
        elif name == "assignee":
            old_handle = s.get_one(Person, task.assignee_id).handle if task.assignee_id else None
            person = lookup.resolve_person(s, value)[0] if value else None
            if (person.id if person else None) != task.assignee_id:
                rec("assignee", old_handle, person.handle if person else None)
                task.assignee_id = person.id if person else None
        elif name in ("due", "start"):
            if value is not None and not isinstance(value, date):
                raise InvalidFieldError(name, f"bad {name} date {value!r}")
            if getattr(task, name) != value:
                rec(name, getattr(task, name), value)
                setattr(task, name, value)
        elif name == "priority":
            new = rules.priority(value)
            if new != task.priority:
                rec("priority", task.priority, new)
                task.priority = new
        elif name == "tags":
            old_tags = task_tags(s, task.id)
            new_tags = rules.tag_names(value or ())
            if new_tags != old_tags:
                set_tags(s, task.id, new_tags)
                rec("tags", old_tags, new_tags)
        elif name == "key_result":
            old_kr = s.get_one(KeyResult, task.key_result_id).key if task.key_result_id else None
            kr = lookup.key_result_by_key(s, value) if value else None
            if (kr.id if kr else None) != task.key_result_id:
                rec("key_result", old_kr, kr.key if kr else None)
                task.key_result_id = kr.id if kr else None
        elif name == "recurrence":
            rule = rules.recurrence(value)
            if rule != task.recurrence:
                rec("recurrence", task.recurrence, rule)
                task.recurrence = rule
        elif name == "column":
            move_task(s, log, task, value, None, today)
        else:
            raise InvalidFieldError(name, f"unknown field {name!r}")
