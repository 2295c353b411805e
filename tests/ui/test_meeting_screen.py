"""The meeting screen driven by keys: a whole meeting typed, then the stored state and minutes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Markdown, OptionList, Static
from ui_text import meeting_options, notices, pressing, running, settle

from taskboard.exchange.minutes import render_minutes
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp, UiOptions, make_app
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.meeting import MeetingScreen, MinutesScreen

TODAY = date(2026, 11, 23)


def keys(text: str) -> list[str]:
    """Pilot key names that type `text`."""
    names = {" ": "space"}
    return [names.get(c, c) for c in text]


def meeting_screen(app: TaskboardApp) -> MeetingScreen:
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


def preview(app: TaskboardApp) -> Static:
    return app.screen.query_one("#capture-preview", Static)


def capture_line(app: TaskboardApp) -> Input:
    return app.screen.query_one("#capture", Input)


def minutes_text(app: TaskboardApp) -> list[str]:
    minutes = app.screen.query_one("#minutes", OptionList)
    return [str(minutes.get_option_at_index(i).prompt) for i in range(minutes.option_count)]


async def type_line(pilot: Any, text: str, enter: bool = True) -> None:
    await pilot.press(*keys(text))
    if enter:
        await pilot.press("enter")
    await settled(pilot)


async def settled(pilot: Any) -> None:
    """Until the store calls the keys started (every one goes through the store queue) are
    done and their answers shown. (Not every worker: the screen's feed watcher runs on.)"""
    await settle(pilot)
    await pilot.pause()


async def test_a_whole_meeting_typed_is_stored(
    app: TaskboardApp, demo_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kr_before = demo_services.okr.key_result("O2-KR1").current
    async with running(app, "m") as pilot:
        screen = meeting_screen(app)
        assert screen.focused is capture_line(app)
        meeting_id = screen.meeting_id
        assert meeting_id is not None
        stored = demo_services.meetings.get(meeting_id)
        assert stored.project == "DEL" and stored.ended is None
        assert [a.task_key for a in stored.agenda] == ["DEL-6"]

        # A task with every token: the preview resolves each before Enter.
        line = "Call agent @jon ^fri #papers !high +DEL >regis ~O2-KR1 every:weekly"
        await type_line(pilot, line, enter=False)
        shown = str(preview(app).render())
        for part in (
            "@jonas",
            "due Fri 2026-11-27",
            "#papers",
            "!high",
            "DEL › Registration",
            "~O2-KR1 Cars delivered",
            "repeats FREQ=WEEKLY",
        ):
            assert part in shown
        assert not preview(app).has_class("error")
        await pilot.press("enter")
        await settled(pilot)
        assert capture_line(app).value == ""

        await type_line(pilot, "d: Saturdays too")
        await type_line(pilot, "n: Munich slow")
        await type_line(pilot, "? Plates who")
        await type_line(pilot, "kr O2-KR1 = 87000 conf 0.7 ok", enter=False)
        assert "86500 → 87000 cars, confidence 0.7" in str(preview(app).render())
        await pilot.press("enter")
        await type_line(pilot, "a: Plates backlog")

        # A bad token is marked before Enter, and Enter keeps the line.
        await type_line(pilot, "Fix ^notadate", enter=False)
        assert preview(app).has_class("error")
        assert "bad date '^notadate'" in str(preview(app).render())
        error = app.theme_variables["error"].lower()
        marked = [
            seg.text
            for seg in preview(app).render_line(0)
            if seg.style and seg.style.color and seg.style.color.name == error
        ]
        assert marked == ["^notadate", "bad date '^notadate'"]
        await pilot.press("enter")
        await settled(pilot)
        assert capture_line(app).value == "Fix ^notadate"
        await pilot.press("ctrl+u")
        await type_line(pilot, "Ask +NOPE", enter=False)
        assert preview(app).has_class("error") and "unknown project" in str(preview(app).render())
        await pilot.press("ctrl+u")

        # A task typed by mistake: ctrl+z removes it with its task; up brings the line back.
        await type_line(pilot, "Typo @mia")
        typo = demo_services.meetings.get(meeting_id).items[-1].task_key
        assert typo is not None
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert typo not in {r.key for r in demo_services.tasks.rows(include_closed=True)}
        await pilot.press("up")
        assert capture_line(app).value == "Typo @mia"
        await pilot.press("ctrl+u")

        # Two topics: the #agenda task, then the typed one; the first is marked discussed.
        await pilot.press("tab")
        await pilot.press("tab")
        await settle(pilot)
        agenda = str(app.screen.query_one("#agenda", Static).render())
        assert "✓ Car 4712: registration triggered, plates ordered (DEL-6)" in agenda
        assert "▶ Plates backlog  ⏱ 00:00" in agenda

        # The note becomes a task afterwards.
        await pilot.press("ctrl+up", "ctrl+up", "ctrl+up", "ctrl+t")
        await settle(pilot)

        meeting = demo_services.meetings.get(meeting_id)
        assert [(i.kind, i.text) for i in meeting.items] == [
            ("task", "Call agent"),
            ("decision", "Saturdays too"),
            ("note", "Munich slow"),
            ("question", "Plates who"),
            ("checkin", "kr O2-KR1 = 87000 conf 0.7 ok"),
            ("agenda", "Plates backlog"),
        ]
        task_key = meeting.items[0].task_key
        assert task_key is not None
        task = demo_services.tasks.row(task_key)
        assert (task.assignee, task.due, task.tags, task.priority) == (
            "jonas",
            TODAY.replace(day=27),
            ("papers",),
            "high",
        )
        assert (task.project, task.column, task.key_result) == ("DEL", "Registration", "O2-KR1")
        assert demo_services.tasks.detail(task_key).recurrence == "FREQ=WEEKLY"
        note_task = meeting.items[2].task_key
        assert note_task is not None
        assert demo_services.tasks.row(note_task).title == "Munich slow"
        kr = demo_services.okr.key_result("O2-KR1")
        assert (kr_before, kr.current, kr.confidence) == (86500, 87000, 0.7)
        assert [a.title for a in meeting.agenda if a.discussed] == [
            "Car 4712: registration triggered, plates ordered"
        ]
        assert meeting.current_topic is not None
        assert meeting.current_topic.title == "Plates backlog"

        rows = minutes_text(app)
        assert rows[0].startswith("task") and task_key in rows[0]
        assert rows[2].startswith("note") and note_task in rows[2]
        assert rows[4].startswith("check-in  O2-KR1")
        assert "O2-KR1 Cars delivered: 86500 → 87000 cars, confidence 0.7 (ok)" in rows[4]
        assert rows[5].startswith("topic")

        # End: stored, the minutes shown, exported to the default file, escape to the board.
        await pilot.press("ctrl+e")
        await settled(pilot)
        assert demo_services.meetings.get(meeting_id).ended is not None
        expected = render_minutes(demo_services.meetings.minutes_data(meeting_id))
        export = app.screen.query_one("#prompt-input", Input)
        name = f"minutes-DEL-{stored.started.astimezone():%Y-%m-%d-%H%M}.md"
        assert export.value == name
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / name).read_text(encoding="utf-8") == expected
        assert isinstance(app.screen, MinutesScreen)
        shown_md = app.screen.query_one("#minutes-markdown", Markdown).source
        assert shown_md == expected and "| " + task_key + " | Call agent | @jonas" in shown_md
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_attendees_are_added_and_removed(app: TaskboardApp, demo_services: Services) -> None:
    async with running(app, "m") as pilot:
        meeting_id = meeting_screen(app).meeting_id
        assert meeting_id is not None
        await pilot.press("ctrl+a")
        await type_line(pilot, "+jonas +le", enter=False)
        shown = str(app.screen.query_one("#prompt-preview", Static).render())
        assert shown == "adds @jonas, adds @lena"
        await pilot.press("enter")
        await settle(pilot)
        assert demo_services.meetings.get(meeting_id).attendees == ("jonas", "lena")
        await pilot.press("ctrl+a")
        await type_line(pilot, "-jo")  # completes to -jonas
        await pilot.press("right", "enter")
        await settle(pilot)
        assert demo_services.meetings.get(meeting_id).attendees == ("lena",)
        header = str(app.screen.query_one("#meeting-header", Static).render())
        assert "@lena" in header and "@jonas" not in header


async def test_escape_leaves_the_meeting_running(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "m") as pilot:
        meeting_id = meeting_screen(app).meeting_id
        assert meeting_id is not None
        await type_line(pilot, "n: left early")
        await pilot.press("escape")  # nothing unsaved: straight to the board
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        meeting = demo_services.meetings.get(meeting_id)
        assert meeting.ended is None and [i.text for i in meeting.items] == ["left early"]
        # `m` again goes back to it, says so, and adds to it; none other is started.
        await pilot.press("m")
        await settle(pilot)
        assert meeting_screen(app).meeting_id == meeting_id
        assert minutes_text(app) and "left early" in minutes_text(app)[0]
        assert any("back in Vehicle handovers meeting" in n for n in notices(app))
        await type_line(pilot, "d: back again")
        await pilot.press("ctrl+e")
        await settled(pilot)
        await pilot.press("escape", "escape")  # skip the export, leave the minutes
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("m")  # ended: a new one
        await settle(pilot)
        assert meeting_screen(app).meeting_id != meeting_id
    items = [i.text for i in demo_services.meetings.get(meeting_id).items]
    assert items == ["left early", "back again"]
    assert len(demo_services.meetings.all()) == 2


async def test_start_screen_opens_a_stored_meeting(demo_services: Services) -> None:
    meeting = demo_services.meetings.start("Weekly", "DEL", ["mia"])
    options = meeting_options(meeting.id, TODAY)
    app = make_app(demo_services, options)
    async with running(app) as pilot:
        assert meeting_screen(app).meeting_id == meeting.id
        header = str(app.screen.query_one("#meeting-header", Static).render())
        assert "Weekly" in header and "@mia" in header
        await type_line(pilot, "d: ship it")
    assert [i.text for i in demo_services.meetings.get(meeting.id).items] == ["ship it"]
    assert len(demo_services.meetings.all()) == 1


def test_cli_meeting_starts_the_meeting_and_opens_its_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskboard.commands import meeting as meeting_cmd
    from taskboard.commands.errors import CliError
    from taskboard.store import open_store

    db = str(tmp_path / "cli.db")
    store = open_store(db)
    Services.open(store, "tester").projects.create("DEL", "Deliveries")
    store.close()
    opened: list[UiOptions] = []
    monkeypatch.setattr(TaskboardApp, "run", lambda self: opened.append(self.options))
    tty = type("Tty", (), {"isatty": staticmethod(lambda: True)})()
    monkeypatch.setattr(sys, "stdin", tty)
    monkeypatch.setattr(sys, "stdout", tty)
    # Attendees nobody has yet are refused, nothing stored, unless asked for as new people.
    with pytest.raises(CliError, match="unknown person '@carl'; --new-person adds @carl"):
        meeting_cmd.run_meeting_screen(db, "DEL", "Weekly", "carl, anna")
    assert opened == []
    meeting_cmd.run_meeting_screen(db, "DEL", "Weekly", "carl, anna", new_person=True)

    store = open_store(db)
    meetings = Services.open(store, "tester").meetings
    stored = meetings.get(meetings.all()[0].id)
    store.close()
    assert (stored.title, stored.attendees, stored.ended) == ("Weekly", ("anna", "carl"), None)
    assert [o.start_screen for o in opened] == [
        ("meeting", {"project": "DEL", "meeting_id": stored.id})
    ]

    # Run again while it runs: the same meeting is joined (as `m` on a board joins it, which
    # says "back in …"), with the attendee named added; no second meeting.
    with pytest.raises(CliError, match="@mia"):
        meeting_cmd.run_meeting_screen(db, "DEL", None, "mia")
    meeting_cmd.run_meeting_screen(db, "DEL", None, "mia", new_person=True)
    store = open_store(db)
    meetings = Services.open(store, "tester").meetings
    assert [m.id for m in meetings.all()] == [stored.id]
    assert meetings.get(stored.id).attendees == ("anna", "carl", "mia")
    store.close()
    assert opened[-1].start_screen == ("meeting", {"project": "DEL", "meeting_id": None})


def test_snapshot_mid_meeting(app: TaskboardApp, snap_compare: Any) -> None:
    press = [
        "m",
        *keys("Call the agent @jonas ^fri #papers"),
        "enter",
        *keys("d: Saturdays too"),
        "enter",
        *keys("kr O2-KR1 = 87000 conf 0.7"),
        "enter",
        "tab",
        *keys("Order plates @lena ^+2d >regis"),
    ]
    assert snap_compare(app, terminal_size=(120, 40), run_before=pressing(*press))


async def test_a_long_minutes_row_wraps_and_keeps_every_line(tmp_path: Path) -> None:
    from textual.geometry import Region

    from taskboard.store import open_store

    store = open_store(str(tmp_path / "wrap.db"))
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    meeting = services.meetings.start("Weekly", "DEL")
    words = [f"word{i}" for i in range(40)]
    services.meetings.capture(meeting.id, "n: " + " ".join(words))
    services.meetings.capture(meeting.id, "d: short one")
    options = meeting_options(meeting.id, TODAY)
    app = make_app(services, options)
    async with app.run_test(size=(80, 40)) as pilot:
        await settled(pilot)
        minutes = app.screen.query_one("#minutes", OptionList)
        width, height = minutes.content_region.size
        shown = " ".join(s.text for s in minutes.render_lines(Region(0, 0, width, height)))
        assert all(f" {w} " in f" {shown} " for w in words), shown
        assert "short one" in shown
    store.close()
