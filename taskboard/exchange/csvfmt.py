"""CSV: export of every task, import of Asana-style files (Name, Section/Column, Assignee, …)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import TextIO

from taskboard.domain.text import excerpt
from taskboard.services import ServiceError, Services
from taskboard.services.import_drafts import ImportDraft, ImportResult

HEADERS = (
    "Task ID", "Project", "Name", "Section/Column", "Assignee", "Due Date", "Priority", "Tags",
    "Notes", "Parent Task", "Completed At", "Created At",
)  # fmt: skip
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: str) -> str:
    """A cell no spreadsheet runs as a formula: a leading `= + - @` (or tab/CR) gets a `'`."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def _plain(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA) else cell


def write(services: Services, out: TextIO, project: str | None = None) -> int:
    """Every task (subtasks and archived ones too) of one or all projects; returns the rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    count = 0
    keys = [project] if project else [b.key for b in services.transfer.boards()]
    for key in keys:
        for card in services.transfer.cards(key):
            writer.writerow(
                [
                    neutral(c)
                    for c in (
                        card.key,
                        card.project,
                        card.title,
                        card.column,
                        card.assignee or "",
                        card.due.isoformat() if card.due else "",
                        card.priority,
                        ",".join(card.tags),
                        card.notes,
                        card.parent or "",
                        card.completed.isoformat() if card.completed else "",
                        card.created.isoformat(),
                    )
                ]
            )
            count += 1
    return count


def _date(value: str, where: str) -> date:
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%m/%d/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    raise ServiceError(f"{where}: bad due date {excerpt(value)!r} (use YYYY-MM-DD)")


def parse(lines: Iterable[str]) -> list[ImportDraft]:
    reader = csv.DictReader(lines)
    names = {(h or "").strip().casefold(): h for h in reader.fieldnames or ()}
    if "name" not in names:
        raise ServiceError("line 1: the CSV has no Name column")

    def get(row: dict[str, str | None], header: str) -> str:
        key = names.get(header.casefold())
        return _plain((row.get(key) or "").strip()) if key else ""

    rows = []
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:
            raise ServiceError(f"{where}: more cells than headers")
        rows.append((where, row))
    by_name: dict[str, str] = {}
    drafts = []
    seen: dict[str, int] = {}
    for where, row in rows:
        name = get(row, "Name")
        task_id = get(row, "Task ID")
        if task_id:
            source = f"csv:{task_id}"
        else:
            # No ids in the file: the same row content is the same task on a second import.
            digest = hashlib.sha1(
                "\x1f".join(get(row, h) for h in ("Name", "Section/Column", "Parent Task")).encode()
            ).hexdigest()[:20]
            seen[digest] = seen.get(digest, 0) + 1
            source = f"csv:{digest}:{seen[digest]}"
        by_name.setdefault(name, source)
        if task_id:
            by_name.setdefault(task_id, source)
        drafts.append((where, row, name, source))
    result = []
    for where, row, name, source in drafts:
        parent = get(row, "Parent Task")
        if parent and parent not in by_name:
            raise ServiceError(f"{where}: unknown parent task {excerpt(parent)!r}")
        due = get(row, "Due Date")
        completed = get(row, "Completed At")
        result.append(
            ImportDraft(
                where=where,
                title=name,
                source_id=source,
                project=get(row, "Project") or None,
                column=get(row, "Section/Column") or None,
                assignee=get(row, "Assignee") or None,
                due=_date(due, where) if due else None,
                priority=get(row, "Priority") or None,
                tags=tuple(t.strip() for t in get(row, "Tags").split(",") if t.strip()),
                notes=get(row, "Notes"),
                parent=by_name[parent] if parent else None,
                done=bool(completed),
            )
        )
    return result


def read(services: Services, source: TextIO, project: str | None) -> ImportResult:
    return services.transfer.import_tasks(project, parse(source))
