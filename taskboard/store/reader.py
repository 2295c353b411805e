"""The one SQL row reader: tasks as `TaskRow`s in plain SQL over a DB-API connection.

One column list (`TASK_COLUMNS`) and one tuple → row function (`task_row`) serve every
reader of "a task as a row": the services' ORM queries select the same columns and
convert with `task_row`, and the read-only commands and the board's first paint run the
SQL here over sqlite3 or psycopg (`taskboard.store.connect`) without SQLAlchemy. The
values come back as each driver gives them — text from SQLite, dates from PostgreSQL —
and are made the same here.

A `where` is SQL on the task alias `t` alone (other tables through subqueries), with `?`
placeholders: it selects the rows, and the ids their tags, subtask counts and open
blockers are read for.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from sys import intern
from typing import TYPE_CHECKING, Any

from taskboard.domain.views import ActivityView, CommentView, TaskDetail, TaskRow

if TYPE_CHECKING:
    from taskboard.store.connect import ReadConnection

# What a row is made of, in `task_row`'s order: the ORM query selects the same columns.
TASK_COLUMNS = (
    "t.id",
    "t.key",
    "t.title",
    "p.key",
    "t.column_id",
    "c.name",
    "t.rank",
    "pe.handle",
    "t.due",
    "t.priority",
    "t.completed",
    "t.archived",
    "t.created",
    "t.updated",
    "t.version",
    "par.key",
    "kr.key",
    "t.notes",
    "t.parent_id",
    "t.source_id",
)
# The board's rows: as `TASK_COLUMNS`, without the id a task had where it was imported
# from, which only the exporters use (at 100,000 imported cards, 9 MiB a board never shows).
BOARD_COLUMNS = (*TASK_COLUMNS[:-1], "NULL")
assert TASK_COLUMNS[-1] == "t.source_id"
TASK_FROM = """FROM task t
JOIN project p ON p.id = t.project_id
JOIN board_column c ON c.id = t.column_id
LEFT JOIN person pe ON pe.id = t.assignee_id
LEFT JOIN task par ON par.id = t.parent_id
LEFT JOIN key_result kr ON kr.id = t.key_result_id"""
# Lists, exports and the board: by project, column, then place in the column.
BOARD_ORDER = "p.key, c.position, t.rank, t.id"
# Up to this many rows, their details are read for their ids as listed; beyond, for the
# ids `where` selects again (one long list of parameters costs more than the subquery).
_LISTED_IDS = 500

# A task's details in one statement (one round trip to a distant server): kind 0 its tags
# by name, kind 1 its subtasks' (done, total), kind 2 its open blockers by key. Each
# `{…}` is "AND <id> IN (…)" or empty; the services' ORM query selects the same.
DETAILS = """SELECT 0, tt.task_id, tag.name, 0, 0 FROM task_tag tt JOIN tag ON tag.id = tt.tag_id
WHERE 1 = 1 {tags}
UNION ALL SELECT 1, parent_id, NULL, count(completed), count(*) FROM task
WHERE parent_id IS NOT NULL AND archived = ? {subtasks} GROUP BY parent_id
UNION ALL SELECT 2, d.task_id, b.key, 0, 0 FROM dependency d
JOIN task b ON b.id = d.blocked_by_id AND b.completed IS NULL
WHERE b.archived = ? {blockers}
ORDER BY 1, 3"""

Details = tuple[dict[int, tuple[str, ...]], dict[int, tuple[int, int]], dict[int, tuple[str, ...]]]


def details(found: Iterable[Sequence[Any]]) -> Details:
    """The (kind, task id, name, done, total) rows of `DETAILS` as tags, (done, total)
    subtasks and open blockers per task id."""
    tag_lists: dict[int, list[str]] = defaultdict(list)
    blocker_lists: dict[int, list[str]] = defaultdict(list)
    subtasks: dict[int, tuple[int, int]] = {}
    for kind, task_id, name, done, total in found:
        if kind == 1:
            subtasks[task_id] = (done, total)
        else:
            (tag_lists if kind == 0 else blocker_lists)[task_id].append(name)
    # Equal tag lists share one tuple of shared names: a 100,000-card board repeats a few.
    same: dict[tuple[str, ...], tuple[str, ...]] = {}
    tags = {}
    for k, v in tag_lists.items():
        names = tuple(map(intern, v))
        tags[k] = same.setdefault(names, names)
    blockers = {k: tuple(v) for k, v in blocker_lists.items()}
    return tags, subtasks, blockers


def moment(value: Any) -> datetime | None:
    """A stored UTC time (naive, or text on SQLite) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        try:  # naive UTC text, read as UTC in one step: an export reads 300,000 of them
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:
            value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day(value: Any) -> date | None:
    """A stored date (text on SQLite) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# The project, column, priority, assignee and tag names of a row are one of a few: each
# is kept once (`sys.intern`), not once per row of a 100,000-card board. So are ranks:
# every column's ranks come from the same `rank_between` steps, so columns repeat them.
# A frozen dataclass's __init__ sets each of TaskRow's 25 fields through
# object.__setattr__: most of the cost of reading 100,000 rows. `task_row` sets the slots
# directly, every field given, in the order of `_FIELDS` (a test holds the result to what
# TaskRow(...) makes of the same values).
_FIELDS = tuple(f.name for f in dataclasses.fields(TaskRow))
_SETTERS = tuple(getattr(TaskRow, name).__set__ for name in _FIELDS)
assert _FIELDS == (
    "id", "key", "title", "project", "column_id", "column", "rank", "assignee", "due",
    "priority", "tags", "done", "archived", "created", "updated", "completed", "version",
    "parent", "key_result", "subtasks_done", "subtasks_total", "blocked_by", "notes",
    "parent_id", "source_id",
), "TaskRow's fields changed: make task_row give them in their order"  # fmt: skip
assert not hasattr(TaskRow, "__post_init__") and hasattr(TaskRow, "__slots__")


def task_row(
    r: Sequence[Any],
    tags: dict[int, tuple[str, ...]],
    subtasks: dict[int, tuple[int, int]],
    blockers: dict[int, tuple[str, ...]],
) -> TaskRow:
    """One tuple of `TASK_COLUMNS` with its task's tags, (done, total) subtasks and open
    blockers, as the read model."""
    task_id = r[0]
    done, total = subtasks.get(task_id, (0, 0))
    updated = _moment_once(r[13])
    created = updated if r[12] == r[13] else _moment_once(r[12])
    values = (
        task_id,
        r[1],  # key
        r[2],  # title
        intern(r[3]),  # project
        r[4],  # column_id
        intern(r[5]),  # column
        intern(r[6]),  # rank
        None if r[7] is None else intern(r[7]),  # assignee
        day(r[8]),  # due
        intern(r[9]),  # priority
        tags.get(task_id, ()),
        r[10] is not None,  # done
        bool(r[11]),  # archived
        created,
        updated,
        moment(r[10]),  # completed
        r[14],  # version
        r[15],  # parent
        r[16],  # key_result
        done,  # subtasks_done
        total,  # subtasks_total
        blockers.get(task_id, ()),
        r[17],  # notes
        r[18],  # parent_id
        r[19],  # source_id
    )
    row = _new(TaskRow)
    for put, value in zip(_SETTERS, values, strict=True):
        put(row, value)
    return row


_new = object.__new__

# The last moment read, as (stored value, datetime): a task never changed since it was
# made has created == updated, and the tasks one write made (a bulk add, an import) share
# one moment and follow each other in board order, so a 100,000-card board holds one
# datetime per write, not two per row. One tuple, swapped whole: safe across threads.
_last_moment: tuple[Any, datetime | None] = (None, None)


def _moment_once(value: Any) -> datetime:
    global _last_moment
    seen, parsed = _last_moment
    if parsed is None or seen != value:
        parsed = moment(value)
        assert parsed is not None
        _last_moment = (value, parsed)
    return parsed


Statement = tuple[str, Sequence[object]]


def rows_statement(
    where: str = "",
    params: Sequence[object] = (),
    order: str = BOARD_ORDER,
    columns: Sequence[str] = TASK_COLUMNS,
) -> Statement:
    """The SQL (and its parameters) of the `columns` (`TASK_COLUMNS` or `BOARD_COLUMNS`)
    of the tasks `where` selects."""
    sql = f"SELECT {', '.join(columns)} {TASK_FROM}"
    if where:
        sql += f" WHERE {where}"
    return f"{sql} ORDER BY {order}", params


def details_statement(ids: str = "", params: Sequence[object] = ()) -> Statement:
    """The `DETAILS` of the tasks whose id is `ids` ("IN (…)" with `params`), or of all."""
    sql = DETAILS.format(
        tags=f"AND tt.task_id {ids}" if ids else "",
        subtasks=f"AND parent_id {ids}" if ids else "",
        blockers=f"AND d.task_id {ids}" if ids else "",
    )
    return sql, (*params, False, *params, False, *params)


def selected(where: str, params: Sequence[object]) -> Statement:
    """`details_statement`'s arguments for the tasks `where` selects (all without it)."""
    return (f"IN (SELECT t.id FROM task t WHERE {where})", params) if where else ("", ())


