"""The attendees prompt of the meeting screen: `+jonas -mia`, checked as it is typed."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from taskboard.domain.text import clean
from taskboard.ui.dialogs import PromptModal
from taskboard.ui.line_check import AGAIN, LinePreview
from taskboard.ui.preview import resolve_handle


def attendee_changes(text: str) -> list[tuple[str, bool]]:
    """`+jonas -mia @li` → [(handle, remove)], in the order typed."""
    return [(word.lstrip("+-@"), word.startswith("-")) for word in text.split()]


def attendees_prompt(current: Sequence[str], handles: Sequence[str]) -> PromptModal:
    """Add (+handle) or remove (-handle) attendees, several at once; `current` attend now,
    `handles` are the people the store knows."""
    attending = list(current)

    def preview(text: str) -> tuple[str, bool] | LinePreview:
        if not text.split():
            return "+handle adds, -handle removes", False
        said = []
        new = []
        for handle, remove in attendee_changes(text):
            handle = handle.lower()
            if remove:
                if handle not in attending:
                    return f"@{handle} does not attend", True
                said.append(f"removes @{handle}")
                continue
            who, problem = resolve_handle(handle, tuple(handles))
            if problem:
                return problem, True
            said.append(f"adds {who}")
            new += [who] if who.startswith("new person") else []
        if new:
            # A typo must not pass for a new person: Enter again goes ahead.
            warning = f"{'; '.join(new)}: {AGAIN}"
            return LinePreview(Content(clean(f"⚠ {', '.join(said)}: {AGAIN}")), warning=warning)
        return ", ".join(said), False

    return PromptModal(
        "Attendees",
        placeholder="+jonas -mia",
        suggest={"+": list(handles), "-": attending},
        preview=preview,
        hint="now: " + (" ".join(f"@{h}" for h in attending) or "nobody"),
    )
