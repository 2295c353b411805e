"""Read models of search: one hit, and the kinds a search can be narrowed to; stdlib only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# What `--kind` accepts; "goal" covers objectives and key results.
KINDS = ("task", "comment", "decision", "question", "note", "goal")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One thing a search found.

    `key` is the task's key for tasks and comments, the meeting's id for decisions,
    questions and notes, and the objective's or key result's key for goals. `title` is
    what the hit belongs to (the card, the meeting, the goal); `snippet` is the matching
    part of its text. `in_title` says every word matched the main text, which ranks first.
    """

    kind: str
    key: str
    project: str | None
    title: str
    snippet: str
    when: datetime
    in_title: bool = False

    @property
    def meeting_id(self) -> int | None:
        return int(self.key) if self.kind in ("decision", "question", "note") else None

    @property
    def task_key(self) -> str | None:
        return self.key if self.kind in ("task", "comment") else None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "project": self.project,
            "title": self.title,
            "snippet": self.snippet,
            "when": self.when.isoformat(),
        }
