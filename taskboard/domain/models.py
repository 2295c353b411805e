"""SQLModel table models: the single description of the schema that Alembic migrates to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    DateTime,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from taskboard.domain.dates import utcnow as utcnow

# Constraint names must be deterministic so SQLite batch migrations can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on every backend and hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(sa_type=String(40), unique=True)
    name: str = Field(sa_type=String(200))
    email: str | None = Field(default=None, sa_type=String(200))
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(6), unique=True)
    name: str = Field(sa_type=String(200))
    description: str = Field(default="")
    archived: bool = Field(default=False)
    # Highest task number ever issued: keys are never reused, even after deletes.
    last_number: int = Field(default=0)
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BoardColumn(SQLModel, table=True):
    __tablename__: ClassVar[str] = "board_column"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=String(60))
    position: int
    wip_limit: int | None = Field(default=None)
    is_done: bool = Field(default=False)


class Task(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    column_id: int = Field(foreign_key="board_column.id", ondelete="RESTRICT", index=True)
    number: int
    key: str = Field(sa_type=String(20), unique=True)
    title: str
    notes: str = Field(default="")
    assignee_id: int | None = Field(
        default=None, foreign_key="person.id", ondelete="SET NULL", index=True
    )
    due: date | None = Field(default=None, index=True)
    start: date | None = Field(default=None)
    priority: str = Field(default="normal", sa_type=String(10))
    parent_id: int | None = Field(
        default=None, foreign_key="task.id", ondelete="CASCADE", index=True
    )
    rank: str = Field(sa_type=String(64))
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed: datetime | None = Field(default=None, sa_type=UTCDateTime)
    archived: bool = Field(default=False)
    recurrence: str | None = Field(default=None, sa_type=String(200))
    key_result_id: int | None = Field(
        default=None, foreign_key="key_result.id", ondelete="SET NULL", index=True
    )
    # Where an import came from, so importing the same file twice makes no twins.
    source_id: str | None = Field(default=None, sa_type=String(200), unique=True)
    # Optimistic locking: `services.ops.versions.save_task`, the one write of a task, saves
    # it as version + 1 where the version is the one read, and refuses it otherwise.
    version: int = Field(default=1)


class Tag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(60), unique=True)


class TaskTag(SQLModel, table=True):
    __tablename__: ClassVar[str] = "task_tag"

    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE", primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", ondelete="CASCADE", primary_key=True, index=True)


class Dependency(SQLModel, table=True):
    """`task_id` cannot be finished before `blocked_by_id` is done."""

    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE", primary_key=True)
    blocked_by_id: int = Field(
        foreign_key="task.id", ondelete="CASCADE", primary_key=True, index=True
    )


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    body: str
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Cycle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(40), unique=True)
    start: date
    end: date


class Objective(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    key: str = Field(sa_type=String(20), unique=True)
    title: str
    description: str = Field(default="")
    owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="RESTRICT", index=True)
    parent_id: int | None = Field(
        default=None, foreign_key="objective.id", ondelete="SET NULL", index=True
    )
    status: str = Field(default="active", sa_type=String(10))  # draft / active / closed
    status_override: str | None = Field(default=None, sa_type=String(20))
    outcome: str | None = Field(default=None, sa_type=String(20))
    outcome_comment: str = Field(default="")
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed: datetime | None = Field(default=None, sa_type=UTCDateTime)


class KeyResult(SQLModel, table=True):
    __tablename__: ClassVar[str] = "key_result"
    __table_args__ = (UniqueConstraint("objective_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", ondelete="CASCADE", index=True)
    number: int
    key: str = Field(sa_type=String(20), unique=True)
    title: str
    owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    kind: str = Field(default="number", sa_type=String(10))
    start_value: float = Field(default=0.0)
    target_value: float
    current_value: float
    unit: str = Field(default="", sa_type=String(20))
    weight: float = Field(default=1.0)
    confidence: float | None = Field(default=None)
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CheckIn(SQLModel, table=True):
    __tablename__: ClassVar[str] = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    key_result_id: int = Field(foreign_key="key_result.id", ondelete="CASCADE", index=True)
    value: float
    previous_value: float
    confidence: float | None = Field(default=None)
    note: str = Field(default="")
    author_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="SET NULL", index=True
    )
    started: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeetingAttendee(SQLModel, table=True):
    __tablename__: ClassVar[str] = "meeting_attendee"

    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)


class AgendaItem(SQLModel, table=True):
    __tablename__: ClassVar[str] = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    position: int
    title: str
    task_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    started: datetime | None = Field(default=None, sa_type=UTCDateTime)
    discussed: bool = Field(default=False)


class MeetingItem(SQLModel, table=True):
    __tablename__: ClassVar[str] = "meeting_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    kind: str = Field(sa_type=String(10))  # task / decision / note / question / checkin
    text: str
    task_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    check_in_id: int | None = Field(default=None, foreign_key="check_in.id", ondelete="SET NULL")
    agenda_item_id: int | None = Field(
        default=None, foreign_key="agenda_item.id", ondelete="SET NULL"
    )
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # A question's owner (`?: who books the transporter @jonas`); revision 0003.
    owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")


class MeetingPresence(SQLModel, table=True):
    """One open meeting screen: a heartbeat row, fresh while its process lives (rev. 0003)."""

    __tablename__: ClassVar[str] = "meeting_presence"

    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", primary_key=True)
    session: str = Field(sa_type=String(32), primary_key=True)
    who: str = Field(sa_type=String(40))
    seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Template(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(120), unique=True)
    description: str = Field(default="")
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TemplateStep(SQLModel, table=True):
    __tablename__: ClassVar[str] = "template_step"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="template.id", ondelete="CASCADE", index=True)
    position: int
    title: str
    offset_days: int | None = Field(default=None)
    assignee_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    column_name: str | None = Field(default=None, sa_type=String(60))
    tags: str = Field(default="")  # space-separated, lower-case
    priority: str = Field(default="normal", sa_type=String(10))
    notes: str = Field(default="")


class Activity(SQLModel, table=True):
    """One field of one change: the audit trail, undo/redo and flow metrics read it."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(sa_type=String(40))
    # All rows written by one use case share a change id: undo reverses them together.
    change_id: str = Field(sa_type=String(32), index=True)
    entity: str = Field(sa_type=String(20))  # task / project / column / person / objective / …
    entity_id: int | None = Field(default=None)
    task_id: int | None = Field(default=None, index=True)
    project_id: int | None = Field(default=None, index=True)
    action: str = Field(sa_type=String(20))  # create / update / move / done / archive / comment / …
    field: str | None = Field(default=None, sa_type=String(40))
    old: str | None = Field(default=None)
    new: str | None = Field(default=None)
    # Undo bookkeeping: a change that was undone, and the change an undo reverted.
    undone: bool = Field(default=False)
    reverts: str | None = Field(default=None, sa_type=String(32))


ALL_TABLES = tuple(metadata.sorted_tables)
