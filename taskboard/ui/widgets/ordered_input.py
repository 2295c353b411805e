"""An Input that handles every key in the order it came, its own bindings included.

Textual inserts a typed character at once, in the Input's key handler, but runs a binding's
action (Enter → submit, backspace, ctrl+u) apart from it. When keys come in one burst from
the terminal (a fast typist, a paste of lines, a colleague typing over a slow connection),
an Enter could land after the next line's first characters and a backspace after the
character typed behind it: two lines became one, or the wrong character went. Every input
of the app is an `OrderedInput`; a subclass that rebinds keys (`BINDINGS`) keeps the order
for its own keys too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input


def _key_actions(bindings: Iterable[BindingType]) -> dict[str, str]:
    """Key → action of the bindings of a class (a key may be bound as "home,ctrl+a")."""
    found: dict[str, str] = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                if key.strip():
                    found[key.strip()] = binding.action
    return found


class OrderedInput(Input):
    """`Input`, its own keys run in order with the characters (see the module)."""

    KEY_ACTIONS: ClassVar[dict[str, str]] = _key_actions(Input.BINDINGS)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "BINDINGS" in cls.__dict__:
            # Textual keeps whether a class adds to its parents' bindings or replaces them.
            inherited = cls.KEY_ACTIONS if getattr(cls, "_inherit_bindings", True) else {}
            cls.KEY_ACTIONS = {**inherited, **_key_actions(cls.BINDINGS)}

    async def _on_key(self, event: events.Key) -> None:
        action = self.KEY_ACTIONS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)


class LineInput(OrderedInput):
    """A line handed over on Enter and cleared at once, so the next one can be typed while the
    store takes this one; the screen gives back a line the store refused (`give_back`)."""

    async def action_submit(self) -> None:
        """Hand the line over and clear it before the next key is handled. The screen gives
        back a line it does not take (a warning, a refusal) while the line is still empty."""
        line = self.value
        self.post_message(self.Submitted(self, line, None))
        self.value = ""

    def give_back(self, line: str) -> bool:
        """`line` back for fixing, unless the next one is being typed already: whether it is
        back (if not, the screen names it, so that nothing typed goes unsaid)."""
        if not self.value or self.value == line:
            self.value = line
            self.cursor_position = len(line)
            return True
        return False
