"""Task use cases: capture, create, edit, move, reorder, complete, archive, links, comments.

Each is one change over the steps in `services.ops`; reading is in `task_reads`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from taskboard.domain.drafts import TaskDraft, draft_from_line
from taskboard.domain.fields import TaskChanges
from taskboard.domain.views import CommentView, Created, TaskRow
from taskboard.services import lookup
from taskboard.services.errors import ServiceError
from taskboard.services.ops.batch import (
    Step,
    change_many,
    completing,
    create,
    editing,
    moving,
    refused_in_batch,
    rows_of,
    size,
    tokens_step,
)
from taskboard.services.ops.comments import add_comment
from taskboard.services.ops.links import link, unlink
from taskboard.services.ops.moves import (
    move_to_project,
    reopen_task,
    reorder_task,
    set_archived,
    step_task,
)
from taskboard.services.ops.tasks import insert_tasks, place_batch
from taskboard.services.ops.versions import load_task, load_tasks
from taskboard.services.task_reads import TaskReads
from taskboard.store.writer import Writer


class TaskService(TaskReads):
    # ---- creating ------------------------------------------------------

    def capture(self, line: str, project: str | None = None, *, new_people: bool = True) -> Created:
        """Parse a quick-capture line and create the task it describes (with `new_people`
        False an unknown @handle is refused, naming the closest ones)."""
        return self.create(draft_from_line(line, self.ctx.today(), project), new_people=new_people)

    def create(self, draft: TaskDraft, *, new_people: bool = True) -> Created:
        with self.ctx.change() as (_s, log):
            return create(log.writer, log, draft, new_people)

    def add_subtask(self, parent_key: str, title: str) -> Created:
        return self.create(TaskDraft(title=title, parent=parent_key))

    def create_many(self, drafts: Sequence[TaskDraft], project: str) -> list[str]:
        """Top-level tasks of one project in one transaction with Core inserts (imports,
        benchmarks); a bad draft is named by its place and nothing is created."""
        with self.ctx.change() as (_s, log):
            rows = place_batch(log.writer, drafts, project)
            return [made.key for made in insert_tasks(log.writer, log, rows)]

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
        with self.ctx.change() as (_s, log):
            return rows_of(log.writer, change_many(log.writer, log, keys, step, versions))

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
        return self._change(key, expected_version, editing(changes, self.ctx.today(), new_people))

    def edit_many(
        self, keys: Sequence[str], changes: TaskChanges, versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """`edit` of several tasks in one change (the board's a, d, p, t on marked cards)."""
        return self._change_many(keys, editing(changes, self.ctx.today()), versions)

    def apply_tokens(self, key: str, line: str, expected_version: int | None = None) -> TaskRow:
        """`taskboard edit KEY "TOKENS"`: capture tokens change fields (tags are added);
        words, if any, the title."""
        return self._change(key, expected_version, tokens_step(line, self.ctx.today()))

    def apply_tokens_many(
        self,
        keys: Sequence[str],
        line: str,
        versions: Mapping[str, int] | None = None,
        *,
        new_people: bool = True,
    ) -> list[TaskRow]:
        """`taskboard edit KEY… "TOKENS"`: the same tokens on every task, in one change
        (with `new_people` False an unknown @handle is refused, naming the closest ones)."""
        step = tokens_step(line, self.ctx.today(), new_people)
        return self._change_many(keys, step, versions)

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
        return moving(column, index, self.ctx.today())

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
        return lambda w, log, t: step_task(w, log, t, delta, today)

    def reorder(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move a card up (-1) or down (+1) within its column; the board's K and J."""
        return self._change(key, expected_version, lambda w, log, t: reorder_task(w, log, t, delta))

    def complete(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Mark done: moves the task to its project's done column when it has one."""
        return self._change(key, expected_version, self._completing())

    def complete_many(
        self, keys: Sequence[str], versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        """Mark several tasks done in one change; a task and its blocker may go together."""
        return self._change_many(keys, self._completing(), versions)

    def _completing(self) -> Step:
        return completing(self.ctx.today())

    def reopen(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Undo done: back to the last column that is not a done column."""
        return self._change(key, expected_version, self._reopening())

    def reopen_many(
        self, keys: Sequence[str], versions: Mapping[str, int] | None = None
    ) -> list[TaskRow]:
        return self._change_many(keys, self._reopening(), versions)

    def _reopening(self) -> Step:
        today = self.ctx.today()
        return lambda w, log, t: reopen_task(w, log, t, today)

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
                tasks = load_tasks(Writer.of_session(s), keys, versions)
                done = {t.key: t.completed is not None for t in tasks}
        except ServiceError as exc:
            raise refused_in_batch(exc, None, size(keys)) from None
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
        return lambda _w, log, t: set_archived(log, t, archived)

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
            lambda w, log, t: move_to_project(w, log, t, project_key, column, today),
        )

    # ---- links and comments -------------------------------------------

    def add_dependency(self, key: str, blocked_by: str) -> TaskRow:
        """`key` cannot be done before `blocked_by`; refuses cycles."""
        return self._change(key, None, lambda w, log, t: link(w, log, t, load_task(w, blocked_by)))

    def remove_dependency(self, key: str, blocked_by: str) -> TaskRow:
        return self._change(
            key, None, lambda w, log, t: unlink(w, log, t, load_task(w, blocked_by))
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
