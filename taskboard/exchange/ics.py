"""iCalendar export: one VTODO per task with a due date, for calendars and phones."""

from __future__ import annotations

from typing import TextIO

from icalendar import Todo

from taskboard.domain.text import clean, clean_multiline
from taskboard.services import Services

# RFC 5545 priorities: 1 is the highest, 9 the lowest, 0 undefined.
PRIORITY = {"urgent": 1, "high": 3, "normal": 5, "low": 9}
_HEADER = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//taskboard//exchange//EN\r\n"


def write(services: Services, out: TextIO, project: str | None = None) -> int:
    """Stream a VCALENDAR, one VTODO at a time; returns the number of VTODOs."""
    out.write(_HEADER)
    count = 0
    keys = [project] if project else [b.key for b in services.transfer.boards()]
    for key in keys:
        for card in services.transfer.rows(key):
            if card.due is None or card.archived:
                continue
            todo = Todo()
            todo.add("uid", f"{card.key}@taskboard")
            todo.add("dtstamp", card.updated)
            todo.add("created", card.created)
            # Cleaned on the way out too: a store filled before texts were cleaned on the way
            # in must not send escape sequences to a terminal or a calendar.
            todo.add("summary", f"{card.key} {clean(card.title)}")
            todo.add("due", card.due)
            todo.add("priority", PRIORITY.get(card.priority, 0))
            todo.add("status", "COMPLETED" if card.done else "NEEDS-ACTION")
            if card.completed:
                todo.add("completed", card.completed)
            if card.tags:
                todo.add("categories", [clean(t) for t in card.tags])
            if card.notes:
                todo.add("description", clean_multiline(card.notes))
            out.write(todo.to_ical().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n"))
            count += 1
    out.write("END:VCALENDAR\r\n")
    return count
