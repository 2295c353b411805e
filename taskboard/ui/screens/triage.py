"""The triage inbox: unsorted work one task at a time, each single key stores and moves on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from taskboard.domain.dates import format_relative
from taskboard.domain.fields import TaskChanges
from taskboard.domain.okr_views import ObjectiveView
from taskboard.domain.rules import INBOX
from taskboard.domain.text import clean, clean_multiline
from taskboard.domain.views import TaskRow
from taskboard.services.errors import ConflictError, ServiceError
from taskboard.ui import card_prompts
from taskboard.ui.card_prompts import CardPrompt
from taskboard.ui.card_prompts import due_preview as due_preview
from taskboard.ui.dialogs import ChoiceModal
from taskboard.ui.screens.base import TaskboardScreen

PRIORITY_KEYS = {"1": "urgent", "2": "high", "3": "normal", "4": "low"}


def needs_triage(row: TaskRow) -> bool:
    """Open work nobody has sorted yet: in the inbox, without owner, or without due date."""
    return row.project == INBOX or row.assignee is None or row.due is None


def key_results(objectives: Sequence[ObjectiveView]) -> list[tuple[str, str]]:
    """Every KR of the objectives and their aligned children, as (key, label) choices."""
    found: list[tuple[str, str]] = []
    for objective in objectives:
        found += [(kr.key, f"{kr.key}  {clean(kr.title)}") for kr in objective.key_results]
        found += key_results(objective.children)
    return found


class TriageScreen(TaskboardScreen):
    """The inbox and every unowned or undated open task, one at a time, large."""

    CSS_PATH = "../styles/triage.tcss"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "assign", "Assign", id="triage.assign", tooltip="Assign to a person"),
        Binding("d", "due", "Due", id="triage.due", tooltip="Set the due date"),
        Binding("1", "priority('1')", "Urgent", show=False, id="triage.urgent"),
        Binding("2", "priority('2')", "High", show=False, id="triage.high"),
        Binding("3", "priority('3')", "Normal", show=False, id="triage.normal"),
        Binding("4", "priority('4')", "Low", show=False, id="triage.low"),
        Binding("m", "move", "Move", id="triage.move", tooltip="Move to a project and column"),
        Binding("t", "tags", "Tags", id="triage.tags", tooltip="Set the tags"),
        Binding("k", "link_kr", "Link KR", id="triage.link_kr", tooltip="Link to a key result"),
        Binding("x", "archive", "Archive", id="triage.archive", tooltip="Archive the task"),
        Binding("s", "skip", "Skip", id="triage.skip", tooltip="Leave it for now"),
        Binding(
            "r",
            "restart",
            "Again",
            id="triage.restart",
            tooltip="Start over with what still needs triage",
        ),
        Binding("escape", "back", "Back", id="triage.back", tooltip="Back to the board"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project_key = project
        self.queue: list[TaskRow] = []
        self.total = 0
        self.position = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="triage-count", markup=False)
        with Vertical(id="triage-card"):
            yield Static("", id="triage-key", markup=False)
            yield Static("", id="triage-title", markup=False)
            yield Static("", id="triage-fields", markup=False)
            yield Static("", id="triage-notes", markup=False)
        yield Static("", id="triage-empty", markup=False)
        yield Static(
            Content("a assign  d due  1–4 priority  m move  t tags  k link KR  x archive  s skip"),
            id="triage-keys",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.action_restart()

    # ---- the queue ------------------------------------------------------------------------

    def action_restart(self) -> None:
        """Read what needs triage now and start at the first task."""
        rows = [r for r in self.tb.services.tasks.rows() if needs_triage(r)]
        rows.sort(key=lambda r: (r.project != INBOX, r.project, r.parent or r.key, r.key))
        self.queue, self.total, self.position = rows, len(rows), 0
        self.show_current()

    def current(self) -> TaskRow | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    def show_current(self) -> None:
        row = self.current()
        card = self.query_one("#triage-card")
        empty = self.query_one("#triage-empty", Static)
        card.display = row is not None
        empty.display = row is None
        if row is None:
            count = "nothing left"
            if self.total == 0:
                empty.update(Content("Inbox zero: nothing to triage"))
            else:
                empty.update(
                    Content(f"All {self.total} seen for now. r starts over with what is left.")
                )
            self.query_one("#triage-count", Static).update(Content(f"Triage  ·  {count}"))
            return
        remaining = len(self.queue) - self.position
        self.query_one("#triage-count", Static).update(
            Content(f"Triage  ·  {remaining} of {self.total} remaining")
        )
        today = self.tb.today()
        due = f"{row.due:%a %d %b %Y} ({format_relative(row.due, today)})" if row.due else "—"
        head = f"{row.key}  ·  {row.project}  ·  {row.column}"
        if row.parent:
            head += f"  ·  subtask of {row.parent}"
        fields = [
            f"Assignee   {'@' + row.assignee if row.assignee else '— nobody'}",
            f"Due        {due}",
            f"Priority   {row.priority}",
            f"Tags       {' '.join('#' + t for t in row.tags) or '—'}",
            f"Key result {row.key_result or '—'}",
        ]
        self.query_one("#triage-key", Static).update(Content(clean(head)))
        self.query_one("#triage-title", Static).update(Content(clean(row.title)))
        self.query_one("#triage-fields", Static).update(
            Content("\n".join(clean(f) for f in fields))
        )
        notes = self.query_one("#triage-notes", Static)
        notes.update(Content(clean_multiline(row.notes).strip() or "no notes"))
        notes.set_class(not row.notes.strip(), "empty")

    def advance(self) -> None:
        self.position += 1
        self.show_current()

    def _store(self, change: Callable[[TaskRow], object]) -> None:
        """Store one change of the current task, then move on; errors keep it on screen."""
        row = self.current()
        if row is None:
            return
        try:
            change(row)
        except ConflictError as exc:
            self.notify(clean(str(exc)), severity="warning", markup=False)
            self.queue[self.position] = self.tb.services.tasks.row(row.key)
            self.show_current()
            return
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.advance()

    def _with_task(self) -> TaskRow | None:
        row = self.current()
        if row is None:
            self.notify("nothing to triage", severity="warning")
        return row

    # ---- the keys ------------------------------------------------------------------------------

    def _ask(self, prompt: CardPrompt) -> None:
        """One of the card prompts; its answer is stored and the queue goes on."""
        tasks = self.tb.services.tasks
        prompt.ask(
            self, lambda changes: self._store(lambda r: tasks.edit(r.key, changes, r.version))
        )

    def action_assign(self) -> None:
        """Assign the task to a person (a handle or its prefix) and go on."""
        row = self._with_task()
        if row is not None:
            handles = self.tb.services.people.handles()
            self._ask(card_prompts.assignee_prompt(row, handles, may_clear=False))

    def action_due(self) -> None:
        """Set the due date (fri, +3d, 2w, eow, 1.12., 2026-12-01) and go on."""
        row = self._with_task()
        if row is not None:
            self._ask(card_prompts.due_prompt(row, self.tb.today(), may_clear=False))

    def action_priority(self, digit: str) -> None:
        """Set the priority: 1 urgent, 2 high, 3 normal, 4 low; and go on."""
        if self._with_task() is None:
            return
        tasks = self.tb.services.tasks
        self._store(
            lambda r: tasks.edit(r.key, TaskChanges(priority=PRIORITY_KEYS[digit]), r.version)
        )

    def action_move(self) -> None:
        """Move the task to a project (then a column) and go on."""
        row = self._with_task()
        if row is None:
            return
        services = self.tb.services
        projects = [
            (p.key, f"{p.key:6}  {clean(p.name)}")
            for p in services.projects.all()
            if not p.archived
        ]

        def project_chosen(key: str | None) -> None:
            if key is None:
                return
            columns = [(c.name, c.name) for c in services.projects.get(key).columns]
            self.app.push_screen(
                ChoiceModal(
                    f"Column in {key}", columns, row.column if key == row.project else None
                ),
                lambda column: column_chosen(key, column),
            )

        def column_chosen(key: str, column: str | None) -> None:
            if column is None:
                return
            if key == row.project:
                self._store(
                    lambda r: services.tasks.move(r.key, column, expected_version=r.version)
                )
                return
            moved: list[TaskRow] = []

            def move(r: TaskRow) -> None:
                moved.append(services.tasks.move_to_project(r.key, key, column, r.version))

            self._store(move)
            if moved:
                self.notify(f"{row.key} is now {moved[0].key}", markup=False)

        self.app.push_screen(
            ChoiceModal(f"Move {row.key} to project", projects, row.project), project_chosen
        )

    def action_tags(self) -> None:
        """Set the tags (space separated, #optional) and go on."""
        row = self._with_task()
        if row is not None:
            known = sorted(
                {t for r in self.tb.services.tasks.rows(include_closed=True) for t in r.tags}
            )
            self._ask(card_prompts.tags_prompt(row, known))

    def action_link_kr(self) -> None:
        """Link the task to a key result and go on."""
        row = self._with_task()
        if row is None:
            return
        services = self.tb.services
        choices = key_results(services.okr.tree(today=self.tb.today()))
        if not choices:
            self.notify("no key results in the current cycle", severity="warning")
            return

        def save(kr: str | None) -> None:
            if kr is not None:
                self._store(
                    lambda r: services.tasks.edit(r.key, TaskChanges(key_result=kr), r.version)
                )

        self.app.push_screen(
            ChoiceModal(f"Link {row.key} to a key result", choices, row.key_result), save
        )

    def action_archive(self) -> None:
        """Archive the task and go on."""
        row = self._with_task()
        if row is None:
            return
        tasks = self.tb.services.tasks
        self._store(lambda r: tasks.archive(r.key, True, r.version))
        self.notify(f"{row.key} archived", markup=False)

    def action_skip(self) -> None:
        """Leave the task as it is and go on."""
        if self._with_task() is not None:
            self.advance()

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
