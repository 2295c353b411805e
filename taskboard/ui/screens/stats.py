"""Flow metrics of one project: lead time, time per column, weekly throughput, aging work."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from taskboard.domain.flow import DEFAULT_DAYS, ProjectFlow, Summary
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.dialogs import ChoiceModal
from taskboard.ui.live import LiveScreen

BAR = 36
RANGES = (30, 90, 180, 365)


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def column_table(columns: tuple[tuple[str, Summary], ...]) -> str:
    """Time per column as a text table: median as a solid bar, up to the 85th pct shaded."""
    if not columns:
        return "no columns"
    longest = max((s.p85_days or 0.0 for _, s in columns), default=0.0) or 1.0
    width = max(len(name) for name, _ in columns)
    lines = [f"{'column':{width}}  {'median':>8}  {'85%':>8}  {'n':>3}"]
    for name, s in columns:
        solid = round(BAR * (s.median_days or 0.0) / longest)
        shade = max(round(BAR * (s.p85_days or 0.0) / longest) - solid, 0)
        lines.append(
            f"{name:{width}}  {days(s.median_days):>8}  {days(s.p85_days):>8}  {s.count:>3}  "
            + "█" * solid
            + "░" * shade
        )
    return "\n".join(clean(line) for line in lines)


def bottleneck(columns: tuple[tuple[str, Summary], ...]) -> str:
    measured = [(s.median_days, name) for name, s in columns if s.median_days is not None]
    if not measured:
        return "Nothing has moved through the columns in this range yet."
    median, name = max(measured)
    return clean(f"Waits longest in: {name} (median {days(median)})")


class StatsScreen(LiveScreen):
    """Flow metrics for the current project over the last days (90 by default); live: a task
    moved or done anywhere counts at once."""

    CSS_PATH = "../styles/stats.tcss"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "project", "Project", id="stats.project", tooltip="Another project's metrics"),
        Binding("r", "range", "Range", id="stats.range", tooltip="How many days back to measure"),
        Binding("escape", "back", "Back", id="stats.back", tooltip="Back to the board"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project_key = project
        self.days_back = DEFAULT_DAYS
        self.flow: ProjectFlow | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-title", markup=False)
        with VerticalScroll(id="stats"):
            yield Static("", id="lead-time", markup=False)
            yield Static(
                Content("Time per column (█ median, ░ up to the 85th percentile)"),
                classes="section",
            )
            yield Static("", id="column-table", markup=False)
            yield Static("", id="bottleneck", markup=False)
            yield Static(Content("Throughput: tasks done per week"), classes="section")
            yield PlotextPlot(id="throughput")
            yield Static("", id="throughput-total", markup=False)
            yield Static(Content("Aging work in progress (oldest first)"), classes="section")
            yield Static("", id="aging", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.project_key = self.project_key or self.tb.start_project(self.tb.services)
        self.load()
        self.watch_changes(self.store_changed)

    def load(self) -> None:
        until = self.tb.today()
        since = until - timedelta(days=self.days_back)
        try:
            flow = self.tb.services.stats.flow(self.project_key, since, until)[0]
        except ServiceError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.show_flow(flow)

    def store_changed(self) -> None:
        """The store changed: measure again in a thread, then show it."""
        stats, project, days_back = self.tb.services.stats, self.project_key, self.days_back
        until = self.tb.today()
        since = until - timedelta(days=days_back)

        def show(flow: ProjectFlow) -> None:
            # Not when another project or range was picked since, nor when nothing changed.
            if (project, days_back) == (self.project_key, self.days_back) and flow != self.flow:
                self.show_flow(flow)

        self.reread(lambda: stats.flow(project, since, until)[0], show)

    def show_flow(self, flow: ProjectFlow) -> None:
        self.flow = flow
        self.query_one("#stats-title", Static).update(
            Content(clean(f"Flow  ·  {flow.project}  {flow.name}  ·  {flow.since} … {flow.until}"))
        )
        lt = flow.lead_time
        self.query_one("#lead-time", Static).update(
            Content(
                f"Lead time, created → done: median {days(lt.median_days)}, "
                f"85% {days(lt.p85_days)}  ({lt.count} done in range)"
            )
        )
        self.query_one("#column-table", Static).update(Content(column_table(flow.columns)))
        self.query_one("#bottleneck", Static).update(Content(bottleneck(flow.columns)))
        self._draw_throughput(flow)
        width = max((len(a.column) for a in flow.wip), default=0)
        aging = [
            f"{a.key:9} {a.age_days:5.1f} d old  {a.column_age_days:5.1f} d in {a.column:{width}}  "
            f"{a.title}"
            for a in flow.wip
        ]
        self.query_one("#aging", Static).update(
            Content("\n".join(clean(a) for a in aging) or "no open work")
        )

    def _draw_throughput(self, flow: ProjectFlow) -> None:
        chart = self.query_one("#throughput", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        weeks = [week.split("-")[-1] for week, _ in flow.throughput]
        counts = [n for _, n in flow.throughput]
        plt.bar(weeks, counts, marker="hd")
        plt.yticks(sorted({0, *counts}))
        chart.refresh()
        total = sum(counts)
        per_week = total / len(counts) if counts else 0.0
        self.query_one("#throughput-total", Static).update(
            Content(f"{total} done in {len(counts)} weeks, {per_week:.1f} per week")
        )

    def action_project(self) -> None:
        """Show another project's metrics."""
        projects = self.tb.services.projects.all()
        options = [(p.key, f"{p.key:6}  {clean(p.name)}") for p in projects]

        def chosen(key: str | None) -> None:
            if key:
                self.project_key = key
                self.load()

        self.app.push_screen(ChoiceModal("Metrics of", options, self.project_key), chosen)

    def action_range(self) -> None:
        """Measure over the last 30, 90, 180 or 365 days."""
        options = [(str(n), f"last {n} days") for n in RANGES]

        def chosen(value: str | None) -> None:
            if value:
                self.days_back = int(value)
                self.load()

        self.app.push_screen(ChoiceModal("Range", options, str(self.days_back)), chosen)

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
