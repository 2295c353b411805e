"""`add`, `done`, `move` and `edit` without Typer print what the Typer commands print."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from taskboard import cli as cli_module
from taskboard.commands import quick
from taskboard.commands.root import build_app
from taskboard.commands.root import run as run_typer
from taskboard.services import Services
from taskboard.store import open_store


@pytest.fixture
def stores(tmp_path: Path, isolated_home: Path) -> tuple[str, str]:
    """Two equal stores: one for the plain path, one for Typer's."""
    first = tmp_path / "a.db"
    store = open_store(str(first))
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    for title in ("Papers to the agent @anna #papers", "Book the courier", "Plates"):
        services.tasks.capture(title, "DEL")
    store.close()
    second = tmp_path / "b.db"
    shutil.copyfile(first, second)
    return str(first), str(second)


def _timeless(text: str) -> str:
    """Output with its moments of creation blanked (the two runs are not simultaneous)."""
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "<time>", text)


LINES = [
    ["add", "Call the agent @carl #calls !high", "-p", "DEL", "--new-person"],
    ["add", "In the inbox", "--json"],
    ["add", "--project=DEL", "New person @zoe", "--new-person"],
    ["add", "--project=DEL", "Mistyped @anan"],  # refused: did you mean @anna?
    ["done", "DEL-1"],
    ["move", "del-2", "doing"],
    ["edit", "DEL-3", "@anna ^2026-12-01 !low #x"],
    ["done", "DEL-9"],  # unknown: one line, exit 1
    ["move", "DEL-2", "nowhere"],
    ["edit", "DEL-3", ""],
    ["add", "Buy", "winter", "tyres", "@anna", "-p", "DEL"],  # several words, one line
    ["edit", "DEL-3", "del-2", "New", "title", "!low"],
    ["done", "DEL-1", "del-2"],
    ["move", "DEL-1", "DEL-3", "doing"],
    ["done", "DEL-2", "DEL-9"],  # none of the 2 tasks changed
    ["edit", "DEL-3", "@anan"],  # refused: did you mean @anna?
    ["edit", "DEL-3", "Call @zoe", "--new-person"],
]


@pytest.mark.parametrize("args", LINES, ids=" ".join)
def test_the_plain_path_prints_what_typer_prints(
    stores: tuple[str, str], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert quick.parse(args, quick.WRITES) is not None
    plain = cli_module.run([*args, "--db", stores[0]]), *map(_timeless, capsys.readouterr())
    typer = run_typer(build_app(), [*args, "--db", stores[1]]), *map(_timeless, capsys.readouterr())
    assert plain == typer
    assert plain[0] in (0, 1) and (plain[1] or plain[2])


@pytest.mark.parametrize(
    "args",
    [
        ["add"],
        ["add", "--help"],
        ["add", "title", "-pDEL"],
        ["add", "-5 degrees"],
        ["move", "DEL-1"],
        ["move", "DEL-1", "do\x1bing"],
        ["edit", "DEL-1", "x", "--json"],
        ["reopen", "DEL-1"],
    ],
)
def test_lines_left_to_typer(args: list[str]) -> None:
    assert quick.parse(args, quick.WRITES) is None
