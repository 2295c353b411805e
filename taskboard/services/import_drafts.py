"""What an importer hands the store: one draft per task of a foreign file, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ImportComment:
    body: str
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportDraft:
    """One task of a foreign file; `where` ("line 12", "record 3") is named in errors."""

    where: str
    title: str
    source_id: str | None = None
    project: str | None = None
    column: str | None = None
    assignee: str | None = None
    due: date | None = None
    start: date | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    parent: str | None = None  # the source id of the parent task
    done: bool = False
    archived: bool = False
    created: datetime | None = None
    completed: datetime | None = None
    comments: tuple[ImportComment, ...] = ()
    depends_on: tuple[str, ...] = ()  # source ids of the tasks that block this one


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """A column an imported board has, even when no task is in it."""

    name: str
    wip_limit: int | None = None
    is_done: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: tuple[str, ...]
    skipped: int
    new_columns: tuple[str, ...]
    new_people: tuple[str, ...]
