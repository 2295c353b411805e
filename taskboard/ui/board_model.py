"""What a board shows, without Textual: its columns, the cards the filter shows, the cursor,
marked cards, and the cards a change not yet stored is expected to produce.

The board screen asks it what to draw and tells it what happened (a key, a stored change,
a fresh read); every rule about cursors and counts lives here, tested without a terminal.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from taskboard.domain.filtering import TaskFilter
from taskboard.domain.ordering import rank_between
from taskboard.domain.views import ColumnInfo, ProjectView, TaskRow
from taskboard.ui.board_view import (
    SORT_MARKS,
    BoardView,
    Lane,
    board_order,
    lane_of,
    lanes_of,
    sort_key,
)

__all__ = ["BoardModel", "Heading", "PendingWrites", "board_order"]


@dataclass(frozen=True)
class Heading:
    """A column's top border: its name and counts, and whether it is over its WIP limit."""

    text: str
    over_limit: bool


@dataclass
class BoardModel:
    """One project's board as the screen shows it."""

    today: Callable[[], date] = date.today
    project: ProjectView | None = None
    revision: int = -1
    task_filter: TaskFilter = field(default_factory=TaskFilter)
    col: int = 0
    marks: set[str] = field(default_factory=set)
    view: BoardView = field(default_factory=BoardView)
    # Every card of each column (board order), and the ones the filter lets through.
    by_column: list[list[TaskRow]] = field(default_factory=list)
    shown: list[list[TaskRow]] = field(default_factory=list)
    # Cards per column id when only the first cards of each column are known (first paint).
    partial_counts: dict[int, int] | None = None
    _cursors: dict[int, int] = field(default_factory=dict)
    _index: dict[int, int] = field(default_factory=dict)

    # ---- reading ---------------------------------------------------------------------

    def load(
        self,
        project: ProjectView,
        rows: Iterable[TaskRow],
        revision: int,
        *,
        counts: dict[int, int] | None = None,
        keep: str | None = None,
    ) -> bool:
        """A fresh read of the board; the cursor stays on `keep` (default: the current card).
        True when the columns changed (the screen builds them again)."""
        if keep is None:
            current = self.current_card()
            keep = current.key if current else None
        changed = self.project is None or self.column_ids != [c.id for c in project.columns]
        self.project, self.revision, self.partial_counts = project, revision, counts
        self._index = {c.id: i for i, c in enumerate(project.columns)}
        self.by_column = [[] for _ in project.columns]
        for row in rows:
            if row.column_id in self._index and not row.archived:
                self.by_column[self._index[row.column_id]].append(row)
        for cards in self.by_column:
            cards.sort(key=board_order)
        known = {r.key for r in self.rows}
        self.marks &= known
        self.col = min(self.col, max(len(self.by_column) - 1, 0))
        self.refilter(keep)
        return changed

    @property
    def column_ids(self) -> list[int]:
        return [c.id for c in self.project.columns] if self.project else []

    @property
    def columns(self) -> tuple[ColumnInfo, ...]:
        return self.project.columns if self.project else ()

    @property
    def rows(self) -> list[TaskRow]:
        """Every card on the board (not only the shown ones)."""
        return [r for cards in self.by_column for r in cards]

    def find(self, key: str) -> TaskRow | None:
        return next((r for r in self.rows if r.key == key), None)

    def tags(self) -> list[str]:
        """Every tag on the board, for completion."""
        return sorted({t for r in self.rows for t in r.tags})

    # ---- what is shown -----------------------------------------------------------------

    def set_filter(self, task_filter: TaskFilter) -> None:
        current = self.current_card()
        self.task_filter = task_filter
        self.refilter(current.key if current else None)

    def refilter(self, keep: str | None, columns: Sequence[int] | None = None) -> list[int]:
        """Recompute what the columns show (all, or just `columns`); the cursor goes to `keep`
        when it is shown. Returns the columns to paint again."""
        indexes = list(range(len(self.by_column)) if columns is None else columns)
        if len(self.shown) != len(self.by_column):
            self.shown = [[] for _ in self.by_column]
            indexes = list(range(len(self.by_column)))
        today = self.today()
        view, order = self.view, sort_key(self.view.sort)
        for i in indexes:
            cards, wanted = self.by_column[i], self.task_filter
            shown = cards if wanted.empty else [r for r in cards if wanted.matches(r, today)]
            if view.lanes != "none":  # lane by lane, each in the column's order
                shown = sorted(shown, key=lambda r: (lane_of(view.lanes, r), order(r)))
            elif view.sort != "manual":
                shown = sorted(shown, key=order)
            self.shown[i] = shown
        if keep is not None:
            self.go_to(keep, indexes)
        return indexes

    def go_to(self, key: str, columns: Iterable[int] | None = None) -> bool:
        """Put the cursor on the card `key` if one of `columns` (default: all) shows it."""
        for ci in range(len(self.shown)) if columns is None else columns:
            for i, card in enumerate(self.shown[ci]):
                if card.key == key:
                    self.col, self._cursors[ci] = ci, i
                    return True
        return False

    def cursor(self, index: int) -> int | None:
        """Column `index`'s cursor, within its shown cards (None when it shows none)."""
        cards = self.shown[index] if index < len(self.shown) else []
        if not cards:
            return None
        at = max(0, min(self._cursors.get(index, 0), len(cards) - 1))
        self._cursors[index] = at
        return at

    def current_card(self) -> TaskRow | None:
        if self.col >= len(self.shown):
            return None
        at = self.cursor(self.col)
        return None if at is None else self.shown[self.col][at]

    def total(self, index: int) -> int:
        """Cards in column `index`, those the first paint did not read included."""
        total = len(self.by_column[index])
        if self.partial_counts is not None:
            total = self.partial_counts.get(self.columns[index].id, total)
        return total

    def heading(self, index: int) -> Heading:
        """Filtered, every column reads shown/total; else a WIP column reads total/limit.
        Over the limit is about the total, so it stays red while filtered too."""
        column = self.columns[index]
        total = self.total(index)
        over = bool(column.wip_limit) and total > (column.wip_limit or 0)
        if not self.task_filter.empty:
            text = f"{column.name}  {len(self.shown[index])}/{total}"
        elif column.wip_limit:
            text = f"{column.name}  {total}/{column.wip_limit}"
        else:
            text = f"{column.name}  {total}"
        if column.is_done:
            text += "  ✓"
        if self.view.sort != "manual":
            text += f" {SORT_MARKS[self.view.sort]}"
        return Heading(text, over)

    def lanes(self) -> list[Lane]:
        """The swimlanes of the shown cards (none when the board has no lanes)."""
        return lanes_of(self.view.lanes, self.shown)

    def set_view(self, view: BoardView) -> None:
        """Another order, lanes or card size: the columns show the same cards anew."""
        current = self.current_card()
        self.view = view
        self.refilter(current.key if current else None)

    def title_reports(self) -> bool:
        """Whether the title says more than the project and the view: no cards yet, a
        filter, or marks. A compact board shows its title line only then (the headings
        carry the order and the lanes, the cards the project's key)."""
        empty = not any(self.by_column) and self.partial_counts is None
        return empty or not self.task_filter.empty or bool(self.task_filter.problems or self.marks)

    def title(self) -> str:
        """The line above the columns: the project, hints, and what the filter does."""
        if self.project is None:
            return ""
        title = f"{self.project.key}  {self.project.name}"
        if not any(self.by_column) and self.partial_counts is None:
            title += "   no cards yet: n adds one, P switches project, ? shows every key"
        if not self.task_filter.empty:
            shown = sum(len(v) for v in self.shown)
            title += f"   filter: {shown}/{len(self.rows)} cards"
        if self.task_filter.problems:  # ignored while typed: say so, or the filter seems broken
            title += f"   ✗ {self.task_filter.problems[0]}"
        if self.view.words():
            title += f"   {self.view.words()}"
        if self.marks:
            title += f"   {len(self.marks)} marked"
        return title

    # ---- moving the cursor ---------------------------------------------------------------

    def focus_column(self, delta: int) -> None:
        if self.shown:
            self.col = max(0, min(len(self.shown) - 1, self.col + delta))

    def focus_card(self, delta: int) -> bool:
        """Up/down within the column; False when the column shows no card."""
        at = self.cursor(self.col) if self.shown else None
        if at is None:
            return False
        self._cursors[self.col] = max(0, min(len(self.shown[self.col]) - 1, at + delta))
        return True

    def select(self, column: int, index: int | None) -> None:
        """A click: the column, and the card `index` in it when one was hit."""
        self.col = max(0, min(len(self.shown) - 1, column))
        if index is not None:
            self._cursors[self.col] = index

    def first_shown_column(self) -> None:
        """Back from the filter in a column it emptied: to the first column it kept."""
        if self.shown and not self.shown[self.col]:
            kept = [i for i, cards in enumerate(self.shown) if cards]
            if kept:
                self.col = kept[0]

    # ---- changing cards ------------------------------------------------------------------

    def patch(self, row: TaskRow, follow: bool = True) -> list[int]:
        """Put one changed card where it belongs (archived: away) without reading the board
        again; the cursor follows it when `follow`. Returns the columns to paint again."""
        touched: list[int] = []
        for i, cards in enumerate(self.by_column):
            at = next((j for j, card in enumerate(cards) if card.key == row.key), None)
            if at is not None:
                del cards[at]
                touched.append(i)
                break
        target = self._index.get(row.column_id)
        if target is not None and not row.archived and row.project == self.project_key:
            cards = self.by_column[target]
            cards.insert(bisect.bisect_left(cards, board_order(row), key=board_order), row)
            if target not in touched:
                touched.append(target)
        elif row.key in self.marks:
            self.marks.discard(row.key)
        current = self.current_card()
        keep = row.key if follow else (current.key if current else None)
        return self.refilter(keep, touched)

    @property
    def project_key(self) -> str | None:
        return self.project.key if self.project else None

    def stepped(self, row: TaskRow, delta: int) -> TaskRow | None:
        """The card as moving it one column right (+1) or left (-1) should leave it: at the
        end of that column, done in a done column. None when the store will refuse it (no
        column there; a blocked card into a done column): then nothing moves before it says so."""
        at = self._index.get(row.column_id)
        if at is None or not 0 <= at + delta < len(self.columns):
            return None
        target = self.columns[at + delta]
        if target.is_done and not row.done and row.blocked_by:
            return None
        cards = [c for c in self.by_column[at + delta] if c.key != row.key]
        rank = rank_between(cards[-1].rank if cards else None, None)
        return replace(row, column_id=target.id, column=target.name, rank=rank, done=target.is_done)

    def reordered(self, row: TaskRow, delta: int) -> TaskRow | None:
        """The card moved up (-1) or down (+1) among every card of its column; None at the
        top or bottom (the store says so)."""
        at = self._index.get(row.column_id)
        if at is None:
            return None
        cards = self.by_column[at]
        keys = [c.key for c in cards]
        if row.key not in keys:
            return None
        pos = keys.index(row.key) + delta
        if not 0 <= pos < len(cards):
            return None
        others = [c for c in cards if c.key != row.key]
        before = others[pos - 1].rank if pos > 0 else None
        after = others[pos].rank if pos < len(others) else None
        if before is not None and after is not None and before >= after:
            return None  # equal ranks: only the store can place it
        return replace(row, rank=rank_between(before, after))

    def done_toggled(self, row: TaskRow) -> TaskRow | None:
        """Done goes to the end of the project's (last) done column; open again to the end
        of its last open column, as the store does. None when the store may refuse (a
        blocked card)."""
        if not row.done and row.blocked_by:
            return None
        in_done = (
            self.columns[self._index[row.column_id]].is_done
            if row.column_id in self._index
            else False
        )
        if row.done:
            targets = [c for c in self.columns if not c.is_done] if in_done else []
        else:
            targets = [c for c in self.columns if c.is_done]
        if not targets:
            return replace(row, done=not row.done)
        target = targets[-1]
        cards = [c for c in self.by_column[self._index[target.id]] if c.key != row.key]
        rank = rank_between(cards[-1].rank if cards else None, None)
        return replace(row, done=not row.done, column_id=target.id, column=target.name, rank=rank)

    # ---- marks -----------------------------------------------------------------------------

    def toggle_mark(self, key: str) -> None:
        if key in self.marks:
            self.marks.discard(key)
        elif self.find(key) is not None:
            self.marks.add(key)

    def mark_shown(self) -> None:
        """Mark every card the filter shows."""
        self.marks |= {r.key for cards in self.shown for r in cards}

    def clear_marks(self) -> None:
        self.marks.clear()

    def marked(self) -> list[TaskRow]:
        """The marked cards in board order (column by column)."""
        return [r for r in self.rows if r.key in self.marks]


