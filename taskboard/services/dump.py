"""The lossless dump and its restore: every row of every table, written and read back as it was.

A restore checks every row against a pydantic model made from its table (types, ranges the
database can hold, lengths, the values an enumerated column allows), cleans its text of
control characters and escape sequences like every other way into the store, checks that
each reference points at a row restored before it and that no unique value repeats, and
finally that the restored store keeps the invariants (see `restore_checks`). Any failure
refuses the whole restore with one line naming the record and field; nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy import insert as core_insert
from sqlmodel import Session, col

from taskboard.domain.capture import MeetingKind
from taskboard.domain.enums import Priority
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
from taskboard.domain.okr import KrKind, Outcome, Status
from taskboard.domain.rules import INBOX
from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.services.errors import ServiceError
from taskboard.services.record_checks import describe
from taskboard.services.restore_checks import check_restored
from taskboard.store.connect import ReadConnection
from taskboard.store.reader import moment

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
# Texts that keep their line breaks; every other text is one line.
_MULTILINE = {
    ("task", "notes"),
    ("comment", "body"),
    ("objective", "description"),
    ("objective", "outcome_comment"),
    ("check_in", "note"),
    ("template", "description"),
    ("template_step", "notes"),
    ("activity", "old"),
    ("activity", "new"),
}
# Columns whose text names one of a fixed set of values.
_ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("task", "priority"): tuple(p.value for p in Priority),
    ("template_step", "priority"): tuple(p.value for p in Priority),
    ("key_result", "kind"): tuple(k.value for k in KrKind),
    ("objective", "status"): ("draft", "active", "closed"),
    ("objective", "status_override"): tuple(s.value for s in Status),
    ("objective", "outcome"): tuple(o.value for o in Outcome),
    ("meeting_item", "kind"): MeetingKind.__args__,  # type: ignore[attr-defined]
}
# What the columns can hold on both backends (PostgreSQL's integer is 32 bits).
_INT_RANGE = {Integer: 2**31 - 1, BigInteger: 2**63 - 1}


def _day(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("must be a date like 2026-12-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date like 2026-12-01") from None


def _moment(value: object) -> datetime:
    problem = "must be a time like 2026-12-01T09:30:00+00:00"
    if not isinstance(value, str):
        raise ValueError(problem)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(problem) from None
    if parsed.tzinfo is None:
        raise ValueError("has no time zone")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


def _cleaner(multiline: bool) -> Callable[[str], str]:
    return clean_multiline if multiline else clean


def _length(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return text

    return check


def _annotation(table: Table, column: Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return Annotated[datetime, BeforeValidator(_moment)]
    if isinstance(kind, Date):
        return Annotated[date, BeforeValidator(_day)]
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Integer):
        top = _INT_RANGE[BigInteger if isinstance(kind, BigInteger) else Integer]
        return Annotated[int, Field(ge=-top - 1, le=top)]
    if isinstance(kind, Float):
        return Annotated[float, Field(allow_inf_nan=False)]
    allowed = _ALLOWED.get((table.name, column.name))
    if allowed is not None:
        return Literal[allowed]
    text: Any = Annotated[str, AfterValidator(_cleaner((table.name, column.name) in _MULTILINE))]
    if isinstance(kind, String) and kind.length:
        text = Annotated[text, AfterValidator(_length(kind.length))]
    return text


def _row_model(table: Table) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for column in table.columns:
        annotation = _annotation(table, column)
        fields[column.name] = (annotation | None, None) if column.nullable else (annotation, ...)
    model: type[BaseModel] = create_model(
        f"{table.name}_row",
        __config__=ConfigDict(strict=True, extra="forbid"),
        **fields,
    )
    return model


_MODELS = {t.name: _row_model(t) for t in DUMP_TABLES}


def iso_utc(value: Any) -> str:
    """A stored UTC time as `datetime.isoformat` writes it aware: SQLite's usual text
    (`2026-12-03 13:24:44.527983`) is rearranged, anything else is parsed."""
    # (isoformat leaves out a zero fraction: such a time is parsed.)
    if isinstance(value, str) and len(value) == 26 and value[10] == " " and value[-6:] != "000000":
        return f"{value[:10]}T{value[11:]}+00:00"
    made = moment(value)
    assert made is not None
    return made.isoformat()


@dataclass(frozen=True, slots=True)
class DumpColumn:
    """A column of a dumped table as its JSON is written: `kind` says how the DB-API value
    becomes its JSON-ready one — int, text, time (ISO UTC with `+00:00`), date, bool, or
    any other (floats)."""

    name: str
    kind: str
    nullable: bool


def _kind(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return "time"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Integer):
        return "int"
    if isinstance(kind, String):
        return "text"
    return "other"


def _iso_day(value: Any) -> str:
    return value if isinstance(value, str) else str(value.isoformat())


# How a DB-API value of a kind becomes its JSON-ready value (the ORM's own); else as it is.
_READY: dict[str, Callable[[Any], Any]] = {"time": iso_utc, "date": _iso_day, "bool": bool}


def json_ready(columns: Sequence[DumpColumn], found: Sequence[Any]) -> dict[str, Any]:
    """A row as the DB-API driver gives it, as a dict of JSON-ready values."""
    row = {}
    for column, value in zip(columns, found, strict=True):
        ready = _READY.get(column.kind)
        row[column.name] = ready(value) if ready is not None and value is not None else value
    return row


def dump_chunks(s: Session) -> Iterator[tuple[str, tuple[DumpColumn, ...], list[Any]]]:
    """Every row of every table, by table then primary key, as the DB-API driver gives
    them, a chunk at a time (a server-side cursor on PostgreSQL): (table, its columns,
    rows). The ORM's row and type processing would cost more than the dump's own work."""
    conn = ReadConnection(s.connection().connection.dbapi_connection, s.get_bind().dialect.name)
    for table in DUMP_TABLES:
        columns = tuple(DumpColumn(c.name, _kind(c), bool(c.nullable)) for c in table.columns)
        listed = ", ".join(f'"{c.name}"' for c in columns)
        order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
        sql = f'SELECT {listed} FROM "{table.name}" ORDER BY {order}'
        for chunk in conn.stream(sql, size=2000):
            yield table.name, columns, chunk


def dump_rows(s: Session) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of every table, by table then primary key, values as JSON-ready values."""
    for table, columns, chunk in dump_chunks(s):
        for found in chunk:
            yield table, json_ready(columns, found)


