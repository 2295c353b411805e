"""Bulk import of drafted tasks: one transaction, Core inserts, no twins of tasks already there."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import insert as core_insert
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.graphs import node_on_a_cycle
from taskboard.domain.models import (
    BoardColumn,
    Comment,
    Dependency,
    Person,
    Project,
    Task,
    TaskTag,
    utcnow,
)
from taskboard.domain.ordering import initial_ranks
from taskboard.domain.rules import DONE_NAMES, INBOX, MAX_TITLE
from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import ServiceError
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec
from taskboard.services.import_identity import already_there, chunks, identified
from taskboard.services.numbers import reserve_numbers

_SLUG = re.compile(r"[^a-z0-9._-]+")


class Importer:
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
        target = self.target.key if self.target is not None else None
        records = identified(records, target)
        by_source: dict[str, ImportDraft] = {}
        for r in records:
            assert r.source_id is not None
            if r.source_id in by_source:
                first = by_source[r.source_id].where
                raise ServiceError(f"{r.where}: the same task as {first} ({excerpt(r.source_id)})")
            by_source[r.source_id] = r
        existing = already_there(s, records, target)
        fresh = [r for r in records if r.source_id not in existing]
        for r in fresh:
            _check_texts(r)
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
                # A subtask is done by its own checkbox, not by its parent's column.
                done = r.done or (column.is_done and parent_ref is None)
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
            for chunk in chunks(list(keys)):
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
        key = clean(r.project or INBOX).strip().upper()
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
                person = Person(handle=self._free_handle(text), name=text[:200])
                self.s.add(person)
                self.s.flush()
                self.new_people.append(person.handle)
            self.people[text] = person.id or 0
        return self.people[text]

    def _free_handle(self, name: str) -> str:
        """A handle made from a name ("Jürgen Groß" -> jurgen.gross) that no one has: two
        names that make the same handle are two people (jurgen, jurgen2)."""
        plain = unicodedata.normalize("NFKD", name.casefold())
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        base = _SLUG.sub(".", plain).strip("._-")[:38].strip("._-") or "someone"
        handle, n = base, 1
        while lookup.person_by_handle(self.s, handle) is not None:
            n += 1
            handle = f"{base}{n}"
        return rules.handle(handle)

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
    looped = node_on_a_cycle(edges)
    if looped is not None:
        raise ServiceError(f"{fresh[index[looped]].where}: its dependencies form a cycle")


def _done_name(name: str) -> bool:
    return name.strip().casefold() in DONE_NAMES


# What the store keeps of one imported task's texts (the same limits as typed ones).
MAX_NOTES = 100_000
MAX_COMMENT = 10_000
MAX_TAG = 60
MAX_NAME = 200


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
    if r.column is not None and len(clean(r.column).strip()) > 60:
        raise ServiceError(f"{r.where}: the column name is longer than 60 characters")


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
