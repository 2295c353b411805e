"""Undo and redo of task changes, read from the activity log so they survive a restart.

A change is all activity rows sharing one change id; a batch (`tasks.move_many`, the
board's marked cards) is one change, so one undo takes all its tasks back. Undo writes the reverse
rows as a new change whose id starts with `undo-` and whose `reverts` names
the change it undid, and marks that change undone. Redo re-applies the undone
change as a `redo-` change and marks the undo spent; from then on the redo
carries the change (it is what the next undo takes back) and the change it
re-applied stays undone, so no change is ever live twice. Any other new change
by the same person ends the redo chain. An undo or redo whose task was changed
since by someone else is refused: it would overwrite their work.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ScalarSelect, Select, or_, select, update
from sqlmodel import Session, col

from taskboard.domain import fields
from taskboard.domain.models import Activity
from taskboard.domain.views import Reverted
from taskboard.services.activity import ChangeLog
from taskboard.services.context import ServiceContext
from taskboard.services.errors import (
    ConflictError,
    CycleError,
    NoChangeError,
    NotFoundError,
    StateError,
)
from taskboard.services.ops import fields as storage
from taskboard.services.ops import find
from taskboard.services.ops.links import link, linked, unlink
from taskboard.services.ops.versions import TaskRecord, load_task, save_task, tasks_by_id
from taskboard.store.writer import Writer

Tasks = dict[int, TaskRecord]

UNDOABLE = {
    "create",
    "update",
    "move",
    "rank",
    "done",
    "reopen",
    "archive",
    "unarchive",
    "link",
    "unlink",
    "recur",  # completing a repeating task made its next occurrence
    "move_project",  # to another project: the keys, columns and place come back
}


ACTION_WORDS = {
    "create": "creation",
    "move": "move",
    "move_project": "move to another project",
    "rank": "order",
    "done": "completion",
    "reopen": "reopening",
    "archive": "archiving",
    "unarchive": "unarchiving",
    "link": "blocker",
    "unlink": "blocker removal",
}


def _of(keys: list[str], shown: int = 5) -> str:
    """The tasks of a change for a one-line message: a batch of many names its first few."""
    if not keys:
        return ""
    if len(keys) <= shown:
        return f" of {', '.join(keys)}"
    return f" of {len(keys)} tasks: {', '.join(keys[: shown - 2])} and {len(keys) - shown + 2} more"


def _records(row: Activity) -> bool:
    """A row that only notes what another row of its change did: undo and redo pass it by."""
    known = fields.BY_NAME.get(row.field or "")
    return known is not None and known.kind == "record"


def _rekeys(row: Activity) -> bool:
    """A row of a move to another project that gives the task its key there."""
    return row.action == "move_project" and row.field == "key"


def _keys_first(steps: list[Activity]) -> list[Activity]:
    """The steps in their order, except that a task's key (and with it its project) comes
    back first: the column of a move to another project is a column of the project the
    key names."""
    return [r for r in steps if _rekeys(r)] + [r for r in steps if not _rekeys(r)]


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:27]}"


class UndoService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def undo(self) -> Reverted:
        """Undo this person's latest change; returns what was undone, for a notification."""
        with self.ctx.change() as (s, log):
            rows = self._undoable(s)
            if rows is None:
                raise NoChangeError("nothing to undo")
            change = rows[0].change_id
            log.change_id, log.reverts = _new_id("undo"), change
            tasks = self._tasks(log.writer, rows)
            steps = list(reversed(rows))
            self._guard(s, log.writer, tasks, steps, forward=False)
            for row in _keys_first(steps):
                self._apply(log.writer, tasks, row, forward=False, log=log)
            self._mark(s, change, True)
            return self._summary(tasks, "undid", rows)

    def redo(self) -> Reverted:
        """Re-apply what the latest undo took back, unless a new change came since."""
        with self.ctx.change() as (s, log):
            undo_change = self._redoable(s)
            if undo_change is None:
                raise NoChangeError("nothing to redo")
            original = (
                select(col(Activity.reverts))
                .where(col(Activity.change_id) == undo_change)
                .limit(1)
                .scalar_subquery()
            )
            rows = self._rows(s, original)  # one round trip: the undo names what it undid
            assert rows
            tasks = self._tasks(log.writer, rows)
            self._guard(s, log.writer, tasks, rows, forward=True)
            log.change_id, log.reverts = _new_id("redo"), undo_change
            for row in _keys_first(rows):
                self._apply(log.writer, tasks, row, forward=True, log=log)
            # The undo is spent, and the new redo change carries the original from now on:
            # the original stays undone, or the next undo after this one would take it back
            # a second time.
            self._mark(s, undo_change, True)
            return self._summary(tasks, "redid", rows)

    # ---- finding changes -------------------------------------------------------

    def _mine(self) -> Select[Activity]:
        """This person's rows, newest first."""
        return (
            select(Activity)
            .where(col(Activity.actor) == self.ctx.actor)
            .order_by(col(Activity.id).desc())
            .limit(200)
        )

    def _undoable(self, s: Session) -> list[Activity] | None:
        """The rows of the newest change in effect, a plain one or a redo; undo changes are
        not undone.

        Read a change at a time, never a window of rows: the undo of a batch of a hundred
        cards writes hundreds of rows, and the change before it lies beyond any window. The
        rows and whether the change was redone elsewhere come in one statement: a round
        trip saved is a tenth of a second behind a distant server.
        """
        skipped: list[str] = []
        # Redo used to mark the change it re-applied live again, beside the redo change that
        # carries it; stores written then still hold such pairs. The undo the redo spent
        # tells them apart, so that change is not taken back a second time.
        spent = select(col(Activity.reverts)).where(
            col(Activity.change_id).startswith("undo-"),
            col(Activity.undone).is_(True),
            col(Activity.reverts).is_not(None),
        )
        while True:
            newest = (
                select(col(Activity.change_id))
                .where(
                    col(Activity.actor) == self.ctx.actor,
                    col(Activity.undone).is_(False),
                    ~col(Activity.change_id).startswith("undo-"),
                    # A comment changes nothing undo takes back, and is not taken back
                    # itself: the change before it is the latest one to undo.
                    col(Activity.action) != "comment",
                    col(Activity.change_id).not_in(skipped),
                )
                .order_by(col(Activity.id).desc())
                .limit(1)
                .scalar_subquery()
            )
            found = s.execute(
                select(Activity, col(Activity.change_id).in_(spent))
                .where(col(Activity.change_id) == newest)
                .order_by(col(Activity.id))
            ).all()
            if not found:
                return None
            act = found[-1][0]  # the newest row of the newest change
            if act.action not in UNDOABLE or act.entity != "task":
                return None  # the newest thing done was not a board change
            if not found[0][1]:
                return [row for row, _ in found]
            skipped.append(act.change_id)

    def _redoable(self, s: Session) -> str | None:
        """The newest undo not yet redone, unless a new change came after it.

        Redo changes, and undos already redone, are the redo chain itself; any other change
        ends it, also one undone or redone since: it still came after the undos before it.
        """
        undo, redo = (
            col(Activity.change_id).startswith("undo-"),
            col(Activity.change_id).startswith("redo-"),
        )
        act = s.scalars(
            self._mine().where(or_(undo & col(Activity.undone).is_(False), ~undo & ~redo)).limit(1)
        ).first()
        return act.change_id if act is not None and act.change_id.startswith("undo-") else None

    @staticmethod
    def _rows(s: Session, change: str | ScalarSelect[str | None]) -> list[Activity]:
        return list(
            s.scalars(
                select(Activity).where(col(Activity.change_id) == change).order_by(col(Activity.id))
            )
        )

    @staticmethod
    def _tasks(w: Writer, rows: list[Activity]) -> Tasks:
        """The tasks of a change, read once: every step of a batch of hundreds of cards
        changes the same records."""
        return tasks_by_id(w, [r.task_id for r in rows if r.task_id is not None])

    @staticmethod
    def _mark(s: Session, change: str, undone: bool) -> None:
        s.execute(update(Activity).where(col(Activity.change_id) == change).values(undone=undone))

    @staticmethod
    def _summary(tasks: Tasks, verb: str, rows: list[Activity]) -> Reverted:
        keys: dict[str, None] = {}
        what: dict[str, None] = {}
        moved = any(r.action in ("move", "move_project") for r in rows)
        for r in rows:
            task = tasks.get(r.task_id) if r.task_id is not None else None
            if task is not None:
                keys[task.key] = None
            if r.action == "rank" and moved:
                continue  # the place in the new column is part of the move
            if _records(r):
                continue  # the occurrence's creation says it
            word = ACTION_WORDS.get(r.action) or (fields.label(r.field) if r.field else r.action)
            what[word] = None
        return Reverted(f"{verb} {', '.join(what) or 'a change'}{_of(list(keys))}", tuple(keys))

    # ---- the conflict guard --------------------------------------------------------

    def _guard(
        self, s: Session, w: Writer, tasks: Tasks, steps: list[Activity], forward: bool
    ) -> None:
        """Refuse before touching anything when a field the steps set was changed since.

        A change may set one field twice; only its first setting meets today's value.
        The column is named before the place in it, the part a person recognises.
        """
        seen: set[tuple[int, str]] = set()
        conflicts: list[tuple[Activity, TaskRecord, str, str | None]] = []
        for row in steps:
            if row.task_id is None or _records(row):
                continue
            task = tasks.get(row.task_id)
            if task is None:
                raise NotFoundError("the task of that change no longer exists")
            if row.action in ("link", "unlink"):
                # The link must be there to take away and absent to put back: adding it twice
                # was an IntegrityError out of the board.
                adds = self._adds_link(row, forward)
                blocker = self._blocker(w, row)
                if linked(w, task.id, blocker.id) == adds:
                    conflicts.append((row, task, "blocked_by", None))
                elif adds and find.depends_on(w, blocker.id, task.id):
                    # Putting it back must not close a loop someone made since.
                    doing = "redoing" if forward else "undoing"
                    raise CycleError(
                        f"{blocker.key} depends on {task.key} since: not {doing}, it would be"
                        " a cycle"
                    )
                continue
            field, current, expected = self._expected(w, task, row, forward)
            if (task.id, field) in seen:
                continue
            seen.add((task.id, field))
            if (current or None) != (expected or None):  # the log keeps no tags as ""
                conflicts.append((row, task, field, current))
        if conflicts:
            row, task, field, current = min(conflicts, key=lambda c: c[2] == "rank")
            raise self._conflict(s, row, task, field, current, forward)

    @staticmethod
    def _adds_link(row: Activity, forward: bool) -> bool:
        """Whether taking the link step `row` this way adds the dependency (else removes it)."""
        return (row.action == "link") == forward

    @staticmethod
    def _blocker(w: Writer, row: Activity) -> TaskRecord:
        """The other task of a link step."""
        return load_task(w, (row.new or row.old) or "")

    def _expected(
        self, w: Writer, task: TaskRecord, row: Activity, forward: bool
    ) -> tuple[str, str | None, str | None]:
        """The field a step sets, its value now, and the value the step expects to find."""
        if row.action == "create":
            # Undoing a creation archives the task; redoing it brings the task back as made.
            born = "true" if row.field == "archived" else "false"
            return "archived", fields.encode(task.archived), "true" if forward else born
        if _rekeys(row):
            return "key", task.key, row.old if forward else row.new
        field = row.field or ""
        return field, self._current(w, task, field), row.old if forward else row.new

    def _conflict(
        self,
        s: Session,
        row: Activity,
        task: TaskRecord,
        field: str,
        current: str | None,
        forward: bool,
    ) -> ConflictError:
        other = s.scalars(
            select(col(Activity.actor))
            .where(
                col(Activity.task_id) == task.id,
                col(Activity.field) == field,
                col(Activity.id) > (row.id or 0),
                col(Activity.actor) != self.ctx.actor,
            )
            .order_by(col(Activity.id).desc())
            .limit(1)
        ).first()
        by = f" by @{other}" if other else ""
        known = fields.BY_NAME.get(field)
        now = known.said(current) if known is not None else None
        shown = f" (now {now})" if now is not None else ""
        words = fields.label(field)
        was = "were" if words.endswith("s") else "was"  # tags, blockers, notes
        doing = "redoing" if forward else "undoing"
        return ConflictError(
            task.key, f"{task.key}'s {words} {was} changed since{by}{shown}: not {doing} over it"
        )

    # ---- applying ----------------------------------------------------------------

    def _apply(self, w: Writer, tasks: Tasks, row: Activity, forward: bool, log: ChangeLog) -> None:
        if row.task_id is None or _records(row):
            return
        task = tasks.get(row.task_id)
        if task is None:
            raise NotFoundError("the task of that change no longer exists")
        want = row.new if forward else row.old
        action = row.action
        if action == "create":
            # Undoing a creation archives the task: keys are never reused, data never lost.
            # Redoing it brings the task back as it was made (`_expected`).
            archived = row.field == "archived" if forward else True
            if task.archived != archived:
                task.archived = archived
                log.task(
                    "archive" if archived else "unarchive",
                    task,
                    "archived",
                    old=not archived,
                    new=archived,
                )
        elif action in ("link", "unlink"):
            # The guard has checked the link can be taken this way: the steps' own checks pass.
            blocker = self._blocker(w, row)
            (link if self._adds_link(row, forward) else unlink)(w, log, task, blocker)
        elif _rekeys(row):
            old = task.key
            self._rekey(w, task, want or "")
            log.record(
                action, task_id=task.id, project_id=task.project_id, field="key", old=old, new=want
            )
        elif action == "move_project":
            # The column: its project's key is back (`_keys_first`), and the guard found the
            # column the step expects, in the project the task has just left.
            self._set(w, task, row.field or "", want)
            log.task(action, task, row.field, old=row.old if forward else row.new, new=want)
        else:
            field = row.field or ""
            current = self._current(w, task, field)
            self._set(w, task, field, want)
            log.task(
                action if forward else self._reverse_action(action),
                task,
                field,
                old=current,
                new=want,
            )
        save_task(w, task)

    @staticmethod
    def _rekey(w: Writer, task: TaskRecord, key: str) -> None:
        """Give the task the key `key` again, and so its project: a key is never given to
        another task, so it is still free. The task stands in the project's first column
        until its column row (logged since moves kept one) names the one it had."""
        project_key, _, number = key.rpartition("-")
        project = find.project_by_key(w, project_key)
        if project.archived:
            raise StateError(f"project {project.key} is archived")
        columns = find.columns_of(w, project.id)
        if not columns:
            raise StateError(f"project {project.key} has no columns")
        task.project_id, task.number, task.key = project.id, int(number), key
        if all(c.id != task.column_id for c in columns):
            task.column_id = columns[0].id

    @staticmethod
    def _reverse_action(action: str) -> str:
        return {
            "done": "reopen",
            "reopen": "done",
            "archive": "unarchive",
            "unarchive": "archive",
        }.get(action, action)

    @staticmethod
    def _field(name: str) -> fields.TaskField:
        known = fields.BY_NAME.get(name)
        if known is None or known.kind == "links":
            raise StateError(f"cannot undo a change of {name!r}")
        return known

    def _current(self, w: Writer, task: TaskRecord, field: str) -> str | None:
        """The field's value now, as the log writes it."""
        return fields.encode(storage.current(w, task, self._field(field)))

    def _set(self, w: Writer, task: TaskRecord, field: str, value: str | None) -> None:
        """Set the field to a value as the log wrote it."""
        known = self._field(field)
        storage.store(w, task, known, storage.resolve(w, task, known, known.decode(value)))
