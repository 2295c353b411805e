"""Undo and redo of a move to another project (triage's `m`), and a comment between a change
and its undo, on both backends.

A comment used to end undo's reach ("nothing to undo" after any comment), and a move to
another project was never undone at all, so triage's `m`, a comment and `u` said "nothing
to undo" twice over.
"""

from __future__ import annotations

import pytest

from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import TaskChanges
from taskboard.domain.views import history_lines
from taskboard.services import Services
from taskboard.services.errors import ConflictError, NoChangeError
from taskboard.store import Store
from tests.conftest import Cli


@pytest.fixture
def moved(services: Services) -> Services:
    """INBOX-1 (with its subtask INBOX-2) in Doing, moved to DEL's Ready as DEL-2 / DEL-3."""
    projects = services.projects
    projects.create("DEL", "Deliveries")
    projects.add_column("DEL", "Ready")
    tasks = services.tasks
    tasks.create(TaskDraft(title="Taken first", project="DEL"))
    parent = tasks.create(TaskDraft(title="Papers to the agent", project="INBOX")).task
    tasks.add_subtask(parent.key, "Copy the licence")
    tasks.capture("after it >doing")  # INBOX-3: the parent's place is before it
    tasks.move(parent.key, "doing", index=0)
    assert tasks.move_to_project(parent.key, "DEL", "ready").key == "DEL-2"
    return services


def where(services: Services) -> list[tuple[str, str, str, str]]:
    rows = services.tasks.rows(include_closed=True)
    return sorted((r.key, r.project, r.column, r.title) for r in rows)


BEFORE = [
    ("INBOX-1", "INBOX", "Doing", "Papers to the agent"),
    ("INBOX-2", "INBOX", "Backlog", "Copy the licence"),
    ("INBOX-3", "INBOX", "Doing", "after it"),
]


def test_undo_puts_a_moved_task_back_with_its_keys_column_and_place(moved: Services) -> None:
    tasks = moved.tasks
    after = where(moved)
    assert ("DEL-2", "DEL", "Ready", "Papers to the agent") in after
    assert ("DEL-3", "DEL", "Ready", "Copy the licence") in after

    undone = moved.undo.undo()
    assert undone.message == "undid move to another project of INBOX-1, INBOX-2"
    assert [r for r in where(moved) if r[1] == "INBOX"] == BEFORE
    assert [r.key for r in tasks.rows(project="INBOX") if r.column == "Doing"] == [
        "INBOX-1",
        "INBOX-3",
    ]  # its place before INBOX-3, as it was
    # The keys it had in DEL still name it; no task of DEL gets them.
    assert tasks.row("DEL-2").key == "INBOX-1" and tasks.row("del-3").key == "INBOX-2"

    redone = moved.undo.redo()
    assert redone.message == "redid move to another project of DEL-2, DEL-3"
    assert tasks.row("INBOX-1").key == "DEL-2" and tasks.row("DEL-2").column == "Ready"
    lines = [line for _, line in history_lines(tasks.detail("DEL-2").history)]
    assert "moved to another project: INBOX-1 → DEL-2" in lines
    assert "column: Doing → Ready" in lines
    assert "moved to another project: DEL-2 → INBOX-1" in lines
    moved.undo.undo()
    assert tasks.capture("new one", "DEL").task.key == "DEL-4"  # no task of DEL gets DEL-2


def test_a_comment_between_does_not_hide_the_change_before_it(
    moved: Services, store: Store
) -> None:
    """The session's report: move to another project, comment, undo → 'nothing to undo'."""
    moved.tasks.comment("DEL-2", "called the customer")
    moved.tasks.comment("DEL-3", "licence copied")
    assert moved.undo.undo().message == "undid move to another project of INBOX-1, INBOX-2"
    # The comments stay: undo takes back changes, never what someone wrote.
    assert [c.body for c in moved.tasks.detail("INBOX-1").comments] == ["called the customer"]
    moved.tasks.step("INBOX-3", -1)
    moved.tasks.comment("INBOX-3", "back in To do")
    assert moved.undo.undo().message == "undid move of INBOX-3"
    assert moved.tasks.row("INBOX-3").column == "Doing"


def test_undo_of_a_move_someone_moved_on_since_is_refused(moved: Services, store: Store) -> None:
    mia = Services.open(store, "mia")
    mia.tasks.move("DEL-2", "Ready")  # no change of place: refused, nothing logged
    mia.tasks.move("DEL-2", "Backlog")
    with pytest.raises(ConflictError, match="DEL-2's column was changed since by @mia"):
        moved.undo.undo()
    assert moved.tasks.row("DEL-2").project == "DEL"
    mia.tasks.move("DEL-2", "Ready")
    mia.tasks.edit("DEL-2", TaskChanges(priority="high"))  # another field: no conflict
    moved.undo.undo()
    assert moved.tasks.row("DEL-2").key == "INBOX-1"
    assert moved.tasks.row("INBOX-1").priority == "high"


def test_the_command_line_undoes_a_move_to_another_project_after_a_comment(
    moved: Services, cli: Cli
) -> None:
    assert cli("comment", "DEL-2", "called", "the", "customer").ok()
    assert cli("undo").ok() == "undid move to another project of INBOX-1, INBOX-2\n"
    assert cli("show", "DEL-2").ok().startswith("DEL-2 moved to INBOX-1\nINBOX-1  ")
    assert cli("redo").ok() == "redid move to another project of DEL-2, DEL-3\n"
    assert cli("undo").ok().startswith("undid move to another project")
    assert cli("undo").ok() == "undid move of INBOX-1\n"  # the move to Doing before it
    with pytest.raises(NoChangeError):
        for _ in range(10):
            moved.undo.undo()
