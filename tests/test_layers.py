"""The core is usable without a terminal UI: none of these imports pulls in Textual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CORE = [
    "taskboard.domain",
    "taskboard.store",
    "taskboard.services",
    "taskboard.exchange",
    "taskboard.cli",
]

ADD_THEN_CHECK = """
import sys
from taskboard.cli import main
sys.argv = ["taskboard", "add", "Papers to agent #papers", "--db", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("textual loaded:", loaded)
"""


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )


@pytest.mark.parametrize("module", CORE)
def test_import_does_not_load_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    proc = _python("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_cli_add_does_not_load_textual(tmp_path: Path) -> None:
    proc = _python("-c", ADD_THEN_CHECK, str(tmp_path / "store.db"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("INBOX-1 ")
    assert lines[-1] == "textual loaded: []"


BUILD_BOARD_THEN_CHECK = """
import sys
from taskboard import cli
app = cli._board_app(sys.argv[1], "DEL", None, False)
assert app.snapshot is not None, "the board did not take the fast first-paint path"
heavy = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "typer._adapters")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy))
# What only a prompt or the history needs: loaded when first asked for.
later = [f"taskboard.{m}" for m in ("domain.capture", "domain.drafts", "domain.fields",
         "ui.dialogs", "ui.card_prompts", "ui.preview")]
print(sorted(m for m in later if m in sys.modules))
"""


def test_the_board_is_built_for_its_first_paint_without_sqlalchemy(tmp_path: Path) -> None:
    """The board paints from a stdlib read while SQLModel loads behind it: importing
    SQLAlchemy, SQLModel or pydantic on the way (~0.4 s) would double its start. The
    prompts, the capture grammar and the field registry load when first used."""
    from taskboard.services import Services
    from taskboard.store import open_store

    target = str(tmp_path / "store.db")
    store = open_store(target)
    Services.open(store, "tester").projects.create("DEL", "Deliveries")
    store.close()
    proc = _python("-c", BUILD_BOARD_THEN_CHECK, target)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "[]"]
