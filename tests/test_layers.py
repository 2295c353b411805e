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
