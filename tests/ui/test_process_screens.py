"""Triage, templates, people and stats screens driven by keys; each test asserts stored state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from ui_text import notices, settle

from taskboard.domain.drafts import TaskDraft
from taskboard.domain.fields import TaskChanges
from taskboard.services import ServiceError, Services
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp
from taskboard.ui.dialogs import ConfirmModal
from taskboard.ui.screens.people import PeopleScreen
from taskboard.ui.screens.stats import StatsScreen
from taskboard.ui.screens.templates import TemplatesScreen
from taskboard.ui.screens.triage import TriageScreen, needs_triage

TODAY = date(2026, 11, 23)


async def open_screen(app: TaskboardApp, pilot: Any, name: str) -> None:
    await settle(pilot)
    app.open_screen(name, "DEL")
    await settle(pilot)
    await settle(pilot)
    if name == "triage":
        await triaged(app, pilot)


def text(app: TaskboardApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def answer(app: TaskboardApp, pilot: Any, value: str) -> None:
    """Replace what a prompt holds and press enter."""
    app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await settle(pilot)


def messages(app: TaskboardApp) -> list[str]:
    return notices(app)


# ---- triage -------------------------------------------------------------------------------------

# The store below the screen is covered on both backends by the service tests.
sqlite_only = pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)


def triage_of(app: TaskboardApp) -> TriageScreen:
    return next(s for s in app.screen_stack if isinstance(s, TriageScreen))


async def triaged(app: TaskboardApp, pilot: Any) -> None:
    """Wait until the triage screen's reads and every store call came back."""
    for _ in range(500):
        await settle(pilot)
        screen = triage_of(app)
        if screen.loaded and not screen.reading and app.store.idle:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the triage screen never settled")


async def press(app: TaskboardApp, pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await triaged(app, pilot)


@sqlite_only
async def test_triage_sets_several_fields_then_n_goes_on(
    app: TaskboardApp, demo_services: Services
) -> None:
    tasks = demo_services.tasks
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "triage")
        assert "7 of 7 remaining" in text(app, "#triage-count")
        assert "Ask the registration agent" in text(app, "#triage-title")
        assert "✓" not in text(app, "#triage-fields")

        await press(app, pilot, "a", *"jon", "tab", "enter")  # tab takes the completion
        await press(app, pilot, "d")
        await answer(app, pilot, "fri")
        await press(app, pilot, "2")
        await press(app, pilot, "t", "space", *"#courier", "enter")
        await press(app, pilot, "k")
        await press(app, pilot, "2")  # the digit chose the KR, nothing more
        row = tasks.row("INBOX-1")
        assert (row.assignee, row.due, row.priority) == ("jonas", date(2026, 11, 27), "high")
        assert set(row.tags) == {"papers", "courier"} and row.key_result == "O1-KR2"
        # Still on the same task, every field set here marked so.
        assert "7 of 7 remaining" in text(app, "#triage-count")
        fields = text(app, "#triage-fields").splitlines()
        assert all(line.endswith("✓ set") for line in fields), fields
        assert "@jonas" in fields[0] and "Fri 27 Nov 2026" in fields[1] and "high" in fields[2]

        await press(app, pilot, "m", "1", "2")  # to DEL, its second column
        moved = tasks.row("INBOX-1")  # the old key answers
        assert (moved.project, moved.column) == ("DEL", "Papers & payment")
        head = text(app, "#triage-key")
        assert head.startswith(f"{moved.key}  ·  DEL  ·  Papers & payment  (was INBOX-1)")
        assert head.endswith("✓ set")
        assert f"INBOX-1 is now {moved.key}" in messages(app)

        await press(app, pilot, "n")
        assert "6 of 7 remaining" in text(app, "#triage-count")
        assert "Press photos" in text(app, "#triage-title")
        assert "✓" not in text(app, "#triage-fields") + text(app, "#triage-key")
        await press(app, pilot, "enter")  # enter goes on too
        assert "INBOX-3" in text(app, "#triage-key")
        await press(app, pilot, "x")  # archiving is the end of a task: it goes on
        assert tasks.row("INBOX-3").archived
        assert "INBOX-3 archived" in messages(app)
        assert "DEL-13" in text(app, "#triage-key")
        await press(app, pilot, "s", "n", "n", "n")
        assert "All 7 seen for now" in text(app, "#triage-empty")
        await press(app, pilot, "r")  # what still needs triage now
        assert "5 of 5 remaining" in text(app, "#triage-count")
        await pilot.press("escape")
        assert not isinstance(app.screen, TriageScreen)


