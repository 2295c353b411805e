"""Read models of the goals: cycles, objectives with their KRs and children, check-ins, health."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from taskboard.domain.okr import confidence_value, percent_of
from taskboard.domain.views import TaskRow


def _confidence(value: float | None) -> float | None:
    return None if value is None else confidence_value(value)


@dataclass(frozen=True, slots=True)
class CycleView:
    name: str
    start: date
    end: date
    objectives: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "objectives": self.objectives,
        }


@dataclass(frozen=True, slots=True)
class CheckInView:
    id: int
    key_result: str
    value: float
    previous_value: float
    confidence: float | None
    note: str
    author: str | None
    created: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "key_result": self.key_result,
            "value": self.value,
            "previous_value": self.previous_value,
            "confidence": _confidence(self.confidence),
            "note": self.note,
            "author": self.author,
            "created": self.created.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class KeyResultView:
    id: int
    key: str
    title: str
    objective: str
    owner: str | None
    kind: str
    start: float
    target: float
    current: float
    unit: str
    weight: float
    confidence: float | None
    progress: float
    expected: float
    status: str
    score: float
    last_note: str = ""
    last_check_in: datetime | None = None
    tasks_done: int = 0
    tasks_total: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "objective": self.objective,
            "owner": self.owner,
            "kind": self.kind,
            "start": self.start,
            "target": self.target,
            "current": self.current,
            "unit": self.unit,
            "weight": self.weight,
            "confidence": _confidence(self.confidence),
            "progress": round(self.progress, 4),
            "percent": percent_of(self.progress),
            "expected": round(self.expected, 4),
            "status": self.status,
            "score": self.score,
            "last_note": self.last_note,
            "last_check_in": self.last_check_in.isoformat() if self.last_check_in else None,
            "tasks": {"done": self.tasks_done, "total": self.tasks_total},
        }


@dataclass(frozen=True, slots=True)
class ObjectiveView:
    id: int
    key: str
    title: str
    description: str
    cycle: str
    owner: str | None
    parent: str | None
    state: str  # draft / active / closed
    outcome: str | None
    outcome_comment: str
    progress: float
    expected: float
    status: str  # the override when the owner set one, else the suggestion
    suggested_status: str
    status_overridden: bool
    confidence: float | None
    score: float
    key_results: tuple[KeyResultView, ...] = ()
    children: tuple[ObjectiveView, ...] = ()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, ObjectiveView]]:
        """This objective and its aligned children, depth first, with their depth."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "cycle": self.cycle,
            "owner": self.owner,
            "parent": self.parent,
            "state": self.state,
            "outcome": self.outcome,
            "outcome_comment": self.outcome_comment,
            "progress": round(self.progress, 4),
            "percent": percent_of(self.progress),
            "expected": round(self.expected, 4),
            "status": self.status,
            "suggested_status": self.suggested_status,
            "status_overridden": self.status_overridden,
            "confidence": _confidence(self.confidence),
            "score": self.score,
            "key_results": [kr.as_json() for kr in self.key_results],
            "children": [c.key for c in self.children],
        }


@dataclass(frozen=True, slots=True)
class HealthView:
    """Work that moves no goal, and goals no open work moves."""

    cycle: str
    unlinked_tasks: tuple[TaskRow, ...]
    idle_key_results: tuple[KeyResultView, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "cycle": self.cycle,
            "unlinked_tasks": [{"key": t.key, "title": t.title} for t in self.unlinked_tasks],
            "idle_key_results": [
                {
                    "key": k.key,
                    "title": k.title,
                    "progress": round(k.progress, 4),
                    "percent": percent_of(k.progress),
                }
                for k in self.idle_key_results
            ],
        }