@dataclass
class PendingWrites:
    """Changes sent to the store whose answer has not come back, per card.

    A card shows its expected state at once; several keys on one card are stored in turn,
    each expecting the version the one before it produced (never a conflict with itself),
    while a change by someone else in between still conflicts. When the last answer for a
    card comes back, the card shows what the store holds; after a refusal, what it held.
    """

    count: dict[str, int] = field(default_factory=dict)
    expected_rows: dict[str, TaskRow] = field(default_factory=dict)
    confirmed: dict[str, TaskRow] = field(default_factory=dict)
    # key → {version a change expected: version it produced}, for our own changes only.
    produced: dict[str, dict[int, int]] = field(default_factory=dict)

    def begin(self, before: TaskRow, expected: TaskRow | None) -> None:
        """A change of `before` is sent; `expected` is what it should produce, if known."""
        key = before.key
        self.count[key] = self.count.get(key, 0) + 1
        self.confirmed.setdefault(key, before)
        if expected is not None:
            self.expected_rows[key] = expected

    def version(self, key: str, seen: int) -> int:
        """The version to expect for a change made on a card seen at version `seen`: the one
        our own earlier changes of it left, not a newer one someone else made."""
        chain = self.produced.get(key, {})
        while seen in chain:
            seen = chain[seen]
        return seen

    def stored(self, used: int, row: TaskRow) -> bool:
        """A change that expected version `used` was stored as `row`; True when it was the
        card's last pending one (then the card shows `row`)."""
        if row.version != used:
            self.produced.setdefault(row.key, {})[used] = row.version
        self.confirmed[row.key] = row
        return self._end(row.key)

    def refused(self, key: str) -> TaskRow | None:
        """A change was refused: the card as the store last held it when it was the last
        pending one (the board shows it again), else None (later changes still come)."""
        confirmed = self.confirmed.get(key)
        return confirmed if self._end(key) else None

    def _end(self, key: str) -> bool:
        left = self.count.get(key, 1) - 1
        if left > 0:
            self.count[key] = left
            return False
        self.count.pop(key, None)
        self.expected_rows.pop(key, None)
        self.confirmed.pop(key, None)
        return True

    def pending(self, key: str) -> bool:
        return key in self.count

    def over(self, rows: Iterable[TaskRow]) -> list[TaskRow]:
        """A fresh read with the cards still being changed as they are expected to be."""
        return [self.expected_rows.get(r.key, r) for r in rows]