@sqlite_only
async def test_triage_takes_in_changes_made_elsewhere_and_keeps_its_task(
    app: TaskboardApp, demo_services: Services
) -> None:
    url = demo_services.ctx.store.url.render_as_string(hide_password=False)
    other = Services.open(open_store(url), "mia")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_screen(app, pilot, "triage")
            screen = triage_of(app)
            assert "7 of 7 remaining" in text(app, "#triage-count")

            async def until(what: str, check: Callable[[], bool]) -> None:
                for _ in range(100):
                    if check() and not screen.reading:
                        return
                    await pilot.pause(0.05)
                raise AssertionError(f"{what} did not show: {text(app, '#triage-count')}")

            other.tasks.capture("Found elsewhere")  # lands in the inbox
            await until("the new task", lambda: "8 of 8" in text(app, "#triage-count"))
            # The task on screen stays; a change to it elsewhere shows, named as such.
            other.tasks.edit("INBOX-1", TaskChanges(assignee="mia"))
            await until("the assignee", lambda: "@mia" in text(app, "#triage-fields"))
            assert "INBOX-1" in text(app, "#triage-key")
            assert "@mia  · changed elsewhere" in text(app, "#triage-fields")
            other.tasks.complete("INBOX-1")  # done elsewhere: it says so, and stays
            await until("done", lambda: "  ·  done" in text(app, "#triage-key"))
            other.tasks.reopen("INBOX-1")
            await until("reopened", lambda: "  ·  done" not in text(app, "#triage-key"))
            # One sorted elsewhere leaves the queue; the count says so.
            other.tasks.edit("DEL-13", TaskChanges(assignee="mia", due=TODAY))
            await until("the sorted task", lambda: "7 of 7" in text(app, "#triage-count"))
            assert "INBOX-1" in text(app, "#triage-key")
            # A key pressed now acts on the task on screen, at the version it has now.
            await press(app, pilot, "3")
            assert "Priority   normal" in text(app, "#triage-fields")
            await press(app, pilot, "1")
            assert demo_services.tasks.row("INBOX-1").priority == "urgent"
            assert demo_services.tasks.row("INBOX-1").assignee == "mia"
            for _ in range(7):
                await press(app, pilot, "n")
            assert "All 7 seen for now" in text(app, "#triage-empty")
            # At the end a new task waits for n: nothing appears under a key in flight.
            other.tasks.capture("Later still")
            await until("the waiting task", lambda: "1 new to triage" in text(app, "#triage-empty"))
            await press(app, pilot, "n")
            assert "Later still" in text(app, "#triage-title")
    finally:
        other.ctx.store.close()


@sqlite_only
async def test_triage_due_prompt_previews_and_refuses_a_bad_date(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "triage")
        await pilot.press("d", *"+3d")
        await settle(pilot)
        assert "Thu 26 Nov 2026" in text(app, "#prompt-preview")
        app.screen.query_one(Input).value = "someday"
        await pilot.press("enter")
        await settle(pilot)
        assert "someday" in text(app, "#prompt-preview")
        await pilot.press("escape")
        await triaged(app, pilot)
        assert demo_services.tasks.row("INBOX-1").due is None
        assert "7 of 7 remaining" in text(app, "#triage-count")


