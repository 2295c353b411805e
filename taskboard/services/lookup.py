"""Finding things by what people type: project keys, column and handle prefixes, task keys."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as AnySession
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.models import (
    BoardColumn,
    KeyResult,
    Person,
    Project,
    Task,
)
from taskboard.services.errors import NotFoundError
from taskboard.services.ops import find
from taskboard.store.writer import Writer, forget_read


def project_by_key(session: Session, key: str) -> Project:
    project = session.scalars(
        select(Project).where(col(Project.key) == key.strip().upper())
    ).first()
    if project is None:
        raise NotFoundError(f"unknown project '{key}'")
    return project


@event.listens_for(AnySession, "after_flush")
def _flushed(session: AnySession, _context: object) -> None:
    # A column the ORM added or changed is read again by the session's writer.
    forget_read(session)


@event.listens_for(AnySession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:  # an insert, update or delete outside the ORM's own flush
        forget_read(state.session)


match_column = find.match_column
done_column = find.done_column


def person_by_handle(session: Session, handle: str) -> Person | None:
    return session.scalars(select(Person).where(col(Person.handle) == handle.lower())).first()


def resolve_person(session: Session, typed: str, create: bool = True) -> tuple[Person, bool]:
    """The person whose handle `typed` is, or is the unique prefix of, in one statement; a
    new one if none (the rule is `find.resolve_person`'s)."""
    handle = rules.handle(typed)
    hits = list(
        session.scalars(
            select(Person)
            .where(col(Person.handle).like(find.handle_prefix(handle), escape="/"))
            .order_by(col(Person.id))
        )
    )
    chosen = find.chosen_person(typed, handle, [p.handle for p in hits])
    if chosen is not None:
        return hits[chosen], False
    person_id, made = find.unknown_person(Writer.of_session(session), handle, create)
    return session.get_one(Person, person_id), made


def task_by_key(session: Session, key: str) -> Task:
    """The task `key` names: its key now, or a key it had before it moved to another project."""
    task = session.scalars(select(Task).where(col(Task.key) == key.strip().upper())).first()
    if task is None:  # perhaps a key it had before a move to another project
        task = session.get_one(Task, find.task_id(Writer.of_session(session), key))
    return task


def key_result_by_key(session: Session, key: str) -> KeyResult:
    kr = session.scalars(select(KeyResult).where(col(KeyResult.key) == key.strip().upper())).first()
    if kr is None:
        raise NotFoundError(f"unknown key result '{key}'")
    return kr


def tag_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named tags, creating the ones that do not exist yet."""
    return find.tag_ids(Writer.of_session(session), names)


def columns_of_task_name(session: Session, task: Task) -> str:
    column = session.get(BoardColumn, task.column_id)
    assert column is not None
    return column.name


def depends_on(s: Session, start: int, goal: int) -> bool:
    """Whether the task `start` (transitively) depends on the task `goal`."""
    return find.depends_on(Writer.of_session(s), start, goal)
