"""What the board itself changed, newest last: so `u` and `ctrl+r` show at once.

Undo and redo belong to the store (`UndoService`: a person's latest change, across
processes and restarts), and behind a distant server asking it takes many round trips. The
board knows what it changed last — the cards before and after, as the store answered — so
when that change is surely the one the store will take back (nothing has been stored since:
the store's revision is still the one right after it), the board shows the cards as they
were at once, and the store's answer (or refusal) follows. Anything else — a change made
elsewhere, a new card, an undo whose answer was not the one foreseen — makes the board
forget, and the next `u` waits for the store as before. No Textual: tested without a
terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from taskboard.domain.views import TaskRow

LIMIT = 50  # how many of its own changes the board remembers


@dataclass(frozen=True)
class BoardChange:
    """One change the board stored (one key, or one batch of marked cards)."""

    before: tuple[TaskRow, ...]  # the cards as they were
    after: tuple[TaskRow, ...]  # as the store left them
    # The store's revision right after it, when nothing else came between (else None).
    revision: int | None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.after)

    def reverted(self, redo: bool, current: dict[str, TaskRow]) -> list[TaskRow]:
        """The cards as an undo (or a redo) will leave them: as they were before (after),
        each at the version `current` shows, so a key pressed before the store answered
        expects the version the undo produces (`PendingWrites.version`)."""
        rows = self.after if redo else self.before
        other = {r.key: r for r in (self.before if redo else self.after)}
        return [replace(r, version=current.get(r.key, other[r.key]).version) for r in rows]


@dataclass
class BoardHistory:
    """The board's own changes that `u` may take back (`undos`) and `ctrl+r` re-apply."""

    undos: list[BoardChange] = field(default_factory=list)
    redos: list[BoardChange] = field(default_factory=list)

    def stored(
        self, before: Iterable[TaskRow], after: Iterable[TaskRow], revision: int | None
    ) -> None:
        """A change of the board's came back from the store as `after`. As in the store, a
        new change ends what could be redone."""
        after = tuple(after)
        if not after:
            return
        keys = {r.key for r in after}
        was = tuple(r for r in before if r.key in keys)
        if {r.key for r in was} != keys:  # a card whose state before is unknown
            self.forget()
            return
        self.undos = [*self.undos[-(LIMIT - 1) :], BoardChange(was, after, revision)]
        self.redos.clear()

    def forget(self) -> None:
        """Something the board did not foresee was stored: the next `u` asks the store."""
        self.undos.clear()
        self.redos.clear()

    def next(self, redo: bool, revision: int) -> BoardChange | None:
        """The change `u` (`redo`: `ctrl+r`) will take back (re-apply) when it is surely the
        person's latest: the board's own last one, and the store's revision still the one
        right after it. None: only the store knows."""
        stack = self.redos if redo else self.undos
        if not stack or stack[-1].revision is None or stack[-1].revision != revision:
            return None
        return stack[-1]

    def reverted(self, change: BoardChange, redo: bool, revision: int) -> None:
        """The store undid (`redo`: re-applied) `change` as foreseen, and is at `revision`."""
        source, target = (self.redos, self.undos) if redo else (self.undos, self.redos)
        if not source or source[-1] is not change:
            self.forget()
            return
        source.pop()
        target.append(replace(change, revision=revision))
