"""A person's work across projects: the agenda grouped by due date, and the holiday handover."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from taskboard.domain.agenda import Agenda, Handover, absence_text
from taskboard.domain.models import Person, Task, utcnow
from taskboard.domain.views import TaskRow
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.errors import InvalidFieldError, NotFoundError
from taskboard.services.ops.comments import add_comment
from taskboard.services.ops.versions import save_task, tasks_by_id
from taskboard.services.queries import task_rows


class PeopleViewService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def agenda(self, handle: str | None = None, today: date | None = None) -> Agenda:
        """Open tasks (subtasks too) assigned to `handle` (default: the acting user)."""
        today = today or self.ctx.today()
        with self.ctx.store.read() as s:
            try:
                person, _ = lookup.resolve_person(s, handle or self.ctx.actor, create=False)
            except NotFoundError:
                if handle not in (None, self.ctx.actor):
                    raise
                # You have not been assigned anything or written anything yet: no tasks,
                # not an error.
                return Agenda.of(self.ctx.actor, self.ctx.actor, today, ())
            rows = task_rows(s, *self._open_of(person.id or 0))
            keys = {r.parent for r in rows if r.parent}
            found = select(col(Task.key), col(Task.title)).where(col(Task.key).in_(keys))
            parents = {k: t for k, t in s.execute(found)} if keys else {}
        return Agenda.of(person.handle, person.name, today, rows, parents)

    @staticmethod
    def _open_of(person_id: int) -> list[Any]:
        return [
            Task.assignee_id == person_id,
            Task.completed.is_(None),  # type: ignore[union-attr]
            Task.archived.is_(False),  # type: ignore[attr-defined]
        ]

    def handover(
        self,
        from_handle: str,
        to_handle: str,
        since: date | None = None,
        until: date | None = None,
        *,
        dry_run: bool = False,
    ) -> Handover:
        """Reassign FROM's open tasks (all, or those due in the window) to TO in one transaction,
        with a comment on each task; returns the tasks as they are afterwards. With `dry_run`
        nothing changes: the tasks it would hand over, as they are now."""
        if since is not None and until is not None and since > until:
            raise InvalidFieldError(
                "since", f"the absence ends ({until}) before it starts ({since})"
            )
        if dry_run:
            with self.ctx.store.read() as s:
                source, target, tasks = self._handed(s, from_handle, to_handle, since, until)
                rows = self._rows(s, tasks)
        else:
            with self.ctx.change() as (s, log):
                source, target, tasks = self._handed(s, from_handle, to_handle, since, until)
                author, _ = lookup.resolve_person(s, self.ctx.actor)
                window = absence_text(since, until)
                body = f"Handed over from @{source.handle} to @{target.handle}" + (
                    f" for the absence {window}" if window else ""
                )
                now = utcnow()
                # Through the one write of a task: a new version each, and a task someone
                # changed since it was read here is refused (ConflictError), never overwritten.
                w = log.writer
                records = tasks_by_id(w, [t.id or 0 for t in tasks])
                for task in tasks:
                    record = records[task.id or 0]
                    log.task("update", record, "assignee", old=source.handle, new=target.handle)
                    record.assignee_id = target.id
                    save_task(w, record)
                    add_comment(s, log, record, author, body, now)
                s.flush()
                rows = self._rows(s, tasks)
        return Handover(
            from_handle=source.handle,
            to_handle=target.handle,
            since=since,
            until=until,
            day=self.ctx.today(),
            tasks=tuple(rows),
            dry_run=dry_run,
        )

    def _handed(
        self, s: Session, from_handle: str, to_handle: str, since: date | None, until: date | None
    ) -> tuple[Person, Person, list[Task]]:
        """Who hands over to whom, and the tasks: FROM's open ones, those due in the window."""
        source, _ = lookup.resolve_person(s, from_handle, create=False)
        target, _ = lookup.resolve_person(s, to_handle, create=False)
        if source.id == target.id:
            raise InvalidFieldError("to", f"@{source.handle} cannot hand over to themselves")
        conds = self._open_of(source.id or 0)
        if since is not None or until is not None:
            conds.append(Task.due.is_not(None))  # type: ignore[union-attr]
        if since is not None:
            conds.append(Task.due >= since)  # type: ignore[operator]
        if until is not None:
            conds.append(Task.due <= until)  # type: ignore[operator]
        tasks = list(s.scalars(select(Task).where(*conds).order_by(Task.due, Task.key)))  # type: ignore[arg-type]
        return source, target, tasks

    @staticmethod
    def _rows(s: Session, tasks: list[Task]) -> list[TaskRow]:
        """The tasks as rows, by due date, project and key (the note's order)."""
        ids = [t.id for t in tasks]
        rows = task_rows(s, Task.id.in_(ids)) if ids else []  # type: ignore[union-attr]
        rows.sort(key=lambda r: (r.due or date.max, r.project, r.key))
        return rows
