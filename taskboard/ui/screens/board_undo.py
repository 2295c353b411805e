"""`u` and `ctrl+r` on the board: shown at once when the board knows what they take back.

The store's undo takes back the person's latest change; when that is surely the board's own
last one (`taskboard.ui.board_history`), the cards go back at once, as pending writes, and
the store's answer — its message and a fresh read of the board — replaces them; a refusal
(someone changed a card since) puts them back as they were, with the store's reason. When
the board cannot know (a change made elsewhere came between, a new card), the key waits for
the store's answer as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskboard.domain.text import clean
from taskboard.domain.views import Reverted, TaskRow
from taskboard.services.errors import ServiceError
from taskboard.ui.board_history import BoardChange
from taskboard.ui.screens.board_base import BoardBase, BoardRead, read_board

if TYPE_CHECKING:
    from taskboard.services import Services


def revert(services: Services, redo: bool) -> Reverted:
    return services.undo.redo() if redo else services.undo.undo()


class BoardUndo(BoardBase):
    """The board's undo and redo keys."""

    def action_undo(self) -> None:
        """Undo your last board change (also after a restart)."""
        self._revert(redo=False)

    def action_redo(self) -> None:
        """Redo what you undid."""
        self._revert(redo=True)

    def _revert(self, redo: bool) -> None:
        change = None
        if not self.writes.count and self.model.project is not None:
            change = self.history.next(redo, self.model.revision)
        if change is None:
            self.history.forget()
            self._revert_waiting(redo)
        else:
            self._revert_at_once(change, redo)

    def _revert_waiting(self, redo: bool) -> None:
        """Ask the store, then show what it did (the cursor on the card that changed back)."""
        key = self.project_key

        def run(services: Services) -> tuple[Reverted, BoardRead]:
            return revert(services, redo), read_board(services, key)

        def done(result: tuple[Reverted, BoardRead]) -> None:
            reverted, read = result
            self.notify(clean(reverted.message), markup=False)
            self._show_read(read, keep=reverted.keys[0] if reverted.keys else None)

        self.tb.store.submit(run, done, self._refused)

    def _revert_at_once(self, change: BoardChange, redo: bool) -> None:
        """Show the cards of `change` as the undo (redo) will leave them, then ask the store."""
        writes, model, key = self.writes, self.model, self.project_key
        current = {k: row for k in change.keys if (row := model.find(k)) is not None}
        other = {r.key: r for r in (change.before if redo else change.after)}
        rows = change.reverted(redo, current)
        keys = [r.key for r in rows]
        seen = {r.key: r.version for r in rows}
        touched: set[int] = set()
        for row in rows:
            writes.begin(current.get(row.key, other[row.key]), row)
            touched.update(model.patch(row, follow=row.key == keys[0]))
        self._paint(sorted(touched))

        def run(services: Services) -> tuple[dict[str, int], Reverted, BoardRead]:
            used = {k: writes.version(k, seen[k]) for k in keys}
            return used, revert(services, redo), read_board(services, key)

        def done(result: tuple[dict[str, int], Reverted, BoardRead]) -> None:
            used, reverted, read = result
            fresh: dict[str, TaskRow] = {r.key: r for r in read.rows}
            for k in keys:
                row = fresh.get(k)
                if row is None:  # archived, or gone to another project: the read shows it
                    writes.refused(k)
                else:
                    writes.stored(used[k], row)
            if set(reverted.keys) == set(keys):
                self.history.reverted(change, redo, read.revision)
            else:  # the store took back something else: the read shows what
                self.history.forget()
            self.notify(clean(reverted.message), markup=False)
            self._show_read(read, keep=reverted.keys[0] if reverted.keys else None)

        def refused(error: ServiceError) -> None:
            for k in keys:
                back = writes.refused(k)
                if back is not None:
                    self._paint(model.patch(back, follow=self._follows(k)))
            self._refused(error)

        self.tb.store.submit(run, done, refused)

    def _refused(self, error: ServiceError) -> None:
        self.history.forget()
        self.notify(clean(str(error)), severity="warning", markup=False)
