"""Every importer under wrong-typed and malformed input: only a refusal of our own escapes (a
`ServiceError`, one line naming the place), never a TypeError, KeyError, RecursionError,
OverflowError or IntegrityError, and a refused import leaves the store exactly as it was.

Each generated file counts as a fault tried in the run's fault counters (`faults`).
"""

from __future__ import annotations

import csv
import io
import json
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select

from taskboard.exchange import csvfmt, jsondump, obsidian, taskwarrior
from taskboard.exchange.csvfmt import HEADERS
from taskboard.services import ServiceError, Services
from taskboard.services.demo import load_demo
from taskboard.services.dump import _MODELS, DUMP_TABLES
from taskboard.store import open_store

# A store shared by a test's examples: hypothesis must not warn that it is reused.
EXAMPLES = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = st.sampled_from(
    ["\x1b[31m", "\x1b]8;;http://x\x07", "\x9b2J", "\x00", "\\", "@", "#", "^", "{", "}",
     "[[", "]]", "(", ")", ",", ";", "\t", "\n", '"', "'=", "é", "🚗", "<br>", " "]
)  # fmt: skip
TEXT = st.lists(st.text(max_size=6) | TRICKY, max_size=6).map("".join)
SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
JSON = st.recursive(
    SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
DEEP = st.integers(min_value=1, max_value=120_000).map(lambda n: "[" * n)
TIMES = st.sampled_from(
    ["20261201T120000Z", "2026-12-01T12:00:00+01:00", "00010101T000000Z", "99991231T235959Z",
     "2026-02-30", "soon", ""]
)  # fmt: skip


def fingerprint(services: Services) -> tuple[int, ...]:
    """Rows per table and the newest change: any write changes it."""
    with services.ctx.store.read() as s:
        counts = [int(s.scalar(select(func.count()).select_from(t)) or 0) for t in DUMP_TABLES]
    return (*counts, services.ctx.store.data_version())


def attempt(faults: Any, services: Services, what: str, run: Callable[[], object]) -> str:
    """Run one import under a fault and count how it was taken."""
    before = fingerprint(services)
    faults.tried(what)
    try:
        run()
    except ServiceError as exc:
        after = fingerprint(services)
        if after != before:
            faults.lost(what, f"{exc}: rows {before} became {after}")
            raise AssertionError(f"a refused import changed the store: {exc}") from None
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
        faults.refused(what)
        return "refused"
    except Exception:
        faults.traceback(what, traceback.format_exc())
        raise
    faults.passed(what)
    return "passed"


@pytest.fixture
def board(services: Services) -> Services:
    services.projects.create("DEL", "Deliveries", ["To do", "Doing", "Done"])
    return services


# ---- taskwarrior ----------------------------------------------------------------------------

TW_FIELDS = {
    "description": TEXT,
    "status": st.sampled_from(["pending", "completed", "deleted", "waiting", "recurring"]),
    "uuid": TEXT.filter(bool),
    "project": st.sampled_from(["DEL", "INBOX", "", "nope", "del"]),
    "priority": st.sampled_from(["H", "M", "L"]),
    "tags": st.lists(TEXT, max_size=3),
    "depends": st.lists(TEXT, max_size=2) | TEXT,
    "annotations": st.lists(
        st.fixed_dictionaries({}, optional={"description": TEXT, "entry": TIMES}), max_size=2
    ),
    **{name: TIMES for name in ("due", "scheduled", "entry", "end")},
}


@st.composite
def wrong_in_places(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """A record of plausible fields, with none to three of them given a wrong JSON value:
    so the importers are driven past their first check, into their depths."""
    required = {k: v for k, v in fields.items() if k in ("description", "Name")}
    record: dict[str, Any] = draw(
        st.fixed_dictionaries(
            required, optional={k: fields[k] for k in sorted(fields.keys() - required)}
        )
    )
    for _ in range(draw(st.integers(0, 3))):
        record[draw(st.sampled_from(sorted(fields)))] = draw(JSON)
    return record


TW_RECORD = wrong_in_places(TW_FIELDS)
TW_FILE = (
    st.lists(TW_RECORD | JSON, max_size=5).map(json.dumps)
    | st.lists(TW_RECORD, max_size=4).map(lambda rs: "\n".join(json.dumps(r) for r in rs))
    | JSON.map(json.dumps)
    | DEEP
)


# ---- CSV, ours and Asana's ------------------------------------------------------------------

ASANA = ("Task ID", "Created At", "Completed At", "Last Modified", "Name", "Section/Column",
         "Assignee", "Assignee Email", "Start Date", "Due Date", "Tags", "Notes", "Projects",
         "Parent Task")  # fmt: skip
CELL = st.sampled_from(
    ["", "2026-12-01", "12/01/2026", "01.12.2026", "31.02.2026", "2026-12-01T09:30:00+14:00",
     "0001-01-01T00:00:00-05:00", "high", "medium", "zzz", "DEL", "INBOX", "To do", "Done",
     "Nowhere", "DEL-1", "INBOX-1", "=1+1", "'=cmd", "a,b", "x" * 70, "y" * 600]
) | TEXT  # fmt: skip


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    headers = draw(
        st.sampled_from([list(HEADERS), list(ASANA)])
        | st.lists(st.sampled_from([*HEADERS, *ASANA]) | TEXT, min_size=1, max_size=8).flatmap(
            lambda hs: st.permutations(["Name", *hs])  # mostly with a Name column
        )
        | st.lists(TEXT, min_size=1, max_size=3)
    )
    # Rows of the header's width mostly, a cell too many or too few now and then.
    width = st.integers(max(0, len(headers) - 1), len(headers) + 1)
    rows = draw(
        st.lists(width.flatmap(lambda n: st.lists(CELL, min_size=n, max_size=n)), max_size=5)
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    if draw(st.booleans()):  # well quoted
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return out.getvalue()
    return "\n".join(delimiter.join(row) for row in [headers, *rows])  # quotes left as they fall


# ---- Obsidian -------------------------------------------------------------------------------

TOKEN = TEXT | st.sampled_from(
    ["@{2026-12-01}", "@{31.12.2026}", "@{2026-13-45}", "@{}", "@@{10:30}", "@@{25:99}",
     "@@{2:30 pm}", "@[[2026-12-01]]", "#tag", "#a/b", "#", "[[Link|alias]]", "[[open",
     "^abc-1", "^del-5", "^", "!high", "!zzz", "@jonas", "@", "\\", "<br>", "**Complete**"]
)  # fmt: skip
INDENT = st.sampled_from(["", "", "    ", "\t", "  ", "        ", "\t\t"])
LINE = (
    st.builds(lambda i, b, ws: f"{i}- [{b}] {' '.join(ws)}", INDENT,
              st.sampled_from([" ", "x", "X", "/", "-"]), st.lists(TOKEN, max_size=6))
    | st.builds(lambda name, wip: f"## {name}" + ("" if wip is None else f" ({wip})"),
                TEXT, st.none() | st.integers(0, 10**30) | st.just("9" * 5000))
    | st.builds(lambda i, t: i + t, INDENT, TEXT)
    | st.sampled_from(["***", "## Archive", "## Archiv", "**Complete**", "%% note %%", "", "---"])
)  # fmt: skip
SETTINGS = st.builds(
    lambda data: f"%% kanban:settings\n```\n{json.dumps(data)}\n```\n%%",
    st.fixed_dictionaries(
        {},
        optional={
            "date-format": st.sampled_from(["YYYY-MM-DD", "DD.MM.YYYY", "MMM D, YYYY", "YYYY"])
            | JSON,
            "time-format": st.sampled_from(["HH:mm", "h:mm a", "mm"]) | JSON,
            "date-trigger": st.sampled_from(["@", "due:", ""]) | JSON,
            "time-trigger": st.sampled_from(["@@", "at:"]) | JSON,
        },
    )
    | JSON,
)
FRONT = st.sampled_from(
    [
        "",
        "",
        "---\n\nkanban-plugin: board\n\n---\n",
        "---\nkanban-plugin: x\n---\n",
        "---\nno end\n",
    ]
)
BOARD = st.builds(
    lambda front, lines, tail: front + "\n".join(lines) + "\n" + tail,
    FRONT,
    st.lists(LINE, max_size=12).map(lambda lines: ["## Doing", *lines]),
    st.just("") | SETTINGS,
)


# Each text format: its reader, the files generated for it, what one is called, and how
# its lines end when read (a CSV reader takes them as they are).
GENERATED: dict[str, tuple[Callable[..., object], st.SearchStrategy[str], str, str]] = {
    "taskwarrior": (taskwarrior.read, TW_FILE, "file", "\n"),
    "csv": (csvfmt.read, csv_files(), "file", ""),
    "obsidian": (obsidian.read, BOARD, "board", "\n"),
}


@pytest.mark.parametrize("fmt", GENERATED)
@EXAMPLES
@given(data=st.data(), target=st.sampled_from([None, "DEL"]))
def test_generated_files_are_imported_or_refused(
    board: Services, faults: Any, fmt: str, data: st.DataObject, target: str | None
) -> None:
    read, files, called, newline = GENERATED[fmt]
    text = data.draw(files, label=called)
    attempt(
        faults, board, f"{fmt}: generated {called}",
        lambda: read(board, io.StringIO(text, newline=newline), target),
    )  # fmt: skip


# ---- the JSON dump --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dump(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The records of a dump of the demo store (456 of them), to be broken one way each."""
    source = Services.open(open_store(str(tmp_path_factory.mktemp("demo") / "d.db")), "tester")
    load_demo(source)
    out = io.StringIO()
    jsondump.write(source, out)
    records: list[dict[str, Any]] = json.loads(out.getvalue())["records"]
    return records


def _reset(services: Services, initial: list[tuple[str, dict[str, Any]]]) -> None:
    """Back to a new store after a restore that went through."""
    with services.ctx.store.write() as s:
        for table in reversed(DUMP_TABLES):
            s.execute(delete(table))
        for name, row in initial:
            table = next(t for t in DUMP_TABLES if t.name == name)
            s.execute(insert(table), [_MODELS[name].model_validate(row).model_dump()])


@st.composite
def broken_dumps(draw: st.DrawFn, records: list[dict[str, Any]]) -> str:
    changed = [dict(r, row=dict(r["row"])) for r in records]
    for _ in range(draw(st.integers(1, 3))):
        if not changed:
            break
        i = draw(st.integers(0, len(changed) - 1))
        if not isinstance(changed[i], dict) or not isinstance(changed[i].get("row"), dict):
            continue  # broken already by an earlier change
        row = changed[i]["row"]
        how = draw(st.sampled_from(["value", "drop", "add", "table", "twice", "remove", "record"]))
        if how == "value":
            row[draw(st.sampled_from(sorted(row)))] = draw(JSON)
        elif how == "drop":
            row.pop(draw(st.sampled_from(sorted(row))))
        elif how == "add":
            row[draw(TEXT)] = draw(JSON)
        elif how == "table":
            changed[i]["table"] = draw(TEXT | st.sampled_from([t.name for t in DUMP_TABLES]))
        elif how == "twice":
            changed.insert(i, dict(changed[i], row=dict(row)))
        elif how == "remove":
            changed.pop(i)
        else:
            changed[i] = draw(JSON)
    document: Any = {"format": "taskboard", "version": 1, "records": changed}
    if draw(st.integers(0, 9)) == 0:
        document = draw(JSON | st.just({"format": "taskboard", "version": 1, "records": []}))
    return json.dumps(document)


def test_a_restore_under_every_kind_of_broken_dump(
    services: Services, faults: Any, demo_dump: list[dict[str, Any]]
) -> None:
    initial = list(services.transfer.dump())

    @EXAMPLES
    @given(text=broken_dumps(demo_dump) | DEEP)
    def restore(text: str) -> None:
        how = attempt(
            faults, services, "json dump: broken record",
            lambda: jsondump.read(services, io.StringIO(text)),
        )  # fmt: skip
        if how == "passed":
            _reset(services, initial)

    restore()


# ---- the faults the trust pass found, each by name ------------------------------------------

NAMED = [
    ("taskwarrior", '[{"description": "a", "priority": ["H"]}]', "priority must be H, M or L"),
    ("taskwarrior", '[{"description": "a", "depends": 5}]', "depends must be a list"),
    ("taskwarrior", '[{"description": "a", "project": 5}]', "project must be text"),
    ("taskwarrior", "[" * 100_000, "nests too deeply"),
    # Found by the generated files: PostgreSQL refuses a NUL even in a lookup.
    ("taskwarrior", '[{"description": "a", "uuid": "\\u0000"}]', "uuid must be printable text"),
    # A final newline is a control character too (a pattern's `$` would let it through).
    ("taskwarrior", '[{"description": "a", "uuid": "abc\\n"}]', "uuid must be printable text"),
    ("taskwarrior", '[{"description": "a", "depends": ["abc\\n"]}]', "must be printable text"),
    ("csv", 'Name,Task ID\na,"x\x01"\n', "line 2: Task ID must be printable text"),
    ("json", '{"format":"taskboard","version":1,"records":[]}', "no INBOX project"),
    ("json", json.dumps({"format": "taskboard", "version": 1, "records": [{
        "table": "board_column",
        "row": {"id": 1, "project_id": 7, "name": "x", "position": 0, "wip_limit": None,
                "is_done": False},
    }]}), "project_id 7 is no project"),
    ("json", "[" * 100_000, "nests too deeply"),
    ("obsidian", "## Doing (99999999999999999999999)\n", "WIP limit must be at most 9999"),
    ("csv", "Name;Section/Column;Due Date\nA;To do;2026-99-01\n", "line 2: Due Date must be"),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "text", "message"), NAMED)
def test_the_faults_of_the_trust_pass_are_one_line_each(
    services: Services, faults: Any, fmt: str, text: str, message: str
) -> None:
    board = services
    if fmt != "json":  # a dump restores into an empty store only
        board.projects.create("DEL", "Deliveries", ["To do", "Doing", "Done"])
    reader: Callable[[], object] = {
        "taskwarrior": lambda: taskwarrior.read(board, io.StringIO(text), None),
        "json": lambda: jsondump.read(board, io.StringIO(text)),
        "obsidian": lambda: obsidian.read(board, io.StringIO(text), "DEL"),
        "csv": lambda: csvfmt.read(board, io.StringIO(text), "DEL"),
    }[fmt]
    with pytest.raises(ServiceError, match=message):
        reader()
    assert attempt(faults, board, f"{fmt}: {message}", reader) == "refused"


def test_integers_beyond_64_bits_are_refused_with_the_field(
    services: Services, faults: Any
) -> None:
    board = services
    texts = {
        "taskwarrior due": json.dumps([{"description": "a", "due": 2**64 + 7}]),
        "taskwarrior uuid": json.dumps([{"description": "a", "uuid": 2**64 + 7}]),
    }
    for what, text in texts.items():
        run = lambda text=text: taskwarrior.read(board, io.StringIO(text), None)  # noqa: E731
        with pytest.raises(ServiceError, match=r"record 1: (due|uuid) must be"):
            run()
        assert attempt(faults, board, f"{what}: a 65-bit integer", run) == "refused"
    dump = json.dumps(
        {"format": "taskboard", "version": 1, "records": [{"table": "project", "row": {
            "id": 1, "key": "INBOX", "name": "Inbox", "description": "", "archived": False,
            "last_number": 2**64 + 7, "created": "2026-01-01T00:00:00+00:00"}}]}
    )  # fmt: skip
    with pytest.raises(ServiceError, match=r"record 1 \(project\): last_number must be at most"):
        jsondump.read(board, io.StringIO(dump))
