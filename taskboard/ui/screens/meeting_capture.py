"""The meeting screen's capture line: the input, and the names it checks and completes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input

from taskboard.ui.dialogs import TokenSuggester
from taskboard.ui.preview import Known, known_names

if TYPE_CHECKING:
    from taskboard.services import Services

# What the capture line checks names against, and the tags it completes.
Names = tuple[Known, list[str]]


class CaptureLine(Input, inherit_bindings=False):
    """The capture line: an Input that leaves `ctrl+a`, `ctrl+e`, `up` and `down` to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            b.key.replace(",ctrl+a", "").replace(",ctrl+e", ""), b.action, b.description, show=False
        )
        for b in Input.BINDINGS
        if isinstance(b, Binding)
    ]

    async def _on_key(self, event: events.Key) -> None:
        """Every key in the order it came, its own bindings too. Textual runs a binding's
        action (Enter, ctrl+u, backspace) apart from the characters, which it inserts at
        once: in a burst from the terminal (a fast typist, a paste of lines) a line's Enter
        could land after the next line's first characters, and two lines became one item."""
        action = _ACTIONS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)

    async def action_submit(self) -> None:
        """Hand the line over and clear it before the next key is handled. The screen gives
        back a line it does not take (a warning, a refusal) while the line is still empty."""
        line = self.value
        self.post_message(self.Submitted(self, line, None))
        self.value = ""

    def give_back(self, line: str) -> None:
        """`line` back for fixing, unless the next one is being typed already."""
        if not self.value or self.value == line:
            self.value = line
            self.cursor_position = len(line)


# The capture line's own keys and what they do (a key may be bound as "home,ctrl+a").
_ACTIONS = {
    key.strip(): b.action
    for b in CaptureLine.BINDINGS
    if isinstance(b, Binding)
    for key in b.key.split(",")
    if key.strip()
}


def read_names(services: Services, project: str | None, today: date) -> Names:
    """The names the capture line checks and completes (reads the store: call it off the loop)."""
    known = known_names(services, project, today)
    return known, sorted(set(services.tasks.tag_names(project)) | {"agenda"})


def suggester(names: Names) -> TokenSuggester:
    """Completion of `@person`, `#tag`, `+project`, `>column` and `~key result`."""
    known, tags = names
    columns = [c.replace(" ", "_") for c in known.columns.get(known.project or "INBOX", ())]
    return TokenSuggester(
        {
            "@": list(known.handles),
            "#": tags,
            "+": list(known.columns),
            ">": columns,
            "~": sorted(known.key_results),
        }
    )
