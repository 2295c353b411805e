"""Where a task is: its column and place, done or open, archived, and its project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from taskboard.domain.dates import utcnow
from taskboard.domain.ordering import rank_between
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import BlockedError, NoChangeError, StateError
from taskboard.services.numbers import reserve
from taskboard.services.ops import find
from taskboard.services.ops.find import ColumnRef
from taskboard.services.ops.recurrence import create_next_occurrence
from taskboard.services.ops.tasks import last_rank
from taskboard.services.ops.versions import CHUNK, TaskRecord, save_task, tasks_where
from taskboard.store.writer import Writer


def check_unblocked(w: Writer, task: TaskRecord) -> None:
    """Refuse to finish a task while an open task blocks it."""
    blockers = [
        key
        for (key,) in w.rows(
            "SELECT t.key FROM task t JOIN dependency d ON d.blocked_by_id = t.id"
            " WHERE d.task_id = ? AND t.completed IS NULL AND t.archived = ? ORDER BY t.key",
            (task.id, False),
        )
    ]
    if blockers:
        raise BlockedError(f"{task.key} is blocked by {', '.join(blockers)}: finish that first")


def blockers_first(w: Writer, tasks: Sequence[TaskRecord]) -> list[TaskRecord]:
    """`tasks` in their order, except that a task comes after the ones among them that block
    it: a batch that finishes a task and its blocker passes in any order it was typed."""
    wanted = {t.id for t in tasks}
    ids = list(wanted)
    blockers: dict[int, set[int]] = {}
    for start in range(0, len(ids) if len(ids) > 1 else 0, CHUNK):
        chunk = ids[start : start + CHUNK]
        pairs = w.rows(
            f"SELECT task_id, blocked_by_id FROM dependency WHERE task_id IN ({find.marks(chunk)})",
            chunk,
        )
        for task_id, blocker_id in pairs:
            if blocker_id in wanted:
                blockers.setdefault(task_id, set()).add(blocker_id)
    if not blockers:
        return list(tasks)
    ordered: list[TaskRecord] = []
    placed: set[int] = set()
    waiting = list(tasks)
    while waiting:  # links never make a cycle, so every pass places at least one task
        ready = [t for t in waiting if blockers.get(t.id, set()) <= placed]
        ordered.extend(ready)
        placed.update(t.id for t in ready)
        waiting = [t for t in waiting if t.id not in placed]
    return ordered


def sync_done(w: Writer, log: ChangeLog, task: TaskRecord, done: bool, today: date) -> None:
    """Mark the task done (its next occurrence made, when it repeats) or open again."""
    if done and task.completed is None:
        task.completed = utcnow()
        log.task("done", task, "completed", old=None, new=task.completed)
        if task.recurrence:
            create_next_occurrence(w, log, task, today)
    elif not done and task.completed is not None:
        log.task("reopen", task, "completed", old=task.completed, new=None)
        task.completed = None


def _set_rank(log: ChangeLog, task: TaskRecord, rank: str) -> None:
    if rank != task.rank:
        log.task("rank", task, "rank", old=task.rank, new=rank)
        task.rank = rank


def move_task(
    w: Writer,
    log: ChangeLog,
    task: TaskRecord,
    column: str | ColumnRef,
    index: int | None,
    today: date,
) -> None:
    """To a column of its project (a name or unique prefix), at `index` among its top-level
    cards or at the end; into a done column it is done, out of one open again."""
    columns = find.columns_of(w, task.project_id)
    target = column if isinstance(column, ColumnRef) else find.match_column(columns, column)
    old = next(c for c in columns if c.id == task.column_id)
    if target.is_done and task.completed is None:
        check_unblocked(w, task)
    # Only the neighbours of the new place are read, never the whole column.
    here = "WHERE column_id = ? AND parent_id IS NULL AND id != ?"
    params = (target.id, task.id)
    last = f"SELECT max(rank) FROM task {here}"
    before: str | None
    after: str | None
    if index is None:
        before, after = _scalar(w, last, params), None
    else:
        index = max(index, 0)
        pair = [
            rank
            for (rank,) in w.rows(
                f"SELECT rank FROM task {here} ORDER BY rank LIMIT 2 OFFSET ?",
                (*params, max(index - 1, 0)),
            )
        ]
        if index == 0:
            before, after = None, (pair[0] if pair else None)
        elif len(pair) == 2:
            before, after = pair[0], pair[1]
        else:  # past the end: append
            before, after = _scalar(w, last, params), None
    new_rank = rank_between(before, after)
    if target.id != old.id:
        log.task("move", task, "column", old=old.name, new=target.name)
        task.column_id = target.id
        sync_done(w, log, task, target.is_done, today)
    _set_rank(log, task, new_rank)


def _scalar(w: Writer, sql: str, params: tuple[object, ...]) -> str | None:
    found = w.one(sql, params)
    return found[0] if found else None


def step_task(w: Writer, log: ChangeLog, task: TaskRecord, delta: int, today: date) -> None:
    """To the next (+1) or previous (-1) column; the board's H and L."""
    columns = find.columns_of(w, task.project_id)
    pos = next(i for i, c in enumerate(columns) if c.id == task.column_id) + delta
    if not 0 <= pos < len(columns):
        where = "first" if delta < 0 else "last"
        raise NoChangeError(f"{task.key} is already in the {where} column")
    move_task(w, log, task, columns[pos], None, today)


