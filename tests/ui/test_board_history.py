"""The board's own changes, which `u` and `ctrl+r` show at once: without a terminal."""

from __future__ import annotations

from dataclasses import replace

from test_board_model import card

from taskboard.ui.board_history import LIMIT, BoardHistory


def moved(n: int, version: int) -> tuple:  # type: ignore[type-arg]
    before = replace(card(n, 1), version=version)
    return before, replace(card(n, 2), version=version + 1)


def test_undo_is_foreseen_only_while_nothing_else_was_stored() -> None:
    history = BoardHistory()
    before, after = moved(1, 3)
    history.stored([before], [after], revision=10)
    change = history.next(False, 10)
    assert change is not None and change.keys == ("DEL-1",)
    assert history.next(False, 11) is None  # a change elsewhere came since
    assert history.next(True, 10) is None  # nothing undone yet


def test_a_change_with_another_between_is_not_foreseen() -> None:
    history = BoardHistory()
    before, after = moved(1, 3)
    history.stored([before], [after], revision=None)  # someone else's change came between
    assert history.next(False, 10) is None


def test_undo_shows_the_cards_as_before_at_the_version_shown_now() -> None:
    history = BoardHistory()
    before, after = moved(1, 3)
    history.stored([before], [after], revision=10)
    change = history.next(False, 10)
    assert change is not None
    (row,) = change.reverted(False, {"DEL-1": after})
    assert row.column == before.column and row.version == after.version
    # An archived card is not on the board: it comes back at its stored version.
    (row,) = change.reverted(False, {})
    assert row.version == after.version


def test_undo_then_redo_then_undo_again() -> None:
    history = BoardHistory()
    before, after = moved(1, 3)
    history.stored([before], [after], revision=10)
    change = history.next(False, 10)
    assert change is not None
    history.reverted(change, False, 11)
    assert history.next(False, 11) is None
    redo = history.next(True, 11)
    assert redo is not None
    (row,) = redo.reverted(True, {"DEL-1": before})
    assert row.column == after.column
    history.reverted(redo, True, 12)
    assert history.next(False, 12) is not None and history.next(True, 12) is None


def test_a_new_change_ends_the_redo_chain_and_a_batch_is_one_change() -> None:
    history = BoardHistory()
    one, two = moved(1, 3), moved(2, 5)
    history.stored([one[0]], [one[1]], revision=10)
    change = history.next(False, 10)
    assert change is not None
    history.reverted(change, False, 11)
    history.stored([one[0], two[0]], [one[1], two[1]], revision=12)
    assert history.next(True, 12) is None
    batch = history.next(False, 12)
    assert batch is not None and set(batch.keys) == {"DEL-1", "DEL-2"}


def test_what_the_board_cannot_foresee_makes_it_forget() -> None:
    history = BoardHistory()
    before, after = moved(1, 3)
    history.stored([before], [after], revision=10)
    other = history.next(False, 10)
    history.stored([], [moved(2, 1)[1]], revision=11)  # a card whose state before is unknown
    assert history.next(False, 11) is None and history.next(False, 10) is None
    history.stored([before], [after], revision=12)
    change = history.next(False, 12)
    assert change is not None and other is not None
    history.reverted(other, False, 13)  # not the change on top: the store did otherwise
    assert history.next(False, 12) is None and history.next(True, 13) is None


def test_it_remembers_a_bounded_number_of_changes() -> None:
    history = BoardHistory()
    for n in range(LIMIT + 10):
        before, after = moved(1, n)
        history.stored([before], [after], revision=n)
    assert len(history.undos) == LIMIT
