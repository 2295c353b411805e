"""Moving data in and out: lossless dump/restore, boards read for exporters, bulk task imports."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Table, delete, func, select, update
from sqlalchemy import insert as core_insert
from sqlmodel import Session, col

from taskboard.domain import rules
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
    utcnow,
)
from taskboard.domain.ordering import initial_ranks
from taskboard.domain.rules import DONE_NAMES, INBOX, MAX_TITLE
from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import ServiceError
from taskboard.services.numbers import reserve_numbers

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
_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Lane:
    name: str
    wip_limit: int | None
    is_done: bool
    open_cards: int


@dataclass(frozen=True, slots=True)
class Board:
    key: str
    name: str
    description: str
    lanes: tuple[Lane, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One task as exporters write it."""

    id: int
    key: str
    project: str
    title: str
    column: str
    assignee: str | None
    due: date | None
    priority: str
    tags: tuple[str, ...]
    done: bool
    archived: bool
    notes: str
    parent_id: int | None
    parent: str | None
    created: datetime
    updated: datetime
    completed: datetime | None


@dataclass(frozen=True, slots=True)
class ImportComment:
    body: str
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportDraft:
    """One task of a foreign file; `where` ("line 12", "record 3") is named in errors."""

    where: str
    title: str
    source_id: str | None = None
    project: str | None = None
    column: str | None = None
    assignee: str | None = None
    due: date | None = None
    start: date | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    parent: str | None = None  # the source id of the parent task
    done: bool = False
    archived: bool = False
    created: datetime | None = None
    completed: datetime | None = None
    comments: tuple[ImportComment, ...] = ()
    depends_on: tuple[str, ...] = ()  # source ids of the tasks that block this one


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """A column an imported board has, even when no task is in it."""

    name: str
    wip_limit: int | None = None
    is_done: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: tuple[str, ...]
    skipped: int
    new_columns: tuple[str, ...]
    new_people: tuple[str, ...]


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


