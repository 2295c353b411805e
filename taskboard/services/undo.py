"""Undo and redo of task changes, read from the activity log so they survive a restart.

A change is all activity rows sharing one change id. Undo writes the reverse
rows as a new change whose id starts with `undo-` and whose `reverts` names
the change it undid, and marks the original rows undone; redo re-applies the
original rows as a `redo-` change. Any other new change by the same person
ends the redo chain. An undo whose task was changed since by someone else is
refused: it would overwrite their work.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from taskboard.domain.models import Activity, Dependency, KeyResult, Person, Task, utcnow
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog, encode
from taskboard.services.context import ServiceContext
from taskboard.services.errors import ServiceError

UNDOABLE = {
    "create",
    "update",
    "move",
    "rank",
    "done",
    "reopen",
    "archive",
    "unarchive",
    "link",
    "unlink",
}


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:27]}"


class UndoService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def undo(self) -> str:
        """Undo this person's latest change; returns what was undone, for a notification."""
        with self.ctx.store.write() as s:
            change = self._latest(s, undo=True)
            if change is None:
                raise ServiceError("nothing to undo")
            rows = self._rows(s, change)
            log = ChangeLog(s, self.ctx.actor, change_id=_new_id("undo"), reverts=change)
            for row in reversed(rows):
                self._apply(s, row, forward=False, log=log)
            self._mark(s, change, True)
            log.flush()
            return self._summary("undid", rows)

    def redo(self) -> str:
        with self.ctx.store.write() as s:
            undo_change = self._latest(s, undo=False)
            if undo_change is None:
                raise ServiceError("nothing to redo")
            original = s.scalars(
                select(col(Activity.reverts)).where(col(Activity.change_id) == undo_change).limit(1)
            ).first()
            assert original is not None
            rows = self._rows(s, original)
            log = ChangeLog(s, self.ctx.actor, change_id=_new_id("redo"), reverts=undo_change)
            for row in rows:
                self._apply(s, row, forward=True, log=log)
            self._mark(s, undo_change, True)
            self._mark(s, original, False)
            log.flush()
            return self._summary("redid", rows)

    # ---- finding changes -------------------------------------------------------

    def _latest(self, s: Session, undo: bool) -> str | None:
        mine = (
            select(Activity)
            .where(col(Activity.actor) == self.ctx.actor)
            .order_by(col(Activity.id).desc())
        )
        for act in s.scalars(mine.limit(200)):
            is_undo = act.change_id.startswith("undo-")
            if undo:
                if act.undone or is_undo:
                    continue
                if act.action not in UNDOABLE or act.entity != "task":
                    return None  # the newest thing done was not a board change
                return act.change_id
            # Redo: the newest live undo, unless a plain change came after it.
            if act.undone:
                continue
            if is_undo:
                return act.change_id
            if act.change_id.startswith("redo-"):
                continue
            return None
        return None

    @staticmethod
    def _rows(s: Session, change: str) -> list[Activity]:
        return list(
            s.scalars(
                select(Activity).where(col(Activity.change_id) == change).order_by(col(Activity.id))
            )
        )

    @staticmethod
    def _mark(s: Session, change: str, undone: bool) -> None:
        s.execute(update(Activity).where(col(Activity.change_id) == change).values(undone=undone))

    @staticmethod
    def _summary(verb: str, rows: list[Activity]) -> str:
        keys = sorted({r.new for r in rows if r.action == "create" and r.new})
        fields = sorted({r.field or r.action for r in rows if r.action != "create"})
        what = ", ".join(fields) if fields else "creation"
        task = keys[0] if keys else ""
        return f"{verb} {what} {task}".strip()

    # ---- applying ----------------------------------------------------------------

    def _apply(self, s: Session, row: Activity, forward: bool, log: ChangeLog) -> None:
        if row.task_id is None:
            return
        task = s.get(Task, row.task_id)
        if task is None:
            raise ServiceError("the task of that change no longer exists")
        want, expect = (row.new, row.old) if forward else (row.old, row.new)
        action = row.action
        if action == "create":
            # Undoing a creation archives the task: keys are never reused, data never lost.
            self._check(task, encode(task.archived), "true" if forward else "false")
            task.archived = not forward
            log.record(
                "archive" if task.archived else "unarchive",
                task_id=task.id,
                project_id=task.project_id,
                field="archived",
                old=not task.archived,
                new=task.archived,
            )
        elif action in ("link", "unlink"):
            blocker = lookup.task_by_key(s, (row.new or row.old) or "")
            adding = (action == "link") == forward
            if adding:
                s.add(Dependency(task_id=task.id or 0, blocked_by_id=blocker.id or 0))
            else:
                s.execute(
                    delete(Dependency).where(
                        col(Dependency.task_id) == task.id,
                        col(Dependency.blocked_by_id) == blocker.id,
                    )
                )
            log.record(
                "link" if adding else "unlink",
                task_id=task.id,
                project_id=task.project_id,
                field="blocked_by",
                old=None if adding else blocker.key,
                new=blocker.key if adding else None,
            )
        else:
            field = row.field or ""
            current = self._current(s, task, field)
            self._check(task, current, expect)
            self._set(s, task, field, want)
            log.record(
                action if forward else self._reverse_action(action),
                task_id=task.id,
                project_id=task.project_id,
                field=field,
                old=current,
                new=want,
            )
        task.updated = utcnow()
        s.flush()

    @staticmethod
    def _reverse_action(action: str) -> str:
        return {
            "done": "reopen",
            "reopen": "done",
            "archive": "unarchive",
            "unarchive": "archive",
        }.get(action, action)

    @staticmethod
    def _check(task: Task, current: str | None, expected: str | None) -> None:
        if current != expected:
            raise ServiceError(
                f"{task.key} was changed since (now {current or 'empty'}): not undoing over it"
            )

    def _current(self, s: Session, task: Task, field: str) -> str | None:
        if field == "column":
            return lookup.columns_of_task_name(s, task)
        if field == "assignee":
            return s.get(Person, task.assignee_id).handle if task.assignee_id else None  # type: ignore[union-attr]
        if field == "key_result":
            return s.get(KeyResult, task.key_result_id).key if task.key_result_id else None  # type: ignore[union-attr]
        if field == "tags":
            from taskboard.services.tasks import TaskService

            return encode(TaskService._tag_names(s, task.id or 0)) or None
        return encode(getattr(task, field))

    def _set(self, s: Session, task: Task, field: str, value: str | None) -> None:
        if field == "column":
            columns = lookup.columns_of(s, task.project_id)
            task.column_id = lookup.match_column(columns, value or "").id or 0
        elif field == "assignee":
            task.assignee_id = (
                lookup.resolve_person(s, value, create=False)[0].id if value else None
            )
        elif field == "key_result":
            task.key_result_id = lookup.key_result_by_key(s, value).id if value else None
        elif field == "tags":
            from taskboard.services.tasks import TaskService

            TaskService._set_tags(s, task.id or 0, (value or "").split())
        elif field in ("due", "start"):
            setattr(task, field, date.fromisoformat(value) if value else None)
        elif field == "completed":
            task.completed = datetime.fromisoformat(value) if value else None
        elif field == "archived":
            task.archived = value == "true"
        elif field in ("title", "notes", "priority", "rank", "recurrence"):
            setattr(task, field, value if value is not None else ("" if field == "notes" else None))
        else:
            raise ServiceError(f"cannot undo a change of {field!r}")
