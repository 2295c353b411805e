"""`taskboard export` and `taskboard import` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def test_export_and_import_through_the_cli(cli: Any, tmp_path: Path) -> None:
    assert cli("demo", "--no-tui").code == 0
    dump = tmp_path / "all.json"
    result = cli("export", "--format", "json", "-o", str(dump))
    assert result.code == 0, result.err
    assert json.loads(dump.read_text())["version"] == 1
    board = cli("export", "--project", "DEL", "--format", "markdown")
    assert board.code == 0 and board.out.startswith("# Vehicle handovers (DEL)")
    # A dump restores only into an empty store, and says so.
    refused = cli("import", str(dump))
    assert refused.code == 1 and "empty store" in refused.err
    copy = tmp_path / "copy.db"
    restored = cli("import", str(dump), db=str(copy))
    assert restored.code == 0 and "restored" in restored.out
    again = tmp_path / "again.json"
    assert cli("export", "--format", "json", "-o", str(again), db=str(copy)).code == 0
    assert again.read_bytes() == dump.read_bytes()
    tw = tmp_path / "tasks.json"
    tw.write_text(json.dumps([{"description": "From taskwarrior", "uuid": "u1", "tags": ["tw"]}]))
    imported = cli("import", str(tw), "--project", "DEL")
    assert imported.code == 0 and "1 task: 1 new (DEL-" in imported.out
    titles = [t["title"] for t in json.loads(cli("list", "--project", "DEL", "--json").out)]
    assert "From taskwarrior" in titles


def test_import_errors_go_to_stderr(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "board.csv"
    bad.write_text("Name,Section/Column\nok,Nowhere\n")
    result = cli("import", str(bad))
    assert result.code == 1 and "line 2" in result.err and "Nowhere" in result.err
    listed = cli("list", "--all", "--json")
    assert json.loads(listed.out) == []
