"""Optimistic locking: a task is changed at the version a person saw, and saved as a new one."""

from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from taskboard.domain.models import Task, utcnow
from taskboard.services import lookup
from taskboard.services.errors import ConflictError


def load_task(s: Session, key: str, expected_version: int | None = None) -> Task:
    """The task `key`; refused when someone changed it since the person saw `expected_version`."""
    task = lookup.task_by_key(s, key)
    if expected_version is not None and task.version != expected_version:
        raise ConflictError(task.key)
    return task


def save_task(s: Session, task: Task) -> None:
    """Write the task's changes as a new version; refused when another session saved first."""
    task.updated = utcnow()
    # Always an UPDATE, so always a new version: a link changes the task, and `updated`
    # alone may be set to the value it has (the same clock tick as the last change).
    flag_modified(task, "updated")
    key = task.key  # the failed flush expires the object: read the key before it
    try:
        s.flush()
    except StaleDataError as exc:
        raise ConflictError(key) from exc
