"""The goals screen: the cycle's objective tree with pace, a KR's history, check-ins and rounds.

It is live: a check-in, a status or a linked task changed anywhere (another process, the
CLI) shows within the change feed's delay, read in a thread, the cursor kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from taskboard.domain.errors import ImplausibleValueError
from taskboard.domain.okr import Status, confidence_text, percent
from taskboard.domain.okr_views import CheckInView, CycleView, KeyResultView, ObjectiveView
from taskboard.domain.text import clean
from taskboard.domain.views import TaskRow
from taskboard.services import Services
from taskboard.services.errors import ServiceError
from taskboard.ui.live import LiveScreen
from taskboard.ui.screens.goals_check_in import RoundStepModal, check_in_preview, parse_check_in
from taskboard.ui.screens.goals_text import (
    kr_prompt,
    kr_values,
    number,
    objective_prompt,
    plural,
    progress_bar,
)

__all__ = ["GoalsPage", "GoalsScreen", "RoundStepModal", "progress_bar", "read_page"]


@dataclass(frozen=True)
class KrSide:
    """What the side panel shows of one key result besides its facts."""

    key: str
    history: tuple[CheckInView, ...]
    linked: tuple[TaskRow, ...]


@dataclass(frozen=True)
class GoalsPage:
    """Everything the screen shows, read in one go (in a thread when the store changed)."""

    cycle_name: str
    cycle_names: tuple[str, ...]
    cycle: CycleView | None  # None: a cycle with that name does not exist (yet)
    roots: tuple[ObjectiveView, ...]
    side: KrSide | None  # the highlighted KR's panel, when it was one


def read_side(services: Services, key: str) -> KrSide:
    okr = services.okr
    return KrSide(key, tuple(okr.history(key)), tuple(okr.linked_tasks(key)))


def read_page(services: Services, cycle_name: str, today: date, shown: str | None) -> GoalsPage:
    """The cycle `cycle_name` as the screen shows it, with the side panel of `shown`."""
    okr = services.okr
    names = [c.name for c in okr.cycles()]
    known = cycle_name in names
    roots = okr.tree(cycle_name, today) if known else []
    cycle = okr.cycle(cycle_name, today) if known else None
    krs = {kr.key for root in roots for _, o in root.walk() for kr in o.key_results}
    side = read_side(services, shown) if shown in krs else None
    listed = names if known else sorted([*names, cycle_name])
    return GoalsPage(cycle_name, tuple(listed), cycle, tuple(roots), side)


# ---- the screen -------------------------------------------------------------------------------


class GoalsScreen(LiveScreen):
    """Objectives and key results of one cycle, with pace, history and check-ins."""

    CSS_PATH = "../styles/goals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Board", id="goals.back", tooltip="Back to the board"),
        Binding("j", "cursor(1)", "Down", show=False, id="goals.down", tooltip="Next goal"),
        Binding("k", "cursor(-1)", "Up", show=False, id="goals.up", tooltip="Previous goal"),
        Binding(
            "c",
            "check_in",
            "Check in",
            id="goals.check_in",
            tooltip="Check in the highlighted key result",
        ),
        Binding(
            "R",
            "round",
            "Round",
            id="goals.round",
            tooltip="Check in every key result of the cycle, one by one",
        ),
        Binding(
            "o",
            "override",
            "Status",
            id="goals.override",
            tooltip="Override the objective's status",
        ),
        Binding(
            "left_square_bracket",
            "cycle(-1)",
            "◂ Cycle",
            id="goals.prev_cycle",
            tooltip="Previous cycle",
        ),
        Binding(
            "right_square_bracket",
            "cycle(1)",
            "Cycle ▸",
            id="goals.next_cycle",
            tooltip="Next cycle",
        ),
        Binding("C", "choose_cycle", "Cycles", id="goals.cycles", tooltip="Pick a cycle"),
        Binding("question_mark", "help", "Help", id="goals.help"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project = project
        self.cycle_name = ""
        self._refused: tuple[str, str] | None = None  # a check-in that looked like a typo
        self.page: GoalsPage | None = None
        self.roots: list[ObjectiveView] = []
        self.objectives: dict[str, ObjectiveView] = {}
        self.krs: dict[str, KeyResultView] = {}
        self.shown_key: str | None = None
        self.side: KrSide | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="goals-title", markup=False)
        with Horizontal(id="goals-body"):
            yield OptionList(id="goals-tree")
            with VerticalScroll(id="goals-side"):
                yield Static("", id="side-title", markup=False)
                yield Static("", id="side-facts", markup=False)
                yield PlotextPlot(id="kr-chart")
                yield Static("", id="kr-checkins", markup=False)
                yield Static("", id="kr-tasks", markup=False)
        yield Static("", id="goals-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.cycle_name = self.tb.services.okr.cycle(None, self.tb.today()).name
        self.reload()
        self.query_one("#goals-tree", OptionList).focus()
        self.watch_changes(self.store_changed)

    # ---- data -------------------------------------------------------------------------

    def cycle_names(self) -> list[str]:
        return list(self.page.cycle_names) if self.page else [self.cycle_name]

    def reload(self, keep: str | None = None) -> None:
        """Read the cycle's tree again and keep the cursor on `keep` (or where it was)."""
        shown = keep or self.current_key()
        self.show_page(read_page(self.tb.services, self.cycle_name, self.tb.today(), shown), keep)

    def store_changed(self) -> None:
        """Someone changed the store: read the cycle again in a thread, then show it."""
        services, today = self.tb.services, self.tb.today()
        cycle, shown = self.cycle_name, self.current_key()

        def show(page: GoalsPage) -> None:
            # Not when another cycle was picked since, nor when nothing shown changed.
            if page.cycle_name == self.cycle_name and page != self.page:
                self.show_page(page)

        self.reread(lambda: read_page(services, cycle, today, shown), show)

    def show_page(self, page: GoalsPage, keep: str | None = None) -> None:
        """Show `page`, the cursor on `keep` or where it was, the tree scrolled as it was."""
        self.page = page
        tree = self.query_one("#goals-tree", OptionList)
        if keep is None:
            keep = self.current_key()
        scrolled = tree.scroll_y
        self.roots = list(page.roots)
        self.objectives, self.krs = {}, {}
        # Titles are cut to the tree's width so that each goal takes exactly two lines.
        width = tree.scrollable_content_region.width - 2 if tree.size.width else 64
        options: list[Option] = []
        for root in self.roots:
            for depth, objective in root.walk():
                self.objectives[objective.key] = objective
                options.append(Option(objective_prompt(objective, depth, width), id=objective.key))
                for kr in objective.key_results:
                    self.krs[kr.key] = kr
                    options.append(Option(kr_prompt(kr, depth, width), id=kr.key))
        self.side = page.side
        with tree.prevent(OptionList.OptionHighlighted):
            tree.clear_options()
            tree.add_options(options)
            ids = [o.id for o in options]
            if options:
                tree.highlighted = ids.index(keep) if keep in ids else 0
        tree.scroll_to(y=scrolled, animate=False, immediate=True)
        if tree.highlighted is not None:
            tree.scroll_to_highlight()
        cycle = page.cycle
        span = f"  {cycle.start:%d %b} – {cycle.end:%d %b %Y}" if cycle else ""
        count = f"   {len(self.objectives)} objectives, {len(self.krs)} key results"
        self.query_one("#goals-title", Static).update(
            Content(f"Goals  {clean(page.cycle_name)}{span}{count}   [ ] cycle · C pick")
        )
        self.show_side(None if tree.highlighted is None else ids[tree.highlighted])

    def on_resize(self) -> None:
        width = self.size.width  # the details: 52 cells, or 2/5 of a narrow screen (80: 32)
        self.query_one("#goals-side").styles.width = 52 if width >= 120 else max(30, width * 2 // 5)
        if self.page is not None:
            self.show_page(self.page)  # the titles are cut to the new width

    def current_key(self) -> str | None:
        tree = self.query_one("#goals-tree", OptionList)
        if tree.highlighted is None or not tree.option_count:
            return None
        return tree.get_option_at_index(tree.highlighted).id

    @on(OptionList.OptionHighlighted, "#goals-tree")
    def highlight_changed(self, event: OptionList.OptionHighlighted) -> None:
        self.show_side(event.option.id)

    def show_side(self, key: str | None) -> None:
        """The side panel: a KR's chart, check-ins and linked tasks, or an objective's facts."""
        self.shown_key = key
        title = self.query_one("#side-title", Static)
        facts = self.query_one("#side-facts", Static)
        chart = self.query_one("#kr-chart", PlotextPlot)
        checkins = self.query_one("#kr-checkins", Static)
        tasks = self.query_one("#kr-tasks", Static)
        kr = self.krs.get(key or "")
        chart.display = kr is not None
        if kr is None:
            checkins.update("")
            tasks.update("")
            objective = self.objectives.get(key or "")
            if objective is None:
                title.update(Content(f"No goals in {clean(self.cycle_name)}"))
                facts.update(Content("taskboard okr objective add … adds one"))
                return
            title.update(Content(f"{objective.key}  {clean(objective.title)}"))
            facts.update(Content(self._objective_facts(objective)))
            return
        title.update(Content(f"{kr.key}  {clean(kr.title)}"))
        facts.update(Content(self._kr_facts(kr)))
        if self.side is None or self.side.key != kr.key:
            self.side = read_side(self.tb.services, kr.key)
        history = self.side.history
        self._draw_chart(chart, kr, [(c.created.date(), c.value) for c in history])
        lines: list[str] = []
        for c in reversed(history):
            conf = f"conf {confidence_text(c.confidence)}" if c.confidence is not None else ""
            lines.append(
                f"{c.created:%Y-%m-%d}  {number(c.value):>8}  {conf:<9}  @{clean(c.author or '?')}"
            )
            if c.note:
                lines.append(f"  {clean(c.note)}")
        checkins.update(Content("Check-ins\n" + ("\n".join(lines) if lines else "none yet")))
        rows = [
            f"{'✓' if t.done else '·'} {t.key:<8} {clean(t.title)}  ({clean(t.column)})"
            for t in self.side.linked
        ]
        tasks.update(Content("Linked tasks\n" + ("\n".join(rows) if rows else "none")))

    def _objective_facts(self, o: ObjectiveView) -> str:
        status = Status(o.status).label
        how = (
            f"set by the owner; suggested {Status(o.suggested_status).label}"
            if o.status_overridden
            else "suggested"
        )
        lines = [
            f"owner @{clean(o.owner)}" if o.owner else "no owner",
            f"progress {percent(o.progress)}, expected {percent(o.expected)} by today",
            f"status {status} ({how})",
            f"score {o.score:.1f}   state {o.state}",
        ]
        if o.parent:
            lines.append(f"aligned under {o.parent}")
        if o.children:
            lines.append("aligned below: " + ", ".join(c.key for c in o.children))
        return "\n".join(lines)

    def _kr_facts(self, kr: KeyResultView) -> str:
        return (
            f"{kr_values(kr)}   {kr.kind}, weight {kr.weight:g}\n"
            f"progress {percent(kr.progress)}, expected {percent(kr.expected)} · "
            f"{Status(kr.status).label} · score {kr.score:.1f}"
        )

    def _draw_chart(
        self, chart: PlotextPlot, kr: KeyResultView, points: list[tuple[date, float]]
    ) -> None:
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        cycle = self.page.cycle if self.page else None
        if cycle is None:
            chart.refresh()
            return
        length = max((cycle.end - cycle.start).days, 1)
        days = [0, *((day - cycle.start).days for day, _ in points)]
        values = [kr.start, *(value for _, value in points)]
        plt.plot([0, length], [kr.start, kr.target], color="gray")  # the pace line
        plt.plot(days, values, marker="braille")
        plt.xticks([0, length], [f"{cycle.start:%d %b}", f"{cycle.end:%d %b}"])
        plt.title("value over the cycle (grey: pace)")
        chart.refresh()

    # ---- keys -------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move the cursor down/up."""
        tree = self.query_one("#goals-tree", OptionList)
        if delta > 0:
            tree.action_cursor_down()
        else:
            tree.action_cursor_up()

    def _selected_kr(self) -> KeyResultView | None:
        kr = self.krs.get(self.current_key() or "")
        if kr is None:
            self.notify("highlight a key result first", severity="warning")
        return kr

    def _store(self, kr: KeyResultView, text: str) -> bool:
        """One check-in from a typed line; False (and a message) when nothing was stored."""
        # A value that looks like a typo is refused once; the same line again stores it.
        insist = self._refused == (kr.key, text)
        self._refused = None
        try:
            line = parse_check_in(text, kr, self.tb.today())
            self.tb.services.okr.check_in(
                kr.key, line.value, line.confidence, line.note, force=insist
            )
        except ImplausibleValueError as exc:
            self._refused = (kr.key, text)
            message = f"{exc} — enter the same again to store it anyway"
            self.notify(clean(message), severity="warning", markup=False)
            return False
        except (ValueError, ServiceError) as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return False
        return True

    def action_check_in(self) -> None:
        """Check in the highlighted key result: value [conf 0.7] [note]."""
        from taskboard.ui.dialogs import PromptModal

        kr = self._selected_kr()
        if kr is None:
            return
        today = self.tb.today()

        def save(text: str | None) -> None:
            if text and text.strip() and self._store(kr, text):
                self.notify(f"{kr.key} checked in", markup=False)
                self.reload(keep=kr.key)

        self.app.push_screen(
            PromptModal(
                f"Check in {kr.key}  {clean(kr.title)}",
                placeholder="value [conf 0.7] [note]",
                preview=lambda text: check_in_preview(text, kr, today),
                hint="e.g. 420   420 0.7   420 conf 0.7 Bremen is late",
            ),
            save,
        )

    def action_round(self) -> None:
        """Check-in round: every key result of the cycle, one by one."""
        order = list(self.krs)
        if not order:
            self.notify("no key results in this cycle", severity="warning")
            return
        done: list[str] = []
        skipped: list[str] = []
        today = self.tb.today()

        def finish(ended: bool) -> None:
            left = len(order) - len(done) - len(skipped)
            summary = f"{plural(len(done), 'check-in')}, {len(skipped)} skipped"
            if ended and left:
                summary = f"round ended: {summary}, {left} not reached"
            self.query_one("#goals-status", Static).update(Content(summary))
            self.notify(summary, markup=False)
            self.reload()

        def step(index: int) -> None:
            if index >= len(order):
                finish(False)
                return
            kr = self.krs.get(order[index])
            if kr is None:  # deleted elsewhere while the round ran: nothing to ask
                skipped.append(order[index])
                step(index + 1)
                return

            def answered(text: str | None) -> None:
                if text is None:
                    finish(True)
                elif not text.strip():
                    skipped.append(kr.key)
                    step(index + 1)
                elif self._store(kr, text):
                    done.append(kr.key)
                    self.reload(keep=kr.key)
                    step(index + 1)
                else:
                    step(index)  # the service refused; ask again for the same KR

            self._focus_option(kr.key)
            self.app.push_screen(RoundStepModal(kr, index + 1, len(order), today), answered)

        step(0)

    def _focus_option(self, key: str) -> None:
        tree = self.query_one("#goals-tree", OptionList)
        try:
            tree.highlighted = tree.get_option_index(key)
        except Exception:  # the tree changed under the round; the cursor stays where it is
            return

    def action_override(self) -> None:
        """Override the objective's status: on track, at risk, off track, or auto."""
        from taskboard.ui.dialogs import ChoiceModal

        key = self.current_key()
        kr = self.krs.get(key or "")
        objective = self.objectives.get(kr.objective if kr else key or "")
        if objective is None:
            self.notify("highlight an objective first", severity="warning")
            return
        suggested = Status(objective.suggested_status).label
        options = [(s.value, s.label) for s in Status]
        options.append(("auto", f"auto (suggested: {suggested})"))
        current = objective.status if objective.status_overridden else "auto"

        def save(choice: str | None) -> None:
            if choice is None:
                return
            try:
                self.tb.services.okr.set_status(objective.key, None if choice == "auto" else choice)
            except ServiceError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            self.reload(keep=key)

        self.app.push_screen(ChoiceModal(f"Status of {objective.key}", options, current), save)

    def action_cycle(self, delta: int) -> None:
        """Show the previous/next cycle."""
        names = self.cycle_names()
        index = names.index(self.cycle_name) if self.cycle_name in names else 0
        self.cycle_name = names[max(0, min(len(names) - 1, index + delta))]
        self.reload()

    def action_choose_cycle(self) -> None:
        """Pick a cycle from the list."""
        from taskboard.ui.dialogs import ChoiceModal

        cycles = self.tb.services.okr.cycles()
        options = [
            (
                c.name,
                f"{c.name}  {c.start:%d %b %Y} – {c.end:%d %b %Y}  ({c.objectives} objectives)",
            )
            for c in cycles
        ]

        def chosen(name: str | None) -> None:
            if name:
                self.cycle_name = name
                self.reload()

        self.app.push_screen(ChoiceModal("Cycle", options, self.cycle_name), chosen)

    def action_help(self) -> None:
        """Show every key."""
        self.tb.action_help()

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