def reorder_task(w: Writer, log: ChangeLog, task: TaskRecord, delta: int) -> None:
    """Up (-1) or down (+1) among the cards of its place; the board's K and J."""
    scope = "parent_id = ?" if task.parent_id else "parent_id IS NULL"
    ranked = w.rows(
        f"SELECT id, rank FROM task WHERE column_id = ? AND {scope} AND archived = ?"
        " ORDER BY rank, id",
        (task.column_id, *([task.parent_id] if task.parent_id else []), False),
    )
    ids = [i for i, _ in ranked]
    pos = ids.index(task.id)
    new_pos = pos + delta
    if not 0 <= new_pos < len(ids):
        raise NoChangeError(f"{task.key} is already at the {'top' if delta < 0 else 'bottom'}")
    others = [i for i in ids if i != task.id]
    ranks = dict(ranked)
    before = ranks[others[new_pos - 1]] if new_pos > 0 else None
    after = ranks[others[new_pos]] if new_pos < len(others) else None
    _set_rank(log, task, rank_between(before, after))


def complete_task(w: Writer, log: ChangeLog, task: TaskRecord, today: date) -> None:
    """Done: a top-level task moves to its project's done column when it has one."""
    if task.completed is not None:
        raise NoChangeError(f"{task.key} is already done")
    check_unblocked(w, task)
    done = find.done_column(find.columns_of(w, task.project_id))
    if done is not None and task.parent_id is None:
        move_task(w, log, task, done, None, today)
    sync_done(w, log, task, True, today)


def reopen_task(w: Writer, log: ChangeLog, task: TaskRecord, today: date) -> None:
    """Open again: a top-level task goes back to the last column that is not a done column."""
    if task.completed is None:
        raise NoChangeError(f"{task.key} is not done")
    columns = find.columns_of(w, task.project_id)
    current = next(c for c in columns if c.id == task.column_id)
    if current.is_done and task.parent_id is None:
        open_columns = [c for c in columns if not c.is_done]
        if open_columns:
            move_task(w, log, task, open_columns[-1], None, today)
    sync_done(w, log, task, False, today)


def set_archived(log: ChangeLog, task: TaskRecord, archived: bool) -> None:
    if task.archived == archived:
        raise NoChangeError(f"{task.key} is {'already' if archived else 'not'} archived")
    log.task(
        "archive" if archived else "unarchive", task, "archived", old=task.archived, new=archived
    )
    task.archived = archived


def move_to_project(
    w: Writer, log: ChangeLog, task: TaskRecord, project_key: str, column: str | None, today: date
) -> None:
    """A top-level task (its subtasks follow) to another project's column (default: the
    first); each gets a new key there, the old keys are never reused."""
    if task.parent_id is not None:
        raise StateError(f"{task.key} is a subtask: move its parent task instead")
    target = find.project_by_key(w, project_key)
    if target.id == task.project_id:
        raise NoChangeError(f"{task.key} is already in project {target.key}")
    if target.archived:
        raise StateError(f"project {target.key} is archived")
    columns = find.columns_of(w, target.id)
    if not columns:
        raise StateError(f"project {target.key} has no columns")
    dest = find.match_column(columns, column) if column else columns[0]
    if dest.is_done and task.completed is None:
        check_unblocked(w, task)
    subtasks = sorted(tasks_where(w, "parent_id = ?", (task.id,)), key=lambda t: t.id)
    rank = rank_between(last_rank(w, dest.id, None), None)
    for moved in (task, *subtasks):
        number = reserve(w, target.id)
        new_key = f"{target.key}-{number}"
        # The key first, then the column and the place: undo and redo put the key (and with
        # it the project) back before they name a column of that project.
        log.record(
            "move_project",
            task_id=moved.id,
            project_id=target.id,
            field="key",
            old=moved.key,
            new=new_key,
        )
        column = find.column_by_id(w, moved.project_id, moved.column_id).name
        moved.project_id, moved.number, moved.key = target.id, number, new_key
        log.task("move_project", moved, "column", old=column, new=dest.name)
        moved.column_id = dest.id
        if moved is task:
            _set_rank(log, moved, rank)
        else:
            save_task(w, moved)  # the caller saves the task itself
    sync_done(w, log, task, dest.is_done, today)
