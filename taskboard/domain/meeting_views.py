"""Read models of meetings: the live view, the list, and what the minutes show; stdlib only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from taskboard.domain.okr import confidence_text
from taskboard.domain.views import TaskRow

AGENDA_TAG = "agenda"
# An open meeting screen says it is still there every HEARTBEAT_S seconds; one not heard
# from for PRESENCE_TIMEOUT_S (its process died, its machine slept) is no longer counted —
# a screen that closes says so at once; one whose process was killed drops out of the
# other headers within PRESENCE_TIMEOUT_S + HEARTBEAT_S. A heartbeat wakes only the
# screens that show the room (the change feed counts presence apart from the data).
HEARTBEAT_S = 4.0
PRESENCE_TIMEOUT_S = 10.0
# Minutes items that can become a task afterwards.
CONVERTIBLE = ("note", "decision", "question")


@dataclass(frozen=True, slots=True)
class AgendaItemView:
    id: int
    position: int
    title: str
    task_key: str | None
    started: datetime | None
    discussed: bool

    @property
    def current(self) -> bool:
        return self.started is not None and not self.discussed


@dataclass(frozen=True, slots=True)
class MinutesCheckIn:
    """One check-in as the minutes (file and screen) show it."""

    key_result: str
    title: str
    old: float
    new: float
    confidence: float | None
    unit: str
    note: str


@dataclass(frozen=True, slots=True)
class MeetingItemView:
    """One minutes item; `agenda_item_id` is the topic it was said under (for `agenda` items:
    the topic it added)."""

    id: int
    kind: str
    text: str
    created: datetime
    task_key: str | None = None
    key_result: str | None = None
    agenda_item_id: int | None = None
    check_in: MinutesCheckIn | None = None
    owner: str | None = None  # a question's owner (handle)


def number(value: float) -> str:
    """A check-in's number as typed: `130`, `0.7`, `86500`."""
    return f"{value:g}"


def check_in_line(c: MinutesCheckIn, text: Callable[[str], str] = str) -> str:
    """`O1-KR1 Service points open: 81 → 130 points, confidence 0.7 (note)`: one wording
    for the minutes on screen and in the file; `text` escapes user text for a format."""
    return (
        f"{c.key_result} {text(c.title)}: {number(c.old)} → {number(c.new)}"
        + (f" {text(c.unit)}" if c.unit else "")
        + (f", confidence {confidence_text(c.confidence)}" if c.confidence is not None else "")
        + (f" ({text(c.note)})" if c.note else "")
    )


def item_line(item: MeetingItemView, text: Callable[[str], str] = str) -> str:
    """An item's words as the minutes on screen and in the file say them: a check-in as
    `check_in_line`, a question with its owner (`who books the transporter (@jonas)`);
    `text` escapes user text for a format."""
    if item.check_in is not None:
        return check_in_line(item.check_in, text)
    return text(item.text) + (f" (@{item.owner})" if item.owner else "")


def minutes_file_name(project: str | None, started: datetime) -> str:
    """`minutes-DEL-2026-12-02-0930.md`: the project and local start time, so a second
    meeting that day (or another project's) gets a file of its own."""
    when = started.astimezone().strftime("%Y-%m-%d-%H%M")
    return f"minutes-{project}-{when}.md" if project else f"minutes-{when}.md"


@dataclass(frozen=True, slots=True)
class Presence:
    """One open screen of a meeting: its session id and who has it open."""

    session: str
    who: str


def room_line(present: tuple[Presence, ...], session: str | None) -> str:
    """`3 in the room: jonas, mia, you`: everyone with the meeting open, `session` as "you"."""
    if not present:
        return ""
    names = sorted(p.who for p in present if p.session != session)
    if len(names) < len(present):
        names.append("you")
    return f"{len(present)} in the room: {', '.join(names)}"


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    title: str
    project: str | None
    started: datetime
    ended: datetime | None
    attendees: tuple[str, ...]
    agenda: tuple[AgendaItemView, ...]
    items: tuple[MeetingItemView, ...]
    # Who has it open now (fresh heartbeats), and who ended it.
    present: tuple[Presence, ...] = ()
    ended_by: str | None = None
    # The store's revision (its newest activity id) read before the rest: every change up
    # to it is in this view (see `MeetingEdit`).
    revision: int = 0

    @property
    def current_topic(self) -> AgendaItemView | None:
        return next((a for a in self.agenda if a.current), None)

    def edited(self, edit: MeetingEdit, revision: int) -> MeetingView:
        """This view with `edit` made, as the store holds it at `revision`."""
        items = {i.id: i for i in self.items if i.id != edit.removed}
        if edit.item is not None:
            items[edit.item.id] = edit.item
        return replace(
            self,
            items=tuple(sorted(items.values(), key=lambda i: i.id)),  # in the order made
            agenda=self.agenda if edit.agenda is None else edit.agenda,
            attendees=self.attendees if edit.attendees is None else edit.attendees,
            revision=revision,
        )


@dataclass(frozen=True, slots=True)
class MeetingEdit:
    """What one write changed of a meeting as a screen shows it (`MeetingView.edited`): an
    item added or changed, an item removed, the agenda or the attendees as they are now
    (None: unchanged). A screen that wrote it shows the meeting so, without reading it
    again, when nothing else changed the store meanwhile (`MeetingReads.caught_up`)."""

    item: MeetingItemView | None = None
    removed: int | None = None
    agenda: tuple[AgendaItemView, ...] | None = None
    attendees: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    id: int
    title: str
    project: str | None
    started: datetime
    ended: datetime | None
    items: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "project": self.project,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "items": self.items,
        }


@dataclass(frozen=True, slots=True)
class Captured:
    """What one capture line made: the item, and for a task line the task."""

    item: MeetingItemView
    task: TaskRow | None = None
    new_people: tuple[str, ...] = ()
    # The agenda after the line, when it added a topic (`a:`, a task tagged #agenda).
    agenda: tuple[AgendaItemView, ...] | None = None

    @property
    def edit(self) -> MeetingEdit:
        """What the line changed of the meeting as its screen shows it."""
        return MeetingEdit(item=self.item, agenda=self.agenda)


@dataclass(frozen=True, slots=True)
class MinutesTask:
    key: str
    title: str
    owner: str | None
    due: date | None
    done: bool


@dataclass(frozen=True, slots=True)
class TaskChange:
    """A task and, for moves and slips, its value before and after (empty otherwise)."""

    key: str
    title: str
    old: str = ""
    new: str = ""


@dataclass(frozen=True, slots=True)
class SincePrevious:
    title: str
    started: datetime
    done: tuple[TaskChange, ...]
    created: tuple[TaskChange, ...]
    moved: tuple[TaskChange, ...]
    slipped: tuple[TaskChange, ...]


@dataclass(frozen=True, slots=True)
class MinutesData:
    title: str
    project: str | None
    project_name: str | None
    started: datetime
    ended: datetime | None
    attendees: tuple[tuple[str, str], ...]  # (handle, name)
    agenda: tuple[AgendaItemView, ...]
    decisions: tuple[MeetingItemView, ...]
    tasks: tuple[MinutesTask, ...]
    check_ins: tuple[MinutesCheckIn, ...]
    notes: tuple[MeetingItemView, ...]
    questions: tuple[MeetingItemView, ...]
    since: SincePrevious | None

    @property
    def duration(self) -> timedelta | None:
        return self.ended - self.started if self.ended else None
