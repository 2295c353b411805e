"""Read models of templates: the checklist with its steps, and what applying it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

ApplyAs = Literal["task", "project"]


@dataclass(frozen=True, slots=True)
class TemplateStepView:
    position: int
    title: str
    offset_days: int | None
    assignee: str | None
    column: str | None
    tags: tuple[str, ...]
    priority: str
    notes: str


@dataclass(frozen=True, slots=True)
class TemplateView:
    id: int
    name: str
    description: str
    steps: tuple[TemplateStepView, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "steps": [
                {
                    "title": st.title,
                    "offset_days": st.offset_days,
                    "assignee": st.assignee,
                    "column": st.column,
                    "tags": list(st.tags),
                    "priority": st.priority,
                    "notes": st.notes,
                }
                for st in self.steps
            ],
        }


@dataclass(frozen=True, slots=True)
class AppliedTemplate:
    """One instance of a template: the parent task or the new project, and every task made."""

    template: str
    kind: ApplyAs
    name: str
    key: str
    anchor: date
    task_keys: tuple[str, ...]
