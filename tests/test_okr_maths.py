"""Tests for the OKR maths: progress, rollup, pace, status thresholds, score and cycles."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskboard.domain.okr import (
    KrKind,
    OkrError,
    OkrNode,
    Status,
    check_confidence,
    check_key_result,
    check_weight,
    current_cycle_name,
    expected_progress,
    kr_progress,
    objective_progress,
    parse_cycle,
    score,
    suggest_status,
    weighted_mean,
)

values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
shares = st.floats(min_value=0.0, max_value=1.0)
weights = st.floats(min_value=0.01, max_value=1000.0)
linear_kinds = st.sampled_from([KrKind.NUMBER, KrKind.PERCENT, KrKind.CURRENCY, KrKind.MILESTONE])


@given(kind=st.sampled_from(list(KrKind)), start=values, target=values, current=values)
def test_progress_is_always_within_0_and_1(
    kind: KrKind, start: float, target: float, current: float
) -> None:
    assert 0.0 <= kr_progress(kind, start, target, current, 3, 7) <= 1.0


@given(kind=linear_kinds, start=values, target=values, current=values)
def test_progress_downwards_mirrors_progress_upwards(
    kind: KrKind, start: float, target: float, current: float
) -> None:
    # Negating every value turns a rising KR into a falling one with the same progress.
    up = kr_progress(kind, start, target, current)
    assert kr_progress(kind, -start, -target, -current) == pytest.approx(up, abs=1e-9)


@given(kind=linear_kinds, a=values, b=values, current=values)
def test_swapping_start_and_target_complements_progress_in_between(
    kind: KrKind, a: float, b: float, current: float
) -> None:
    if a == b:
        return
    forward = kr_progress(kind, a, b, current)
    backward = kr_progress(kind, b, a, current)
    assert forward + backward == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (61, 200, 61, 0.0),
        (61, 200, 130.5, 0.5),
        (61, 200, 200, 1.0),
        (61, 200, 250, 1.0),
        (61, 200, 10, 0.0),
        (21, 14, 21, 0.0),
        (21, 14, 17.5, 0.5),
        (21, 14, 14, 1.0),
        (21, 14, 9, 1.0),
        (21, 14, 30, 0.0),
        (62_000, 100_000, 81_000, 0.5),
    ],
)
def test_number_progress_in_both_directions(
    start: float, target: float, current: float, expected: float
) -> None:
    assert kr_progress(KrKind.NUMBER, start, target, current) == pytest.approx(expected)


def test_boolean_progress_is_0_or_1_and_tasks_count_done_of_all() -> None:
    assert kr_progress(KrKind.BOOLEAN, 0, 1, 0) == 0.0
    assert kr_progress(KrKind.BOOLEAN, 0, 1, 0.9) == 0.0
    assert kr_progress(KrKind.BOOLEAN, 0, 1, 1) == 1.0
    assert kr_progress(KrKind.TASKS, 0, 1, 0, tasks_done=3, tasks_total=4) == 0.75
    assert kr_progress(KrKind.TASKS, 0, 1, 99, tasks_done=0, tasks_total=0) == 0.0
    assert kr_progress("milestone", 0, 4, 3) == 0.75


@given(st.lists(st.tuples(shares, weights), min_size=1, max_size=8), st.floats(0.01, 100))
def test_weighted_mean_lies_between_the_values_and_ignores_the_weight_scale(
    items: list[tuple[float, float]], factor: float
) -> None:
    mean = weighted_mean(items)
    low, high = min(v for v, _ in items), max(v for v, _ in items)
    assert low - 1e-9 <= mean <= high + 1e-9
    assert weighted_mean([(v, w * factor) for v, w in items]) == pytest.approx(mean, abs=1e-9)


def test_weights_pull_the_objective_and_children_roll_up() -> None:
    assert weighted_mean([(1.0, 3.0), (0.0, 1.0)]) == 0.75
    assert weighted_mean([]) == 0.0
    assert weighted_mean([(1.0, 0.0)]) == 0.0
    child = OkrNode(key_results=[(1.0, 1.0), (0.5, 1.0)])  # 0.75
    grandchild = OkrNode(key_results=[(0.0, 1.0)])
    middle = OkrNode(key_results=[(0.25, 1.0)], children=[grandchild])  # 0.125
    parent = OkrNode(key_results=[(0.2, 2.0)], children=[child, middle])
    assert objective_progress(middle) == pytest.approx(0.125)
    assert objective_progress(parent) == pytest.approx((0.4 + 0.75 + 0.125) / 4)
    assert objective_progress(OkrNode()) == 0.0


CYCLE_START, CYCLE_END = date(2026, 1, 1), date(2026, 1, 11)
FROZEN = date(2026, 1, 6)  # halfway: expected progress 0.5


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 12, 1), 0.0),
        (CYCLE_START, 0.0),
        (FROZEN, 0.5),
        (CYCLE_END, 1.0),
        (date(2026, 3, 1), 1.0),
    ],
)
def test_expected_progress_is_the_elapsed_share(on: date, expected: float) -> None:
    assert expected_progress(CYCLE_START, CYCLE_END, on) == expected


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_expected_progress_is_clamped_and_grows(on: date) -> None:
    share = expected_progress(CYCLE_START, CYCLE_END, on)
    assert 0.0 <= share <= 1.0
    assert expected_progress(CYCLE_START, CYCLE_END, date.fromordinal(on.toordinal() + 1)) >= share


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (1.0, Status.ON_TRACK),
        (0.5, Status.ON_TRACK),
        (0.36, Status.ON_TRACK),  # gap 0.14
        (0.35, Status.AT_RISK),  # gap 0.15: no longer below
        (0.21, Status.AT_RISK),  # gap 0.29
        (0.2, Status.OFF_TRACK),  # gap 0.30
        (0.0, Status.OFF_TRACK),
    ],
)
def test_status_thresholds_on_a_frozen_date(actual: float, status: Status) -> None:
    expected = expected_progress(CYCLE_START, CYCLE_END, FROZEN)
    assert suggest_status(expected, actual) is status


@pytest.mark.parametrize(
    ("progress", "grade"),
    [(0.0, 0.0), (0.04, 0.0), (0.05, 0.1), (0.64, 0.6), (0.65, 0.7), (0.7, 0.7), (1.0, 1.0)],
)
def test_score_rounds_half_up_to_one_decimal(progress: float, grade: float) -> None:
    assert score(progress) == grade


@pytest.mark.parametrize(
    ("text", "name", "start", "end"),
    [
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2028-Q1", "2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
        ("2026-H1", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (
            "2026-11-01..2027-01-31",
            "2026-11-01..2027-01-31",
            date(2026, 11, 1),
            date(2027, 1, 31),
        ),
        ("Winter push=2026-11-01..2027-01-31", "Winter push", date(2026, 11, 1), date(2027, 1, 31)),
    ],
)
def test_cycles_parse(text: str, name: str, start: date, end: date) -> None:
    cycle = parse_cycle(text)
    assert (cycle.name, cycle.start, cycle.end) == (name, start, end)


def test_a_custom_range_takes_a_name_and_bad_cycles_are_refused() -> None:
    assert parse_cycle("2026-11-01..2027-01-31", name="Winter").name == "Winter"
    for bad in ("2026-Q5", "Q4", "2027-01-31..2026-11-01", "2026-02-30..2026-03-01", ""):
        with pytest.raises(OkrError):
            parse_cycle(bad)


@pytest.mark.parametrize(
    ("today", "name"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 11, 23), "2026-Q4"),
    ],
)
def test_current_cycle_is_the_quarter(today: date, name: str) -> None:
    assert current_cycle_name(today) == name
    assert parse_cycle(name).contains(today)


def test_validation_names_the_bad_value() -> None:
    with pytest.raises(OkrError, match="target equals the start"):
        check_key_result(5, 5)
    with pytest.raises(OkrError, match=r"outside 0\.\.1"):
        check_confidence(1.2)
    with pytest.raises(OkrError, match=r"outside 0\.\.1"):
        check_confidence(-0.1)
    with pytest.raises(OkrError, match="above 0"):
        check_weight(0)
    with pytest.raises(OkrError, match="above 0"):
        check_weight(-1)
    check_key_result(21, 14)
    check_confidence(None)
    check_confidence(0.0)
    check_confidence(1.0)
    check_weight(0.5)
    with pytest.raises(OkrError, match="on_track"):
        Status.parse("fine")
    assert Status.parse("At risk") is Status.AT_RISK
    assert Status.parse("off-track") is Status.OFF_TRACK
