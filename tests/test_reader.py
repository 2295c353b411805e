"""The plain SQL reader answers what the services answer, on both backends.

`list` (every filter), `show`, `agenda` and the board's first-paint snapshot are read
through `taskboard.store.reader` over sqlite3 / psycopg and compared with the services'
SQLAlchemy path on one seeded store per backend; the read commands load neither
SQLAlchemy nor Typer; what the reader cannot answer goes the ordinary way.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from taskboard import cli as cli_module
from taskboard.commands import reads, render
from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.services.errors import ServiceError
from taskboard.services.snapshot import read_snapshot
from taskboard.store import open_store, plain_reads
from taskboard.store.connect import NotReadable, ReadConnection, reading
from taskboard.tools.scratch import scratch_database
from tests.conftest import heavy_loaded

TODAY = date(2026, 11, 23)
PG_URL = os.environ.get("TASKBOARD_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Services]]:
    """The demo workspace with done, archived, blocked and hostile tasks, per backend; a
    database of its own on PostgreSQL (tests in this module only read it)."""
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("reader") / "store.db")
        yield from _seeded(target)
        return
    assert PG_URL is not None
    with scratch_database(PG_URL, "taskboard_reader") as url:
        yield from _seeded(url)


def _seeded(target: str) -> Iterator[tuple[str, Services]]:
    store = open_store(target)
    services = Services.open(store, "tester")
    load_demo(services, TODAY)
    services.people.add("mia.k", "Mia K")  # `@mia` exact, `@mi` ambiguous
    tasks = services.tasks
    tasks.complete("DEL-1")
    tasks.archive("DEL-2")
    tasks.capture("Ünïcode \x1b[31mred\x1b[0m and \u009b tricky @tester #zz #aa ^fri", "DEL")
    tasks.capture("Mine without a date @tester !low", "SRV")
    tasks.add_dependency("DEL-7", "DEL-4")
    tasks.comment("DEL-4", "two\nlines \x07 of comment")
    yield target, services
    store.close()


@pytest.fixture
def conn(seeded: tuple[str, Services]) -> Iterator[ReadConnection]:
    with reading(seeded[0]) as connection:
        yield connection


LIST_FILTERS: list[dict[str, Any]] = [
    {},
    {"include_closed": True},
    {"project": "DEL"},
    {"project": "del", "include_closed": True},
    {"project": "DEL", "column": "pap"},
    {"project": "DEL", "column": ">Papers & payment", "include_closed": True},
    {"column": "done", "include_closed": True},
    {"column": "Backlog"},
    {"assignee": "jonas"},
    {"assignee": "@jon", "include_closed": True},
    {"assignee": "mia"},
    {"project": "SRV", "assignee": "tester", "column": "o", "include_closed": True},
]


@pytest.mark.parametrize("filters", LIST_FILTERS, ids=lambda f: ",".join(map(str, f.values())))
def test_list_reads_what_the_services_read(
    seeded: tuple[str, Services], conn: ReadConnection, filters: dict[str, Any]
) -> None:
    expected = seeded[1].tasks.rows(**filters)
    got = plain_reads.rows(conn, **filters)
    assert got == expected
    assert render.list_text(got) == render.list_text(expected)


def test_the_seeded_store_covers_what_a_row_holds(conn: ReadConnection) -> None:
    rows = plain_reads.rows(conn, include_closed=True)
    assert any(r.done for r in rows) and any(r.archived for r in rows)
    assert any(r.tags for r in rows) and any(r.blocked_by for r in rows)
    assert any(r.subtasks_total for r in rows) and any(r.parent for r in rows)
    assert any(r.key_result for r in rows) and any(r.due for r in rows)


@pytest.mark.parametrize(
    "filters",
    [
        {"project": "NOPE"},
        {"project": "DEL", "column": "nothing"},
        {"column": "zzz"},
        {"assignee": "nobody"},
        {"assignee": "mi"},  # mia and mia.k
        {"assignee": "bad handle!"},
    ],
    ids=str,
)
def test_what_the_reader_cannot_answer_the_services_refuse(
    seeded: tuple[str, Services], conn: ReadConnection, filters: dict[str, Any]
) -> None:
    with pytest.raises(NotReadable):
        plain_reads.rows(conn, **filters)
    with pytest.raises(ServiceError):
        seeded[1].tasks.rows(**filters)


def test_show_reads_every_task_as_the_services_do(
    seeded: tuple[str, Services], conn: ReadConnection
) -> None:
    keys = [r.key for r in seeded[1].tasks.rows(include_closed=True)]
    assert len(keys) > 20
    for key in [*keys, " del-4 "]:
        expected = seeded[1].tasks.detail(key)
        got = plain_reads.detail(conn, key)
        assert got == expected
        assert render.show_text(got) == render.show_text(expected)
        assert render.show_text(got, as_json=True) == render.show_text(expected, as_json=True)
    with pytest.raises(NotReadable):
        plain_reads.detail(conn, "DEL-999")


@pytest.mark.parametrize("handle", [None, "jonas", "@mia", "tester", "jon"])
def test_agenda_reads_what_the_services_read(
    seeded: tuple[str, Services], conn: ReadConnection, handle: str | None
) -> None:
    for actor in ("tester", "someone-new"):
        services = Services.open(seeded[1].ctx.store, actor)
        expected = services.people_views.agenda(handle, TODAY)
        got = plain_reads.agenda(conn, actor, handle, TODAY)
        assert got == expected
        mine = handle is None
        assert render.agenda_text(got, mine) == render.agenda_text(expected, mine)
    with pytest.raises(NotReadable):
        plain_reads.agenda(conn, "tester", "nobody", TODAY)


@pytest.mark.parametrize("wanted", ["del", "nope"])
@pytest.mark.parametrize("limit", [None, 2])
def test_the_first_paint_reads_what_the_services_read(
    seeded: tuple[str, Services], limit: int | None, wanted: str
) -> None:
    """The board asked for, or (an unknown key) the first project other than the inbox."""
    target, services = seeded
    snapshot = read_snapshot(target, wanted, limit=limit)
    assert snapshot is not None
    first = min(p.key for p in services.projects.all() if p.key != "INBOX" and not p.archived)
    key = "DEL" if wanted == "del" else first
    assert snapshot.project.key == key
    board = [
        r
        for r in services.tasks.rows(
            project=key, include_closed=True, top_level_only=True, for_board=True
        )
        if not r.archived
    ]
    if limit is not None:
        board = [
            r
            for c in snapshot.project.columns
            for r in [r for r in board if r.column_id == c.id][:limit]
        ]
    assert board and list(snapshot.rows) == board
    assert snapshot.project == services.projects.get(key)
    assert snapshot.revision == services.tasks.revision()
    assert snapshot.complete == (limit is None)
    assert read_snapshot(target, "DEL", head="9999") is None  # another schema: slow path


def test_the_board_paints_first_on_both_backends(seeded: tuple[str, Services]) -> None:
    from taskboard.commands.board import board_snapshot

    snapshot = board_snapshot(seeded[0], "DEL")
    assert snapshot is not None and snapshot.project.key == "DEL" and snapshot.rows
    assert board_snapshot(seeded[0] + ("x" if "://" not in seeded[0] else "_nope"), "DEL") is None


def test_a_json_list_is_built_row_by_row_as_one_document(conn: ReadConnection) -> None:
    rows = plain_reads.rows(conn, include_closed=True)
    items = [r.as_json() for r in rows]
    assert render.json_list_text(items) == render.json_text(items)
    assert render.json_list_text([]) == render.json_text([])
    odd: list[dict[str, object]] = [
        {"f": 1.5, "n": [1, [2, {}], {"x": None, "y": True}], "s": 'é\u009b\x7f\n"'},
        {"keys": {1: "k"}, "e": [], "t": (1, "t"), "inf": float("inf"), "no": False},
        {},
    ]
    assert render.json_list_text(odd) == render.json_text(odd)
    assert json.loads(render.json_list_text(items)) == json.loads(json.dumps(items))


class CountingStdout(io.StringIO):
    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json", "--all"],
        ["list", "-p", "DEL", "--column=pap"],
        ["show", "DEL-3"],
        ["show", "del-4", "--json"],
        ["agenda", "jonas"],
        ["agenda", "--json"],
    ],
)
def test_a_read_command_prints_in_one_write(
    seeded: tuple[str, Services],
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    out = CountingStdout()
    monkeypatch.setattr(sys, "stdout", out)
    assert reads.answer([*args, "--db", seeded[0]]) == 0
    assert out.writes == 1 and out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--help"],
        ["list", "-pDEL"],
        ["list", "--project"],
        ["list", "--project", "DEL", "--project", "SRV"],
        ["list", "extra"],
        ["show"],
        ["show", "A-1", "B-1"],
        ["show", "DEL-\x1b1"],
        ["agenda", "a", "b"],
        ["add", "title"],
    ],
)
def test_lines_the_plain_path_leaves_to_typer(args: list[str]) -> None:
    assert reads.parse(args, reads.READS) is None


def test_a_line_the_plain_path_reads() -> None:
    words = ["--db", "x.db", "list", "-p", "DEL", "--assignee=@a", "--all", "--json"]
    line = reads.parse(words, reads.READS)
    assert line is not None and line.db == "x.db"
    assert line.values == {"project": "DEL", "assignee": "@a"}
    assert line.flags == {"all", "json"}


def test_a_missing_or_older_store_goes_the_ordinary_way(
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "new.db"
    assert reads.answer(["list", "--db", str(missing)]) is None
    assert not missing.exists()  # the plain reader never creates a store
    assert cli_module.run(["list", "--db", str(missing)]) == 0  # the ordinary path does
    with reading(str(missing)) as conn:
        assert plain_reads.rows(conn) == []
    with pytest.raises(NotReadable), reading(str(missing), head="9999") as conn:
        plain_reads.rows(conn)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database at all" * 100)
    assert reads.answer(["show", "X-1", "--db", str(damaged)]) is None
    assert cli_module.run(["show", "X-1", "--db", str(damaged)]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot open {damaged}: not a taskboard")


def test_read_commands_load_neither_sqlalchemy_nor_typer(
    seeded: tuple[str, Services], isolated_home: Path
) -> None:
    if not seeded[0].endswith(".db"):
        pytest.skip("one backend is enough for the import check; psycopg is checked by parity")
    lines = [["list"], ["list", "--json", "-a", "jonas"], ["show", "DEL-3"], ["agenda"]]
    assert heavy_loaded(seeded[0], lines) == []


def test_a_row_is_what_its_dataclass_makes_of_the_same_values() -> None:
    """`task_row` sets TaskRow's slots itself; the row is the one TaskRow(...) makes."""
    from datetime import UTC, datetime

    from taskboard.domain.views import TaskRow
    from taskboard.store.reader import task_row

    raw = (
        7, "DEL-7", "Papers", "DEL", 3, "Doing", "i", "anna", "2026-12-01", "high",
        "2026-12-02 10:00:00.000001", 1, "2026-11-20 08:15:00.500000",
        "2026-11-21 09:00:00.250000", 4, "DEL-2", "O1-KR1", "notes", 2, "taskwarrior:x",
    )  # fmt: skip
    row = task_row(raw, {7: ("a", "b")}, {7: (1, 3)}, {7: ("DEL-9",)})
    at = datetime(2026, 11, 20, 8, 15, 0, 500000, tzinfo=UTC)
    assert row == TaskRow(
        id=7, key="DEL-7", title="Papers", project="DEL", column_id=3, column="Doing",
        rank="i", assignee="anna", due=date(2026, 12, 1), priority="high", tags=("a", "b"),
        done=True, archived=True, created=at,
        updated=datetime(2026, 11, 21, 9, 0, 0, 250000, tzinfo=UTC),
        completed=datetime(2026, 12, 2, 10, 0, 0, 1, tzinfo=UTC), version=4,
        parent="DEL-2", key_result="O1-KR1", subtasks_done=1, subtasks_total=3,
        blocked_by=("DEL-9",), notes="notes", parent_id=2, source_id="taskwarrior:x",
    )  # fmt: skip
    assert hash(row) == hash(task_row(raw, {7: ("a", "b")}, {7: (1, 3)}, {7: ("DEL-9",)}))


