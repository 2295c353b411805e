"""Undo and redo walk back and forth through a person's history, on both backends.

The history is modelled as a list of board states and a position in it: undo
steps back, redo steps forward, a new change drops what could have been redone.
Every step compares the whole board with the state the model expects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Activity
from taskboard.services import Services
from taskboard.services.errors import ConflictError, CycleError, NoChangeError
from taskboard.store import Store, open_store
from tests.conftest import undo_refused

Board = tuple[tuple[object, ...], ...]


def board(services: Services) -> Board:
    """Everything undo may touch, for every task that is not archived (done ones too).

    An archived card is left out as a card never created is: undoing a creation archives it.
    """
    return tuple(
        (
            r.key,
            r.column,
            r.rank,
            r.title,
            r.priority,
            r.assignee,
            r.tags,
            r.due,
            r.done,
            r.blocked_by,
        )
        for r in sorted(services.tasks.rows(include_closed=True), key=lambda r: r.key)
        if not r.archived
    )


def activity_count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Activity)) or 0)


class History:
    """What the board should look like after each undo, redo and new change."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.states = [board(services)]
        self.at = 0

    def change(self, do: Callable[[], object]) -> None:
        do()
        del self.states[self.at + 1 :]  # a new change ends the redo chain
        self.states.append(board(self.services))
        self.at += 1

    def undo(self) -> None:
        if self.at == 0:
            with pytest.raises(NoChangeError):
                self.services.undo.undo()
        else:
            self.services.undo.undo()
            self.at -= 1
        assert board(self.services) == self.states[self.at]

    def redo(self) -> None:
        if self.at == len(self.states) - 1:
            with pytest.raises(NoChangeError):
                self.services.undo.redo()
        else:
            self.services.undo.redo()
            self.at += 1
        assert board(self.services) == self.states[self.at]


@pytest.fixture
def setup(store: Store) -> Services:
    """Someone else, who made the board: none of it is the tester's to undo."""
    other = Services.open(store, "setup")
    other.people.add("mia", "Mia Keller")
    for title in ("one", "two", "three"):
        other.tasks.capture(f"{title} >to_do")
    return other


def test_undo_redo_undo_undo_walks_on_to_the_change_before(
    services: Services, setup: Services
) -> None:
    """The tester's sequence: L, u, ctrl+r, u, u (here the change before is a new card)."""
    history = History(services)
    history.change(lambda: services.tasks.capture("four >to_do"))
    history.change(lambda: services.tasks.step("INBOX-4", 1))
    history.undo()
    history.redo()
    history.undo()
    assert services.tasks.row("INBOX-4").column == "To do"
    history.undo()  # the creation: the card is archived, never deleted
    assert services.tasks.row("INBOX-4").archived
    history.undo()  # nothing older is the tester's
    history.redo()
    history.redo()
    assert services.tasks.row("INBOX-4").column == "Doing"
    history.redo()  # nothing more to redo
    history.undo()
    history.undo()
    history.redo()


def test_undo_after_redo_again_and_again(services: Services, setup: Services) -> None:
    history = History(services)
    history.change(lambda: services.tasks.step("INBOX-1", 1))
    for _ in range(3):
        history.undo()
        history.redo()
    history.undo()
    history.undo()  # nothing to undo: the first undo took the move back
    assert services.tasks.row("INBOX-1").column == "To do"


def test_many_changes_undone_and_redone_in_any_order(services: Services, setup: Services) -> None:
    history = History(services)
    tasks = services.tasks
    changes: list[Callable[[], object]] = [
        lambda: tasks.step("INBOX-1", 1),
        lambda: tasks.edit("INBOX-2", TaskChanges(title="two, renamed", priority="high")),
        lambda: tasks.reorder("INBOX-3", -1),
        lambda: tasks.edit("INBOX-1", TaskChanges(assignee="mia", tags=("hub", "papers"))),
        lambda: tasks.complete("INBOX-2"),
        lambda: tasks.add_dependency("INBOX-3", "INBOX-1"),
        lambda: tasks.edit("INBOX-3", TaskChanges(due=date(2026, 12, 1))),
        lambda: tasks.archive("INBOX-1"),
        lambda: tasks.capture("five >doing"),
        lambda: tasks.move("INBOX-3", "Backlog"),
    ]
    for change in changes:
        history.change(change)
    for _ in range(len(changes) + 1):
        history.undo()
    for _ in range(len(changes) + 1):
        history.redo()
    for step in "uuururuuurrruruuuurrrrrrrrr":
        history.undo() if step == "u" else history.redo()
    for _ in range(4):
        history.undo()
    history.change(lambda: tasks.edit("INBOX-2", TaskChanges(notes="a new change after undo")))
    history.redo()  # the new change ended the redo chain
    for step in "uuuruurrrrr":
        history.undo() if step == "u" else history.redo()
    assert history.at == len(history.states) - 1


