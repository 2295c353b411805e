"""The goals rolled up: every objective with its KRs, progress, expectation and status."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain import okr
from taskboard.domain.models import CheckIn, Cycle, KeyResult, Objective, Person, Task
from taskboard.domain.okr import KrKind
from taskboard.domain.okr_views import KeyResultView, ObjectiveView


class Rollup:
    """Every objective, KR and count needed for the rollup, read in a handful of queries."""

    def __init__(self, s: Session, today: date) -> None:
        self.today = today
        self.cycles = {c.id: c for c in s.scalars(select(Cycle))}
        self.objectives = {
            o.id: o for o in s.scalars(select(Objective).order_by(col(Objective.number)))
        }
        self.children: dict[int | None, list[Objective]] = defaultdict(list)
        for o in self.objectives.values():
            self.children[o.parent_id].append(o)
        self.krs: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in s.scalars(
            select(KeyResult).order_by(col(KeyResult.objective_id), col(KeyResult.number))
        ):
            self.krs[kr.objective_id].append(kr)
        self.handles: dict[int, str] = {
            pid: handle for pid, handle in s.execute(select(col(Person.id), col(Person.handle)))
        }
        self.tasks: dict[int, tuple[int, int]] = {
            kr_id: (done, total)
            for kr_id, done, total in s.execute(
                select(col(Task.key_result_id), func.count(col(Task.completed)), func.count())
                .where(col(Task.key_result_id).is_not(None), col(Task.archived).is_(False))
                .group_by(col(Task.key_result_id))
            )
        }
        newest = (
            select(func.max(col(CheckIn.id))).group_by(col(CheckIn.key_result_id)).scalar_subquery()
        )
        self.last: dict[int, tuple[str, datetime]] = {
            c.key_result_id: (c.note, c.created)
            for c in s.scalars(select(CheckIn).where(col(CheckIn.id).in_(newest)))
        }

    def key_result(self, kr: KeyResult, objective: Objective) -> KeyResultView:
        cycle = self.cycles[objective.cycle_id]
        done, total = self.tasks.get(kr.id or 0, (0, 0))
        progress = okr.kr_progress(
            kr.kind, kr.start_value, kr.target_value, kr.current_value, done, total
        )
        expected = okr.expected_progress(cycle.start, cycle.end, self.today)
        note, at = self.last.get(kr.id or 0, ("", None))
        return KeyResultView(
            id=kr.id or 0,
            key=kr.key,
            title=kr.title,
            objective=objective.key,
            owner=self.handles.get(kr.owner_id) if kr.owner_id else None,
            kind=kr.kind,
            start=kr.start_value,
            target=kr.target_value,
            current=float(done) if kr.kind == KrKind.TASKS else kr.current_value,
            unit=kr.unit,
            weight=kr.weight,
            confidence=kr.confidence,
            progress=progress,
            expected=expected,
            status=okr.suggest_status(expected, progress).value,
            score=okr.score(progress),
            last_note=note,
            last_check_in=at,
            tasks_done=done,
            tasks_total=total,
        )

    def objective(self, objective_id: int, seen: frozenset[int] = frozenset()) -> ObjectiveView:
        o = self.objectives[objective_id]
        seen = seen | {objective_id}
        cycle = self.cycles[o.cycle_id]
        krs = tuple(self.key_result(kr, o) for kr in self.krs.get(objective_id, ()))
        children = tuple(
            self.objective(c.id or 0, seen) for c in self.children.get(o.id, ()) if c.id not in seen
        )
        progress = okr.weighted_mean(
            [(k.progress, k.weight) for k in krs] + [(c.progress, 1.0) for c in children]
        )
        expected = okr.expected_progress(cycle.start, cycle.end, self.today)
        suggested = okr.suggest_status(expected, progress).value
        confident = [(k.confidence, k.weight) for k in krs if k.confidence is not None]
        parent = self.objectives.get(o.parent_id) if o.parent_id else None
        return ObjectiveView(
            id=o.id or 0,
            key=o.key,
            title=o.title,
            description=o.description,
            cycle=cycle.name,
            owner=self.handles.get(o.owner_id) if o.owner_id else None,
            parent=parent.key if parent else None,
            state=o.status,
            outcome=o.outcome,
            outcome_comment=o.outcome_comment,
            progress=progress,
            expected=expected,
            status=o.status_override or suggested,
            suggested_status=suggested,
            status_overridden=o.status_override is not None,
            confidence=round(okr.weighted_mean(confident), 4) if confident else None,
            score=okr.score(progress),
            key_results=krs,
            children=children,
        )

    def roots(self, cycle_id: int) -> list[ObjectiveView]:
        """Objectives of the cycle not aligned under another objective of the same cycle."""
        roots = []
        for o in self.objectives.values():
            if o.cycle_id != cycle_id:
                continue
            parent = self.objectives.get(o.parent_id) if o.parent_id else None
            if parent is None or parent.cycle_id != cycle_id:
                roots.append(self.objective(o.id or 0))
        return roots
