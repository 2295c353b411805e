"""Import of `task export` JSON from taskwarrior: statuses, tags, H/M/L, dates, annotations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, TextIO

from taskboard.domain.text import excerpt
from taskboard.services import ServiceError, Services
from taskboard.services.import_drafts import ImportComment, ImportDraft, ImportResult

PRIORITIES = {"H": "high", "M": "normal", "L": "low"}


def parse_time(value: Any, where: str, name: str) -> datetime:
    """Taskwarrior's `20261201T000000Z` (ISO 8601 with separators accepted too)."""
    try:
        if isinstance(value, str) and len(value) == 16 and value[8] == "T":
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ServiceError(f"{where}: bad {name} date {excerpt(str(value))!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _day(value: Any, where: str, name: str) -> date:
    # A due time at local midnight is stored in UTC: the local calendar day is what was meant.
    return parse_time(value, where, name).astimezone().date()


def _objects(text: str) -> Iterator[tuple[str, Any]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ServiceError(
                f"bad JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        for number, item in enumerate(items, start=1):
            yield f"record {number}", item
        return
    # Older versions print one object per line.
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield f"line {number}", json.loads(line.rstrip().rstrip(","))
            except json.JSONDecodeError as exc:
                raise ServiceError(f"line {number}: bad JSON: {exc.msg}") from None


def draft(where: str, item: Any) -> ImportDraft | None:
    """One exported task as a draft; None for recurrence templates (their instances count)."""
    if not isinstance(item, dict):
        raise ServiceError(f"{where}: not a task object")
    status = item.get("status", "pending")
    if status == "recurring":
        return None
    if status not in ("pending", "waiting", "completed", "deleted"):
        raise ServiceError(f"{where}: unknown status {excerpt(str(status))!r}")
    if not isinstance(item.get("description"), str):
        raise ServiceError(f"{where}: the task has no description")
    priority = item.get("priority")
    if priority is not None and priority not in PRIORITIES:
        raise ServiceError(f"{where}: bad priority {excerpt(str(priority))!r} (use H, M or L)")
    depends = item.get("depends") or []
    if isinstance(depends, str):
        depends = [d for d in depends.split(",") if d]
    tags = item.get("tags") or []
    annotations = item.get("annotations") or []
    if not isinstance(tags, list) or not isinstance(annotations, list):
        raise ServiceError(f"{where}: tags and annotations must be lists")
    uuid = item.get("uuid")
    return ImportDraft(
        where=where,
        title=item["description"],
        source_id=f"taskwarrior:{uuid}" if uuid else None,
        project=item.get("project"),
        due=_day(item["due"], where, "due") if item.get("due") else None,
        start=_day(item["scheduled"], where, "scheduled") if item.get("scheduled") else None,
        priority=PRIORITIES[priority] if priority else None,
        tags=tuple(str(t) for t in tags),
        done=status == "completed",
        archived=status == "deleted",
        created=parse_time(item["entry"], where, "entry") if item.get("entry") else None,
        completed=parse_time(item["end"], where, "end")
        if status == "completed" and item.get("end")
        else None,
        comments=tuple(
            ImportComment(
                body=str(a.get("description", "")),
                created=parse_time(a["entry"], where, "annotation") if a.get("entry") else None,
            )
            for a in annotations
            if isinstance(a, dict)
        ),
        depends_on=tuple(f"taskwarrior:{d}" for d in depends),
    )


def read(services: Services, source: TextIO, project: str | None) -> ImportResult:
    drafts = [d for where, item in _objects(source.read()) if (d := draft(where, item))]
    return services.transfer.import_tasks(project, drafts)
