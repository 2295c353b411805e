"""Where each task field is stored, by its kind: read, resolve and store in plain SQL.

The fields themselves are named in `domain/fields.py`; edit and undo use these three steps
for every field, so neither knows any field by name.
"""

from __future__ import annotations

from taskboard.domain.fields import TaskField
from taskboard.services.errors import StateError
from taskboard.services.ops import find
from taskboard.services.ops.tags import set_tags, task_tags
from taskboard.services.ops.versions import TaskRecord
from taskboard.store.writer import Writer


def current(w: Writer, task: TaskRecord, field: TaskField) -> object:
    """The field's value now, as people see it: a handle, a key, tag and column names."""
    if field.kind == "person":
        if task.assignee_id is None:
            return None
        return w.rows("SELECT handle FROM person WHERE id = ?", (task.assignee_id,))[0][0]
    if field.kind == "key_result":
        if task.key_result_id is None:
            return None
        return w.rows("SELECT key FROM key_result WHERE id = ?", (task.key_result_id,))[0][0]
    if field.kind == "tags":
        return task_tags(w, task.id)
    if field.kind == "column":
        return find.column_by_id(w, task.project_id, task.column_id).name
    if field.kind == "plain":
        return getattr(task, field.name)
    raise StateError(f"the {field.label} are not a value of the task")


def resolve(
    w: Writer, task: TaskRecord, field: TaskField, value: object, new_people: bool = True
) -> object:
    """`value` (checked by the field's rule) as `current` would give it once stored: the full
    handle of a prefix (a new person when none matches, or with `new_people` False a
    refusal naming the closest handles), the key result's key, the column's name. Names
    that match nothing are refused."""
    if value is None:
        return None
    if field.kind == "person":
        return find.resolve_person(w, str(value), create=new_people)[1]
    if field.kind == "key_result":
        return find.key_result_by_key(w, str(value))[1]
    if field.kind == "column":
        return find.match_column(find.columns_of(w, task.project_id), str(value)).name
    return value


def store(w: Writer, task: TaskRecord, field: TaskField, value: object) -> None:
    """Set the field to a resolved value."""
    if field.kind == "person":
        person = find.person_by_handle(w, str(value)) if value else None
        task.assignee_id = person[0] if person else None
    elif field.kind == "key_result":
        task.key_result_id = find.key_result_by_key(w, str(value))[0] if value else None
    elif field.kind == "tags":
        assert isinstance(value, tuple)  # the tags rule and `decode` both give a tuple
        set_tags(w, task.id, value)
    elif field.kind == "column":
        columns = find.columns_of(w, task.project_id)
        task.column_id = find.match_column(columns, str(value)).id
    elif field.kind == "plain":
        setattr(task, field.name, value)
    else:
        raise StateError(f"the {field.label} are not a value of the task")
