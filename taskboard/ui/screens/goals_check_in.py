"""Check-ins typed on the goals screen: what a line means, its preview, the round's dialog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from taskboard.domain import okr
from taskboard.domain.capture import CaptureError, parse_meeting_line
from taskboard.domain.okr import KrKind
from taskboard.domain.okr_views import KeyResultView
from taskboard.domain.text import clean
from taskboard.ui.screens.goals_text import kr_values, number
from taskboard.ui.widgets.ordered_input import OrderedInput

_BARE_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


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
    parts = [
        f"✓ {number(kr.current)} → {number(line.value)}",
        f"{okr.percent(kr.progress)} → {okr.percent(after)}",
    ]
    if line.confidence is not None:
        parts.append(f"conf {okr.confidence_text(line.confidence)}")
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
            yield Static(
                Content(f"current {kr_values(kr)}   ({okr.percent(kr.progress)})"), id="round-now"
            )
            yield Static(Content(f"last note: {note}"), id="round-note")
            yield OrderedInput(placeholder="value [conf 0.7] [note]", id="round-input")
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
