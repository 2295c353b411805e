"""Flow metrics on a constructed history with known answers (pure, no store)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from taskboard.domain.flow import (
    FlowEvent,
    OpenItem,
    aging,
    bounds,
    column_stays,
    lead_times,
    percentile,
    summarize,
    throughput,
    time_in_columns,
)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def task(
    task_id: int, created: int, moves: list[tuple[int, str, str]], done: int | None
) -> list[FlowEvent]:
    events = [FlowEvent(task_id, at(created), "create")]
    events += [FlowEvent(task_id, at(d), "move", old, new) for d, old, new in moves]
    if done is not None:
        events.append(FlowEvent(task_id, at(done), "done"))
    return events


# Three finished cars (lead 10, 12, 20 days), one open, one done and reopened.
HISTORY = [
    *task(
        1, 1, [(3, "Arrived", "Papers"), (6, "Papers", "Handover"), (11, "Handover", "Done")], 11
    ),
    *task(
        2, 2, [(4, "Arrived", "Papers"), (10, "Papers", "Handover"), (14, "Handover", "Done")], 14
    ),
    *task(
        3, 3, [(4, "Arrived", "Papers"), (20, "Papers", "Handover"), (23, "Handover", "Done")], 23
    ),
    *task(4, 5, [(9, "Arrived", "Papers")], None),
    *task(5, 2, [(8, "Arrived", "Done")], 8),
    FlowEvent(5, at(9), "reopen"),
]


def test_percentile_interpolates() -> None:
    assert percentile([10, 12, 20], 50) == 12
    assert percentile([10, 12, 20], 85) == pytest.approx(17.6)
    assert percentile([4], 85) == 4
    assert summarize([]).median_days is None


def test_lead_times_within_range() -> None:
    start, end = bounds(date(2026, 11, 1), date(2026, 11, 30))
    leads = lead_times(HISTORY, start, end)
    assert {k: v.days for k, v in leads.items()} == {1: 10, 2: 12, 3: 20}
    summary = summarize(leads.values())
    assert (summary.count, summary.median_days, summary.p85_days) == (3, 12.0, 17.6)
    # Only tasks finished inside the range count.
    start, end = bounds(date(2026, 11, 12), date(2026, 11, 20))
    assert set(lead_times(HISTORY, start, end)) == {2}


def test_time_in_columns() -> None:
    start, end = bounds(date(2026, 11, 1), date(2026, 11, 30))
    found = dict(
        time_in_columns(
            HISTORY, start, end, order=["Arrived", "Papers", "Handover", "Done"], exclude=["Done"]
        )
    )
    assert list(found) == ["Arrived", "Papers", "Handover"]
    # Arrived: 2, 2, 1, 4, 6 days; Papers: 3, 6, 16; Handover: 5, 4, 3.
    assert found["Arrived"].count == 5 and found["Arrived"].median_days == 2.0
    assert found["Arrived"].p85_days == pytest.approx(4.8)  # 4 + 0.4 * (6 - 4)
    assert (found["Papers"].median_days, found["Papers"].p85_days) == (6.0, 13.0)
    assert (found["Handover"].median_days, found["Handover"].p85_days) == (4.0, 4.7)
    stays = [s for s in column_stays(HISTORY) if s.task_id == 4]
    assert [(s.column, s.end) for s in stays] == [("Arrived", at(9)), ("Papers", None)]


def test_throughput_per_iso_week_with_zero_weeks() -> None:
    weeks = throughput(HISTORY, date(2026, 11, 2), date(2026, 11, 29))
    # Task 5 was reopened, so it does not count; 11th is W46, 14th W46, 23rd W48.
    assert weeks == [("2026-W45", 0), ("2026-W46", 2), ("2026-W47", 0), ("2026-W48", 1)]


def test_aging_work_in_progress() -> None:
    items = [
        OpenItem(4, "DEL-4", "Car 4", "Papers", at(5)),
        OpenItem(6, "DEL-6", "Car 6", "Arrived", at(20)),
    ]
    now = at(25, 12)
    found = aging(items, HISTORY, now)
    assert [(a.key, a.age_days, a.column_age_days) for a in found] == [
        ("DEL-4", 20.5, 16.5),
        ("DEL-6", 5.5, 5.5),
    ]
    assert timedelta(days=found[0].age_days) == now - at(5)
