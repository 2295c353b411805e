"""Service use cases on both backends: projects, capture, edits, moves, links, conflicts, config."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.exc import SAWarning
from sqlmodel import Session, col

from taskboard import config
from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import (
    Activity,
    BoardColumn,
    Comment,
    Project,
    Task,
)
from taskboard.domain.rules import DEFAULT_COLUMNS
from taskboard.domain.templates import StepSpec
from taskboard.services import Services, TaskDraft
from taskboard.services.errors import (
    AmbiguousError,
    BlockedError,
    ConflictError,
    CycleError,
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
)
from taskboard.services.ops.versions import load_task, save_task
from taskboard.store import Store
from taskboard.store.writer import Writer
from tests.conftest import row_counts


def stored_order(store: Store, column: str, project: str = "INBOX") -> list[str]:
    """Keys of the top-level tasks of a column, in the order the store ranks them."""
    with store.read() as s:
        return list(
            s.scalars(
                select(col(Task.key))
                .join(BoardColumn, col(BoardColumn.id) == col(Task.column_id))
                .join(Project, col(Project.id) == col(Task.project_id))
                .where(
                    col(BoardColumn.name) == column,
                    col(Project.key) == project,
                    col(Task.parent_id).is_(None),
                )
                .order_by(col(Task.rank))
            )
        )


def activity(store: Store, key: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with store.read() as s:
        rows = s.execute(
            select(
                col(Activity.actor),
                col(Activity.action),
                col(Activity.field),
                col(Activity.old),
                col(Activity.new),
            )
            .join(Task, col(Task.id) == col(Activity.task_id))
            .where(col(Task.key) == key)
            .order_by(col(Activity.id))
        ).all()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


# ---- projects --------------------------------------------------------------------------


def test_projects_default_and_custom_columns_and_bad_keys(services: Services, store: Store) -> None:
    inbox = services.projects.get("INBOX")
    assert [c.name for c in inbox.columns] == list(DEFAULT_COLUMNS)

    p = services.projects.create("del", "Vehicle handovers")
    assert p.key == "DEL"
    assert [c.name for c in p.columns] == list(DEFAULT_COLUMNS)
    assert [c.is_done for c in p.columns] == [False, False, False, True]

    srv = services.projects.create("SRV", "Service", ["Planned", "Setup", "Open"])
    assert [c.name for c in srv.columns] == ["Planned", "Setup", "Open"]
    assert [c.is_done for c in srv.columns] == [False, False, True]
    assert [c.position for c in srv.columns] == [0, 1, 2]
    assert services.projects.set_wip_limit("SRV", "set", 2).columns[1].wip_limit == 2

    before = row_counts(store)
    with pytest.raises(DuplicateError):
        services.projects.create("DEL", "Again")
    for bad in ("D", "DELIVERY", "D1", "DE-L"):
        with pytest.raises(InvalidFieldError):
            services.projects.create(bad, "Bad")
    with pytest.raises(InvalidFieldError):
        services.projects.create("DUP", "Dup", ["A", "a"])
    assert row_counts(store) == before
    assert [p.key for p in services.projects.all()] == ["DEL", "INBOX", "SRV"]


# ---- capture ---------------------------------------------------------------------------


LONG = "x" * 100_001  # longer than any limit


@pytest.mark.parametrize(
    ("write", "field", "limit"),
    [
        (lambda sv: sv.tasks.capture("t" * 501), "title", 500),
        (lambda sv: sv.tasks.create(TaskDraft(title="ok", notes=LONG)), "notes", 100_000),
        (lambda sv: sv.tasks.comment("INBOX-1", "c" * 10_001), "comment", 10_000),
        (lambda sv: sv.tasks.create(TaskDraft(title="ok", tags=("t" * 61,))), "tags", 60),
        (lambda sv: sv.projects.create("LONG", "n" * 201), "name", 200),
        (lambda sv: sv.projects.create("LONG", "ok", description=LONG), "description", 10_000),
        (lambda sv: sv.projects.create("LONG", "ok", ["c" * 61]), "column", 60),
        (lambda sv: sv.projects.add_column("INBOX", "c" * 61), "column", 60),
        (lambda sv: sv.projects.set_wip_limit("INBOX", "Doing", 10**20), "wip_limit", 9999),
        (lambda sv: sv.people.add("long", "n" * 201), "name", 200),
        (lambda sv: sv.people.add("long", "ok", "e" * 201), "email", 200),
        (lambda sv: sv.meetings.start("m" * 201), "title", 200),
        (lambda sv: sv.templates.create("n" * 121, [StepSpec("x")]), "name", 120),
        (lambda sv: sv.templates.create("ok", [StepSpec("x")], LONG), "description", 10_000),
    ],
)
def test_text_entering_the_store_has_a_limit_the_refusal_names(
    services: Services, store: Store, write: Callable[[Services], object], field: str, limit: int
) -> None:
    services.tasks.capture("Somewhere to comment")
    before = row_counts(store)
    with pytest.raises(InvalidFieldError) as refused:
        write(services)
    assert refused.value.field == field
    assert str(limit) in str(refused.value)
    assert row_counts(store) == before


def test_keys_are_per_project_and_never_reused(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    keys = [services.tasks.capture(f"task {i} +DEL").task.key for i in range(3)]
    assert keys == ["DEL-1", "DEL-2", "DEL-3"]
    assert services.tasks.capture("inbox task").task.key == "INBOX-1"
    services.tasks.archive("DEL-3")
    assert services.tasks.capture("after archive +DEL").task.key == "DEL-4"
    assert services.tasks.create(TaskDraft(title="draft", project="del")).task.key == "DEL-5"


def test_new_task_lands_in_first_column_unless_told(services: Services) -> None:
    assert services.tasks.capture("plain").task.column == "Backlog"
    assert services.tasks.capture("later >doi").task.column == "Doing"
    assert services.tasks.capture("todo >to_do").task.column == "To do"
    done = services.tasks.capture("already >done").task
    assert done.column == "Done" and done.done


def test_capture_with_every_token(services: Services, store: Store) -> None:
    services.projects.create("DEL", "Deliveries")
    services.people.add("anna", "Anna A")
    services.people.add("anton", "Anton B")
    created = services.tasks.capture(
        "Papers to agent @ann #papers #Hamburg !high ^2026-12-01 +DEL >doing"
    )
    row = created.task
    assert created.new_people == ()
    assert (row.key, row.title, row.project, row.column) == (
        "DEL-1",
        "Papers to agent",
        "DEL",
        "Doing",
    )
    assert (row.assignee, row.priority, row.due, row.tags) == (
        "anna",
        "high",
        date(2026, 12, 1),
        ("hamburg", "papers"),
    )
    fresh = services.tasks.capture("Call customer @zed !1")
    assert fresh.new_people == ("zed",)
    assert fresh.task.assignee == "zed" and fresh.task.priority == "urgent"
    assert "zed" in [p.handle for p in services.people.all()]
    tomorrow = services.tasks.capture("soon ^tomorrow").task
    assert tomorrow.due == date.today() + timedelta(days=1)

    before = row_counts(store)
    bad_lines = {
        "who @an": (AmbiguousError, "@an"),
        "where >do +DEL @newbie": (AmbiguousError, ">do"),
        "what +NOPE @newbie": (NotFoundError, "NOPE"),
        "when ^notadate @newbie": (InvalidFieldError, "notadate"),
        "   #onlytag": (InvalidFieldError, "title"),
    }
    for line, (error, named) in bad_lines.items():
        with pytest.raises(error) as caught:
            services.tasks.capture(line)
        assert named in str(caught.value), line
    assert row_counts(store) == before
    assert "newbie" not in [p.handle for p in services.people.all()]


# ---- editing ---------------------------------------------------------------------------


def test_edit_every_field_writes_activity(
    services: Services, store: Store, key_result: str
) -> None:
    kr = key_result
    key = services.tasks.capture("Old title @amy #a").task.key
    row = services.tasks.edit(
        key,
        TaskChanges(
            title="New title",
            notes="line 1\nline 2",
            assignee="bob",
            due=date(2026, 12, 24),
            start=date(2026, 12, 1),
            priority="low",
            tags=["b", "#C"],
            key_result=kr,
            recurrence="FREQ=WEEKLY",
            column="doing",
        ),
    )
    assert (row.title, row.assignee, row.due, row.priority, row.tags, row.key_result) == (
        "New title",
        "bob",
        date(2026, 12, 24),
        "low",
        ("b", "c"),
        "O1-KR1",
    )
    assert row.column == "Doing" and row.version > 1
    detail = services.tasks.detail(key)
    assert detail.notes == "line 1\nline 2"
    assert detail.start == date(2026, 12, 1)
    assert detail.recurrence == "FREQ=WEEKLY"

    changes = {a[2]: a for a in activity(store, key) if a[1] in ("update", "move")}
    assert changes["title"] == ("tester", "update", "title", "Old title", "New title")
    assert changes["assignee"][3:] == ("amy", "bob")
    assert changes["due"][3:] == (None, "2026-12-24")
    assert changes["priority"][3:] == ("normal", "low")
    assert changes["tags"][3:] == ("a", "b c")
    assert changes["key_result"][3:] == (None, "O1-KR1")
    assert changes["column"] == ("tester", "move", "column", "Backlog", "Doing")
    assert {"notes", "start", "recurrence"} <= set(changes)

    cleared = services.tasks.edit(key, TaskChanges(assignee=None, due=None, tags=[]))
    assert (cleared.assignee, cleared.due, cleared.tags) == (None, None, ())
    before = row_counts(store)
    with pytest.raises(InvalidFieldError):
        services.tasks.edit(key, TaskChanges(title="not saved", priority="whenever"))
    assert row_counts(store) == before
    assert services.tasks.row(key).title == "New title"


def test_apply_tokens_adds_tags_and_changes_fields(services: Services) -> None:
    key = services.tasks.capture("Call @amy #x").task.key
    row = services.tasks.apply_tokens(key, "#y !urgent >doing")
    assert (row.title, row.tags, row.priority, row.column) == (
        "Call",
        ("x", "y"),
        "urgent",
        "Doing",
    )
    with pytest.raises(InvalidFieldError):
        services.tasks.apply_tokens(key, "^notadate")


# ---- moving and ordering --------------------------------------------------------------


def test_move_step_and_reorder_keep_stored_ranks(services: Services, store: Store) -> None:
    a, b, c = (services.tasks.capture(f"{n} >to").task.key for n in "abc")
    assert stored_order(store, "To do") == [a, b, c]
    services.tasks.reorder(c, -1)
    assert stored_order(store, "To do") == [a, c, b]
    services.tasks.reorder(a, +1)
    assert stored_order(store, "To do") == [c, a, b]
    with pytest.raises(NoChangeError):
        services.tasks.reorder(c, -1)
    with pytest.raises(NoChangeError):
        services.tasks.reorder(b, +1)

    d = services.tasks.capture("d >doing").task.key
    services.tasks.move(b, "doing", index=0)
    assert stored_order(store, "Doing") == [b, d]
    services.tasks.move(c, "Doing")
    assert stored_order(store, "Doing") == [b, d, c]
    assert stored_order(store, "To do") == [a]
    assert services.tasks.step(a, -1).column == "Backlog"
    with pytest.raises(NoChangeError):
        services.tasks.step(a, -1)
    assert services.tasks.step(a, +1).column == "To do"
    assert ("tester", "move", "column", "Backlog", "To do") in activity(store, a)
    ranks = [r for r in activity(store, c) if r[1] == "rank"]
    assert ranks, "reorders are logged"


def test_complete_and_reopen_use_the_done_column(services: Services, store: Store) -> None:
    key = services.tasks.capture("finish me >doing").task.key
    done = services.tasks.complete(key)
    assert done.done and done.column == "Done" and done.completed is not None
    with pytest.raises(NoChangeError):
        services.tasks.complete(key)
    assert key not in [r.key for r in services.tasks.rows()]
    assert key in [r.key for r in services.tasks.rows(include_closed=True)]
    again = services.tasks.reopen(key)
    assert not again.done and again.column == "Doing" and again.completed is None
    actions = [a[1] for a in activity(store, key)]
    assert actions.count("done") == 1 and actions.count("reopen") == 1
    moved = services.tasks.move(key, "done")
    assert moved.done
    assert not services.tasks.move(key, "to do").done


def test_blocked_tasks_and_dependency_cycles(services: Services, store: Store) -> None:
    first = services.tasks.capture("pay").task.key
    second = services.tasks.capture("register").task.key
    third = services.tasks.capture("hand over").task.key
    services.tasks.add_dependency(second, first)
    services.tasks.add_dependency(third, second)
    assert services.tasks.row(second).blocked_by == (first,)
    before = row_counts(store)
    with pytest.raises(BlockedError):
        services.tasks.complete(second)
    with pytest.raises(BlockedError):
        services.tasks.move(second, "Done")
    with pytest.raises(CycleError):
        services.tasks.add_dependency(first, third)
    with pytest.raises(CycleError):
        services.tasks.add_dependency(first, first)
    assert row_counts(store) == before
    assert services.tasks.row(second).column == "Backlog"
    services.tasks.complete(first)
    assert services.tasks.complete(second).done
    detail = services.tasks.detail(third)
    assert [t.key for t in detail.blocked_by] == [second]
    services.tasks.remove_dependency(third, second)
    assert services.tasks.detail(third).blocked_by == ()


def test_subtasks_and_progress(services: Services) -> None:
    parent = services.tasks.capture("handover >doing").task.key
    subs = [services.tasks.add_subtask(parent, f"step {i}").task for i in range(3)]
    assert all(s.parent == parent and s.column == "Doing" for s in subs)
    services.tasks.complete(subs[0].key)
    row = services.tasks.row(parent)
    assert (row.subtasks_done, row.subtasks_total) == (1, 3)
    assert services.tasks.row(subs[0].key).column == "Doing"  # subtasks stay with the parent
    detail = services.tasks.detail(parent)
    assert [s.key for s in detail.subtasks] == [s.key for s in subs]
    assert [r.key for r in services.tasks.rows(top_level_only=True)] == [parent]


def test_comments_are_by_the_configured_user(services: Services, store: Store) -> None:
    key = services.tasks.capture("discuss").task.key
    view = services.tasks.comment(key, "Courier\x1b[31m booked")
    assert view.author == "tester" and view.body == "Courier booked"
    with pytest.raises(InvalidFieldError):
        services.tasks.comment(key, "  \n ")
    detail = services.tasks.detail(key)
    assert [(c.author, c.body) for c in detail.comments] == [("tester", "Courier booked")]
    assert ("tester", "comment", "comment", None, "Courier booked") in activity(store, key)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Comment)) == 1


def test_archive_hides_the_task_and_is_logged(services: Services, store: Store) -> None:
    key = services.tasks.capture("old").task.key
    assert services.tasks.archive(key).archived
    assert key not in [r.key for r in services.tasks.rows()]
    with pytest.raises(NoChangeError):
        services.tasks.archive(key)
    assert ("tester", "archive", "archived", "false", "true") in activity(store, key)
    assert activity(store, key)[0][:2] == ("tester", "create")


# ---- conflicts -------------------------------------------------------------------------


def test_stale_version_edit_is_a_conflict_and_writes_nothing(
    services: Services, store: Store
) -> None:
    row = services.tasks.capture("shared")
    old = row.task.version
    services.tasks.edit(row.task.key, TaskChanges(title="mine"), expected_version=old)
    before = row_counts(store)
    with pytest.raises(ConflictError) as caught:
        services.tasks.edit(row.task.key, TaskChanges(title="theirs"), expected_version=old)
    assert caught.value.key == row.task.key
    with pytest.raises(ConflictError):
        services.tasks.move(row.task.key, "doing", expected_version=old)
    assert row_counts(store) == before
    current = services.tasks.row(row.task.key)
    assert (current.title, current.column, current.version) == ("mine", "Backlog", old + 1)


def test_concurrent_orm_edit_is_a_conflict(services: Services, store: Store) -> None:
    key = services.tasks.capture("contested").task.key
    with Session(store.engine, expire_on_commit=False) as mine:
        task = load_task(Writer.of_session(mine), key)
        mine.commit()  # the UI keeps the record; its transaction is over
        services.tasks.edit(key, TaskChanges(title="theirs"))  # another session wins the race
        task.title = "mine"
        before = row_counts(store)
        with pytest.raises(ConflictError):
            save_task(Writer.of_session(mine), task)
        mine.rollback()
    assert row_counts(store) == before
    assert services.tasks.row(key).title == "theirs"


# ---- configuration ---------------------------------------------------------------------


def test_store_target_precedence(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = config.load_settings().store_target()
    assert default == str(isolated_home / "data" / "taskboard" / "taskboard.db")
    assert default == str(config.default_store())
    path = config.config_path()
    assert path == isolated_home / "config" / "taskboard" / "taskboard.toml"
    path.parent.mkdir(parents=True)
    path.write_text('db = "/from/file.db"\nuser = "filed"\n', encoding="utf-8")
    assert config.load_settings().store_target() == "/from/file.db"
    monkeypatch.setenv("TASKBOARD_DB", "/from/env.db")
    assert config.load_settings().store_target() == "/from/env.db"
    assert config.load_settings(db="/from/flag.db").store_target() == "/from/flag.db"

    assert config.load_settings().user == "tester"  # env beats the file
    monkeypatch.delenv("TASKBOARD_USER")
    assert config.load_settings().user == "filed"
    path.unlink()
    login = config.load_settings().user
    assert login and login == login.lower() and " " not in login

    path.write_text("db = [broken", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        config.load_settings()


def test_tag_names_for_completion(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    services.projects.create("SRV", "Service")
    services.tasks.capture("a #papers #hub +DEL")
    services.tasks.capture("b #setup +SRV")
    assert services.tasks.tag_names("DEL") == ["hub", "papers"]
    assert services.tasks.tag_names() == ["hub", "papers", "setup"]


def test_listing_a_column_across_projects(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    services.tasks.capture("a #papers >doing +DEL")
    services.tasks.capture("b >doing")
    services.tasks.capture("c #papers +DEL")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)  # once a cartesian product of every column
        rows = services.tasks.rows(column="doi")
    assert [(r.key, r.column, r.tags) for r in rows] == [
        ("DEL-1", "Doing", ("papers",)),
        ("INBOX-1", "Doing", ()),
    ]


def test_every_change_is_a_new_version_even_within_one_clock_tick(services: Services) -> None:
    a = services.tasks.capture("a").task
    b = services.tasks.capture("b").task
    with time_machine.travel("2026-12-01 10:00", tick=False):  # one tick for everything
        first = services.tasks.edit(a.key, TaskChanges(title="a, renamed")).version
        linked = services.tasks.add_dependency(a.key, b.key).version
        unlinked = services.tasks.remove_dependency(a.key, b.key).version
    # The detail screen tells its own change (one version on) from someone else's by this.
    assert [linked, unlinked] == [first + 1, first + 2]
