"""Read models of tasks, projects and people: plain frozen values, the standard library only.

Services, the store's readers and the screens all hand these around; importing them never
loads SQLAlchemy, so a screen that shows them paints without waiting for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    handle: str
    name: str
    email: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"handle": self.handle, "name": self.name, "email": self.email}


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    id: int
    name: str
    position: int
    wip_limit: int | None
    is_done: bool


@dataclass(frozen=True, slots=True)
class ProjectView:
    id: int
    key: str
    name: str
    description: str
    archived: bool
    columns: tuple[ColumnInfo, ...] = ()
    open_tasks: int = 0

    def column(self, column_id: int) -> ColumnInfo:
        return next(c for c in self.columns if c.id == column_id)

    def as_json(self) -> dict[str, object]:
        columns = [
            {"name": c.name, "wip_limit": c.wip_limit, "done": c.is_done} for c in self.columns
        ]
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "open": self.open_tasks,
            "columns": columns,
        }


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task as a list or a board shows it."""

    id: int
    key: str
    title: str
    project: str
    column_id: int
    column: str
    rank: str
    assignee: str | None
    due: date | None
    priority: str
    tags: tuple[str, ...]
    done: bool
    archived: bool
    created: datetime
    updated: datetime
    completed: datetime | None
    version: int
    parent: str | None = None
    key_result: str | None = None
    subtasks_done: int = 0
    subtasks_total: int = 0
    blocked_by: tuple[str, ...] = ()
    notes: str = ""
    # What the exporters need beside: the parent's id (to nest subtasks) and the id the
    # task had where it was imported from (a vault's block id, a taskwarrior uuid).
    parent_id: int | None = None
    source_id: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "project": self.project,
            "column": self.column,
            "assignee": self.assignee,
            "due": self.due.isoformat() if self.due else None,
            "priority": self.priority,
            "tags": list(self.tags),
            "done": self.done,
            "archived": self.archived,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
            "completed": self.completed.isoformat() if self.completed else None,
            "parent": self.parent,
            "key_result": self.key_result,
            "subtasks": {"done": self.subtasks_done, "total": self.subtasks_total},
            "blocked_by": list(self.blocked_by),
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    author: str | None
    body: str
    created: datetime


@dataclass(frozen=True, slots=True)
class ActivityView:
    id: int
    at: datetime
    actor: str
    change_id: str
    action: str
    field: str | None
    old: str | None
    new: str | None
    task_key: str | None = None

    def describe(self) -> str:
        """One history line in a person's words: no internal ranks, no whole notes."""
        action, old, new = self.action, self.old or "—", self.new or "—"
        if action == "create":
            return "created"
        if action == "rank":  # ranks are sort keys, meaningless to read: say the direction
            if self.old and self.new:
                return f"moved {'up' if self.new < self.old else 'down'} in its column"
            return "placed in its column"
        if action in ("done", "reopen", "archive", "unarchive"):
            return {"done": "done", "reopen": "reopened"}.get(action, f"{action}d")
        if action in ("link", "unlink"):
            return f"blocked by {new}" if action == "link" else f"no longer blocked by {old}"
        if action == "comment":
            return "commented"
        if action == "move_project" and self.field == "key":
            return f"moved to another project: {old} → {new}"
        if self.field is None:
            return action
        # Here, not at the top: the read models load with the board's first paint, the
        # field registry (with its rules and date grammar) only when history is told.
        from taskboard.domain import fields

        known = fields.BY_NAME.get(self.field)
        if known is not None and not known.quoted:  # long text: that it changed is enough
            return f"{known.label} edited"
        return f"{fields.label(self.field)}: {old} → {new}"


def history_lines(history: Iterable[ActivityView]) -> list[tuple[ActivityView, str]]:
    """Each history row with its line, leaving out the new place that comes with a move to
    another column: 'column: A → B' says it all."""
    rows = list(history)
    moves = {a.change_id for a in rows if a.action in ("move", "move_project")}
    return [(a, a.describe()) for a in rows if not (a.action == "rank" and a.change_id in moves)]


@dataclass(frozen=True, slots=True)
class TaskDetail:
    task: TaskRow
    notes: str
    start: date | None
    recurrence: str | None
    subtasks: tuple[TaskRow, ...] = ()
    blocked_by: tuple[TaskRow, ...] = ()
    blocking: tuple[TaskRow, ...] = ()
    comments: tuple[CommentView, ...] = ()
    history: tuple[ActivityView, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        data = self.task.as_json()
        data.update(
            notes=self.notes,
            start=self.start.isoformat() if self.start else None,
            recurrence=self.recurrence,
            subtasks=[s.as_json() for s in self.subtasks],
            blocked_by=[t.key for t in self.blocked_by],
            blocking=[t.key for t in self.blocking],
            comments=[
                {"author": c.author, "body": c.body, "created": c.created.isoformat()}
                for c in self.comments
            ],
            history=[
                {
                    "at": a.at.isoformat(),
                    "actor": a.actor,
                    "action": a.action,
                    "field": a.field,
                    "old": a.old,
                    "new": a.new,
                }
                for a in self.history
            ],
        )
        return data


@dataclass(frozen=True, slots=True)
class Created:
    """A new task, and the people its line named that did not exist before."""

    task: TaskRow
    new_people: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Reverted:
    """What an undo or redo did: a line for the person, and the tasks it changed."""

    message: str
    keys: tuple[str, ...]