@sqlite_only
async def test_triage_moves_to_another_project_with_a_new_key(
    app: TaskboardApp, demo_services: Services
) -> None:
    del_numbers = [
        int(r.key.split("-")[1])
        for r in demo_services.tasks.rows(project="DEL", include_closed=True)
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "triage")
        await press(app, pilot, "m")
        await press(app, pilot, "1")  # DEL, the first project
        await press(app, pilot, "2")  # its second column
        assert "7 of 7 remaining" in text(app, "#triage-count")  # still on it
    moved = [
        r
        for r in demo_services.tasks.rows(project="DEL")
        if r.title.startswith("Ask the registration agent")
    ]
    assert len(moved) == 1
    row = moved[0]
    assert row.column == "Papers & payment"
    assert int(row.key.split("-")[1]) > max(del_numbers)
    assert demo_services.tasks.row("INBOX-1") == row  # the old key still answers
    history = demo_services.tasks.detail(row.key).history
    assert any(
        a.action == "move_project" and a.old == "INBOX-1" and a.new == row.key for a in history
    )
    assert any(row.key in m for m in messages(app))


@sqlite_only
async def test_triage_says_inbox_zero(app: TaskboardApp, demo_services: Services) -> None:
    for row in demo_services.tasks.rows():
        if needs_triage(row) and row.parent is None:
            demo_services.tasks.archive(row.key)
    for row in demo_services.tasks.rows():
        if needs_triage(row):
            demo_services.tasks.edit(row.key, TaskChanges(assignee="mia", due=TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "triage")
        assert "Inbox zero: nothing to triage" in text(app, "#triage-empty")
        await pilot.press("a", "x", "1", "n")
        assert app.screen.query_one("#triage-empty").display
    assert not [r for r in demo_services.tasks.rows() if needs_triage(r)]


def test_move_to_project_takes_subtasks_and_never_reuses_keys(services: Services) -> None:
    services.projects.create("OPS", "Operations")
    parent = services.tasks.create(TaskDraft(title="Parent", project="INBOX")).task
    child = services.tasks.add_subtask(parent.key, "Child").task
    services.tasks.create(TaskDraft(title="Ops one", project="OPS"))
    moved = services.tasks.move_to_project(parent.key, "OPS", "doing")
    assert (moved.key, moved.project, moved.column) == ("OPS-2", "OPS", "Doing")
    sub = services.tasks.detail(moved.key).subtasks
    assert [(s.key, s.project, s.title) for s in sub] == [("OPS-3", "OPS", "Child")]
    with pytest.raises(ServiceError, match="subtask"):
        services.tasks.move_to_project("OPS-3", "INBOX")
    with pytest.raises(ServiceError, match="already in project OPS"):
        services.tasks.move_to_project("OPS-2", "OPS")
    back = services.tasks.move_to_project("OPS-2", "INBOX")
    assert back.key not in (parent.key, child.key)  # keys never reused
    assert services.tasks.row(back.key).title == "Parent"


# ---- templates ----------------------------------------------------------------------------------


async def test_templates_preview_and_apply_as_task(
    app: TaskboardApp, demo_services: Services
) -> None:
    anchor = date(2026, 12, 1)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "templates")
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("down", "down")  # Onboarding, Service point opening, Vehicle handover
        preview = text(app, "#template-preview")
        assert "Vehicle handover" in preview
        assert "+14d" in preview and (TODAY + timedelta(days=14)).isoformat() in preview
        await pilot.press("d")
        await answer(app, pilot, anchor.isoformat())
        preview = text(app, "#template-preview")
        assert (anchor + timedelta(days=14)).isoformat() in preview
        assert "@jonas" in preview and "Papers & payment" in preview and "#papers" in preview

        await pilot.press("enter")
        await settle(pilot)
        await answer(app, pilot, "Handover WAG-4711")
        assert "Tue 01 Dec 2026" in text(app, "#prompt-preview")  # the anchor chosen above
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")  # as one task
        await settle(pilot)
    parents = [
        r
        for r in demo_services.tasks.rows(project="DEL", top_level_only=True)
        if r.title == "Handover WAG-4711"
    ]
    assert len(parents) == 1
    detail = demo_services.tasks.detail(parents[0].key)
    steps = [(s.title, s.due, s.assignee) for s in detail.subtasks]
    offsets = [2, 4, 6, 9, 14]
    assert [d for _, d, _ in steps] == [anchor + timedelta(days=n) for n in offsets]
    assert [a for _, _, a in steps] == ["jonas", "tarek", "jonas", "mia", "mia"]
    assert detail.start == anchor
    assert any(parents[0].key in m for m in messages(app))