class _Restore:
    """What one restore has seen: ids per table, unique values, references to set later."""

    def __init__(self, place: str) -> None:
        self.place = place
        self.ids: dict[str, set[int]] = defaultdict(set)
        self.unique: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
        self.later: list[tuple[Table, int, int]] = []

    def row(self, number: int, table: Table, row: Any) -> dict[str, Any]:
        where = f"{self.place}record {number} ({table.name})"
        try:
            values = _MODELS[table.name].model_validate(row).model_dump()
        except ValidationError as exc:
            raise ServiceError(describe(where, exc)[0]) from None
        self._references(where, table, values)
        self._unique(where, table, values)
        return values

    def _references(self, where: str, table: Table, values: dict[str, Any]) -> None:
        for column in table.columns:
            ref = values[column.name]
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if ref is None:
                    continue
                if target == table.name:
                    if ref not in self.ids[target]:
                        # Points forward: set it once every row of the table is in.
                        self.later.append((table, values["id"], ref))
                        values[column.name] = None
                elif ref not in self.ids[target]:
                    raise ServiceError(
                        f"{where}: {column.name} {ref} is no {target} of this dump"
                        f" (or comes after it)"
                    )
        if "id" in table.c and table.c.id.primary_key:
            self.ids[table.name].add(values["id"])

    def _unique(self, where: str, table: Table, values: dict[str, Any]) -> None:
        for constraint in table.constraints:
            if not isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
                continue
            names = tuple(c.name for c in constraint.columns)
            value = tuple(values[n] for n in names)
            if None in value:
                continue  # NULLs never collide
            seen = self.unique[(table.name, names)]
            if value in seen:
                shown = ", ".join(excerpt(str(v)) for v in value)
                raise ServiceError(f"{where}: {' and '.join(names)} {shown} appears twice")
            seen.add(value)

    def check_later(self) -> None:
        for table, row_id, ref in self.later:
            if ref not in self.ids[table.name]:
                column = _SELF_REFERENCES[table.name]
                raise ServiceError(
                    f"{self.place}{table.name} {row_id}: {column} {ref} is no {table.name}"
                    " of this dump"
                )


def restore_rows(s: Session, records: Iterable[tuple[str, Any]], place: str = "") -> int:
    """Restore a dump into an empty store (in the caller's transaction); returns the rows
    written. `place` ("all.json: ") prefixes every refusal.

    The INBOX that every new store has is replaced by the dump's own, so a restored
    store dumps byte for byte like the original.
    """
    count = 0
    _check_empty(s, place)
    s.execute(delete(BoardColumn))
    s.execute(delete(Project))
    seen = _Restore(place)
    batch: list[dict[str, Any]] = []
    current: Table | None = None
    for number, (name, row) in enumerate(records, start=1):
        table = _BY_NAME.get(name)
        if table is None:
            raise ServiceError(f"{place}record {number}: unknown table {excerpt(str(name))!r}")
        if table is not current:
            _insert(s, current, batch)
            batch, current = [], table
        batch.append(seen.row(number, table, row))
        count += 1
        if len(batch) >= _BATCH:
            _insert(s, current, batch)
            batch = []
    _insert(s, current, batch)
    seen.check_later()
    for table, row_id, ref in seen.later:
        column = _SELF_REFERENCES[table.name]
        s.execute(update(table).where(table.c.id == row_id).values({column: ref}))
    check_restored(s, place)
    if s.get_bind().dialect.name == "postgresql":
        for table in DUMP_TABLES:
            if "id" in table.c and table.c.id.primary_key:
                s.execute(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(table.name, "id"), func.max(table.c.id)
                        )
                    )
                )
    return count


def _check_empty(s: Session, place: str) -> None:
    for table in DUMP_TABLES:
        if table.name in ("project", "board_column"):
            continue
        if s.scalar(select(func.count()).select_from(table)):
            raise ServiceError(
                f"{place}restoring needs an empty store, and this one has {table.name} rows"
            )
    keys = list(s.scalars(select(col(Project.key))))
    if keys != [INBOX]:
        raise ServiceError(
            f"{place}restoring needs an empty store, and this one has projects {', '.join(keys)}"
        )


def _insert(s: Session, table: Table | None, rows: list[dict[str, Any]]) -> None:
    if table is None or not rows:
        return
    if "id" in table.c:
        # With RETURNING the rows go as multi-row VALUES, not a statement each: see
        # `ops.tasks.RETURN_IDS` (on SQLite each statement flushes the search index).
        s.execute(core_insert(table).returning(table.c.id), rows).all()
    else:
        s.execute(core_insert(table), rows)
