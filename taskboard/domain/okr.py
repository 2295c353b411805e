"""OKR maths: key-result and objective progress, expected pace, status, score and cycles."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Self

__all__ = [
    "AT_RISK_GAP",
    "ON_TRACK_GAP",
    "CycleRange",
    "KrKind",
    "OkrError",
    "OkrNode",
    "Outcome",
    "Status",
    "check_confidence",
    "check_key_result",
    "check_weight",
    "confidence_text",
    "confidence_value",
    "current_cycle_name",
    "expected_progress",
    "kr_progress",
    "objective_progress",
    "parse_cycle",
    "percent",
    "percent_of",
    "score",
    "suggest_status",
    "weighted_mean",
]


# ---- how the numbers read: one formatting for screens, lists, reports, minutes, JSON ----------


def percent_of(share: float) -> int:
    """A share of the way (0.4952) as the whole percent people read everywhere: rounded
    down, so 100 only when the target is reached and never 50 before it is half done."""
    return math.floor(share * 100 + 1e-9)


def percent(share: float) -> str:
    """`49%`: `percent_of` as text."""
    return f"{percent_of(share)}%"


def confidence_value(value: float) -> float:
    """A confidence as shown and as JSON carries it: at most two decimals (0.75 stays 0.75)."""
    return round(value, 2)


def confidence_text(value: float | None, empty: str = "—") -> str:
    """`0.75`, `0.7`, `1`; `empty` when there is none."""
    return empty if value is None else f"{confidence_value(value):g}"


ON_TRACK_GAP = 0.15
AT_RISK_GAP = 0.30


class OkrError(ValueError):
    """A value the OKR maths cannot accept; the message names it."""


class Choice(StrEnum):
    """One of a few words; `parse` reads it as typed (any case, `-` or spaces for `_`)."""

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member `text` spells; the complaint quotes it and lists the choices."""
        try:
            return cls(re.sub(r"[\s-]+", "_", text.strip().lower()))
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise OkrError(f"unknown {_CHOSEN[cls.__name__]} {text[:40]!r}: use {names}") from None


class KrKind(Choice):
    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"
    BOOLEAN = "boolean"
    MILESTONE = "milestone"
    TASKS = "tasks"


class Status(Choice):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Outcome(Choice):
    ACHIEVED = "achieved"
    PARTIAL = "partial"
    MISSED = "missed"
    DROPPED = "dropped"


# What each choice is called in a refusal.
_CHOSEN = {"KrKind": "key result kind", "Status": "status", "Outcome": "outcome"}


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise OkrError(f"the {what} must be a number, not {value}")
    return float(value)


def check_key_result(start: float, target: float) -> None:
    _finite(start, "start")
    _finite(target, "target")
    if target == start:
        raise OkrError(f"the target equals the start ({start:g}): nothing to measure")


def check_confidence(confidence: float | None) -> None:
    if confidence is None:
        return
    if not math.isfinite(confidence) or not 0.0 <= confidence <= 1.0:
        raise OkrError(f"confidence {confidence} is outside 0..1")


def check_weight(weight: float) -> None:
    if not math.isfinite(weight) or weight <= 0:
        raise OkrError(f"weight {weight} must be above 0")


def kr_progress(
    kind: KrKind | str,
    start: float,
    target: float,
    current: float,
    tasks_done: int = 0,
    tasks_total: int = 0,
) -> float:
    """Share of the way from start to target, 0..1, in either direction."""
    kind = KrKind(kind)
    if kind is KrKind.TASKS:
        return _clamp(tasks_done / tasks_total) if tasks_total > 0 else 0.0
    if target == start or not math.isfinite(current):
        return 0.0
    linear = _clamp((current - start) / (target - start))
    if kind is KrKind.BOOLEAN:
        return 1.0 if linear >= 1.0 else 0.0
    return linear