async def test_templates_apply_as_project(app: TaskboardApp, demo_services: Services) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "templates")
        await pilot.press("down", "a")
        await settle(pilot)
        await answer(app, pilot, "Service point Leipzig")
        await answer(app, pilot, "2026-12-07")
        await pilot.press("2")  # a new project
        await settle(pilot)
    project = demo_services.projects.get("SPL")
    assert [c.name for c in project.columns][:2] == ["Planned", "Contracting"]
    rows = demo_services.tasks.rows(project="SPL")
    assert {(r.title, r.due, r.column) for r in rows} >= {
        ("Site visit", date(2026, 12, 7), "Planned"),
        ("Opening", date(2027, 2, 1), "Training"),
    }
    assert any("project SPL" in m for m in messages(app))


# ---- people -------------------------------------------------------------------------------------


async def read_back(app: TaskboardApp, pilot: Any) -> None:
    """Wait until the people screen's reads (in threads) and every store call came back."""
    for _ in range(500):
        await settle(pilot)
        screen = app.screen
        if isinstance(screen, PeopleScreen) and not screen.reading and app.store.idle:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the people screen never settled")


def on_the_loop(services: Services) -> list[str]:
    """The people screen's store calls made on the event loop (none may be)."""
    import threading

    calls: list[str] = []
    for owner, name in (
        (services.people_views, "agenda"),
        (services.people_views, "handover"),
        (services.people, "all"),
        (services.people, "handles"),
    ):

        def wrapped(
            *args: Any, _call: Any = getattr(owner, name), _name: str = name, **kwargs: Any
        ) -> Any:
            if threading.current_thread() is threading.main_thread():
                calls.append(_name)
            return _call(*args, **kwargs)

        setattr(owner, name, wrapped)
    return calls


