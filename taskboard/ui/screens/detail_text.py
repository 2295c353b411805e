"""The task detail's words: which fields it edits, what each shows, how typed text becomes a
change, and the lines of its state, links, comments and history. No widgets, no store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from taskboard.domain.dates import DateParseError, format_relative
from taskboard.domain.fields import BY_NAME, EDITABLE
from taskboard.domain.text import clean, clean_multiline
from taskboard.domain.views import TaskDetail, history_lines

# The one-line fields, by the name `TaskService.edit` takes; each is the Input `#f-NAME`.
INPUTS = ("title", "assignee", "start", "due", "tags", "key_result", "recurrence")
# Every field edited here (the column is the board's), with the words a notification uses.
FIELDS = {f.name: f.label for f in EDITABLE if f.name != "column"}
# The hints of the one-line fields (HintedInput), longest first: fields are narrow at 80.
HINTS = {
    "title": ("the task in a few words",),
    "assignee": ("e.g. @jonas", "e.g. @mia"),
    "start": ("e.g. mon, 1.12., 2026-12-01", "e.g. mon, 1.12.", "e.g. 1.12."),
    "due": ("e.g. fri, +3d, 1.12., 2026-12-01", "e.g. fri, +3d", "e.g. +3d"),
    "tags": ("e.g. #papers #hub", "e.g. #papers"),
    "key_result": ("e.g. O1-KR2",),
    "recurrence": ("e.g. weekly, 2w, weekdays, FREQ=WEEKLY", "e.g. weekly, 2w", "e.g. 2w"),
}


def shown_values(detail: TaskDetail) -> dict[str, str]:
    """The text each field shows for `detail`: stored text can hold control characters (an
    import, a hand-edited database), and none of them may reach the terminal."""
    t = detail.task
    return {
        "title": clean(t.title),
        "assignee": clean(t.assignee or ""),
        "start": detail.start.isoformat() if detail.start else "",
        "due": t.due.isoformat() if t.due else "",
        "priority": clean(t.priority),
        "tags": " ".join(f"#{clean(x)}" for x in t.tags),
        "key_result": clean(t.key_result or ""),
        "recurrence": clean(detail.recurrence or ""),
        "notes": clean_multiline(detail.notes),
    }


def field_names(fields: Iterable[str]) -> str:
    """The fields in words, for a notification: "title", "title, due date and tags"."""
    words = [FIELDS[f] for f in fields]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def parsed(name: str, text: str, today: date) -> Any:
    """The value `TaskService.edit` takes for `text` typed in the field `name`."""
    parse = BY_NAME[name].parse
    assert parse is not None  # every field of this form is editable
    return parse(text, today)


def typed_changes(
    typed: Mapping[str, str], before: Mapping[str, str], today: date
) -> dict[str, Any]:
    """The changes the `typed` text of fields makes to what they held `before`; a field whose
    text means what it meant (`3.12.` for a due date that is already 2026-12-03) changes
    nothing stored. Raises `DateParseError` for text that is no value of its field."""
    changes: dict[str, Any] = {}
    for name, text in typed.items():
        new = parsed(name, text, today)
        try:
            unchanged = new == parsed(name, before[name], today)
        except DateParseError:
            unchanged = False
        if not unchanged:
            changes[name] = new
    return changes


def key_line(detail: TaskDetail) -> str:
    t = detail.task
    return f"{clean(t.key)}  ·  {clean(t.project)}  ·  {clean(t.column)}" + (
        "  ·  archived" if t.archived else ""
    )


def state_line(detail: TaskDetail, today: date) -> str:
    t = detail.task
    state = "done ✓" if t.done else "open"
    if t.due:
        state += f"  ·  due {format_relative(t.due, today)}"
    if t.blocked_by:
        state += f"  ·  blocked by {clean(', '.join(t.blocked_by))}"
    return state


def subtask_line(done: bool, key: str, title: str) -> str:
    return f"[{'x' if done else ' '}] {clean(key)}  {clean(title)}"


def links_text(detail: TaskDetail) -> str:
    deps = [
        f"blocked by {clean(b.key)}  {clean(b.title)}" + ("  ✓" if b.done else "")
        for b in detail.blocked_by
    ]
    deps += [f"blocking   {clean(b.key)}  {clean(b.title)}" for b in detail.blocking]
    return "\n".join(deps) or "none"


def comments_text(detail: TaskDetail) -> str:
    comments = [
        f"{c.created:%Y-%m-%d %H:%M}  @{clean(c.author or '?')}\n  {clean(c.body)}"
        for c in detail.comments
    ]
    return "\n".join(comments) or "none yet"


def history_text(detail: TaskDetail) -> str:
    return "\n".join(
        f"{a.at:%Y-%m-%d %H:%M}  @{clean(a.actor)}  {clean(line)}"
        for a, line in reversed(history_lines(detail.history))
    )
