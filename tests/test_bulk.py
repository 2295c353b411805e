"""Changing many tasks at once: one change, all of them or none, one undo, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Activity
from taskboard.services import Services
from taskboard.services.errors import (
    AmbiguousError,
    BlockedError,
    ConflictError,
    NoChangeError,
    NotFoundError,
    ServiceError,
)
from taskboard.store import Store
from tests.conftest import undo_refused

Board = tuple[tuple[object, ...], ...]


def board(services: Services) -> Board:
    """Every task as undo and a batch may change it."""
    return tuple(
        (r.key, r.column, r.rank, r.title, r.priority, r.assignee, r.tags, r.done, r.archived)
        for r in sorted(services.tasks.rows(include_closed=True), key=lambda r: r.key)
    )


def changes_written(store: Store) -> tuple[int, int]:
    """Activity rows and distinct changes in the log."""
    with store.read() as s:
        rows = s.scalar(select(func.count()).select_from(Activity)) or 0
        changes = s.scalar(select(func.count(func.distinct(col(Activity.change_id))))) or 0
        return int(rows), int(changes)


@pytest.fixture
def setup(store: Store) -> Services:
    """Someone else made the board: DEL-1 … DEL-5 in To do, none of it the tester's to undo."""
    other = Services.open(store, "setup")
    other.projects.create("DEL", "Deliveries")
    other.people.add("mia", "Mia Keller")
    for title in ("one", "two", "three", "four", "five"):
        other.tasks.capture(f"{title} >to_do #own", "DEL")
    return other


def test_a_batch_is_one_change_and_one_undo_takes_it_back(
    services: Services, setup: Services, store: Store
) -> None:
    before = board(services)
    rows = services.tasks.move_many(["DEL-3", "del-1", "DEL-2"], "doing")
    assert [(r.key, r.column) for r in rows] == [
        ("DEL-3", "Doing"),
        ("DEL-1", "Doing"),
        ("DEL-2", "Doing"),
    ]
    # In the order typed: the column's new cards follow it.
    doing = services.tasks.rows(project="DEL", column="Doing")
    assert [r.key for r in doing] == ["DEL-3", "DEL-1", "DEL-2"]
    with store.read() as s:
        mine = s.scalars(
            select(func.distinct(col(Activity.change_id))).where(col(Activity.actor) == "tester")
        ).all()
    assert len(mine) == 1
    after = board(services)
    reverted = services.undo.undo()
    assert reverted.message == "undid move of DEL-3, DEL-1, DEL-2"
    assert set(reverted.keys) == {"DEL-1", "DEL-2", "DEL-3"}
    assert board(services) == before
    assert services.undo.redo().message == "redid move of DEL-3, DEL-1, DEL-2"
    assert board(services) == after
    services.undo.undo()
    assert board(services) == before
    with pytest.raises(NoChangeError):
        services.undo.undo()  # the batch was the tester's only change


BadBatch = tuple[Callable[[Services], object], type[ServiceError], str]

