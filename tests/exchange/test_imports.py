"""Foreign files in: taskwarrior `task export`, Asana-style CSV; atomic and without twins."""

# ruff: noqa: E501  (fixtures are real file lines, kept whole)

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Comment, Dependency, Person, Task
from taskboard.exchange import csvfmt, obsidian, taskwarrior
from taskboard.services import ServiceError, Services, TaskDraft

# The shape `task export` prints (taskwarrior 2.6 / 3.x).
TASKWARRIOR = [
    {
        "id": 1,
        "description": "Book the handover appointment",
        "entry": "20261120T081500Z",
        "modified": "20261121T090000Z",
        "due": "20261201T120000Z",
        "priority": "H",
        "project": "DEL",
        "status": "pending",
        "tags": ["handover", "customer"],
        "uuid": "8d6f0a3e-0d3c-4a3e-9b1a-2f6d3f3f0001",
        "annotations": [{"entry": "20261121T090000Z", "description": "Customer prefers Saturday"}],
        "depends": ["8d6f0a3e-0d3c-4a3e-9b1a-2f6d3f3f0002"],
        "urgency": 9.8,
    },
    {
        "id": 0,
        "description": "Confirm payment",
        "end": "20261119T160000Z",
        "entry": "20261118T080000Z",
        "modified": "20261119T160000Z",
        "priority": "M",
        "project": "DEL",
        "status": "completed",
        "uuid": "8d6f0a3e-0d3c-4a3e-9b1a-2f6d3f3f0002",
        "urgency": 0,
    },
    {
        "id": 0,
        "description": "Old idea",
        "entry": "20261101T080000Z",
        "end": "20261102T080000Z",
        "status": "deleted",
        "priority": "L",
        "uuid": "8d6f0a3e-0d3c-4a3e-9b1a-2f6d3f3f0003",
        "urgency": 0,
    },
]

ASANA = """Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent Task
1201,2026-11-01,,2026-11-02,Open service point Leipzig,Contracting,Lena Vogt,lena@example.com,,2026-12-01,"rollout,contract","Partner: Autohaus Meyer",Service,
1202,2026-11-01,,2026-11-02,Sign the contract,Contracting,Lena Vogt,lena@example.com,,11/28/2026,,,Service,Open service point Leipzig
1203,2026-11-01,2026-11-05,2026-11-05,Site visit,Done,Tarek Haddad,,,,,,Service,
"""


def count(services: Services, model: type) -> int:
    with services.ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_taskwarrior_export_imports_with_its_fields(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    text = json.dumps(TASKWARRIOR)
    result = taskwarrior.read(services, io.StringIO(text), "DEL")
    assert len(result.created) == 3 and result.skipped == 0
    rows = {r.title: r for r in services.tasks.rows(project="DEL", include_closed=True)}
    book = rows["Book the handover appointment"]
    assert (book.priority, book.due, book.tags) == (
        "high",
        date(2026, 12, 1),
        ("customer", "handover"),
    )
    assert book.created == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert book.blocked_by == ()  # its blocker is completed
    paid = rows["Confirm payment"]
    assert paid.done and paid.column == "Done"
    assert paid.completed == datetime(2026, 11, 19, 16, 0, tzinfo=UTC)
    assert rows["Old idea"].archived and rows["Old idea"].priority == "low"
    detail = services.tasks.detail(book.key)
    assert [c.body for c in detail.comments] == ["Customer prefers Saturday"]
    assert [b.key for b in detail.blocked_by] == [paid.key]
    # The same file again: no twins.
    again = taskwarrior.read(services, io.StringIO(text), "DEL")
    assert again.created == () and again.skipped == 3
    assert count(services, Task) == 3 and count(services, Comment) == 1


def test_taskwarrior_without_project_uses_the_project_key(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    lines = "\n".join(json.dumps(t) for t in TASKWARRIOR)  # the older one-per-line shape
    result = taskwarrior.read(services, io.StringIO(lines), None)
    assert [k.split("-")[0] for k in result.created] == ["DEL", "DEL", "INBOX"]


def test_asana_csv_imports_sections_people_and_subtasks(services: Services) -> None:
    services.projects.create("SRV", "Service", ["Planned", "Done"])
    result = csvfmt.read(services, io.StringIO(ASANA), "SRV")
    assert result.new_columns == ("SRV/Contracting",)
    assert sorted(result.new_people) == ["lena.vogt", "tarek.haddad"]
    rows = {r.title: r for r in services.tasks.rows(project="SRV", include_closed=True)}
    top = rows["Open service point Leipzig"]
    assert (top.column, top.assignee, top.tags) == (
        "Contracting",
        "lena.vogt",
        ("contract", "rollout"),
    )
    assert services.tasks.detail(top.key).notes == "Partner: Autohaus Meyer"
    sub = rows["Sign the contract"]
    assert sub.parent == top.key and sub.due == date(2026, 11, 28)
    assert rows["Site visit"].done and rows["Site visit"].column == "Done"
    with services.ctx.store.read() as s:
        assert (
            s.scalar(select(col(Person.name)).where(col(Person.handle) == "lena.vogt"))
            == "Lena Vogt"
        )
    again = csvfmt.read(services, io.StringIO(ASANA), "SRV")
    assert again.created == () and count(services, Task) == 3


def test_csv_without_ids_still_makes_no_twins(services: Services) -> None:
    text = "Name,Section/Column\nFirst,To do\nSecond,Doing\nFirst,To do\n"
    assert len(csvfmt.read(services, io.StringIO(text), None).created) == 3
    assert csvfmt.read(services, io.StringIO(text), None).created == ()
    assert count(services, Task) == 3


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("taskwarrior", '[{"description": "a", "uuid": "1"},\n {"description": "b",', "line 2"),
        ("taskwarrior", '[{"description": "a"}, {"description": "b", "due": "soon"}]', "record 2: due must be a date like 20261201T120000Z, not 'soon'"),
        ("taskwarrior", '[{"description": "a"}, {"description": "b", "project": "Home"}]', "record 2: unknown project"),
        ("taskwarrior", '[{"description": "a", "priority": "X"}]', "record 1: priority must be H, M or L, not 'X'"),
        ("csv", "Name,Section/Column\nok,To do\nbad,Nowhere\n", "line 3: project INBOX has no column 'Nowhere'"),
        ("csv", "Name,Due Date\nok,2026-12-01\nbad,31.12.\n", "line 3: Due Date must be a date like 2026-12-01"),
        ("csv", "Name,Parent Task\nchild,ghost\n", "line 2: unknown parent"),
        ("obsidian", "---\n\nkanban-plugin: board\n\n---\n\n## Doing\n\n- [ ] a\n- [ ] b @{2026-13-01}\n", "line 10: bad date"),
    ],
)  # fmt: skip
def test_broken_files_name_the_place_and_write_nothing(
    services: Services, fmt: str, text: str, message: str
) -> None:
    reader = {"taskwarrior": taskwarrior.read, "csv": csvfmt.read, "obsidian": obsidian.read}[fmt]
    activity_before = services.ctx.store.data_version()
    with pytest.raises(ServiceError, match=message):
        reader(services, io.StringIO(text), None)
    assert count(services, Task) == 0 and count(services, Person) == 0
    assert services.ctx.store.data_version() == activity_before


