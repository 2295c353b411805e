"""What a board shows and how it talks to the store; the keys are in `board`.

What it shows is a `BoardModel`; every store call goes through the app's store queue and
comes back as a callback, so a key never waits for the store: a change shows at once as it
is expected to turn out, and the store's answer (or refusal) follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Static

from taskboard.domain.text import clean
from taskboard.domain.views import ProjectView, TaskRow
from taskboard.services.errors import ServiceError
from taskboard.services.snapshot import BoardSnapshot
from taskboard.ui.board_history import BoardHistory
from taskboard.ui.board_model import BoardModel, PendingWrites
from taskboard.ui.board_view import (
    GAP,
    BoardView,
    Window,
    column_window,
    format_views,
    parse_views,
)
from taskboard.ui.live import StoreChanged, watch_store_changes
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.widgets.column import Band, CardPalette, ColumnView
from taskboard.ui.widgets.ordered_input import OrderedInput

if TYPE_CHECKING:
    from taskboard.domain.fields import TaskChanges
    from taskboard.services import Services
    from taskboard.ui import card_prompts
    from taskboard.ui.preview import Known


@dataclass(frozen=True)
class BoardRead:
    """One read of a board, made in a worker."""

    project: ProjectView
    rows: list[TaskRow]
    revision: int


def read_board(services: Services, key: str) -> BoardRead:
    revision = services.tasks.revision()
    project = services.projects.get(key)
    rows = services.tasks.rows(
        project=project.key, include_closed=True, top_level_only=True, for_board=True
    )
    return BoardRead(project, [r for r in rows if not r.archived], revision)


class BoardBase(TaskboardScreen):
    """One project's board: its columns, painted from the model, and its store calls."""

    CSS_PATH = "../styles/board.tcss"
    AUTO_FOCUS = None  # the board itself takes the keys; the filter only when asked
    # How a card's parts look, styled in board.tcss and handed to every column.
    COMPONENT_CLASSES = {f"card--{part.name}" for part in fields(CardPalette)}

    def __init__(self, project: str, snapshot: BoardSnapshot | None = None) -> None:
        super().__init__()
        self.project_key = project
        self.snapshot = snapshot
        self.model = BoardModel()
        self.writes = PendingWrites()
        self.history = BoardHistory()  # its own stored changes, for `u` to show at once
        self.views: list[ColumnView] = []
        self.built_for: list[int] | None = None
        self.known: Known | None = None  # the store's names, for the capture prompt
        self.polling = False  # a re-read after a change of the store is on its way
        self.poll_again = False
        # A change came while another screen was on top: read once this one is back.
        self.stale = False
        self.window = Window(0, 0, ())  # the columns on screen, and how wide
        self.title_line: Static | None = None  # found on the first paint
        self.title_text = ""  # what it shows
        self.footer_line: Footer | None = None

    # ---- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title", markup=False)
        yield OrderedInput(
            placeholder="filter: words @who #tag !prio due:overdue|today|week  (esc clears)",
            id="filter-input",
            disabled=True,
        )
        boxes = []
        if self.snapshot is not None:
            # Compose the columns right away: one layout pass less before the first paint.
            boxes = self._make_columns([c.id for c in self.snapshot.project.columns])
        yield Horizontal(*boxes, id="columns")
        yield Footer()

    def on_mount(self) -> None:
        self.model.today = self.tb.today
        views = parse_views(self.tb.options.board_views)
        self.model.view = views.get(self.project_key, BoardView())
        snapshot, self.snapshot = self.snapshot, None
        if snapshot is None:
            self.reload()
        else:
            # Painted from the stdlib snapshot while the services may still load; a big
            # board's snapshot holds only the first cards of each column, and its counts.
            counts = None if snapshot.complete else snapshot.counts
            self._show_read(BoardRead(snapshot.project, list(snapshot.rows), snapshot.revision))
            self.model.partial_counts = counts
            self._paint(list(range(len(self.views))))
            if counts is not None:
                self.reload()  # the whole board, once the services are in
        # Live: the change feed says when the store changed (a colleague's command, another
        # board); watched once the services are in, which the first paint does not wait for.
        self.tb.store.after(lambda: watch_store_changes(self) if self.is_attached else None)

    @property
    def rows(self) -> list[TaskRow]:
        """Every card on the board (not only the filtered ones)."""
        return self.model.rows

    def current_card(self) -> TaskRow | None:
        return self.model.current_card()

    def _make_columns(self, ids: list[int]) -> list[ColumnView]:
        self.built_for = ids
        self.window = Window(0, 0, ())
        self.views = [ColumnView(i, self.card_palette, id=f"column-{i}") for i in range(len(ids))]
        return self.views

    def card_palette(self) -> CardPalette:
        """The card styles of the current theme, for the columns to draw with."""
        return CardPalette.from_styles(self.get_component_rich_style)

    def _paint(self, columns: list[int]) -> None:
        """Paint the title and `columns` from the model (fixed-height lines: no re-layout)."""
        if not self.is_attached or self.model.project is None:
            return
        # A read that comes back while the app closes finds the screen's widgets gone.
        if self.title_line is None:
            self.title_line = next(self.query("#board-title").results(Static), None)
            self.footer_line = next(self.query(Footer).results(Footer), None)
        title = self.title_line
        if title is None or not title.is_attached:
            return
        text = clean(self.model.title())
        if text != self.title_text:  # an update paints the title's line, however alike
            self.title_text = text
            title.update(Content(text), layout=False)
        compact = self.model.view.compact
        # Compact: the columns' headings are the one line above the cards (their borders
        # and the footer go); the title line comes back while it reports something.
        title.display = not compact or self.model.title_reports()
        if self.footer_line is not None:
            self.footer_line.display = not compact
        today = self.tb.today()
        marks = frozenset(self.model.marks)
        lanes = self.model.lanes()
        if lanes:  # a card in one column can change every column's lane heights
            columns = list(range(len(self.views)))
        for i in columns:
            heading = self.model.heading(i)
            name = len(self.model.columns[i].name)
            self.views[i].set_heading(heading.text, heading.over_limit, name)
            cursor = self.model.cursor(i)
            bands = [Band(lane.label, lane.counts[i], lane.total, lane.slots) for lane in lanes]
            self.views[i].show(
                self.model.shown[i],
                cursor,
                i == self.model.col,
                today,
                marks,
                compact=compact,
                bands=bands,
            )
        self._focus_current(scroll=True)

    def _focus_current(self, scroll: bool = False) -> None:
        if not self.model.shown:
            return
        for i, view in enumerate(self.views):
            view.set_cursor(self.model.cursor(i), i == self.model.col)
        self._fit_columns()
        if self.model.view.lanes != "none":
            self._align_lanes()
            self.call_after_refresh(self._align_lanes)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns share the screen's width; when not all fit, the focused one is whole and
        the bottom borders say how many more lie left and right."""
        total = len(self.views)
        window = column_window(self.size.width, total, self.model.col, self.window.first)
        if window == self.window or not self.size.width:
            return
        self.window = window
        for i, view in enumerate(self.views):
            view.display = window.shows(i)
            if not view.display:
                continue
            at = i - window.first
            view.styles.width = window.widths[at]
            view.styles.margin = (0, GAP if at < window.count - 1 else 0, 0, 0)
            left = window.hidden_left() if at == 0 else 0
            right = window.hidden_right(total) if at == window.count - 1 else 0
            view.set_aside(left, right)

    def on_column_view_scrolled(self, event: ColumnView.Scrolled) -> None:
        if self.model.view.lanes != "none":
            self._align_lanes(event.column)

    def _align_lanes(self, source: ColumnView | None = None) -> None:
        """Swimlanes run across the board: every column scrolls with the active one (or the
        one the wheel or the scrollbar moved)."""
        if source is None and self.model.col >= len(self.views):
            return
        y = (source or self.views[self.model.col]).scroll_offset.y
        for view in self.views:
            if view.scroll_offset.y != y:
                view.scroll_to(y=y, animate=False, immediate=True)

    def _set_view(self, view: BoardView) -> None:
        """Another order, lanes or card size for this board, remembered for the next time."""
        self.model.set_view(view)
        options = self.tb.options
        views = parse_views(options.board_views)
        views[self.project_key] = view
        options.board_views = format_views(views)
        options.remember("board_views", options.board_views or None)
        self._paint(list(range(len(self.views))))

    # ---- reading -----------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Read the board again (in a worker) and keep the cursor on `keep` (or the card
        the cursor is on when the read comes back)."""
        key = self.project_key
        self.tb.store.submit(lambda s: read_board(s, key), lambda read: self._show_read(read, keep))

    def _show_read(self, read: BoardRead, keep: str | None = None) -> None:
        if not self.is_attached:
            return
        rows = self.writes.over(read.rows)  # cards still being changed: as they will be
        self.model.load(read.project, rows, read.revision, keep=keep)
        if self.built_for != self.model.column_ids:
            holder = self.query_one("#columns", Horizontal)
            holder.remove_children()
            holder.mount_all(self._make_columns(self.model.column_ids))
        self._paint(list(range(len(self.views))))

    def on_store_changed(self, message: StoreChanged) -> None:
        message.stop()
        self.store_changed()

    def store_changed(self) -> None:
        """The store changed: when its revision is not the one shown, read the board again
        in a worker and show it, keeping the cursor and scroll. One read at a time; changes
        meanwhile ask for one more read after it."""
        if self.model.project is None:  # the first read is still to come: it will be current
            return
        if not self.seen:
            # Under another screen (a meeting, a detail) nobody sees the board, and its read
            # of every card would hold up that screen's writes in the store queue.
            self.stale = True
            return
        if self.polling:
            self.poll_again = True
            return
        if not self.tb.store.idle:  # after the calls asked for before (a quit waits for them)
            self.set_timer(0.1, self.store_changed)
            return
        self.polling = True
        key = self.project_key

        def poll(services: Services) -> BoardRead | None:
            try:
                # Our own changes already set the revision shown: no read for them.
                if services.tasks.revision() == self.model.revision:
                    return None
                return read_board(services, key)
            except Exception:  # a store that went away for a moment: the next change retries
                return None

        def done(read: BoardRead | None) -> None:
            self.polling = False
            if read is not None and self.is_attached:
                self._show_read(read)
            if self.poll_again and self.is_attached:
                self.poll_again = False
                self.store_changed()

        self.tb.store.submit(poll, done, lambda _: done(None), quiet=True)

    @property
    def seen(self) -> bool:
        """Whether the board shows: on top, or under a screen that lets it through (a
        dialog). Textual's `is_current` also holds under an opaque screen."""
        if self.is_active:
            return True
        return self.is_current and self.app.screen.styles.background.a < 1

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.store_changed()

    # ---- changing ---------------------------------------------------------------------------

    def _write(
        self,
        card: TaskRow,
        expected: TaskRow | None,
        call: Callable[[Services, int], TaskRow],
        stored: Callable[[TaskRow], None] | None = None,
    ) -> None:
        """Store one change of `card` in a worker; `expected` shows at once. The store's row
        replaces it; a refusal is said and the card goes back to what the store holds."""
        writes, key, seen = self.writes, card.key, card.version
        before = self.model.find(key) or card
        writes.begin(before, expected)
        if expected is not None:
            self._paint(self.model.patch(expected))

        def run(services: Services) -> tuple[int, TaskRow, int | None]:
            used = writes.version(key, seen)  # after our own earlier changes of the card
            before = services.tasks.revision()
            row = call(services, used)
            after = services.tasks.revision()
            # Only our change in between: the board is current; else the feed's re-read shows it.
            return used, row, after if before == self.model.revision else None

        def done(result: tuple[int, TaskRow, int | None]) -> None:
            used, row, revision = result
            last = writes.stored(used, row)
            self.history.stored([before], [row], revision)
            if revision is not None:
                self.model.revision = revision
            if row.project != self.project_key or before.done != row.done:
                # Done and open again can unblock other cards: read the whole board.
                if last:
                    self.reload(keep=row.key)
            elif last:
                self._paint(self.model.patch(row, follow=self._follows(row.key)))
            if stored is not None:
                stored(row)

        def refused(error: ServiceError) -> None:
            self.notify(clean(str(error)), severity="error", markup=False)
            back = writes.refused(key)
            if back is not None:
                self._paint(self.model.patch(back, follow=self._follows(key)))

        self.tb.store.submit(run, done, refused)

    def _write_many(
        self,
        cards: list[TaskRow],
        expected: list[TaskRow | None],
        call: Callable[[Services, list[str], dict[str, int]], list[TaskRow]],
        stored: Callable[[list[TaskRow]], None] | None = None,
    ) -> None:
        """Store one change of several (marked) cards as ONE call: all of them or none, and
        one undo takes it back. `expected` shows at once unless one of them is unknown (the
        store may refuse the batch: then nothing moves before it says so)."""
        writes = self.writes
        keys = [c.key for c in cards]
        seen = {c.key: c.version for c in cards}
        shown = None not in expected
        touched: set[int] = set()
        befores = {c.key: self.model.find(c.key) or c for c in cards}
        for card, row in zip(cards, expected, strict=True):
            writes.begin(befores[card.key], row if shown else None)
            if row is not None and shown:
                touched.update(self.model.patch(row, follow=self._follows(row.key)))
        self._paint(sorted(touched))

        def run(services: Services) -> tuple[dict[str, int], list[TaskRow], int | None]:
            used = {k: writes.version(k, seen[k]) for k in keys}
            before = services.tasks.revision()
            rows = call(services, keys, used)
            after = services.tasks.revision()
            return used, rows, after if before == self.model.revision else None

        def done(result: tuple[dict[str, int], list[TaskRow], int | None]) -> None:
            used, rows, revision = result
            self.history.stored(befores.values(), rows, revision)
            if revision is not None:
                self.model.revision = revision
            by_key = {r.key: r for r in rows}
            reread = False
            for key in keys:
                row = by_key.get(key)
                if row is None:  # left as it was (space opens or closes only some)
                    back = writes.refused(key)
                    if back is not None:
                        self._paint(self.model.patch(back, follow=self._follows(key)))
                    continue
                if not writes.stored(used[key], row):
                    continue
                if row.project != self.project_key or befores[key].done != row.done:
                    reread = True  # done and open again can unblock other cards
                self._paint(self.model.patch(row, follow=self._follows(key)))
            if reread:
                self.reload()
            if stored is not None:
                stored(rows)

        def refused(error: ServiceError) -> None:
            self.notify(clean(str(error)), severity="error", markup=False)
            for key in keys:
                back = writes.refused(key)
                if back is not None:
                    self._paint(self.model.patch(back, follow=self._follows(key)))

        self.tb.store.submit(run, done, refused)

    def _follows(self, key: str) -> bool:
        """The cursor stays with a card that comes back where it still is the current one."""
        current = self.model.current_card()
        return current is not None and current.key == key

    def _edit(self, card: TaskRow, changes: TaskChanges, stored: Any = None) -> None:
        from taskboard.ui import card_prompts  # with the first prompt, not the first paint

        handles = self.known.handles if self.known else ()
        expected = card_prompts.changed_row(card, changes, handles)
        self._write(
            card,
            expected,
            lambda s, version: s.tasks.edit(card.key, changes, version),
            stored,
        )

    # ---- prompts ---------------------------------------------------------------------------------

    def _with_names(self, then: Callable[[Known], None]) -> None:
        """The store's names (handles, projects, columns, key results), read in a worker the
        first time; later ones use what was read and refresh it behind."""
        from taskboard.ui.preview import known_names

        project, today = self.project_key, self.tb.today()

        def got(known: Known) -> None:
            first = self.known is None
            self.known = known
            if first:
                then(known)

        if self.known is not None:
            then(self.known)
        self.tb.store.submit(lambda s: known_names(s, project, today), got)

    def _ask(self, prompt: card_prompts.CardPrompt, stored: Any = None) -> None:
        """Ask `prompt`; its answer changes its card, or every marked card in one change."""
        from taskboard.ui import card_prompts

        marked = self.model.marked() if self.model.marks else None
        if marked is None:
            prompt.ask(self, lambda changes: self._edit(prompt.card, changes, stored))
            return

        def store(changes: TaskChanges) -> None:
            handles = self.known.handles if self.known else ()
            self._write_many(
                marked,
                [card_prompts.changed_row(c, changes, handles) for c in marked],
                lambda s, keys, versions: s.tasks.edit_many(keys, changes, versions),
                lambda rows: stored(rows[0]) if stored is not None and rows else None,
            )

        prompt.ask(self, store)

    def _add_tags(self, cards: list[TaskRow], changes: TaskChanges) -> None:
        """Add the tags of `changes` to every one of `cards`, in one change."""
        from taskboard.ui import card_prompts

        tags = list(changes.tags) if isinstance(changes.tags, Sequence) else []
        line = " ".join(f"#{t}" for t in tags)
        self._write_many(
            cards,
            [card_prompts.tags_added(c, tags) for c in cards],
            lambda s, keys, versions: s.tasks.apply_tokens_many(keys, line, versions),
        )