def test_a_big_board_shares_moments_and_ranks_and_leaves_out_source_ids(tmp_path: Path) -> None:
    """What keeps a 100,000-card board's memory down (issue 20): rows that one write made
    share one `created`/`updated` datetime, equal ranks of different columns one string,
    and source ids are left out, on the services' path and the first-paint snapshot
    alike; other moments stay their own."""
    from taskboard.services import TaskDraft
    from taskboard.store.reader import task_row
    from taskboard.ui.screens.board_base import read_board

    target = str(tmp_path / "big.db")
    services = Services.open(open_store(target), "anna")
    services.projects.create("BIG", "Big", ("Backlog", "Doing", "Done"))
    drafts = [TaskDraft(title=f"Card {i}", column=("Backlog", "Doing")[i % 2]) for i in range(8)]
    services.tasks.create_many(drafts, "BIG")
    services.tasks.create_many([TaskDraft(title="Later", column="Doing")], "BIG")
    snapshot = read_snapshot(target, "BIG")
    assert snapshot is not None
    for rows in (services.tasks.rows(project="BIG"), list(snapshot.rows)):
        assert len(rows) == 9
        later = next(r for r in rows if r.title == "Later")
        first = [r for r in rows if r is not later]
        assert all(r.created is r.updated is first[0].updated for r in first)
        assert later.updated is not first[0].updated and later.updated != first[0].updated
        backlog = {r.rank: r.rank for r in first if r.column == "Backlog"}
        doing = [r.rank for r in first if r.column == "Doing"]
        assert all(backlog[rank] is rank for rank in doing)
    # What the board never shows, its read leaves out: an imported card's source id
    # (a list, an export keeps it).
    with sqlite3.connect(target) as raw_db:
        raw_db.execute("UPDATE task SET source_id = 'taskwarrior:' || id")
    snapshot = read_snapshot(target, "BIG")
    assert snapshot is not None
    assert {r.source_id for r in snapshot.rows} == {None}
    assert {r.source_id for r in read_board(services, "BIG").rows} == {None}
    assert None not in {r.source_id for r in services.tasks.rows(project="BIG")}
    services.ctx.store.close()
    # A different moment right after a shared one is read as itself.
    raw = [
        (1, "K-1", "a", "K", 1, "C", "i", None, None, "none", None, 0, t, t, 1, None, None,
         "", None, None)
        for t in ("2026-11-20 08:15:00", "2026-11-20 08:15:00", "2026-11-21 09:00:00")
    ]  # fmt: skip
    a, b, c = (task_row(r, {}, {}, {}) for r in raw)
    assert a.updated is b.updated and c.updated.day == 21 and c.created is c.updated
