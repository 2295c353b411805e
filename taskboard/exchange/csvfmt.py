"""CSV: export of every task, import of our own export and of Asana's (Name, Section/Column,
Assignee, Due Date, …), comma-, semicolon- or tab-separated.

Every row is checked (`checked_row`) before anything is written; a bad cell is named by its
line and header. A row without a `Task ID` is known by its natural identity (project, column,
title, occurrence), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO

from taskboard.domain.enums import Priority
from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.exchange.records import BadRecordError, Check, label
from taskboard.services import Services
from taskboard.services.import_drafts import ImportDraft, ImportResult

HEADERS = (
    "Task ID", "Project", "Name", "Section/Column", "Assignee", "Due Date", "Priority", "Tags",
    "Notes", "Parent Task", "Completed At", "Created At",
)  # fmt: skip
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_DELIMITERS = (",", ";", "\t")
_TASK_KEY = re.compile(r"^[A-Za-z]{2,6}-[0-9]{1,9}$")


def neutral(cell: str) -> str:
    """A cell no spreadsheet runs as a formula: a leading `= + - @` (or tab/CR) gets a `'`."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def _plain(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA) else cell


def write(services: Services, out: TextIO, project: str | None = None) -> int:
    """Every task (subtasks and archived ones too) of one or all projects; returns the rows.

    Text is cleaned on the way out as well, so a store filled before texts were cleaned on
    the way in still never sends an escape sequence to a terminal or spreadsheet."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    count = 0
    keys = [project] if project else [b.key for b in services.transfer.boards()]
    for key in keys:
        for card in services.transfer.rows(key):
            row = (
                card.key,
                card.project,
                clean(card.title),
                clean(card.column),
                clean(card.assignee or ""),
                card.due.isoformat() if card.due else "",
                card.priority,
                clean(",".join(card.tags)),
                clean_multiline(card.notes),
                card.parent or "",
                card.completed.isoformat() if card.completed else "",
                card.created.isoformat(),
            )
            writer.writerow([neutral(c) for c in row])
            count += 1
    return count


def _day(value: object) -> date | None:
    if value == "":
        return None
    if isinstance(value, str):
        for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
    raise ValueError("must be a date like 2026-12-01 (or 12/01/2026, 01.12.2026)")


def _moment(value: object) -> datetime | None:
    if value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            day = _day(value)
            if day is None:
                return None
            parsed = datetime(day.year, day.month, day.day)
        if not 1 < parsed.year < 9999:  # no move to UTC at the ends of the calendar
            raise ValueError("is out of range")
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError("must be a date like 2026-12-01 or a time like 2026-12-01T09:30:00+00:00")


def _priority(value: object) -> str | None:
    if value == "":
        return None
    try:
        return Priority.parse(str(value)).value
    except ValueError:
        raise ValueError("must be urgent, high, normal or low") from None


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One row, by the header names of our export and Asana's (case ignored)."""

    name: str
    task_id: str = ""
    project: str = ""
    column: str = ""
    assignee: str = ""
    due: date | None = None
    start: date | None = None
    priority: str | None = None
    tags: str = ""
    notes: str = ""
    parent: str = ""
    completed: datetime | None = None
    created: datetime | None = None


# The header of each field of `CsvRow`, in the order its cells are checked.
ALIASES = {
    "name": "Name",
    "task_id": "Task ID",
    "project": "Project",
    "column": "Section/Column",
    "assignee": "Assignee",
    "due": "Due Date",
    "start": "Start Date",
    "priority": "Priority",
    "tags": "Tags",
    "notes": "Notes",
    "parent": "Parent Task",
    "completed": "Completed At",
    "created": "Created At",
}
MAX_TASK_ID = 150
_PARSED: dict[str, Callable[[object], object]] = {
    "due": _day,
    "start": _day,
    "priority": _priority,
    "completed": _moment,
    "created": _moment,
}


