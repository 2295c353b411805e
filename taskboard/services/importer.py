"""Bulk import of drafted tasks: one transaction, plain multi-row inserts, no twins of tasks
already there.

The importer runs over a `Writer` (`taskboard.store.writer`): a session's, for the services
(`TransferService.import_tasks`), or a connection of its own, for `taskboard import`
without SQLAlchemy (`services.plain_tasks`). Tasks, people and columns are made by the
write steps every other path uses (`ops.tasks.insert_tasks`, `ops.find.add_person`,
`ops.projects.add_column`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from taskboard.domain import rules
from taskboard.domain.dates import utcnow
from taskboard.domain.enums import Priority
from taskboard.domain.graphs import node_on_a_cycle
from taskboard.domain.rules import DONE_NAMES, INBOX, MAX_TITLE
from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import ServiceError
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec
from taskboard.services.import_identity import already_there, identified
from taskboard.services.ops import find
from taskboard.services.ops.find import ColumnRef, ProjectRef
from taskboard.services.ops.links import insert_links
from taskboard.services.ops.projects import add_column
from taskboard.services.ops.tasks import NewTask, insert_tasks

_SLUG = re.compile(r"[^a-z0-9._-]+")


class Importer:
    """The state of one import: caches of projects, columns, people, and the rows to write."""

    def __init__(self, log: ChangeLog, project_key: str | None) -> None:
        self.w = log.writer
        self.log = log
        self.target = find.project_by_key(self.w, project_key) if project_key else None
        if self.target is not None and self.target.archived:
            raise ServiceError(f"project {self.target.key} is archived")
        self.projects: dict[str, ProjectRef] = {}
        self.columns: dict[int, list[ColumnRef]] = {}
        self.people: dict[str, int] = {}
        self.new_columns: list[str] = []
        self.new_people: list[str] = []
        self._fresh_index: dict[int, int] = {}
        # Tags as stored, by tags as drafted: most records of a file share a few sets.
        self._tags: dict[tuple[str, ...], tuple[str, ...]] = {}

    def run(self, records: Sequence[ImportDraft], lanes: Sequence[LaneSpec]) -> ImportResult:
        if self.target is not None:
            for lane in lanes:
                self._column(self.target, lane.name, lane.is_done, lane.wip_limit, "lanes")
        target = self.target.key if self.target is not None else None
        records = identified(records, target)
        by_source: dict[str, ImportDraft] = {}
        for r in records:
            assert r.source_id is not None
            if r.source_id in by_source:
                first = by_source[r.source_id].where
                raise ServiceError(f"{r.where}: the same task as {first} ({excerpt(r.source_id)})")
            by_source[r.source_id] = r
        existing = already_there(self.w, records, target)
        fresh = [r for r in records if r.source_id not in existing]
        for r in fresh:
            _check_texts(r)
        self._fresh_index = {id(r): i for i, r in enumerate(fresh)}
        depth = self._depths(fresh, by_source, existing)
        plans = [self._plan(r, by_source, existing) for r in fresh]
        # The one insert of new tasks, parents before their subtasks: records in the
        # file's order, level by level.
        order = sorted(range(len(fresh)), key=depth.__getitem__)
        place = {i: n for n, i in enumerate(order)}
        rows = [self._row(fresh[i], plans[i], place) for i in order]
        made = insert_tasks(self.log.writer, self.log, rows)
        ids = {i: made[place[i]].id for i in range(len(fresh))}
        now = utcnow()
        self._links(fresh, ids, existing, now)
        created = [made[place[i]].key for i in range(len(fresh))]
        self.log.flush()
        return ImportResult(
            created=tuple(created),
            skipped=len(records) - len(fresh),
            new_columns=tuple(self.new_columns),
            new_people=tuple(self.new_people),
        )

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
    ) -> tuple[ProjectRef, ColumnRef, tuple[int, int] | None]:
        """Where a record goes: project, column and parent (index of a new one, or -1 and id)."""
        if r.parent is not None and r.parent in existing:
            task_id, project_id, column_id = existing[r.parent]
            project = find.project_by_id(self.w, project_id)
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
            done = find.done_column(self._columns_of(project))
            column = done or self._column(project, "Done", True, None, r.where)
        else:
            column = (
                next((c for c in self._columns_of(project) if not c.is_done), None)
                or (self._columns_of(project)[0])
            )
        return project, column, None

    def _row(
        self,
        r: ImportDraft,
        plan: tuple[ProjectRef, ColumnRef, tuple[int, int] | None],
        place: dict[int, int],
    ) -> NewTask:
        """A planned record as a row of the insert; `place` maps a record's index among the
        new ones to its row."""
        project, column, parent = plan
        tags = self._tags.get(r.tags)
        if tags is None:
            try:
                tags = self._tags[r.tags] = rules.tag_names(r.tags)
            except ServiceError as exc:
                raise exc.at(r.where) from None
        return NewTask(
            project_id=project.id,
            project_key=project.key,
            column_id=column.id,
            title=_title(r),
            notes=clean_multiline(r.notes),
            assignee_id=self._person(r.assignee) if r.assignee else None,
            due=r.due,
            start=r.start,
            priority=_priority(r),
            parent_id=parent[1] if parent is not None and parent[0] < 0 else None,
            parent_row=place[parent[0]] if parent is not None and parent[0] >= 0 else None,
            tags=tags,
            # A subtask is done by its own checkbox, not by its parent's column.
            done=r.done or (column.is_done and parent is None),
            archived=r.archived,
            created=r.created,
            completed=r.completed,
            source_id=r.source_id,
        )

    def _project(self, r: ImportDraft) -> ProjectRef:
        if self.target is not None:
            return self.target
        key = clean(r.project or INBOX).strip().upper()
        if key not in self.projects:
            try:
                project = find.project_by_key(self.w, key)
            except ServiceError:
                raise ServiceError(
                    f"{r.where}: unknown project {excerpt(r.project or key)!r} "
                    "(give --project KEY to import into one)"
                ) from None
            if project.archived:
                raise ServiceError(f"{r.where}: project {project.key} is archived")
            self.projects[key] = project
        return self.projects[key]

    def _columns_of(self, project: ProjectRef) -> list[ColumnRef]:
        if project.id not in self.columns:
            self.columns[project.id] = find.columns_of(self.w, project.id)
            if not self.columns[project.id]:
                raise ServiceError(f"project {project.key} has no columns")
        return self.columns[project.id]

    def _column(
        self, project: ProjectRef, name: str, is_done: bool, wip: int | None, where: str
    ) -> ColumnRef:
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
        if not name or len(name) > MAX_COLUMN:
            raise ServiceError(f"{where}: bad column name {excerpt(name)!r}")
        try:
            column = add_column(self.w, self.log, project, name, wip, is_done)
        except ServiceError as exc:
            raise exc.at(where) from None
        columns.append(column)
        self.new_columns.append(f"{project.key}/{name}")
        return column

    def _person(self, typed: str) -> int:
        text = clean(typed).strip().lstrip("@")
        if text not in self.people:
            person = find.person_by_handle(self.w, text.lower())
            if person is None:
                # The stored name by SQL's lower() (ASCII letters only on SQLite), the typed
                # one by Python's: "JÜRGEN" finds "Jürgen".
                person = self.w.one(
                    "SELECT id, handle FROM person WHERE lower(name) = ? ORDER BY id",
                    (text.lower(),),
                )
            if person is None:
                handle = self._free_handle(text)
                person_id, made = find.add_person(self.w, handle, text[:200])
                if made:  # else someone made them a moment ago, by the same name
                    self.new_people.append(handle)
                self.people[text] = person_id
            else:
                self.people[text] = person[0]
        return self.people[text]

    def _free_handle(self, name: str) -> str:
        """A handle made from a name ("Jürgen Groß" -> jurgen.gross) that no one has: two
        names that make the same handle are two people (jurgen, jurgen2)."""
        plain = unicodedata.normalize("NFKD", name.casefold())
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        base = _SLUG.sub(".", plain).strip("._-")[:38].strip("._-") or "someone"
        handle, n = base, 1
        while find.person_by_handle(self.w, handle) is not None:
            n += 1
            handle = f"{base}{n}"
        return rules.handle(handle)

    def _links(
        self,
        fresh: list[ImportDraft],
        ids: dict[int, int],
        existing: dict[str, tuple[int, int, int]],
        now: datetime,
    ) -> None:
        """Comments and dependencies of the new tasks."""
        comment_rows = []
        dep_rows: set[tuple[int, int]] = set()
        author = None
        source_ids = {r.source_id: ids[i] for i, r in enumerate(fresh) if r.source_id}
        for i, r in enumerate(fresh):
            for c in r.comments:
                body = clean_multiline(c.body).strip()
                if body:
                    if author is None:
                        author = find.resolve_person(self.w, self.log.actor)[0]
                    comment_rows.append((ids[i], author, body, c.created or now))
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
        # Multi-row VALUES, not a statement per row: see `Writer.insert_rows`.
        self.w.insert_rows("comment", ("task_id", "author_id", "body", "created"), comment_rows)
        insert_links(self.w, sorted(dep_rows))


def _check_acyclic(
    edges: set[tuple[int, int]], index: dict[int, int], fresh: list[ImportDraft]
) -> None:
    looped = node_on_a_cycle(edges)
    if looped is not None:
        raise ServiceError(f"{fresh[index[looped]].where}: its dependencies form a cycle")


def _done_name(name: str) -> bool:
    return name.strip().casefold() in DONE_NAMES


# What the store keeps of one imported task's texts: the limits of typed ones (`rules`).
MAX_NOTES = rules.NOTES.limit
MAX_COMMENT = rules.COMMENT.limit
MAX_TAG = rules.TAG.limit
MAX_NAME = rules.PERSON_NAME.limit
MAX_COLUMN = rules.COLUMN_NAME.limit


def _check_texts(r: ImportDraft) -> None:
    """Refuse a draft whose texts the store cannot keep whole, naming the record."""
    _title(r)
    if len(r.notes) > MAX_NOTES:
        raise ServiceError(f"{r.where}: the notes are longer than {MAX_NOTES} characters")
    for tag in r.tags:
        if len(clean(tag).strip().lstrip("#")) > MAX_TAG:
            raise ServiceError(f"{r.where}: the tag {excerpt(tag)!r} is longer than {MAX_TAG}")
    for c in r.comments:
        if len(c.body) > MAX_COMMENT:
            raise ServiceError(f"{r.where}: a comment is longer than {MAX_COMMENT} characters")
    if r.assignee is not None and len(clean(r.assignee).strip()) > MAX_NAME:
        raise ServiceError(f"{r.where}: the assignee is longer than {MAX_NAME} characters")
    if r.column is not None and len(clean(r.column).strip()) > MAX_COLUMN:
        raise ServiceError(f"{r.where}: the column name is longer than {MAX_COLUMN} characters")


def _title(r: ImportDraft) -> str:
    title = clean(r.title).strip()
    if not title:
        raise ServiceError(f"{r.where}: the title is empty")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"{r.where}: the title is longer than {MAX_TITLE} characters")
    return title


def _priority(r: ImportDraft) -> str:
    if r.priority is None:
        return Priority.NORMAL.value
    try:
        return Priority.parse(r.priority).value
    except ValueError:
        raise ServiceError(f"{r.where}: bad priority {excerpt(r.priority)!r}") from None
