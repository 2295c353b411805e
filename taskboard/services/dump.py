"""The lossless dump and its restore: every row of every table, written and read back as it was."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Table, delete, func, select, update
from sqlalchemy import insert as core_insert
from sqlmodel import Session, col

from taskboard.domain.models import (
    Activity,
    AgendaItem,
    BoardColumn,
    CheckIn,
    Comment,
    Cycle,
    Dependency,
    KeyResult,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    Objective,
    Person,
    Project,
    Tag,
    Task,
    TaskTag,
    Template,
    TemplateStep,
    UTCDateTime,
)
from taskboard.domain.text import excerpt
from taskboard.services.errors import ServiceError
from taskboard.services.tasks import INBOX

# Parents before children: restoring in this order never breaks a foreign key.
DUMP_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[union-attr]
    for m in (
        Person,
        Project,
        BoardColumn,
        Tag,
        Cycle,
        Objective,
        KeyResult,
        Task,
        TaskTag,
        Dependency,
        Comment,
        CheckIn,
        Meeting,
        MeetingAttendee,
        AgendaItem,
        MeetingItem,
        Template,
        TemplateStep,
        Activity,
    )
)
_BY_NAME = {t.name: t for t in DUMP_TABLES}
_SELF_REFERENCES = {"task": "parent_id", "objective": "parent_id"}
_BATCH = 2000


def _decoder(column: Any) -> Callable[[Any], Any]:
    kind = column.type
    nullable = column.nullable

    def check(value: Any) -> Any:
        if value is None:
            if not nullable:
                raise ValueError("is missing")
            return None
        if isinstance(kind, UTCDateTime):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("has no time zone")
            return parsed
        if isinstance(kind, Date):
            return date.fromisoformat(value)
        if isinstance(kind, Boolean):
            ok = isinstance(value, bool)
        elif isinstance(kind, Integer):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(kind, Float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(kind, String):
            ok = isinstance(value, str)
        else:
            ok = True
        if not ok:
            raise ValueError(f"has the wrong type ({type(value).__name__})")
        return value

    return check


_DECODERS = {t.name: {c.name: _decoder(c) for c in t.columns} for t in DUMP_TABLES}


def dump_rows(s: Session) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of every table, by table then primary key, values as JSON-ready values."""
    for table in DUMP_TABLES:
        names = [c.name for c in table.columns]
        dated = [i for i, c in enumerate(table.columns) if isinstance(c.type, UTCDateTime | Date)]
        stmt = select(table).order_by(*table.primary_key.columns)
        for row in s.execute(stmt.execution_options(yield_per=5000)):
            values = list(row)
            for i in dated:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
            yield table.name, dict(zip(names, values, strict=True))


def restore_rows(s: Session, records: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """Restore a dump into an empty store in one transaction; returns the rows written.

    The INBOX that every new store has is replaced by the dump's own, so a restored
    store dumps byte for byte like the original.
    """
    count = 0
    _check_empty(s)
    s.execute(delete(BoardColumn))
    s.execute(delete(Project))
    batch: list[dict[str, Any]] = []
    current: Table | None = None
    seen: dict[str, set[int]] = defaultdict(set)
    later: list[tuple[Table, int, int]] = []
    for number, (name, row) in enumerate(records, start=1):
        table = _BY_NAME.get(name)
        if table is None:
            raise ServiceError(f"record {number}: unknown table {excerpt(str(name))!r}")
        if table is not current:
            _insert(s, current, batch)
            batch, current = [], table
        batch.append(_decode(number, table, row, seen, later))
        count += 1
        if len(batch) >= _BATCH:
            _insert(s, current, batch)
            batch = []
    _insert(s, current, batch)
    for table, row_id, ref in later:
        column = _SELF_REFERENCES[table.name]
        s.execute(update(table).where(table.c.id == row_id).values({column: ref}))
    if s.get_bind().dialect.name == "postgresql":
        for table in DUMP_TABLES:
            if "id" in table.c and table.c.id.primary_key:
                s.execute(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(table.name, "id"),
                            func.max(table.c.id),
                        )
                    )
                )
    return count


def _check_empty(s: Session) -> None:
    for table in DUMP_TABLES:
        if table.name in ("project", "board_column"):
            continue
        if s.scalar(select(func.count()).select_from(table)):
            raise ServiceError(
                f"restoring needs an empty store, and this one has {table.name} rows"
            )
    keys = list(s.scalars(select(col(Project.key))))
    tasks = s.scalar(select(func.count()).select_from(Task))
    if keys != [INBOX] or tasks:
        raise ServiceError(
            f"restoring needs an empty store, and this one has projects {', '.join(keys)}"
        )


def _decode(
    number: int,
    table: Table,
    row: dict[str, Any],
    seen: dict[str, set[int]],
    later: list[tuple[Table, int, int]],
) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ServiceError(f"record {number} ({table.name}): the row is not an object")
    decoders = _DECODERS[table.name]
    unknown = sorted(set(row) - set(decoders))
    if unknown:
        raise ServiceError(f"record {number} ({table.name}): unknown field {excerpt(unknown[0])!r}")
    values: dict[str, Any] = {}
    for name, decode in decoders.items():
        try:
            values[name] = decode(row.get(name))
        except (ValueError, TypeError) as exc:
            raise ServiceError(f"record {number} ({table.name}): {name} {exc}") from None
    self_ref = _SELF_REFERENCES.get(table.name)
    if self_ref is not None:
        seen[table.name].add(values["id"])
        ref = values[self_ref]
        if ref is not None and ref not in seen[table.name]:
            # Points forward: set it once the referenced row exists.
            later.append((table, values["id"], ref))
            values[self_ref] = None
    return values


def _insert(s: Session, table: Table | None, rows: list[dict[str, Any]]) -> None:
    if table is not None and rows:
        s.execute(core_insert(table), rows)
