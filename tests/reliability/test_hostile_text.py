"""Escape sequences never reach an export: not from a restore (cleaned on the way in), and not
from text already in a store (cleaned again on the way out of every writer)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select, update
from sqlmodel import col

from taskboard.domain.models import BoardColumn, Comment, Person, Project, Tag, Task, TaskTag
from taskboard.exchange import csvfmt, ics, jsondump, markdown, obsidian
from taskboard.services import Services, TaskDraft

# Terminal attacks: colour, clear screen, a hyperlink, the window title, one-byte CSI/OSC.
HOSTILE = (
    "ok\x1b[31mred\x1b[2J\x1b]8;;http://evil\x07link\x1b]0;title\x07\x9b6n\x9d2;t\x9c\x00\x7f."
)
# What a store can already hold (PostgreSQL refuses NUL in text, so no store has one).
POISON = HOSTILE.replace("\x00", "\x01")


def raw_controls(text: str) -> list[str]:
    """Control characters in `text` other than the line ends and tabs a file may hold."""
    return sorted(
        {
            repr(ch)
            for ch in text
            if (ord(ch) < 32 and ch not in "\n\r\t") or 0x7F <= ord(ch) <= 0x9F
        }
    )


def _poison(services: Services) -> None:
    """Hostile text in every field an export writes, put in behind the services' back (as a
    store written by an older version, or by hand, could hold it)."""
    created = services.tasks.create(
        TaskDraft(
            title="plain", project="INBOX", assignee="mia", tags=("x",), due=date(2026, 12, 1)
        )
    )
    services.tasks.add_subtask(created.task.key, "child")
    with services.ctx.store.write() as s:
        s.execute(update(Task).values(title=POISON, notes=POISON + "\n" + POISON))
        s.execute(update(Project).values(name=POISON, description=POISON))
        s.execute(update(BoardColumn).where(col(BoardColumn.position) == 0).values(name=POISON))
        s.execute(update(Person).values(name=POISON))
        s.execute(update(Tag).values(name="tag" + POISON))
        task_id = s.scalar(select(col(Task.id)).limit(1))
        author = s.scalar(select(col(Person.id)).limit(1))
        s.execute(insert(Comment).values(task_id=task_id, author_id=author, body=POISON))
        assert s.scalar(select(TaskTag.task_id).limit(1)) is not None


WRITERS: dict[str, Callable[[Services, io.StringIO], object]] = {
    "markdown board": lambda s, out: markdown.write_board(s, out, "INBOX"),
    "markdown table": lambda s, out: markdown.write_table(s, out, "INBOX"),
    "obsidian": lambda s, out: obsidian.write(s, out, "INBOX"),
    "csv": lambda s, out: csvfmt.write(s, out, "INBOX"),
    "ics": lambda s, out: ics.write(s, out, "INBOX"),
    "json": lambda s, out: jsondump.write(s, out),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_no_export_carries_an_escape_sequence(services: Services, faults: Any, fmt: str) -> None:
    _poison(services)
    out = io.StringIO()
    faults.tried(f"{fmt} export of hostile text")
    WRITERS[fmt](services, out)
    written = out.getvalue()
    assert "ok" in written and "red" in written  # the text is there, only its controls went
    found = raw_controls(written)
    if found:
        faults.lost(f"{fmt} export of hostile text", f"raw {', '.join(found)}")
    else:
        faults.passed(f"{fmt} export of hostile text")
    assert not found


def test_a_restore_cleans_what_it_stores(services: Services, faults: Any) -> None:
    source = io.StringIO()
    jsondump.write(services, source)
    document = json.loads(source.getvalue())
    document["records"] += [
        {"table": "person", "row": {"id": 7, "handle": "mia", "name": HOSTILE, "email": None,
                                    "created": "2026-11-01T09:00:00+00:00"}},
        {"table": "task", "row": {
            "id": 1, "project_id": 1, "column_id": 1, "number": 1, "key": "INBOX-1",
            "title": HOSTILE, "notes": HOSTILE + "\n" + HOSTILE, "assignee_id": 7, "due": None,
            "start": None, "priority": "normal", "parent_id": None, "rank": "m",
            "created": "2026-11-01T09:00:00+00:00", "updated": "2026-11-01T09:00:00+00:00",
            "completed": None, "archived": False, "recurrence": None, "key_result_id": None,
            "source_id": None, "version": 1}},
    ]  # fmt: skip
    document["records"].sort(
        key=lambda r: ["person", "project", "board_column", "task"].index(r["table"])
    )
    for record in document["records"]:
        if record["table"] == "project":
            record["row"]["last_number"] = 1
    faults.tried("restore of hostile text")
    jsondump.read(services, io.StringIO(json.dumps(document)))
    card = next(iter(services.transfer.rows("INBOX")))
    assert card.title == "okred" + "link" + "." and not raw_controls(card.notes)
    assert card.notes == "okredlink.\nokredlink."
    faults.passed("restore of hostile text")
