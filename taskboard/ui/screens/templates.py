"""The templates screen: list the checklists, preview one against an anchor date, apply it."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from taskboard.domain.dates import parse_when
from taskboard.domain.rules import INBOX
from taskboard.domain.template_views import ApplyAs, TemplateView
from taskboard.domain.templates import due_dates, format_offset
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.ui.card_prompts import due_preview
from taskboard.ui.dialogs import ChoiceModal, PromptModal
from taskboard.ui.live import LiveScreen


def preview_text(template: TemplateView, anchor: date) -> str:
    """The steps of a template as a table: offset, due date for `anchor`, who, where, tags."""
    dues = due_dates([st.offset_days for st in template.steps], anchor)
    lines = [template.name, ""]
    if template.description:
        lines += [*template.description.splitlines(), ""]
    lines.append(f"Anchor {anchor:%a %d %b %Y}")
    lines.append("")
    who = [f"@{st.assignee}" if st.assignee else "—" for st in template.steps]
    where = [st.column or "—" for st in template.steps]
    w_who = max([len("assignee"), *map(len, who)])
    w_col = max([len("column"), *map(len, where)])
    lines.append(
        f"{'#':>2}  {'offset':6}  {'due':10}  {'assignee':{w_who}}  {'column':{w_col}}  step"
    )
    for st, due, person, column in zip(template.steps, dues, who, where, strict=True):
        tags = "  " + " ".join(f"#{t}" for t in st.tags) if st.tags else ""
        lines.append(
            f"{st.position:>2}  {format_offset(st.offset_days) or '—':6}  "
            f"{due.isoformat() if due else '—':10}  {person:{w_who}}  {column:{w_col}}  "
            f"{st.title}{tags}"
        )
    return "\n".join(clean(line) for line in lines)


class TemplatesScreen(LiveScreen):
    """Every template; the highlighted one previewed; `enter` applies it. Live: a template saved
    or changed anywhere shows at once."""

    CSS_PATH = "../styles/templates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,a",
            "apply",
            "Apply",
            id="templates.apply",
            tooltip="Apply the template: name, anchor date, as task or project",
        ),
        Binding(
            "d",
            "anchor",
            "Anchor date",
            id="templates.anchor",
            tooltip="The anchor date the preview computes due dates from",
        ),
        Binding("escape", "back", "Back", id="templates.back", tooltip="Back to the board"),
    ]

    def __init__(self, project: str | None) -> None:
        super().__init__()
        self.project_key = project
        self.templates: list[TemplateView] = []
        self.anchor_date: date | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Templates"), id="templates-title")
        with Horizontal():
            yield OptionList(id="template-list")
            with VerticalScroll(id="template-preview-box"):
                yield Static("", id="template-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.anchor_date = self.tb.today()
        self.load()
        self.query_one("#template-list", OptionList).focus()
        self.watch_changes(self.store_changed)

    def load(self, keep: str | None = None) -> None:
        self.show_templates(self.tb.services.templates.all(), keep)

    def store_changed(self) -> None:
        """The store changed: read the templates again in a thread, then show them."""
        self.reread(self.tb.services.templates.all, self.show_templates)

    def show_templates(self, templates: list[TemplateView], keep: str | None = None) -> None:
        """Show `templates`, the cursor on `keep` or on the one it was on, scroll kept."""
        if keep is None and (current := self.current()) is not None:
            keep = current.name
        self.templates = templates
        options = self.query_one("#template-list", OptionList)
        scrolled = options.scroll_y
        options.clear_options()
        options.add_options(
            Option(Content(f"{clean(t.name)}  ({len(t.steps)} steps)"), id=str(t.id))
            for t in self.templates
        )
        if self.templates:
            names = [t.name for t in self.templates]
            options.highlighted = names.index(keep) if keep in names else 0
        options.scroll_to(y=scrolled, animate=False, immediate=True)
        if options.highlighted is not None:
            options.scroll_to_highlight()
        self.show_preview()

    def current(self) -> TemplateView | None:
        index = self.query_one("#template-list", OptionList).highlighted
        if index is None or not self.templates:
            return None
        return self.templates[index]

    def show_preview(self) -> None:
        template = self.current()
        text = "No templates yet: save one with `taskboard template`."
        if template is not None:
            text = preview_text(template, self.anchor_date or self.tb.today())
        self.query_one("#template-preview", Static).update(Content(text))

    @on(OptionList.OptionHighlighted, "#template-list")
    def _highlighted(self) -> None:
        self.show_preview()

    @on(OptionList.OptionSelected, "#template-list")
    def _selected(self) -> None:
        self.action_apply()

    def _date_prompt(self, title: str, current: date) -> PromptModal:
        today = self.tb.today()
        return PromptModal(
            title,
            current.isoformat(),
            placeholder="today, mon, +3d, 1.12., 2026-12-01",
            preview=lambda text: due_preview(text, today) if text.strip() else ("a date", True),
        )

    def action_anchor(self) -> None:
        """Pick the anchor date the preview computes due dates from."""
        today = self.tb.today()

        def chosen(value: str | None) -> None:
            if value and value.strip():
                self.anchor_date = parse_when(value.strip().lstrip("^"), today)
                self.show_preview()

        self.app.push_screen(self._date_prompt("Anchor date", self.anchor_date or today), chosen)

    def action_apply(self) -> None:
        """Apply the template: a name, an anchor date, then as one task or a new project."""
        template = self.current()
        if template is None:
            self.notify("no template to apply", severity="warning")
            return
        today = self.tb.today()
        where = self.project_key or INBOX

        def named(name: str | None) -> None:
            if name and name.strip():
                self.app.push_screen(
                    self._date_prompt(
                        f"Anchor date of “{name.strip()}”", self.anchor_date or today
                    ),
                    lambda anchor: anchored(name.strip(), anchor),
                )

        def anchored(name: str, anchor_text: str | None) -> None:
            if not anchor_text or not anchor_text.strip():
                return
            anchor = parse_when(anchor_text.strip().lstrip("^"), today)
            options = [("task", f"one task with subtasks in {where}"), ("project", "a new project")]
            self.app.push_screen(
                ChoiceModal("Apply as", options, "task"),
                lambda kind: apply(name, anchor, kind),
            )

        def apply(name: str, anchor: date, kind: str | None) -> None:
            if kind not in ("task", "project"):
                return
            as_: ApplyAs = "task" if kind == "task" else "project"
            try:
                made = self.tb.services.templates.apply(
                    template.name, anchor, name, as_, project=where if as_ == "task" else None
                )
            except ServiceError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            what = f"task {made.key}" if made.kind == "task" else f"project {made.key}"
            steps = ", ".join(made.task_keys if made.kind == "project" else made.task_keys[1:])
            self.notify(f"created {what}: {steps}", title="Template applied", markup=False)

        self.app.push_screen(
            PromptModal(f"Apply “{template.name}”: name", placeholder="Handover WAG-4711"), named
        )

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
