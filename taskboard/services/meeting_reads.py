"""Reading meetings: the live view, the list, the last and running one, and the minutes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from taskboard.domain.meeting_views import (
    CONVERTIBLE,
    PRESENCE_TIMEOUT_S,
    AgendaItemView,
    MeetingItemView,
    MeetingSummary,
    MeetingView,
    MinutesCheckIn,
    MinutesData,
    MinutesTask,
    Presence,
    SincePrevious,
    TaskChange,
)
from taskboard.domain.models import (
    Activity,
    AgendaItem,
    CheckIn,
    KeyResult,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    MeetingPresence,
    Person,
    Project,
    Task,
    utcnow,
)
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.errors import NotFoundError, StateError
from taskboard.services.queries import task_rows

# A question's owner, joined to its item. One alias for every read: a new one each time
# costs SQLAlchemy a new cache key (about half a millisecond a read).
_OWNER = aliased(Person)


def minutes_check_in(c: CheckIn, kr: KeyResult) -> MinutesCheckIn:
    """A check-in as the minutes show it."""
    return MinutesCheckIn(
        kr.key, kr.title, c.previous_value, c.value, c.confidence, kr.unit, c.note
    )


def _not_empty() -> Any:
    """A meeting with something in it: a minutes item, or a topic it got to."""
    return (
        select(MeetingItem.id).where(MeetingItem.meeting_id == Meeting.id).exists()
        | select(AgendaItem.id)
        .where(AgendaItem.meeting_id == Meeting.id, col(AgendaItem.started).is_not(None))
        .exists()
    )


class MeetingReads:
    """The read side of the meeting use cases, and the views the write side returns."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def get(self, meeting_id: int) -> MeetingView:
        with self.ctx.store.read() as s:
            return self._view(s, self._meeting(s, meeting_id))

    def revision(self) -> int:
        """The store's revision now (its newest activity id): taken before a write whose
        answer a screen shows without reading again, for `caught_up`."""
        return self.ctx.store.data_version()

    def caught_up(self, since: int) -> int | None:
        """After one change of the caller's own, committed after revision `since` (and
        once the change feed counted it): the store's revision now when that change is the
        only one since `since`, so that the screen that showed the store at `since` shows
        it now by making its change alone (`MeetingView.edited`); None when another change
        came too, or none was seen (then the screen reads again)."""
        with self.ctx.store.read() as s:
            newest, changes = s.execute(
                sa_select(
                    func.max(Activity.id), func.count(func.distinct(Activity.change_id))
                ).where(col(Activity.id) > since)
            ).one()
        return int(newest) if changes == 1 else None

    def present(self, meeting_id: int) -> tuple[Presence, ...]:
        """Who has the meeting open now (what the meeting header shows): read on a change
        of the room's presence alone, without the rest of the meeting."""
        with self.ctx.store.read() as s:
            return self._present(s, meeting_id)

    def all(self) -> list[MeetingSummary]:
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
        """The most recently started meeting (of `project` when given) that is not empty: one
        started and ended with nothing said never becomes "last"."""
        with self.ctx.store.read() as s:
            stmt = (
                select(Meeting)
                .where(_not_empty())
                .order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
            )
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
            meeting = self._running_of(s, project)
            return self._view(s, meeting) if meeting is not None else None

    @staticmethod
    def _running_of(s: Session, project: str | None) -> Meeting | None:
        owner = lookup.project_by_key(s, project).id if project is not None else None
        return s.scalars(
            select(Meeting)
            .where(col(Meeting.ended).is_(None), col(Meeting.project_id) == owner)
            .order_by(col(Meeting.started).desc(), col(Meeting.id).desc())
            .limit(1)
        ).first()

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
                minutes_check_in(c, kr)
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

    def agenda(self, meeting_id: int) -> tuple[AgendaItemView, ...]:
        with self.ctx.store.read() as s:
            self._meeting(s, meeting_id)
            return self._agenda(s, meeting_id)

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
        owner = _OWNER
        return tuple(
            MeetingItemView(
                i.id or 0,
                i.kind,
                i.text,
                i.created,
                task_key,
                kr.key if kr is not None else None,
                i.agenda_item_id,
                minutes_check_in(c, kr) if c is not None and kr is not None else None,
                owner_handle,
            )
            for i, task_key, c, kr, owner_handle in s.execute(
                sa_select(MeetingItem, col(Task.key), CheckIn, KeyResult, col(owner.handle))
                .outerjoin(Task, col(Task.id) == MeetingItem.task_id)
                .outerjoin(CheckIn, col(CheckIn.id) == MeetingItem.check_in_id)
                .outerjoin(KeyResult, col(KeyResult.id) == CheckIn.key_result_id)
                .outerjoin(owner, col(owner.id) == MeetingItem.owner_id)
                .where(condition)
                .order_by(col(MeetingItem.id))
            ).all()
        )

    @staticmethod
    def _present(s: Session, meeting_id: int) -> tuple[Presence, ...]:
        """Who has the meeting open: the sessions heard from within PRESENCE_TIMEOUT_S."""
        fresh = utcnow() - timedelta(seconds=PRESENCE_TIMEOUT_S)
        return tuple(
            Presence(session, who)
            for session, who in s.execute(
                select(MeetingPresence.session, MeetingPresence.who)
                .where(MeetingPresence.meeting_id == meeting_id, col(MeetingPresence.seen) >= fresh)
                .order_by(col(MeetingPresence.who), col(MeetingPresence.session))
            ).all()
        )

    @staticmethod
    def _ended_by(s: Session, meeting: Meeting) -> str | None:
        if meeting.ended is None:
            return None
        return s.scalar(
            select(Activity.actor)
            .where(
                Activity.entity == "meeting",
                Activity.entity_id == meeting.id,
                Activity.action == "end",
            )
            .order_by(col(Activity.id).desc())
            .limit(1)
        )

    def _view(self, s: Session, meeting: Meeting) -> MeetingView:
        assert meeting.id is not None
        # First: a change committed while the rest is read is newer than the view says.
        revision = s.scalar(sa_select(func.max(Activity.id))) or 0
        return MeetingView(
            id=meeting.id,
            title=meeting.title,
            project=self._project_key(s, meeting),
            started=meeting.started,
            ended=meeting.ended,
            attendees=tuple(h for h, _ in self._attendees(s, meeting.id)),
            agenda=self._agenda(s, meeting.id),
            items=self._item_views(s, MeetingItem.meeting_id == meeting.id),
            present=self._present(s, meeting.id) if meeting.ended is None else (),
            ended_by=self._ended_by(s, meeting),
            revision=revision,
        )
