"""The CLI contract through real `python -m taskboard` processes, on both backends."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from taskboard import __version__
from taskboard.domain.models import Activity, Person, Task
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store
from taskboard.store.revisions import head_revision

PRIORITIES = {"urgent", "high", "normal", "low"}
LIST_FIELDS = {
    "key",
    "title",
    "project",
    "column",
    "assignee",
    "due",
    "priority",
    "tags",
    "done",
    "created",
    "updated",
}


def stored(target: str) -> dict[str, int]:
    store = open_store(target)
    try:
        with store.read() as s:
            return {
                t.__name__: int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Task, Person, Activity)
            }
    finally:
        store.close()


def iso(value: Any) -> datetime:
    assert isinstance(value, str)
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


def test_task_commands(cli: Any, store_target: str) -> None:
    assert cli("--version", db=None).ok().strip() == f"taskboard {__version__}"
    added = cli("project", "add", "DEL", "Handovers", "--columns", "Arrived,Papers,Doing,Done")
    assert "DEL" in added.ok()
    assert cli("person", "add", "anna", "Anna Adler").ok().strip() == "@anna  Anna Adler"

    out = cli("add", "Papers to agent @ann #papers !high ^2026-12-01 +DEL >pap").ok()
    assert re.match(
        r"DEL-1\s+Papers\s+Papers to agent\s+@anna\s+2026-12-01\s+!high\s+#papers$", out.strip()
    )
    result = cli("add", "Call the customer @zed", "--new-person")
    assert result.ok().startswith("INBOX-1 ")
    assert "new person @zed" in result.err
    created = json.loads(cli("add", "Third +DEL", "--json").ok())
    assert created["key"] == "DEL-2" and created["column"] == "Arrived"

    rows = json.loads(cli("list", "--json").ok())
    assert [r["key"] for r in rows] == ["DEL-2", "DEL-1", "INBOX-1"]
    for row in rows:
        assert set(row) >= LIST_FIELDS
        assert row["priority"] in PRIORITIES
        iso(row["created"])
        iso(row["updated"])
    first = next(r for r in rows if r["key"] == "DEL-1")
    assert (first["title"], first["project"], first["column"], first["assignee"]) == (
        "Papers to agent",
        "DEL",
        "Papers",
        "anna",
    )
    assert (first["due"], first["priority"], first["tags"], first["done"]) == (
        "2026-12-01",
        "high",
        ["papers"],
        False,
    )
    assert date.fromisoformat(first["due"]) == date(2026, 12, 1)
    assert next(r for r in rows if r["key"] == "DEL-2")["assignee"] is None
    filtered = cli("list", "--project", "del", "--assignee", "anna", "--column", "pap", "--json")
    assert [r["key"] for r in json.loads(filtered.ok())] == ["DEL-1"]
    plain = cli("list", "--project", "DEL").ok().splitlines()
    assert [line.split()[0] for line in plain] == ["DEL-2", "DEL-1"]

    assert cli("move", "DEL-1", "doi").ok().strip() == "DEL-1  → Doing"
    assert "!low" in cli("edit", "DEL-1", "!low #extra").ok()
    assert (
        cli("comment", "DEL-1", "Courier \x1b[2Jbooked").ok().strip() == "DEL-1  comment by @tester"
    )
    assert cli("done", "DEL-1").ok().strip() == "DEL-1  done (Done)"
    assert cli("archive", "INBOX-1").ok().strip() == "INBOX-1  archived"

    detail = json.loads(cli("show", "del-1", "--json").ok())
    assert (detail["column"], detail["done"], detail["priority"]) == ("Done", True, "low")
    assert detail["tags"] == ["extra", "papers"]
    assert [(c["author"], c["body"]) for c in detail["comments"]] == [("tester", "Courier booked")]
    assert {h["actor"] for h in detail["history"]} == {"tester"}
    assert [h["action"] for h in detail["history"]][:1] == ["create"]
    iso(detail["completed"])
    text = cli("show", "DEL-1").ok()
    assert text.splitlines()[0] == "DEL-1  Papers to agent"
    assert "@tester: Courier booked" in text and "\x1b" not in text

    assert [r["key"] for r in json.loads(cli("list", "--json").ok())] == ["DEL-2"]
    everything = {r["key"]: r for r in json.loads(cli("list", "--all", "--json").ok())}
    assert set(everything) == {"DEL-1", "DEL-2", "INBOX-1"}
    assert everything["INBOX-1"]["archived"] and everything["DEL-1"]["done"]

    projects = json.loads(cli("project", "list", "--json").ok())
    assert [(p["key"], p["open"]) for p in projects] == [("DEL", 1), ("INBOX", 0)]
    assert [c["name"] for c in projects[0]["columns"]] == ["Arrived", "Papers", "Doing", "Done"]
    assert [c["done"] for c in projects[0]["columns"]] == [False, False, False, True]
    people = json.loads(cli("person", "list", "--json").ok())
    assert {p["handle"] for p in people} == {"anna", "tester", "zed"}


def test_list_shows_subtasks_under_their_parent(cli: Any, store_target: str) -> None:
    cli("project", "add", "DEL", "Handovers", "--columns", "Arrived,Papers,Doing,Done").ok()
    cli("add", "Papers to agent +DEL >pap").ok()  # DEL-1
    cli("add", "Third +DEL").ok()  # DEL-2
    services = Services.open(open_store(store_target), "tester")
    try:
        services.tasks.create(TaskDraft("Check the papers", parent="DEL-2", column="Papers"))
        services.tasks.add_subtask("DEL-2", "Sign")
    finally:
        services.ctx.store.close()
    plain = cli("list", "--project", "DEL").ok().splitlines()
    assert [re.split(r"\s{2,}", line)[:3] for line in plain] == [
        ["DEL-2", "Arrived", "Third"],
        ["DEL-4", "Arrived", "↳ Sign"],
        ["DEL-3", "Papers", "↳ Check the papers"],
        ["DEL-1", "Papers", "Papers to agent"],
    ]
    # Where the parent is not listed, the subtask names it.
    plain = cli("list", "--project", "DEL", "--column", "pap").ok().splitlines()
    assert [re.split(r"\s{2,}", line)[:3] for line in plain] == [
        ["DEL-1", "Papers", "Papers to agent"],
        ["DEL-3", "Papers", "↳ DEL-2: Check the papers"],
    ]
    # JSON stays flat, in board order, each row naming its parent.
    rows = json.loads(cli("list", "--project", "DEL", "--json").ok())
    assert [(r["key"], r["parent"]) for r in rows] == [
        ("DEL-2", None),
        ("DEL-4", "DEL-2"),
        ("DEL-1", None),
        ("DEL-3", "DEL-2"),
    ]


def test_bad_input_writes_nothing(cli: Any, store_target: str) -> None:
    cli("project", "add", "DEL", "Handovers").ok()
    before = stored(store_target)
    cli("add", "Papers @newbie ^notadate +DEL").failed("^notadate")
    cli("add", "Papers @newbie +NOPE").failed("NOPE")
    cli("add", "Papers @newbie >do +DEL").failed(">do", "Doing", "Done")
    cli("project", "add", "DEL", "Again").failed("already exists")
    cli("move", "DEL-99", "done").failed("DEL-99")
    assert stored(store_target) == before


def test_db_commands(cli: Any, store_target: str, tmp_path: Path) -> None:
    where = cli("db", "where").ok().strip()
    if store_target.startswith("postgresql"):
        assert where.startswith("postgresql+psycopg://") and ":***@" in where
    else:
        assert where == f"sqlite:///{store_target}"
    assert cli("db", "upgrade").ok().strip().endswith(f"is at schema {head_revision()}")
    assert cli("db", "check").ok().strip() == "ok"
    cli("add", "Backed up").ok()
    backup = tmp_path / "copy.db"
    result = cli("db", "backup", str(backup))
    if store_target.startswith("postgresql"):
        result.failed("pg_dump")
        return
    assert result.ok().strip() == str(backup)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM task").fetchall() == [("Backed up",)]


def test_demo_loads_once_into_the_given_store(cli: Any, store_target: str) -> None:
    first = cli("demo", "--no-tui")
    assert "loaded into" in first.ok() + first.err
    after_first = stored(store_target)
    second = cli("demo", "--no-tui")
    assert "already in" in second.ok() + second.err
    assert stored(store_target) == after_first
    assert after_first["Task"] > 20


def test_demo_defaults_to_demo_db_in_the_data_dir(isolated_home: Path) -> None:
    data = isolated_home / "data" / "taskboard"
    counts = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-m", "taskboard", "demo", "--no-tui"],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
        )
        assert proc.returncode == 0, proc.stderr
        assert str(data / "demo.db") in proc.stderr
        with sqlite3.connect(data / "demo.db") as conn:
            counts.append(conn.execute("SELECT count(*) FROM task").fetchone()[0])
            keys = [r[0] for r in conn.execute("SELECT key FROM project ORDER BY key")]
        assert keys == ["DEL", "INBOX", "ONB", "SRV"]
    assert counts[0] > 20 and counts[0] == counts[1]
    assert not (data / "taskboard.db").exists()
