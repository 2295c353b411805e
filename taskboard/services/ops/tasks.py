"""Creating tasks: drafts placed in a project and column, and the one insert every path uses."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.models import BoardColumn, Project, Task, TaskTag, utcnow
from taskboard.domain.ordering import initial_ranks, rank_between
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError, ServiceError, StateError
from taskboard.services.numbers import reserve_numbers

TASKS: Table = Task.__table__  # type: ignore[attr-defined]
TASK_TAGS: Table = TaskTag.__table__  # type: ignore[attr-defined]
# Core inserts, not the ORM's bulk path (which splits the rows into one statement per run
# of alike rows). RETURNING gives each row's id, and it makes SQLAlchemy send the rows as
# multi-row VALUES, a statement per thousand rows ("insertmanyvalues"): a plain executemany
# runs one statement per row, and on SQLite each one's savepoint for the search triggers
# flushes the FTS5 index, ten times the cost of the insert itself.
RETURN_IDS = insert(TASKS).returning(TASKS.c.id, TASKS.c.project_id, TASKS.c.number)


@dataclass(frozen=True, slots=True)
class NewTask:
    """One task of an insert, every name resolved to an id and its text already checked."""

    project_id: int
    project_key: str
    column_id: int
    title: str
    notes: str = ""
    assignee_id: int | None = None
    due: date | None = None
    start: date | None = None
    priority: str = "normal"
    parent_id: int | None = None  # an existing task
    parent_row: int | None = None  # or an earlier row of the same insert
    key_result_id: int | None = None
    recurrence: str | None = None
    tags: tuple[str, ...] = ()  # as stored: `rules.tag_names`
    done: bool = False
    archived: bool = False
    created: datetime | None = None  # None: now
    completed: datetime | None = None  # of a done task; None: now
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Inserted:
    id: int
    key: str
    row: NewTask


def last_rank(s: Session, column_id: int, parent_id: int | None) -> str | None:
    """The rank of the last card of a place: a column's top level, or a task's subtasks."""
    stmt = select(func.max(col(Task.rank)))
    if parent_id is not None:
        stmt = stmt.where(col(Task.parent_id) == parent_id)
    else:
        stmt = stmt.where(col(Task.column_id) == column_id, col(Task.parent_id).is_(None))
    return s.scalar(stmt)


def insert_tasks(s: Session, log: ChangeLog, rows: Sequence[NewTask]) -> list[Inserted]:
    """Core inserts of new tasks with their tags and a `create` activity each, in the
    caller's transaction.

    Numbers are reserved per project in one go. Each task goes after the last card of its
    place; a batch into an empty place is spread evenly, so its ranks stay short. A row may
    name an earlier row as its parent: the rows are inserted level by level.
    """
    for i, row in enumerate(rows):
        if row.parent_row is not None and not 0 <= row.parent_row < i:
            raise ValueError(f"row {i}: a parent row must come before its subtasks")
    if not rows:
        return []
    first = {p: reserve_numbers(s, p, n) for p, n in Counter(r.project_id for r in rows).items()}
    numbers = []
    for row in rows:
        numbers.append(first[row.project_id])
        first[row.project_id] += 1
    ranks = _ranks(s, rows)
    depth: list[int] = []
    for row in rows:
        depth.append(depth[row.parent_row] + 1 if row.parent_row is not None else 0)
    now = utcnow()
    ids = [0] * len(rows)
    for level in range(max(depth) + 1):
        wave = [i for i, d in enumerate(depth) if d == level]
        index = {(rows[i].project_id, numbers[i]): i for i in wave}
        values = [_values(rows[i], numbers[i], ranks[i], ids, now) for i in wave]
        for task_id, project_id, number in s.execute(RETURN_IDS, values):
            ids[index[project_id, number]] = task_id
    tag_ids = lookup.tag_ids(s, {t for row in rows for t in row.tags})
    tag_rows = [
        {"task_id": ids[i], "tag_id": tag_ids[t]} for i, row in enumerate(rows) for t in row.tags
    ]
    if tag_rows:
        s.execute(insert(TASK_TAGS), tag_rows)
    made = []
    for i, row in enumerate(rows):
        key = f"{row.project_key}-{numbers[i]}"
        log.record("create", task_id=ids[i], project_id=row.project_id, new=key)
        made.append(Inserted(ids[i], key, row))
    return made


def _ranks(s: Session, rows: Sequence[NewTask]) -> list[str]:
    places: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.parent_row is not None:
            places["row", row.parent_row].append(i)
        elif row.parent_id is not None:
            places["task", row.parent_id].append(i)
        else:
            places["column", row.column_id].append(i)
    ranks = [""] * len(rows)
    for (kind, ref), members in places.items():
        last = None
        if kind != "row":
            last = last_rank(s, ref, ref if kind == "task" else None)
        if last is None:
            spread = initial_ranks(len(members))
        else:
            spread = []
            for _ in members:
                last = rank_between(last, None)
                spread.append(last)
        for i, rank in zip(members, spread, strict=True):
            ranks[i] = rank
    return ranks


def _values(row: NewTask, number: int, rank: str, ids: list[int], now: datetime) -> dict[str, Any]:
    return {
        "project_id": row.project_id,
        "column_id": row.column_id,
        "number": number,
        "key": f"{row.project_key}-{number}",
        "title": row.title,
        "notes": row.notes,
        "assignee_id": row.assignee_id,
        "due": row.due,
        "start": row.start,
        "priority": row.priority,
        "parent_id": ids[row.parent_row] if row.parent_row is not None else row.parent_id,
        "rank": rank,
        "created": row.created or now,
        "updated": now,
        "completed": (row.completed or now) if row.done else None,
        "archived": row.archived,
        "recurrence": row.recurrence,
        "key_result_id": row.key_result_id,
        "source_id": row.source_id,
        "version": 1,
    }


class Placer:
    """Turns drafts (names as people type them) into rows, looking each name up once."""

    def __init__(self, s: Session, *, create_people: bool = True) -> None:
        self.s = s
        self.create_people = create_people
        self.new_people: list[str] = []
        self._projects: dict[str, Project] = {}
        self._columns: dict[int, list[BoardColumn]] = {}
        self._people: dict[str, int] = {}
        self._key_results: dict[str, int] = {}

    def project(self, typed: str) -> Project:
        """A project new tasks may go to: known, not archived, with columns."""
        key = typed.strip().upper()
        if key not in self._projects:
            project = lookup.project_by_key(self.s, key)
            if project.archived:
                raise StateError(f"project {project.key} is archived")
            self.columns(project)
            self._projects[key] = project
        return self._projects[key]

    def columns(self, project: Project) -> list[BoardColumn]:
        pid = project.id or 0
        if pid not in self._columns:
            self._columns[pid] = lookup.columns_of(self.s, pid)
            if not self._columns[pid]:
                raise StateError(f"project {project.key} has no columns")
        return self._columns[pid]

    def person(self, typed: str) -> int:
        """The id of the person a handle (or its unique prefix) names; new ones are made
        unless the placer was told not to (then an unknown handle is refused)."""
        if typed not in self._people:
            person, made = lookup.resolve_person(self.s, typed, create=self.create_people)
            if made:
                self.new_people.append(person.handle)
            self._people[typed] = person.id or 0
        return self._people[typed]

    def key_result(self, typed: str) -> int:
        if typed not in self._key_results:
            self._key_results[typed] = lookup.key_result_by_key(self.s, typed).id or 0
        return self._key_results[typed]

    def row(self, draft: TaskDraft, project: str | None = None) -> NewTask:
        """The draft as a row: a subtask in its parent's project and column (unless it names
        one), any other task in its project (else `project`, else INBOX) and column (else the
        first)."""
        checked = self._checked(draft)
        parent = lookup.task_by_key(self.s, draft.parent) if draft.parent else None
        if parent is not None:
            home = self.s.get_one(Project, parent.project_id)
            if draft.project and draft.project.strip().upper() != home.key:
                raise InvalidFieldError(
                    "project", f"a subtask of {parent.key} belongs to {home.key}"
                )
            home = self.project(home.key)
            columns = self.columns(home)
            column = next(c for c in columns if c.id == parent.column_id)
        else:
            home = self.project(draft.project or project or rules.INBOX)
            columns = self.columns(home)
            column = columns[0]
        if draft.column:
            column = lookup.match_column(columns, draft.column)
        return NewTask(
            project_id=home.id or 0,
            project_key=home.key,
            column_id=column.id or 0,
            parent_id=parent.id if parent else None,
            done=column.is_done,
            **checked,
            **self._named(draft),
        )

    def subtask(self, draft: TaskDraft, parent: NewTask, parent_row: int) -> NewTask:
        """The draft as a subtask of an earlier row of the same insert, in that row's column."""
        return NewTask(
            project_id=parent.project_id,
            project_key=parent.project_key,
            column_id=parent.column_id,
            parent_row=parent_row,
            done=parent.done,
            **self._checked(draft),
            **self._named(draft),
        )

    @staticmethod
    def _checked(draft: TaskDraft) -> dict[str, Any]:
        """The draft's own values, checked by the rules (before any name is looked up)."""
        return {
            "title": rules.title(draft.title),
            "recurrence": rules.recurrence(draft.recurrence),
            "notes": rules.NOTES.check(draft.notes),
            "priority": rules.priority(draft.priority),
            "tags": rules.tag_names(draft.tags),
            "due": draft.due,
            "start": draft.start,
        }

    def _named(self, draft: TaskDraft) -> dict[str, Any]:
        """The ids of the person and key result the draft names."""
        return {
            "assignee_id": self.person(draft.assignee) if draft.assignee else None,
            "key_result_id": self.key_result(draft.key_result) if draft.key_result else None,
        }


def create_task(
    s: Session, log: ChangeLog, draft: TaskDraft, *, create_people: bool = True
) -> tuple[Inserted, tuple[str, ...]]:
    """One new task from a draft; also the handles of the people its draft made (with
    `create_people` False an unknown handle is refused instead)."""
    placer = Placer(s, create_people=create_people)
    made = insert_tasks(s, log, [placer.row(draft)])
    return made[0], tuple(placer.new_people)


def place_batch(s: Session, drafts: Sequence[TaskDraft], project: str) -> list[NewTask]:
    """Top-level drafts of one project as rows; a bad draft is named by its place."""
    placer = Placer(s)
    home = placer.project(project)
    rows = []
    for i, draft in enumerate(drafts, start=1):
        try:
            if draft.project and draft.project.strip().upper() != home.key:
                raise InvalidFieldError("project", f"project {draft.project} is not {home.key}")
            if draft.parent:
                raise InvalidFieldError("parent", "bulk creation makes top-level tasks only")
            rows.append(placer.row(draft, home.key))
        except ServiceError as exc:
            raise exc.at(f"task {i}") from None
    return rows
