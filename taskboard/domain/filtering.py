"""The board filter: words match title and notes; `@handle`, `#tag`, `!prio`, `due:` narrow it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from taskboard.domain.enums import Priority
from taskboard.domain.text import clean

DUE_WORDS = ("overdue", "today", "week", "none")


class Filterable(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def priority(self) -> str: ...
    @property
    def due(self) -> date | None: ...
    @property
    def done(self) -> bool: ...
    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class TaskFilter:
    words: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    due: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.assignees or self.tags or self.priorities or self.due)

    def matches(self, task: Filterable, today: date) -> bool:
        if self.words:
            haystack = f"{task.key} {task.title} {task.notes}".casefold()
            if not all(w in haystack for w in self.words):
                return False
        if self.assignees and not any((task.assignee or "").startswith(a) for a in self.assignees):
            return False
        if self.tags and not all(any(t.startswith(x) for t in task.tags) for x in self.tags):
            return False
        if self.priorities and task.priority not in self.priorities:
            return False
        if self.due is not None:
            return _due_matches(self.due, task, today)
        return True


def _due_matches(kind: str, task: Filterable, today: date) -> bool:
    due = task.due
    if kind == "none":
        return due is None
    if due is None or task.done:
        return False
    if kind == "overdue":
        return due < today
    if kind == "today":
        return due == today
    return today <= due <= today + timedelta(days=(6 - today.weekday()))  # "week": to Sunday


def parse_filter(text: str) -> TaskFilter:
    """Never raises: unknown `!` or `due:` values are reported in `problems` and ignored."""
    words: list[str] = []
    assignees: list[str] = []
    tags: list[str] = []
    priorities: list[str] = []
    problems: list[str] = []
    due = None
    for word in clean(text).split():
        lower = word.casefold()
        if lower.startswith("@") and len(lower) > 1:
            assignees.append(lower[1:])
        elif lower.startswith("#") and len(lower) > 1:
            tags.append(lower[1:])
        elif lower.startswith("!") and len(lower) > 1:
            try:
                priorities.append(Priority.parse(lower[1:]).value)
            except ValueError:
                problems.append(f"unknown priority '{word}'")
        elif lower.startswith("due:"):
            value = lower[4:]
            match = [d for d in DUE_WORDS if d.startswith(value)] if value else []
            if len(match) == 1:
                due = match[0]
            else:
                problems.append(f"use due:overdue, due:today, due:week or due:none, not '{word}'")
        else:
            words.append(lower)
    return TaskFilter(
        tuple(words), tuple(assignees), tuple(tags), tuple(priorities), due, tuple(problems)
    )
