"""Meeting mode: live capture into the minutes, the agenda with its timers, then the minutes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from taskboard.domain.capture import CaptureError, MeetingLine, parse_meeting_line, scan_tokens
from taskboard.domain.text import clean
from taskboard.exchange.minutes import render_minutes
from taskboard.services.errors import ServiceError
from taskboard.services.lookup import match_name
from taskboard.services.meetings import MeetingItemView, MeetingView
from taskboard.services.okr_views import KeyResultView, ObjectiveView
from taskboard.ui.dialogs import ConfirmModal, PromptModal, TokenSuggester
from taskboard.ui.screens.base import TaskboardScreen

HINT = (
    "a task: title @who ^when #tag !prio +KEY >column ~KR   ·   d: decision   n: note   "
    "? question   a: topic   kr O1-KR2 = 42 conf 0.7"
)
KIND_LABEL = {"checkin": "check-in", "agenda": "topic"}
ERROR = "$error bold underline"


def clock(length: timedelta) -> str:
    """`mm:ss`, or `h:mm:ss` from the first hour on."""
    seconds = max(0, int(length.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        if hours
        else f"{rest // 60:02d}:{rest % 60:02d}"
    )


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Known:
    """What the preview checks typed names against: the meeting's project, every project's
    columns, the handles and the key results."""

    project: str | None
    columns: dict[str, tuple[str, ...]]
    handles: tuple[str, ...]
    key_results: dict[str, KeyResultView] = field(default_factory=dict)


def _marked(line: str, spans: Iterable[tuple[int, int]], message: str) -> Content:
    """The line with the bad spans in the error colour, then the message."""
    parts: list[str | tuple[str, str]] = ["✗ "]
    at = 0
    for start, end in sorted(spans):
        parts += [clean(line[at:start]), (clean(line[start:end]) or "␣", ERROR)]
        at = end
    parts += [clean(line[at:]), "   ", (clean(message), "$error")]
    return Content.assemble(*parts)


def _resolve_handle(typed: str, handles: tuple[str, ...]) -> tuple[str, str | None]:
    """(what the assignee will be, an error message or None)."""
    if typed in handles:
        return f"@{typed}", None
    hits = [h for h in handles if h.startswith(typed)]
    if len(hits) == 1:
        return f"@{hits[0]}", None
    if hits:
        return "", f"ambiguous person '@{typed}': {', '.join('@' + h for h in hits)}"
    return f"@{typed} (new person)", None


def _task_preview(line: str, parsed: MeetingLine, known: Known) -> tuple[Content, bool]:
    cap = parsed.capture
    assert cap is not None
    tokens = {t.kind: t for t in cap.tokens}
    project = cap.project or known.project or "INBOX"
    problems: list[tuple[tuple[int, int], str]] = []
    columns = known.columns.get(project)
    if columns is None:
        where = tokens.get("project")
        problems.append(
            ((where.start, where.end) if where else (0, 0), f"unknown project '{project}'")
        )
        columns = ()
    column = columns[0] if columns else "?"
    if cap.column is not None and columns:
        try:
            column = columns[match_name(columns, cap.column, "column", tokens["column"].text)]
        except ServiceError as exc:
            problems.append(((tokens["column"].start, tokens["column"].end), str(exc)))
    if cap.key_result is not None and cap.key_result not in known.key_results:
        kr = tokens["key_result"]
        problems.append(((kr.start, kr.end), f"unknown key result '{kr.text}'"))
    who = ""
    if cap.assignee is not None:
        who, problem = _resolve_handle(cap.assignee, known.handles)
        if problem:
            problems.append(((tokens["assignee"].start, tokens["assignee"].end), problem))
    if problems:
        return _marked(line, [span for span, _ in problems], problems[0][1]), True
    parts = [f"task “{cap.title}”", f"{project} › {column}"]
    if who:
        parts.append(who)
    if cap.due is not None:
        parts.append(f"due {cap.due:%a %Y-%m-%d}")
    if cap.priority is not None:
        parts.append(f"!{cap.priority.value}")
    parts += [f"#{tag}" for tag in cap.tags]
    if cap.key_result is not None:
        parts.append(f"~{cap.key_result} {known.key_results[cap.key_result].title}")
    if cap.recurrence is not None:
        parts.append(f"repeats {cap.recurrence}")
    return Content("✓ " + clean("   ".join(parts))), False


def _checkin_preview(line: str, parsed: MeetingLine, known: Known) -> tuple[Content, bool]:
    assert parsed.kr_key is not None and parsed.value is not None
    kr = known.key_results.get(parsed.kr_key)
    problem = None
    if kr is None:
        problem = f"unknown key result '{parsed.kr_key}'"
    elif kr.kind == "tasks":
        problem = f"{kr.key} counts its linked tasks: link tasks with ~{kr.key} instead"
    if kr is None or problem is not None:
        start = line.casefold().find(parsed.kr_key.casefold())
        return _marked(line, [(start, start + len(parsed.kr_key))], problem or ""), True
    text = f"check-in {kr.key} {kr.title}: {_number(kr.current)} → {_number(parsed.value)}"
    text += f" {kr.unit}" if kr.unit else ""
    if parsed.confidence is not None:
        text += f", confidence {_number(parsed.confidence)}"
    if parsed.note:
        text += f"   “{parsed.note}”"
    return Content("✓ " + clean(text)), False


def meeting_preview(line: str, today: date, known: Known) -> tuple[Content, bool]:
    """What a capture line will create, or the line with its bad tokens marked."""
    if not line.strip():
        return Content(HINT), False
    try:
        parsed = parse_meeting_line(line, today)
    except CaptureError as exc:
        _, errors = scan_tokens(line, today)
        spans = [(e.start, e.end) for e in errors if e.token] if parsed_as_task(line) else []
        return _marked(line, spans or [(exc.start, exc.end)], exc.message), True
    if parsed.kind == "task":
        return _task_preview(line, parsed, known)
    if parsed.kind == "checkin":
        return _checkin_preview(line, parsed, known)
    return Content(
        "✓ " + clean(f"{KIND_LABEL.get(parsed.kind, parsed.kind)}: {parsed.text}")
    ), False


def parsed_as_task(line: str) -> bool:
    """True when the line has no meeting prefix, so every bad token of it can be marked."""
    head = line.lstrip()[:3].casefold()
    checkin = head.startswith("kr") and (len(head) == 2 or head[2].isspace())
    return not (head.startswith(("d:", "n:", "a:", "?")) or checkin)


class CaptureLine(Input, inherit_bindings=False):
    """The capture line: an Input that leaves `ctrl+a`, `ctrl+e`, `up` and `down` to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            b.key.replace(",ctrl+a", "").replace(",ctrl+e", ""), b.action, b.description, show=False
        )
        for b in Input.BINDINGS
        if isinstance(b, Binding)
    ]


