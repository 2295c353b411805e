"""Finding what people type, in plain SQL for the write steps: project keys, column and
handle prefixes, task keys (old ones too), key results and tags (made on first use).

`services.lookup` answers the same questions with ORM objects by asking these, so each
rule — a unique prefix, "did you mean", an old key after a move — is written once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from taskboard.domain import rules
from taskboard.domain.errors import AmbiguousError, NotFoundError, UnknownPersonError
from taskboard.domain.names import did_you_mean, match_name
from taskboard.store.writer import Writer

# Ids per IN list: well under SQLite's and psycopg's limits on bound parameters.
_CHUNK = 500


def marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


@dataclass(frozen=True, slots=True)
class ProjectRef:
    id: int
    key: str
    archived: bool


@dataclass(frozen=True, slots=True)
class ColumnRef:
    id: int
    project_id: int
    name: str
    position: int
    is_done: bool
    wip_limit: int | None


def project_by_key(w: Writer, key: str) -> ProjectRef:
    found = w.one("SELECT id, key, archived FROM project WHERE key = ?", (key.strip().upper(),))
    if found is None:
        raise NotFoundError(f"unknown project '{key}'")
    return ProjectRef(found[0], found[1], bool(found[2]))


def project_by_id(w: Writer, project_id: int) -> ProjectRef:
    found = w.one("SELECT id, key, archived FROM project WHERE id = ?", (project_id,))
    assert found is not None  # a task's project: the foreign key holds it
    return ProjectRef(found[0], found[1], bool(found[2]))


def columns_of(w: Writer, project_id: int) -> list[ColumnRef]:
    """A project's columns by position: the one reader of them for the write steps and the
    services. Read once per transaction until something writes a column (a statement of the
    writer's, or any ORM write of its session: `Writer.cache`): a move asks several times,
    its rules, then its place, and each ask was a round trip to the server."""
    known: dict[int, list[ColumnRef]] = w.cache.setdefault("board_column", {})
    if project_id not in known:
        known[project_id] = [
            ColumnRef(r[0], r[1], r[2], r[3], bool(r[4]), r[5])
            for r in w.rows(
                "SELECT id, project_id, name, position, is_done, wip_limit FROM board_column"
                " WHERE project_id = ? ORDER BY position",
                (project_id,),
            )
        ]
    return list(known[project_id])


def column_by_id(w: Writer, project_id: int, column_id: int) -> ColumnRef:
    return next(c for c in columns_of(w, project_id) if c.id == column_id)


class Named(Protocol):
    """A column read either way: by the ORM or here."""

    @property
    def name(self) -> str: ...


C = TypeVar("C", bound=Named)


def match_column(columns: Sequence[C], typed: str) -> C:
    """The column a name or unique prefix names (`>doing` or `doing`)."""
    shown = typed if typed.startswith(">") else f">{typed}"
    return columns[match_name([c.name for c in columns], typed.lstrip(">"), "column", shown)]


def done_column(columns: Sequence[C]) -> C | None:
    done = [c for c in columns if getattr(c, "is_done", False)]
    return done[-1] if done else None


def person_by_handle(w: Writer, handle: str) -> tuple[int, str] | None:
    found = w.one("SELECT id, handle FROM person WHERE handle = ?", (handle.lower(),))
    return (found[0], found[1]) if found else None


def resolve_person(w: Writer, typed: str, create: bool = True) -> tuple[int, str, bool]:
    """(id, handle, made) of the person whose handle `typed` is, or is the unique prefix of
    (one statement); a new person when none matches, or `UnknownPersonError` naming the
    closest handles when not `create`."""
    handle = rules.handle(typed)
    hits = w.rows(
        "SELECT id, handle FROM person WHERE handle LIKE ? ESCAPE '/' ORDER BY id",
        (handle_prefix(handle),),
    )
    chosen = chosen_person(typed, handle, [h for _, h in hits])
    if chosen is not None:
        return hits[chosen][0], hits[chosen][1], False
    person_id, made = unknown_person(w, handle, create)
    return person_id, handle, made


def handle_prefix(handle: str) -> str:
    """The LIKE pattern (escape character '/') of the handles that start with `handle`:
    the person it names exactly is among them, so one statement finds both."""
    return handle.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def chosen_person(typed: str, handle: str, handles: Sequence[str]) -> int | None:
    """Which of `handles` (those `handle_prefix` matches, oldest first) `typed` names: the
    one that is `handle`, else the only one; None when there is none."""
    if handle in handles:
        return handles.index(handle)
    if len(handles) > 1:
        raise AmbiguousError(f"ambiguous person '@{typed}': {', '.join('@' + h for h in handles)}")
    return 0 if handles else None


def unknown_person(w: Writer, handle: str, create: bool) -> tuple[int, bool]:
    """(id, made) of a new person for a handle that names no one, or, when not `create`,
    `UnknownPersonError` naming the closest handles."""
    if not create:
        handles = [h for (h,) in w.rows("SELECT handle FROM person")]
        raise UnknownPersonError(handle, did_you_mean(handle, handles))
    return add_person(w, handle, handle.replace(".", " ").title())


def add_person(w: Writer, handle: str, name: str, email: str | None = None) -> tuple[int, bool]:
    """(id, made) of the person with `handle` (checked by the caller): made now, or the one
    who has it, also when another writer made them a moment ago. The one way a person is
    made: INSERT … ON CONFLICT DO NOTHING, then a read, so two writers at once neither both
    insert nor fail on the unique handle (PostgreSQL's second waits for the first's commit)."""
    from taskboard.domain.dates import utcnow

    made = w.returning(
        "INSERT INTO person (handle, name, email, created) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (handle) DO NOTHING RETURNING id",
        (handle, name, email, utcnow()),
    )
    if made:
        return made[0][0], True
    found = person_by_handle(w, handle)
    assert found is not None  # the conflict was on this handle, which is never removed
    return found[0], False


def task_ids(w: Writer, keys: Collection[str]) -> dict[str, int]:
    """The ids of the tasks these keys (upper case) name: a key a task has now, or one it
    had before a move to another project.

    A move records each task's old and new key in the activity log (`move_project`), and
    so does its undo, which gives the task its old key back; a key is never given to another
    task, so an old key names one task for good. The log is asked only for keys no task
    has: it is not indexed by key.
    """
    wanted = list(keys)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(w.rows(f"SELECT key, id FROM task WHERE key IN ({marks(chunk)})", chunk))
    missing = [k for k in wanted if k not in found]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        found.update(
            w.rows(
                "SELECT a.old, t.id FROM activity a JOIN task t ON t.id = a.task_id"
                f" WHERE a.action = ? AND a.field = ? AND a.old IN ({marks(chunk)})",
                ["move_project", "key", *chunk],
            )
        )
    return found


def task_id(w: Writer, key: str) -> int:
    """The id of the task `key` names (see `task_ids`)."""
    found = task_ids(w, [key.strip().upper()])
    if not found:
        raise NotFoundError(f"unknown task '{key}'")
    return next(iter(found.values()))


def key_result_by_key(w: Writer, key: str) -> tuple[int, str]:
    found = w.one("SELECT id, key FROM key_result WHERE key = ?", (key.strip().upper(),))
    if found is None:
        raise NotFoundError(f"unknown key result '{key}'")
    return found[0], found[1]


def tag_ids(w: Writer, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named tags, creating the ones that do not exist yet: the one way a tag is
    made. INSERT … ON CONFLICT DO NOTHING, then a read of those another writer made a moment
    ago, so two writers at once neither both insert one nor fail on the unique name."""
    wanted = list(rules.tag_names(names))
    found = _tags_named(w, wanted)
    missing = [n for n in wanted if n not in found]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        found.update(
            w.returning(
                f"INSERT INTO tag (name) VALUES {', '.join(['(?)'] * len(chunk))}"
                " ON CONFLICT (name) DO NOTHING RETURNING name, id",
                chunk,
            )
        )
    found.update(_tags_named(w, [n for n in missing if n not in found]))
    return found


def _tags_named(w: Writer, names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(names), _CHUNK):
        chunk = names[start : start + _CHUNK]
        found.update(w.rows(f"SELECT name, id FROM tag WHERE name IN ({marks(chunk)})", chunk))
    return found


def depends_on(w: Writer, start: int, goal: int) -> bool:
    """Whether the task `start` (transitively) depends on the task `goal`."""
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        for (nxt,) in w.rows("SELECT blocked_by_id FROM dependency WHERE task_id = ?", (current,)):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
