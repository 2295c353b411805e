"""Goal use cases: objectives, key results, check-ins, status, closing, the tree and its health."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain import okr, rules
from taskboard.domain.models import CheckIn, Cycle, KeyResult, Objective, Person, Project, Task
from taskboard.domain.models import utcnow as _utcnow
from taskboard.domain.okr import KrKind, OkrError, Outcome, Status
from taskboard.domain.okr_views import (
    CheckInView,
    CycleView,
    HealthView,
    KeyResultView,
    ObjectiveView,
)
from taskboard.domain.text import clean
from taskboard.domain.views import TaskRow
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    StateError,
)
from taskboard.services.okr_rollup import Rollup
from taskboard.services.ops.checkins import record_check_in
from taskboard.services.queries import task_rows

T = TypeVar("T")


def _checked(field: str, check: Callable[[], T]) -> T:
    """Run a domain check of `field`; its complaint becomes a refusal naming the field."""
    try:
        return check()
    except OkrError as exc:
        raise InvalidFieldError(field, str(exc)) from exc


def _number(value: float, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidFieldError(what, f"the {what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InvalidFieldError(what, f"the {what} must be a finite number, not {value}")
    return number


def _objective_by_key(s: Session, key: str) -> Objective:
    found = s.scalars(select(Objective).where(col(Objective.key) == key.strip().upper())).first()
    if found is None:
        raise NotFoundError(f"unknown objective '{clean(key)}'")
    return found


def _find_cycle(s: Session, typed: str, create: bool) -> tuple[Cycle, bool]:
    """The cycle a person named (`2026-Q4`, a custom name, a range); made on first use."""
    text = clean(typed).strip()
    try:
        wanted = okr.parse_cycle(text)
    except OkrError as exc:
        named = s.scalars(select(Cycle).where(col(Cycle.name) == text)).first()
        if named is not None:
            return named, False
        raise InvalidFieldError("cycle", str(exc)) from exc
    row = s.scalars(select(Cycle).where(col(Cycle.name) == wanted.name)).first()
    if row is not None:
        if (row.start, row.end) != (wanted.start, wanted.end):
            raise DuplicateError(f"cycle {row.name} already runs {row.start}..{row.end}")
        return row, False
    if not create:
        raise NotFoundError(f"no goals in cycle {wanted.name}")
    row = Cycle(name=wanted.name, start=wanted.start, end=wanted.end)
    s.add(row)
    s.flush()
    return row, True


def _cycle_or_this_quarter(s: Session, typed: str | None, today: date) -> Cycle | None:
    """The cycle a person named, or the current quarter's (None while it holds no goals)."""
    if typed is not None:
        return _find_cycle(s, typed, create=False)[0]
    name = okr.current_cycle_name(today)
    return s.scalars(select(Cycle).where(col(Cycle.name) == name)).first()


