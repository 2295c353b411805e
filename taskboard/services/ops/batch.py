"""A step on several tasks as one change, and the edit a line of capture tokens makes.

`TaskService` runs these in its session's transaction, and `taskboard done`, `move` and
`edit` run the very same over a plain connection (`taskboard.commands.quick`): one write
path, with or without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from taskboard.domain.capture import scan_tokens
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import EDITABLE, TaskChanges
from taskboard.domain.views import Created, TaskRow
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError, NoChangeError, ServiceError
from taskboard.services.ops import find
from taskboard.services.ops.edits import edit_task
from taskboard.services.ops.moves import blockers_first, complete_task, move_task
from taskboard.services.ops.tags import task_tags
from taskboard.services.ops.tasks import create_task
from taskboard.services.ops.versions import CHUNK, TaskRecord, load_tasks, save_task
from taskboard.store import reader
from taskboard.store.writer import Writer

Step = Callable[[Writer, ChangeLog, TaskRecord], None]


def create(w: Writer, log: ChangeLog, draft: TaskDraft, new_people: bool = True) -> Created:
    """One new task from a draft, as a row; with `new_people` False an unknown @handle is
    refused, naming the closest ones."""
    made, made_people = create_task(w, log, draft, create_people=new_people)
    return Created(task=rows_of(w, [made.id])[0], new_people=made_people)


def change_many(
    w: Writer,
    log: ChangeLog,
    keys: Sequence[str],
    step: Step,
    versions: Mapping[str, int] | None = None,
) -> list[int]:
    """Run `step` on every task as ONE change: all of them, or none when one is refused
    (the refusal names it, and says that none changed). Returns the tasks' ids in the
    order of `keys` (a key typed twice counts once)."""
    key = None
    try:
        tasks = load_tasks(w, keys, versions)
        for task in blockers_first(w, tasks):
            key = task.key
            step(w, log, task)
            save_task(w, task)
    except ServiceError as exc:
        raise refused_in_batch(exc, key, size(keys)) from None
    return [t.id for t in tasks]


def rows_of(w: Writer, ids: Sequence[int]) -> list[TaskRow]:
    """The tasks as rows, in the order of `ids`."""
    found: dict[int, TaskRow] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(
            (r.id, r) for r in reader.task_rows(w, f"t.id IN ({find.marks(chunk)})", chunk)
        )
    return [found[i] for i in ids]


def size(keys: Sequence[str]) -> int:
    """How many tasks a batch names: a key typed twice counts once."""
    return len({k.strip().upper() for k in keys})


def refused_in_batch(exc: ServiceError, key: str | None, count: int) -> ServiceError:
    """A refusal of one task of a batch, said so: the task named, and that none changed."""
    if count < 2:
        return exc
    said = str(exc)
    if key is not None and key not in said:
        said = f"{key}: {said}"
    return exc.reworded(f"{said} (none of the {count} tasks changed)")


def editing(changes: TaskChanges, today: date, new_people: bool = True) -> Step:
    return lambda w, log, task: edit_task(w, log, task, changes, today, new_people)


def moving(column: str, index: int | None, today: date) -> Step:
    return lambda w, log, task: move_task(w, log, task, column, index, today)


def completing(today: date) -> Step:
    return lambda w, log, task: complete_task(w, log, task, today)


def tokens_step(line: str, today: date, new_people: bool = True) -> Step:
    """`taskboard edit KEY "TOKENS"`: capture tokens change fields (tags are added); words,
    if any, the title. Checked before any task is read; with `new_people` False an
    unknown @handle is refused, naming the closest ones."""
    tokens, errors = scan_tokens(line, today)
    errors = [e for e in errors if e.token]  # an edit may leave the title as it is
    if errors:
        raise InvalidFieldError("tokens", str(errors[0]))
    typed = {t.kind: t for t in tokens}
    if "project" in typed:
        raise InvalidFieldError(
            "project",
            f"'{typed['project'].text}': use `taskboard move` to change a task's project",
        )
    words = [t.text for t in tokens if t.kind == "word"]
    tags = [t.value for t in tokens if t.kind == "tag"]
    values: dict[str, Any] = {"title": " ".join(words)} if words else {}
    for field in EDITABLE:
        if field.token in typed and field.name != "tags":
            values[field.name] = field.decode(typed[field.token].value)
    if not values and not tags:
        raise NoChangeError("nothing to change: give tokens like @handle ^fri #tag !high")

    def apply(w: Writer, log: ChangeLog, task: TaskRecord) -> None:
        changes = TaskChanges(**values)
        if tags:
            changes = replace(changes, tags=(*task_tags(w, task.id), *tags))
        edit_task(w, log, task, changes, today, new_people)

    return apply
