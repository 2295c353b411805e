"""Flow metrics per project read from the activity log: lead time, column time, throughput, WIP."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from taskboard.domain.flow import (
    DEFAULT_DAYS,
    FlowEvent,
    OpenItem,
    ProjectFlow,
    aging,
    bounds,
    lead_times,
    summarize,
    throughput,
    time_in_columns,
)
from taskboard.domain.models import Activity, BoardColumn, Project, Task, utcnow
from taskboard.services import lookup
from taskboard.services.context import ServiceContext
from taskboard.services.errors import InvalidFieldError
from taskboard.services.ops import find
from taskboard.store.reader import moment
from taskboard.store.writer import Writer


class StatsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def flow(
        self,
        project: str | None = None,
        since: date | None = None,
        until: date | None = None,
        now: datetime | None = None,
    ) -> list[ProjectFlow]:
        """Metrics of top-level tasks per project (one, or every unarchived one) over
        [since, until] (default: the last 90 days up to today)."""
        until = until or self.ctx.today()
        since = since or until - timedelta(days=DEFAULT_DAYS)
        if since > until:
            raise InvalidFieldError("since", f"the range ends ({until}) before it starts ({since})")
        now = now or utcnow()
        with self.ctx.store.read() as s:
            if project is not None:
                projects = [lookup.project_by_key(s, project)]
            else:
                projects = list(
                    s.scalars(
                        select(Project)
                        .where(col(Project.archived).is_(False))
                        .order_by(col(Project.key))
                    )
                )
            return [self._project(s, p, since, until, now) for p in projects]

    @staticmethod
    def _project(
        s: Session, project: Project, since: date, until: date, now: datetime
    ) -> ProjectFlow:
        columns = find.columns_of(Writer.of_session(s), project.id or 0)
        top_level = select(col(Task.id)).where(
            col(Task.project_id) == project.id,
            col(Task.parent_id).is_(None),
        )
        events = [
            FlowEvent(task_id=r[0], at=moment(r[1]) or now, action=r[2], old=r[3], new=r[4])
            for r in s.execute(
                select(
                    col(Activity.task_id),
                    col(Activity.at),
                    col(Activity.action),
                    col(Activity.old),
                    col(Activity.new),
                )
                .where(
                    col(Activity.task_id).in_(top_level),
                    col(Activity.action).in_(("create", "move", "done", "reopen")),
                    col(Activity.undone).is_(False),
                )
                .order_by(col(Activity.id))
            )
            if r[0] is not None
        ]
        open_items = [
            OpenItem(task_id=r[0], key=r[1], title=r[2], column=r[3], created=moment(r[4]) or now)
            for r in s.execute(
                select(
                    col(Task.id),
                    col(Task.key),
                    col(Task.title),
                    col(BoardColumn.name),
                    col(Task.created),
                )
                .join(BoardColumn, col(BoardColumn.id) == Task.column_id)
                .where(
                    col(Task.project_id) == project.id,
                    col(Task.parent_id).is_(None),
                    col(Task.completed).is_(None),
                    col(Task.archived).is_(False),
                )
            )
        ]
        start, end = bounds(since, until)
        return ProjectFlow(
            project=project.key,
            name=project.name,
            since=since,
            until=until,
            lead_time=summarize(lead_times(events, start, end).values()),
            columns=tuple(
                time_in_columns(
                    events,
                    start,
                    end,
                    order=[c.name for c in columns],
                    exclude=[c.name for c in columns if c.is_done],
                )
            ),
            throughput=tuple(throughput(events, since, until)),
            wip=tuple(aging(open_items, events, now)),
        )
