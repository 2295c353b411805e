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
from typing import Any, Protocol, cast

import pytest
from sqlalchemy import func, select

from taskboard import __version__
from taskboard.domain.models import Activity, Person, Task
from taskboard.store import open_store

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


class Result(Protocol):
    code: int
    out: str
    err: str


class Cli(Protocol):
    def __call__(self, *args: str, db: str | None = ..., stdin: str | None = ...) -> Result: ...


@pytest.fixture
def run(cli: object) -> Cli:
    return cast(Cli, cli)


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result.out


def failed(result: Result, *named: str) -> str:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    assert result.err.startswith("error: ")
    for part in named:
        assert part in result.err
    return result.err


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


def test_task_commands(run: Cli, store_target: str) -> None:
    assert ok(run("--version", db=None)).strip() == f"taskboard {__version__}"
    assert "DEL" in ok(
        run("project", "add", "DEL", "Handovers", "--columns", "Arrived,Papers,Doing,Done")
    )
    assert ok(run("person", "add", "anna", "Anna Adler")).strip() == "@anna  Anna Adler"

    out = ok(run("add", "Papers to agent @ann #papers !high ^2026-12-01 +DEL >pap"))
    assert re.match(
        r"DEL-1\s+Papers\s+Papers to agent\s+@anna\s+2026-12-01\s+!high\s+#papers$", out.strip()
    )
    result = run("add", "Call the customer @zed")
    assert ok(result).startswith("INBOX-1 ")
    assert "new person @zed" in result.err
    created = json.loads(ok(run("add", "Third +DEL", "--json")))
    assert created["key"] == "DEL-2" and created["column"] == "Arrived"

    rows = json.loads(ok(run("list", "--json")))
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
    filtered = run("list", "--project", "del", "--assignee", "anna", "--column", "pap", "--json")
    assert [r["key"] for r in json.loads(ok(filtered))] == ["DEL-1"]
    plain = ok(run("list", "--project", "DEL")).splitlines()
    assert [line.split()[0] for line in plain] == ["DEL-2", "DEL-1"]

    assert ok(run("move", "DEL-1", "doi")).strip() == "DEL-1  → Doing"
    assert "!low" in ok(run("edit", "DEL-1", "!low #extra"))
    assert (
        ok(run("comment", "DEL-1", "Courier \x1b[2Jbooked")).strip() == "DEL-1  comment by @tester"
    )
    assert ok(run("done", "DEL-1")).strip() == "DEL-1  done (Done)"
    assert ok(run("archive", "INBOX-1")).strip() == "INBOX-1  archived"

    detail = json.loads(ok(run("show", "del-1", "--json")))
    assert (detail["column"], detail["done"], detail["priority"]) == ("Done", True, "low")
    assert detail["tags"] == ["extra", "papers"]
    assert [(c["author"], c["body"]) for c in detail["comments"]] == [("tester", "Courier booked")]
    assert {h["actor"] for h in detail["history"]} == {"tester"}
    assert [h["action"] for h in detail["history"]][:1] == ["create"]
    iso(detail["completed"])
    text = ok(run("show", "DEL-1"))
    assert text.splitlines()[0] == "DEL-1  Papers to agent"
    assert "@tester: Courier booked" in text and "\x1b" not in text

    assert [r["key"] for r in json.loads(ok(run("list", "--json")))] == ["DEL-2"]
    everything = {r["key"]: r for r in json.loads(ok(run("list", "--all", "--json")))}
    assert set(everything) == {"DEL-1", "DEL-2", "INBOX-1"}
    assert everything["INBOX-1"]["archived"] and everything["DEL-1"]["done"]

    projects = json.loads(ok(run("project", "list", "--json")))
    assert [(p["key"], p["open"]) for p in projects] == [("DEL", 1), ("INBOX", 0)]
    assert [c["name"] for c in projects[0]["columns"]] == ["Arrived", "Papers", "Doing", "Done"]
    assert [c["done"] for c in projects[0]["columns"]] == [False, False, False, True]
    people = json.loads(ok(run("person", "list", "--json")))
    assert {p["handle"] for p in people} == {"anna", "tester", "zed"}


def test_bad_input_writes_nothing(run: Cli, store_target: str) -> None:
    ok(run("project", "add", "DEL", "Handovers"))
    before = stored(store_target)
    failed(run("add", "Papers @newbie ^notadate +DEL"), "^notadate")
    failed(run("add", "Papers @newbie +NOPE"), "NOPE")
    failed(run("add", "Papers @newbie >do +DEL"), ">do", "Doing", "Done")
    failed(run("project", "add", "DEL", "Again"), "already exists")
    failed(run("move", "DEL-99", "done"), "DEL-99")
    assert stored(store_target) == before


def test_db_commands(run: Cli, store_target: str, tmp_path: Path) -> None:
    where = ok(run("db", "where")).strip()
    if store_target.startswith("postgresql"):
        assert where.startswith("postgresql+psycopg://") and ":***@" in where
    else:
        assert where == f"sqlite:///{store_target}"
    assert ok(run("db", "upgrade")).strip().endswith("is at schema 0001")
    assert ok(run("db", "check")).strip() == "ok"
    ok(run("add", "Backed up"))
    backup = tmp_path / "copy.db"
    result = run("db", "backup", str(backup))
    if store_target.startswith("postgresql"):
        failed(result, "pg_dump")
        return
    assert ok(result).strip() == str(backup)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM task").fetchall() == [("Backed up",)]


def test_demo_loads_once_into_the_given_store(run: Cli, store_target: str) -> None:
    first = run("demo", "--no-tui")
    assert "loaded into" in ok(first) + first.err
    after_first = stored(store_target)
    second = run("demo", "--no-tui")
    assert "already in" in ok(second) + second.err
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