def test_dependency_cycles_are_refused(services: Services) -> None:
    items = [
        {"description": "a", "uuid": "a", "depends": ["b"]},
        {"description": "b", "uuid": "b", "depends": "a"},
    ]
    with pytest.raises(ServiceError, match="cycle"):
        taskwarrior.read(services, io.StringIO(json.dumps(items)), None)
    assert count(services, Task) == 0 and count(services, Dependency) == 0


def test_a_semicolon_csv_from_german_excel_imports(services: Services) -> None:
    text = 'Name;Section/Column;Due Date;Notes\nPapiere prüfen;To do;01.12.2026;"a; b"\n'
    result = csvfmt.read(services, io.StringIO(text), None)
    assert len(result.created) == 1
    card = next(iter(services.transfer.rows("INBOX")))
    assert (card.title, card.column, card.due, card.notes) == (
        "Papiere prüfen",
        "To do",
        date(2026, 12, 1),
        "a; b",
    )


def test_our_own_csv_export_imports_back_into_its_project_as_already_there(
    services: Services,
) -> None:
    services.projects.create("DEL", "Deliveries")
    services.tasks.create(TaskDraft(title="Book the appointment", project="DEL"))
    services.tasks.create(TaskDraft(title="Call the agent", project="DEL", column="Doing"))
    out = io.StringIO()
    csvfmt.write(services, out, "DEL")
    again = csvfmt.read(services, io.StringIO(out.getvalue()), None)
    assert again.created == () and again.skipped == 2
    # Renamed meanwhile: the key alone is no proof, the file's row is a new task.
    services.tasks.edit("DEL-1", TaskChanges(title="Book the handover"))
    renamed = csvfmt.read(services, io.StringIO(out.getvalue()), None)
    assert len(renamed.created) == 1 and renamed.skipped == 1


def test_rows_imported_by_an_older_version_are_still_there(services: Services) -> None:
    # Before natural identities, a row without an id was known by a digest of its cells.
    text = "Name,Section/Column\nFirst,To do\n"
    digest = hashlib.sha1(b"First\x1fTo do\x1f", usedforsecurity=False).hexdigest()[:20]
    first = csvfmt.read(services, io.StringIO(text), None)
    key = first.created[0]
    with services.ctx.store.write() as s:
        s.execute(update(Task).where(col(Task.key) == key).values(source_id=f"csv:{digest}:1"))
    services.tasks.edit(key, TaskChanges(column="Doing"))  # so only the old id can find it
    again = csvfmt.read(services, io.StringIO(text), None)
    assert again.created == () and again.skipped == 1


def test_the_cli_names_the_file_the_record_and_the_field(cli: Any, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.json"
    records = [{"description": f"task {i}"} for i in range(16)] + [
        {"description": "bad", "priority": "X"}
    ]
    tasks.write_text(json.dumps(records))
    result = cli("import", str(tasks))
    assert result.code == 1
    assert result.err.strip() == "error: tasks.json: record 17: priority must be H, M or L, not 'X'"
    assert json.loads(cli("list", "--all", "--json").out) == []


def test_two_names_that_make_the_same_handle_are_two_people(services: Services) -> None:
    text = "Name,Assignee\nFirst,Jürgen Groß\nSecond,Jurgen Gross\nThird,jürgen groß\n"
    result = csvfmt.read(services, io.StringIO(text), None)
    assert result.new_people == ("jurgen.gross", "jurgen.gross2")
    owners = [c.assignee for c in services.transfer.rows("INBOX")]
    assert sorted(owners) == ["jurgen.gross", "jurgen.gross", "jurgen.gross2"]
