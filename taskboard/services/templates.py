"""Template use cases: save a checklist, list and show it, apply it as a task or a new project."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session, col

from taskboard.domain import rules
from taskboard.domain.drafts import TaskDraft
from taskboard.domain.models import BoardColumn, Person, Project, Task, Template, TemplateStep
from taskboard.domain.template_views import AppliedTemplate, ApplyAs, TemplateStepView, TemplateView
from taskboard.domain.templates import (
    Instance,
    StepSpec,
    board_columns,
    derive_project_key,
    due_dates,
    read_instances,
)
from taskboard.domain.text import clean
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    AmbiguousError,
    DuplicateError,
    InvalidFieldError,
    ServiceError,
    StateError,
)
from taskboard.services.names import match_name
from taskboard.services.ops import find
from taskboard.services.ops.projects import create_project
from taskboard.services.ops.tags import task_tags
from taskboard.services.ops.tasks import NewTask, Placer, insert_tasks, place_batch
from taskboard.store.writer import Writer


def _at(line: int | None, exc: ServiceError) -> ServiceError:
    """`exc` said of the CSV line it comes from, when it comes from one."""
    return exc.at(f"line {line}") if line is not None else exc


class TemplateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- saving ------------------------------------------------------------------

    def create(
        self,
        name: str,
        steps: Sequence[StepSpec],
        description: str = "",
        *,
        new_people: bool = True,
    ) -> TemplateView:
        """A template from steps; assignees are handles. An unknown one becomes a new person,
        or with `new_people` False is refused, naming the step and the closest handles."""
        title = rules.TEMPLATE_NAME.check(name)
        if not steps:
            raise InvalidFieldError("steps", "a template needs at least one step")
        with self.ctx.change() as (s, log):
            return self._save(s, log, title, description, steps, new_people)

    def from_task(self, task_key: str, name: str) -> TemplateView:
        """The task's subtasks as steps; offsets from its start date (else its created date)."""
        title = rules.TEMPLATE_NAME.check(name)
        with self.ctx.change() as (s, log):
            parent = lookup.task_by_key(s, task_key)
            anchor = parent.start or parent.created.date()
            subtasks = list(
                s.scalars(
                    select(Task).where(col(Task.parent_id) == parent.id).order_by(col(Task.rank))
                )
            )
            if not subtasks:
                raise StateError(f"{parent.key} has no subtasks to make steps of")
            columns = {
                c.id: c.name for c in find.columns_of(Writer.of_session(s), parent.project_id)
            }
            steps = [
                self._step_of(s, t, anchor, columns, t.column_id != parent.column_id)
                for t in subtasks
            ]
            return self._save(s, log, title, f"Saved from {parent.key}: {parent.title}", steps)

    def from_project(self, project_key: str, name: str) -> TemplateView:
        """Every open top-level task as a step with its column; offsets from the project's start."""
        title = rules.TEMPLATE_NAME.check(name)
        with self.ctx.change() as (s, log):
            project = lookup.project_by_key(s, project_key)
            anchor = project.created.date()
            tasks = list(
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
            columns = {c.id: c.name for c in find.columns_of(Writer.of_session(s), project.id or 0)}
            steps = [self._step_of(s, t, anchor, columns, True) for t in tasks]
            return self._save(s, log, title, project.description or project.name, steps)

    @staticmethod
    def _step_of(
        s: Session, task: Task, anchor: date, columns: dict[int, str], keep_column: bool
    ) -> StepSpec:
        person = s.get(Person, task.assignee_id) if task.assignee_id else None
        return StepSpec(
            title=task.title,
            offset_days=(task.due - anchor).days if task.due else None,
            assignee=person.handle if person else None,
            column=columns[task.column_id] if keep_column else None,
            tags=task_tags(Writer.of_session(s), task.id or 0),
            priority=task.priority,
            notes=task.notes,
        )

    def _save(
        self,
        s: Session,
        log: ChangeLog,
        name: str,
        description: str,
        steps: Sequence[StepSpec],
        new_people: bool = True,
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
                assignee_id = (
                    lookup.resolve_person(s, step.assignee, create=new_people)[0].id
                    if step.assignee
                    else None
                )
            except ServiceError as exc:
                raise exc.at(f"step {i}") from None
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
        log.about("create", "template", template.id, new=name)
        return self._view(s, template)

    # ---- reading -----------------------------------------------------------------

    def all(self) -> list[TemplateView]:
        with self.ctx.store.read() as s:
            return [
                self._view(s, t) for t in s.scalars(select(Template).order_by(col(Template.name)))
            ]

    def show(self, name: str) -> TemplateView:
        with self.ctx.store.read() as s:
            return self._view(s, self._find(s, name))

    def delete(self, name: str) -> TemplateView:
        with self.ctx.change() as (s, log):
            template = self._find(s, name)
            view = self._view(s, template)
            s.execute(delete(TemplateStep).where(col(TemplateStep.template_id) == template.id))
            s.delete(template)
            log.about("delete", "template", template.id, old=template.name)
            s.flush()
            return view

    @staticmethod
    def _find(s: Session, name: str) -> Template:
        templates = list(s.scalars(select(Template).order_by(col(Template.name))))
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
        """One instance: a task with a subtask per step in `project`, or a new project (key
        `project`, else derived from the name) with a task per step.

        A step lands in the column it names when the project has it (else in its task's
        column). Without `project`, the one project that has every column the steps name
        (INBOX when none does; refused, naming them, when several do).

        `assignee` owns the instance and takes every step that has no default assignee.
        """
        instance = Instance(None, instance_name, anchor, assignee)
        return self._apply(name, [instance], as_, project)[0]

    def apply_csv(
        self,
        name: str,
        rows: str | Iterable[str],
        as_: ApplyAs = "task",
        project: str | None = None,
    ) -> list[AppliedTemplate]:
        """One instance per CSV row (`name,anchor,assignee`), all in one transaction.

        A bad row is refused by its line; then nothing is created.
        """
        lines = rows.splitlines() if isinstance(rows, str) else list(rows)
        return self._apply(name, read_instances(lines, self.ctx.today()), as_, project)

    def _apply(
        self, name: str, instances: Sequence[Instance], as_: ApplyAs, project: str | None
    ) -> list[AppliedTemplate]:
        if as_ not in ("task", "project"):
            raise InvalidFieldError("as", f"apply as 'task' or 'project', not {as_!r}")
        if as_ == "project" and project is not None and len(instances) > 1:
            raise InvalidFieldError("project", "one project key cannot name several new projects")
        with self.ctx.change() as (s, log):
            template = self._view(s, self._find(s, name))
            if as_ == "task":
                home = project or self._home(s, template)
                return self._as_tasks(s, log, template, instances, home)
            return [self._as_project(s, log, template, i, project) for i in instances]

    @staticmethod
    def _home(s: Session, template: TemplateView) -> str:
        """The project a template applies to as a task when none is given: the only one
        whose board has every column its steps name (the inbox is where it goes when none
        has them, not a board that competes for it)."""
        named = {st.column.casefold() for st in template.steps if st.column}
        if not named:
            return rules.INBOX
        boards: dict[str, set[str]] = {}
        for key, column in s.execute(
            select(col(Project.key), col(BoardColumn.name))
            .join(BoardColumn, col(BoardColumn.project_id) == col(Project.id))
            .where(col(Project.archived).is_(False), col(Project.key) != rules.INBOX)
        ):
            boards.setdefault(key, set()).add(column.casefold())
        homes = sorted(key for key, columns in boards.items() if named <= columns)
        if len(homes) > 1:
            raise AmbiguousError(
                f"the steps of '{template.name}' name columns of {' and '.join(homes)}: "
                "say which with --project"
            )
        return homes[0] if homes else rules.INBOX

    @staticmethod
    def _in_named_column(
        row: NewTask, draft: TaskDraft, columns: Sequence[find.ColumnRef]
    ) -> NewTask:
        """A step's subtask in the column the step names, when its project has that column."""
        wanted = (draft.column or "").casefold()
        found = next((c for c in columns if c.name.casefold() == wanted), None)
        if found is None:
            return row
        return dataclasses.replace(row, column_id=found.id, done=found.is_done)

    @staticmethod
    def _drafts(template: TemplateView, instance: Instance, with_columns: bool) -> list[TaskDraft]:
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
        instances: Sequence[Instance],
        project: str,
    ) -> list[AppliedTemplate]:
        """Every instance's task, then every step's subtask, in one insert."""
        placer = Placer(log.writer)
        parents: list[NewTask] = []
        steps: list[list[TaskDraft]] = []
        for inst in instances:
            drafts = self._drafts(template, inst, with_columns=True)
            dues = [d.due for d in drafts if d.due is not None]
            parent = TaskDraft(
                title=inst.name,
                project=project,
                assignee=inst.assignee,
                start=inst.anchor,
                due=max(dues) if dues else None,
                notes=template.description,
            )
            try:
                parents.append(placer.row(parent))
            except ServiceError as exc:
                raise _at(inst.line, exc) from None
            steps.append(drafts)
        rows = list(parents)
        boards: dict[int, list[find.ColumnRef]] = {}
        for index, (inst, drafts) in enumerate(zip(instances, steps, strict=True)):
            pid = parents[index].project_id
            if pid not in boards:
                boards[pid] = find.columns_of(Writer.of_session(s), pid)
            columns = boards[pid]
            try:
                rows += [
                    self._in_named_column(placer.subtask(d, parents[index], index), d, columns)
                    for d in drafts
                ]
            except ServiceError as exc:
                raise _at(inst.line, exc) from None
        made = insert_tasks(log.writer, log, rows)
        applied = []
        first = len(parents)
        for index, (inst, drafts) in enumerate(zip(instances, steps, strict=True)):
            subtasks = [m.key for m in made[first : first + len(drafts)]]
            first += len(drafts)
            key = made[index].key
            applied.append(
                AppliedTemplate(
                    template.name, "task", parents[index].title, key, inst.anchor, (key, *subtasks)
                )
            )
        return applied

    def _as_project(
        self,
        s: Session,
        log: ChangeLog,
        template: TemplateView,
        inst: Instance,
        key: str | None,
    ) -> AppliedTemplate:
        try:
            name = rules.PROJECT_NAME.check(inst.name)
            taken = set(s.scalars(select(col(Project.key))))
            key = rules.project_key(key) if key else derive_project_key(name, taken)
            if key in taken:
                raise DuplicateError(f"project {key} already exists")
            columns = board_columns(st.column for st in template.steps)
            project = create_project(log.writer, log, key, name, columns, template.description)
            drafts = self._drafts(template, inst, with_columns=True)
            made = insert_tasks(log.writer, log, place_batch(log.writer, drafts, project.key))
        except ServiceError as exc:
            raise _at(inst.line, exc) from None
        return AppliedTemplate(
            template.name, "project", name, project.key, inst.anchor, tuple(m.key for m in made)
        )
