"""`add`, `done`, `move` and `edit` over the plain writer: the services' steps without
SQLAlchemy, undone by the services, found by search, heard by the change feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskboard.commands import quick
from taskboard.services import Services
from taskboard.store import Store
from tests.conftest import Cli, heavy_loaded


@pytest.fixture
def seeded(services: Services) -> Services:
    services.projects.create("DEL", "Deliveries")
    for title in ("Papers to the agent @anna #papers", "Book the courier", "Plates"):
        services.tasks.capture(title, "DEL")
    services.tasks.add_dependency("DEL-3", "DEL-2")
    return services


def test_the_quick_writes_load_no_sqlalchemy_typer_nor_pydantic(
    seeded: Services, store_target: str
) -> None:
    lines = [
        ["add", "Call the agent @anna #calls !high", "-p", "DEL"],
        ["add", "Someone new @zoe", "--new-person", "--json"],
        ["done", "DEL-1"],
        ["done", "DEL-2", "DEL-3"],
        ["move", "DEL-4", "doing"],
        ["edit", "DEL-4", "INBOX-1", "!low #x ^2026-12-24"],
        ["edit", "DEL-4", "@newbie", "--new-person"],
    ]
    assert heavy_loaded(store_target, lines) == []
    rows = {r.key: r for r in seeded.tasks.rows(include_closed=True)}
    assert rows["DEL-1"].done and rows["DEL-3"].done  # DEL-3 after its blocker DEL-2
    assert rows["DEL-4"].column == "Doing" and rows["DEL-4"].tags == ("calls", "x")
    assert rows["DEL-4"].assignee == "newbie"
    assert rows["INBOX-1"].assignee == "zoe" and rows["INBOX-1"].priority == "low"


def test_undo_takes_back_a_plain_write(seeded: Services, cli: Cli) -> None:
    before = {r.key: r for r in seeded.tasks.rows()}
    cli("edit", "DEL-1", "DEL-2", "@bo !high #late", "--new-person").ok()
    cli("move", "DEL-1", "doing").ok()
    cli("done", "DEL-2").ok()
    added = cli("add", "Ring the port @anna", "-p", "DEL").ok()
    assert added.startswith("DEL-4")
    assert seeded.undo.undo().message == "undid creation of DEL-4"
    assert seeded.undo.undo().message == "undid move, completion of DEL-2"
    assert seeded.undo.undo().message == "undid move of DEL-1"
    assert "assignee" in seeded.undo.undo().message
    after = {r.key: r for r in seeded.tasks.rows()}
    assert after.keys() == before.keys()
    for key, row in before.items():
        assert (after[key].column, after[key].tags, after[key].assignee) == (
            row.column,
            row.tags,
            row.assignee,
        )
    assert seeded.undo.redo().message.startswith("redid")


def test_plain_refusals_write_nothing(seeded: Services, cli: Cli) -> None:
    changes = len(seeded.tasks.detail("DEL-1").history)
    cli("done", "DEL-3").failed("DEL-3 is blocked by DEL-2")
    cli("done", "DEL-1", "DEL-3").failed("none of the 2 tasks changed")
    cli("add", "Who is @anan", "-p", "DEL").failed("@anan", "did you mean @anna", "--new-person")
    cli("edit", "DEL-1", "!bogus").failed("bad priority '!bogus'")
    cli("edit", "DEL-1", "DEL-2", "@anan").failed("did you mean @anna", "--new-person adds @anan")
    cli("move", "DEL-1", "nowhere").failed("nowhere")
    cli("add", "Lost", "-p", "NOPE").failed("NOPE")
    assert len(seeded.tasks.detail("DEL-1").history) == changes
    assert [r.key for r in seeded.tasks.rows()] == ["DEL-1", "DEL-2", "DEL-3"]


def test_a_plain_write_is_found_by_search_and_heard_by_the_feed(
    seeded: Services, store: Store, cli: Cli
) -> None:
    since = store.feed.start()
    cli("add", "Quarantine paperwork for the zebra", "-p", "DEL").ok()
    assert store.feed.wait(since, timeout=15) != since
    assert [h.key for h in seeded.search.search("zebra")] == ["DEL-4"]
    cli("edit", "DEL-4", "Customs paperwork for the giraffe").ok()
    assert [h.key for h in seeded.search.search("giraffe")] == ["DEL-4"]
    assert seeded.search.search("zebra") == []


def test_an_old_key_names_the_task_it_moved(seeded: Services, cli: Cli) -> None:
    seeded.projects.create("SRV", "Service")
    seeded.tasks.move_to_project("DEL-1", "SRV")
    assert cli("done", "DEL-1").ok() == "SRV-1  done (Done)\n"


def test_a_store_behind_the_head_is_left_to_the_ordinary_way(
    behind_the_head: str, isolated_home: Path
) -> None:
    assert quick.answer(["add", "Not here", "--db", behind_the_head]) is None


def test_a_column_the_orm_writes_is_seen_by_the_steps_in_the_same_session(
    seeded: Services, store: Store
) -> None:
    """The writer of a session keeps a project's columns for its transaction; any ORM write
    of the session (here an explicit flush) makes it read them again."""
    from taskboard.domain.models import BoardColumn
    from taskboard.services.ops import find
    from taskboard.store.writer import Writer

    with store.write() as s:
        w = Writer.of_session(s)
        project = find.project_by_key(w, "DEL")
        before = [c.name for c in find.columns_of(w, project.id)]
        s.add(BoardColumn(project_id=project.id, name="Parked", position=len(before)))
        s.flush()
        assert [c.name for c in find.columns_of(w, project.id)] == [*before, "Parked"]


def test_the_columns_are_read_once_per_transaction_until_a_column_is_written(
    seeded: Services, store: Store
) -> None:
    """One cache of a project's columns (`find.columns_of`), for the steps and the services:
    a second ask reads nothing, a statement of the writer's that writes a column forgets it,
    and so does an ORM update of the session."""
    from sqlalchemy import update

    from taskboard.domain.models import BoardColumn
    from taskboard.services.ops import find
    from taskboard.store.writer import Writer

    with store.write() as s:
        w = Writer.of_session(s)
        project = find.project_by_key(w, "DEL")
        first = find.columns_of(w, project.id)
        # Behind the writer's back (its connection, not a statement of its own): not seen.
        cursor = w.raw.cursor()
        cursor.execute("UPDATE board_column SET wip_limit = 7")
        cursor.close()
        assert find.columns_of(w, project.id) == first
        w.execute("UPDATE board_column SET wip_limit = 3 WHERE id = ?", (first[0].id,))
        assert [c.wip_limit for c in find.columns_of(w, project.id)][:2] == [3, 7]
        s.execute(update(BoardColumn).values(wip_limit=5))
        assert {c.wip_limit for c in find.columns_of(w, project.id)} == {5}
    # A service reads the column it has just written, in the same transaction.
    view = seeded.projects.set_wip_limit("DEL", "doing", 2)
    assert [c.wip_limit for c in view.columns if c.name == "Doing"] == [2]


def test_a_locked_sqlite_store_is_said_once_not_waited_for_twice(
    seeded: Services, cli: Cli, store_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked all through the busy timeout, a plain write says so; it is not handed to the
    ordinary path, which would wait as long again."""
    if "://" in store_target:
        pytest.skip("SQLite's write lock")
    import sqlite3

    from taskboard import cli as entry
    from taskboard.store import writer

    monkeypatch.setattr(writer, "BUSY_TIMEOUT", 0.2)
    monkeypatch.setattr(entry, "_run_typer", lambda *a: pytest.fail("waited again"))
    holder = sqlite3.connect(store_target, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        cli("add", "Not while locked", "-p", "DEL").failed("is locked by another program")
    finally:
        holder.rollback()
        holder.close()
    assert [r.title for r in seeded.tasks.rows() if r.title == "Not while locked"] == []
