"""Finding things by what people type: project keys, column and handle prefixes, task keys."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as AnySession
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.models import (
    Activity,
    BoardColumn,
    Dependency,
    KeyResult,
    Person,
    Project,
    Tag,
    Task,
)
from taskboard.services.errors import AmbiguousError, NotFoundError, UnknownPersonError
from taskboard.services.names import did_you_mean, match_name


def project_by_key(session: Session, key: str) -> Project:
    project = session.scalars(
        select(Project).where(col(Project.key) == key.strip().upper())
    ).first()
    if project is None:
        raise NotFoundError(f"unknown project '{key}'")
    return project


# Where a session keeps the columns it read, per project id (`columns_of`).
_COLUMNS = "taskboard_columns"


def columns_of(session: Session, project_id: int) -> list[BoardColumn]:
    """A project's columns by position. Read once per session until its next write: a move
    asks for them several times (its rules, then its place), and each ask was a round trip
    to the server."""
    known: dict[int, list[BoardColumn]] = session.info.setdefault(_COLUMNS, {})
    if project_id not in known:
        known[project_id] = list(
            session.scalars(
                select(BoardColumn)
                .where(col(BoardColumn.project_id) == project_id)
                .order_by(col(BoardColumn.position))
            )
        )
    return list(known[project_id])


@event.listens_for(AnySession, "after_flush")
def _flushed(session: AnySession, _context: object) -> None:
    session.info.pop(_COLUMNS, None)  # a column added or removed is read again


@event.listens_for(AnySession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:  # an insert, update or delete outside the ORM's own flush
        state.session.info.pop(_COLUMNS, None)


def match_column(columns: Sequence[BoardColumn], typed: str) -> BoardColumn:
    shown = typed if typed.startswith(">") else f">{typed}"
    return columns[match_name([c.name for c in columns], typed.lstrip(">"), "column", shown)]


def done_column(columns: Sequence[BoardColumn]) -> BoardColumn | None:
    done = [c for c in columns if c.is_done]
    return done[-1] if done else None


def person_by_handle(session: Session, handle: str) -> Person | None:
    return session.scalars(select(Person).where(col(Person.handle) == handle.lower())).first()


def resolve_person(session: Session, typed: str, create: bool = True) -> tuple[Person, bool]:
    """The person whose handle `typed` is, or is the unique prefix of; a new one if none."""
    handle = rules.handle(typed)
    exact = person_by_handle(session, handle)
    if exact is not None:
        return exact, False
    hits = list(
        session.scalars(
            select(Person).where(col(Person.handle).startswith(handle, autoescape=True))
        )
    )
    if len(hits) == 1:
        return hits[0], False
    if len(hits) > 1:
        raise AmbiguousError(
            f"ambiguous person '@{typed}': {', '.join('@' + p.handle for p in hits)}"
        )
    if not create:
        handles = list(session.scalars(select(col(Person.handle))))
        raise UnknownPersonError(handle, did_you_mean(handle, handles))
    person = Person(handle=handle, name=handle.replace(".", " ").title())
    session.add(person)
    session.flush()
    return person, True


def task_by_key(session: Session, key: str) -> Task:
    """The task `key` names: its key now, or a key it had before it moved to another project."""
    wanted = key.strip().upper()
    task = session.scalars(select(Task).where(col(Task.key) == wanted)).first()
    if task is None:
        task = moved_tasks(session, [wanted]).get(wanted)
    if task is None:
        raise NotFoundError(f"unknown task '{key}'")
    return task


def moved_tasks(session: Session, keys: Collection[str]) -> dict[str, Task]:
    """The tasks that had these keys (upper case) before a move to another project.

    A move records each task's old and new key in the activity log (`move_project`); keys
    are never reused and such a move is never undone, so an old key names one task for good,
    whatever its key is now. Asked only for keys no task has: the log is not indexed by key.
    """
    if not keys:
        return {}
    moves = select(col(Activity.old), col(Activity.task_id)).where(
        col(Activity.action) == "move_project",
        col(Activity.field) == "key",
        col(Activity.old).in_(list(keys)),
    )
    ids = {old: task_id for old, task_id in session.execute(moves) if task_id is not None}
    found = {t.id: t for t in session.scalars(select(Task).where(col(Task.id).in_(ids.values())))}
    return {old: found[task_id] for old, task_id in ids.items() if task_id in found}


def key_result_by_key(session: Session, key: str) -> KeyResult:
    kr = session.scalars(select(KeyResult).where(col(KeyResult.key) == key.strip().upper())).first()
    if kr is None:
        raise NotFoundError(f"unknown key result '{key}'")
    return kr


def tag_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named tags, creating the ones that do not exist yet."""
    wanted = rules.tag_names(names)
    if not wanted:
        return {}
    found = {
        t.name: t.id
        for t in session.scalars(select(Tag).where(col(Tag.name).in_(wanted)))
        if t.id is not None
    }
    for name in wanted:
        if name not in found:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
            assert tag.id is not None
            found[name] = tag.id
    return found


def columns_of_task_name(session: Session, task: Task) -> str:
    column = session.get(BoardColumn, task.column_id)
    assert column is not None
    return column.name


def depends_on(s: Session, start: int, goal: int) -> bool:
    """Whether the task `start` (transitively) depends on the task `goal`."""
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        for (nxt,) in s.execute(
            select(col(Dependency.blocked_by_id)).where(col(Dependency.task_id) == current)
        ):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
