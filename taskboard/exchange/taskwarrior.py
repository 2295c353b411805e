"""Import of `task export` JSON from taskwarrior: statuses, tags, H/M/L, dates, annotations.

Each task object is checked against `TaskwarriorTask` before anything is written; fields
taskwarrior has and taskboard does not use (urgency, id, UDAs, …) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TextIO

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

from taskboard.exchange.records import BadRecordError, label, load_json, validated
from taskboard.services import Services
from taskboard.services.import_drafts import ImportComment, ImportDraft, ImportResult

PRIORITIES = {"H": "high", "M": "normal", "L": "low"}
# Taskwarrior's own form of a time, 20261201T120000Z: ASCII digits only.
_BASIC = re.compile(r"[0-9]{8}T[0-9]{6}Z")


def parse_time(value: object) -> datetime:
    """Taskwarrior's `20261201T000000Z` (ISO 8601 with separators accepted too), in UTC."""
    problem = "must be a date like 20261201T120000Z"
    if not isinstance(value, str):
        raise ValueError(problem)
    try:
        if len(value) == 16 and value[8] == "T" and _BASIC.fullmatch(value):
            # What `strptime(value, "%Y%m%dT%H%M%SZ")` reads, at a tenth of its cost.
            parsed = datetime(
                int(value[:4]),
                int(value[4:6]),
                int(value[6:8]),
                int(value[9:11]),
                int(value[11:13]),
                int(value[13:15]),
                tzinfo=UTC,
            )
        elif len(value) == 16 and value[8] == "T":
            parsed = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(problem) from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    # Days at the ends of the calendar cannot move to another time zone (local, UTC).
    if not 1 < parsed.year < 9999:
        raise ValueError("is out of range")
    return parsed.astimezone(UTC)


def _uuids(value: object) -> object:
    # Older versions write the blockers as one comma-separated string.
    return [d for d in value.split(",") if d] if isinstance(value, str) else value


Time = Annotated[datetime, BeforeValidator(parse_time)]
# A uuid becomes part of a source id, which the store keeps to 200 characters.
Uuid = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")
]


class Annotation(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    description: str = ""
    entry: Time | None = None


class TaskwarriorTask(BaseModel):
    """One object of `task export`, as far as taskboard reads it."""

    model_config = ConfigDict(strict=True, extra="ignore")

    description: str
    status: Literal["pending", "waiting", "completed", "deleted", "recurring"] = "pending"
    uuid: Uuid | None = None
    project: str | None = None
    priority: Literal["H", "M", "L"] | None = None
    tags: list[str] = []
    depends: Annotated[list[Uuid], BeforeValidator(_uuids)] = []
    annotations: list[Annotation] = []
    due: Time | None = None
    scheduled: Time | None = None
    entry: Time | None = None
    end: Time | None = None


def _objects(text: str, name: str) -> Iterator[tuple[str, Any]]:
    if text.lstrip().startswith("["):
        items = load_json(text, name)
        if not isinstance(items, list):
            raise BadRecordError(f"{name}not a list of tasks")
        for number, item in enumerate(items, start=1):
            yield f"{name}record {number}", item
        return
    # Older versions print one object per line.
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            where = f"{name}line {number}"
            yield where, load_json(line.rstrip().rstrip(","), f"{where}: ")


def _day(value: datetime) -> date:
    # A due time at local midnight is stored in UTC: the local calendar day is what was meant.
    return value.astimezone().date()


def draft(where: str, item: Any) -> ImportDraft | None:
    """One exported task as a draft; None for recurrence templates (their instances count)."""
    task = validated(TaskwarriorTask, where, item)
    if task.status == "recurring":
        return None
    return ImportDraft(
        where=where,
        title=task.description,
        source_id=f"taskwarrior:{task.uuid}" if task.uuid else None,
        project=task.project,
        due=_day(task.due) if task.due else None,
        start=_day(task.scheduled) if task.scheduled else None,
        priority=PRIORITIES[task.priority] if task.priority else None,
        tags=tuple(task.tags),
        done=task.status == "completed",
        archived=task.status == "deleted",
        created=task.entry,
        completed=task.end if task.status == "completed" else None,
        comments=tuple(
            ImportComment(body=a.description, created=a.entry) for a in task.annotations
        ),
        depends_on=tuple(f"taskwarrior:{d}" for d in task.depends),
    )


def read(services: Services, source: TextIO, project: str | None) -> ImportResult:
    name = label(source)
    drafts = [d for where, item in _objects(source.read(), name) if (d := draft(where, item))]
    return services.transfer.import_tasks(project, drafts)
