"""Template use cases: save a checklist, list and show it, apply it as a task or a new project."""

from __future__ import annotations

import builtins
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.dates import DateParseError, parse_when
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.models import BoardColumn, Person, Project, Task, Template, TemplateStep
from taskboard.domain.template_views import AppliedTemplate, ApplyAs, TemplateStepView, TemplateView
from taskboard.domain.templates import StepSpec, due_dates
from taskboard.domain.text import clean, excerpt
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    ServiceError,
    StateError,
)
from taskboard.services.names import match_name
from taskboard.services.projects import DEFAULT_COLUMNS, DONE_NAMES, ProjectService, _column_names
from taskboard.services.tasks import TaskService


@dataclass(frozen=True, slots=True)
class _Instance:
    line: int | None
    name: str
    anchor: date
    assignee: str | None


def _at(line: int | None, exc: ServiceError) -> ServiceError:
    """`exc` said of the CSV line it comes from, when it comes from one."""
    return exc.at(f"line {line}") if line is not None else exc


def _template_name(name: str) -> str:
    return rules.TEMPLATE_NAME.check(name)


def derive_project_key(name: str, taken: set[str]) -> str:
    """A free 2–6 letter key from a name: `Service point Leipzig` → `SPL`, then `SPLA`, …"""
    words = [w.upper() for w in re.findall(r"[A-Za-z]+", name)]
    letters = "".join(words)
    if len(letters) < 2:
        letters = (letters + "XX")[:2]
    initials = "".join(w[0] for w in words)
    base = initials if len(initials) >= 2 else letters[:3]
    base = base[:6]
    candidates = [base, letters[:6], *(base[:5] + chr(c) for c in range(65, 91))]
    candidates += [base[:4] + chr(a) + chr(b) for a in range(65, 91) for b in range(65, 91)]
    for key in candidates:
        if len(key) >= 2 and key not in taken:
            return key
    raise DuplicateError(f"no free project key for '{excerpt(name)}': give one with --key")


class TemplateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- saving ------------------------------------------------------------------

    def create(self, name: str, steps: Sequence[StepSpec], description: str = "") -> TemplateView:
        """A template from steps; assignees are handles (unknown ones become new people)."""
        title = _template_name(name)
        if not steps:
            raise InvalidFieldError("steps", "a template needs at least one step")
        with self.ctx.store.write() as s:
            return self._save(s, title, description, steps)

    def from_task(self, task_key: str, name: str) -> TemplateView:
        """The task's subtasks as steps; offsets from its start date (else its created date)."""
        title = _template_name(name)
        with self.ctx.store.write() as s:
            parent = lookup.task_by_key(s, task_key)
            anchor = parent.start or parent.created.date()
            subtasks = builtins.list(
                s.scalars(
                    select(Task).where(col(Task.parent_id) == parent.id).order_by(col(Task.rank))
                )
            )
            if not subtasks:
                raise StateError(f"{parent.key} has no subtasks to make steps of")
            columns = {c.id: c.name for c in lookup.columns_of(s, parent.project_id)}
            steps = [
                self._step_of(s, t, anchor, columns, t.column_id != parent.column_id)
                for t in subtasks
            ]
            return self._save(s, title, f"Saved from {parent.key}: {parent.title}", steps)

    def from_project(self, project_key: str, name: str) -> TemplateView:
        """Every open top-level task as a step with its column; offsets from the project's start."""
        title = _template_name(name)
        with self.ctx.store.write() as s:
            project = lookup.project_by_key(s, project_key)
            anchor = project.created.date()
            tasks = builtins.list(
                s.scalars(
                    select(Task)
                    .join(BoardColumn, col(BoardColumn.id) == col(Task.column_id))
                    .where(
                        col(Task.project_id) == project.id,
                        col(Task.parent_id).is_(None),
                        col(Task.completed).is_(None),
                        col(Task.archived).is_(False),
                    )
                    .order_by(col(BoardColumn.position), col(Task.rank))
                )
            )
            if not tasks:
                raise StateError(f"project {project.key} has no open tasks to make steps of")
            columns = {c.id: c.name for c in lookup.columns_of(s, project.id or 0)}
            steps = [self._step_of(s, t, anchor, columns, True) for t in tasks]
            return self._save(s, title, project.description or project.name, steps)

    @staticmethod
    def _step_of(
        s: Session, task: Task, anchor: date, columns: dict[int | None, str], keep_column: bool
    ) -> StepSpec:
        person = s.get(Person, task.assignee_id) if task.assignee_id else None
        return StepSpec(
            title=task.title,
            offset_days=(task.due - anchor).days if task.due else None,
            assignee=person.handle if person else None,
            column=columns[task.column_id] if keep_column else None,
            tags=TaskService._tag_names(s, task.id or 0),
            priority=task.priority,
            notes=task.notes,
        )

    def _save(
        self, s: Session, name: str, description: str, steps: Sequence[StepSpec]
    ) -> TemplateView:
        if s.scalars(select(Template).where(col(Template.name) == name)).first() is not None:
            raise DuplicateError(f"template '{name}' already exists")
        about = rules.TEMPLATE_DESCRIPTION.check(description)
        template = Template(name=name, description=about)
        s.add(template)
        s.flush()
        for i, step in enumerate(steps, start=1):
            try:
                title = rules.title(step.title)
                priority = rules.priority(step.priority or None)
                column = (
                    rules.COLUMN_NAME.check(" ".join(clean(step.column).split()))
                    if step.column
                    else None
                )
                tags = " ".join(rules.tag_names(step.tags))
                notes = rules.NOTES.check(step.notes)
            except ServiceError as exc:
                raise exc.at(f"step {i}") from None
            assignee_id = lookup.resolve_person(s, step.assignee)[0].id if step.assignee else None
            s.add(
                TemplateStep(
                    template_id=template.id or 0,
                    position=i,
                    title=title,
                    offset_days=step.offset_days,
                    assignee_id=assignee_id,
                    column_name=column or None,
                    tags=tags,
                    priority=priority,
                    notes=notes,
                )
            )
        s.flush()
        log = ChangeLog(s, self.ctx.actor)
        log.record("create", entity="template", entity_id=template.id, new=name)
        log.flush()
        return self._view(s, template)

    # ---- reading -----------------------------------------------------------------

    def list(self) -> builtins.list[TemplateView]:
        with self.ctx.store.read() as s:
            return [
                self._view(s, t) for t in s.scalars(select(Template).order_by(col(Template.name)))
            ]

    def show(self, name: str) -> TemplateView:
        with self.ctx.store.read() as s:
            return self._view(s, self._find(s, name))

    def delete(self, name: str) -> TemplateView:
        with self.ctx.store.write() as s:
            template = self._find(s, name)
            view = self._view(s, template)
            s.execute(delete(TemplateStep).where(col(TemplateStep.template_id) == template.id))
            s.delete(template)
            log = ChangeLog(s, self.ctx.actor)
            log.record("delete", entity="template", entity_id=template.id, old=template.name)
            s.flush()
            log.flush()
            return view

    @staticmethod
    def _find(s: Session, name: str) -> Template:
        templates = builtins.list(s.scalars(select(Template).order_by(col(Template.name))))
        index = match_name([t.name for t in templates], clean(name), "template")
        return templates[index]

    @staticmethod
    def _view(s: Session, template: Template) -> TemplateView:
        rows = s.execute(
            select(TemplateStep, col(Person.handle))
            .outerjoin(Person, col(Person.id) == col(TemplateStep.assignee_id))
            .where(col(TemplateStep.template_id) == template.id)
            .order_by(col(TemplateStep.position))
        ).all()
        return TemplateView(
            id=template.id or 0,
            name=template.name,
            description=template.description,
            steps=tuple(
                TemplateStepView(
                    position=st.position,
                    title=st.title,
                    offset_days=st.offset_days,
                    assignee=handle,
                    column=st.column_name,
                    tags=tuple(st.tags.split()),
                    priority=st.priority,
                    notes=st.notes,
                )
                for st, handle in rows
            ),
        )

    # ---- applying ----------------------------------------------------------------

    def apply(
        self,
        name: str,
        anchor: date,
        instance_name: str,
        as_: ApplyAs = "task",
        assignee: str | None = None,
        project: str | None = None,
    ) -> AppliedTemplate:
        """One instance: a task with a subtask per step in `project` (default INBOX), or a new
        project (key `project`, else derived from the name) with a task per step.

        `assignee` owns the instance and takes every step that has no default assignee.
        """
        instance = _Instance(None, instance_name, anchor, assignee)
        with self.ctx.store.write() as s:
            log = ChangeLog(s, self.ctx.actor)
            template = self._view(s, self._find(s, name))
            made = self._apply_all(s, log, template, [instance], as_, project)
            log.flush()
            return made[0]

    def apply_csv(
        self,
        name: str,
        rows: str | Iterable[str],
        as_: ApplyAs = "task",
        project: str | None = None,
    ) -> builtins.list[AppliedTemplate]:
        """One instance per CSV row (`name,anchor,assignee`), all in one transaction.

        A bad row raises a ServiceError naming its line; then nothing is created.
        """
        lines = rows.splitlines() if isinstance(rows, str) else builtins.list(rows)
        instances = self._read_csv(lines)
        with self.ctx.store.write() as s:
            log = ChangeLog(s, self.ctx.actor)
            template = self._view(s, self._find(s, name))
            made = self._apply_all(s, log, template, instances, as_, project)
            log.flush()
            return made

    def _read_csv(self, lines: builtins.list[str]) -> builtins.list[_Instance]:
        reader = csv.DictReader(lines, skipinitialspace=True)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "name" not in header or "anchor" not in header:
            raise InvalidFieldError(
                "csv", "line 1: the CSV needs the columns name, anchor (and assignee)"
            )
        reader.fieldnames = header
        today = self.ctx.today()
        instances: builtins.list[_Instance] = []
        for record in reader:
            line = reader.line_num
            try:
                title = rules.INSTANCE_NAME.check(record.get("name") or "")
            except ServiceError as exc:
                raise exc.at(f"line {line}") from None
            anchor_text = (record.get("anchor") or "").strip()
            try:
                anchor = parse_when(anchor_text, today)
            except DateParseError:
                raise InvalidFieldError(
                    "anchor", f"line {line}: bad anchor date '{excerpt(anchor_text)}'"
                ) from None
            who = (record.get("assignee") or "").strip() or None
            if who is not None:
                try:
                    who = rules.handle(who)
                except ServiceError as exc:
                    raise exc.at(f"line {line}") from None
            instances.append(_Instance(line, title, anchor, who))
        if not instances:
            raise InvalidFieldError("csv", "the CSV has no rows")
        return instances

    def _apply_all(
        self,
        s: Session,
        log: ChangeLog,
        template: TemplateView,
        instances: Sequence[_Instance],
        as_: ApplyAs,
        project: str | None,
    ) -> builtins.list[AppliedTemplate]:
        if as_ == "task":
            return self._as_tasks(s, log, template, instances, project or rules.INBOX)
        if as_ == "project":
            if project is not None and len(instances) > 1:
                raise InvalidFieldError(
                    "project", "one project key cannot name several new projects"
                )
            return [self._as_project(s, log, template, i, project) for i in instances]
        raise InvalidFieldError("as", f"apply as 'task' or 'project', not {as_!r}")

    @staticmethod
    def _drafts(
        template: TemplateView, instance: _Instance, with_columns: bool
    ) -> builtins.list[TaskDraft]:
        dues = due_dates([st.offset_days for st in template.steps], instance.anchor)
        return [
            TaskDraft(
                title=st.title,
                column=st.column if with_columns else None,
                assignee=st.assignee or instance.assignee,
                due=due,
                priority=st.priority,
                tags=st.tags,
                notes=st.notes,
            )
            for st, due in zip(template.steps, dues, strict=True)
        ]

    def _as_tasks(
        self,
        s: Session,
        log: ChangeLog,
        template: TemplateView,
        instances: Sequence[_Instance],
        project: str,
    ) -> builtins.list[AppliedTemplate]:
        tasks = TaskService(self.ctx)
        parents: builtins.list[TaskDraft] = []
        children: builtins.list[builtins.list[TaskDraft]] = []
        for inst in instances:
            steps = self._drafts(template, inst, with_columns=False)
            dues = [d.due for d in steps if d.due is not None]
            try:
                title = rules.INSTANCE_NAME.check(inst.name)
            except ServiceError as exc:
                raise _at(inst.line, exc) from None
            parents.append(
                TaskDraft(
                    title=title,
                    assignee=inst.assignee,
                    start=inst.anchor,
                    due=max(dues) if dues else None,
                    notes=template.description,
                )
            )
            children.append(steps)
        keys = tasks.insert_many(s, log, parents, project)
        sub_keys = tasks.insert_subtasks(s, log, builtins.list(zip(keys, children, strict=True)))
        made: builtins.list[AppliedTemplate] = []
        position = 0
        for inst, key, steps in zip(instances, keys, children, strict=True):
            made.append(
                AppliedTemplate(
                    template=template.name,
                    kind="task",
                    name=rules.INSTANCE_NAME.check(inst.name),
                    key=key,
                    anchor=inst.anchor,
                    task_keys=(key, *sub_keys[position : position + len(steps)]),
                )
            )
            position += len(steps)
        return made

    def _as_project(
        self,
        s: Session,
        log: ChangeLog,
        template: TemplateView,
        inst: _Instance,
        key: str | None,
    ) -> AppliedTemplate:
        try:
            name = rules.PROJECT_NAME.check(inst.name)
            taken = set(s.scalars(select(col(Project.key))))
            key = rules.project_key(key) if key else derive_project_key(name, taken)
            if key in taken:
                raise DuplicateError(f"project {key} already exists")
        except ServiceError as exc:
            raise _at(inst.line, exc) from None
        names: builtins.list[str] = []
        for st in template.steps:
            if st.column and st.column.casefold() not in {n.casefold() for n in names}:
                names.append(st.column)
        if not names:
            names = builtins.list(DEFAULT_COLUMNS)
        elif not any(n.casefold() in DONE_NAMES for n in names):
            names.append("Done")
        names = _column_names(names)
        project = Project(key=key, name=name, description=template.description)
        s.add(project)
        s.flush()
        done_index = ProjectService._done_index(names, None)
        for i, column in enumerate(names):
            s.add(
                BoardColumn(
                    project_id=project.id or 0, name=column, position=i, is_done=i == done_index
                )
            )
        s.flush()
        log.record("create", entity="project", entity_id=project.id, project_id=project.id, new=key)
        drafts = self._drafts(template, inst, with_columns=True)
        try:
            keys = TaskService(self.ctx).insert_many(s, log, drafts, key)
        except ServiceError as exc:
            raise _at(inst.line, exc) from None
        return AppliedTemplate(
            template=template.name,
            kind="project",
            name=name,
            key=key,
            anchor=inst.anchor,
            task_keys=tuple(keys),
        )
