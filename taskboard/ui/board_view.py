"""How a board is looked at, without Textual: the order of the cards in a column, the
swimlanes, compact cards; remembered per board in the user's settings.

`s` cycles the order (manual → due → priority → last change), `w` the swimlanes (none →
assignee → priority → key result), `z` compact cards. The settings keep every board's
view in one line, `DEL:due:assignee:compact OPS:manual:none:cards`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from taskboard.domain.enums import Priority
from taskboard.domain.views import TaskRow

SORTS = ("manual", "due", "priority", "changed")
LANES = ("none", "assignee", "priority", "kr")
# How the heading and the title say them.
SORT_WORDS = {"manual": "", "due": "by due", "priority": "by priority", "changed": "by last change"}
SORT_MARKS = {"manual": "", "due": "↓due", "priority": "↓prio", "changed": "↓recent"}
LANE_WORDS = {"none": "", "assignee": "assignee", "priority": "priority", "kr": "key result"}
PRIORITIES = [p.value for p in Priority]


@dataclass(frozen=True)
class BoardView:
    """One board's way of being looked at."""

    sort: str = "manual"
    lanes: str = "none"
    compact: bool = False

    def next_sort(self) -> BoardView:
        return replace(self, sort=SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def next_lanes(self) -> BoardView:
        return replace(self, lanes=LANES[(LANES.index(self.lanes) + 1) % len(LANES)])

    def toggle_compact(self) -> BoardView:
        return replace(self, compact=not self.compact)

    def words(self) -> str:
        """What the title line says about it ("" for the plain view)."""
        said = [SORT_WORDS[self.sort]] if self.sort != "manual" else []
        if self.lanes != "none":
            said.append(f"lanes by {LANE_WORDS[self.lanes]}")
        return " · ".join(said)


def parse_views(text: str | None) -> dict[str, BoardView]:
    """The remembered views; a part that is not understood (another version's) is skipped."""
    views: dict[str, BoardView] = {}
    for part in (text or "").split():
        fields = part.split(":")
        if len(fields) != 4 or fields[1] not in SORTS or fields[2] not in LANES:
            continue
        views[fields[0]] = BoardView(fields[1], fields[2], fields[3] == "compact")
    return views


def format_views(views: dict[str, BoardView]) -> str:
    """The views to remember: plain ones are left out (they are the default)."""
    return " ".join(
        f"{key}:{v.sort}:{v.lanes}:{'compact' if v.compact else 'cards'}"
        for key, v in sorted(views.items())
        if v != BoardView()
    )


def board_order(row: TaskRow) -> tuple[str, int]:
    """Cards of a column in board order: rank, then id (as the store sorts them)."""
    return (row.rank, row.id)


def sort_key(sort: str) -> Callable[[TaskRow], tuple[object, ...]]:
    """The order of a column's cards: manual (board order), soonest due first (none last),
    most urgent first, or most recently changed first; board order breaks ties."""
    if sort == "due":
        return lambda r: (r.due is None, r.due or date.max, *board_order(r))
    if sort == "priority":
        return lambda r: (_priority_rank(r.priority), *board_order(r))
    if sort == "changed":
        return lambda r: (-r.updated.timestamp(), *board_order(r))
    return board_order


def _priority_rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def lane_of(lanes: str, row: TaskRow) -> tuple[object, ...]:
    """The swimlane of a card, as a key that sorts the lanes: people by name and nobody
    last; priorities most urgent first; key results by key and none last."""
    if lanes == "assignee":
        return (row.assignee is None, row.assignee or "")
    if lanes == "priority":
        return (_priority_rank(row.priority), row.priority)
    if lanes == "kr":
        return (row.key_result is None, row.key_result or "")
    return ()


def lane_label(lanes: str, lane: tuple[object, ...]) -> str:
    if lanes == "assignee":
        return f"@{lane[1]}" if lane[1] else "nobody"
    if lanes == "priority":
        return str(lane[1])
    if lanes == "kr":
        return f"◎{lane[1]}" if lane[1] else "no key result"
    return ""


@dataclass(frozen=True)
class Lane:
    """One swimlane: its heading, its cards in each column, and the card slots every column
    gives it (its fullest column's count), so that the lanes line up across the board."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def slots(self) -> int:
        return max(self.counts, default=0)


def lanes_of(lanes: str, shown: Sequence[Sequence[TaskRow]]) -> list[Lane]:
    """The lanes of the shown cards (none: no lanes); a lane no card is in is left out."""
    if lanes == "none":
        return []
    counts: dict[tuple[object, ...], list[int]] = {}
    for i, cards in enumerate(shown):
        for row in cards:
            counts.setdefault(lane_of(lanes, row), [0] * len(shown))[i] += 1
    return [Lane(lane_label(lanes, k), tuple(counts[k])) for k in sorted(counts, key=_sortable)]


def _sortable(lane: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in lane)


# Columns share the terminal's width, each this wide at least and at most (27: five
# columns fit 140 cells).
MIN_COLUMN, MAX_COLUMN, GAP = 27, 60, 1


@dataclass(frozen=True)
class Window:
    """Which columns are on screen (`first` and the `count` after it) and how wide each is."""

    first: int
    count: int
    widths: tuple[int, ...]

    def shows(self, index: int) -> bool:
        return self.first <= index < self.first + self.count

    def hidden_left(self) -> int:
        return self.first

    def hidden_right(self, total: int) -> int:
        return total - self.first - self.count


def column_window(width: int, total: int, focused: int, first: int = 0) -> Window:
    """The columns that fit `width` cells: all of them when each can be MIN_COLUMN wide,
    sharing the width (MAX_COLUMN at most); else as many as fit, the focused one among them,
    moving as little as it can from `first`."""
    if total <= 0:
        return Window(0, 0, ())
    count = total
    if total * MIN_COLUMN + (total - 1) * GAP > width:
        count = max(1, (width + GAP) // (MIN_COLUMN + GAP))
    first = min(max(first, focused - count + 1, 0), focused, total - count)
    room = max(width - (count - 1) * GAP, count)
    base, extra = divmod(room, count)
    widths = tuple(min(MAX_COLUMN, base + (1 if i < extra else 0)) for i in range(count))
    return Window(first, count, widths)
