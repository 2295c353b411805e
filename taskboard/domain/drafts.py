"""What a new task should be, as people type it: a capture line or a form becomes a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from taskboard.domain.capture import Capture, CaptureError, parse_capture
from taskboard.domain.errors import InvalidFieldError


@dataclass(frozen=True)
class TaskDraft:
    """What a new task should be; names and keys as people type them."""

    title: str
    project: str | None = None
    column: str | None = None
    assignee: str | None = None
    due: date | None = None
    start: date | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    parent: str | None = None
    key_result: str | None = None
    recurrence: str | None = None


def draft_from_line(line: str, today: date, project: str | None = None) -> TaskDraft:
    """A capture line as a draft; `project` is the default when the line has no `+KEY`."""
    try:
        cap = parse_capture(line, today)
    except CaptureError as exc:
        raise InvalidFieldError("line", str(exc)) from exc
    return draft_from_capture(cap, project)


def draft_from_capture(cap: Capture, project: str | None = None) -> TaskDraft:
    """A parsed capture line as a draft; `project` when the line has no `+KEY`."""
    return TaskDraft(
        title=cap.title,
        project=cap.project or project,
        column=cap.column,
        assignee=cap.assignee,
        due=cap.due,
        priority=cap.priority.value if cap.priority else None,
        tags=cap.tags,
        key_result=cap.key_result,
        recurrence=cap.recurrence,
    )
