"""Flow metrics from a task history: lead time, time in column, weekly throughput, aging WIP."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = [
    "DEFAULT_DAYS",
    "AgingItem",
    "FlowEvent",
    "OpenItem",
    "ProjectFlow",
    "Stay",
    "Summary",
    "aging",
    "bounds",
    "column_stays",
    "lead_times",
    "percentile",
    "summarize",
    "throughput",
    "time_in_columns",
]

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class FlowEvent:
    """One activity row that matters for flow: create, move (old → new column), done, reopen."""

    task_id: int
    at: datetime
    action: str
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """Median and 85th percentile in days; None when there is nothing to measure."""

    count: int
    median_days: float | None
    p85_days: float | None

    def as_json(self) -> dict[str, object]:
        return {"count": self.count, "median_days": self.median_days, "p85_days": self.p85_days}


@dataclass(frozen=True, slots=True)
class Stay:
    task_id: int
    column: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True, slots=True)
class OpenItem:
    task_id: int
    key: str
    title: str
    column: str
    created: datetime


@dataclass(frozen=True, slots=True)
class AgingItem:
    key: str
    title: str
    column: str
    age_days: float
    column_age_days: float


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants of a date range, `until` included: [since 00:00, until+1 00:00)."""
    start = datetime.combine(since, time(), tzinfo=UTC)
    return start, datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); `q` in 0..100."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarize(durations: Iterable[timedelta]) -> Summary:
    days = [d.total_seconds() / DAY for d in durations]
    if not days:
        return Summary(0, None, None)
    return Summary(len(days), round(percentile(days, 50), 2), round(percentile(days, 85), 2))


def _by_task(events: Iterable[FlowEvent]) -> dict[int, list[FlowEvent]]:
    grouped: dict[int, list[FlowEvent]] = defaultdict(list)
    for e in events:
        grouped[e.task_id].append(e)
    for history in grouped.values():
        history.sort(key=lambda e: e.at)
    return grouped


def _finished(history: Sequence[FlowEvent]) -> datetime | None:
    """When the task was last done, unless a reopen came after it."""
    finished: datetime | None = None
    for e in history:
        if e.action == "done":
            finished = e.at
        elif e.action == "reopen":
            finished = None
    return finished


def lead_times(events: Iterable[FlowEvent], start: datetime, end: datetime) -> dict[int, timedelta]:
    """Created → done for every task whose (final) done falls in [start, end)."""
    found: dict[int, timedelta] = {}
    for task_id, history in _by_task(events).items():
        created = next((e.at for e in history if e.action == "create"), None)
        finished = _finished(history)
        if created is not None and finished is not None and start <= finished < end:
            found[task_id] = finished - created
    return found


def column_stays(events: Iterable[FlowEvent]) -> list[Stay]:
    """Every stay of every task in a column; the first column is the first move's origin.

    A task that never moved has one open stay whose column the history cannot tell; it is left
    out (aging WIP reads the current column from the task itself).
    """
    stays: list[Stay] = []
    for task_id, history in _by_task(events).items():
        moves = [e for e in history if e.action == "move"]
        if not moves:
            continue
        created = next((e.at for e in history if e.action == "create"), moves[0].at)
        column, since = moves[0].old or "?", created
        for move in moves:
            stays.append(Stay(task_id, column, since, move.at))
            column, since = move.new or "?", move.at
        stays.append(Stay(task_id, column, since, None))
    return stays


def time_in_columns(
    events: Iterable[FlowEvent],
    start: datetime,
    end: datetime,
    order: Sequence[str] = (),
    exclude: Iterable[str] = (),
) -> list[tuple[str, Summary]]:
    """Time spent in each column by stays that ended in [start, end); done columns excluded.

    Columns come in `order` first (the board's), then any others by name.
    """
    skip = set(exclude)
    found: dict[str, list[timedelta]] = defaultdict(list)
    for stay in column_stays(events):
        if stay.end is not None and start <= stay.end < end and stay.column not in skip:
            found[stay.column].append(stay.end - stay.start)
    names = [n for n in order if n not in skip] + sorted(set(found) - set(order))
    return [(n, summarize(found.get(n, []))) for n in names]


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def throughput(events: Iterable[FlowEvent], since: date, until: date) -> list[tuple[str, int]]:
    """Tasks finished per ISO week (`2026-W48`), every week of the range listed, zeros too."""
    counts: dict[str, int] = {}
    day = since - timedelta(days=since.weekday())
    while day <= until:
        counts[_week(day)] = 0
        day += timedelta(weeks=1)
    for history in _by_task(events).values():
        finished = _finished(history)
        if finished is not None and since <= finished.astimezone(UTC).date() <= until:
            counts[_week(finished.astimezone(UTC).date())] += 1
    return list(counts.items())


def aging(items: Iterable[OpenItem], events: Iterable[FlowEvent], now: datetime) -> list[AgingItem]:
    """Open work, oldest first: age since creation and since it entered its current column."""
    histories = _by_task(events)
    found: list[AgingItem] = []
    for item in items:
        moves = [e for e in histories.get(item.task_id, []) if e.action == "move"]
        entered = moves[-1].at if moves else item.created
        found.append(
            AgingItem(
                key=item.key,
                title=item.title,
                column=item.column,
                age_days=round((now - item.created).total_seconds() / DAY, 2),
                column_age_days=round((now - entered).total_seconds() / DAY, 2),
            )
        )
    found.sort(key=lambda a: (-a.age_days, a.key))
    return found


DEFAULT_DAYS = 90


@dataclass(frozen=True, slots=True)
class ProjectFlow:
    project: str
    name: str
    since: date
    until: date
    lead_time: Summary
    columns: tuple[tuple[str, Summary], ...]
    throughput: tuple[tuple[str, int], ...]
    wip: tuple[AgingItem, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "project": self.project,
            "name": self.name,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "lead_time": self.lead_time.as_json(),
            "columns": [{"column": n, **s.as_json()} for n, s in self.columns],
            "throughput": [{"week": w, "done": n} for w, n in self.throughput],
            "wip": [
                {
                    "key": a.key,
                    "title": a.title,
                    "column": a.column,
                    "age_days": a.age_days,
                    "column_age_days": a.column_age_days,
                }
                for a in self.wip
            ],
        }
