"""The help screen: every key of the screen underneath, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def key_label(keys: str) -> str:
    """`question_mark,left_square_bracket` → `? [`."""
    names = {"space": "space", "enter": "enter", "escape": "esc"}
    return " ".join(names.get(k, format_key(k)) for k in keys.split(","))


def describe(screen: Screen[object], binding: Binding) -> str:
    method = getattr(screen, f"action_{binding.action.split('(')[0]}", None)
    if method is None:
        method = getattr(screen.app, f"action_{binding.action.split('(')[0]}", None)
    doc = (method.__doc__ or "").strip().splitlines() if method else []
    return doc[0] if doc else binding.description


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = []
        bindings = [b for b in self.under.BINDINGS if isinstance(b, Binding)]
        bindings += [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        for b in bindings:
            rows.append(f"  {key_label(b.key):<22} {describe(self.under, b)}")
        rows.append(f"  {'ctrl+p':<22} Command palette: every action, projects, themes")
        with VerticalScroll(classes="dialog help"):
            yield Static(Content("Keys"), classes="dialog-title")
            yield Static(Content("\n".join(rows)), id="help-keys")
            yield Static(Content("esc closes"), classes="dialog-hint")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(None)
