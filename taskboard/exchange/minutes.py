"""Meeting minutes as Markdown, with every piece of user text escaped so it stays plain text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

from taskboard.domain.meeting_views import (
    MeetingItemView,
    MinutesData,
    TaskChange,
    check_in_line,
    item_line,
)
from taskboard.exchange.escape import cell, heading, one_line

__all__ = ["render_minutes"]


def _when(moment: datetime, tz: tzinfo | None) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _section(title: str, lines: Iterable[str]) -> list[str]:
    body = list(lines)
    return [f"## {title}", "", *(body or ["None."]), ""]


def _items(items: Iterable[MeetingItemView]) -> list[str]:
    return [
        f"- {item_line(i, one_line)}" + (f" → {i.task_key}" if i.task_key else "") for i in items
    ]


def _changes(title: str, changes: tuple[TaskChange, ...], arrow: bool) -> list[str]:
    lines = [f"### {title}", ""]
    for c in changes:
        line = f"- {c.key} {one_line(c.title)}"
        if arrow:
            line += f": {one_line(c.old)} → {one_line(c.new)}"
        lines.append(line)
    return [*lines, *([] if changes else ["None."]), ""]


def render_minutes(data: MinutesData, tz: tzinfo | None = None) -> str:
    """The minutes of one meeting; times in `tz` (the local zone when None)."""
    out = [f"# {heading(data.title)}", ""]
    facts = [f"- Date: {_when(data.started, tz)}"]
    duration = data.duration
    facts.append(f"- Duration: {_duration(duration) if duration is not None else 'still running'}")
    if data.project:
        facts.append(f"- Project: {data.project} ({one_line(data.project_name or '')})")
    people = ", ".join(f"{one_line(name)} (@{handle})" for handle, name in data.attendees)
    facts.append(f"- Attendees: {people or 'none recorded'}")
    out += [*facts, ""]

    out += _section(
        "Agenda",
        (
            f"- [{'x' if a.discussed else ' '}] {one_line(a.title)}"
            + (f" ({a.task_key})" if a.task_key else "")
            for a in data.agenda
        ),
    )
    out += _section("Decisions", _items(data.decisions))
    table = ["| Key | Title | Owner | Due |", "| --- | --- | --- | --- |"]
    table += [
        f"| {t.key} | {cell(t.title)} | {'@' + t.owner if t.owner else ' '} | "
        f"{t.due.isoformat() if t.due else ' '} |"
        for t in data.tasks
    ]
    out += _section("New tasks", table if data.tasks else [])
    out += _section(
        "Check-ins",
        (f"- {check_in_line(c, one_line)}" for c in data.check_ins),
    )
    out += _section("Notes", _items(data.notes))
    out += _section("Open questions", _items(data.questions))

    since = data.since
    out += ["## Since the previous meeting", ""]
    if since is None:
        out += ["This is the first meeting" + (" of this project." if data.project else "."), ""]
    else:
        out += [f"Since {one_line(since.title)} on {_when(since.started, tz)}.", ""]
        out += _changes("Done", since.done, arrow=False)
        out += _changes("Created", since.created, arrow=False)
        out += _changes("Moved", since.moved, arrow=True)
        out += _changes("Due dates slipped", since.slipped, arrow=True)
    return "\n".join(out).rstrip("\n") + "\n"
