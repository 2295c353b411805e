"""The goals screen: the cycle's objective tree with pace, a KR's history, check-ins and rounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from taskboard.domain import okr
from taskboard.domain.capture import CaptureError, parse_meeting_line
from taskboard.domain.okr import KrKind, Status
from taskboard.domain.okr_views import KeyResultView, ObjectiveView
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.screens.base import TaskboardScreen

BAR_WIDTH = 16
STATUS_STYLE = {"on_track": "$success", "at_risk": "$warning", "off_track": "$error"}
_BARE_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


# ---- text of the tree ----------------------------------------------------------------------


def progress_bar(progress: float, expected: float, style: str, width: int = BAR_WIDTH) -> Content:
    """`███████│░░░`: the filled share is the progress, `│` sits where the pace says it should."""
    filled = round(min(max(progress, 0.0), 1.0) * width)
    marker = min(width - 1, round(min(max(expected, 0.0), 1.0) * width))
    cells = ["█"] * filled + ["░"] * (width - filled)
    cells[marker] = "│"
    bar = Content("".join(cells))
    if filled:
        bar = bar.stylize(style, 0, filled)
    return bar.stylize("$text-muted", filled, width).stylize("bold $accent", marker, marker + 1)


def number(value: float) -> str:
    return f"{value:,g}" if abs(value) < 1e15 else f"{value:.3g}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _short(text: str, width: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _facts(
    indent: str,
    progress: float,
    expected: float,
    status: str,
    conf: float | None,
    owner: str | None,
    overridden: bool = False,
) -> Content:
    style = STATUS_STYLE.get(status, "$text")
    label = Status(status).label if status in STATUS_STYLE else status
    confidence = f"conf {conf:.2f}" if conf is not None else "conf –   "
    who = f"@{clean(owner)}" if owner else "nobody"
    return Content.assemble(
        indent + "  ",
        progress_bar(progress, expected, style),
        f" {progress:4.0%}  ",
        (f"{label + ('*' if overridden else ''):<10}", style),
        f" {confidence}  ",
        (who, "$text-muted"),
    )


def objective_prompt(o: ObjectiveView, depth: int, width: int) -> Content:
    """Two lines: key and title, then bar with pace marker, percent, status, confidence, owner."""
    indent = "  " * depth
    head = Content.assemble(
        indent,
        (f"{o.key:<4}", "bold $accent"),
        " ",
        (_short(o.title, width - len(indent) - 5), "bold"),
    )
    facts = _facts(
        indent, o.progress, o.expected, o.status, o.confidence, o.owner, o.status_overridden
    )
    return Content("\n").join([head, facts])


def kr_values(kr: KeyResultView) -> str:
    if kr.kind == KrKind.TASKS:
        return f"{kr.tasks_done}/{kr.tasks_total} tasks"
    unit = f" {clean(kr.unit)}" if kr.unit else ""
    return f"{number(kr.start)} → {number(kr.current)} → {number(kr.target)}{unit}"


def kr_prompt(kr: KeyResultView, depth: int, width: int) -> Content:
    indent = "  " * depth + "  "
    title = _short(kr.title, width - len(indent) - 9)
    head = Content.assemble(indent, (f"{kr.key:<8}", "$accent"), " ", title)
    facts = _facts(indent, kr.progress, kr.expected, kr.status, kr.confidence, kr.owner)
    return Content("\n").join([head, facts])


# ---- what a check-in line means --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckInLine:
    value: float
    confidence: float | None
    note: str


def parse_check_in(text: str, kr: KeyResultView, today: date) -> CheckInLine:
    """`420`, `420 0.7`, `420 conf 0.7`, each with an optional note after; ValueError if bad."""
    words = text.split()
    if not words:
        raise ValueError("type a value")
    if kr.kind == KrKind.TASKS:
        raise ValueError(f"{kr.key} counts its linked tasks: link tasks with ~{kr.key}")
    words[0] = words[0].removesuffix("%")
    if len(words) >= 2 and _BARE_NUMBER.fullmatch(words[1]):
        words.insert(1, "conf")
    try:
        line = parse_meeting_line(f"kr {kr.key} = {' '.join(words)}", today)
    except CaptureError as exc:
        raise ValueError(exc.message) from None
    assert line.value is not None
    if kr.kind == KrKind.BOOLEAN and line.value not in (kr.start, kr.target):
        raise ValueError(f"{kr.key} is yes/no: type {kr.start:g} or {kr.target:g}")
    return CheckInLine(line.value, line.confidence, line.note or "")


def check_in_preview(text: str, kr: KeyResultView, today: date) -> tuple[str, bool]:
    """What the typed line will store, or what is wrong with it."""
    if not text.strip():
        return f"value [conf 0.7] [note]   now {kr_values(kr)}", False
    try:
        line = parse_check_in(text, kr, today)
    except ValueError as exc:
        return f"✗ {exc}", True
    after = okr.kr_progress(kr.kind, kr.start, kr.target, line.value, kr.tasks_done, kr.tasks_total)
    parts = [f"✓ {number(kr.current)} → {number(line.value)}", f"{kr.progress:.0%} → {after:.0%}"]
    if line.confidence is not None:
        parts.append(f"conf {line.confidence:g}")
    if line.note:
        parts.append(f"“{line.note}”")
    return "   ".join(parts), False


class RoundStepModal(ModalScreen[str | None]):
    """One KR of a check-in round: a value stores, `s` or an empty line skips, escape ends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "end_round", "End round", id="round.end")
    ]

    def __init__(self, kr: KeyResultView, position: int, total: int, today: date) -> None:
        super().__init__()
        self.kr = kr
        self.position = position
        self.total = total
        self.today = today

    def compose(self) -> ComposeResult:
        kr = self.kr
        note = clean(kr.last_note) if kr.last_note else "no note yet"
        with Vertical(classes="dialog round"):
            yield Label(
                Content(f"Check-in round {self.position}/{self.total}   {kr.key}"),
                classes="dialog-title",
            )
            yield Static(Content(clean(kr.title)), id="round-title")
            yield Static(Content(f"current {kr_values(kr)}   ({kr.progress:.0%})"), id="round-now")
            yield Static(Content(f"last note: {note}"), id="round-note")
            yield Input(placeholder="value [conf 0.7] [note]", id="round-input")
            yield Static("", id="prompt-preview", markup=False)
            yield Static(
                Content("enter stores and goes on · s or empty enter skips · esc ends the round"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._preview("")

    def _preview(self, text: str) -> bool:
        line, error = check_in_preview(text, self.kr, self.today)
        widget = self.query_one("#prompt-preview", Static)
        widget.update(Content(clean(line)))
        widget.set_class(error, "error")
        return error

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # A value line never starts with a letter, so `s` alone is the skip key.
        if event.value.strip().lower() == "s":
            self.dismiss("")
        else:
            self._preview(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.dismiss("")
        elif self._preview(event.value):
            self.app.bell()  # the preview says what is wrong; keep the line for fixing
        else:
            self.dismiss(event.value)

    def action_end_round(self) -> None:
        """End the round here."""
        self.dismiss(None)


# ---- the screen -------------------------------------------------------------------------------


class GoalsScreen(TaskboardScreen):
    """Objectives and key results of one cycle, with pace, history and check-ins."""

    CSS_PATH = "../styles/goals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Board", id="goals.back", tooltip="Back to the board"),
        Binding("j", "cursor(1)", "Down", show=False, id="goals.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="goals.up"),
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
        self.roots: list[ObjectiveView] = []
        self.objectives: dict[str, ObjectiveView] = {}
        self.krs: dict[str, KeyResultView] = {}
        self.shown_key: str | None = None

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

    # ---- data -------------------------------------------------------------------------

    def cycle_names(self) -> list[str]:
        names = [c.name for c in self.tb.services.okr.cycles()]
        return names if self.cycle_name in names else sorted([*names, self.cycle_name])

    def reload(self, keep: str | None = None) -> None:
        """Read the cycle's tree again and keep the cursor on `keep` (or where it was)."""
        services, today = self.tb.services, self.tb.today()
        tree = self.query_one("#goals-tree", OptionList)
        if keep is None and tree.highlighted is not None and tree.option_count:
            keep = tree.get_option_at_index(tree.highlighted).id
        known = {c.name for c in services.okr.cycles()}
        self.roots = services.okr.tree(self.cycle_name, today) if self.cycle_name in known else []
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
        tree.clear_options()
        tree.add_options(options)
        cycle = services.okr.cycle(self.cycle_name, today) if self.cycle_name in known else None
        span = f"  {cycle.start:%d %b} – {cycle.end:%d %b %Y}" if cycle else ""
        count = f"   {len(self.objectives)} objectives, {len(self.krs)} key results"
        self.query_one("#goals-title", Static).update(
            Content(f"Goals  {clean(self.cycle_name)}{span}{count}   [ ] cycle · C pick")
        )
        ids = [o.id for o in options]
        if options:
            tree.highlighted = ids.index(keep) if keep in ids else 0
        self.show_side(None if tree.highlighted is None else ids[tree.highlighted])

    def on_resize(self) -> None:
        self.reload()

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
        history = self.tb.services.okr.history(kr.key)
        self._draw_chart(chart, kr, [(c.created.date(), c.value) for c in history])
        lines: list[str] = []
        for c in reversed(history):
            conf = f"conf {c.confidence:.2f}" if c.confidence is not None else ""
            lines.append(
                f"{c.created:%Y-%m-%d}  {number(c.value):>8}  {conf:<9}  @{clean(c.author or '?')}"
            )
            if c.note:
                lines.append(f"  {clean(c.note)}")
        checkins.update(Content("Check-ins\n" + ("\n".join(lines) if lines else "none yet")))
        linked = self.tb.services.okr.linked_tasks(kr.key)
        rows = [
            f"{'✓' if t.done else '·'} {t.key:<8} {clean(t.title)}  ({clean(t.column)})"
            for t in linked
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
            f"progress {o.progress:.0%}, expected {o.expected:.0%} by today",
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
            f"progress {kr.progress:.0%}, expected {kr.expected:.0%} · "
            f"{Status(kr.status).label} · score {kr.score:.1f}"
        )

    def _draw_chart(
        self, chart: PlotextPlot, kr: KeyResultView, points: list[tuple[date, float]]
    ) -> None:
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        cycle = self.tb.services.okr.cycle(self.cycle_name, self.tb.today())
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
        try:
            line = parse_check_in(text, kr, self.tb.today())
            self.tb.services.okr.check_in(kr.key, line.value, line.confidence, line.note)
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
            kr = self.krs[order[index]]

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
