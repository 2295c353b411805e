"""What the meeting screen says: its clocks, header, agenda and minutes rows; no store."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content
from textual.widgets.option_list import Option

from taskboard.domain.meeting_views import MeetingItemView, MeetingView, item_line
from taskboard.domain.text import clean
from taskboard.ui.preview import KIND_LABEL


def clock(length: timedelta) -> str:
    """`mm:ss`, or `h:mm:ss` from the first hour on."""
    seconds = max(0, int(length.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        if hours
        else f"{rest // 60:02d}:{rest % 60:02d}"
    )


def item_option(item: MeetingItemView) -> Option:
    """One minutes row: its kind, the task or key result it made, and its words."""
    kind = KIND_LABEL.get(item.kind, item.kind)
    made = item.task_key or item.key_result or ""
    return Option(Content(clean(f"{kind:9} {made:8} {item_line(item)}")), id=str(item.id))


def waiting_text(lines: list[str]) -> Content:
    """The row below the minutes: the newest line typed and on its way to the store, shown at
    once until its item is in the minutes (or the store refuses it), and how many more are
    on their way; empty when none is."""
    if not lines:
        return Content("")
    more = f"  (+{len(lines) - 1} on the way)" if len(lines) > 1 else ""
    return Content.styled(clean(f"{'…':9} {'':8} {lines[-1]}{more}"), "dim italic")


def item_signature(item: MeetingItemView) -> tuple[int, str, str | None, str | None, str]:
    """What a minutes row shows of an item: a row whose signature is unchanged stays."""
    return (item.id, item.kind, item.task_key, item.key_result, item_line(item))


def header_text(m: MeetingView, now: datetime, room: str = "") -> Content:
    """The header line: title, day, the meeting's clock (or "ended"), who is in the room
    (`room`, see `room_line`) and the attendees."""
    people = " ".join(f"@{h}" for h in m.attendees) or "no attendees (ctrl+a adds)"
    state = "ended" if m.ended else "⏱ " + clock(now - m.started)
    parts = [m.title, f"{m.started.astimezone():%a %Y-%m-%d}", state, room, people]
    return Content(clean("   ·   ".join(p for p in parts if p)))


def agenda_text(m: MeetingView, now: datetime) -> Content:
    """The agenda pane: each topic's state, the current one's clock, and how to add one."""
    lines = []
    for topic in m.agenda:
        mark = "✓" if topic.discussed else ("▶" if topic.current else "·")
        line = f"{mark} {topic.title}" + (f" ({topic.task_key})" if topic.task_key else "")
        if topic.current and topic.started is not None:
            line += f"  ⏱ {clock(now - topic.started)}"
        lines.append(clean(line))
    lines.append("")
    lines.append("tab: next topic   a: adds one")
    return Content("\n".join(lines))