def figure(value: float) -> str:
    """A key result's number as people read it: `62,000`, `0.75`, `-3`."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def implausible_check_in(
    key: str, start: float, target: float, last: float, value: float
) -> str | None:
    """Why a check-in looks like a typo (`8690` for `86,900`), or None when it is plausible.

    Implausible: outside the key result's range widened by the range's own size on either
    side, or a move away from the target by more than a quarter of the range since the last
    check-in (for key results where lower is better, up is away). The message names start,
    last and target, so the person can see which number they meant.
    """
    span = abs(target - start)
    if span == 0 or not all(map(math.isfinite, (start, target, last, value))):
        return None
    low, high = min(start, target) - span, max(start, target) + span
    towards = 1.0 if target > start else -1.0
    facts = f"start {figure(start)}, last {figure(last)}, target {figure(target)}"
    if not low <= value <= high:
        return f"{figure(value)} is far outside {key}'s range ({facts})"
    if (last - value) * towards > span / 4:
        return f"{figure(value)} moves {key} a long way back from its target ({facts})"
    return None


def weighted_mean(items: Iterable[tuple[float, float]]) -> float:
    """Mean of (value, weight) pairs; 0 when the weights add up to nothing."""
    total = value_sum = 0.0
    for value, weight in items:
        total += weight
        value_sum += value * weight
    return _clamp(value_sum / total) if total > 0 else 0.0


@dataclass(frozen=True)
class OkrNode:
    """An objective for the rollup: its KRs as (progress, weight) and its child objectives."""

    key_results: Sequence[tuple[float, float]] = ()
    children: Sequence[OkrNode] = field(default=())
    weight: float = 1.0


def objective_progress(node: OkrNode) -> float:
    """Weighted mean of the objective's own KRs and (recursively) its children."""
    items = list(node.key_results)
    items += [(objective_progress(child), child.weight) for child in node.children]
    return weighted_mean(items)


def expected_progress(start: date, end: date, on: date) -> float:
    """Elapsed share of the cycle on `on`: 0 on the first day, 1 on the last day and after."""
    if on >= end:
        return 1.0
    if on <= start:
        return 0.0
    return _clamp((on - start).days / (end - start).days)


def suggest_status(expected: float, actual: float) -> Status:
    """On track while behind by less than 0.15, at risk below 0.30, off track beyond."""
    # Rounding keeps 0.45 - 0.30 from landing a hair under the threshold.
    gap = round(expected - actual, 9)
    if gap < ON_TRACK_GAP:
        return Status.ON_TRACK
    if gap < AT_RISK_GAP:
        return Status.AT_RISK
    return Status.OFF_TRACK


def score(progress: float) -> float:
    """Google's 0.0–1.0 grade: the progress rounded half up to one decimal."""
    return math.floor(_clamp(progress) * 10 + 0.5 + 1e-9) / 10


@dataclass(frozen=True)
class CycleRange:
    name: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(?:(?P<name>[^=]+?)\s*=\s*)?(?P<start>[\d-]+)\s*\.\.\s*(?P<end>[\d-]+)$")
MAX_CYCLE_NAME = 40


def _month_span(year: int, first_month: int, months: int) -> tuple[date, date]:
    start = date(year, first_month, 1)
    last_month = first_month + months
    after = date(year + 1, 1, 1) if last_month > 12 else date(year, last_month, 1)
    return start, after - timedelta(days=1)


def parse_cycle(text: str, name: str | None = None) -> CycleRange:
    """`2026-Q4`, `2026-H1`, `2026`, or a custom `2026-11-01..2027-01-31` (named by `name`
    or written as `Winter push=2026-11-01..2027-01-31`)."""
    typed = text.strip()
    upper = typed.upper()
    if m := _QUARTER.match(upper):
        year, q = int(m[1]), int(m[2])
        return CycleRange(upper, *_month_span(year, 3 * q - 2, 3))
    if m := _HALF.match(upper):
        year, h = int(m[1]), int(m[2])
        return CycleRange(upper, *_month_span(year, 6 * h - 5, 6))
    if m := _YEAR.match(upper):
        return CycleRange(upper, *_month_span(int(m[1]), 1, 12))
    if m := _RANGE.match(typed):
        try:
            start, end = date.fromisoformat(m["start"]), date.fromisoformat(m["end"])
        except ValueError:
            raise OkrError(
                f"bad date in cycle {typed[:60]!r}: use YYYY-MM-DD..YYYY-MM-DD"
            ) from None
        if end < start:
            raise OkrError(f"cycle {typed[:60]!r} ends before it starts")
        label = (name or m["name"] or f"{start.isoformat()}..{end.isoformat()}").strip()
        if not label or len(label) > MAX_CYCLE_NAME:
            raise OkrError(f"a cycle name needs 1 to {MAX_CYCLE_NAME} characters")
        return CycleRange(label, start, end)
    raise OkrError(
        f"unknown cycle {typed[:60]!r}: use 2026-Q4, 2026-H1, 2026 or 2026-11-01..2027-01-31"
    )


def current_cycle_name(today: date) -> str:
    """The quarter `today` falls in, like `2026-Q4`."""
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
