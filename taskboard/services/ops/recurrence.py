"""Recurring tasks: the next date of an RRULE, and the next occurrence made when one is done."""

from __future__ import annotations

from datetime import date, datetime, time

from taskboard.domain.dates import rule_after
from taskboard.domain.text import excerpt
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError
from taskboard.services.ops import find
from taskboard.services.ops.tags import task_tags
from taskboard.services.ops.tasks import NewTask, insert_tasks
from taskboard.services.ops.versions import TaskRecord
from taskboard.store.writer import Writer


def next_date(rule: str, after: date) -> date | None:
    """The first date the RRULE yields strictly after `after` (which also anchors the rule);
    None when the rule has run out (COUNT/UNTIL). Raises ValueError for a bad rule."""
    # From the day's end: a rule stored before BYHOUR was refused yields later the same day.
    nxt = rule_after(rule, datetime.combine(after, time()), datetime.combine(after, time.max))
    return nxt.date() if nxt is not None else None


def create_next_occurrence(w: Writer, log: ChangeLog, task: TaskRecord, today: date) -> str | None:
    """Create the task's next occurrence in the same transaction; its key, or None if none.

    Same project (first column; a subtask stays under its parent), title, assignee, tags,
    priority, notes, recurrence and key result; due is the rule's next date after the old due
    (or after today). Completing, reopening and completing again makes no twin.
    """
    if not task.recurrence:
        return None
    try:
        due = next_date(task.recurrence, task.due or today)
    except (ValueError, TypeError) as exc:
        raise InvalidFieldError(
            "recurrence", f"{task.key} repeats by a bad rule '{excerpt(task.recurrence)}': {exc}"
        ) from None
    if due is None:
        return None
    twin = w.one(
        "SELECT key FROM task WHERE project_id = ? AND title = ? AND recurrence = ? AND due = ?"
        # An occurrence archived by undoing the completion that made it is no twin.
        " AND completed IS NULL AND archived = ?",
        (task.project_id, task.title, task.recurrence, due, False),
    )
    if twin is not None:
        return None
    column_id = task.column_id
    if task.parent_id is None:
        columns = find.columns_of(w, task.project_id)
        column_id = columns[0].id if columns else task.column_id
    row = NewTask(
        project_id=task.project_id,
        project_key=find.project_by_id(w, task.project_id).key,
        column_id=column_id,
        title=task.title,
        notes=task.notes,
        assignee_id=task.assignee_id,
        due=due,
        priority=task.priority,
        parent_id=task.parent_id,
        key_result_id=task.key_result_id,
        recurrence=task.recurrence,
        tags=task_tags(w, task.id),
    )
    key = insert_tasks(w, log, [row])[0].key
    log.task("recur", task, "next_occurrence", new=key)
    return key
