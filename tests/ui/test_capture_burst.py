"""Keys that arrive in one burst from the terminal (a fast typist, pasted lines) are handled
in the order they came: each line's Enter ends that line, never the next line's start."""

from __future__ import annotations

from datetime import date

from textual import events
from ui_text import meeting_options, running, settle

from taskboard.services import Services
from taskboard.ui.app import make_app

TODAY = date(2026, 11, 23)


def key_events(text: str) -> list[events.Key]:
    """The events a terminal driver posts for `text` typed, then Enter."""
    keys = [events.Key(ch if ch.isalnum() else {" ": "space"}.get(ch, ch), ch) for ch in text]
    return [events.Key("ctrl+u", None), *keys, events.Key("enter", "\r")]


async def test_lines_typed_in_one_burst_stay_separate_items(demo_services: Services) -> None:
    meeting = demo_services.meetings.start(title="Weekly", project="DEL", attendees=["mia"])
    app = make_app(demo_services, meeting_options(meeting.id, TODAY))
    lines = ["d: courier booked", "n: plates are late", "d: ship on friday", "n: ask jonas"]
    async with running(app) as pilot:
        for line in lines:  # posted all at once, as one read from the terminal
            for event in key_events(line):
                app.post_message(event)
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
    stored = [i.text for i in demo_services.meetings.get(meeting.id).items]
    assert stored == [line.split(": ", 1)[1] for line in lines]


async def test_every_input_takes_a_burst_with_corrections_in_order() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    from taskboard.ui.widgets.ordered_input import OrderedInput

    submitted: list[str] = []

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield OrderedInput(id="line")

        def on_input_submitted(self, event: Input.Submitted) -> None:
            submitted.append(event.value)
            event.input.value = ""

    app = One()
    async with app.run_test() as pilot:
        burst = [*"winter tyrez", "backspace", *"s for", "ctrl+w", *"at the hub", "enter"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(50):
            await pilot.pause(0.01)
            if submitted:
                break
    assert submitted == ["winter tyres at the hub"]
