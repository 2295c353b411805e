"""Tests for the goal use cases on both backends: keys, check-ins, rollup, status, health."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Activity, CheckIn, Cycle, KeyResult, Objective
from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    ServiceError,
    StateError,
)
from taskboard.services.okr import OkrService

MID_NOVEMBER = date(2026, 11, 15)  # 45 of 91 days into 2026-Q4


def _count(services: Services, table: type) -> int:
    with services.ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _counts(services: Services) -> tuple[int, ...]:
    return tuple(_count(services, t) for t in (Cycle, Objective, KeyResult, CheckIn, Activity))


@pytest.fixture
def goals(services: Services) -> Services:
    services.people.add("lena", "Lena Vogt")
    services.okr.add_objective("Grow the service network", "2026-Q4", owner="lena")
    services.okr.add_key_result("O1", "Service points open", 61, 200, unit="points", weight=2)
    services.okr.add_key_result("O1", "Days to handover", 21, 14, unit="days")
    return services


def test_keys_count_up_and_the_cycle_is_made_once(goals: Services) -> None:
    child = goals.okr.add_objective("Faster handovers", "2026-q4", parent="O1")
    kr = goals.okr.add_key_result("O2", "Papers complete", 40, 90, kind="percent")
    assert (child.key, child.parent, child.cycle) == ("O2", "O1", "2026-Q4")
    assert (kr.key, kr.unit, kr.current) == ("O2-KR1", "%", 40)
    cycles = goals.okr.cycles()
    assert [(c.name, c.start, c.end, c.objectives) for c in cycles] == [
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), 2)
    ]
    with goals.ctx.store.read() as s:
        keys = s.scalars(select(col(KeyResult.key)).order_by(col(KeyResult.id))).all()
        owner = s.scalars(select(Objective).where(col(Objective.key) == "O1")).one().owner_id
    assert keys == ["O1-KR1", "O1-KR2", "O2-KR1"]
    assert owner is not None


def test_check_ins_keep_the_history_and_move_the_current_value(goals: Services) -> None:
    goals.okr.check_in("O1-KR1", 80, confidence=0.6, note="Leipzig signed")
    second = goals.okr.check_in("o1-kr1", 130.5, note="halfway")
    history = goals.okr.history("O1-KR1")
    assert [(c.previous_value, c.value, c.confidence, c.note) for c in history] == [
        (61, 80, 0.6, "Leipzig signed"),
        (80, 130.5, None, "halfway"),
    ]
    assert second.author == "tester"
    kr = goals.okr.key_result("O1-KR1", today=MID_NOVEMBER)
    assert (kr.current, kr.confidence, kr.last_note) == (130.5, 0.6, "halfway")
    assert kr.progress == pytest.approx(0.5)
    with goals.ctx.store.read() as s:
        rows = s.execute(
            select(col(Activity.field), col(Activity.old), col(Activity.new)).where(
                col(Activity.action) == "checkin"
            )
        ).all()
    assert ("current_value", "80.0", "130.5") in rows
    assert ("confidence", None, "0.6") in rows


def test_the_tree_rolls_children_up_by_weight(goals: Services) -> None:
    goals.okr.check_in("O1-KR1", 130.5)  # 0.5, weight 2
    goals.okr.check_in("O1-KR2", 14)  # 1.0, weight 1
    goals.okr.add_objective("Faster handovers", "2026-Q4", parent="O1")
    goals.okr.add_key_result("O2", "Agent turnaround", 5, 2, unit="days")
    goals.okr.check_in("O2-KR1", 4)  # 1/3
    goals.okr.add_objective("Press", "2026-Q4")
    tree = goals.okr.tree("2026-Q4", today=MID_NOVEMBER)
    assert [o.key for o in tree] == ["O1", "O3"]
    root = tree[0]
    assert [c.key for c in root.children] == ["O2"]
    assert root.children[0].progress == pytest.approx(1 / 3)
    assert root.progress == pytest.approx((0.5 * 2 + 1.0 + 1 / 3) / 4)
    assert root.expected == pytest.approx(45 / 91)
    assert root.status == "on_track"
    assert root.children[0].status == "at_risk"  # gap 0.16
    assert root.score == 0.6
    assert tree[1].progress == 0.0 and tree[1].status == "off_track"
    assert goals.okr.tree(today=date(2027, 2, 1)) == []


def test_the_owner_overrides_the_status_and_auto_restores_it(goals: Services) -> None:
    view = goals.okr.set_status("O1", "at risk")
    assert (view.status, view.status_overridden) == ("at_risk", True)
    with goals.ctx.store.read() as s:
        stored = s.scalars(select(col(Objective.status_override))).one()
    assert stored == "at_risk"
    tree = goals.okr.tree("2026-Q4", today=date(2026, 10, 1))
    assert tree[0].status == "at_risk" and tree[0].suggested_status == "on_track"
    back = goals.okr.set_status("O1", None)
    assert (back.status_overridden, back.status) == (False, back.suggested_status)


def test_closing_records_the_outcome_and_stops_check_ins(goals: Services) -> None:
    closed = goals.okr.close_objective("O1", "partial", "Bremen slipped into Q1")
    assert (closed.state, closed.outcome, closed.outcome_comment) == (
        "closed",
        "partial",
        "Bremen slipped into Q1",
    )
    with goals.ctx.store.read() as s:
        row = s.scalars(select(Objective)).one()
    assert (row.status, row.outcome) == ("closed", "partial") and row.closed is not None
    before = _counts(goals)
    with pytest.raises(NoChangeError):
        goals.okr.close_objective("O1", "missed", "")
    with pytest.raises(StateError):
        goals.okr.check_in("O1-KR1", 100)
    with pytest.raises(InvalidFieldError):
        goals.okr.close_objective("O1", "won", "")
    assert _counts(goals) == before


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (lambda o: o.add_key_result("O1", "Flat", 10, 10), InvalidFieldError),
        (lambda o: o.add_key_result("O1", "Heavy", 0, 10, weight=0), InvalidFieldError),
        (lambda o: o.add_key_result("O1", "Kind", 0, 10, kind="vibes"), InvalidFieldError),
        (lambda o: o.add_key_result("O9", "Nowhere", 0, 10), NotFoundError),
        (lambda o: o.add_key_result("O1", "No target"), InvalidFieldError),
        (lambda o: o.add_key_result("O1", "Long", 0, 1, unit="u" * 21), InvalidFieldError),
        (lambda o: o.add_key_result("O1", "K" * 501, 0, 1), InvalidFieldError),
        (lambda o: o.add_objective("Owned by nobody", "2026-Q3", owner="nobody"), NotFoundError),
        (lambda o: o.add_objective("Bad cycle", "2026-Q9"), InvalidFieldError),
        (lambda o: o.add_objective("  ", "2026-Q3"), InvalidFieldError),
        (lambda o: o.add_objective("O" * 501, "2026-Q3"), InvalidFieldError),
        (lambda o: o.add_objective("Orphan", "2026-Q3", parent="O7"), NotFoundError),
        (lambda o: o.check_in("O1-KR1", 100, confidence=1.5), InvalidFieldError),
        (lambda o: o.check_in("O1-KR1", 100, confidence=-0.1), InvalidFieldError),
        (lambda o: o.check_in("O1-KR9", 100), NotFoundError),
        (lambda o: o.check_in("O1-KR1", float("nan")), InvalidFieldError),
        (lambda o: o.check_in("O1-KR1", 90, note="n" * 2001), InvalidFieldError),
        (lambda o: o.set_status("O1", "fine"), InvalidFieldError),
    ],
)
def test_bad_input_writes_nothing(
    goals: Services, bad: Callable[[OkrService], object], error: type[ServiceError]
) -> None:
    before = _counts(goals)
    with pytest.raises(error):
        bad(goals.okr)
    assert _counts(goals) == before
    assert goals.okr.key_result("O1-KR1").current == 61


def test_unknown_keys_are_not_found(goals: Services) -> None:
    with pytest.raises(NotFoundError, match="O1-KR7"):
        goals.okr.history("O1-KR7")
    with pytest.raises(NotFoundError, match="O5"):
        goals.okr.objective("O5")
    with pytest.raises(NotFoundError, match="2027-Q1"):
        goals.okr.tree("2027-Q1")


def test_custom_cycles_are_named_and_found_by_name(services: Services) -> None:
    view = services.okr.add_objective("Winter push", "Winter=2026-11-01..2027-01-31")
    assert view.cycle == "Winter"
    services.okr.add_objective("Second", "Winter")
    assert [o.key for o in services.okr.tree("Winter", today=MID_NOVEMBER)] == ["O1", "O2"]
    with pytest.raises(DuplicateError):
        services.okr.add_objective("Clash", "Winter=2026-12-01..2027-01-31")


def test_tasks_kind_counts_linked_tasks_and_health_finds_gaps(goals: Services) -> None:
    goals.projects.create("DEL", "Deliveries")
    goals.okr.add_key_result("O1", "Checklist done", kind="tasks")
    for title in ("Papers", "Payment", "Plates"):
        goals.tasks.create(TaskDraft(title=title, project="DEL"))
    goals.tasks.edit("DEL-1", TaskChanges(key_result="O1-KR3"))
    goals.tasks.edit("DEL-2", TaskChanges(key_result="O1-KR3"))
    goals.tasks.complete("DEL-1")
    kr = goals.okr.key_result("O1-KR3")
    assert (kr.tasks_done, kr.tasks_total, kr.progress) == (1, 2, 0.5)
    assert [t.key for t in goals.okr.linked_tasks("O1-KR3")] == ["DEL-2", "DEL-1"]
    with pytest.raises(StateError):
        goals.okr.check_in("O1-KR3", 1)
    health = goals.okr.health("2026-Q4", today=MID_NOVEMBER)
    assert [t.key for t in health.unlinked_tasks] == ["DEL-3"]
    assert [k.key for k in health.idle_key_results] == ["O1-KR1", "O1-KR2"]


def test_the_demo_brings_goals_linked_to_its_tasks(services: Services) -> None:
    today = date(2026, 11, 20)
    assert load_demo(services, today)
    tree = services.okr.tree(today=today)
    walked = [o for root in tree for _, o in root.walk()]
    assert {o.owner for o in walked} <= {"jonas", "mia", "lena", "tarek", "sofia", "emil"}
    assert any(o.parent for o in walked)
    krs = {k.key: k for o in walked for k in o.key_results}
    falling = [k for k in krs.values() if k.target < k.start]
    assert falling and all(k.current <= k.start for k in falling)
    assert any(k.kind == "tasks" and k.tasks_total > 0 for k in krs.values())
    assert all(len(services.okr.history(k)) >= 1 for k, v in krs.items() if v.kind == "number")
    assert services.tasks.row("SRV-1").key_result == "O1-KR1"
