"""Task use cases: capture, create, edit, move, reorder, complete, archive, links, comments.

Each is one change over the steps in `services.ops`; reading is in `task_reads`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from taskboard.services.errors import InvalidFieldError, NoChangeError
from taskboard.services.ops.comments import add_comment
from taskboard.services.ops.edits import edit_task
from taskboard.services.ops.links import link, unlink
from taskboard.services.ops.moves import (
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
from taskboard.services.ops.versions import load_task, save_task
from taskboard.services.queries import task_rows
from taskboard.services.task_reads import TaskReads

Step = Callable[[Session, ChangeLog, Task], None]


class TaskService(TaskReads):
    # ---- creating ------------------------------------------------------

    def capture(self, line: str, project: str | None = None) -> Created:
        """Parse a quick-capture line and create the task it describes."""
        return self.create(draft_from_line(line, self.ctx.today(), project))

    def create(self, draft: TaskDraft) -> Created:
        with self.ctx.change() as (s, log):
            made, new_people = create_task(s, log, draft)
            row = task_rows(s, col(Task.id) == made.id)[0]
        return Created(task=row, new_people=new_people)

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
        with self.ctx.change() as (s, log):
            task = load_task(s, key, expected_version)
            step(s, log, task)
            save_task(s, task)
            return task_rows(s, col(Task.id) == task.id)[0]

    def edit(self, key: str, changes: TaskChanges, expected_version: int | None = None) -> TaskRow:
        """Change the fields `changes` sets; values are what people type (handles, names,
        keys) and None clears."""

        def apply(s: Session, log: ChangeLog, task: Task) -> None:
            with s.no_autoflush:  # one edit, one version bump
                edit_task(s, log, task, changes, self.ctx.today())

        return self._change(key, expected_version, apply)

    def apply_tokens(self, key: str, line: str, expected_version: int | None = None) -> TaskRow:
        """`taskboard edit KEY "TOKENS"`: capture tokens change fields (tags are added);
        words, if any, the title."""
        tokens, errors = scan_tokens(line, self.ctx.today())
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
                edit_task(s, log, task, changes, self.ctx.today())

        return self._change(key, expected_version, apply)

    def move(
        self,
        key: str,
        column: str,
        index: int | None = None,
        expected_version: int | None = None,
    ) -> TaskRow:
        """Move to a column (name or unique prefix), at `index` among its cards or at the end."""
        today = self.ctx.today()
        return self._change(
            key, expected_version, lambda s, log, t: move_task(s, log, t, column, index, today)
        )

    def step(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move to the next (+1) or previous (-1) column; the board's H and L."""
        today = self.ctx.today()
        return self._change(
            key, expected_version, lambda s, log, t: step_task(s, log, t, delta, today)
        )

    def reorder(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move a card up (-1) or down (+1) within its column; the board's K and J."""
        return self._change(key, expected_version, lambda s, log, t: reorder_task(s, log, t, delta))

    def complete(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Mark done: moves the task to its project's done column when it has one."""
        today = self.ctx.today()
        return self._change(
            key, expected_version, lambda s, log, t: complete_task(s, log, t, today)
        )

    def reopen(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Undo done: back to the last column that is not a done column."""
        today = self.ctx.today()
        return self._change(key, expected_version, lambda s, log, t: reopen_task(s, log, t, today))

    def toggle_done(self, key: str, expected_version: int | None = None) -> TaskRow:
        if self.row(key).done:
            return self.reopen(key, expected_version)
        return self.complete(key, expected_version)

    def archive(
        self, key: str, archived: bool = True, expected_version: int | None = None
    ) -> TaskRow:
        return self._change(
            key, expected_version, lambda _s, log, t: set_archived(log, t, archived)
        )

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
