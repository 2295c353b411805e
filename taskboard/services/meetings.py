"""Meeting use cases: start, live capture, agenda, check-ins, undo, end, and minutes data."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, func, text, update
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
    MeetingView,
    MinutesCheckIn,
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
    MeetingPresence,
    Person,
    Tag,
    Task,
    TaskTag,
    utcnow,
)
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import (
    DuplicateError,
    InvalidFieldError,
    NoChangeError,
    NotFoundError,
    StateError,
)
from taskboard.services.meeting_reads import MeetingReads, minutes_check_in
from taskboard.services.ops.checkins import record_check_in
from taskboard.services.ops.tasks import Inserted, create_task
from taskboard.services.queries import task_rows
from taskboard.store.feed import PRESENCE

# The PostgreSQL advisory lock that takes screens opening a project's meeting one at a time.
_OPEN_LOCK = 0x74626D65657431  # any fixed number; "tbmeet1"


def _log_meeting(
    log: ChangeLog,
    meeting: Meeting,
    action: str,
    field: str | None = None,
    *,
    old: object = None,
    new: object = None,
    item: MeetingItem | None = None,
) -> None:
    """A change of the meeting, or of one of its minutes items."""
    entity, entity_id = ("meeting_item", item.id) if item else ("meeting", meeting.id)
    log.about(action, entity, entity_id, field, old=old, new=new, project_id=meeting.project_id)


class MeetingService(MeetingReads):
    # ---- starting, attendees, ending -----------------------------------

    def start(
        self,
        title: str | None = None,
        project: str | None = None,
        attendees: tuple[str, ...] | list[str] = (),
        *,
        new_people: bool = True,
    ) -> MeetingView:
        """Store a new meeting at once; the project's open `#agenda` tasks become its agenda.
        With `new_people` False an attendee nobody's handle starts with is refused, naming
        the closest handles, and nothing is stored."""
        name = rules.MEETING_TITLE.check(title or "")
        with self.ctx.change() as (s, log):
            meeting = self._start(s, log, name, project, attendees, new_people)
            return self._view(s, meeting)

    def _start(
        self,
        s: Session,
        log: ChangeLog,
        name: str,
        project: str | None,
        attendees: tuple[str, ...] | list[str],
        new_people: bool = True,
    ) -> Meeting:
        proj = lookup.project_by_key(s, project) if project else None
        meeting = Meeting(
            title=name or (f"{proj.name} meeting" if proj else "Meeting"),
            project_id=proj.id if proj else None,
        )
        s.add(meeting)
        s.flush()
        assert meeting.id is not None
        _log_meeting(log, meeting, "create", new=meeting.title)
        for handle in attendees:
            self._attend(s, log, meeting, handle, new_people)
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
        return meeting

    def add_attendee(self, meeting_id: int, handle: str, *, new_people: bool = True) -> MeetingView:
        """`handle` attends; with `new_people` False an unknown one is refused, as in `start`."""
        with self.ctx.change() as (s, log):
            meeting = self._meeting(s, meeting_id)
            self._attend(s, log, meeting, handle, new_people)
            return self._view(s, meeting)

    def remove_attendee(self, meeting_id: int, handle: str) -> MeetingView:
        with self.ctx.change() as (s, log):
            meeting = self._meeting(s, meeting_id)
            person, _ = lookup.resolve_person(s, handle, create=False)
            row = s.get(MeetingAttendee, (meeting_id, person.id))
            if row is None:
                raise NotFoundError(f"@{person.handle} does not attend meeting {meeting_id}")
            s.delete(row)
            _log_meeting(log, meeting, "update", "attendees", old=person.handle)
            s.flush()
            return self._view(s, meeting)

    @staticmethod
    def _attend(
        s: Session, log: ChangeLog, meeting: Meeting, handle: str, new_people: bool = True
    ) -> None:
        person, _ = lookup.resolve_person(s, handle, create=new_people)
        if s.get(MeetingAttendee, (meeting.id, person.id)) is not None:
            raise DuplicateError(f"@{person.handle} already attends meeting {meeting.id}")
        s.add(MeetingAttendee(meeting_id=meeting.id or 0, person_id=person.id or 0))
        s.flush()
        _log_meeting(log, meeting, "update", "attendees", new=person.handle)

    # ---- who is in the room ------------------------------------------------

    def join(self, meeting_id: int, session: str) -> MeetingView:
        """Say that screen `session` (of the acting user) has the running meeting open, now:
        its first call joins, later ones are its heartbeat. Not an undoable change: no
        activity is logged, and the change feed wakes only the screens that show the room."""
        with self.ctx.change(PRESENCE) as (s, _):
            meeting = self._running(s, meeting_id)
            self._here(s, meeting_id, session)
            return self._view(s, meeting)

    def join_running(self, project: str | None, session: str) -> tuple[MeetingView, bool]:
        """Screen `session` joins the running meeting of `project` (None: of no project), or
        starts one and joins it; True when it was running already. One transaction, taken
        one at a time, so two screens opening at the same moment share one meeting."""
        with self.ctx.change() as (s, log):
            if s.get_bind().dialect.name == "postgresql":  # SQLite writes one at a time anyway
                s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OPEN_LOCK})
            meeting = self._running_of(s, project)
            running = meeting is not None
            if meeting is None:
                meeting = self._start(s, log, "", project, ())
            assert meeting.id is not None
            self._here(s, meeting.id, session)
            return self._view(s, meeting), running

    def _here(self, s: Session, meeting_id: int, session: str) -> None:
        who = self.ctx.actor[:40]
        row = s.get(MeetingPresence, (meeting_id, session))
        if row is None:
            s.add(MeetingPresence(meeting_id=meeting_id, session=session, who=who))
        else:
            row.seen = utcnow()
            row.who = who
        s.flush()

    def leave(self, meeting_id: int, session: str) -> None:
        """Screen `session` closed the meeting (or the meeting ended): it is no longer there."""
        with self.ctx.change(PRESENCE) as (s, _):
            s.execute(
                delete(MeetingPresence).where(
                    col(MeetingPresence.meeting_id) == meeting_id,
                    col(MeetingPresence.session) == session,
                )
            )

    def end(self, meeting_id: int) -> MeetingView:
        """End the meeting; the topic under discussion counts as discussed."""
        with self.ctx.change() as (s, log):
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
            _log_meeting(log, meeting, "end", "ended", new=meeting.ended)
            s.execute(delete(MeetingPresence).where(col(MeetingPresence.meeting_id) == meeting_id))
            s.flush()
            return self._view(s, meeting)

    # ---- capture -------------------------------------------------------

    def capture(
        self, meeting_id: int, line: str, *, new_people: bool = False, force: bool = False
    ) -> Captured:
        """One meeting line becomes one minutes item (and its task or check-in), in one commit.

        An unknown `@handle` is refused (UnknownPersonError, naming the closest handles)
        unless `new_people`; a check-in that looks like a typo is refused
        (ImplausibleValueError) unless `force`.
        """
        try:
            parsed = parse_meeting_line(line, self.ctx.today())
        except CaptureError as exc:
            raise InvalidFieldError("line", str(exc)) from exc
        limit = rules.MEETING_LINE.limit
        if len(parsed.text) > limit:
            raise InvalidFieldError(
                "line", f"the {parsed.kind} is {len(parsed.text)} characters long; at most {limit}"
            )
        with self.ctx.change() as (s, log):
            meeting = self._running(s, meeting_id)
            item = MeetingItem(
                meeting_id=meeting_id,
                kind=parsed.kind,
                text=parsed.text,
                agenda_item_id=self._current_topic_id(s, meeting_id),
            )
            task: Inserted | None = None
            made_people: tuple[str, ...] = ()
            topic = parsed.kind == "agenda"  # the line adds a topic to the agenda
            check_in: MinutesCheckIn | None = None
            if parsed.capture is not None:
                draft = draft_from_capture(parsed.capture, self._project_key(s, meeting))
                task, made_people = create_task(log.writer, log, draft, create_people=new_people)
                item.task_id = task.id
                if AGENDA_TAG in draft.tags:
                    topic = True
                    self._add_topic(s, meeting_id, task.row.title, task.id)
            elif parsed.kind == "checkin":
                assert parsed.kr_key is not None and parsed.value is not None
                made, kr, _ = record_check_in(
                    s,
                    log,
                    parsed.kr_key,
                    parsed.value,
                    parsed.confidence,
                    parsed.note or "",
                    force=force,
                )
                item.check_in_id = made.id
                check_in = minutes_check_in(made, kr)
            elif parsed.kind == "agenda":
                item.agenda_item_id = self._add_topic(s, meeting_id, parsed.text, None)
            owner = None
            if parsed.owner is not None:
                person, new = lookup.resolve_person(s, parsed.owner, create=new_people)
                item.owner_id, owner = person.id, person.handle
                made_people = (person.handle,) if new else ()
            s.add(item)
            s.flush()
            _log_meeting(log, meeting, "capture", item.kind, new=item.text[:200], item=item)
            row = task_rows(s, col(Task.id) == task.id)[0] if task is not None else None
            # The item as the minutes show it, and the agenda when the line added to it: what
            # the meeting screen shows of this line without reading the meeting again.
            made_by = (task.key if task else None, check_in.key_result if check_in else None)
            view = MeetingItemView(
                item.id or 0, item.kind, item.text, item.created, *made_by,
                item.agenda_item_id, check_in, owner,
            )  # fmt: skip
            agenda = self._agenda(s, meeting_id) if topic else None
        return Captured(item=view, task=row, new_people=made_people, agenda=agenda)

    def undo_last(self, meeting_id: int) -> MeetingItemView:
        """Remove the newest item with what it created: its task, check-in or agenda topic."""
        with self.ctx.change() as (s, log):
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
            log.reverts = changes[0] if changes else None
            _log_meeting(log, meeting, "delete", item.kind, old=item.text[:200], item=item)
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
        log.task("delete", task, old=task.key)
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
            log.about(
                "update",
                "key_result",
                kr.id,
                "current_value",
                old=kr.current_value,
                new=check_in.previous_value,
            )
            kr.current_value = check_in.previous_value
            if confidence_change is not None:
                kr.confidence = float(confidence_change[0]) if confidence_change[0] else None
        log.about("delete", "check_in", check_in_id, old=check_in.value)
        s.delete(check_in)
        s.flush()

    def item_to_task(self, item_id: int) -> Captured:
        """Turn a note, decision or question into a task in the meeting's project."""
        with self.ctx.change() as (s, log):
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
            if item.owner_id is not None and draft.assignee is None:
                # A question's owner is the one to do it.
                draft = replace(draft, assignee=s.get_one(Person, item.owner_id).handle)
            task, new_people = create_task(log.writer, log, draft)
            item.task_id = task.id
            log.record(
                "update",
                entity="meeting_item",
                entity_id=item.id,
                task_id=task.id,
                project_id=task.row.project_id,
                field="task",
                new=task.key,
            )
            s.flush()
            view = self._item_views(s, MeetingItem.id == item_id)[0]
            return Captured(view, task_rows(s, col(Task.id) == task.id)[0], new_people)

    # ---- agenda --------------------------------------------------------

    def next_topic(self, meeting_id: int) -> AgendaItemView | None:
        """Mark the current topic discussed and start the next; None when none is left."""
        with self.ctx.change() as (s, log):
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
