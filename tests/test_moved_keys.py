"""A task moved out of a project keeps answering to its old key, on both backends and on both
read paths: `show INBOX-1` shows the task under its new key and says it moved; `done`,
`edit`, `comment` and the rest find it the same way (issue 19, item 12)."""

from __future__ import annotations

import pytest

from taskboard import cli as cli_module
from taskboard.commands import render
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.services.errors import ConflictError, NotFoundError
from taskboard.store import plain_reads
from taskboard.store.connect import NotReadable, reading


def test_an_old_key_answers_for_the_moved_task(
    services: Services, store_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    services.projects.create("DEL", "Deliveries")
    services.projects.create("OPS", "Operations")
    tasks = services.tasks
    parent = tasks.create(TaskDraft(title="Papers to agent", project="INBOX")).task
    child = tasks.add_subtask(parent.key, "Copy the licence").task
    tasks.create(TaskDraft(title="Taken first", project="DEL"))
    moved = tasks.move_to_project(parent.key, "DEL")
    assert (parent.key, child.key, moved.key) == ("INBOX-1", "INBOX-2", "DEL-2")

    # Both read paths find it by its old key (in any spelling), and say the same.
    with reading(store_target) as conn:
        for typed in ("INBOX-1", " inbox-1 ", "DEL-2"):
            plain, ordinary = plain_reads.detail(conn, typed), tasks.detail(typed)
            assert plain == ordinary and ordinary.task.key == "DEL-2"
            shown = render.show_text(plain, asked=typed)
            assert shown == render.show_text(ordinary, asked=typed)
            assert shown.startswith("INBOX-1 moved to DEL-2\n") == (typed != "DEL-2")
        assert plain_reads.detail(conn, "INBOX-2") == tasks.detail("DEL-3")  # the subtask too
        with pytest.raises(NotReadable):
            plain_reads.detail(conn, "INBOX-9")
    with pytest.raises(NotFoundError, match="INBOX-9"):
        tasks.detail("INBOX-9")

    # A second move: every earlier key names the task where it is now.
    again = tasks.move_to_project("inbox-1", "OPS")
    assert again.key == "OPS-1" and tasks.row("INBOX-1") == tasks.row("DEL-2") == again

    # The writes find it too, and the version check holds for a key typed as it was.
    tasks.edit("INBOX-1", TaskChanges(priority="high"))
    with pytest.raises(ConflictError):
        tasks.edit("DEL-2", TaskChanges(priority="low"), expected_version=again.version)
    assert [r.key for r in tasks.complete_many(["INBOX-1", "OPS-1"])] == ["OPS-1"]
    tasks.comment("DEL-2", "found by its old key")
    assert tasks.detail("OPS-1").comments[-1].body == "found by its old key"

    # The command line, both paths: `show` says where the key went.
    capsys.readouterr()
    assert cli_module.run(["show", "inbox-1", "--db", store_target]) == 0
    out = capsys.readouterr().out
    assert out.startswith("INBOX-1 moved to OPS-1\nOPS-1  Papers to agent")
    assert cli_module.run(["show", "INBOX-1", "--json", "--db", store_target]) == 0
    assert '"key": "OPS-1"' in capsys.readouterr().out  # JSON stays one document
    assert cli_module.run(["reopen", "DEL-2", "--db", store_target]) == 0
    assert "OPS-1  reopened" in capsys.readouterr().out