def checked_row(where: str, cells: dict[str, str]) -> CsvRow:
    """A row's cells (by header) as a `CsvRow`, or the refusal naming the line and the
    header (`records.Check`: worded as a pydantic model's would be)."""
    check = Check(where)
    if "Name" not in cells:
        raise check.no(("Name",), "missing", cells)
    values: dict[str, Any] = {}
    for field, alias in ALIASES.items():
        if alias not in cells:
            continue
        value: object = cells[alias]
        parse = _PARSED.get(field)
        if parse is not None:
            values[field] = check.parsed(parse, value, (alias,))
        elif field == "task_id":
            values[field] = check.text(value, (alias,), max_length=MAX_TASK_ID, printable=True)
        else:
            values[field] = check.text(value, (alias,))
    return CsvRow(**values)


_KNOWN = {alias.casefold(): alias for alias in ALIASES.values()} | {
    "section": "Section/Column",
    "column": "Section/Column",
}


def _delimiter(header: str, name: str) -> str:
    """The separator that makes `header` hold a Name column (Excel in Germany writes `;`)."""
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        if any(c.strip().casefold() == "name" for c in cells):
            return delimiter
    raise BadRecordError(f"{name}line 1: the CSV has no Name column", "Name")


def _rows(lines: Iterable[str], name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(place, {known header: cell}) per row; a malformed file is one line naming where."""
    source = iter(lines)
    header = next(source, "")
    reader = csv.reader(itertools.chain([header], source), delimiter=_delimiter(header, name))
    try:
        headers = [_KNOWN.get(h.strip().casefold(), "") for h in next(reader)]
        for cells in reader:
            where = f"{name}line {reader.line_num}"
            if len(cells) > len(headers):
                raise BadRecordError(f"{where}: more cells than headers")
            if any(c.strip() for c in cells):
                row = zip(headers, cells, strict=False)  # a short row: the rest is empty
                yield where, {h: _plain(c.strip()) for h, c in row if h}
    except csv.Error as exc:
        raise BadRecordError(f"{name}line {reader.line_num}: {excerpt(str(exc), 80)}") from None


def _legacy_id(row: CsvRow, occurrences: dict[str, int]) -> str:
    # How rows without an id were known before natural identities: keeps old imports twin-free.
    digest = hashlib.sha1(
        "\x1f".join((row.name, row.column, row.parent)).encode(), usedforsecurity=False
    ).hexdigest()[:20]
    occurrences[digest] = occurrences.get(digest, 0) + 1
    return f"csv:{digest}:{occurrences[digest]}"


def parse(lines: Iterable[str], name: str = "") -> list[ImportDraft]:
    """The drafts of a CSV file; `name` ("tasks.csv: ") prefixes every place in errors."""
    checked = [(where, checked_row(where, row)) for where, row in _rows(lines, name)]
    position: dict[str, int] = {}
    for i, (_where, row) in enumerate(checked):
        position.setdefault(row.name, i)
        if row.task_id:
            position.setdefault(row.task_id, i)
    occurrences: dict[str, int] = {}
    drafts = []
    for where, row in checked:
        if row.parent and row.parent not in position:
            raise BadRecordError(f"{where}: unknown parent task {excerpt(row.parent)!r}")
        drafts.append(
            ImportDraft(
                where=where,
                title=row.name,
                source_id=f"csv:{row.task_id}" if row.task_id else None,
                key=row.task_id if _TASK_KEY.match(row.task_id) else None,
                aliases=() if row.task_id else (_legacy_id(row, occurrences),),
                project=row.project or None,
                column=row.column or None,
                assignee=row.assignee or None,
                due=row.due,
                start=row.start,
                priority=row.priority,
                tags=tuple(t.strip() for t in row.tags.split(",") if t.strip()),
                notes=row.notes,
                parent_index=position[row.parent] if row.parent else None,
                done=row.completed is not None,
                created=row.created,
                completed=row.completed,
            )
        )
    return drafts


def read(services: Services, source: TextIO, project: str | None) -> ImportResult:
    return services.transfer.import_tasks(project, parse(source, label(source)))
