"""The activity log: every change of a use case is written here, grouped by one change id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from taskboard.domain.dates import utcnow
from taskboard.domain.fields import encode
from taskboard.store.writer import Writer

# The columns of an activity row, in the order `ChangeLog.record` fills them.
COLUMNS = (
    "at",
    "actor",
    "change_id",
    "entity",
    "entity_id",
    "task_id",
    "project_id",
    "action",
    "field",
    "old",
    "new",
    "undone",
    "reverts",
)


class HasTask(Protocol):
    """A task as the log needs it: a Task row, or a row about to be inserted."""

    @property
    def id(self) -> int | None: ...
    @property
    def project_id(self) -> int: ...


@dataclass
class ChangeLog:
    """Collects the activity rows of one use case and writes them with its transaction
    (they are the undo history: `services.undo` reads them back)."""

    writer: Writer
    actor: str
    change_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    reverts: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def record(
        self,
        action: str,
        *,
        entity: str = "task",
        entity_id: int | None = None,
        task_id: int | None = None,
        project_id: int | None = None,
        field: str | None = None,
        old: object = None,
        new: object = None,
    ) -> None:
        self.rows.append(
            {
                "at": utcnow(),
                "actor": self.actor,
                "change_id": self.change_id,
                "entity": entity,
                "entity_id": entity_id if entity_id is not None else task_id,
                "task_id": task_id,
                "project_id": project_id,
                "action": action,
                "field": field,
                "old": encode(old),
                "new": encode(new),
                "undone": False,
                "reverts": self.reverts,
            }
        )

    def task(
        self,
        action: str,
        task: HasTask,
        field: str | None = None,
        *,
        old: object = None,
        new: object = None,
    ) -> None:
        """A change of a task, in the task's project."""
        self.record(
            action, task_id=task.id, project_id=task.project_id, field=field, old=old, new=new
        )

    def about(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        field: str | None = None,
        *,
        old: object = None,
        new: object = None,
        project_id: int | None = None,
    ) -> None:
        """A change of something other than a task (a project, an objective, a column)."""
        self.record(
            action,
            entity=entity,
            entity_id=entity_id,
            project_id=project_id,
            field=field,
            old=old,
            new=new,
        )

    def flush(self) -> None:
        if self.rows:
            # Multi-row VALUES: a bulk change logs thousands of rows (`Writer.insert_rows`).
            self.writer.insert_rows(
                "activity", COLUMNS, [[row[c] for c in COLUMNS] for row in self.rows]
            )
            self.rows = []
