"""Help (`?`) says what each key does in its own words, on every screen: no two different
actions of one screen share a description (as "Move the cursor up/down…" once did)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.screen import Screen

import taskboard.ui.screens as screens
from taskboard.ui.screens.help import describe


def screen_classes() -> list[type[Screen[object]]]:
    found = []
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


@pytest.mark.parametrize("cls", screen_classes(), ids=lambda c: c.__name__)
def test_each_action_of_a_screen_has_words_of_its_own(cls: type[Screen[object]]) -> None:
    words: dict[str, str] = {}
    for binding in cls.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        text = describe(cls, binding)  # type: ignore[arg-type]
        assert text, binding
        # One action with arguments (`priority(1)` … `priority(4)`) may share its words.
        action = binding.action.split("(")[0]
        other = words.setdefault(text, action)
        assert other == action, f"{binding.key} and another key both say {text!r}"