class MeetingScreen(TaskboardScreen):
    """A running meeting: header, agenda, minutes, and the capture line."""

    CSS_PATH = "../styles/meeting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "next_topic",
            "Next topic",
            id="meeting.next_topic",
            tooltip="Mark the current topic discussed and start the next",
        ),
        Binding(
            "ctrl+z",
            "undo_item",
            "Undo item",
            id="meeting.undo",
            tooltip="Remove the last item and the task or check-in it made",
        ),
        Binding("up", "recall(-1)", "Recall", show=False, id="meeting.recall"),
        Binding("down", "recall(1)", "Newer line", show=False, id="meeting.recall_newer"),
        Binding("ctrl+up", "highlight_item(-1)", "Item up", show=False, id="meeting.item_up"),
        Binding("ctrl+down", "highlight_item(1)", "Item down", show=False, id="meeting.item_down"),
        Binding(
            "ctrl+t",
            "item_to_task",
            "Item → task",
            id="meeting.to_task",
            tooltip="Turn the highlighted note, decision or question into a task",
        ),
        Binding(
            "ctrl+a",
            "attendees",
            "Attendees",
            id="meeting.attendees",
            tooltip="Add (+handle) or remove (-handle) attendees",
        ),
        Binding(
            "ctrl+e",
            "end_meeting",
            "End meeting",
            id="meeting.end",
            tooltip="End the meeting, show the minutes and offer to export them",
        ),
        Binding(
            "escape",
            "leave",
            "Board",
            id="meeting.leave",
            tooltip="Back to the board; the meeting keeps running",
        ),
    ]

    def __init__(self, project: str | None, meeting_id: int | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.meeting_id = meeting_id
        self.meeting: MeetingView | None = None
        self.known = Known(project, {}, ())
        self.history: list[str] = []
        self.recalled = 0
        # What the minutes list shows: (id, kind, key, key result, text) per item.
        self._painted_items: list[tuple[int, str, str | None, str | None, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="meeting-header", markup=False)
        with Horizontal(id="meeting-body"):
            with Vertical(id="agenda-pane"):
                yield Static("Agenda", classes="pane-title")
                yield Static("", id="agenda", markup=False)
            with Vertical(id="minutes-pane"):
                yield Static("Minutes", classes="pane-title")
                yield OptionList(id="minutes")
        yield CaptureLine(
            placeholder="type a task, d: decision, n: note, ? question, a: topic, kr KEY = value",
            id="capture",
        )
        yield Static("", id="capture-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        services = self.tb.services
        try:
            if self.meeting_id is None:
                self.meeting = services.meetings.start(project=self.project_key)
                self.meeting_id = self.meeting.id
            else:
                self.meeting = services.meetings.get(self.meeting_id)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            self.app.pop_screen()
            return
        self.project_key = self.meeting.project
        self._load_known()
        self.show(self.meeting)
        self.query_one("#capture", Input).focus()
        self._update_preview("")
        self.set_interval(1.0, self.tick, name="meeting-clock")

    # ---- state down ---------------------------------------------------------------------

    def _load_known(self) -> None:
        services = self.tb.services
        krs: dict[str, KeyResultView] = {}

        def walk(objectives: Iterable[ObjectiveView]) -> None:
            for o in objectives:
                krs.update((kr.key, kr) for kr in o.key_results)
                walk(o.children)

        for cycle in services.okr.cycles():
            walk(services.okr.tree(cycle.name, self.tb.today()))
        projects = services.projects.list()
        columns = {p.key: tuple(c.name for c in p.columns) for p in projects}
        handles = tuple(services.people.handles())
        self.known = Known(self.project_key, columns, handles, krs)
        tags = sorted(set(services.tasks.tag_names(self.project_key)) | {"agenda"})
        column_names = [c.replace(" ", "_") for c in columns.get(self.project_key or "INBOX", ())]
        self.query_one("#capture", Input).suggester = TokenSuggester(
            {"@": list(handles), "#": tags, "+": list(columns), ">": column_names, "~": sorted(krs)}
        )

    def show(self, meeting: MeetingView, highlight: int | None = None) -> None:
        """Paint the meeting: header, agenda, minutes; keep or move the minutes highlight."""
        self.meeting = meeting
        self._paint_header()
        self._paint_agenda()
        minutes = self.query_one("#minutes", OptionList)
        painted = self._painted_items
        items = [(i.id, i.kind, i.task_key, i.key_result, i.text) for i in meeting.items]
        if items[: len(painted)] == painted and minutes.option_count == len(painted):
            # The usual case while capturing: items were only added, so only add those.
            minutes.add_options(self._item_option(i) for i in meeting.items[len(painted) :])
        else:
            minutes.clear_options()
            minutes.add_options(self._item_option(i) for i in meeting.items)
        self._painted_items = items
        if meeting.items:
            last = len(meeting.items) - 1
            minutes.highlighted = last if highlight is None else max(0, min(highlight, last))
            minutes.scroll_to_highlight()

    @staticmethod
    def _item_option(item: MeetingItemView) -> Option:
        kind = KIND_LABEL.get(item.kind, item.kind)
        made = item.task_key or item.key_result or ""
        return Option(Content(clean(f"{kind:9} {made:8} {item.text}")), id=str(item.id))

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _paint_header(self) -> None:
        m = self.meeting
        if m is None:
            return
        people = " ".join(f"@{h}" for h in m.attendees) or "no attendees (ctrl+a adds)"
        state = "ended" if m.ended else "⏱ " + clock(self._now() - m.started)
        text = f"{m.title}   ·   {m.started.astimezone():%a %Y-%m-%d}   ·   {state}   ·   {people}"
        # One fixed-height line: no re-layout of the screen every second.
        self.query_one("#meeting-header", Static).update(Content(clean(text)), layout=False)

    def _paint_agenda(self) -> None:
        m = self.meeting
        if m is None:
            return
        lines = []
        for topic in m.agenda:
            mark = "✓" if topic.discussed else ("▶" if topic.current else "·")
            line = f"{mark} {topic.title}" + (f" ({topic.task_key})" if topic.task_key else "")
            if topic.current and topic.started is not None:
                line += f"  ⏱ {clock(self._now() - topic.started)}"
            lines.append(clean(line))
        lines.append("")
        lines.append("tab: next topic   a: adds one")
        self.query_one("#agenda", Static).update(Content("\n".join(lines)))

    def tick(self) -> None:
        """Once a second: the meeting's and the current topic's clocks."""
        self._paint_header()
        self._paint_agenda()

    # ---- capture -------------------------------------------------------------------------

    @on(Input.Changed, "#capture")
    def _typed(self, event: Input.Changed) -> None:
        self._update_preview(event.value)

    def _update_preview(self, line: str) -> None:
        content, error = meeting_preview(line, self.tb.today(), self.known)
        preview = self.query_one("#capture-preview", Static)
        preview.update(content)
        preview.set_class(error, "error")
        self.query_one("#capture", Input).set_class(error, "error")

    @on(Input.Submitted, "#capture")
    def capture(self, event: Input.Submitted) -> None:
        line = event.value
        if not line.strip() or self.meeting_id is None:
            return
        self.history.append(line)
        self.recalled = 0
        try:
            captured = self.tb.services.meetings.capture(self.meeting_id, line)
        except ServiceError as exc:
            # The line stays for fixing; the preview and a notice say what is wrong.
            self.notify(clean(str(exc)), severity="error", markup=False)
            self.app.bell()
            return
        event.input.value = ""
        for handle in captured.new_people:
            self.notify(f"new person @{handle}", markup=False)
        if captured.new_people or captured.item.kind == "checkin":
            self._load_known()
        self.refresh_meeting()

    def refresh_meeting(self, highlight: int | None = None) -> None:
        assert self.meeting_id is not None
        self.show(self.tb.services.meetings.get(self.meeting_id), highlight)

    def action_recall(self, step: int) -> None:
        """Bring back an earlier line (up) or a newer one (down) to fix it."""
        if not self.history:
            return
        self.recalled = max(-len(self.history), min(0, self.recalled + step))
        capture = self.query_one("#capture", Input)
        capture.value = self.history[self.recalled] if self.recalled else ""
        capture.cursor_position = len(capture.value)

    def action_next_topic(self) -> None:
        """Mark the current topic discussed and start the next one."""
        self._call(lambda mid: self.tb.services.meetings.next_topic(mid))

    def action_undo_item(self) -> None:
        """Remove the last minutes item and the task, check-in or topic it made."""
        removed = self._call(lambda mid: self.tb.services.meetings.undo_last(mid))
        if isinstance(removed, MeetingItemView):
            made = f" and {removed.task_key}" if removed.task_key else ""
            self.notify(
                clean(
                    f"removed {KIND_LABEL.get(removed.kind, removed.kind)}{made}: {removed.text}"
                ),
                markup=False,
            )
            self._load_known()

    def action_highlight_item(self, step: int) -> None:
        """Move the minutes highlight while typing."""
        minutes = self.query_one("#minutes", OptionList)
        if minutes.option_count:
            current = minutes.highlighted if minutes.highlighted is not None else 0
            minutes.highlighted = max(0, min(minutes.option_count - 1, current + step))

    def action_item_to_task(self) -> None:
        """Turn the highlighted note, decision or question into a task."""
        minutes = self.query_one("#minutes", OptionList)
        index = minutes.highlighted
        if index is None or self.meeting is None or not self.meeting.items:
            self.notify("no minutes item highlighted", severity="warning")
            return
        item = self.meeting.items[index]
        made = self._call(lambda _: self.tb.services.meetings.item_to_task(item.id), index)
        if made is not None and made.task is not None:
            self.notify(clean(f"{made.task.key} created from the {item.kind}"), markup=False)

    def _call(self, action: Callable[[int], Any], highlight: int | None = None) -> Any:
        """One service call on this meeting, then the stored state; errors become notices."""
        if self.meeting_id is None:
            return None
        try:
            result = action(self.meeting_id)
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
            return None
        self.refresh_meeting(highlight)
        return result

    # ---- attendees -------------------------------------------------------------------------

    def action_attendees(self) -> None:
        """Add (+handle) or remove (-handle) attendees; several at once."""
        if self.meeting is None:
            return
        current = list(self.meeting.attendees)

        def preview(text: str) -> tuple[str, bool]:
            words = text.split()
            if not words:
                return "+handle adds, -handle removes", False
            said = []
            for word in words:
                handle = word.lstrip("+-@").lower()
                if word.startswith("-"):
                    if handle not in current:
                        return f"@{handle} does not attend", True
                    said.append(f"removes @{handle}")
                    continue
                who, problem = _resolve_handle(handle, self.known.handles)
                if problem:
                    return problem, True
                said.append(f"adds {who}")
            return ", ".join(said), False

        self.app.push_screen(
            PromptModal(
                "Attendees",
                placeholder="+jonas -mia",
                suggest={"+": list(self.known.handles), "-": current},
                preview=preview,
                hint="now: " + (" ".join(f"@{h}" for h in current) or "nobody"),
            ),
            self._change_attendees,
        )

    def _change_attendees(self, text: str | None) -> None:
        meetings = self.tb.services.meetings
        for word in (text or "").split():
            remove = word.startswith("-")
            handle = word.lstrip("+-@")
            self._call(
                lambda mid, h=handle, r=remove: (  # type: ignore[misc]
                    meetings.remove_attendee(mid, h) if r else meetings.add_attendee(mid, h)
                )
            )
        if text:
            self._load_known()

    # ---- leaving and ending ----------------------------------------------------------------

    def action_leave(self) -> None:
        """Back to the board; the meeting stays stored and running."""

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss()

        self.app.push_screen(
            ConfirmModal("Back to the board? The meeting keeps running (ctrl+e ends it)."), leave
        )

    def action_end_meeting(self) -> None:
        """End the meeting, show the minutes and offer to export them."""
        if self.meeting_id is None:
            return
        meeting_id = self.meeting_id
        pending = self.query_one("#capture", Input).value.strip()

        def end(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.tb.services.meetings.end(meeting_id)
            except ServiceError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            self.app.switch_screen(MinutesScreen(meeting_id))

        if pending:
            self.app.push_screen(
                ConfirmModal("End the meeting? The capture line is not saved yet."), end
            )
        else:
            end(True)


class MinutesScreen(TaskboardScreen):
    """An ended meeting's minutes as Markdown, with export to a file."""

    CSS_PATH = "../styles/meeting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Board", id="minutes.back", tooltip="Back to the board"),
        Binding(
            "ctrl+s",
            "export",
            "Export",
            id="minutes.export",
            tooltip="Write the minutes to a Markdown file",
        ),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.text = ""
        self.started: date | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="minutes-doc"):
            yield Markdown(id="minutes-markdown")
        yield Footer()

    def on_mount(self) -> None:
        data = self.tb.services.meetings.minutes_data(self.meeting_id)
        self.started = data.started.astimezone().date()
        self.text = render_minutes(data)
        self.query_one("#minutes-markdown", Markdown).update(self.text)
        self.query_one("#minutes-doc").focus()
        self.action_export()

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss()

    def action_export(self) -> None:
        """Write the minutes to a Markdown file (asks for the path)."""
        default = f"minutes-{self.started or self.tb.today():%Y-%m-%d}.md"
        self.app.push_screen(
            PromptModal(
                "Export the minutes to",
                default,
                placeholder="path/to/minutes.md",
                hint="enter writes the file, escape skips",
            ),
            self._export_to,
        )

    def _export_to(self, typed: str | None) -> None:
        if not typed or not typed.strip():
            return
        path = Path(typed.strip()).expanduser()

        def write(yes: bool | None) -> None:
            if not yes:
                return
            try:
                path.write_text(self.text, encoding="utf-8")
            except OSError as exc:
                self.notify(
                    clean(f"cannot write {path}: {exc.strerror}"), severity="error", markup=False
                )
                return
            self.notify(clean(f"minutes written to {path}"), markup=False)

        if path.exists():
            self.app.push_screen(ConfirmModal(clean(f"{path} exists. Overwrite it?")), write)
        else:
            write(True)