class TransferService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- lossless dump and restore ------------------------------------------

    def dump(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every row of every table, by table then primary key, values as JSON-ready values."""
        with self.ctx.store.read() as s:
            for table in DUMP_TABLES:
                names = [c.name for c in table.columns]
                dated = [
                    i for i, c in enumerate(table.columns) if isinstance(c.type, UTCDateTime | Date)
                ]
                stmt = select(table).order_by(*table.primary_key.columns)
                for row in s.execute(stmt.execution_options(yield_per=5000)):
                    values = list(row)
                    for i in dated:
                        if values[i] is not None:
                            values[i] = values[i].isoformat()
                    yield table.name, dict(zip(names, values, strict=True))

    def restore(self, records: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Restore a dump into an empty store in one transaction; returns the rows written.

        The INBOX that every new store has is replaced by the dump's own, so a restored
        store dumps byte for byte like the original.
        """
        count = 0
        with self.ctx.store.write() as s:
            self._check_empty(s)
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
                    self._insert(s, current, batch)
                    batch, current = [], table
                batch.append(self._decode(number, table, row, seen, later))
                count += 1
                if len(batch) >= _BATCH:
                    self._insert(s, current, batch)
                    batch = []
            self._insert(s, current, batch)
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

    @staticmethod
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

    @staticmethod
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
            raise ServiceError(
                f"record {number} ({table.name}): unknown field {excerpt(unknown[0])!r}"
            )
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

    @staticmethod
    def _insert(s: Session, table: Table | None, rows: list[dict[str, Any]]) -> None:
        if table is not None and rows:
            s.execute(core_insert(table), rows)

    # ---- boards for exporters -------------------------------------------------

    def boards(self, project: str | None = None) -> list[Board]:
        """One project's board, or every project that is not archived, by key."""
        with self.ctx.store.read() as s:
            if project is not None:
                projects = [lookup.project_by_key(s, project)]
            else:
                projects = list(
                    s.scalars(
                        select(Project)
                        .where(col(Project.archived).is_(False))
                        .order_by(col(Project.key))
                    )
                )
            counts: dict[int, int] = dict(
                s.execute(
                    select(col(Task.column_id), func.count())
                    .where(Task.parent_id.is_(None), Task.archived.is_(False))  # type: ignore[union-attr, attr-defined]
                    .group_by(col(Task.column_id))
                ).all()
            )
            return [
                Board(
                    key=p.key,
                    name=p.name,
                    description=p.description,
                    lanes=tuple(
                        Lane(c.name, c.wip_limit, c.is_done, int(counts.get(c.id or 0, 0)))
                        for c in lookup.columns_of(s, p.id or 0)
                    ),
                )
                for p in projects
            ]

    def cards(self, project: str | None = None, scope: str = "all") -> Iterator[Card]:
        """Tasks streamed in board order (project, column, rank); scope is all, top or sub."""
        from sqlalchemy.orm import aliased

        parent = aliased(Task)
        with self.ctx.store.read() as s:
            agg = (
                func.string_agg(Tag.name, "\x1f")
                if s.get_bind().dialect.name == "postgresql"
                else func.group_concat(Tag.name, "\x1f")
            )
            tags = (
                select(agg)
                .select_from(TaskTag)
                .join(Tag, col(Tag.id) == TaskTag.tag_id)
                .where(col(TaskTag.task_id) == Task.id)
                .scalar_subquery()
            )
            stmt = (
                select(
                    col(Task.id),
                    col(Task.key),
                    col(Project.key),
                    col(Task.title),
                    col(BoardColumn.name),
                    col(Person.handle),
                    col(Task.due),
                    col(Task.priority),
                    tags,
                    col(Task.archived),
                    col(Task.notes),
                    col(Task.parent_id),
                    col(parent.key),
                    col(Task.created),
                    col(Task.updated),
                    col(Task.completed),
                )
                .join(Project, col(Project.id) == Task.project_id)
                .join(BoardColumn, col(BoardColumn.id) == Task.column_id)
                .outerjoin(Person, col(Person.id) == Task.assignee_id)
                .outerjoin(parent, col(parent.id) == Task.parent_id)
                .order_by(col(Project.key), col(BoardColumn.position), col(Task.rank), col(Task.id))
            )
            if project is not None:
                stmt = stmt.where(col(Project.key) == lookup.project_by_key(s, project).key)
            if scope == "top":
                stmt = stmt.where(Task.parent_id.is_(None))  # type: ignore[union-attr]
            elif scope == "sub":
                stmt = stmt.where(Task.parent_id.is_not(None))  # type: ignore[union-attr]
            for r in s.execute(stmt.execution_options(yield_per=5000)):
                yield Card(
                    id=r[0],
                    key=r[1],
                    project=r[2],
                    title=r[3],
                    column=r[4],
                    assignee=r[5],
                    due=r[6],
                    priority=r[7],
                    tags=tuple(sorted(r[8].split("\x1f"))) if r[8] else (),
                    done=r[15] is not None,
                    archived=r[9],
                    notes=r[10],
                    parent_id=r[11],
                    parent=r[12],
                    created=r[13],
                    updated=r[14],
                    completed=r[15],
                )

    # ---- imports of foreign files ---------------------------------------------

    def import_tasks(
        self,
        project_key: str | None,
        records: Sequence[ImportDraft],
        lanes: Sequence[LaneSpec] = (),
    ) -> ImportResult:
        """Create the drafted tasks in one transaction; records whose source id exists are
        skipped. With `project_key` everything goes there and missing columns are created;
        without it each record names an existing project (INBOX when none) and column."""
        with self.ctx.store.write() as s:
            return _Importer(s, ChangeLog(s, self.ctx.actor), project_key).run(records, lanes)


class _Importer:
    """The state of one import: caches of projects, columns, people, and the rows to write."""

    def __init__(self, s: Session, log: ChangeLog, project_key: str | None) -> None:
        self.s = s
        self.log = log
        self.target = lookup.project_by_key(s, project_key) if project_key else None
        if self.target is not None and self.target.archived:
            raise ServiceError(f"project {self.target.key} is archived")
        self.projects: dict[str, Project] = {}
        self.columns: dict[int, list[BoardColumn]] = {}
        self.people: dict[str, int] = {}
        self.new_columns: list[str] = []
        self.new_people: list[str] = []
        self._fresh_index: dict[int, int] = {}

    def run(self, records: Sequence[ImportDraft], lanes: Sequence[LaneSpec]) -> ImportResult:
        s = self.s
        if self.target is not None:
            for lane in lanes:
                self._column(self.target, lane.name, lane.is_done, lane.wip_limit, "lanes")
        by_source: dict[str, ImportDraft] = {}
        for r in records:
            if r.source_id is not None:
                if r.source_id in by_source:
                    first = by_source[r.source_id].where
                    raise ServiceError(
                        f"{r.where}: the same task as {first} ({excerpt(r.source_id)})"
                    )
                by_source[r.source_id] = r
        existing = self._existing(list(by_source))
        fresh = [r for r in records if r.source_id is None or r.source_id not in existing]
        self._fresh_index = {id(r): i for i, r in enumerate(fresh)}
        depth = self._depths(fresh, by_source, existing)
        plans = [self._plan(r, by_source, existing) for r in fresh]
        numbers = self._numbers(plans)
        ranks = self._ranks(plans, existing)
        now = utcnow()
        ids: dict[int, int] = {}  # index in `fresh` -> new task id
        for level in sorted(set(depth)):
            rows = []
            for i, (r, plan) in enumerate(zip(fresh, plans, strict=True)):
                if depth[i] != level:
                    continue
                project, column, parent_ref = plan
                parent_id = None
                if parent_ref is not None:
                    parent_id = parent_ref[1] if parent_ref[0] < 0 else ids[parent_ref[0]]
                done = r.done or column.is_done
                rows.append(
                    {
                        "project_id": project.id,
                        "column_id": column.id,
                        "number": numbers[i],
                        "key": f"{project.key}-{numbers[i]}",
                        "title": _title(r),
                        "notes": clean_multiline(r.notes),
                        "assignee_id": self._person(r.assignee) if r.assignee else None,
                        "due": r.due,
                        "start": r.start,
                        "priority": _priority(r),
                        "parent_id": parent_id,
                        "rank": ranks[i],
                        "created": r.created or now,
                        "updated": now,
                        "completed": (r.completed or now) if done else None,
                        "archived": r.archived,
                        "recurrence": None,
                        "key_result_id": None,
                        "source_id": r.source_id,
                        "version": 1,
                    }
                )
            s.execute(core_insert(Task), rows)
            keys: dict[str, int] = {
                str(row["key"]): i
                for i, row in zip(
                    [i for i in range(len(fresh)) if depth[i] == level], rows, strict=True
                )
            }
            for chunk in _chunks(list(keys)):
                for key, task_id in s.execute(
                    select(col(Task.key), col(Task.id)).where(col(Task.key).in_(chunk))
                ):
                    ids[keys[key]] = task_id
        self._links(fresh, ids, existing, now)
        created = []
        for i, (project, _column, _parent) in enumerate(plans):
            key = f"{project.key}-{numbers[i]}"
            created.append(key)
            self.log.record("create", task_id=ids[i], project_id=project.id, new=key)
        self.log.flush()
        return ImportResult(
            created=tuple(created),
            skipped=len(records) - len(fresh),
            new_columns=tuple(self.new_columns),
            new_people=tuple(self.new_people),
        )

    def _existing(self, sources: list[str]) -> dict[str, tuple[int, int, int]]:
        found: dict[str, tuple[int, int, int]] = {}
        for chunk in _chunks(sources):
            stmt = select(
                col(Task.source_id), col(Task.id), col(Task.project_id), col(Task.column_id)
            ).where(
                Task.source_id.in_(chunk)  # type: ignore[union-attr]
            )
            for source, *rest in self.s.execute(stmt):
                found[source] = (rest[0], rest[1], rest[2])
        return found

    @staticmethod
    def _depths(
        fresh: list[ImportDraft], by_source: dict[str, ImportDraft], existing: dict[str, Any]
    ) -> list[int]:
        memo: dict[int, int] = {}
        result = []
        for r in fresh:
            chain: list[int] = []
            node: ImportDraft | None = r
            while node is not None and id(node) not in memo:
                if id(node) in chain:
                    raise ServiceError(f"{r.where}: its parents form a loop")
                chain.append(id(node))
                ref = node.parent
                if ref is None or ref in existing:
                    node = None
                elif ref in by_source:
                    node = by_source[ref]
                else:
                    raise ServiceError(f"{node.where}: unknown parent task {excerpt(ref)!r}")
            base = memo[id(node)] + 1 if node is not None else 0
            for offset, key in enumerate(reversed(chain)):
                memo[key] = base + offset
            result.append(memo[id(r)])
        return result

    def _plan(
        self, r: ImportDraft, by_source: dict[str, ImportDraft], existing: dict[str, Any]
    ) -> tuple[Project, BoardColumn, tuple[int, int] | None]:
        """Where a record goes: project, column and parent (index of a new one, or -1 and id)."""
        if r.parent is not None and r.parent in existing:
            task_id, project_id, column_id = existing[r.parent]
            project = self.s.get_one(Project, project_id)
            column = next(c for c in self._columns_of(project) if c.id == column_id)
            if self.target is not None and project.id != self.target.id:
                raise ServiceError(f"{r.where}: its parent task is in project {project.key}")
            return project, column, (-1, task_id)
        if r.parent is not None:
            parent = by_source[r.parent]
            project, column, _ = self._plan(parent, by_source, existing)
            return project, column, (self._fresh_index[id(parent)], 0)
        project = self._project(r)
        if r.column:
            column = self._column(project, r.column, r.done and _done_name(r.column), None, r.where)
        elif r.done:
            done = lookup.done_column(self._columns_of(project))
            column = done or self._column(project, "Done", True, None, r.where)
        else:
            column = (
                next((c for c in self._columns_of(project) if not c.is_done), None)
                or (self._columns_of(project)[0])
            )
        return project, column, None

    def _project(self, r: ImportDraft) -> Project:
        if self.target is not None:
            return self.target
        key = (r.project or INBOX).strip().upper()
        if key not in self.projects:
            try:
                project = lookup.project_by_key(self.s, key)
            except ServiceError:
                raise ServiceError(
                    f"{r.where}: unknown project {excerpt(r.project or key)!r} "
                    "(give --project KEY to import into one)"
                ) from None
            if project.archived:
                raise ServiceError(f"{r.where}: project {project.key} is archived")
            self.projects[key] = project
        return self.projects[key]

    def _columns_of(self, project: Project) -> list[BoardColumn]:
        assert project.id is not None
        if project.id not in self.columns:
            self.columns[project.id] = lookup.columns_of(self.s, project.id)
            if not self.columns[project.id]:
                raise ServiceError(f"project {project.key} has no columns")
        return self.columns[project.id]

    def _column(
        self, project: Project, name: str, is_done: bool, wip: int | None, where: str
    ) -> BoardColumn:
        name = clean(name).strip()
        columns = self._columns_of(project)
        for c in columns:
            if c.name.casefold() == name.casefold():
                return c
        if self.target is None:
            raise ServiceError(
                f"{where}: project {project.key} has no column {excerpt(name)!r} "
                "(give --project KEY to create missing columns)"
            )
        if not name or len(name) > 60:
            raise ServiceError(f"{where}: bad column name {excerpt(name)!r}")
        column = BoardColumn(
            project_id=project.id or 0,
            name=name,
            position=max(c.position for c in columns) + 1,
            wip_limit=wip,
            is_done=is_done,
        )
        self.s.add(column)
        self.s.flush()
        columns.append(column)
        self.new_columns.append(f"{project.key}/{name}")
        self.log.record(
            "column",
            entity="project",
            entity_id=project.id,
            project_id=project.id,
            field="columns",
            new=name,
        )
        return column

    def _person(self, typed: str) -> int:
        text = clean(typed).strip().lstrip("@")
        if text not in self.people:
            person = lookup.person_by_handle(self.s, text.lower())
            if person is None:
                person = self.s.scalars(
                    select(Person).where(func.lower(Person.name) == text.lower())
                ).first()
            if person is None:
                handle = _SLUG.sub(".", text.lower()).strip("._-")[:40] or "someone"
                person = Person(handle=rules.handle(handle), name=text[:200])
                self.s.add(person)
                self.s.flush()
                self.new_people.append(person.handle)
            self.people[text] = person.id or 0
        return self.people[text]

    def _numbers(self, plans: list[tuple[Project, BoardColumn, Any]]) -> list[int]:
        wanted: dict[int, int] = defaultdict(int)
        for project, _c, _p in plans:
            wanted[project.id or 0] += 1
        first = {pid: reserve_numbers(self.s, pid, n) - 1 for pid, n in wanted.items()}
        numbers = []
        for project, _c, _p in plans:
            first[project.id or 0] += 1
            numbers.append(first[project.id or 0])
        return numbers

    def _ranks(self, plans: list[tuple[Project, BoardColumn, Any]], existing: Any) -> list[str]:
        # Each scope (a column's top level, or a parent's subtasks) gets evenly spread ranks
        # after its current last one: short keys even for 100,000 imported cards.
        scopes: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, (_project, column, parent) in enumerate(plans):
            if parent is None:
                scopes[("column", column.id or 0)].append(i)
            elif parent[0] < 0:
                scopes[("task", parent[1])].append(i)
            else:
                scopes[("new", parent[0])].append(i)
        ranks = [""] * len(plans)
        for (kind, ref), members in scopes.items():
            base = ""
            if kind == "column":
                stmt = select(func.max(Task.rank)).where(
                    col(Task.column_id) == ref,
                    Task.parent_id.is_(None),  # type: ignore[union-attr]
                )
                base = self.s.scalar(stmt) or ""
            elif kind == "task":
                base = (
                    self.s.scalar(select(func.max(Task.rank)).where(col(Task.parent_id) == ref))
                    or ""
                )
            for i, rank in zip(members, initial_ranks(len(members)), strict=True):
                ranks[i] = base + rank
        return ranks

    def _links(
        self,
        fresh: list[ImportDraft],
        ids: dict[int, int],
        existing: dict[str, tuple[int, int, int]],
        now: datetime,
    ) -> None:
        """Tags, comments and dependencies of the new tasks."""
        s = self.s
        tag_ids = lookup.tag_ids(s, {t for r in fresh for t in r.tags})
        tag_rows = []
        comment_rows = []
        dep_rows: set[tuple[int, int]] = set()
        author = None
        source_ids = {r.source_id: ids[i] for i, r in enumerate(fresh) if r.source_id}
        for i, r in enumerate(fresh):
            names = {clean(t).lower().lstrip("#") for t in r.tags} & set(tag_ids)
            tag_rows += [{"task_id": ids[i], "tag_id": tag_ids[n]} for n in sorted(names)]
            for c in r.comments:
                body = clean_multiline(c.body).strip()
                if body:
                    if author is None:
                        author = lookup.resolve_person(s, self.log.actor)[0].id
                    comment_rows.append(
                        {
                            "task_id": ids[i],
                            "author_id": author,
                            "body": body,
                            "created": c.created or now,
                        }
                    )
            for ref in r.depends_on:
                if ref in source_ids:
                    blocker = source_ids[ref]
                elif ref in existing:
                    blocker = existing[ref][0]
                else:
                    raise ServiceError(f"{r.where}: depends on unknown task {excerpt(ref)!r}")
                if blocker == ids[i]:
                    raise ServiceError(f"{r.where}: a task cannot depend on itself")
                dep_rows.add((ids[i], blocker))
        _check_acyclic(dep_rows, {v: k for k, v in ids.items()}, fresh)
        if tag_rows:
            s.execute(core_insert(TaskTag), tag_rows)
        if comment_rows:
            s.execute(core_insert(Comment), comment_rows)
        if dep_rows:
            s.execute(
                core_insert(Dependency),
                [{"task_id": a, "blocked_by_id": b} for a, b in sorted(dep_rows)],
            )


def _check_acyclic(
    edges: set[tuple[int, int]], index: dict[int, int], fresh: list[ImportDraft]
) -> None:
    graph: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    state: dict[int, int] = {}
    for start in list(graph):
        if start in state:
            continue
        stack = [(start, iter(graph[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                raise ServiceError(f"{fresh[index[nxt]].where}: its dependencies form a cycle")
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _done_name(name: str) -> bool:
    return name.strip().casefold() in DONE_NAMES


def _title(r: ImportDraft) -> str:
    title = clean(r.title).strip()
    if not title:
        raise ServiceError(f"{r.where}: the title is empty")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"{r.where}: the title is longer than {MAX_TITLE} characters")
    return title


def _priority(r: ImportDraft) -> str:
    from taskboard.domain.enums import Priority

    if r.priority is None:
        return Priority.NORMAL.value
    try:
        return Priority.parse(r.priority).value
    except ValueError:
        raise ServiceError(f"{r.where}: bad priority {excerpt(r.priority)!r}") from None
