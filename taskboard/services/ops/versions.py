"""A task as the write steps change it, and optimistic locking: a task is changed at the
version a person saw, and saved as a new one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from taskboard.domain.dates import utcnow
from taskboard.services.errors import ConflictError, NoChangeError, NotFoundError
from taskboard.services.ops import find
from taskboard.store.reader import day, moment
from taskboard.store.writer import Writer

# Keys per IN list: well under SQLite's and psycopg's limits on bound parameters.
CHUNK = 500


@dataclass(eq=False)
class TaskRecord:
    """One task row as the steps read and change it; `save_task` writes what changed."""

    id: int
    project_id: int
    column_id: int
    number: int
    key: str
    title: str
    notes: str
    assignee_id: int | None
    due: date | None
    start: date | None
    priority: str
    parent_id: int | None
    rank: str
    created: datetime
    updated: datetime
    completed: datetime | None
    archived: bool
    recurrence: str | None
    key_result_id: int | None
    source_id: str | None
    version: int
    saved: dict[str, object] = field(default_factory=dict, repr=False)

    def changed(self) -> dict[str, object]:
        return {n: getattr(self, n) for n, v in self.saved.items() if getattr(self, n) != v}


COLUMNS = tuple(f.name for f in fields(TaskRecord) if f.name != "saved")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM task"
_DAYS = {"due", "start"}
_MOMENTS = {"created", "updated", "completed"}


def _record(values: Sequence[object]) -> TaskRecord:
    named = dict(zip(COLUMNS, values, strict=True))
    for name in _DAYS:
        named[name] = day(named[name])
    for name in _MOMENTS:
        named[name] = moment(named[name])
    named["archived"] = bool(named["archived"])
    task = TaskRecord(**named)  # type: ignore[arg-type]
    task.saved = dict(named)
    return task


def tasks_where(w: Writer, where: str, params: Sequence[object] = ()) -> list[TaskRecord]:
    """The tasks a condition on `task` selects, in no particular order."""
    return [_record(r) for r in w.rows(f"{SELECT} WHERE {where}", params)]


def tasks_by_id(w: Writer, ids: Sequence[int]) -> dict[int, TaskRecord]:
    found: dict[int, TaskRecord] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update((t.id, t) for t in tasks_where(w, f"id IN ({find.marks(chunk)})", chunk))
    return found


def load_task(w: Writer, key: str, expected_version: int | None = None) -> TaskRecord:
    """The task `key`; refused when someone changed it since the person saw `expected_version`."""
    versions = {key.strip().upper(): expected_version} if expected_version is not None else None
    return load_tasks(w, [key], versions)[0]


def load_tasks(
    w: Writer, keys: Sequence[str], versions: Mapping[str, int] | None = None
) -> list[TaskRecord]:
    """The tasks `keys` name, in that order and each once (a key typed twice counts once, and
    so does a task named by its key and by the key it had before a move to another project).

    Refused naming every key that matches no task, or naming the first task someone changed
    since the person saw it at `versions[key]` (keys upper case, as typed or as stored).
    """
    typed = {k.strip().upper(): k for k in reversed(keys)}  # the first spelling of each
    wanted = list(dict.fromkeys(k.strip().upper() for k in keys))
    if not wanted:
        raise NoChangeError("no tasks given")
    found: dict[str, TaskRecord] = {}
    for start in range(0, len(wanted), CHUNK):  # by the keys they have now: one statement
        chunk = wanted[start : start + CHUNK]
        found.update((t.key, t) for t in tasks_where(w, f"key IN ({find.marks(chunk)})", chunk))
    missing = [k for k in wanted if k not in found]
    if missing:  # keys they had before a move to another project
        moved = find.task_ids(w, missing)
        known = {t.id: t for t in found.values()}  # a task named by both keys is one record
        known.update(tasks_by_id(w, [i for i in moved.values() if i not in known]))
        found.update((k, known[i]) for k, i in moved.items())
    unknown = [f"'{typed[k]}'" for k in wanted if k not in found]
    if unknown:
        raise NotFoundError(f"unknown task{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    for key in wanted:
        task = found[key]
        seen = (versions or {}).get(key, (versions or {}).get(task.key))
        if seen is not None and task.version != seen:
            raise ConflictError(task.key)
    return list({found[k].id: found[k] for k in wanted}.values())


def save_task(w: Writer, task: TaskRecord) -> None:
    """Write the task's changes as a new version; refused when another writer saved first.

    Always an UPDATE, so always a new version: a link changes the task too."""
    task.updated = utcnow()
    # `updated` is set even when the clock has not moved since the last change.
    changes = task.changed() | {"updated": task.updated}
    sets = ", ".join(f"{name} = ?" for name in changes)
    count = w.execute(
        f"UPDATE task SET {sets}, version = version + 1 WHERE id = ? AND version = ?",
        [*changes.values(), task.id, task.version],
    )
    if count != 1:
        raise ConflictError(task.key)
    task.version += 1
    task.saved = {name: getattr(task, name) for name in COLUMNS}