async def test_people_groups_and_switching_person(
    app: TaskboardApp, demo_services: Services
) -> None:
    jonas = demo_services.people_views.agenda("jonas", TODAY)
    looped = on_the_loop(demo_services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "people")
        await read_back(app, pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert "My tasks  @tester" in text(app, "#people-title")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("2")  # emil, jonas, …
        await read_back(app, pilot)
        assert "Tasks of  @jonas" in text(app, "#people-title")
        for i, (name, rows) in enumerate(jonas.groups):
            assert f"{name.capitalize()}  {len(rows)}" in text(app, f"#group-head-{i}")
            body = text(app, f"#group-{i}")
            assert all(r.key in body for r in rows)
        assert sum(len(rows) for _, rows in jonas.groups) > 0
        await pilot.press("M")
        await read_back(app, pilot)
        assert "My tasks" in text(app, "#people-title")
    assert looped == []  # the store was asked in threads only


async def handover(app: TaskboardApp, pilot: Pilot[None], confirm: str, *answers: str) -> str:
    """`h` on the people screen, its questions answered (to whom, from when, until when),
    then its confirmation: `confirm` (y or n) pressed. Returns what the confirmation asked."""
    if not isinstance(app.screen, PeopleScreen):
        await open_screen(app, pilot, "people")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("2")  # @jonas
        await read_back(app, pilot)
    await pilot.press("h")
    await settle(pilot)
    for text in answers:
        await answer(app, pilot, text)
    assert isinstance(app.screen, ConfirmModal)
    question = app.screen.question
    await pilot.press(confirm)
    await read_back(app, pilot)
    return question


async def test_people_handover_moves_tasks_and_shows_the_note(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = [r.key for _, rows in demo_services.people_views.agenda("jonas").groups for r in rows]
    assert before
    looped = on_the_loop(demo_services)
    async with app.run_test(size=(120, 40)) as pilot:
        # It asks first, saying what it would do; "n" changes nothing.
        asked = await handover(app, pilot, "n", "lena", "", "")
        assert asked == f"Hand over {len(before)} tasks of @jonas to @lena?"
        assert all(demo_services.tasks.row(k).assignee == "jonas" for k in before)
        await handover(app, pilot, "y", "lena", "", "")
        note = app.screen.query_one("#handover-note", TextArea).text
        assert note.startswith("# Handover from @jonas to @lena")
        assert all(key in note for key in before)
        assert f"{len(before)} tasks handed over to @lena" in messages(app)
        assert "Tasks of  @jonas" in text(app, "#people-title")
        assert "0 open" in text(app, "#people-title")
        await pilot.press("escape")  # closes the note first
        assert isinstance(app.screen, PeopleScreen)
    assert looped == []
    for key in before:
        detail = demo_services.tasks.detail(key)
        assert detail.task.assignee == "lena"
        assert detail.comments[-1].body == "Handed over from @jonas to @lena"


async def test_people_handover_within_an_absence_window(
    app: TaskboardApp, demo_services: Services
) -> None:
    rows = [r for _, group in demo_services.people_views.agenda("jonas").groups for r in group]
    window = [r.key for r in rows if r.due is not None and TODAY <= r.due <= date(2026, 11, 30)]
    rest = [r.key for r in rows if r.key not in window]
    assert window and rest
    async with app.run_test(size=(120, 40)) as pilot:
        asked = await handover(app, pilot, "y", "mia", "today", "2026-11-30")
        assert asked.endswith("to @mia for the absence 2026-11-23..2026-11-30?")
        note = app.screen.query_one("#handover-note", TextArea).text
        assert "Absence: 2026-11-23..2026-11-30" in note
    assert all(demo_services.tasks.row(k).assignee == "mia" for k in window)
    assert all(demo_services.tasks.row(k).assignee == "jonas" for k in rest)


# ---- stats --------------------------------------------------------------------------------------


async def test_stats_shows_the_handover_flow(app: TaskboardApp, demo_services: Services) -> None:
    flow = demo_services.stats.flow("DEL", TODAY - timedelta(days=90), TODAY)[0]
    assert flow.lead_time.median_days is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, "stats")
        assert isinstance(app.screen, StatsScreen)
        assert "DEL  Vehicle handovers" in text(app, "#stats-title")
        lead = text(app, "#lead-time")
        assert f"median {flow.lead_time.median_days:.1f} d" in lead
        assert f"85% {flow.lead_time.p85_days:.1f} d" in lead
        table = text(app, "#column-table")
        for name, summary in flow.columns:
            assert name in table
            assert f"{summary.median_days:.1f} d" in table
        assert "Waits longest in: Handover booked" in text(app, "#bottleneck")
        done = sum(n for _, n in flow.throughput)
        assert f"{done} done in {len(flow.throughput)} weeks" in text(app, "#throughput-total")
        assert all(a.key in text(app, "#aging") for a in flow.wip)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("1")  # the last 30 days
        await settle(pilot)
        assert "2026-10-24 … 2026-11-23" in text(app, "#stats-title")


# ---- snapshots ----------------------------------------------------------------------------------


def opener(name: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await open_screen(pilot.app, pilot, name)
        if name == "people":  # someone with tasks in every group
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("name", ["triage", "templates", "people", "stats"])
def test_snapshot(app: TaskboardApp, snap_compare: Any, name: str) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=opener(name))
