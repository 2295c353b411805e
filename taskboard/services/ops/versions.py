"""Optimistic locking: a task is changed at the version a person saw, and saved as a new one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from taskboard.domain.models import Task, utcnow
from taskboard.services.errors import ConflictError, NoChangeError, NotFoundError
from taskboard.services.lookup import moved_tasks

# Keys per IN list: well under SQLite's and psycopg's limits on bound parameters.
CHUNK = 500


def load_task(s: Session, key: str, expected_version: int | None = None) -> Task:
    """The task `key`; refused when someone changed it since the person saw `expected_version`."""
    versions = {key.strip().upper(): expected_version} if expected_version is not None else None
    return load_tasks(s, [key], versions)[0]


def load_tasks(
    s: Session, keys: Sequence[str], versions: Mapping[str, int] | None = None
) -> list[Task]:
    """The tasks `keys` name, in that order and each once (a key typed twice counts once, and
    so does a task named by its key and by the key it had before a move to another project).

    Refused naming every key that matches no task, or naming the first task someone changed
    since the person saw it at `versions[key]` (keys upper case, as typed or as stored).
    """
    typed = {k.strip().upper(): k for k in reversed(keys)}  # the first spelling of each
    wanted = list(dict.fromkeys(k.strip().upper() for k in keys))
    if not wanted:
        raise NoChangeError("no tasks given")
    found: dict[str, Task] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update((t.key, t) for t in s.scalars(select(Task).where(col(Task.key).in_(chunk))))
    missing = [k for k in wanted if k not in found]
    for start in range(0, len(missing), CHUNK):
        found.update(moved_tasks(s, missing[start : start + CHUNK]))
    unknown = [f"'{typed[k]}'" for k in wanted if k not in found]
    if unknown:
        raise NotFoundError(f"unknown task{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    for key in wanted:
        task = found[key]
        seen = (versions or {}).get(key, (versions or {}).get(task.key))
        if seen is not None and task.version != seen:
            raise ConflictError(task.key)
    return list({id(found[k]): found[k] for k in wanted}.values())


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
