"""Screens and read models load without SQLAlchemy: importing a screen never waits for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel")

# Import every module of a package one by one; report the first that loads a heavy library.
FIRST_HEAVY = """
import importlib, json, pkgutil, sys
heavy, package = tuple(sys.argv[1].split(",")), importlib.import_module(sys.argv[2])
names = [package.__name__] + [
    m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
]
found = {}
for name in sorted(names):
    importlib.import_module(name)
    for lib in heavy:
        if lib in sys.modules and lib not in found:
            found[lib] = name
print(json.dumps({"modules": names, "heavy": found}))
"""


def _first_heavy(package: str, heavy: tuple[str, ...] = HEAVY) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_HEAVY, ",".join(heavy), package],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_no_ui_module_loads_sqlalchemy_or_sqlmodel() -> None:
    result = _first_heavy("taskboard.ui")
    assert "taskboard.ui.screens.board" in result["modules"]  # the walk found the screens
    assert result["heavy"] == {}, f"loaded by: {result['heavy']}"


def test_read_models_and_rules_need_only_the_standard_library() -> None:
    """The store's plain-SQL reader returns these, so they must not pull in the ORM (or
    pydantic, which SQLModel's tables need)."""
    code = (
        "import sys\n"
        "import taskboard.domain.views, taskboard.domain.meeting_views, "
        "taskboard.domain.okr_views, taskboard.domain.template_views, taskboard.domain.agenda, "
        "taskboard.domain.flow, taskboard.domain.rules, taskboard.domain.drafts, "
        "taskboard.domain.errors, taskboard.services.errors\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'sqlmodel', 'pydantic', 'textual'}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
