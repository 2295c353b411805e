"""People: my tasks or anyone's across projects, grouped by due date, and the holiday handover."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static, TextArea

from taskboard.domain.agenda import GROUPS, Agenda, Handover, absence_text
from taskboard.domain.dates import format_relative, parse_when
from taskboard.domain.text import clean
from taskboard.domain.views import PersonView, TaskRow
from taskboard.exchange.handover_note import handover_note
from taskboard.services.errors import ServiceError
from taskboard.ui.card_prompts import due_preview
from taskboard.ui.dialogs import ChoiceModal, ConfirmModal, PromptModal
from taskboard.ui.live import LiveScreen


def agenda_line(row: TaskRow, today: date, title: str | None = None) -> str:
    """One task of an agenda: key, title (a subtask's with its parent's), where it is, when
    it is due."""
    due = format_relative(row.due, today) if row.due else ""
    prio = f"  !{row.priority}" if row.priority in ("urgent", "high") else ""
    shown = title or row.title
    return clean(f"{row.key:9} {due:9} {shown}  ·  {row.project} / {row.column}{prio}")


class PeopleScreen(LiveScreen):
    """One person's open tasks in every project, grouped overdue / today / this week / later;
    live: a task assigned, done or moved anywhere shows here."""

    CSS_PATH = "../styles/people.tcss"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "person", "Person", id="people.person", tooltip="Show someone else's tasks"),
        Binding("M", "mine", "My tasks", id="people.mine", tooltip="Back to your own tasks"),
        Binding(
            "h",
            "handover",
            "Handover",
            id="people.handover",
            tooltip="Hand this person's open tasks over to someone else",
        ),
        Binding("escape", "back", "Back", id="people.back", tooltip="Back to the board"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project_key = project
        self.handle: str | None = None
        self.agenda: Agenda | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="people-title", markup=False)
        with VerticalScroll(id="agenda"):
            for i, _ in enumerate(GROUPS):
                yield Static("", id=f"group-head-{i}", classes="group-head", markup=False)
                yield Static("", id=f"group-{i}", classes="group", markup=False)
        yield Static("", id="note-title", markup=False)
        yield TextArea("", id="handover-note", read_only=True, soft_wrap=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note-title").display = False
        self.query_one("#handover-note").display = False
        self.handle = self.tb.services.ctx.actor
        self.load()
        self.watch_changes(self.load)

    def load(self) -> None:
        """Read the agenda of the person shown in a thread, then show it: when the screen
        opens, another person is picked, a handover is done, or the store changed."""
        views, handle, today = self.tb.services.people_views, self.handle, self.tb.today()
        assert handle is not None

        def show(agenda: Agenda) -> None:
            if agenda.handle == self.handle:  # not when another person was picked since
                self.show_agenda(agenda)

        def failed(error: Exception) -> None:
            if handle != self.handle:
                return
            if isinstance(error, ServiceError):  # no such person, or gone meanwhile
                self.show_refusal(error)
            else:
                self.notify(clean(str(error)), severity="error", markup=False)

        self.reread(lambda: views.agenda(handle, today), show, failed)

    def show_refusal(self, exc: Exception) -> None:
        self.agenda = None
        self.query_one("#people-title", Static).update(Content(clean(str(exc))))
        for i, _ in enumerate(GROUPS):
            self.query_one(f"#group-head-{i}", Static).update("")
            self.query_one(f"#group-{i}", Static).update("")

    def show_agenda(self, agenda: Agenda) -> None:
        self.agenda = agenda
        title = self.query_one("#people-title", Static)
        today = self.tb.today()
        mine = agenda.handle == self.tb.services.ctx.actor
        total = sum(len(rows) for _, rows in agenda.groups)
        who = f"@{agenda.handle} ({agenda.name})"
        title.update(
            Content(clean(f"{'My tasks' if mine else 'Tasks of'}  {who}  ·  {total} open"))
        )
        for i, (name, rows) in enumerate(agenda.groups):
            head = self.query_one(f"#group-head-{i}", Static)
            head.update(Content(f"{name.capitalize()}  {len(rows)}"))
            head.set_class(name == "overdue" and bool(rows), "overdue")
            body = self.query_one(f"#group-{i}", Static)
            body.update(
                Content("\n".join(agenda_line(r, today, agenda.title_of(r)) for r in rows) or "—")
            )
            body.set_class(not rows, "empty")

    def action_person(self) -> None:
        """Show another person's tasks."""

        def chosen(handle: str | None) -> None:
            if handle:
                self.handle = handle
                self.load()

        def ask(people: list[PersonView]) -> None:
            options = [(p.handle, f"@{p.handle}  {clean(p.name)}") for p in people]
            self.app.push_screen(ChoiceModal("Whose tasks?", options, self.handle), chosen)

        self.tb.store.submit(lambda s: s.people.all(), ask)

    def action_mine(self) -> None:
        """Show your own tasks again."""
        self.handle = self.tb.services.ctx.actor
        self.load()

    def _date_prompt(self, title: str) -> PromptModal:
        today = self.tb.today()
        return PromptModal(
            title,
            placeholder="empty: no limit; mon, +3d, 1.12., 2026-12-01",
            preview=lambda text: due_preview(text, today) if text.strip() else ("no limit", False),
        )

    def action_handover(self) -> None:
        """Hand this person's open tasks (all, or those due in an absence) to someone else."""
        if self.agenda is None:
            self.notify("pick a person first (p)", severity="warning")
            return
        source = self.agenda.handle
        today = self.tb.today()
        chosen: dict[str, object] = {}

        def when(text: str | None) -> date | None:
            return parse_when(text.strip().lstrip("^"), today) if text and text.strip() else None

        def target(value: str | None) -> None:
            if value and value.strip():
                chosen["to"] = value.strip().lstrip("@")
                self.app.push_screen(self._date_prompt("Absent from (optional)"), since)

        def since(value: str | None) -> None:
            if value is not None:
                chosen["since"] = when(value)
                self.app.push_screen(self._date_prompt("Absent until (optional)"), until)

        def until(value: str | None) -> None:
            if value is None:
                return
            start = chosen["since"]
            assert start is None or isinstance(start, date)
            self._ask_handover(source, str(chosen["to"]), start, when(value))

        def ask(handles: list[str]) -> None:
            self.app.push_screen(
                PromptModal(
                    f"Hand over @{source}'s tasks to",
                    suggest={"": [h for h in handles if h != source]},
                    hint="a handle or its unique prefix",
                ),
                target,
            )

        self.tb.store.submit(lambda s: list(s.people.handles()), ask)

    def _ask_handover(self, source: str, to: str, since: date | None, until: date | None) -> None:
        """Read what the handover would do (off the event loop), then ask before doing it."""

        def ask(plan: Handover) -> None:
            count = len(plan.tasks)
            if not count:
                self.notify(f"@{plan.from_handle} has nothing to hand over", markup=False)
                return
            window = absence_text(plan.since, plan.until)
            question = (
                f"Hand over {count} task{'s' if count != 1 else ''} of @{plan.from_handle} "
                f"to @{plan.to_handle}{f' for the absence {window}' if window else ''}?"
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self.tb.store.submit(
                        lambda s: s.people_views.handover(source, to, since, until),
                        self._handed_over,
                    )

            self.app.push_screen(ConfirmModal(clean(question)), answered)

        self.tb.store.submit(
            lambda s: s.people_views.handover(source, to, since, until, dry_run=True), ask
        )

    def _handed_over(self, result: Handover) -> None:
        count = len(result.tasks)
        self.notify(
            f"{count} task{'s' if count != 1 else ''} handed over to @{result.to_handle}",
            markup=False,
        )
        note_title = self.query_one("#note-title", Static)
        note_title.update(Content("Handover note (Markdown; select and copy)"))
        note_title.display = True
        note = self.query_one("#handover-note", TextArea)
        note.load_text(handover_note(result))
        note.display = True
        self.load()

    def action_back(self) -> None:
        """Close the handover note, else go back to the board."""
        note = self.query_one("#handover-note", TextArea)
        if note.display:
            note.display = False
            self.query_one("#note-title").display = False
            self.set_focus(None)
            return
        self.dismiss(None)
