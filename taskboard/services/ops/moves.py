"""Where a task is: its column and place, done or open, archived, and its project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from taskboard.domain.models import BoardColumn, Dependency, Task, utcnow
from taskboard.domain.ordering import rank_between
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import BlockedError, NoChangeError, StateError
from taskboard.services.numbers import reserve_numbers
from taskboard.services.ops.recurrence import create_next_occurrence
from taskboard.services.ops.tasks import last_rank


def check_unblocked(s: Session, task: Task) -> None:
    """Refuse to finish a task while an open task blocks it."""
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


def blockers_first(s: Session, tasks: Sequence[Task]) -> list[Task]:
    """`tasks` in their order, except that a task comes after the ones among them that block
    it: a batch that finishes a task and its blocker passes in any order it was typed."""
    ids = {t.id for t in tasks}
    blockers: dict[int | None, set[int]] = {}
    if len(tasks) > 1:
        pairs = s.execute(
            select(col(Dependency.task_id), col(Dependency.blocked_by_id)).where(
                col(Dependency.task_id).in_(ids), col(Dependency.blocked_by_id).in_(ids)
            )
        )
        for task_id, blocker_id in pairs:
            blockers.setdefault(task_id, set()).add(blocker_id)
    if not blockers:
        return list(tasks)
    ordered: list[Task] = []
    placed: set[int | None] = set()
    waiting = list(tasks)
    while waiting:  # links never make a cycle, so every pass places at least one task
        ready = [t for t in waiting if blockers.get(t.id, set()) <= placed]
        ordered.extend(ready)
        placed.update(t.id for t in ready)
        waiting = [t for t in waiting if t.id not in placed]
    return ordered


def sync_done(s: Session, log: ChangeLog, task: Task, done: bool, today: date) -> None:
    """Mark the task done (its next occurrence made, when it repeats) or open again."""
    if done and task.completed is None:
        task.completed = utcnow()
        log.task("done", task, "completed", old=None, new=task.completed)
        if task.recurrence:
            create_next_occurrence(s, log, task, today)
    elif not done and task.completed is not None:
        log.task("reopen", task, "completed", old=task.completed, new=None)
        task.completed = None


def _set_rank(log: ChangeLog, task: Task, rank: str) -> None:
    if rank != task.rank:
        log.task("rank", task, "rank", old=task.rank, new=rank)
        task.rank = rank


def move_task(
    s: Session,
    log: ChangeLog,
    task: Task,
    column: str | BoardColumn,
    index: int | None,
    today: date,
) -> None:
    """To a column of its project (a name or unique prefix), at `index` among its top-level
    cards or at the end; into a done column it is done, out of one open again."""
    columns = lookup.columns_of(s, task.project_id)
    target = column if isinstance(column, BoardColumn) else lookup.match_column(columns, column)
    old = next(c for c in columns if c.id == task.column_id)
    if target.is_done and task.completed is None:
        check_unblocked(s, task)
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
        log.task("move", task, "column", old=old.name, new=target.name)
        task.column_id = target.id or 0
        sync_done(s, log, task, target.is_done, today)
    _set_rank(log, task, new_rank)


def step_task(s: Session, log: ChangeLog, task: Task, delta: int, today: date) -> None:
    """To the next (+1) or previous (-1) column; the board's H and L."""
    columns = lookup.columns_of(s, task.project_id)
    pos = next(i for i, c in enumerate(columns) if c.id == task.column_id) + delta
    if not 0 <= pos < len(columns):
        where = "first" if delta < 0 else "last"
        raise NoChangeError(f"{task.key} is already in the {where} column")
    move_task(s, log, task, columns[pos], None, today)


def reorder_task(s: Session, log: ChangeLog, task: Task, delta: int) -> None:
    """Up (-1) or down (+1) among the cards of its place; the board's K and J."""
    scope = (
        col(Task.parent_id) == task.parent_id if task.parent_id else col(Task.parent_id).is_(None)
    )
    ids = list(
        s.scalars(
            select(col(Task.id))
            .where(col(Task.column_id) == task.column_id, scope, col(Task.archived).is_(False))
            .order_by(col(Task.rank), col(Task.id))
        )
    )
    pos = ids.index(task.id)
    new_pos = pos + delta
    if not 0 <= new_pos < len(ids):
        raise NoChangeError(f"{task.key} is already at the {'top' if delta < 0 else 'bottom'}")
    others = [i for i in ids if i != task.id]
    ranks = dict(
        s.execute(select(col(Task.id), col(Task.rank)).where(col(Task.id).in_(others))).all()
    )
    before = ranks[others[new_pos - 1]] if new_pos > 0 else None
    after = ranks[others[new_pos]] if new_pos < len(others) else None
    _set_rank(log, task, rank_between(before, after))


def complete_task(s: Session, log: ChangeLog, task: Task, today: date) -> None:
    """Done: a top-level task moves to its project's done column when it has one."""
    if task.completed is not None:
        raise NoChangeError(f"{task.key} is already done")
    check_unblocked(s, task)
    done = lookup.done_column(lookup.columns_of(s, task.project_id))
    if done is not None and task.parent_id is None:
        move_task(s, log, task, done, None, today)
    sync_done(s, log, task, True, today)


def reopen_task(s: Session, log: ChangeLog, task: Task, today: date) -> None:
    """Open again: a top-level task goes back to the last column that is not a done column."""
    if task.completed is None:
        raise NoChangeError(f"{task.key} is not done")
    columns = lookup.columns_of(s, task.project_id)
    current = next(c for c in columns if c.id == task.column_id)
    if current.is_done and task.parent_id is None:
        open_columns = [c for c in columns if not c.is_done]
        if open_columns:
            move_task(s, log, task, open_columns[-1], None, today)
    sync_done(s, log, task, False, today)


def set_archived(log: ChangeLog, task: Task, archived: bool) -> None:
    if task.archived == archived:
        raise NoChangeError(f"{task.key} is {'already' if archived else 'not'} archived")
    log.task(
        "archive" if archived else "unarchive", task, "archived", old=task.archived, new=archived
    )
    task.archived = archived


def move_to_project(
    s: Session, log: ChangeLog, task: Task, project_key: str, column: str | None, today: date
) -> None:
    """A top-level task (its subtasks follow) to another project's column (default: the
    first); each gets a new key there, the old keys are never reused."""
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
        check_unblocked(s, task)
    subtasks = list(
        s.scalars(select(Task).where(col(Task.parent_id) == task.id).order_by(col(Task.id)))
    )
    rank = rank_between(last_rank(s, dest.id or 0, None), None)
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
    sync_done(s, log, task, dest.is_done, today)
