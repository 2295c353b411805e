"""Task use cases: capture, create, edit, move, reorder, complete, archive, links, comments.

Each is one change over the steps in `services.ops`; reading is in `task_reads`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlmodel import Session, col

from taskboard.domain.capture import scan_tokens
from taskboard.domain.drafts import TaskDraft, draft_from_line
from taskboard.domain.fields import EDITABLE, TaskChanges
from taskboard.domain.models import Task
from taskboard.domain.views import CommentView, Created, TaskRow
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError, NoChangeError, ServiceError
from taskboard.services.ops.comments import add_comment
from taskboard.services.ops.edits import edit_task
from taskboard.services.ops.links import link, unlink
from taskboard.services.ops.moves import (
    blockers_first,
    complete_task,
    move_task,
    move_to_project,
    reopen_task,
    reorder_task,
    set_archived,
    step_task,
)
from taskboard.services.ops.tags import task_tags
from taskboard.services.ops.tasks import create_task, insert_tasks, place_batch
from taskboard.services.ops.versions import CHUNK, load_tasks, save_task
from taskboard.services.queries import task_rows
from taskboard.services.task_reads import TaskReads

Step = Callable[[Session, ChangeLog, Task], None]


class TaskService(TaskReads):
    # ---- creating ------------------------------------------------------

    def capture(self, line: str, project: str | None = None, *, new_people: bool = True) -> Created:
        """Parse a quick-capture line and create the task it describes (with `new_people`
        False an unknown @handle is refused, naming the closest ones)."""
        return self.create(draft_from_line(line, self.ctx.today(), project), new_people=new_people)

    def create(self, draft: TaskDraft, *, new_people: bool = True) -> Created:
        with self.ctx.change() as (s, log):
            made, made_people = create_task(s, log, draft, create_people=new_people)
            row = task_rows(s, col(Task.id) == made.id)[0]
        return Created(task=row, new_people=made_people)

    def add_subtask(self, parent_key: str, title: str) -> Created:
        return self.create(TaskDraft(title=title, parent=parent_key))

    def create_many(self, drafts: Sequence[TaskDraft], project: str) -> list[str]:
        """Top-level tasks of one project in one transaction with Core inserts (imports,
        benchmarks); a bad draft is named by its place and nothing is created."""
        with self.ctx.change() as (s, log):
            return [made.key for made in insert_tasks(s, log, place_batch(s, drafts, project))]

    # ---- changing ------------------------------------------------------

    def _change(self, key: str, expected_version: int | None, step: Step) -> TaskRow:
        """Run `step` on the task as one change, and return the task as it is afterwards."""
        versions = {key.strip().upper(): expected_version} if expected_version is not None else None
        return self._change_many([key], step, versions)[0]

    def _change_many(
        self, keys: Sequence[str], step: Step, versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """Run `step` on every task as ONE change: all of them, or none when one is refused
        (the refusal names it). One undo takes the whole change back. Returns the tasks as
        they are afterwards, in the order of `keys` (a key typed twice counts once)."""
        key = None
        try:
            with self.ctx.change() as (s, log):
                tasks = load_tasks(s, keys, versions)
                for task in blockers_first(s, tasks):
                    key = task.key
                    step(s, log, task)
                    save_task(s, task)
                key = None  # what fails from here on is no one task's
                return self._rows_of(s, [t.id or 0 for t in tasks])
        except ServiceError as exc:
            raise _refused_in_batch(exc, key, _size(keys)) from None

    @staticmethod
    def _rows_of(s: Session, ids: list[int]) -> list[TaskRow]:
        found: dict[int, TaskRow] = {}
        for start in range(0, len(ids), CHUNK):
            found.update(
                (r.id, r) for r in task_rows(s, col(Task.id).in_(ids[start : start + CHUNK]))
            )
        return [found[i] for i in ids]

    def edit(
        self,
        key: str,
        changes: TaskChanges,
        expected_version: int | None = None,
        *,
        new_people: bool = True,
    ) -> TaskRow:
        """Change the fields `changes` sets; values are what people type (handles, names,
        keys) and None clears. With `new_people` False an unknown assignee is refused,
        naming the closest handles."""
        return self._change(key, expected_version, self._editing(changes, new_people))

    def edit_many(
        self, keys: Sequence[str], changes: TaskChanges, versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """`edit` of several tasks in one change (the board's a, d, p, t on marked cards)."""
        return self._change_many(keys, self._editing(changes), versions)

    def _editing(self, changes: TaskChanges, new_people: bool = True) -> Step:
        today = self.ctx.today()

        def apply(s: Session, log: ChangeLog, task: Task) -> None:
            with s.no_autoflush:  # one edit, one version bump
                edit_task(s, log, task, changes, today, new_people=new_people)

        return apply

    def apply_tokens(self, key: str, line: str, expected_version: int | None = None) -> TaskRow:
        """`taskboard edit KEY "TOKENS"`: capture tokens change fields (tags are added);
        words, if any, the title."""
        return self._change(key, expected_version, self._tokens(line))

    def apply_tokens_many(
        self,
        keys: Sequence[str],
        line: str,
        versions: Mapping[str, int] | None = None,
        *,
        new_people: bool = True,
    ) -> list[TaskRow]:
        """`taskboard edit KEY… "TOKENS"`: the same tokens on every task, in one change. With
        `new_people` False an unknown @handle is refused, naming the closest ones."""
        return self._change_many(keys, self._tokens(line, new_people), versions)

    def _tokens(self, line: str, new_people: bool = True) -> Step:
        """The edit a line of capture tokens makes, checked before any task is read."""
        today = self.ctx.today()
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

        def apply(s: Session, log: ChangeLog, task: Task) -> None:
            changes = TaskChanges(**values)
            if tags:
                changes = replace(changes, tags=(*task_tags(s, task.id or 0), *tags))
            with s.no_autoflush:
                edit_task(s, log, task, changes, today, new_people=new_people)

        return apply

    def move(
        self,
        key: str,
        column: str,
        index: int | None = None,
        expected_version: int | None = None,
    ) -> TaskRow:
        """Move to a column (name or unique prefix), at `index` among its cards or at the end."""
        return self._change(key, expected_version, self._moving(column, index))

    def move_many(
        self, keys: Sequence[str], column: str, versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """Move several tasks to a column of their projects, each to its end, in one change."""
        return self._change_many(keys, self._moving(column, None), versions)

    def _moving(self, column: str, index: int | None) -> Step:
        today = self.ctx.today()
        return lambda s, log, t: move_task(s, log, t, column, index, today)

    def step(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move to the next (+1) or previous (-1) column; the board's H and L."""
        return self._change(key, expected_version, self._stepping(delta))

    def step_many(
        self, keys: Sequence[str], delta: int, versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """H and L on marked cards: every one a column on, in one change."""
        return self._change_many(keys, self._stepping(delta), versions)

    def _stepping(self, delta: int) -> Step:
        today = self.ctx.today()
        return lambda s, log, t: step_task(s, log, t, delta, today)

    def reorder(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move a card up (-1) or down (+1) within its column; the board's K and J."""
        return self._change(key, expected_version, lambda s, log, t: reorder_task(s, log, t, delta))

    def complete(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Mark done: moves the task to its project's done column when it has one."""
        return self._change(key, expected_version, self._completing())

    def complete_many(
        self, keys: Sequence[str], versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """Mark several tasks done in one change; a task and its blocker may go together."""
        return self._change_many(keys, self._completing(), versions)

    def _completing(self) -> Step:
        today = self.ctx.today()
        return lambda s, log, t: complete_task(s, log, t, today)

    def reopen(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Undo done: back to the last column that is not a done column."""
        return self._change(key, expected_version, self._reopening())

    def reopen_many(
        self, keys: Sequence[str], versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        return self._change_many(keys, self._reopening(), versions)

    def _reopening(self) -> Step:
        today = self.ctx.today()
        return lambda s, log, t: reopen_task(s, log, t, today)

    def toggle_done(self, key: str, expected_version: int | None = None) -> TaskRow:
        if self.row(key).done:
            return self.reopen(key, expected_version)
        return self.complete(key, expected_version)

    def toggle_done_many(
        self, keys: Sequence[str], versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """`space` on marked cards: when all are done they open again, else the open ones
        are done. Returns the tasks it changed."""
        try:
            with self.ctx.store.read() as s:
                done = {t.key: t.completed is not None for t in load_tasks(s, keys, versions)}
        except ServiceError as exc:
            raise _refused_in_batch(exc, None, _size(keys)) from None
        if all(done.values()):
            return self.reopen_many(list(done), versions)
        return self.complete_many([k for k, d in done.items() if not d], versions)

    def archive(
        self, key: str, archived: bool = True, expected_version: int | None = None
    ) -> TaskRow:
        return self._change(key, expected_version, self._archiving(archived))

    def archive_many(
        self,
        keys: Sequence[str],
        archived: bool = True,
        versions: Mapping[str, int] | None = None,
    ) -> list[TaskRow]:
        return self._change_many(keys, self._archiving(archived), versions)

    @staticmethod
    def _archiving(archived: bool) -> Step:
        return lambda _s, log, t: set_archived(log, t, archived)

    def move_to_project(
        self,
        key: str,
        project_key: str,
        column: str | None = None,
        expected_version: int | None = None,
    ) -> TaskRow:
        """Move a top-level task (its subtasks follow) to another project's column (default: the
        first); each gets a new key there, the old keys are never reused."""
        today = self.ctx.today()
        return self._change(
            key,
            expected_version,
            lambda s, log, t: move_to_project(s, log, t, project_key, column, today),
        )

    # ---- links and comments -------------------------------------------

    def add_dependency(self, key: str, blocked_by: str) -> TaskRow:
        """`key` cannot be done before `blocked_by`; refuses cycles."""
        return self._change(
            key, None, lambda s, log, t: link(s, log, t, lookup.task_by_key(s, blocked_by))
        )

    def remove_dependency(self, key: str, blocked_by: str) -> TaskRow:
        return self._change(
            key, None, lambda s, log, t: unlink(s, log, t, lookup.task_by_key(s, blocked_by))
        )

    def comment(self, key: str, body: str) -> CommentView:
        with self.ctx.change() as (s, log):
            task = lookup.task_by_key(s, key)
            author, _ = lookup.resolve_person(s, self.ctx.actor)
            made = add_comment(s, log, task, author, body)
            s.flush()
            return CommentView(
                id=made.id or 0, author=author.handle, body=made.body, created=made.created
            )


def _size(keys: Sequence[str]) -> int:
    """How many tasks a batch names: a key typed twice counts once."""
    return len({k.strip().upper() for k in keys})


def _refused_in_batch(exc: ServiceError, key: str | None, size: int) -> ServiceError:
    """A refusal of one task of a batch, said so: the task named, and that none changed."""
    if size < 2:
        return exc
    said = str(exc)
    if key is not None and key not in said:
        said = f"{key}: {said}"
    return exc.reworded(f"{said} (none of the {size} tasks changed)")
