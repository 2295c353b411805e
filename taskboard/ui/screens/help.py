"""The help screen: every key of the screen underneath, with what it does."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# The help dialog is 90 cells wide: its border, padding and scrollbar, two spaces, the keys'
# 22 and a space, then the words.
WORDS_WIDTH = 57


def key_label(keys: str) -> str:
    """`question_mark,left_square_bracket` → `? [`."""
    names = {"space": "space", "enter": "enter", "escape": "esc"}
    return " ".join(names.get(k, format_key(k)) for k in keys.split(","))


def describe(screen: Screen[object], binding: Binding) -> str:
    """What a key does: its own words (`tooltip`), else the first line of its action's doc."""
    if binding.tooltip:
        return binding.tooltip
    method = getattr(screen, f"action_{binding.action.split('(')[0]}", None)
    if method is None:
        method = getattr(screen.app, f"action_{binding.action.split('(')[0]}", None)
    doc = (method.__doc__ or "").strip().splitlines() if method else []
    return doc[0] if doc else binding.description


def row(keys: str, words: str) -> str:
    """One key's line; longer words go on under them, not under the keys."""
    lines = textwrap.wrap(words, WORDS_WIDTH) or [""]
    indent = "\n" + " " * 25
    return f"  {keys:<22} {indent.join(lines)}"


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
            rows.append(row(key_label(b.key), describe(self.under, b)))
        rows.append(row("ctrl+p", "Command palette: every action, projects, themes"))
        with VerticalScroll(classes="dialog help"):
            yield Static(Content("Keys"), classes="dialog-title")
            yield Static(Content("\n".join(rows)), id="help-keys")
            yield Static(Content("esc closes"), classes="dialog-hint")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(None)
