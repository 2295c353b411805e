"""The meeting screen's capture line: the input, and the names it checks and completes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from taskboard.ui.dialogs import TokenSuggester
from taskboard.ui.preview import Known, known_names
from taskboard.ui.widgets.ordered_input import LineInput

if TYPE_CHECKING:
    from taskboard.services import Services

# What the capture line checks names against, and the tags it completes.
Names = tuple[Known, list[str]]


class CaptureLine(LineInput, inherit_bindings=False):
    """The capture line: an Input that leaves `ctrl+a`, `ctrl+e`, `up` and `down` to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            b.key.replace(",ctrl+a", "").replace(",ctrl+e", ""), b.action, b.description, show=False
        )
        for b in Input.BINDINGS
        if isinstance(b, Binding)
    ]

    @property
    def content_width(self) -> int:
        """At least the field's own width: Textual makes this the input's virtual width, and
        a change of that lays out the whole screen again — for every key typed and for the
        Enter that clears the line. So only a line longer than the field does that."""
        return max(super().content_width, self.content_size.width)


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