def test_undo_and_redo_survive_a_restart(store_target: str) -> None:
    first = open_store(store_target)
    services = Services.open(first, "tester")
    services.tasks.capture("car 4718 >to_do")
    services.tasks.step("INBOX-1", 1)
    services.undo.undo()
    services.undo.redo()
    first.close()

    again = open_store(store_target)
    try:
        services = Services.open(again, "tester")
        assert services.tasks.row("INBOX-1").column == "Doing"
        services.undo.undo()
        assert services.tasks.row("INBOX-1").column == "To do"
        services.undo.undo()
        assert services.tasks.row("INBOX-1").archived
        with pytest.raises(NoChangeError):
            services.undo.undo()
    finally:
        again.close()

    last = open_store(store_target)
    try:
        services = Services.open(last, "tester")
        services.undo.redo()
        services.undo.redo()
        row = services.tasks.row("INBOX-1")
        assert not row.archived and row.column == "Doing"
        with pytest.raises(NoChangeError):
            services.undo.redo()
    finally:
        last.close()


def test_undo_refuses_to_overwrite_a_later_move_by_someone_else(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    services.tasks.step("INBOX-1", 1)
    services.undo.undo()
    services.undo.redo()
    mia.tasks.step("INBOX-1", 1)
    before, written = board(services), activity_count(store)
    for _ in range(2):  # and again: a refused undo changes nothing
        undo_refused(services, "INBOX-1")
    assert board(services) == before and activity_count(store) == written
    # Once Mia takes hers back, the tester's own undo goes through.
    mia.undo.undo()
    services.undo.undo()
    assert services.tasks.row("INBOX-1").column == "To do"


def test_a_conflict_on_the_place_in_the_column_never_shows_the_rank(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    services.tasks.move("INBOX-3", "To do", index=0)
    mia.tasks.reorder("INBOX-3", 1)
    with pytest.raises(ConflictError) as refused:
        services.undo.undo()
    assert str(refused.value) == (
        "INBOX-3's place in its column was changed since by @mia: not undoing over it"
    )


def test_redo_refuses_to_overwrite_a_change_by_someone_else(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    services.tasks.edit("INBOX-2", TaskChanges(priority="high"))
    services.undo.undo()
    mia.tasks.edit("INBOX-2", TaskChanges(priority="urgent"))
    with pytest.raises(ConflictError) as refused:
        services.undo.redo()
    assert str(refused.value) == (
        "INBOX-2's priority was changed since by @mia (now urgent): not redoing over it"
    )
    assert services.tasks.row("INBOX-2").priority == "urgent"


def test_someone_elses_changes_to_other_tasks_do_not_block(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    history = History(services)
    history.change(lambda: services.tasks.step("INBOX-1", 1))
    history.change(lambda: services.tasks.edit("INBOX-1", TaskChanges(title="one, renamed")))
    history.undo()
    history.redo()
    mia.tasks.step("INBOX-2", 1)
    mia.tasks.reorder("INBOX-2", -1)  # above the tester's card: only Mia's card gets a new rank
    services.undo.undo()
    services.undo.undo()
    row = services.tasks.row("INBOX-1")
    assert row.column == "To do" and row.title == "one"
    mias = services.tasks.rows(project="INBOX", column="Doing")
    assert [r.key for r in mias] == ["INBOX-2"]  # Mia's move stays


def test_a_store_left_by_the_old_redo_still_walks_back(
    services: Services, setup: Services, store: Store
) -> None:
    """Redo used to mark the change it re-applied live again, next to the redo carrying it."""
    services.tasks.edit("INBOX-1", TaskChanges(title="first"))
    services.tasks.step("INBOX-1", 1)
    services.undo.undo()
    services.undo.redo()
    with store.write() as s:
        moved = s.scalars(
            select(col(Activity.change_id))
            .where(col(Activity.action) == "move", col(Activity.undone).is_(True))
            .where(~col(Activity.change_id).startswith("undo-"))
            .order_by(col(Activity.id))
        ).first()
        assert moved is not None and not moved.startswith("redo-")
        s.execute(update(Activity).where(col(Activity.change_id) == moved).values(undone=False))
    services.undo.undo()
    assert services.tasks.row("INBOX-1").column == "To do"
    services.undo.undo()
    assert services.tasks.row("INBOX-1").title == "one"


def test_a_new_change_ends_the_redo_chain_also_once_undone_and_redone(
    services: Services, setup: Services
) -> None:
    history = History(services)
    history.change(lambda: services.tasks.step("INBOX-1", 1))
    history.undo()
    history.change(lambda: services.tasks.edit("INBOX-1", TaskChanges(title="one, renamed")))
    history.redo()  # the move is gone for good
    history.undo()
    history.redo()
    history.redo()  # still gone: the rename came after its undo
    history.undo()
    history.undo()  # nothing older: the move was undone before the rename
    assert services.tasks.row("INBOX-1").column == "To do"


def test_the_demos_made_up_past_is_not_yours_to_undo(services: Services) -> None:
    from taskboard.services.demo import DEMO_AUTHOR, load_demo

    assert load_demo(services, date(2026, 11, 23))
    with pytest.raises(NoChangeError):
        services.undo.undo()
    services.tasks.step("DEL-1", 1)
    assert services.undo.undo().message == "undid move of DEL-1"
    actors = {a.actor for a in services.tasks.detail("DEL-3").history}
    assert actors == {DEMO_AUTHOR}  # not the person who loaded it


def test_undo_and_redo_of_a_blocker_link_refuse_when_someone_else_changed_it(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    history = History(services)
    history.change(lambda: services.tasks.add_dependency("INBOX-1", "INBOX-2"))
    history.change(lambda: services.tasks.remove_dependency("INBOX-1", "INBOX-2"))
    history.undo()
    history.redo()
    mia.tasks.add_dependency("INBOX-1", "INBOX-2")  # Mia puts it back
    before, written = board(services), activity_count(store)
    with pytest.raises(ConflictError) as refused:
        services.undo.undo()  # would add the link a second time: once an IntegrityError
    assert str(refused.value) == (
        "INBOX-1's blockers were changed since by @mia: not undoing over it"
    )
    assert board(services) == before and activity_count(store) == written
    mia.tasks.remove_dependency("INBOX-1", "INBOX-2")
    services.undo.undo()  # Mia's is gone again: the tester's undo of the removal goes through
    assert services.tasks.row("INBOX-1").blocked_by == ("INBOX-2",)
    services.undo.undo()  # and the undo of the link
    assert services.tasks.row("INBOX-1").blocked_by == ()
    mia.tasks.add_dependency("INBOX-1", "INBOX-2")
    with pytest.raises(ConflictError, match="blockers were changed since by @mia"):
        services.undo.redo()  # would add it again
    assert services.tasks.row("INBOX-1").blocked_by == ("INBOX-2",)


def test_putting_a_link_back_refuses_a_cycle_someone_made_since(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    services.tasks.add_dependency("INBOX-1", "INBOX-2")
    services.undo.undo()
    mia.tasks.add_dependency("INBOX-2", "INBOX-1")  # the other way round, now it is free
    before, written = board(services), activity_count(store)
    with pytest.raises(CycleError) as refused:
        services.undo.redo()
    assert str(refused.value) == (
        "INBOX-2 depends on INBOX-1 since: not redoing, it would be a cycle"
    )
    assert board(services) == before and activity_count(store) == written
    mia.tasks.remove_dependency("INBOX-2", "INBOX-1")
    services.undo.redo()
    assert services.tasks.row("INBOX-1").blocked_by == ("INBOX-2",)
