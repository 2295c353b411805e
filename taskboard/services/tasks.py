"""Task use cases: capture, create, edit, move, reorder, complete, archive, subtasks, links."""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.capture import Token, scan_tokens
from taskboard.domain.drafts import TaskDraft, draft_from_line
from taskboard.domain.models import (
    Activity,
    BoardColumn,
    Comment,
    Dependency,
    Person,
    Project,
    Task,
    TaskTag,
    utcnow,
)
from taskboard.domain.ordering import rank_between
from taskboard.domain.views import ActivityView, CommentView, Created, TaskDetail, TaskRow
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    BlockedError,
    ConflictError,
    CycleError,
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    ServiceError,
    StateError,
)
from taskboard.services.names import match_name
from taskboard.services.numbers import reserve_numbers
from taskboard.services.queries import task_rows
from taskboard.services.recurrence import create_next_occurrence

INBOX = rules.INBOX
MAX_TITLE = rules.MAX_TITLE


@dataclass(frozen=True)
class _Slot:
    """Where one task of a bulk insert lands."""

    project_id: int
    project_key: str
    column_id: int
    done: bool
    parent: Task | None = None


class TaskService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- reading -------------------------------------------------------

    def list(
        self,
        project: str | None = None,
        assignee: str | None = None,
        column: str | None = None,
        include_closed: bool = False,
        top_level_only: bool = False,
    ) -> list[TaskRow]:
        with self.ctx.store.read() as s:
            conds: list[Any] = []
            if project is not None:
                p = lookup.project_by_key(s, project)
                conds.append(col(Task.project_id) == p.id)
                if column is not None:
                    chosen = lookup.match_column(lookup.columns_of(s, p.id or 0), column)
                    conds.append(col(Task.column_id) == chosen.id)
            elif column is not None:
                names = sorted(set(s.scalars(select(col(BoardColumn.name)))))
                name = names[match_name(names, column, "column")]
                named = select(col(BoardColumn.id)).where(col(BoardColumn.name) == name)
                conds.append(col(Task.column_id).in_(named))
            if assignee is not None:
                person, _ = lookup.resolve_person(s, assignee, create=False)
                conds.append(col(Task.assignee_id) == person.id)
            if not include_closed:
                conds += [col(Task.completed).is_(None), col(Task.archived).is_(False)]
            if top_level_only:
                conds.append(col(Task.parent_id).is_(None))
            return task_rows(s, *conds)

    def tag_names(self, project: str | None = None) -> builtins.list[str]:
        """Every tag in use (in `project`, or anywhere), for completion."""
        from taskboard.domain.models import Tag

        with self.ctx.store.read() as s:
            stmt = select(col(Tag.name)).join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
            if project is not None:
                p = lookup.project_by_key(s, project)
                stmt = stmt.join(Task, col(Task.id) == col(TaskTag.task_id)).where(
                    col(Task.project_id) == p.id
                )
            return sorted(set(s.scalars(stmt.distinct())))

    def revision(self) -> int:
        """Changes whenever anyone commits a change: the board polls it for live refresh."""
        return self.ctx.store.data_version()

    def row(self, key: str) -> TaskRow:
        with self.ctx.store.read() as s:
            task = lookup.task_by_key(s, key)
            return task_rows(s, col(Task.id) == task.id)[0]

    def detail(self, key: str) -> TaskDetail:
        with self.ctx.store.read() as s:
            task = lookup.task_by_key(s, key)
            row = task_rows(s, col(Task.id) == task.id)[0]
            subtasks = task_rows(
                s, col(Task.parent_id) == task.id, order=(col(Task.rank), col(Task.id))
            )
            blockers = select(col(Dependency.blocked_by_id)).where(
                col(Dependency.task_id) == task.id
            )
            blocked_by = task_rows(s, col(Task.id).in_(blockers))
            blocking_ids = select(col(Dependency.task_id)).where(
                col(Dependency.blocked_by_id) == task.id
            )
            blocking = task_rows(s, col(Task.id).in_(blocking_ids))
            comments = [
                CommentView(id=c.id or 0, author=handle, body=c.body, created=c.created)
                for c, handle in s.execute(
                    select(Comment, col(Person.handle))
                    .outerjoin(Person, col(Person.id) == col(Comment.author_id))
                    .where(col(Comment.task_id) == task.id)
                    .order_by(col(Comment.created), col(Comment.id))
                )
            ]
            history = [
                ActivityView(
                    id=a.id or 0,
                    at=a.at,
                    actor=a.actor,
                    change_id=a.change_id,
                    action=a.action,
                    field=a.field,
                    old=a.old,
                    new=a.new,
                    task_key=task.key,
                )
                for a in s.scalars(
                    select(Activity)
                    .where(col(Activity.task_id) == task.id)
                    .order_by(col(Activity.id))
                )
            ]
            return TaskDetail(
                task=row,
                notes=task.notes,
                start=task.start,
                recurrence=task.recurrence,
                subtasks=tuple(subtasks),
                blocked_by=tuple(blocked_by),
                blocking=tuple(blocking),
                comments=tuple(comments),
                history=tuple(history),
            )

    # ---- creating ------------------------------------------------------

    def capture(self, line: str, project: str | None = None) -> Created:
        """Parse a quick-capture line and create the task it describes."""
        return self.create(draft_from_line(line, self.ctx.today(), project))

    def create(self, draft: TaskDraft) -> Created:
        with self.ctx.store.write() as s:
            log = ChangeLog(s, self.ctx.actor)
            task, new_people = self._create(s, log, draft)
            log.flush()
            row = task_rows(s, col(Task.id) == task.id)[0]
        return Created(task=row, new_people=new_people)

    def _create(self, s: Session, log: ChangeLog, draft: TaskDraft) -> tuple[Task, tuple[str, ...]]:
        title = rules.title(draft.title)
        recurrence = rules.recurrence(draft.recurrence)
        parent = lookup.task_by_key(s, draft.parent) if draft.parent else None
        if parent is not None:
            project = s.get_one(Project, parent.project_id)
            if draft.project and draft.project.upper() != project.key:
                raise InvalidFieldError(
                    "project", f"a subtask of {parent.key} belongs to {project.key}"
                )
        else:
            project = lookup.project_by_key(s, draft.project or INBOX)
        if project.archived:
            raise StateError(f"project {project.key} is archived")
        assert project.id is not None
        columns = lookup.columns_of(s, project.id)
        if not columns:
            raise StateError(f"project {project.key} has no columns")
        if parent is not None and not draft.column:
            column = next(c for c in columns if c.id == parent.column_id)
        else:
            column = lookup.match_column(columns, draft.column) if draft.column else columns[0]
        new_people: list[str] = []
        assignee_id = None
        if draft.assignee:
            person, made = lookup.resolve_person(s, draft.assignee)
            assignee_id = person.id
            if made:
                new_people.append(person.handle)
        kr_id = lookup.key_result_by_key(s, draft.key_result).id if draft.key_result else None
        number = reserve_numbers(s, project.id)
        now = utcnow()
        task = Task(
            project_id=project.id,
            column_id=column.id or 0,
            number=number,
            key=f"{project.key}-{number}",
            title=title,
            notes=rules.NOTES.check(draft.notes),
            assignee_id=assignee_id,
            due=draft.due,
            start=draft.start,
            priority=rules.priority(draft.priority),
            parent_id=parent.id if parent else None,
            rank=rank_between(self._last_rank(s, column.id or 0, parent), None),
            created=now,
            updated=now,
            completed=now if column.is_done else None,
            key_result_id=kr_id,
            recurrence=recurrence,
        )
        s.add(task)
        s.flush()
        assert task.id is not None
        self._set_tags(s, task.id, draft.tags)
        log.record("create", task_id=task.id, project_id=project.id, new=task.key)
        return task, tuple(new_people)

    @staticmethod
    def _last_rank(s: Session, column_id: int, parent: Task | None) -> str | None:
        stmt = select(func.max(col(Task.rank)))
        if parent is not None:
            stmt = stmt.where(col(Task.parent_id) == parent.id)
        else:
            stmt = stmt.where(col(Task.column_id) == column_id, col(Task.parent_id).is_(None))
        return s.scalar(stmt)

    @staticmethod
    def _set_tags(s: Session, task_id: int, tags: Iterable[str]) -> tuple[str, ...]:
        ids = lookup.tag_ids(s, tags)
        s.execute(delete(TaskTag).where(col(TaskTag.task_id) == task_id))
        if ids:
            s.execute(insert(TaskTag), [{"task_id": task_id, "tag_id": i} for i in ids.values()])
        return tuple(sorted(ids))

    def create_many(self, drafts: Sequence[TaskDraft], project: str) -> builtins.list[str]:
        """Bulk creation in one transaction with Core inserts (imports, templates, benchmarks).

        Every draft must target `project`; names resolve once per batch.
        """
        with self.ctx.store.write() as s:
            log = ChangeLog(s, self.ctx.actor)
            keys = self.insert_many(s, log, drafts, project)
            log.flush()
            return keys

    def insert_many(
        self, s: Session, log: ChangeLog, drafts: Sequence[TaskDraft], project_key: str
    ) -> builtins.list[str]:
        project = lookup.project_by_key(s, project_key)
        assert project.id is not None
        columns = lookup.columns_of(s, project.id)
        if not columns:
            raise StateError(f"project {project.key} has no columns")

        def placed() -> Iterator[tuple[TaskDraft, _Slot]]:
            matched: dict[str, BoardColumn] = {}
            for i, draft in enumerate(drafts, start=1):
                if draft.project and draft.project.upper() != project.key:
                    raise InvalidFieldError(
                        "project", f"task {i}: project {draft.project} is not {project.key}"
                    )
                if draft.parent:
                    raise InvalidFieldError(
                        "parent", f"task {i}: bulk creation makes top-level tasks only"
                    )
                column = columns[0]
                if draft.column:
                    if draft.column not in matched:
                        matched[draft.column] = lookup.match_column(columns, draft.column)
                    column = matched[draft.column]
                slot = _Slot(project.id or 0, project.key, column.id or 0, column.is_done)
                yield draft, slot

        return self._insert_batch(s, log, placed(), number_errors=True)

    def insert_subtasks(
        self, s: Session, log: ChangeLog, children: Sequence[tuple[str, Sequence[TaskDraft]]]
    ) -> builtins.list[str]:
        """Core inserts of subtasks under existing parents (template applies), in one batch.

        Each pair is a parent key and its new subtasks, which land in the parent's column.
        """
        parents = {
            t.key: t
            for t in s.scalars(
                select(Task).where(col(Task.key).in_([k.upper() for k, _ in children]))
            )
        }
        for key, _ in children:
            if key.upper() not in parents:
                raise NotFoundError(f"unknown task '{key}'")
        project_keys = dict(s.execute(select(col(Project.id), col(Project.key))).all())
        done_columns = set(s.scalars(select(col(BoardColumn.id)).where(col(BoardColumn.is_done))))
        batch = []
        for key, drafts in children:
            parent = parents[key.upper()]
            slot = _Slot(
                parent.project_id,
                project_keys[parent.project_id],
                parent.column_id,
                parent.column_id in done_columns,
                parent,
            )
            batch += [(draft, slot) for draft in drafts]
        return self._insert_batch(s, log, batch, number_errors=False)

    def _insert_batch(
        self,
        s: Session,
        log: ChangeLog,
        batch: Iterable[tuple[TaskDraft, _Slot]],
        number_errors: bool,
    ) -> builtins.list[str]:
        """Core inserts of new tasks with their tags and activity; each draft is checked as it
        comes out of `batch`, and `number_errors` prefixes a bad title or rule with its place."""
        people: dict[str, int] = {}
        checked: list[tuple[TaskDraft, _Slot, str, str | None, int | None]] = []
        for i, (draft, slot) in enumerate(batch, start=1):
            assignee_id = None
            if draft.assignee:
                if draft.assignee not in people:
                    people[draft.assignee] = lookup.resolve_person(s, draft.assignee)[0].id or 0
                assignee_id = people[draft.assignee]
            try:
                title = rules.title(draft.title)
                recurrence = rules.recurrence(draft.recurrence)
            except ServiceError as exc:
                if not number_errors:
                    raise
                raise exc.at(f"task {i}") from exc
            checked.append((draft, slot, title, recurrence, assignee_id))
        if not checked:
            return []
        counts = Counter(slot.project_id for _, slot, *_ in checked)
        first = {pid: reserve_numbers(s, pid, count) - 1 for pid, count in counts.items()}
        numbers = dict(first)
        last: dict[tuple[int, int | None], str | None] = {}
        now = utcnow()
        rows: list[dict[str, Any]] = []
        for draft, slot, title, recurrence, assignee_id in checked:
            numbers[slot.project_id] += 1
            number = numbers[slot.project_id]
            place = (slot.column_id, slot.parent.id if slot.parent else None)
            if place not in last:
                last[place] = self._last_rank(s, slot.column_id, slot.parent)
            last[place] = rank = rank_between(last[place], None)
            rows.append(
                {
                    "project_id": slot.project_id,
                    "column_id": slot.column_id,
                    "number": number,
                    "key": f"{slot.project_key}-{number}",
                    "title": title,
                    "notes": rules.NOTES.check(draft.notes),
                    "assignee_id": assignee_id,
                    "due": draft.due,
                    "start": draft.start,
                    "priority": rules.priority(draft.priority),
                    "parent_id": slot.parent.id if slot.parent else None,
                    "rank": rank,
                    "created": now,
                    "updated": now,
                    "completed": now if slot.done else None,
                    "archived": False,
                    "recurrence": recurrence,
                    "key_result_id": None,
                    "source_id": None,
                    "version": 1,
                }
            )
        s.execute(insert(Task), rows)
        ids: dict[str, int] = {}
        for pid, start in first.items():
            ids.update(
                s.execute(
                    select(col(Task.key), col(Task.id)).where(
                        col(Task.project_id) == pid,
                        col(Task.number) > start,
                        col(Task.number) <= numbers[pid],
                    )
                ).all()
            )
        all_tags = lookup.tag_ids(s, {t for draft, *_ in checked for t in draft.tags})
        tag_rows = []
        for row, (draft, *_) in zip(rows, checked, strict=True):
            task_id = ids[row["key"]]
            tag_rows += [
                {"task_id": task_id, "tag_id": all_tags[t]} for t in rules.tag_names(draft.tags)
            ]
            log.record("create", task_id=task_id, project_id=row["project_id"], new=row["key"])
        if tag_rows:
            s.execute(insert(TaskTag), tag_rows)
        return [r["key"] for r in rows]

    def add_subtask(self, parent_key: str, title: str) -> Created:
        return self.create(TaskDraft(title=title, parent=parent_key))

    # ---- changing ------------------------------------------------------

    def _load(self, s: Session, key: str, expected_version: int | None) -> Task:
        task = lookup.task_by_key(s, key)
        if expected_version is not None and task.version != expected_version:
            raise ConflictError(task.key)
        return task

    def _save(self, s: Session, task: Task, log: ChangeLog) -> TaskRow:
        task.updated = utcnow()
        # Always an UPDATE, so always a new version: a link changes the task, and `updated`
        # alone may be set to the value it has (the same clock tick as the last change).
        flag_modified(task, "updated")
        key = task.key  # the failed flush expires the object: read the key before it
        try:
            s.flush()
        except StaleDataError as exc:
            raise ConflictError(key) from exc
        log.flush()
        return task_rows(s, col(Task.id) == task.id)[0]

    def edit(self, key: str, expected_version: int | None = None, **changes: Any) -> TaskRow:
        """Change any fields: title, notes, assignee, due, start, priority, tags, key_result,
        recurrence, column. Values are what people type (handles, names, keys); None clears."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            log = ChangeLog(s, self.ctx.actor)
            with s.no_autoflush:  # one edit, one version bump
                self._apply(s, task, log, changes)
            return self._save(s, task, log)

    def _apply(self, s: Session, task: Task, log: ChangeLog, changes: dict[str, Any]) -> None:
        assert task.id is not None

        def rec(f: str, old: object, new: object) -> None:
            log.record(
                "update", task_id=task.id, project_id=task.project_id, field=f, old=old, new=new
            )

        for name, value in changes.items():
            if name == "title":
                new = rules.title(value)
                if new != task.title:
                    rec("title", task.title, new)
                    task.title = new
            elif name == "notes":
                new = rules.NOTES.check(value or "")
                if new != task.notes:
                    rec("notes", task.notes, new)
                    task.notes = new
            elif name == "assignee":
                old_handle = s.get(Person, task.assignee_id).handle if task.assignee_id else None  # type: ignore[union-attr]
                person = lookup.resolve_person(s, value)[0] if value else None
                if (person.id if person else None) != task.assignee_id:
                    rec("assignee", old_handle, person.handle if person else None)
                    task.assignee_id = person.id if person else None
            elif name in ("due", "start"):
                if value is not None and not isinstance(value, date):
                    raise InvalidFieldError(name, f"bad {name} date {value!r}")
                if getattr(task, name) != value:
                    rec(name, getattr(task, name), value)
                    setattr(task, name, value)
            elif name == "priority":
                new = rules.priority(value)
                if new != task.priority:
                    rec("priority", task.priority, new)
                    task.priority = new
            elif name == "tags":
                old_tags = self._tag_names(s, task.id)
                new_tags = rules.tag_names(value or ())
                if new_tags != old_tags:
                    self._set_tags(s, task.id, new_tags)
                    rec("tags", old_tags, new_tags)
            elif name == "key_result":
                from taskboard.domain.models import KeyResult

                old_kr = s.get(KeyResult, task.key_result_id).key if task.key_result_id else None  # type: ignore[union-attr]
                kr = lookup.key_result_by_key(s, value) if value else None
                if (kr.id if kr else None) != task.key_result_id:
                    rec("key_result", old_kr, kr.key if kr else None)
                    task.key_result_id = kr.id if kr else None
            elif name == "recurrence":
                rule = rules.recurrence(value)
                if rule != task.recurrence:
                    rec("recurrence", task.recurrence, rule)
                    task.recurrence = rule
            elif name == "column":
                self._move(s, task, log, value, None)
            else:
                raise InvalidFieldError(name, f"unknown field {name!r}")

    @staticmethod
    def _tag_names(s: Session, task_id: int) -> tuple[str, ...]:
        from taskboard.domain.models import Tag

        return tuple(
            sorted(
                s.scalars(
                    select(col(Tag.name))
                    .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
                    .where(col(TaskTag.task_id) == task_id)
                )
            )
        )

    def apply_tokens(self, key: str, line: str, expected_version: int | None = None) -> TaskRow:
        """`taskboard edit KEY "TOKENS"`: capture tokens change fields; words, if any, the title."""
        tokens, errors = scan_tokens(line, self.ctx.today())
        errors = [e for e in errors if e.token]  # an edit may leave the title as it is
        if errors:
            raise InvalidFieldError("tokens", str(errors[0]))
        changes: dict[str, Any] = {}
        words = [t.text for t in tokens if t.kind == "word"]
        if words:
            changes["title"] = " ".join(words)
        by_kind: dict[str, Token] = {t.kind: t for t in tokens if t.kind != "word"}
        tags = [t.value for t in tokens if t.kind == "tag"]
        for kind, tok in by_kind.items():
            if kind == "assignee":
                changes["assignee"] = tok.value
            elif kind == "due":
                changes["due"] = date.fromisoformat(tok.value)
            elif kind == "priority":
                changes["priority"] = tok.value
            elif kind == "column":
                changes["column"] = tok.value
            elif kind == "key_result":
                changes["key_result"] = tok.value
            elif kind == "recurrence":
                changes["recurrence"] = tok.value
            elif kind == "project":
                raise InvalidFieldError(
                    "project", f"'{tok.text}': use `taskboard move` to change a task's project"
                )
        if not changes and not tags:
            raise NoChangeError("nothing to change: give tokens like @handle ^fri #tag !high")
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            if tags:
                assert task.id is not None
                changes["tags"] = tuple(sorted(set(self._tag_names(s, task.id)) | set(tags)))
            log = ChangeLog(s, self.ctx.actor)
            with s.no_autoflush:
                self._apply(s, task, log, changes)
            return self._save(s, task, log)

    def move(
        self,
        key: str,
        column: str,
        index: int | None = None,
        expected_version: int | None = None,
    ) -> TaskRow:
        """Move to a column (name or unique prefix), at `index` among its cards or at the end."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            log = ChangeLog(s, self.ctx.actor)
            self._move(s, task, log, column, index)
            return self._save(s, task, log)

    def step(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move to the next (+1) or previous (-1) column; the board's H and L."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            columns = lookup.columns_of(s, task.project_id)
            pos = next(i for i, c in enumerate(columns) if c.id == task.column_id) + delta
            if not 0 <= pos < len(columns):
                raise NoChangeError(
                    f"{task.key} is already in the {'first' if delta < 0 else 'last'} column"
                )
            log = ChangeLog(s, self.ctx.actor)
            self._move(s, task, log, columns[pos], None)
            return self._save(s, task, log)

    def _move(
        self, s: Session, task: Task, log: ChangeLog, column: str | BoardColumn, index: int | None
    ) -> None:
        columns = lookup.columns_of(s, task.project_id)
        target = column if isinstance(column, BoardColumn) else lookup.match_column(columns, column)
        old = next(c for c in columns if c.id == task.column_id)
        if target.is_done and task.completed is None:
            self._check_unblocked(s, task)
        # Only the neighbours of the new place are read, never the whole column.
        here = (
            col(Task.column_id) == target.id,
            col(Task.parent_id).is_(None),
            col(Task.id) != task.id,
        )
        last = select(func.max(col(Task.rank))).where(*here)
        before: str | None
        after: str | None
        if index is None:
            before, after = s.scalar(last), None
        else:
            index = max(index, 0)
            ordered = select(col(Task.rank)).where(*here).order_by(col(Task.rank))
            pair = list(s.scalars(ordered.offset(max(index - 1, 0)).limit(2)))
            if index == 0:
                before, after = None, (pair[0] if pair else None)
            elif len(pair) == 2:
                before, after = pair
            else:  # past the end: append
                before, after = s.scalar(last), None
        new_rank = rank_between(before, after)
        if target.id != old.id:
            log.record(
                "move",
                task_id=task.id,
                project_id=task.project_id,
                field="column",
                old=old.name,
                new=target.name,
            )
            task.column_id = target.id or 0
            self._sync_done(task, log, target.is_done)
        if new_rank != task.rank:
            log.record(
                "rank",
                task_id=task.id,
                project_id=task.project_id,
                field="rank",
                old=task.rank,
                new=new_rank,
            )
            task.rank = new_rank

    def _sync_done(self, task: Task, log: ChangeLog, done: bool) -> None:
        if done and task.completed is None:
            task.completed = utcnow()
            log.record(
                "done",
                task_id=task.id,
                project_id=task.project_id,
                field="completed",
                old=None,
                new=task.completed,
            )
            if task.recurrence:
                create_next_occurrence(log.session, log, task, self.ctx.today())
        elif not done and task.completed is not None:
            log.record(
                "reopen",
                task_id=task.id,
                project_id=task.project_id,
                field="completed",
                old=task.completed,
                new=None,
            )
            task.completed = None

    def _check_unblocked(self, s: Session, task: Task) -> None:
        blockers = s.scalars(
            select(col(Task.key))
            .join(Dependency, col(Dependency.blocked_by_id) == col(Task.id))
            .where(
                col(Dependency.task_id) == task.id,
                col(Task.completed).is_(None),
                col(Task.archived).is_(False),
            )
            .order_by(col(Task.key))
        ).all()
        if blockers:
            raise BlockedError(f"{task.key} is blocked by {', '.join(blockers)}: finish that first")

    def reorder(self, key: str, delta: int, expected_version: int | None = None) -> TaskRow:
        """Move a card up (-1) or down (+1) within its column; the board's K and J."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            scope = (
                col(Task.parent_id) == task.parent_id
                if task.parent_id
                else col(Task.parent_id).is_(None)
            )
            ids = [
                r[0]
                for r in s.execute(
                    select(col(Task.id))
                    .where(
                        col(Task.column_id) == task.column_id, scope, col(Task.archived).is_(False)
                    )
                    .order_by(col(Task.rank), col(Task.id))
                )
            ]
            pos = ids.index(task.id)
            new_pos = pos + delta
            if not 0 <= new_pos < len(ids):
                raise NoChangeError(
                    f"{task.key} is already at the {'top' if delta < 0 else 'bottom'}"
                )
            others = [i for i in ids if i != task.id]
            ranks = dict(
                s.execute(
                    select(col(Task.id), col(Task.rank)).where(col(Task.id).in_(others))
                ).all()
            )
            before = ranks[others[new_pos - 1]] if new_pos > 0 else None
            after = ranks[others[new_pos]] if new_pos < len(others) else None
            log = ChangeLog(s, self.ctx.actor)
            new_rank = rank_between(before, after)
            log.record(
                "rank",
                task_id=task.id,
                project_id=task.project_id,
                field="rank",
                old=task.rank,
                new=new_rank,
            )
            task.rank = new_rank
            return self._save(s, task, log)

    def complete(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Mark done: moves the task to its project's done column when it has one."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            if task.completed is not None:
                raise NoChangeError(f"{task.key} is already done")
            self._check_unblocked(s, task)
            log = ChangeLog(s, self.ctx.actor)
            done = lookup.done_column(lookup.columns_of(s, task.project_id))
            if done is not None and task.parent_id is None:
                self._move(s, task, log, done, None)
            self._sync_done(task, log, True)
            return self._save(s, task, log)

    def reopen(self, key: str, expected_version: int | None = None) -> TaskRow:
        """Undo done: back to the last column that is not a done column."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            if task.completed is None:
                raise NoChangeError(f"{task.key} is not done")
            log = ChangeLog(s, self.ctx.actor)
            columns = lookup.columns_of(s, task.project_id)
            current = next(c for c in columns if c.id == task.column_id)
            if current.is_done and task.parent_id is None:
                open_columns = [c for c in columns if not c.is_done]
                if open_columns:
                    self._move(s, task, log, open_columns[-1], None)
            self._sync_done(task, log, False)
            return self._save(s, task, log)

    def toggle_done(self, key: str, expected_version: int | None = None) -> TaskRow:
        row = self.row(key)
        if row.done:
            return self.reopen(key, expected_version)
        return self.complete(key, expected_version)

    def archive(
        self, key: str, archived: bool = True, expected_version: int | None = None
    ) -> TaskRow:
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            if task.archived == archived:
                raise NoChangeError(f"{task.key} is {'already' if archived else 'not'} archived")
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "archive" if archived else "unarchive",
                task_id=task.id,
                project_id=task.project_id,
                field="archived",
                old=task.archived,
                new=archived,
            )
            task.archived = archived
            return self._save(s, task, log)

    def move_to_project(
        self,
        key: str,
        project_key: str,
        column: str | None = None,
        expected_version: int | None = None,
    ) -> TaskRow:
        """Move a top-level task (its subtasks follow) to another project's column (default: the
        first); each gets a new key there, the old keys are never reused."""
        with self.ctx.store.write() as s:
            task = self._load(s, key, expected_version)
            if task.parent_id is not None:
                raise StateError(f"{task.key} is a subtask: move its parent task instead")
            target = lookup.project_by_key(s, project_key)
            if target.id == task.project_id:
                raise NoChangeError(f"{task.key} is already in project {target.key}")
            if target.archived:
                raise StateError(f"project {target.key} is archived")
            columns = lookup.columns_of(s, target.id or 0)
            if not columns:
                raise StateError(f"project {target.key} has no columns")
            dest = lookup.match_column(columns, column) if column else columns[0]
            if dest.is_done and task.completed is None:
                self._check_unblocked(s, task)
            subtasks = builtins.list(
                s.scalars(select(Task).where(col(Task.parent_id) == task.id).order_by(col(Task.id)))
            )
            log = ChangeLog(s, self.ctx.actor)
            rank = rank_between(self._last_rank(s, dest.id or 0, None), None)
            for moved in (task, *subtasks):
                number = reserve_numbers(s, target.id or 0)
                new_key = f"{target.key}-{number}"
                log.record(
                    "move_project",
                    task_id=moved.id,
                    project_id=target.id,
                    field="key",
                    old=moved.key,
                    new=new_key,
                )
                moved.project_id, moved.number, moved.key = target.id or 0, number, new_key
                moved.column_id = dest.id or 0
                if moved is task:
                    moved.rank = rank
                else:
                    moved.updated = utcnow()
            self._sync_done(task, log, dest.is_done)
            return self._save(s, task, log)

    # ---- links and comments -------------------------------------------

    def add_dependency(self, key: str, blocked_by: str) -> TaskRow:
        """`key` cannot be done before `blocked_by`; refuses cycles."""
        with self.ctx.store.write() as s:
            task = lookup.task_by_key(s, key)
            blocker = lookup.task_by_key(s, blocked_by)
            if task.id == blocker.id:
                raise CycleError(f"{task.key} cannot block itself")
            if lookup.depends_on(s, blocker.id or 0, task.id or 0):
                raise CycleError(
                    f"{blocker.key} already depends on {task.key}: that would be a cycle"
                )
            exists = s.get(Dependency, (task.id, blocker.id))
            if exists is not None:
                raise DuplicateError(f"{task.key} is already blocked by {blocker.key}")
            s.add(Dependency(task_id=task.id or 0, blocked_by_id=blocker.id or 0))
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "link",
                task_id=task.id,
                project_id=task.project_id,
                field="blocked_by",
                new=blocker.key,
            )
            return self._save(s, task, log)

    def remove_dependency(self, key: str, blocked_by: str) -> TaskRow:
        with self.ctx.store.write() as s:
            task = lookup.task_by_key(s, key)
            blocker = lookup.task_by_key(s, blocked_by)
            dep = s.get(Dependency, (task.id, blocker.id))
            if dep is None:
                raise NotFoundError(f"{task.key} is not blocked by {blocker.key}")
            s.delete(dep)
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "unlink",
                task_id=task.id,
                project_id=task.project_id,
                field="blocked_by",
                old=blocker.key,
            )
            return self._save(s, task, log)

    def comment(self, key: str, body: str) -> CommentView:
        text_ = rules.COMMENT.check(body)
        with self.ctx.store.write() as s:
            task = lookup.task_by_key(s, key)
            author, _ = lookup.resolve_person(s, self.ctx.actor)
            comment = Comment(task_id=task.id or 0, author_id=author.id, body=text_)
            s.add(comment)
            s.flush()
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "comment",
                task_id=task.id,
                project_id=task.project_id,
                field="comment",
                new=text_[:200],
            )
            log.flush()
            return CommentView(
                id=comment.id or 0, author=author.handle, body=text_, created=comment.created
            )
