"""Where each task field is stored, by its kind: read, resolve and store over a session.

The fields themselves are named in `domain/fields.py`; edit and undo use these three steps
for every field, so neither knows any field by name.
"""

from __future__ import annotations

from sqlmodel import Session

from taskboard.domain.fields import TaskField
from taskboard.domain.models import BoardColumn, KeyResult, Person, Task
from taskboard.services import lookup
from taskboard.services.errors import StateError
from taskboard.services.ops.tags import set_tags, task_tags


def current(s: Session, task: Task, field: TaskField) -> object:
    """The field's value now, as people see it: a handle, a key, tag and column names."""
    if field.kind == "person":
        return s.get_one(Person, task.assignee_id).handle if task.assignee_id else None
    if field.kind == "key_result":
        return s.get_one(KeyResult, task.key_result_id).key if task.key_result_id else None
    if field.kind == "tags":
        return task_tags(s, task.id or 0)
    if field.kind == "column":
        return s.get_one(BoardColumn, task.column_id).name
    if field.kind == "plain":
        return getattr(task, field.name)
    raise StateError(f"the {field.label} are not a value of the task")


def resolve(
    s: Session, task: Task, field: TaskField, value: object, *, new_people: bool = True
) -> object:
    """`value` (checked by the field's rule) as `current` would give it once stored: the full
    handle of a prefix (a new person when none matches, if `new_people`), the key result's
    key, the column's name. Names that match nothing are refused."""
    if value is None:
        return None
    if field.kind == "person":
        return lookup.resolve_person(s, str(value), create=new_people)[0].handle
    if field.kind == "key_result":
        return lookup.key_result_by_key(s, str(value)).key
    if field.kind == "column":
        return lookup.match_column(lookup.columns_of(s, task.project_id), str(value)).name
    return value


def store(s: Session, task: Task, field: TaskField, value: object) -> None:
    """Set the field to a resolved value."""
    if field.kind == "person":
        person = lookup.person_by_handle(s, str(value)) if value else None
        task.assignee_id = person.id if person else None
    elif field.kind == "key_result":
        task.key_result_id = lookup.key_result_by_key(s, str(value)).id if value else None
    elif field.kind == "tags":
        assert isinstance(value, tuple)  # the tags rule and `decode` both give a tuple
        set_tags(s, task.id or 0, value)
    elif field.kind == "column":
        columns = lookup.columns_of(s, task.project_id)
        task.column_id = lookup.match_column(columns, str(value)).id or 0
    elif field.kind == "plain":
        setattr(task, field.name, value)
    else:
        raise StateError(f"the {field.label} are not a value of the task")