BAD_BATCHES: dict[str, BadBatch] = {
    "unknown": (
        lambda sv: sv.tasks.move_many(["DEL-1", "DEL-99", "DEL-3"], "Doing"),
        NotFoundError,
        "unknown task 'DEL-99' (none of the 3 tasks changed)",
    ),
    "several unknown": (
        lambda sv: sv.tasks.complete_many(["DEL-1", "del-98", "DEL-2", "DEL-99"]),
        NotFoundError,
        "unknown tasks 'del-98', 'DEL-99' (none of the 4 tasks changed)",
    ),
    "ambiguous column": (
        lambda sv: sv.tasks.move_many(["DEL-1", "DEL-2", "DEL-3"], "d"),
        AmbiguousError,
        "DEL-1: ambiguous column '>d': Doing, Done (none of the 3 tasks changed)",
    ),
    "blocked": (
        lambda sv: sv.tasks.complete_many(["DEL-1", "DEL-2", "DEL-3"]),
        BlockedError,
        "DEL-2 is blocked by DEL-5: finish that first (none of the 3 tasks changed)",
    ),
    "conflict": (
        lambda sv: sv.tasks.archive_many(
            ["DEL-1", "DEL-2", "DEL-3"], versions={"DEL-1": 1, "DEL-2": 1, "DEL-3": 1}
        ),
        ConflictError,
        "DEL-2 was changed by someone else meanwhile: reload it and try again"
        " (none of the 3 tasks changed)",
    ),
    "already so": (
        lambda sv: sv.tasks.reopen_many(["DEL-4", "DEL-2"]),
        NoChangeError,
        "DEL-2 is not done (none of the 2 tasks changed)",
    ),
    "bad value": (
        lambda sv: sv.tasks.apply_tokens_many(["DEL-1", "DEL-2"], "~O9-KR9"),
        NotFoundError,
        "DEL-1: unknown key result 'O9-KR9' (none of the 2 tasks changed)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BATCHES))
def test_a_batch_with_one_bad_key_is_refused_whole_naming_it(
    case: str, services: Services, setup: Services, store: Store
) -> None:
    setup.tasks.add_dependency("DEL-2", "DEL-5")  # DEL-5 is open: DEL-2 cannot be done
    setup.tasks.edit("DEL-2", TaskChanges(priority="high"))  # DEL-2 is at version 3 now
    setup.tasks.complete("DEL-4")
    do, error, message = BAD_BATCHES[case]
    before, written = board(services), changes_written(store)
    with pytest.raises(error) as refused:
        do(services)
    assert str(refused.value) == message
    assert board(services) == before and changes_written(store) == written
    with pytest.raises(NoChangeError):
        services.undo.undo()  # nothing of it reached the history either


def test_a_refusal_of_one_key_reads_as_before(services: Services, setup: Services) -> None:
    """The single-key calls go the same way and say what they always said."""
    with pytest.raises(NotFoundError) as unknown:
        services.tasks.move("DEL-99", "Doing")
    assert str(unknown.value) == "unknown task 'DEL-99'"
    with pytest.raises(NotFoundError) as one:
        services.tasks.move_many(["DEL-99", "del-99"], "Doing")  # the same key twice is one
    assert str(one.value) == "unknown task 'DEL-99'"
    with pytest.raises(ConflictError) as stale:
        services.tasks.complete("DEL-1", expected_version=7)
    assert (
        str(stale.value) == "DEL-1 was changed by someone else meanwhile: reload it and try again"
    )


def test_a_task_and_its_blocker_are_done_together_in_any_order(
    services: Services, setup: Services
) -> None:
    setup.tasks.add_dependency("DEL-1", "DEL-2")
    setup.tasks.add_dependency("DEL-2", "DEL-3")
    rows = services.tasks.complete_many(["DEL-1", "DEL-2", "DEL-3"])
    assert [(r.key, r.done, r.column) for r in rows] == [
        ("DEL-1", True, "Done"),
        ("DEL-2", True, "Done"),
        ("DEL-3", True, "Done"),
    ]
    services.undo.undo()
    assert not any(r.done for r in services.tasks.rows(project="DEL", include_closed=True))
    with pytest.raises(BlockedError, match="DEL-1 is blocked by DEL-2"):
        services.tasks.complete_many(["DEL-1", "DEL-3"])  # DEL-2 is not in this batch


def test_edits_of_many_keep_each_tasks_own_values_and_undo_whole(
    services: Services, setup: Services
) -> None:
    setup.tasks.edit("DEL-2", TaskChanges(tags=("own", "papers")))
    before = board(services)
    rows = services.tasks.apply_tokens_many(["DEL-1", "DEL-2"], "@mia !high #hub")
    assert [(r.assignee, r.priority, r.tags) for r in rows] == [
        ("mia", "high", ("hub", "own")),
        ("mia", "high", ("hub", "own", "papers")),
    ]
    assert services.tasks.row("DEL-3").priority == "normal"
    services.tasks.edit_many(["DEL-1", "DEL-3"], TaskChanges(priority="low"))
    assert [r.priority for r in services.tasks.rows(project="DEL")][:3] == ["low", "high", "low"]
    services.undo.undo()
    services.undo.undo()
    assert board(services) == before


def test_the_boards_keys_on_marked_cards(services: Services, setup: Services) -> None:
    """H/L, space and x on marked cards: the calls the board makes, each one undo."""
    keys = ["DEL-1", "DEL-2", "DEL-3"]
    before = board(services)
    assert {r.column for r in services.tasks.step_many(keys, 1)} == {"Doing"}
    services.tasks.complete("DEL-2")
    # Some done, some open: space finishes the open ones ...
    assert [r.key for r in services.tasks.toggle_done_many(keys)] == ["DEL-1", "DEL-3"]
    # ... and on cards that are all done, opens them again.
    assert [r.done for r in services.tasks.toggle_done_many(keys)] == [False] * 3
    with pytest.raises(NotFoundError) as unknown:
        services.tasks.toggle_done_many([*keys, "DEL-99"])
    assert str(unknown.value) == "unknown task 'DEL-99' (none of the 4 tasks changed)"
    assert all(r.archived for r in services.tasks.archive_many(keys))
    for _ in range(5):
        services.undo.undo()
    assert board(services) == before


def test_undo_of_a_batch_refuses_whole_when_one_task_changed_since(
    services: Services, setup: Services, store: Store
) -> None:
    mia = Services.open(store, "mia")
    services.tasks.move_many(["DEL-1", "DEL-2", "DEL-3"], "Doing")
    mia.tasks.step("DEL-2", 1)
    before, written = board(services), changes_written(store)
    undo_refused(services, "DEL-2")
    assert board(services) == before and changes_written(store) == written
    mia.undo.undo()
    services.undo.undo()
    assert {r.column for r in services.tasks.rows(project="DEL")} == {"To do"}


def test_after_undoing_a_big_batch_the_change_before_it_is_next(
    services: Services, setup: Services
) -> None:
    """The undo of a batch writes hundreds of rows; the change before it is still found.

    Undo once looked for it among the person's newest 200 rows, all of them the undo's.
    """
    keys = services.tasks.create_many([TaskDraft(title=f"car {n}") for n in range(45)], "DEL")
    services.tasks.edit("DEL-1", TaskChanges(title="one, renamed"))
    # Five fields of 45 cards: 225 rows, and as many for its undo.
    services.tasks.apply_tokens_many(keys, "checked @mia ^2026-12-01 !high #hub")
    reverted = services.undo.undo()
    assert reverted.message == (
        "undid title, assignee, due date, priority, tags of 45 tasks: DEL-6, DEL-7, DEL-8"
        " and 42 more"
    )
    assert len(reverted.keys) == 45
    assert services.tasks.row("DEL-50").title == "car 44"
    assert services.undo.undo().message == "undid title of DEL-1"
    services.undo.undo()  # the creation of the 45
    with pytest.raises(NoChangeError):
        services.undo.undo()
    for _ in range(3):
        services.undo.redo()
    assert services.tasks.row("DEL-50").title == "checked"
    assert services.tasks.row("DEL-1").title == "one, renamed"
