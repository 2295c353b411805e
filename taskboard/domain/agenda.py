"""Read models of one person's work: the agenda grouped by due date, and a handover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from taskboard.domain.dates import week_bounds
from taskboard.domain.views import TaskRow

GROUPS = ("overdue", "today", "this week", "later", "no date")


@dataclass(frozen=True, slots=True)
class Agenda:
    """One person's open tasks, grouped by when they are due (the order of GROUPS)."""

    handle: str
    name: str
    today: date
    groups: tuple[tuple[str, tuple[TaskRow, ...]], ...]
    # The title of each subtask's parent, by the parent's key: a step such as "Car handed
    # over" says nothing without "Handover 4720".
    parents: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        handle: str,
        name: str,
        today: date,
        rows: Iterable[TaskRow],
        parents: Mapping[str, str] | None = None,
    ) -> Agenda:
        """`rows` grouped by due date, each group by due date, project and key."""
        grouped: dict[str, list[TaskRow]] = {g: [] for g in GROUPS}
        for row in sorted(rows, key=lambda r: (r.due or date.max, r.project, r.key)):
            grouped[agenda_group(row.due, today)].append(row)
        groups = tuple((g, tuple(grouped[g])) for g in GROUPS)
        return cls(handle, name, today, groups, tuple(sorted((parents or {}).items())))

    def title_of(self, row: TaskRow) -> str:
        """`Car handed over — Handover 4720`: a subtask's title with its parent's."""
        parent = dict(self.parents).get(row.parent or "")
        return f"{row.title} — {parent}" if parent else row.title

    def group(self, name: str) -> tuple[TaskRow, ...]:
        return dict(self.groups)[name]

    def as_json(self) -> dict[str, object]:
        return {
            "handle": self.handle,
            "name": self.name,
            "today": self.today.isoformat(),
            "groups": {name: [r.as_json() for r in rows] for name, rows in self.groups},
        }


@dataclass(frozen=True, slots=True)
class Handover:
    """What a handover moved from one person to another, as the note lists it; with
    `dry_run`, what it would move (the tasks as they are, nothing changed)."""

    from_handle: str
    to_handle: str
    since: date | None
    until: date | None
    day: date
    tasks: tuple[TaskRow, ...]
    dry_run: bool = False


def agenda_group(due: date | None, today: date) -> str:
    """Which agenda group a due date falls in, seen from `today`."""
    if due is None:
        return "no date"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "this week" if due <= week_bounds(today)[1] else "later"


def absence_text(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return ""
    return f"{since.isoformat() if since else '…'}..{until.isoformat() if until else '…'}"
