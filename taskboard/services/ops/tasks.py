"""Creating tasks: drafts placed in a project and column, and the one insert every path uses."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from taskboard.domain import rules
from taskboard.domain.dates import utcnow
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.ordering import initial_ranks, rank_between
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import InvalidFieldError, ServiceError, StateError
from taskboard.services.numbers import reserve
from taskboard.services.ops import find
from taskboard.services.ops.find import ColumnRef, ProjectRef
from taskboard.services.ops.versions import load_task
from taskboard.store.writer import Writer

# The columns of a new task, in the order `_values` gives them.
INSERTED = (
    "project_id",
    "column_id",
    "number",
    "key",
    "title",
    "notes",
    "assignee_id",
    "due",
    "start",
    "priority",
    "parent_id",
    "rank",
    "created",
    "updated",
    "completed",
    "archived",
    "recurrence",
    "key_result_id",
    "source_id",
    "version",
)


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


def last_rank(w: Writer, column_id: int, parent_id: int | None) -> str | None:
    """The rank of the last card of a place: a column's top level, or a task's subtasks."""
    if parent_id is not None:
        found = w.one("SELECT max(rank) FROM task WHERE parent_id = ?", (parent_id,))
    else:
        found = w.one(
            "SELECT max(rank) FROM task WHERE column_id = ? AND parent_id IS NULL", (column_id,)
        )
    return found[0] if found else None


def insert_tasks(w: Writer, log: ChangeLog, rows: Sequence[NewTask]) -> list[Inserted]:
    """Plain inserts of new tasks with their tags and a `create` activity each, in the
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
    first = {p: reserve(w, p, n) for p, n in Counter(r.project_id for r in rows).items()}
    numbers = []
    for row in rows:
        numbers.append(first[row.project_id])
        first[row.project_id] += 1
    ranks = _ranks(w, rows)
    depth: list[int] = []
    for row in rows:
        depth.append(depth[row.parent_row] + 1 if row.parent_row is not None else 0)
    now = utcnow()
    ids = [0] * len(rows)
    for level in range(max(depth) + 1):
        wave = [i for i, d in enumerate(depth) if d == level]
        index = {(rows[i].project_id, numbers[i]): i for i in wave}
        values = [_values(rows[i], numbers[i], ranks[i], ids, now) for i in wave]
        made_ids = w.insert_rows("task", INSERTED, values, returning="id, project_id, number")
        for task_id, project_id, number in made_ids:
            ids[index[project_id, number]] = task_id
    tag_ids = find.tag_ids(w, {t for row in rows for t in row.tags})
    w.insert_rows(
        "task_tag",
        ("task_id", "tag_id"),
        [(ids[i], tag_ids[t]) for i, row in enumerate(rows) for t in row.tags],
    )
    made = []
    for i, row in enumerate(rows):
        key = f"{row.project_key}-{numbers[i]}"
        # A task made archived (an import of a deleted one) says so: undo and redo of its
        # creation leave it archived.
        born = "archived" if row.archived else None
        log.record("create", task_id=ids[i], project_id=row.project_id, field=born, new=key)
        made.append(Inserted(ids[i], key, row))
    return made


def _ranks(w: Writer, rows: Sequence[NewTask]) -> list[str]:
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
            last = last_rank(w, ref, ref if kind == "task" else None)
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


def _values(row: NewTask, number: int, rank: str, ids: list[int], now: datetime) -> tuple[Any, ...]:
    """A row's values in the order of `INSERTED`."""
    return (
        row.project_id,
        row.column_id,
        number,
        f"{row.project_key}-{number}",
        row.title,
        row.notes,
        row.assignee_id,
        row.due,
        row.start,
        row.priority,
        ids[row.parent_row] if row.parent_row is not None else row.parent_id,
        rank,
        row.created or now,
        now,
        (row.completed or now) if row.done else None,
        row.archived,
        row.recurrence,
        row.key_result_id,
        row.source_id,
        1,
    )


class Placer:
    """Turns drafts (names as people type them) into rows, looking each name up once."""

    def __init__(self, w: Writer, *, create_people: bool = True) -> None:
        self.w = w
        self.create_people = create_people
        self.new_people: list[str] = []
        self._projects: dict[str, ProjectRef] = {}
        self._columns: dict[int, list[ColumnRef]] = {}
        self._people: dict[str, int] = {}
        self._key_results: dict[str, int] = {}

    def project(self, typed: str) -> ProjectRef:
        """A project new tasks may go to: known, not archived, with columns."""
        key = typed.strip().upper()
        if key not in self._projects:
            project = find.project_by_key(self.w, key)
            if project.archived:
                raise StateError(f"project {project.key} is archived")
            self.columns(project)
            self._projects[key] = project
        return self._projects[key]

    def columns(self, project: ProjectRef) -> list[ColumnRef]:
        pid = project.id
        if pid not in self._columns:
            self._columns[pid] = find.columns_of(self.w, pid)
            if not self._columns[pid]:
                raise StateError(f"project {project.key} has no columns")
        return self._columns[pid]

    def person(self, typed: str) -> int:
        """The id of the person a handle (or its unique prefix) names; new ones are made
        unless the placer was told not to (then an unknown handle is refused)."""
        if typed not in self._people:
            person_id, handle, made = find.resolve_person(self.w, typed, create=self.create_people)
            if made:
                self.new_people.append(handle)
            self._people[typed] = person_id
        return self._people[typed]

    def key_result(self, typed: str) -> int:
        if typed not in self._key_results:
            self._key_results[typed] = find.key_result_by_key(self.w, typed)[0]
        return self._key_results[typed]

    def row(self, draft: TaskDraft, project: str | None = None) -> NewTask:
        """The draft as a row: a subtask in its parent's project and column (unless it names
        one), any other task in its project (else `project`, else INBOX) and column (else the
        first)."""
        checked = self._checked(draft)
        parent = load_task(self.w, draft.parent) if draft.parent else None
        if parent is not None:
            home = find.project_by_id(self.w, parent.project_id)
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
            column = find.match_column(columns, draft.column)
        return NewTask(
            project_id=home.id,
            project_key=home.key,
            column_id=column.id,
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
    w: Writer, log: ChangeLog, draft: TaskDraft, *, create_people: bool = True
) -> tuple[Inserted, tuple[str, ...]]:
    """One new task from a draft; also the handles of the people its draft made (with
    `create_people` False an unknown handle is refused instead)."""
    placer = Placer(w, create_people=create_people)
    made = insert_tasks(w, log, [placer.row(draft)])
    return made[0], tuple(placer.new_people)


def place_batch(w: Writer, drafts: Sequence[TaskDraft], project: str) -> list[NewTask]:
    """Top-level drafts of one project as rows; a bad draft is named by its place."""
    placer = Placer(w)
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
