"""`taskboard add`, `done`, `move`, `edit` and `import` over a plain connection: no
SQLAlchemy.

Each method is what the `TaskService` (or `TransferService`) method of the same name
does — the same steps (`services.ops`), the same change log, one transaction — run over
a `Writer` of its own (`taskboard.store.writer.writing`) instead of a session's. A store
that is not at this program's schema head, or that this writer cannot open, raises
`NotWritable` before anything is written: the caller then takes the ordinary way through
the services.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from taskboard.domain.drafts import draft_from_line
from taskboard.domain.views import Created, TaskRow
from taskboard.services.activity import ChangeLog
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec
from taskboard.services.importer import Importer
from taskboard.services.ops import batch
from taskboard.store.writer import Writer, writing


@dataclass(frozen=True)
class PlainTasks:
    """The writes the CLI runs most, acting as `actor` on the store at `target`."""

    target: str
    password: str | None
    actor: str

    def today(self) -> date:
        return date.today()

    @contextmanager
    def change(self) -> Iterator[tuple[Writer, ChangeLog]]:
        """One change as one transaction, its log written with it (`ServiceContext.change`)."""
        with writing(self.target, self.password) as w:
            log = ChangeLog(w, self.actor)
            yield w, log
            log.flush()

    def capture(self, line: str, project: str | None = None, *, new_people: bool = True) -> Created:
        draft = draft_from_line(line, self.today(), project)
        with self.change() as (w, log):
            return batch.create(w, log, draft, new_people)

    def complete_many(self, keys: Sequence[str]) -> list[TaskRow]:
        return self._many(keys, batch.completing(self.today()))

    def move_many(self, keys: Sequence[str], column: str) -> list[TaskRow]:
        return self._many(keys, batch.moving(column, None, self.today()))

    def apply_tokens_many(
        self, keys: Sequence[str], line: str, *, new_people: bool = True
    ) -> list[TaskRow]:
        return self._many(keys, batch.tokens_step(line, self.today(), new_people))

    def import_tasks(
        self,
        project_key: str | None,
        records: Sequence[ImportDraft],
        lanes: Sequence[LaneSpec] = (),
    ) -> ImportResult:
        """`TransferService.import_tasks`: the drafted tasks, all or none."""
        with self.change() as (_w, log):
            return Importer(log, project_key).run(records, lanes)

    def _many(self, keys: Sequence[str], step: batch.Step) -> list[TaskRow]:
        """`step` on every task as one change (`TaskService._change_many`)."""
        with self.change() as (w, log):
            return batch.rows_of(w, batch.change_many(w, log, keys, step))
