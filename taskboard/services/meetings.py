"""Meeting use cases: start, live capture, agenda, check-ins, undo, end, and minutes data."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from taskboard.domain import rules
from taskboard.domain.capture import CaptureError, parse_meeting_line
from taskboard.domain.drafts import TaskDraft, draft_from_capture
from taskboard.domain.meeting_views import (
    AGENDA_TAG,
    CONVERTIBLE,
    AgendaItemView,
    Captured,
    MeetingItemView,
    MeetingSummary,
    MeetingView,
    MinutesCheckIn,
    MinutesData,
    MinutesTask,
    SincePrevious,
    TaskChange,
)
from taskboard.domain.models import (
    Activity,
    AgendaItem,
    BoardColumn,
    CheckIn,
    KeyResult,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    Person,
    Project,
    Tag,
    Task,
    TaskTag,
    utcnow,
)
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    StateError,
)
from taskboard.services.okr import record_check_in
from taskboard.services.queries import task_rows
from taskboard.services.tasks import TaskService


class MeetingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- starting, attendees, ending -----------------------------------

    def start(
        self,
        title: str | None = None,
        project: str | None = None,
        attendees: tuple[str, ...] | list[str] = (),
    ) -> MeetingView:
        """Store a new meeting at once; the project's open `#agenda` tasks become its agenda."""
        name = rules.MEETING_TITLE.check(title or "")
        with self.ctx.store.write() as s:
            proj = lookup.project_by_key(s, project) if project else None
            meeting = Meeting(
                title=name or (f"{proj.name} meeting" if proj else "Meeting"),
                project_id=proj.id if proj else None,
            )
            s.add(meeting)
            s.flush()
            assert meeting.id is not None
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "create",
                entity="meeting",
                entity_id=meeting.id,
                project_id=meeting.project_id,
                new=meeting.title,
            )
            for handle in attendees:
                self._attend(s, log, meeting, handle)
            if proj is not None:
                agenda_tasks = s.execute(
                    select(Task.id, Task.title)
                    .join(TaskTag, col(TaskTag.task_id) == Task.id)
                    .join(Tag, col(Tag.id) == TaskTag.tag_id)
                    .join(BoardColumn, col(BoardColumn.id) == Task.column_id)
                    .where(
                        Tag.name == AGENDA_TAG,
                        Task.project_id == proj.id,
                        col(Task.completed).is_(None),
                        col(Task.archived).is_(False),
                    )
                    .order_by(col(BoardColumn.position), col(Task.rank))
                ).all()
                for task_id, task_title in agenda_tasks:
                    self._add_topic(s, meeting.id, task_title, task_id)
            log.flush()
            return self._view(s, meeting)

    def add_attendee(self, meeting_id: int, handle: str) -> MeetingView:
        with self.ctx.store.write() as s:
            meeting = self._meeting(s, meeting_id)
            log = ChangeLog(s, self.ctx.actor)
            self._attend(s, log, meeting, handle)
            log.flush()
            return self._view(s, meeting)

    def remove_attendee(self, meeting_id: int, handle: str) -> MeetingView:
        with self.ctx.store.write() as s:
            meeting = self._meeting(s, meeting_id)
            person, _ = lookup.resolve_person(s, handle, create=False)
            row = s.get(MeetingAttendee, (meeting_id, person.id))
            if row is None:
                raise NotFoundError(f"@{person.handle} does not attend meeting {meeting_id}")
            s.delete(row)
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "update",
                entity="meeting",
                entity_id=meeting_id,
                project_id=meeting.project_id,
                field="attendees",
                old=person.handle,
            )
            s.flush()
            log.flush()
            return self._view(s, meeting)

    @staticmethod
    def _attend(s: Session, log: ChangeLog, meeting: Meeting, handle: str) -> None:
        person, _ = lookup.resolve_person(s, handle)
        if s.get(MeetingAttendee, (meeting.id, person.id)) is not None:
            raise DuplicateError(f"@{person.handle} already attends meeting {meeting.id}")
        s.add(MeetingAttendee(meeting_id=meeting.id or 0, person_id=person.id or 0))
        s.flush()
        log.record(
            "update",
            entity="meeting",
            entity_id=meeting.id,
            project_id=meeting.project_id,
            field="attendees",
            new=person.handle,
        )

    def end(self, meeting_id: int) -> MeetingView:
        """End the meeting; the topic under discussion counts as discussed."""
        with self.ctx.store.write() as s:
            meeting = self._running(s, meeting_id)
            meeting.ended = utcnow()
            s.execute(
                update(AgendaItem)
                .where(
                    col(AgendaItem.meeting_id) == meeting_id,
                    col(AgendaItem.started).is_not(None),
                )
                .values(discussed=True)
            )
            log = ChangeLog(s, self.ctx.actor)
            log.record(
                "end",
                entity="meeting",
                entity_id=meeting_id,
                project_id=meeting.project_id,
                field="ended",
                new=meeting.ended,
            )
            s.flush()
            log.flush()
            return self._view(s, meeting)

    # ---- capture -------------------------------------------------------

    def capture(self, meeting_id: int, line: str) -> Captured:
        """One meeting line becomes one minutes item (and its task or check-in), in one commit."""
        try:
            parsed = parse_meeting_line(line, self.ctx.today())
        except CaptureError as exc:
            raise InvalidFieldError("line", str(exc)) from exc
        limit = rules.MEETING_LINE.limit
        if len(parsed.text) > limit:
            raise InvalidFieldError(
                "line", f"the {parsed.kind} is {len(parsed.text)} characters long; at most {limit}"
            )
        with self.ctx.store.write() as s:
            meeting = self._running(s, meeting_id)
            log = ChangeLog(s, self.ctx.actor)
            item = MeetingItem(
                meeting_id=meeting_id,
                kind=parsed.kind,
                text=parsed.text,
                agenda_item_id=self._current_topic_id(s, meeting_id),
            )
            task: Task | None = None
            new_people: tuple[str, ...] = ()
            kr_key = None
            if parsed.capture is not None:
                draft = draft_from_capture(parsed.capture, self._project_key(s, meeting))
                task, new_people = TaskService(self.ctx)._create(s, log, draft)
                item.task_id = task.id
                if AGENDA_TAG in draft.tags:
                    self._add_topic(s, meeting_id, task.title, task.id)
            elif parsed.kind == "checkin":
                assert parsed.kr_key is not None and parsed.value is not None
                check_in, kr, _ = record_check_in(
                    s, log, parsed.kr_key, parsed.value, parsed.confidence, parsed.note or ""
                )
                kr_key = kr.key
                item.check_in_id = check_in.id
            elif parsed.kind == "agenda":
                item.agenda_item_id = self._add_topic(s, meeting_id, parsed.text, None)
            s.add(item)
            s.flush()
            log.record(
                "capture",
                entity="meeting_item",
                entity_id=item.id,
                project_id=meeting.project_id,
                field=item.kind,
                new=item.text[:200],
            )
            log.flush()
            row = task_rows(s, col(Task.id) == task.id)[0] if task is not None else None
            view = MeetingItemView(
                id=item.id or 0,
                kind=item.kind,
                text=item.text,
                created=item.created,
                task_key=task.key if task else None,
                key_result=kr_key,
                agenda_item_id=item.agenda_item_id,
            )
        return Captured(item=view, task=row, new_people=new_people)

    def undo_last(self, meeting_id: int) -> MeetingItemView:
        """Remove the newest item with what it created: its task, check-in or agenda topic."""
        with self.ctx.store.write() as s:
            meeting = self._running(s, meeting_id)
            item = s.scalars(
                select(MeetingItem)
                .where(MeetingItem.meeting_id == meeting_id)
                .order_by(col(MeetingItem.id).desc())
                .limit(1)
            ).first()
            if item is None:
                raise NoChangeError(f"meeting {meeting_id} has no item to undo")
            view = self._item_views(s, MeetingItem.id == item.id)[0]
            changes = self._change_ids(s, item)
            if changes:
                s.execute(
                    update(Activity).where(col(Activity.change_id).in_(changes)).values(undone=True)
                )
            log = ChangeLog(s, self.ctx.actor, reverts=changes[0] if changes else None)
            log.record(
                "delete",
                entity="meeting_item",
                entity_id=item.id,
                project_id=meeting.project_id,
                field=item.kind,
                old=item.text[:200],
            )
            task_id, check_in_id = item.task_id, item.check_in_id
            topic_id = item.agenda_item_id if item.kind == "agenda" else None
            s.delete(item)
            s.flush()
            if task_id is not None:
                self._delete_task(s, log, meeting_id, task_id)
            if check_in_id is not None:
                self._delete_check_in(s, log, check_in_id, changes)
            if topic_id is not None:
                s.execute(delete(AgendaItem).where(col(AgendaItem.id) == topic_id))
            log.flush()
            return view

    @staticmethod
    def _change_ids(s: Session, item: MeetingItem) -> list[str]:
        """The changes that made `item` and its task, newest first."""
        made_item = (Activity.entity == "meeting_item") & (Activity.entity_id == item.id)
        cond = made_item & (Activity.action == "capture")
        if item.task_id is not None:
            cond = cond | ((Activity.task_id == item.task_id) & (Activity.action == "create"))
        return list(
            dict.fromkeys(
                s.scalars(select(Activity.change_id).where(cond).order_by(col(Activity.id).desc()))
            )
        )

    @staticmethod
    def _delete_task(s: Session, log: ChangeLog, meeting_id: int, task_id: int) -> None:
        # Archiving is not enough: the task was typed by mistake and never existed.
        task = s.get(Task, task_id)
        if task is None:
            return
        log.record("delete", task_id=task.id, project_id=task.project_id, old=task.key)
        s.execute(
            delete(AgendaItem).where(
                col(AgendaItem.meeting_id) == meeting_id, col(AgendaItem.task_id) == task_id
            )
        )
        s.execute(delete(Task).where(col(Task.id) == task_id))
        s.expunge(task)

    @staticmethod
    def _delete_check_in(s: Session, log: ChangeLog, check_in_id: int, changes: list[str]) -> None:
        check_in = s.get(CheckIn, check_in_id)
        if check_in is None:
            return
        kr = s.get_one(KeyResult, check_in.key_result_id)
        newer = s.scalar(
            select(func.count()).where(
                CheckIn.key_result_id == kr.id, col(CheckIn.id) > check_in_id
            )
        )
        if not newer:  # a later check-in (from elsewhere) stays the current value
            confidence_change = s.execute(
                select(Activity.old).where(
                    col(Activity.change_id).in_(changes),
                    Activity.entity == "key_result",
                    Activity.entity_id == kr.id,
                    Activity.field == "confidence",
                )
            ).first()
            log.record(
                "update",
                entity="key_result",
                entity_id=kr.id,
                field="current_value",
                old=kr.current_value,
                new=check_in.previous_value,
            )
            kr.current_value = check_in.previous_value
            if confidence_change is not None:
                kr.confidence = float(confidence_change[0]) if confidence_change[0] else None
        log.record("delete", entity="check_in", entity_id=check_in_id, old=check_in.value)
        s.delete(check_in)
        s.flush()

    def item_to_task(self, item_id: int) -> Captured:
        """Turn a note, decision or question into a task in the meeting's project."""
        with self.ctx.store.write() as s:
            item = s.get(MeetingItem, item_id)
            if item is None:
                raise NotFoundError(f"unknown meeting item {item_id}")
            if item.kind not in CONVERTIBLE:
                raise StateError(
                    f"item {item_id} is a {item.kind}, not a note, decision or question"
                )
            if item.task_id is not None:
                raise DuplicateError(f"item {item_id} already has a task")
            meeting = s.get_one(Meeting, item.meeting_id)
            project = self._project_key(s, meeting)
            # Tokens in the text (`@jonas ^fri`) count; text that reads as a prefix or holds a
            # bad token is still a fine title as it is.
            draft = TaskDraft(title=item.text, project=project)
            try:
                parsed = parse_meeting_line(item.text, self.ctx.today())
            except CaptureError:
                parsed = None
            if parsed is not None and parsed.capture is not None:
                draft = draft_from_capture(parsed.capture, project)
            log = ChangeLog(s, self.ctx.actor)
            task, new_people = TaskService(self.ctx)._create(s, log, draft)
            item.task_id = task.id
            log.record(
                "update",
                entity="meeting_item",
                entity_id=item.id,
                task_id=task.id,
                project_id=task.project_id,
                field="task",
                new=task.key,
            )
            s.flush()
            log.flush()
            view = self._item_views(s, MeetingItem.id == item_id)[0]
            return Captured(view, task_rows(s, col(Task.id) == task.id)[0], new_people)

    # ---- agenda --------------------------------------------------------

    def agenda(self, meeting_id: int) -> tuple[AgendaItemView, ...]:
        with self.ctx.store.read() as s:
            self._meeting(s, meeting_id)
            return self._agenda(s, meeting_id)

    def next_topic(self, meeting_id: int) -> AgendaItemView | None:
        """Mark the current topic discussed and start the next; None when none is left."""
        with self.ctx.store.write() as s:
            meeting = self._running(s, meeting_id)
            topics = list(
                s.scalars(
                    select(AgendaItem)
                    .where(AgendaItem.meeting_id == meeting_id)
                    .order_by(col(AgendaItem.position))
                )
            )
            current = next((t for t in topics if t.started and not t.discussed), None)
            upcoming = next((t for t in topics if t.started is None and not t.discussed), None)
            if current is None and upcoming is None:
                raise NoChangeError(f"meeting {meeting_id} has no topic left on its agenda")
            log = ChangeLog(s, self.ctx.actor)
            for topic, action in ((current, "discussed"), (upcoming, "topic")):
                if topic is None:
                    continue
                if action == "discussed":
                    topic.discussed = True
                else:
                    topic.started = utcnow()
                log.record(
                    action,
                    entity="agenda_item",
                    entity_id=topic.id,
                    task_id=topic.task_id,
                    project_id=meeting.project_id,
                    new=topic.title[:200],
                )
            s.flush()
            log.flush()
            if upcoming is None:
                return None
            return next(a for a in self._agenda(s, meeting_id) if a.id == upcoming.id)

    @staticmethod
    def _add_topic(s: Session, meeting_id: int, title: str, task_id: int | None) -> int:
        last = s.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        )
        topic = AgendaItem(
            meeting_id=meeting_id,
            position=(last if last is not None else -1) + 1,
            title=title,
            task_id=task_id,
        )
        s.add(topic)
        s.flush()
        return topic.id or 0

    @staticmethod
    def _current_topic_id(s: Session, meeting_id: int) -> int | None:
        return s.scalar(
            select(AgendaItem.id)
            .where(
                AgendaItem.meeting_id == meeting_id,
                col(AgendaItem.started).is_not(None),
                col(AgendaItem.discussed).is_(False),
            )
            .order_by(col(AgendaItem.started).desc())
            .limit(1)
        )

    # ---- reading -------------------------------------------------------

    def get(self, meeting_id: int) -> MeetingView:
        with self.ctx.store.read() as s:
            return self._view(s, self._meeting(s, meeting_id))

    def list(self) -> list[MeetingSummary]:
        """Every meeting, newest first."""
        with self.ctx.store.read() as s:
            counts = (
                select(MeetingItem.meeting_id, func.count().label("n"))
                .group_by(col(MeetingItem.meeting_id))
                .subquery()
            )
            rows = s.execute(
                select(Meeting, Project.key, counts.c.n)
                .outerjoin(Project, col(Project.id) == Meeting.project_id)
                .outerjoin(counts, counts.c.meeting_id == Meeting.id)
                .order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
            ).all()
            return [
                MeetingSummary(m.id or 0, m.title, key, m.started, m.ended, int(n or 0))
                for m, key, n in rows
            ]

    def last(self, project: str | None = None) -> MeetingView:
        """The most recently started meeting (of `project` when given)."""
        with self.ctx.store.read() as s:
            stmt = select(Meeting).order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
            if project is not None:
                stmt = stmt.where(Meeting.project_id == lookup.project_by_key(s, project).id)
            meeting = s.scalars(stmt.limit(1)).first()
            if meeting is None:
                where = f" of project {project.upper()}" if project else ""
                raise NotFoundError(f"there is no meeting{where} yet")
            return self._view(s, meeting)

    def running(self, project: str | None = None) -> MeetingView | None:
        """The most recently started meeting of `project` (of none, when None) that has not
        ended: the one `m` on a board goes back to."""
        with self.ctx.store.read() as s:
            owner = lookup.project_by_key(s, project).id if project is not None else None
            meeting = s.scalars(
                select(Meeting)
                .where(col(Meeting.ended).is_(None), col(Meeting.project_id) == owner)
                .order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
                .limit(1)
            ).first()
            return self._view(s, meeting) if meeting is not None else None

    def minutes_data(self, meeting_id: int) -> MinutesData:
        """Everything the minutes show, read in one transaction."""
        with self.ctx.store.read() as s:
            meeting = self._meeting(s, meeting_id)
            project = s.get(Project, meeting.project_id) if meeting.project_id else None
            items = self._item_views(s, MeetingItem.meeting_id == meeting_id)
            by_kind = {k: tuple(i for i in items if i.kind == k) for k in CONVERTIBLE}
            task_ids = select(MeetingItem.task_id).where(MeetingItem.meeting_id == meeting_id)
            tasks = tuple(
                MinutesTask(r.key, r.title, r.assignee, r.due, r.done)
                for r in task_rows(
                    s, col(Task.id).in_(task_ids), order=(Task.project_id, Task.number)
                )
            )
            check_ins = tuple(
                MinutesCheckIn(
                    kr.key, kr.title, c.previous_value, c.value, c.confidence, kr.unit, c.note
                )
                for c, kr in s.execute(
                    select(CheckIn, KeyResult)
                    .join(KeyResult, col(KeyResult.id) == CheckIn.key_result_id)
                    .join(MeetingItem, col(MeetingItem.check_in_id) == CheckIn.id)
                    .where(MeetingItem.meeting_id == meeting_id)
                    .order_by(col(MeetingItem.id))
                ).all()
            )
            return MinutesData(
                title=meeting.title,
                project=project.key if project else None,
                project_name=project.name if project else None,
                started=meeting.started,
                ended=meeting.ended,
                attendees=self._attendees(s, meeting_id),
                agenda=self._agenda(s, meeting_id),
                decisions=by_kind["decision"],
                tasks=tasks,
                check_ins=check_ins,
                notes=by_kind["note"],
                questions=by_kind["question"],
                since=self._since_previous(s, meeting),
            )

    def _since_previous(self, s: Session, meeting: Meeting) -> SincePrevious | None:
        """Task changes in the Activity log from the previous meeting's start to this one's."""
        same_project = (
            Meeting.project_id == meeting.project_id
            if meeting.project_id is not None
            else col(Meeting.project_id).is_(None)
        )
        previous = s.scalars(
            select(Meeting)
            .where(same_project, col(Meeting.started) < meeting.started, Meeting.id != meeting.id)
            .order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
            .limit(1)
        ).first()
        if previous is None:
            return None
        conds: list[Any] = [
            col(Activity.at) >= previous.started,
            col(Activity.at) < meeting.started,
            Activity.entity == "task",
            col(Activity.undone).is_(False),
            col(Activity.action).in_(("create", "done", "reopen", "move", "update")),
        ]
        if meeting.project_id is not None:
            conds.append(Activity.project_id == meeting.project_id)
        rows = s.execute(
            sa_select(
                col(Activity.task_id),
                col(Activity.action),
                col(Activity.field),
                col(Activity.old),
                col(Activity.new),
            )
            .where(*conds)
            .order_by(col(Activity.at), col(Activity.id))
        ).all()
        created: dict[int, None] = {}
        done: dict[int, None] = {}
        moves: dict[int, list[str]] = {}
        dues: dict[int, list[str | None]] = {}
        for task_id, action, field, old, new in rows:
            if task_id is None:
                continue
            if action == "create":
                created[task_id] = None
            elif action == "done":
                done[task_id] = None
            elif action == "reopen":
                done.pop(task_id, None)
            elif action == "move" and field == "column":
                moves.setdefault(task_id, [old or "", ""])[1] = new or ""
            elif action == "update" and field == "due":
                dues.setdefault(task_id, [old, None])[1] = new
        ids = set(created) | set(done) | set(moves) | set(dues)
        titles: dict[int, tuple[str, str]] = {
            i: (k, t)
            for i, k, t in s.execute(
                select(Task.id, Task.key, Task.title).where(col(Task.id).in_(ids))
            ).all()
        }

        def changes(found: dict[int, Any]) -> tuple[TaskChange, ...]:
            return tuple(TaskChange(*titles[i]) for i in found if i in titles)

        moved = tuple(
            TaskChange(*titles[i], old=old, new=new)
            for i, (old, new) in moves.items()
            if i in titles and old != new
        )
        slipped = tuple(
            TaskChange(*titles[i], old=old, new=new)
            for i, (old, new) in dues.items()
            if i in titles and old and new and date.fromisoformat(new) > date.fromisoformat(old)
        )
        return SincePrevious(
            previous.title, previous.started, changes(done), changes(created), moved, slipped
        )

    # ---- helpers -------------------------------------------------------

    @staticmethod
    def _meeting(s: Session, meeting_id: int) -> Meeting:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFoundError(f"unknown meeting {meeting_id}")
        return meeting

    def _running(self, s: Session, meeting_id: int) -> Meeting:
        meeting = self._meeting(s, meeting_id)
        if meeting.ended is not None:
            raise StateError(f"meeting {meeting_id} has ended")
        return meeting

    @staticmethod
    def _project_key(s: Session, meeting: Meeting) -> str | None:
        if meeting.project_id is None:
            return None
        return s.get_one(Project, meeting.project_id).key

    @staticmethod
    def _attendees(s: Session, meeting_id: int) -> tuple[tuple[str, str], ...]:
        return tuple(
            (h, n)
            for h, n in s.execute(
                select(Person.handle, Person.name)
                .join(MeetingAttendee, col(MeetingAttendee.person_id) == Person.id)
                .where(MeetingAttendee.meeting_id == meeting_id)
                .order_by(col(Person.handle))
            ).all()
        )

    @staticmethod
    def _agenda(s: Session, meeting_id: int) -> tuple[AgendaItemView, ...]:
        return tuple(
            AgendaItemView(a.id or 0, a.position, a.title, key, a.started, a.discussed)
            for a, key in s.execute(
                select(AgendaItem, Task.key)
                .outerjoin(Task, col(Task.id) == AgendaItem.task_id)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(col(AgendaItem.position))
            ).all()
        )

    @staticmethod
    def _item_views(s: Session, condition: Any) -> tuple[MeetingItemView, ...]:
        return tuple(
            MeetingItemView(
                i.id or 0, i.kind, i.text, i.created, task_key, kr_key, i.agenda_item_id
            )
            for i, task_key, kr_key in s.execute(
                select(MeetingItem, Task.key, KeyResult.key)
                .outerjoin(Task, col(Task.id) == MeetingItem.task_id)
                .outerjoin(CheckIn, col(CheckIn.id) == MeetingItem.check_in_id)
                .outerjoin(KeyResult, col(KeyResult.id) == CheckIn.key_result_id)
                .where(condition)
                .order_by(col(MeetingItem.id))
            ).all()
        )

    def _view(self, s: Session, meeting: Meeting) -> MeetingView:
        assert meeting.id is not None
        return MeetingView(
            id=meeting.id,
            title=meeting.title,
            project=self._project_key(s, meeting),
            started=meeting.started,
            ended=meeting.ended,
            attendees=tuple(h for h, _ in self._attendees(s, meeting.id)),
            agenda=self._agenda(s, meeting.id),
            items=self._item_views(s, MeetingItem.meeting_id == meeting.id),
        )
