"""Moving data in and out: the lossless dump and restore, the exporters' reads, bulk imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from taskboard.services.activity import ChangeLog
from taskboard.services.board_reads import Board, Card, read_boards, read_cards
from taskboard.services.context import ServiceContext
from taskboard.services.dump import dump_rows, restore_rows
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec
from taskboard.services.importer import Importer


class TransferService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def dump(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every row of every table, by table then primary key, values as JSON-ready values."""
        with self.ctx.store.read() as s:
            yield from dump_rows(s)

    def restore(self, records: Iterable[tuple[str, Any]], place: str = "") -> int:
        """Restore a dump into an empty store in one transaction; returns the rows written.
        Refusals (which write nothing) start with `place`, the file's name."""
        with self.ctx.store.write() as s:
            return restore_rows(s, records, place)

    def boards(self, project: str | None = None) -> list[Board]:
        """One project's board, or every project that is not archived, by key."""
        with self.ctx.store.read() as s:
            return read_boards(s, project)

    def cards(self, project: str | None = None, scope: str = "all") -> Iterator[Card]:
        """Tasks streamed in board order (project, column, rank); scope is all, top or sub."""
        with self.ctx.store.read() as s:
            yield from read_cards(s, project, scope)

    def import_tasks(
        self,
        project_key: str | None,
        records: Sequence[ImportDraft],
        lanes: Sequence[LaneSpec] = (),
    ) -> ImportResult:
        """Create the drafted tasks in one transaction; records whose source id exists are
        skipped. With `project_key` everything goes there and missing columns are created;
        without it each record names an existing project (INBOX when none) and column."""
        with self.ctx.store.write() as s:
            return Importer(s, ChangeLog(s, self.ctx.actor), project_key).run(records, lanes)