class OkrService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- reading -------------------------------------------------------

    def cycles(self) -> list[CycleView]:
        with self.ctx.store.read() as s:
            counts = dict(
                s.execute(
                    select(col(Objective.cycle_id), func.count()).group_by(col(Objective.cycle_id))
                ).all()
            )
            return [
                CycleView(name=c.name, start=c.start, end=c.end, objectives=counts.get(c.id, 0))
                for c in s.scalars(select(Cycle).order_by(col(Cycle.start), col(Cycle.name)))
            ]

    def cycle(self, cycle: str | None = None, today: date | None = None) -> CycleView:
        """The named cycle, or the current quarter (which need not hold goals yet)."""
        today = today or self.ctx.today()
        with self.ctx.store.read() as s:
            row = _cycle_or_this_quarter(s, cycle, today)
            if row is None:
                span = okr.parse_cycle(okr.current_cycle_name(today))
                return CycleView(name=span.name, start=span.start, end=span.end)
            count = s.scalar(select(func.count()).where(col(Objective.cycle_id) == row.id))
            return CycleView(name=row.name, start=row.start, end=row.end, objectives=count or 0)

    def tree(self, cycle: str | None = None, today: date | None = None) -> list[ObjectiveView]:
        """The cycle's objectives (default: the current quarter) with aligned children nested."""
        today = today or self.ctx.today()
        with self.ctx.store.read() as s:
            row = _cycle_or_this_quarter(s, cycle, today)
            if row is None:
                return []
            return Rollup(s, today).roots(row.id or 0)

    def objective(self, key: str, today: date | None = None) -> ObjectiveView:
        with self.ctx.store.read() as s:
            found = _objective_by_key(s, key)
            return Rollup(s, today or self.ctx.today()).objective(found.id or 0)

    def key_result(self, key: str, today: date | None = None) -> KeyResultView:
        with self.ctx.store.read() as s:
            kr = lookup.key_result_by_key(s, key)
            snap = Rollup(s, today or self.ctx.today())
            return snap.key_result(kr, snap.objectives[kr.objective_id])

    def history(self, kr_key: str) -> list[CheckInView]:
        """Every check-in of the KR, oldest first."""
        with self.ctx.store.read() as s:
            kr = lookup.key_result_by_key(s, kr_key)
            return [
                _check_in_view(c, kr.key, handle)
                for c, handle in s.execute(
                    select(CheckIn, col(Person.handle))
                    .outerjoin(Person, col(Person.id) == col(CheckIn.author_id))
                    .where(col(CheckIn.key_result_id) == kr.id)
                    .order_by(col(CheckIn.created), col(CheckIn.id))
                )
            ]

    def linked_tasks(self, kr_key: str) -> list[TaskRow]:
        """Tasks linked to the KR, done ones included, archived ones not."""
        with self.ctx.store.read() as s:
            kr = lookup.key_result_by_key(s, kr_key)
            return task_rows(s, col(Task.key_result_id) == kr.id, col(Task.archived).is_(False))

    def health(self, cycle: str | None = None, today: date | None = None) -> HealthView:
        """Open tasks that move no KR, and the cycle's unfinished KRs that no open task moves."""
        today = today or self.ctx.today()
        name = self.cycle(cycle, today).name
        idle: list[KeyResultView] = []
        for root in self.tree(name, today):
            for _depth, objective in root.walk():
                if objective.cycle != name or objective.state == "closed":
                    continue
                idle += [
                    kr
                    for kr in objective.key_results
                    if kr.progress < 1.0 and kr.tasks_total - kr.tasks_done == 0
                ]
        with self.ctx.store.read() as s:
            live_projects = select(col(Project.id)).where(col(Project.archived).is_(False))
            unlinked = task_rows(
                s,
                col(Task.key_result_id).is_(None),
                col(Task.completed).is_(None),
                col(Task.archived).is_(False),
                col(Task.parent_id).is_(None),
                col(Task.project_id).in_(live_projects),
            )
        return HealthView(cycle=name, unlinked_tasks=tuple(unlinked), idle_key_results=tuple(idle))

    # ---- changing ------------------------------------------------------

    def add_objective(
        self,
        title: str,
        cycle: str,
        owner: str | None = None,
        parent: str | None = None,
        description: str = "",
    ) -> ObjectiveView:
        """A new objective `O<n>` in `cycle` (created on first use), aligned under `parent`."""
        name = rules.OBJECTIVE_TITLE.check(title)
        text = rules.OBJECTIVE_DESCRIPTION.check(description)
        with self.ctx.change() as (s, log):
            cycle_row, made = _find_cycle(s, cycle, create=True)
            if made:
                log.about("create", "cycle", cycle_row.id, new=cycle_row.name)
            owner_id = lookup.resolve_person(s, owner, create=False)[0].id if owner else None
            parent_row = _objective_by_key(s, parent) if parent else None
            number = (s.scalar(select(func.max(col(Objective.number)))) or 0) + 1
            objective = Objective(
                number=number,
                key=f"O{number}",
                title=name,
                description=text,
                owner_id=owner_id,
                cycle_id=cycle_row.id or 0,
                parent_id=parent_row.id if parent_row else None,
            )
            s.add(objective)
            s.flush()
            log.about("create", "objective", objective.id, new=objective.key)
            return Rollup(s, self.ctx.today()).objective(objective.id or 0)

    def add_key_result(
        self,
        objective_key: str,
        title: str,
        start: float = 0.0,
        target: float | None = None,
        unit: str = "",
        kind: str = "number",
        weight: float = 1.0,
        owner: str | None = None,
    ) -> KeyResultView:
        """A new KR `O<n>-KR<m>` from `start` towards `target` (up or down).

        Yes/no and task-count KRs need no target: they run from 0 (not done) to 1 (done).
        """
        name = rules.KEY_RESULT_TITLE.check(title)
        kr_kind = _checked("kind", lambda: KrKind.parse(kind))
        start = _number(start, "start")
        if target is None:
            if kr_kind not in (KrKind.BOOLEAN, KrKind.TASKS):
                raise InvalidFieldError("target", f"a {kr_kind.value} key result needs a target")
            start, target = 0.0, 1.0
        target = _number(target, "target")
        weight = _number(weight, "weight")
        _checked("target", lambda: okr.check_key_result(start, target))
        _checked("weight", lambda: okr.check_weight(weight))
        unit_text = rules.UNIT.check(unit) or ("%" if kr_kind is KrKind.PERCENT else "")
        with self.ctx.change() as (s, log):
            objective = _objective_by_key(s, objective_key)
            if objective.status == "closed":
                raise StateError(f"{objective.key} is closed")
            owner_id = lookup.resolve_person(s, owner, create=False)[0].id if owner else None
            number = (
                s.scalar(
                    select(func.max(col(KeyResult.number))).where(
                        col(KeyResult.objective_id) == objective.id
                    )
                )
                or 0
            ) + 1
            kr = KeyResult(
                objective_id=objective.id or 0,
                number=number,
                key=f"{objective.key}-KR{number}",
                title=name,
                owner_id=owner_id,
                kind=kr_kind.value,
                start_value=start,
                target_value=target,
                current_value=start,
                unit=unit_text,
                weight=weight,
            )
            s.add(kr)
            s.flush()
            log.about("create", "key_result", kr.id, new=kr.key)
            snap = Rollup(s, self.ctx.today())
            return snap.key_result(kr, objective)

    def check_in(
        self,
        kr_key: str,
        value: float,
        confidence: float | None = None,
        note: str = "",
        at: datetime | None = None,
        *,
        force: bool = False,
    ) -> CheckInView:
        """Record a new current value (and confidence) with a note; the history keeps them all.

        `at` backdates the check-in (imports, the demo); it must be timezone-aware. A value
        that looks like a typo is refused unless `force`.
        """
        number = _number(value, "value")
        if confidence is not None:
            confidence = _number(confidence, "confidence")
        _checked("confidence", lambda: okr.check_confidence(confidence))
        text = rules.CHECK_IN_NOTE.check(note)
        if at is not None and at.tzinfo is None:
            raise InvalidFieldError("at", "a check-in time needs a timezone")
        with self.ctx.change() as (s, log):
            check, kr, author = record_check_in(
                s,
                log,
                kr_key,
                number,
                confidence,
                text,
                at.astimezone(UTC) if at else None,
                force=force,
            )
            s.flush()
            return _check_in_view(check, kr.key, author.handle)

    def set_status(self, objective_key: str, status: str | None) -> ObjectiveView:
        """The owner's status for the objective; None goes back to the suggestion."""
        wanted = (
            _checked("status", lambda: Status.parse(status)).value if status is not None else None
        )
        with self.ctx.change() as (s, log):
            objective = _objective_by_key(s, objective_key)
            if objective.status_override != wanted:
                log.about(
                    "update",
                    "objective",
                    objective.id,
                    "status_override",
                    old=objective.status_override,
                    new=wanted,
                )
                objective.status_override = wanted
                s.flush()
            return Rollup(s, self.ctx.today()).objective(objective.id or 0)

    def close_objective(self, key: str, outcome: str, comment: str = "") -> ObjectiveView:
        """Close the objective with an outcome (achieved / partial / missed / dropped)."""
        result = _checked("outcome", lambda: Outcome.parse(outcome)).value
        text = rules.OUTCOME_COMMENT.check(comment)
        with self.ctx.change() as (s, log):
            objective = _objective_by_key(s, key)
            if objective.status == "closed":
                raise NoChangeError(f"{objective.key} is already closed ({objective.outcome})")
            log.about(
                "close", "objective", objective.id, "outcome", old=objective.status, new=result
            )
            objective.status = "closed"
            objective.outcome = result
            objective.outcome_comment = text
            objective.closed = _utcnow()
            s.flush()
            return Rollup(s, self.ctx.today()).objective(objective.id or 0)


def _check_in_view(check: CheckIn, kr_key: str, author: str | None) -> CheckInView:
    return CheckInView(
        id=check.id or 0,
        key_result=kr_key,
        value=check.value,
        previous_value=check.previous_value,
        confidence=check.confidence,
        note=check.note,
        author=author,
        created=check.created,
    )