def rows_with_details(
    raw: Sequence[Sequence[Any]], found: Iterable[Sequence[Any]]
) -> list[TaskRow]:
    """The rows of `rows_statement` with the rows of `details_statement` as read models."""
    tags, subtasks, blockers = details(found)
    return [task_row(r, tags, subtasks, blockers) for r in raw]


def streamed_rows(
    conn: ReadConnection,
    where: str = "",
    params: Sequence[object] = (),
    order: str = BOARD_ORDER,
    chunk: int = _LISTED_IDS,
) -> Iterator[TaskRow]:
    """`task_rows`, streamed: `chunk` rows at a time with their details, so an export of
    100,000 tasks holds a chunk, not the store."""
    for raw in conn.stream(*rows_statement(where, params, order), size=chunk):
        ids = f"IN ({', '.join('?' * len(raw))})"
        yield from rows_with_details(raw, conn.rows(*details_statement(ids, [r[0] for r in raw])))


def task_rows(
    conn: ReadConnection,
    where: str = "",
    params: Sequence[object] = (),
    order: str = BOARD_ORDER,
) -> list[TaskRow]:
    """The tasks `where` selects (all without it), in `order`, as rows."""
    raw = conn.rows(*rows_statement(where, params, order))
    if not raw:
        return []
    if where and len(raw) <= _LISTED_IDS:
        ids: Statement = (f"IN ({', '.join('?' * len(raw))})", [r[0] for r in raw])
    else:
        ids = selected(where, params)
    return rows_with_details(raw, conn.rows(*details_statement(*ids)))


