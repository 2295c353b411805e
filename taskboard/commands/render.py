"""The text of the read commands (`list`, `show`, `agenda`), made once for both paths.

The plain path (`taskboard.commands.reads`) and the Typer commands print what these
return, so the two cannot drift apart. Each returns the whole text: it goes out in one
write, not one per line. Stdlib only; user text is made printable on its way out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring as _json_string
from typing import TYPE_CHECKING, Any

from taskboard.domain.text import clean

if TYPE_CHECKING:
    from taskboard.domain.agenda import Agenda
    from taskboard.domain.views import TaskDetail, TaskRow

# C1 controls and DEL are legal unescaped in JSON, and would drive the terminal.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text with C1 controls and DEL escaped; outside strings JSON is ASCII, so every
    match is inside a string, and the escape reads back as the same character."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(data: Any) -> str:
    """`data` as indented JSON, one line break at the end."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def json_list_text(items: Iterable[dict[str, object]]) -> str:
    """The same text as `json_text(list(items))`, built one item at a time with the C
    string escaper: the stdlib's indenting encoder is pure Python, and a 10,000-task list
    spends most of its time there."""
    parts = [_indented(item, "  ") for item in items]
    if not parts:
        return "[]\n"
    text = "[\n  " + ",\n  ".join(parts) + "\n]"
    return (text if text.isascii() else json_safe(text)) + "\n"


# How `json.dumps` writes a value of these exact types (a subclass takes the long way).
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _json_string,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _indented(value: object, indent: str) -> str:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` lays it out at depth
    `indent`. Strings in JSON hold no raw line break, so a nested layout is the flat one
    with each line break followed by the indent."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    if isinstance(value, str):
        return _json_string(value)
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return int.__repr__(value)
    inner = indent + "  "
    if isinstance(value, dict) and all(type(k) is str for k in value):
        if not value:
            return "{}"
        # Scalars written here, not through a call each: a 10,000-task list has 200,000.
        fields = [
            _json_string(k)
            + ": "
            + (w(v) if (w := _SCALARS.get(type(v))) is not None else _indented(v, inner))
            for k, v in value.items()
        ]
        return "{\n" + inner + (",\n" + inner).join(fields) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        entries = [_indented(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(entries) + "\n" + indent + "]"
    # Anything else (a float, keys that are not strings): the stdlib's own layout.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


def table_text(rows: Iterable[Sequence[str]], headers: Sequence[str] | None = None) -> str:
    """Left-aligned columns separated by two spaces; user text made printable."""
    body = [[clean(c) for c in r] for r in rows]
    if headers:
        body.insert(0, list(headers))
    if not body:
        return ""
    widths = [max(len(r[i]) for r in body) for i in range(len(body[0]))]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in body
    )


def nested(rows: list[TaskRow]) -> list[tuple[TaskRow, str]]:
    """`rows` with each subtask right under its parent when that is listed, and the title to
    show: `↳ title` there, `↳ DEL-51: title` where the parent is not listed."""
    listed = {r.key for r in rows}
    children: dict[str, list[TaskRow]] = {}
    for r in rows:
        if r.parent in listed:
            children.setdefault(r.parent, []).append(r)
    out: list[tuple[TaskRow, str]] = []

    def add(row: TaskRow, title: str) -> None:
        out.append((row, title))
        for child in children.get(row.key, []):
            add(child, f"↳ {child.title}")

    for r in rows:
        if r.parent not in listed:
            add(r, f"↳ {r.parent}: {r.title}" if r.parent else r.title)
    return out


def task_line(row: TaskRow, title: str | None = None) -> list[str]:
    return [
        row.key,
        row.column,
        row.title if title is None else title,
        f"@{row.assignee}" if row.assignee else "",
        row.due.isoformat() if row.due else "",
        f"!{row.priority}" if row.priority != "normal" else "",
        " ".join(f"#{t}" for t in row.tags),
    ]


def list_text(rows: list[TaskRow], as_json: bool = False) -> str:
    """`taskboard list`: a table with subtasks under their parents, or a JSON list."""
    if as_json:
        return json_list_text(r.as_json() for r in rows)
    return table_text(task_line(r, title) for r, title in nested(rows))


def show_text(detail: TaskDetail, as_json: bool = False, asked: str | None = None) -> str:
    """`taskboard show KEY`: one task with its notes, subtasks, links, comments, history.
    `asked`: the key typed, which says so when it is one the task had before a move."""
    from taskboard.domain.views import history_lines

    if as_json:
        return json_text(detail.as_json())
    t = detail.task
    out = [clean(f"{t.key}  {t.title}") + "\n"]
    if asked is not None and asked.strip().upper() != t.key:
        out.insert(0, clean(f"{asked.strip().upper()} moved to {t.key}") + "\n")
    fields = [
        ("project", t.project),
        ("column", t.column + (" (done)" if t.done else "")),
        ("assignee", f"@{t.assignee}" if t.assignee else "—"),
        ("due", t.due.isoformat() if t.due else "—"),
        ("priority", t.priority),
        ("tags", " ".join(f"#{x}" for x in t.tags) or "—"),
    ]
    if t.key_result:
        fields.append(("key result", t.key_result))
    if t.parent:
        fields.append(("subtask of", t.parent))
    if detail.recurrence:
        fields.append(("repeats", detail.recurrence))
    if t.archived:
        fields.append(("archived", "yes"))
    out.append(table_text((f"  {k}", v) for k, v in fields))
    if detail.notes:
        out.append("\n" + "\n".join(clean(line) for line in detail.notes.splitlines()) + "\n")
    if detail.subtasks:
        out.append("\nSubtasks:\n")
        out += [
            clean(f"  [{'x' if sub.done else ' '}] {sub.key}  {sub.title}") + "\n"
            for sub in detail.subtasks
        ]
    if detail.blocked_by:
        out.append("\nBlocked by: " + ", ".join(b.key for b in detail.blocked_by) + "\n")
    if detail.blocking:
        out.append("Blocking: " + ", ".join(b.key for b in detail.blocking) + "\n")
    if detail.comments:
        out.append("\nComments:\n")
        out += [
            clean(f"  {c.created:%Y-%m-%d %H:%M} @{c.author}: {c.body}") + "\n"
            for c in detail.comments
        ]
    out.append("\nHistory:\n")
    out += [
        clean(f"  {a.at:%Y-%m-%d %H:%M} @{a.actor} {line}") + "\n"
        for a, line in history_lines(detail.history)
    ]
    return "".join(out)


def agenda_text(view: Agenda, mine: bool, as_json: bool = False) -> str:
    """`taskboard agenda [HANDLE]`: open tasks grouped by when they are due."""
    if as_json:
        return json_text(view.as_json())
    out = [clean(f"{'My tasks' if mine else 'Tasks'} of @{view.handle}") + "\n"]
    for name, rows in view.groups:
        if not rows:
            continue
        out.append(f"\n{name.capitalize()} ({len(rows)})\n")
        out.append(
            table_text(
                (
                    f"  {r.key}",
                    r.due.isoformat() if r.due else "",
                    view.title_of(r) + (f" (in {r.parent})" if r.parent else ""),
                    r.project,
                    r.column,
                    f"!{r.priority}" if r.priority != "normal" else "",
                )
                for r in rows
            )
        )
    if not any(rows for _, rows in view.groups):
        out.append("nothing open\n")
    return "".join(out)
