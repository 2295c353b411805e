"""Import of `task export` JSON from taskwarrior: statuses, tags, H/M/L, dates, annotations.

Each task object is checked (`_Check`) before anything is written; fields taskwarrior has
and taskboard does not use (urgency, id, UDAs, …) are ignored. Stdlib only: `taskboard
import` of a taskwarrior file loads neither pydantic nor SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, TextIO

from taskboard.exchange.records import BadRecordError, Check, Loc, label, load_json
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
            # What `strptime(value, "%Y%m%dT%H%M%SZ")` reads, at a twentieth of its cost
            # (Python 3.11 reads ISO 8601's basic form; `Z` is UTC).
            parsed = datetime.fromisoformat(value)
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
    return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)


STATUSES = ("pending", "waiting", "completed", "deleted", "recurring")
# A uuid becomes part of a source id, which the store keeps to 200 characters.
MAX_UUID = 100
_TIMES = tuple((name, (name,)) for name in ("due", "scheduled", "entry", "end"))
_ABSENT = object()  # a field the record leaves out (null is a value, and checked as one)


class _Check(Check):
    """One object of `task export`, as far as taskboard reads it, checked by hand: strict
    types, unknown fields (urgency, id, UDAs, …) ignored. Each refusal is worded as
    pydantic's would be (`records.Check`), the first field in this order: description,
    status, uuid, project, priority, tags, depends, annotations, due, scheduled, entry,
    end. Not a pydantic model: building and running one cost a third of an import."""

    def uuid(self, value: object, loc: Loc) -> str:
        return self.text(value, loc, min_length=1, max_length=MAX_UUID, printable=True)

    def time(self, value: object, loc: Loc) -> datetime | None:
        return None if value is None else self.parsed(parse_time, value, loc)

    def annotation(self, value: object, loc: Loc) -> ImportComment:
        if not isinstance(value, dict):
            raise self.no(loc, "model_type", value)
        body = self.text(value.get("description", ""), (*loc, "description"))
        return ImportComment(body=body, created=self.time(value.get("entry"), (*loc, "entry")))

    def task(self, item: object) -> dict[str, Any]:
        # Each value is looked at once where it is as it should be (nearly always), and
        # handed to the check that words the refusal only where it is not.
        if not isinstance(item, dict):
            raise self.no((), "model_type", item)
        if "description" not in item:
            raise self.no(("description",), "missing", item)
        got = item.get
        task: dict[str, Any] = {"description": self.text(item["description"], ("description",))}
        status = got("status", "pending")
        if not (isinstance(status, str) and status in STATUSES):
            self.choice(status, ("status",), STATUSES)
        task["status"] = status
        uuid = got("uuid")
        task["uuid"] = None if uuid is None else self.uuid(uuid, ("uuid",))
        project = got("project")
        if project is not None and not isinstance(project, str):
            self.text(project, ("project",))
        task["project"] = project
        priority = got("priority")
        if priority is not None and not (isinstance(priority, str) and priority in PRIORITIES):
            self.choice(priority, ("priority",), tuple(PRIORITIES))
        task["priority"] = priority
        tags = got("tags", _ABSENT)
        if tags is _ABSENT:
            tags = []
        elif not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            tags = [self.text(t, ("tags", i)) for i, t in enumerate(self.items(tags, ("tags",)))]
        task["tags"] = tags
        depends = got("depends", _ABSENT)
        if depends is _ABSENT:
            depends = []
        elif isinstance(depends, str):  # older versions: one comma-separated string
            depends = [d for d in depends.split(",") if d]
        depends = self.items(depends, ("depends",))
        task["depends"] = [self.uuid(d, ("depends", i)) for i, d in enumerate(depends)]
        notes = got("annotations", _ABSENT)
        notes = [] if notes is _ABSENT else self.items(notes, ("annotations",))
        task["annotations"] = [self.annotation(a, ("annotations", i)) for i, a in enumerate(notes)]
        for name, loc in _TIMES:
            value = got(name)
            task[name] = None if value is None else self.time(value, loc)
        return task


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
    task = _Check(where).task(item)
    status = task["status"]
    if status == "recurring":
        return None
    uuid, due, scheduled = task["uuid"], task["due"], task["scheduled"]
    return ImportDraft(
        where=where,
        title=task["description"],
        source_id=f"taskwarrior:{uuid}" if uuid else None,
        project=task["project"],
        due=_day(due) if due else None,
        start=_day(scheduled) if scheduled else None,
        priority=PRIORITIES[task["priority"]] if task["priority"] else None,
        tags=tuple(task["tags"]),
        done=status == "completed",
        archived=status == "deleted",
        created=task["entry"],
        completed=task["end"] if status == "completed" else None,
        comments=tuple(task["annotations"]),
        depends_on=tuple(f"taskwarrior:{d}" for d in task["depends"]),
    )


def drafts(source: TextIO) -> list[ImportDraft]:
    """The drafts of a `task export` file; every place in errors is named with the file."""
    name = label(source)
    return [d for where, item in _objects(source.read(), name) if (d := draft(where, item))]


def read(services: Services, source: TextIO, project: str | None) -> ImportResult:
    return services.transfer.import_tasks(project, drafts(source))
