"""The triage inbox: unsorted work one task at a time; several keys set its fields, `n` goes on.

What needs triage is read in a worker and again whenever the store changes (a task added
or changed elsewhere joins the queue, one sorted elsewhere leaves it); the task on screen
stays there until `n`, showing what is set on it. Every write goes through the app's store
queue, so no key waits on the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

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
from taskboard.ui.live import LiveScreen

if TYPE_CHECKING:
    from taskboard.services import Services

PRIORITY_KEYS = {"1": "urgent", "2": "high", "3": "normal", "4": "low"}
KEYS_LINE = "a assign  d due  1–4 priority  m move  t tags  k KR  x archive  ·  n next"


def needs_triage(row: TaskRow) -> bool:
    """Open work nobody has sorted yet: in the inbox, without owner, or without due date."""
    return row.project == INBOX or row.assignee is None or row.due is None


def triage_rows(services: Services) -> list[TaskRow]:
    """What needs triage, inbox first, subtasks after their parent."""
    rows = [r for r in services.tasks.rows() if needs_triage(r)]
    rows.sort(key=lambda r: (r.project != INBOX, r.project, r.parent or r.key, r.key))
    return rows


def key_results(objectives: Sequence[ObjectiveView]) -> list[tuple[str, str]]:
    """Every KR of the objectives and their aligned children, as (key, label) choices."""
    found: list[tuple[str, str]] = []
    for objective in objectives:
        found += [(kr.key, f"{kr.key}  {clean(kr.title)}") for kr in objective.key_results]
        found += key_results(objective.children)
    return found


def field_lines(row: TaskRow, today: date) -> dict[str, str]:
    """What the card says about each field, by name."""
    due = f"{row.due:%a %d %b %Y} ({format_relative(row.due, today)})" if row.due else "—"
    return {
        "place": f"{row.key}  ·  {row.project}  ·  {row.column}"
        + (f"  ·  subtask of {row.parent}" if row.parent else "")
        + ("  ·  archived" if row.archived else "  ·  done" if row.done else ""),
        "assignee": f"Assignee   {'@' + row.assignee if row.assignee else '— nobody'}",
        "due": f"Due        {due}",
        "priority": f"Priority   {row.priority}",
        "tags": f"Tags       {' '.join('#' + t for t in row.tags) or '—'}",
        "key_result": f"Key result {row.key_result or '—'}",
    }


class TriageScreen(LiveScreen):
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
        Binding("x", "archive", "Archive", id="triage.archive", tooltip="Archive the task, go on"),
        Binding(
            "n,enter,s",
            "next",
            "Next",
            id="triage.next",
            tooltip="Done with this one (or leave it for now): the next task",
        ),
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
        self.shown: TaskRow | None = None  # the task on screen, as the store last said
        self.set_here: set[str] = set()  # its fields this screen set (`field_lines` names)
        self.elsewhere: set[str] = set()  # …and those someone else changed meanwhile
        self.came_as: str | None = None  # its key when it came on screen
        self.queue: list[TaskRow] = []  # what comes after it
        self.seen: set[int] = set()  # ids of the tasks shown since the start (or `r`)
        self.loaded = False  # the first read came back
        self._restarting = False  # a read from scratch is asked for (`r`, the first)
        # The version each task has after this screen's own writes: a second key on a task
        # runs after the first one's write and must not count it as someone else's change.
        self._own: dict[int, tuple[str, int]] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content("Triage  ·  reading…"), id="triage-count", markup=False)
        with Vertical(id="triage-card"):
            yield Static("", id="triage-key", markup=False)
            yield Static("", id="triage-title", markup=False)
            yield Static("", id="triage-fields", markup=False)
            yield Static("", id="triage-notes", markup=False)
        yield Static("", id="triage-empty", markup=False)
        yield Static(Content(KEYS_LINE), id="triage-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#triage-card").display = False
        self.query_one("#triage-empty").display = False
        self.action_restart()
        self.watch_changes(self.store_changed)

    # ---- the queue ------------------------------------------------------------------------

    def action_restart(self) -> None:
        """Read what needs triage now and start at the first task."""

        def start(rows: list[TaskRow]) -> None:
            self.loaded, self._restarting = True, False
            self.shown = None
            self.queue, self.seen = rows, set()
            self.advance()

        self._restarting = True
        self.reread(lambda: triage_rows(self.tb.services), start)

    def store_changed(self) -> None:
        """Something changed: the queue takes it in; the task on screen stays there."""
        if self._restarting:  # a newer read replaces the one asked for: ask for it again
            self.action_restart()
            return
        key = self.shown.key if self.shown is not None else None

        def read() -> tuple[list[TaskRow], TaskRow | None]:
            services = self.tb.services
            rows = triage_rows(services)
            try:
                current = services.tasks.row(key) if key is not None else None
            except ServiceError:  # gone meanwhile: keep showing what was there
                current = None
            return rows, current

        self.reread(read, self.take_in)

    def take_in(self, fresh: tuple[list[TaskRow], TaskRow | None]) -> None:
        """What needs triage now, behind the task on screen; that one is refreshed in place."""
        rows, current = fresh
        shown = self.shown
        if current is not None:
            self._replace(current)
        self.queue = [
            r for r in rows if r.id not in self.seen and (shown is None or r.id != shown.id)
        ]
        self.show_current()

    def advance(self) -> None:
        """The next task of the queue on screen."""
        self.shown = self.queue.pop(0) if self.queue else None
        self.set_here, self.elsewhere = set(), set()
        self.came_as = self.shown.key if self.shown is not None else None
        if self.shown is not None:
            self.seen.add(self.shown.id)
        self.show_current()

    def _replace(self, row: TaskRow, own: bool = False) -> None:
        """A fresher version of a task: shown if it is the one on screen, never an older one.
        `own`: a write of this screen's made it; else what changed was changed elsewhere."""
        shown = self.shown
        if shown is None or row.id != shown.id or row.version < shown.version:
            return
        today = self.tb.today()
        before, after = field_lines(shown, today), field_lines(row, today)
        changed = {name for name in after if after[name] != before[name]}
        # The feed may bring a write of this screen's before the write's own answer does.
        if own or self._own.get(row.id, ("", -1))[1] == row.version:
            self.set_here |= changed
            self.elsewhere -= changed
        else:
            self.elsewhere |= changed
        self.shown = row
        self.show_current()

    def show_current(self) -> None:
        if not self.loaded:
            return
        row = self.shown
        card = self.query_one("#triage-card")
        empty = self.query_one("#triage-empty", Static)
        card.display = row is not None
        empty.display = row is None
        total = len(self.seen) + len(self.queue)
        count = self.query_one("#triage-count", Static)
        if row is None:
            if self.queue:
                new = len(self.queue)
                empty.update(Content(f"{new} new to triage: n shows the next"))
            elif not self.seen:
                empty.update(Content("Inbox zero: nothing to triage"))
            else:
                empty.update(
                    Content(f"All {len(self.seen)} seen for now. r starts over with what is left.")
                )
            left = f"{len(self.queue)} new" if self.queue else "nothing left"
            count.update(Content(f"Triage  ·  {left}"))
            return
        count.update(Content(f"Triage  ·  {len(self.queue) + 1} of {total} remaining"))
        lines = field_lines(row, self.tb.today())
        place = lines.pop("place") + (f"  (was {self.came_as})" if self.came_as != row.key else "")
        self.query_one("#triage-key", Static).update(self._marked(place, "place"))
        self.query_one("#triage-title", Static).update(Content(clean(row.title)))
        self.query_one("#triage-fields", Static).update(
            Content("\n").join(self._marked(text, name) for name, text in lines.items())
        )
        notes = self.query_one("#triage-notes", Static)
        notes.update(Content(clean_multiline(row.notes).strip() or "no notes"))
        notes.set_class(not row.notes.strip(), "empty")

    def _marked(self, text: str, name: str) -> Content:
        """A line of the card: one this triage set ends with ✓, one changed elsewhere says so."""
        if name in self.set_here:
            return Content.assemble(clean(text), ("  ✓ set", "$success bold"))
        if name in self.elsewhere:
            return Content.assemble(clean(text), ("  · changed elsewhere", "$warning"))
        return Content(clean(text))

    # ---- storing ----------------------------------------------------------------------------

    def _write(
        self,
        row: TaskRow,
        call: Callable[[Services, str, int], TaskRow],
        stored: Callable[[TaskRow], None] | None = None,
    ) -> None:
        """Store one change of `row` in the store queue; the task stays on screen with its
        fresh values. A refusal is said; someone else's change meanwhile is shown."""
        own, seen = self._own, (row.key, row.version)

        def run(services: Services) -> TaskRow:
            key, version = max(own.get(row.id, seen), seen, key=lambda kv: kv[1])
            new = call(services, key, version)
            own[new.id] = (new.key, new.version)
            return new

        def done(new: TaskRow) -> None:
            self._replace(new, own=True)
            if stored is not None:
                stored(new)

        def refused(error: ServiceError) -> None:
            if not isinstance(error, ConflictError):
                self.notify(clean(str(error)), severity="error", markup=False)
                return
            self.notify(clean(str(error)), severity="warning", markup=False)
            self.tb.store.submit(lambda s: s.tasks.row(row.key), self._replace)

        self.tb.store.submit(run, done, refused)

    def _edit(self, row: TaskRow, changes: TaskChanges) -> None:
        self._write(row, lambda s, key, version: s.tasks.edit(key, changes, version))

    def _with_task(self) -> TaskRow | None:
        row = self.shown
        if row is None:
            self.notify("nothing to triage", severity="warning")
        return row

    def _ask(self, prompt: CardPrompt) -> None:
        """One of the card prompts; its answer is stored, the task stays on screen."""
        prompt.ask(self, lambda changes: self._edit(prompt.card, changes))

    # ---- the keys ------------------------------------------------------------------------------

    def action_assign(self) -> None:
        """Assign the task to a person (a handle or its prefix)."""
        row = self._with_task()
        if row is None:
            return

        def ask(handles: list[str]) -> None:
            self._ask(card_prompts.assignee_prompt(row, handles, may_clear=False))

        self.tb.store.submit(lambda s: s.people.handles(), ask)

    def action_due(self) -> None:
        """Set the due date (fri, +3d, 2w, eow, 1.12., 2026-12-01)."""
        row = self._with_task()
        if row is not None:
            self._ask(card_prompts.due_prompt(row, self.tb.today(), may_clear=False))

    def action_priority(self, digit: str) -> None:
        """Set the priority: 1 urgent, 2 high, 3 normal, 4 low."""
        row = self._with_task()
        if row is not None and row.priority != PRIORITY_KEYS[digit]:
            self._edit(row, TaskChanges(priority=PRIORITY_KEYS[digit]))

    def action_move(self) -> None:
        """Move the task to a project (then a column): another project gives it a new key,
        and the old one keeps answering for it."""
        row = self._with_task()
        if row is None:
            return

        def ask(projects: dict[str, tuple[str, list[str]]]) -> None:
            choices = [(k, f"{k:6}  {clean(name)}") for k, (name, _) in projects.items()]

            def project_chosen(key: str | None) -> None:
                if key is None:
                    return
                columns = [(c, c) for c in projects[key][1]]
                current = row.column if key == row.project else None
                self.app.push_screen(
                    ChoiceModal(f"Column in {key}", columns, current),
                    lambda column: column_chosen(key, column),
                )

            self.app.push_screen(
                ChoiceModal(f"Move {row.key} to project", choices, row.project), project_chosen
            )

        def column_chosen(project: str, column: str | None) -> None:
            if column is None:
                return

            def move(s: Services, key: str, version: int) -> TaskRow:
                if project == row.project:
                    return s.tasks.move(key, column, expected_version=version)
                return s.tasks.move_to_project(key, project, column, version)

            def moved(new: TaskRow) -> None:
                if new.key != row.key:
                    self.notify(f"{row.key} is now {new.key}", markup=False)

            self._write(row, move, moved)

        def read(s: Services) -> dict[str, tuple[str, list[str]]]:
            return {
                p.key: (p.name, [c.name for c in p.columns])
                for p in s.projects.all()
                if not p.archived
            }

        self.tb.store.submit(read, ask)

    def action_tags(self) -> None:
        """Set the tags (space separated, #optional)."""
        row = self._with_task()
        if row is None:
            return

        def read(s: Services) -> list[str]:
            return sorted({t for r in s.tasks.rows(include_closed=True) for t in r.tags})

        self.tb.store.submit(read, lambda known: self._ask(card_prompts.tags_prompt(row, known)))

    def action_link_kr(self) -> None:
        """Link the task to a key result."""
        row = self._with_task()
        if row is None:
            return
        today = self.tb.today()

        def ask(choices: list[tuple[str, str]]) -> None:
            if not choices:
                self.notify("no key results in the current cycle", severity="warning")
                return

            def save(kr: str | None) -> None:
                if kr is not None and kr != row.key_result:
                    self._edit(row, TaskChanges(key_result=kr))

            self.app.push_screen(
                ChoiceModal(f"Link {row.key} to a key result", choices, row.key_result), save
            )

        self.tb.store.submit(lambda s: key_results(s.okr.tree(today=today)), ask)

    def action_archive(self) -> None:
        """Archive the task and go on to the next."""
        row = self._with_task()
        if row is None:
            return

        def archived(new: TaskRow) -> None:
            self.notify(f"{new.key} archived", markup=False)

        self._write(row, lambda s, key, version: s.tasks.archive(key, True, version), archived)
        self.advance()

    def action_next(self) -> None:
        """Done with this task (or leave it as it is): the next one."""
        if self.shown is not None or self.queue:
            self.advance()

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
