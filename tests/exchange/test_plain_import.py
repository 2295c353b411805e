"""`taskboard import` of a foreign file over the plain writer: the importer's steps without
SQLAlchemy, pydantic or Typer, one change that undo takes back, found by search, heard by
the change feed, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskboard.commands import importing
from taskboard.services import Services
from taskboard.store import Store
from tests.conftest import Cli, heavy_loaded, row_counts

TASKS = [
    {
        "uuid": "u1",
        "description": "Quarantine papers for the zebra",
        "status": "pending",
        "entry": "20261120T081500Z",
        "due": "20261201T120000Z",
        "priority": "H",
        "tags": ["papers", "zoo"],
        "annotations": [{"entry": "20261121T090000Z", "description": "ask the vet"}],
        "depends": ["u2"],
    },
    {"uuid": "u2", "description": "Book the vet", "status": "completed", "end": "20261119T160000Z"},
    {"uuid": "u3", "description": "Old idea", "status": "deleted"},
]
CSV = (
    "Task ID,Name,Section/Column,Assignee,Tags,Parent Task\n"
    "c1,Fence the paddock,Building,Lena Vogt,zoo,\n"
    "c2,Order the posts,Building,,,Fence the paddock\n"
)
BOARD = "---\nkanban-plugin: basic\n---\n\n## Later\n\n- [ ] Paint the sign #zoo\n"


@pytest.fixture
def seeded(services: Services) -> Services:
    services.projects.create("ZOO", "Zoo")
    services.tasks.capture("Feed the giraffe", "ZOO")
    return services


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_taskwarrior_import_loads_no_sqlalchemy_typer_nor_pydantic(
    seeded: Services, store_target: str, tmp_path: Path
) -> None:
    tw = write(tmp_path, "tasks.json", json.dumps(TASKS))
    assert heavy_loaded(store_target, [["import", tw, "--project", "ZOO"]]) == []
    rows = {r.title: r for r in seeded.tasks.rows(include_closed=True)}
    zebra = rows["Quarantine papers for the zebra"]
    assert zebra.tags == ("papers", "zoo") and zebra.priority == "high"
    detail = seeded.tasks.detail(zebra.key)
    assert [t.key for t in detail.blocked_by] == ["ZOO-3"] and rows["Book the vet"].done
    assert [c.body for c in detail.comments] == ["ask the vet"]
    assert rows["Old idea"].archived


def test_csv_and_obsidian_imports_load_no_sqlalchemy_typer_nor_pydantic(
    seeded: Services, store_target: str, tmp_path: Path
) -> None:
    lines = [
        ["import", write(tmp_path, "zoo.csv", CSV), "--project", "ZOO"],
        ["import", write(tmp_path, "zoo.md", BOARD), "-p", "ZOO"],
    ]
    assert heavy_loaded(store_target, lines) == []
    view = seeded.projects.get("ZOO")
    assert [c.name for c in view.columns][-2:] == ["Building", "Later"]
    rows = {r.title: r for r in seeded.tasks.rows()}
    assert rows["Fence the paddock"].assignee == "lena.vogt"
    assert rows["Order the posts"].parent == rows["Fence the paddock"].key


def test_a_plain_import_is_one_change_found_heard_and_undone(
    seeded: Services, store: Store, cli: Cli, tmp_path: Path
) -> None:
    since = store.feed.start()
    out = cli("import", write(tmp_path, "zoo.csv", CSV), "-p", "ZOO").ok()
    assert out == (
        "2 tasks: 2 new (ZOO-2 … ZOO-3), 0 already there\n"
        "new column ZOO/Building\nnew person @lena.vogt\n"
    )
    assert store.feed.wait(since, timeout=15) != since
    assert [h.key for h in seeded.search.search("paddock")] == ["ZOO-2"]
    assert seeded.undo.undo().message == "undid columns, creation of ZOO-2, ZOO-3"
    assert [r.key for r in seeded.tasks.rows()] == ["ZOO-1"]


def test_a_refused_record_is_named_and_nothing_is_written(
    seeded: Services, store: Store, cli: Cli, tmp_path: Path
) -> None:
    before = row_counts(store)
    looped = [
        {"uuid": "a", "description": "A", "depends": ["b"]},
        {"uuid": "b", "description": "B", "depends": ["a"]},
    ]
    # Found after the tasks were inserted: the transaction takes them back.
    cli("import", write(tmp_path, "loop.json", json.dumps(looped)), "-p", "ZOO").failed(
        "loop.json: record", "its dependencies form a cycle"
    )
    bad = [{"uuid": "a", "description": "A"}, {"uuid": "b", "description": "B", "due": "soon"}]
    cli("import", write(tmp_path, "bad.json", json.dumps(bad)), "-p", "ZOO").failed(
        "bad.json: record 2: due must be a date like 20261201T120000Z, not 'soon'"
    )
    cli("import", write(tmp_path, "new.json", json.dumps(bad[:1])), "-p", "NOPE").failed(
        "unknown project 'NOPE'"
    )
    assert row_counts(store) == before


def test_a_store_behind_the_head_is_left_to_the_ordinary_way(
    behind_the_head: str, tmp_path: Path
) -> None:
    tw = write(tmp_path, "tasks.json", json.dumps(TASKS))
    assert importing.answer(["import", tw, "--db", behind_the_head]) is None


def test_an_assignee_is_found_by_name_in_any_case(
    seeded: Services, cli: Cli, tmp_path: Path
) -> None:
    seeded.people.add("jg", "Jürgen Groß")
    csv = write(tmp_path, "people.csv", "Name,Assignee\nCall the vet,JÜRGEN GROß\n")
    assert cli("import", csv, "-p", "ZOO").ok() == "1 task: 1 new (ZOO-2), 0 already there\n"
    assert seeded.tasks.detail("ZOO-2").task.assignee == "jg"


def test_the_ordinary_way_imports_a_foreign_file_alike(
    seeded: Services, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the plain writer leaves a line to Typer and the services, the import says and
    stores the same."""
    seeded.projects.create("PEN", "Pen")
    plain = cli("import", write(tmp_path, "a.json", json.dumps(TASKS)), "-p", "ZOO").ok()
    monkeypatch.setattr(importing, "answer", lambda args: None)
    others = [{**t, "uuid": "v" + t["uuid"], "depends": ["vu2"]} for t in TASKS[:1]] + [
        {**t, "uuid": "v" + t["uuid"]} for t in TASKS[1:]
    ]
    typer = cli("import", write(tmp_path, "b.json", json.dumps(others)), "-p", "PEN").ok()
    assert typer == plain.replace("ZOO-2", "PEN-1").replace("ZOO-4", "PEN-3")

    def stored(project: str) -> list[tuple[object, ...]]:
        rows = seeded.tasks.rows(project=project, include_closed=True)
        return sorted((r.title, r.tags, r.priority, r.done, r.column) for r in rows)

    assert stored("PEN") == [r for r in stored("ZOO") if r[0] != "Feed the giraffe"]


def test_undo_and_redo_of_an_import_leave_a_deleted_task_archived(
    seeded: Services, cli: Cli, tmp_path: Path
) -> None:
    cli("import", write(tmp_path, "tasks.json", json.dumps(TASKS)), "-p", "ZOO").ok()
    assert seeded.tasks.detail("ZOO-4").task.archived
    assert seeded.undo.undo().message == "undid creation of ZOO-2, ZOO-3, ZOO-4"
    archived = {k: seeded.tasks.detail(k).task.archived for k in ("ZOO-2", "ZOO-3", "ZOO-4")}
    assert archived == {"ZOO-2": True, "ZOO-3": True, "ZOO-4": True}
    seeded.undo.redo()
    archived = {k: seeded.tasks.detail(k).task.archived for k in ("ZOO-2", "ZOO-3", "ZOO-4")}
    assert archived == {"ZOO-2": False, "ZOO-3": False, "ZOO-4": True}
