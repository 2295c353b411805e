"""Moving data in and out: the lossless dump and restore, the exporters' reads, bulk imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from taskboard.domain.views import TaskRow
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.board_reads import Board, read_boards
from taskboard.services.context import ServiceContext
from taskboard.services.dump import DumpColumn, dump_chunks, dump_rows, restore_rows
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec
from taskboard.services.importer import Importer
from taskboard.store import reader
from taskboard.store.connect import ReadConnection
from taskboard.store.writer import Writer


class TransferService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def dump(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every row of every table, by table then primary key, values as JSON-ready values."""
        with self.ctx.store.read() as s:
            yield from dump_rows(s)

    def dump_chunks(self) -> Iterator[tuple[str, tuple[DumpColumn, ...], list[Any]]]:
        """The rows of `dump` as the DB-API driver gives them, a chunk at a time, with their
        table and columns (`dump.json_ready` makes one a dict of JSON-ready values)."""
        with self.ctx.store.read() as s:
            yield from dump_chunks(s)

    def restore(self, records: Iterable[tuple[str, Any]], place: str = "") -> int:
        """Restore a dump into an empty store in one transaction; returns the rows written.
        Refusals (which write nothing) start with `place`, the file's name."""
        with self.ctx.store.write() as s:
            return restore_rows(s, records, place)

    def boards(self, project: str | None = None) -> list[Board]:
        """One project's board, or every project that is not archived, by key."""
        with self.ctx.store.read() as s:
            return read_boards(s, project)

    def rows(self, project: str | None = None, scope: str = "all") -> Iterator[TaskRow]:
        """Tasks streamed in board order (project, column, rank) through the one row reader
        (`taskboard.store.reader`), a chunk at a time; scope is all, top or sub."""
        with self.ctx.store.read() as s:
            where, params = [], []
            if project is not None:
                where.append("t.project_id = ?")
                params.append(lookup.project_by_key(s, project).id)
            if scope == "top":
                where.append("t.parent_id IS NULL")
            elif scope == "sub":
                where.append("t.parent_id IS NOT NULL")
            raw = s.connection().connection.dbapi_connection
            conn = ReadConnection(raw, self.ctx.store.backend)
            yield from reader.streamed_rows(conn, " AND ".join(where), params)

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
            log = ChangeLog(Writer.of_session(s), self.ctx.actor)
            return Importer(log, project_key).run(records, lanes)
