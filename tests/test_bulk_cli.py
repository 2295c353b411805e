"""`move`, `done`, `reopen`, `archive`, `edit` with several keys, and `undo`/`redo`, in process."""

from __future__ import annotations

import pytest

from taskboard import cli as cli_module
from taskboard.services import Services
from taskboard.store import Store


class Run:
    """`taskboard ARGS --db STORE` in this process: the exit code, stdout and stderr."""

    def __init__(self, target: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.target, self.capsys = target, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = cli_module.run([*args, "--db", self.target])
        out, err = self.capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert (code, err) == (0, ""), err
        return out

    def refused(self, *args: str) -> str:
        """The one line of a refusal, without `error: `."""
        code, out, err = self(*args)
        assert (code, out) == (1, "")
        assert err.startswith("error: ") and err.count("\n") == 1, err
        return err.removeprefix("error: ").rstrip("\n")


@pytest.fixture
def run(store_target: str, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(store_target, capsys)


@pytest.fixture
def setup(store: Store) -> Services:
    """Someone else made the board: DEL-1 … DEL-4 in To do."""
    other = Services.open(store, "setup")
    other.projects.create("DEL", "Deliveries")
    for title in ("one", "two", "three", "four"):
        other.tasks.capture(f"{title} >to_do", "DEL")
    return other


def columns(services: Services) -> dict[str, str]:
    return {r.key: r.column for r in services.tasks.rows(project="DEL", include_closed=True)}


def test_move_many_prints_a_line_each_and_a_count_and_undo_takes_it_back(
    run: Run, services: Services, setup: Services
) -> None:
    assert run.ok("move", "DEL-1", "del-3", "DEL-2", "doi") == (
        "DEL-1  → Doing\nDEL-3  → Doing\nDEL-2  → Doing\nMoved 3 tasks to Doing.\n"
    )
    assert set(columns(services).values()) == {"Doing", "To do"}
    assert run.ok("undo") == "undid move of DEL-1, DEL-3, DEL-2\n"
    assert set(columns(services).values()) == {"To do"}
    assert run.ok("redo") == "redid move of DEL-1, DEL-3, DEL-2\n"
    assert columns(services)["DEL-3"] == "Doing"
    assert run.ok("undo") == "undid move of DEL-1, DEL-3, DEL-2\n"
    assert run.refused("undo") == "nothing to undo"
    assert run.ok("redo").startswith("redid move")
    assert run.refused("redo") == "nothing to redo"


def test_one_key_reads_as_it_always_did(run: Run, services: Services, setup: Services) -> None:
    assert run.ok("move", "DEL-1", "doing") == "DEL-1  → Doing\n"
    assert run.ok("done", "DEL-1") == "DEL-1  done (Done)\n"
    assert run.ok("reopen", "DEL-1") == "DEL-1  reopened (Doing)\n"
    assert run.ok("archive", "DEL-1") == "DEL-1  archived\n"
    assert run.refused("move", "DEL-99", "doing") == "unknown task 'DEL-99'"
    assert run.ok("undo") == "undid archiving of DEL-1\n"


def test_a_batch_with_a_bad_key_in_the_middle_writes_nothing(
    run: Run, services: Services, setup: Services
) -> None:
    setup.tasks.add_dependency("DEL-3", "DEL-4")
    before = columns(services)
    assert run.refused("done", "DEL-1", "DEL-3", "DEL-2") == (
        "DEL-3 is blocked by DEL-4: finish that first (none of the 3 tasks changed)"
    )
    assert run.refused("move", "DEL-1", "DEL-77", "DEL-2", "DEL-78", "Done") == (
        "unknown tasks 'DEL-77', 'DEL-78' (none of the 4 tasks changed)"
    )
    assert run.refused("move", "DEL-1", "DEL-2", "d") == (
        "DEL-1: ambiguous column '>d': Doing, Done (none of the 2 tasks changed)"
    )
    assert run.refused("edit", "DEL-1", "DEL-2", "!highest") == "bad priority '!highest'"
    assert columns(services) == before
    assert run.refused("undo") == "nothing to undo"
    # With its blocker in the same batch, in any order, it goes through.
    assert run.ok("done", "DEL-3", "DEL-4").endswith("Completed 2 tasks.\n")


def test_done_reopen_archive_and_edit_of_many(
    run: Run, services: Services, setup: Services
) -> None:
    assert run.ok("done", "DEL-1", "DEL-2") == (
        "DEL-1  done (Done)\nDEL-2  done (Done)\nCompleted 2 tasks.\n"
    )
    assert run.ok("reopen", "DEL-1", "DEL-2") == (
        "DEL-1  reopened (Doing)\nDEL-2  reopened (Doing)\nReopened 2 tasks.\n"
    )
    out = run.ok("edit", "DEL-1", "DEL-2", "DEL-1", "!high #papers")
    assert out.splitlines() == [
        "DEL-1  Doing  one      !high  #papers",
        "DEL-2  Doing  two      !high  #papers",
        "Changed 2 tasks.",
    ]
    assert run.ok("archive", "DEL-3", "DEL-4") == (
        "DEL-3  archived\nDEL-4  archived\nArchived 2 tasks.\n"
    )
    assert run.ok("undo") == "undid archiving of DEL-3, DEL-4\n"
    assert run.ok("undo") == "undid priority, tags of DEL-1, DEL-2\n"
    assert {r.priority for r in services.tasks.rows(project="DEL")} == {"normal"}


def test_undo_on_the_command_line_takes_back_a_change_made_on_the_board(
    run: Run, services: Services, setup: Services
) -> None:
    services.tasks.step_many(["DEL-1", "DEL-2"], 1)  # L on two marked cards
    assert run.ok("undo") == "undid move of DEL-1, DEL-2\n"
    assert services.undo.redo().message == "redid move of DEL-1, DEL-2"  # ctrl+r on the board
    assert set(columns(services).values()) == {"Doing", "To do"}


def test_keys_refuse_control_characters(run: Run, setup: Services) -> None:
    assert "control character" in run.refused("done", "DEL-1", "DEL-2\x1b[31m")