def task_detail(conn: ReadConnection, key: str) -> TaskDetail | None:
    """Everything `show` prints about one task, or None when no task has that key."""
    found = conn.one(
        "SELECT id, key, notes, start, recurrence FROM task WHERE key = ?",
        (key.strip().upper(),),
    )
    if found is None:
        return None
    tid, task_key, notes, start, recurrence = found
    row = task_rows(conn, "t.id = ?", (tid,))[0]
    subtasks = task_rows(conn, "t.parent_id = ?", (tid,), order="t.rank, t.id")
    blocked_by = task_rows(
        conn, "t.id IN (SELECT blocked_by_id FROM dependency WHERE task_id = ?)", (tid,)
    )
    blocking = task_rows(
        conn, "t.id IN (SELECT task_id FROM dependency WHERE blocked_by_id = ?)", (tid,)
    )
    comments = tuple(
        CommentView(id=cid, author=handle, body=body, created=moment(created) or datetime.now(UTC))
        for cid, handle, body, created in conn.rows(
            "SELECT c.id, pe.handle, c.body, c.created FROM comment c "
            "LEFT JOIN person pe ON pe.id = c.author_id "
            "WHERE c.task_id = ? ORDER BY c.created, c.id",
            (tid,),
        )
    )
    history = tuple(
        ActivityView(
            id=aid,
            at=moment(at) or datetime.now(UTC),
            actor=actor,
            change_id=change_id,
            action=action,
            field=field,
            old=old,
            new=new,
            task_key=task_key,
        )
        for aid, at, actor, change_id, action, field, old, new in conn.rows(
            "SELECT id, at, actor, change_id, action, field, old, new FROM activity "
            "WHERE task_id = ? ORDER BY id",
            (tid,),
        )
    )
    return TaskDetail(
        task=row,
        notes=notes,
        start=day(start),
        recurrence=recurrence,
        subtasks=tuple(subtasks),
        blocked_by=tuple(blocked_by),
        blocking=tuple(blocking),
        comments=comments,
        history=history,
    )


def project_id(conn: ReadConnection, key: str) -> int | None:
    found = conn.one("SELECT id FROM project WHERE key = ?", (key.strip().upper(),))
    return None if found is None else int(found[0])


def column_names(conn: ReadConnection, project: int | None) -> list[tuple[int, str]]:
    """(id, name) of a project's columns by position, or of every column."""
    if project is None:
        return [(int(i), n) for i, n in conn.rows("SELECT id, name FROM board_column")]
    return [
        (int(i), n)
        for i, n in conn.rows(
            "SELECT id, name FROM board_column WHERE project_id = ? ORDER BY position", (project,)
        )
    ]


def people(conn: ReadConnection, handle: str) -> list[tuple[int, str, str]]:
    """(id, handle, name) of the person whose handle is `handle`, else of every person
    whose handle starts with it."""
    exact = conn.one("SELECT id, handle, name FROM person WHERE handle = ?", (handle,))
    if exact is not None:
        return [(int(exact[0]), exact[1], exact[2])]
    return [
        (int(i), h, n)
        for i, h, n in conn.rows("SELECT id, handle, name FROM person ORDER BY id")
        if h.startswith(handle)
    ]


# The newest activity id: it changes whenever anyone commits a change.
REVISION = "SELECT max(id) FROM activity"


def revision(conn: ReadConnection) -> int:
    """The store's revision (`REVISION`)."""
    found = conn.one(REVISION)
    return int(found[0] or 0) if found else 0
