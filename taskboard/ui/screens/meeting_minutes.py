"""A meeting's minutes on screen, for reading; `ctrl+s` writes them to a file.

The screen is live: a line typed into the meeting elsewhere (while it runs), an item made a
task, or an edit of the meeting shows here as the store's change feed tells of it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown

from taskboard.domain.meeting_views import MinutesData, minutes_file_name
from taskboard.domain.text import clean
from taskboard.exchange.minutes import render_minutes
from taskboard.files import FileWriteError, write_text
from taskboard.ui.dialogs import ConfirmModal, PromptModal
from taskboard.ui.live import LiveScreen


class MinutesScreen(LiveScreen):
    """A meeting's minutes as Markdown — the same text the exported file holds.

    Opened for reading (from search, from the meeting list); `offer_export` (the meeting
    was just ended here) asks for the file at once."""

    CSS_PATH = "../styles/meeting.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="minutes.back", tooltip="Back to the screen before"),
        Binding(
            "ctrl+s",
            "export",
            "Export",
            id="minutes.export",
            tooltip="Write the minutes to a Markdown file",
        ),
    ]

    def __init__(self, meeting_id: int, *, offer_export: bool = False) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.offer_export = offer_export
        self.text = ""
        self.file_name = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="minutes-doc"):
            yield Markdown("Reading the minutes…", id="minutes-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#minutes-doc").focus()
        meeting_id = self.meeting_id
        # The first read waits for the services in the store queue; then the feed says when
        # to read again.
        self.tb.store.submit(
            lambda services: services.meetings.minutes_data(meeting_id), self._first
        )

    def _first(self, data: MinutesData) -> None:
        self._show(data)
        if self.is_attached:
            self.watch_changes(self.store_changed)
        if self.offer_export:
            self.action_export()

    def store_changed(self) -> None:
        """The store changed: read the minutes again (in a worker)."""
        meeting_id = self.meeting_id
        self.reread(lambda: self.tb.services.meetings.minutes_data(meeting_id), self._show)

    def _show(self, data: MinutesData) -> None:
        self.file_name = minutes_file_name(data.project, data.started)
        text = render_minutes(data)
        if text == self.text or not self.is_attached:
            self.text = text
            return
        self.text = text
        # The scroll position stays: the document is the same, a line or two longer.
        self.query_one("#minutes-markdown", Markdown).update(self.text)

    def action_back(self) -> None:
        """Back to the screen before."""
        self.dismiss()

    def action_export(self) -> None:
        """Write the minutes to a Markdown file (asks for the path)."""
        if not self.text:  # still being read
            return
        self.app.push_screen(
            PromptModal(
                "Export the minutes to",
                self.file_name,
                placeholder="path/to/minutes.md",
                hint="enter writes the file, escape skips",
            ),
            self._export_to,
        )

    def _export_to(self, typed: str | None) -> None:
        if not typed or not typed.strip():
            return
        path = Path(typed.strip()).expanduser()

        def write(yes: bool | None) -> None:
            if not yes:
                return
            try:
                write_text(path, self.text)
            except FileWriteError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            self.notify(clean(f"minutes written to {path}"), markup=False)

        if path.exists():
            self.app.push_screen(ConfirmModal(clean(f"{path} exists. Overwrite it?")), write)
        else:
            write(True)
