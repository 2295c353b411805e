"""The task detail driven by keys: what it stores (and does not), and what it shows."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from ui_text import notices, running, screen_text, settle, until

from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Person, Tag, Task
from taskboard.domain.text import clean, clean_multiline
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.detail import HINTS, TaskDetailScreen

# The board's cursor keys to a task's card, then enter. Not DEL-3: its priority, urgent, is the
# Select's first option, which hid the bug that saved that option for every task opened.
OPEN = {
    "DEL-1": ["enter"],  # high
    "DEL-2": ["j", "enter"],  # normal
    "DEL-4": ["l", "j", "enter"],  # high
    "DEL-6": ["l", "l", "enter"],  # normal, two tags
    "DEL-51": ["l", "l", "j", "j", "enter"],  # notes, a start date and subtasks
}
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d")


async def open_detail(app: TaskboardApp, pilot: Pilot[None], key: str) -> TaskDetailScreen:
    await settle(pilot)
    await pilot.press(*OPEN[key])
    await settle(pilot)
    await pilot.pause()  # the Select's first messages land
    screen = app.screen
    assert isinstance(screen, TaskDetailScreen) and screen.key == key
    return screen


@asynccontextmanager
async def in_detail(
    app: TaskboardApp, key: str, *keys: str, size: tuple[int, int] = (120, 50)
) -> AsyncIterator[Pilot[None]]:
    """The app running at `size` with the detail of `key` open, `keys` typed there."""
    async with app.run_test(size=size) as pilot:
        await open_detail(app, pilot, key)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        yield pilot


def field(app: TaskboardApp, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


async def refused(
    pilot: Pilot[None], services: Services, name: str, text: str, key: str, said: str
) -> None:
    """`text` typed into the field `name` of DEL-1, then `key`: refused with a message that
    says `said`, the text stays in the field for fixing, and nothing is stored."""
    app = pilot.app
    assert isinstance(app, TaskboardApp)
    before = services.tasks.detail("DEL-1")
    field(app, name).focus()
    await pilot.press(*text, key)
    await settle(pilot)
    assert any(said in m for m in messages(app))
    assert field(app, name).value == text
    assert services.tasks.detail("DEL-1") == before


def messages(app: TaskboardApp) -> list[str]:
    return notices(app)


@pytest.mark.parametrize("key", list(OPEN))
async def test_opening_and_leaving_writes_nothing(
    app: TaskboardApp, demo_services: Services, key: str
) -> None:
    before = demo_services.tasks.detail(key)
    revision = demo_services.tasks.revision()
    async with in_detail(app, key) as pilot:
        assert app.screen.query_one("#f-priority", Select).value == before.task.priority
        # Walking through every field without typing saves nothing either.
        await pilot.press(*["tab"] * 10)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        if not isinstance(app.screen, BoardScreen):  # the walk ended in the notes or a list
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    after = demo_services.tasks.detail(key)
    assert after.task.priority == before.task.priority
    assert after.task.version == before.task.version
    assert len(after.history) == len(before.history)
    assert after == before
    assert demo_services.tasks.revision() == revision


async def test_control_characters_from_the_store_are_not_shown_nor_written_back(
    app: TaskboardApp, demo_services: Services
) -> None:
    # Stored past the services, as `taskboard import` of an old dump or sqlite3 would.
    title = "Car \x1b]0;pwned\x07 4719\x1b[2J arrived"
    notes = "Call \x1b]0;pwned\x07the agent\n\x1b[2Jsecond line\tend"
    with demo_services.ctx.store.write() as s:
        s.execute(
            update(Task)
            .where(col(Task.key) == "DEL-2")
            .values(title=title, notes=notes, recurrence="FREQ=WEEKLY\x1b[2J")
        )
        s.execute(update(Tag).where(col(Tag.name) == "special-request").values(name="sp\x1b[2Jec"))
        s.execute(update(Person).where(col(Person.handle) == "mia").values(handle="mia\x07"))
    before = demo_services.tasks.detail("DEL-2")
    assert "\x1b" in before.task.title and "\x1b" in before.notes
    async with in_detail(app, "DEL-2") as pilot:
        assert field(app, "title").value == clean(title) == "Car  4719 arrived"
        assert app.screen.query_one("#f-notes", TextArea).text == clean_multiline(notes)
        assert field(app, "recurrence").value == "FREQ=WEEKLY"
        assert field(app, "tags").value == "#spec"
        assert field(app, "assignee").value == "mia"
        shown = [w.value for w in app.screen.query(Input)]
        shown.append(app.screen.query_one("#f-notes", TextArea).text)
        shown.append(screen_text(app))
        for text in shown:
            assert not any(c in text for c in TERMINAL_CONTROLS), repr(text)
        # Enter in the untouched title, a walk through the fields, escape: the shown (clean)
        # values differ from the stored ones, and still nothing is written.
        await pilot.press("enter", *["tab"] * 8, "escape")
        await settle(pilot)
        if not isinstance(app.screen, BoardScreen):
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert demo_services.tasks.detail("DEL-2") == before
        # A real edit saves the clean text the user saw and changed.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", *" ok", "tab")
        await settle(pilot)
    assert demo_services.tasks.row("DEL-2").title == "Car  4719 arrived ok"


async def test_tab_and_escape_save_a_typed_field(
    app: TaskboardApp, demo_services: Services
) -> None:
    # Focus starts in the title, the cursor after it: clear it, then type.
    async with in_detail(app, "DEL-1", "end", "ctrl+u", *"Car 4711 unloaded", "tab") as pilot:
        assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"
        field(app, "due").focus()
        await pilot.press("end", "ctrl+u", *"fri")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert demo_services.tasks.row("DEL-1").due == date(2026, 11, 27)  # from Monday the 23rd


async def test_a_click_elsewhere_saves_the_field_and_a_bad_date_stays_typed(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with in_detail(app, "DEL-1") as pilot:
        field(app, "tags").focus()
        await pilot.press("end", "ctrl+u", *"#fleet #hub")
        await pilot.click("#f-key_result")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").tags == ("fleet", "hub")
        before = demo_services.tasks.detail("DEL-1")
        await refused(pilot, demo_services, "start", "someday", "tab", "unknown date 'someday'")
        # Escape does not drop it either: it stays and says how to leave without it. A good
        # edit pending beside it is saved all the same.
        field(app, "title").value = "Car 4718 unloaded"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen)
        assert any("your start date is not saved" in m for m in messages(app))
        assert field(app, "start").value == "someday"
        assert demo_services.tasks.row("DEL-1").title == "Car 4718 unloaded"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert any("left without saving your start date" in m for m in messages(app))
    after = demo_services.tasks.detail("DEL-1")
    assert after.start == before.start and after.task.title == "Car 4718 unloaded"


async def test_choosing_a_priority_saves_it(app: TaskboardApp, demo_services: Services) -> None:
    assert demo_services.tasks.row("DEL-1").priority == "high"
    async with in_detail(app, "DEL-1") as pilot:
        app.screen.query_one("#f-priority", Select).focus()
        await pilot.press("enter", "down", "enter")  # high → normal
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").priority == "normal"
        history = demo_services.tasks.detail("DEL-1").history
        assert [(a.field, a.old, a.new) for a in history[-1:]] == [("priority", "high", "normal")]


async def test_a_stale_edit_gives_way_to_the_fresh_values_with_a_notification(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with in_detail(app, "DEL-1") as pilot:
        await pilot.press("end", "ctrl+u", *"My half-typed title")
        # A change to another task leaves the edit alone, without a word.
        screen = app.screen
        assert isinstance(screen, TaskDetailScreen)
        since = demo_services.changes.revision
        other.tasks.edit("DEL-2", TaskChanges(title="Another task changed"))
        seen = await asyncio.to_thread(demo_services.changes.wait, since, 5)
        await until(pilot, lambda: screen.shown_revision >= seen > since, "the change")
        assert field(app, "title").value == "My half-typed title"
        assert not messages(app)
        # A change to another field of this task shows, and leaves the edit alone too.
        other.tasks.edit("DEL-1", TaskChanges(priority="low"))
        await until(pilot, lambda: screen.query_one("#f-priority", Select).value == "low", "low")
        assert field(app, "title").value == "My half-typed title"
        assert not messages(app)
        # A change to the same field replaces it, and says so.
        other.tasks.edit("DEL-1", TaskChanges(title="Changed elsewhere", due=date(2026, 12, 9)))
        await until(pilot, lambda: bool(messages(app)), "a notice")
        assert field(app, "title").value == "Changed elsewhere"
        assert field(app, "due").value == "2026-12-09"
        (message,) = messages(app)
        assert "DEL-1 was changed by someone else" in message
        assert "your unsaved title" in message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    row = demo_services.tasks.row("DEL-1")
    assert (row.title, row.due) == ("Changed elsewhere", date(2026, 12, 9))


async def test_an_edit_saved_after_a_change_elsewhere_to_another_field_keeps_both(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with in_detail(app, "DEL-1") as pilot:
        await pilot.press("end", "ctrl+u", *"Mine")
        other.tasks.edit("DEL-1", TaskChanges(due=date(2026, 12, 9)))
        await pilot.press("enter")  # before the one-second poll saw it
        await settle(pilot)
        assert not messages(app)
        assert field(app, "due").value == "2026-12-09"
    row = demo_services.tasks.row("DEL-1")
    assert (row.title, row.due) == ("Mine", date(2026, 12, 9))


async def test_a_bad_recurrence_is_refused_with_its_message(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = demo_services.tasks.detail("DEL-1")
    assert before.recurrence is None
    async with in_detail(app, "DEL-1") as pilot:
        said = "unknown recurrence 'blah blah'"
        await refused(pilot, demo_services, "recurrence", "blah blah", "enter", said)
        field(app, "recurrence").value = "FREQ=WEEKLY;INTERVAL=0"
        await pilot.press("enter")
        await settle(pilot)
        assert any("INTERVAL must be 1 to 999" in m for m in messages(app))
        assert demo_services.tasks.detail("DEL-1") == before
        # The capture grammar's friendly forms are welcome, and shown as the rule stored.
        field(app, "recurrence").value = "every:2w"
        await pilot.press("tab")
        await settle(pilot)
        assert demo_services.tasks.detail("DEL-1").recurrence == "FREQ=WEEKLY;INTERVAL=2"
        assert field(app, "recurrence").value == "FREQ=WEEKLY;INTERVAL=2"
        # And done on the board (space) by the rule: the next one is made, no error.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("space")
        await settle(pilot)
        assert not any("Error" in m or "unpack" in m for m in messages(app))
    assert demo_services.tasks.row("DEL-1").done
    nxt = [r for r in demo_services.tasks.rows(project="DEL") if r.title == before.task.title]
    assert before.task.due is not None
    assert [r.due for r in nxt] == [before.task.due + timedelta(weeks=2)]


async def test_typing_in_a_field_changes_its_value_not_replaces_it(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = demo_services.tasks.row("DEL-1").title
    async with running(app, "enter", size=(120, 50)) as pilot:
        await pilot.press(*" (checked)", "tab")
        await settle(pilot)
    assert demo_services.tasks.row("DEL-1").title == before + " (checked)"


async def test_quitting_saves_a_typed_field_first(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with in_detail(app, "DEL-1", "end", "ctrl+u", *"Car 4711 unloaded", "ctrl+q"):
        assert app.return_code == 0 and not app.is_running
    assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"


async def test_quitting_with_a_bad_value_stays_once_then_quits_without_it(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = demo_services.tasks.detail("DEL-1")
    async with in_detail(app, "DEL-1") as pilot:
        field(app, "due").focus()
        await pilot.press("end", "ctrl+u", *"someday", "ctrl+q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TaskDetailScreen)
        assert any(
            "due date is not saved: fix it, or press ctrl+q again to quit without it" in m
            for m in messages(app)
        )
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running
    assert demo_services.tasks.detail("DEL-1") == before


async def test_ctrl_d_marks_done_from_inside_a_field(
    app: TaskboardApp, demo_services: Services
) -> None:
    title = demo_services.tasks.row("DEL-1").title
    async with in_detail(app, "DEL-1") as pilot:
        await pilot.press("home", "ctrl+d")  # in the title, where ctrl+d once deleted a letter
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").done
        assert field(app, "title").value == clean(title)
        assert "done ✓" in screen_text(app)
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert not demo_services.tasks.row("DEL-1").done
    assert demo_services.tasks.row("DEL-1").title == title


async def test_a_priority_none_of_the_four_is_shown_and_can_be_replaced(
    app: TaskboardApp, demo_services: Services
) -> None:
    with demo_services.ctx.store.write() as s:  # a hand-edited store: no CHECK stops it
        s.execute(update(Task).where(col(Task.key) == "DEL-1").values(priority="critical"))
    before = demo_services.tasks.detail("DEL-1")
    async with in_detail(app, "DEL-1") as pilot:
        select = app.screen.query_one("#f-priority", Select)
        assert select.value == "critical"
        await pilot.press(*["tab"] * 4, "escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert demo_services.tasks.detail("DEL-1") == before
        await open_detail(app, pilot, "DEL-1")
        app.screen.query_one("#f-priority", Select).focus()
        await pilot.press("enter", "up", "up", "up", "enter")  # past low and normal to high
        await settle(pilot)
    assert demo_services.tasks.row("DEL-1").priority == "high"


async def test_another_board_from_the_palette_saves_the_typed_field_first(
    app: TaskboardApp, demo_services: Services
) -> None:
    def choose(title: str) -> None:
        """What choosing the command in the palette runs."""
        commands = app.get_system_commands(app.screen)
        (command,) = [c for c in commands if c.title.startswith(title)]
        command.callback()

    before = demo_services.tasks.detail("DEL-2")
    async with in_detail(app, "DEL-1") as pilot:
        await pilot.press("end", "ctrl+u", *"Car 4711 unloaded")
        choose("Board: SRV")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.screen.project_key == "SRV"
        assert demo_services.tasks.row("DEL-1").title == "Car 4711 unloaded"
        # A bad value keeps the detail once; choosing again switches without it.
        choose("Board: DEL")
        await settle(pilot)
        await open_detail(app, pilot, "DEL-2")
        field(app, "due").focus()
        await pilot.press("end", "ctrl+u", *"someday")
        choose("Board: SRV")
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen)
        assert any("or choose the board again without it" in m for m in messages(app))
        choose("Board: SRV")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.screen.project_key == "SRV"
        assert any("switched without saving your due date" in m for m in messages(app))
    assert demo_services.tasks.detail("DEL-2") == before


async def test_a_link_added_just_after_a_change_elsewhere_still_shows_that_change(
    app: TaskboardApp, demo_services: Services, other: Services
) -> None:
    async with in_detail(app, "DEL-1") as pilot:
        field(app, "due").focus()
        await pilot.press("end", "ctrl+u", *"someday", "tab")  # refused: it stays typed
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TaskDetailScreen)
        dep = screen.query_one("#new-dep", Input)
        other.tasks.edit("DEL-1", TaskChanges(due=date(2026, 12, 9)))
        # Enter in the link field, at once: the one-second poll cannot see the change first.
        screen.change_dependency(Input.Submitted(dep, "DEL-2"))
        await settle(pilot)
        assert field(app, "due").value == "2026-12-09"
        assert any("not your unsaved due date" in m for m in messages(app))
    row = demo_services.tasks.row("DEL-1")
    assert (row.due, row.blocked_by) == (date(2026, 12, 9), ("DEL-2",))


@pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)
async def test_an_empty_field_shows_a_dash_and_its_hint_only_while_edited(
    app: TaskboardApp, demo_services: Services
) -> None:
    """On a projector a hint must not read as data: an empty field shows "—", and its hint
    ("e.g. …", italic) only while the cursor is in it (issue 19, item 10)."""
    async with in_detail(app, "DEL-1", size=(80, 24)) as pilot:  # no start date, no repeat rule
        assert "2026-12-01" not in screen_text(app) and "FREQ" not in screen_text(app)
        assert field(app, "start").placeholder == field(app, "recurrence").placeholder == "—"
        field(app, "start").focus()
        await pilot.pause()
        await pilot.pause()
        hint = field(app, "start").placeholder
        assert hint.startswith("e.g. ") and hint in HINTS["start"]
        shot = app.export_screenshot()
        shown = re.escape(hint[1:].replace(" ", "&#160;"))  # the cursor is on the "e"
        run = re.search(r'<text class="([^"]+)"[^>]*>' + shown + "(&#160;)*<", shot)
        assert run is not None, "the hint is not on screen, or not all of it"
        style = re.search(r"\." + run[1] + r" \{([^}]*)\}", shot)
        assert style is not None and "italic" in style[1]
        field(app, "title").focus()
        await pilot.pause()
        assert field(app, "start").placeholder == "—" and "e.g." not in screen_text(app)
    assert demo_services.tasks.detail("DEL-1").start is None  # looking stored nothing
