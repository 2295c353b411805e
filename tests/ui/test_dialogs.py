"""The `n` dialog never loses what was typed: the preview refuses what the store would, a
refusal the preview could not foresee keeps the dialog open with the line and says why, and
Enter on an empty line says so (issue 19, item 13). A handle nobody has, a typo as often as
not, becomes a person only at a second Enter (item 1)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from ui_text import notices, running, settle

from taskboard.domain.models import Project
from taskboard.domain.rules import MAX_TITLE
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.dialogs import PromptModal
from taskboard.ui.screens.detail import TaskDetailScreen


def preview(app: App[Any]) -> str:
    return str(app.screen.query_one("#prompt-preview").render())


@pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)  # the store: both, elsewhere
async def test_the_new_card_dialog_keeps_the_text_and_says_why(
    app: TaskboardApp, demo_services: Services
) -> None:
    count = len(demo_services.tasks.rows(include_closed=True))
    async with running(app, "n") as pilot:
        field = app.screen.query_one("#prompt-input", Input)

        await pilot.press("enter")  # an empty line: said, not closed
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        assert "a new card needs a title" in preview(app)

        long = "Tyres " * 99 + "Tyres!"  # 600 characters: the preview says what the store would
        field.value = long
        await settle(pilot)
        said = preview(app)  # what is wrong comes first: a long line would hide it
        assert said.startswith(f"✗ the title is 600 characters long; at most {MAX_TITLE}\n")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal) and field.value == long

        # What the preview could not know: the project was archived meanwhile.
        with demo_services.ctx.store.write() as s:
            project = s.scalars(select(Project).where(col(Project.key) == "DEL")).one()
            project.archived = True
        field.value = "Call the agent @mia"
        await settle(pilot)
        assert preview(app).startswith("✓")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        assert field.value == "Call the agent @mia"
        assert "not stored: project DEL is archived" in preview(app)
        assert len(demo_services.tasks.rows(include_closed=True)) == count

        field.value = "Call the agent @mia +SRV"  # fixed in place, stored, closed
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptModal), preview(app)
    made = [r for r in demo_services.tasks.rows(project="SRV") if r.title == "Call the agent"]
    assert len(made) == 1 and made[0].assignee == "mia"


# --- a mistyped handle is no new person at the first Enter (issue 19, item 1) -------------


async def needs_a_second_enter(pilot: Pilot[None], services: Services, text: str) -> None:
    """Type `text`, which names @jonsa, into the open prompt: its preview asks whether
    @jonas was meant, the first Enter only warns (nothing stored, the text stays), the
    second makes the new person and closes the prompt."""
    app = pilot.app
    people = set(services.people.handles())
    field = app.screen.query_one("#prompt-input", Input)
    field.value = text
    await settle(pilot)
    assert "new person @jonsa — did you mean @jonas?: enter again to go ahead" in preview(app)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PromptModal) and field.value == text
    assert set(services.people.handles()) == people
    assert "did you mean @jonas?" in notices(app)[-1]
    await pilot.press("enter")
    await settle(pilot)
    assert not isinstance(app.screen, PromptModal), preview(app)
    assert set(services.people.handles()) == people | {"jonsa"}


def made_card(services: Services) -> list[str | None]:
    rows = services.tasks.rows(project="DEL")
    return [r.assignee for r in rows if r.title == "Check the tyre stock"]


def running_attendees(services: Services) -> tuple[str, ...]:
    meeting = services.meetings.running("DEL")
    return meeting.attendees if meeting else ()


# The prompts that name a person: the keys that open one (triage's `a` asks with the
# board's prompt), what is typed, and what the store holds after the second Enter.
NAMING = {
    "new card": (["n"], "Check the tyre stock @jonsa", made_card, ["jonsa"]),
    "assign": (["a"], "jonsa", lambda s: s.tasks.row("DEL-1").assignee, "jonsa"),
    "attendees": (["m", "ctrl+a"], "+mia +jonsa", running_attendees, ("jonsa", "mia")),
}


@pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)
@pytest.mark.parametrize("prompt", NAMING)
async def test_a_new_person_in_a_prompt_needs_a_second_enter(
    app: TaskboardApp, demo_services: Services, prompt: str
) -> None:
    keys, text, stored, expected = NAMING[prompt]
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ["", *keys]:
            await pilot.press(*key.split())
            await settle(pilot)
        await needs_a_second_enter(pilot, demo_services, text)
        await settle(pilot)
    assert stored(demo_services) == expected


@pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)
async def test_a_new_person_in_the_detail_needs_a_second_enter(
    app: TaskboardApp, demo_services: Services
) -> None:
    people = set(demo_services.people.handles())
    async with running(app, "enter", size=(120, 50)) as pilot:
        assert isinstance(app.screen, TaskDetailScreen) and app.screen.key == "DEL-1"
        field = app.screen.query_one("#f-assignee", Input)
        field.focus()
        await pilot.press("end", "ctrl+u", *"jonsa", "enter")
        await settle(pilot)
        assert "unknown person '@jonsa' — did you mean @jonas?" in notices(app)[-1]
        assert (demo_services.tasks.row("DEL-1").assignee, field.value) == ("jonas", "jonsa")
        assert set(demo_services.people.handles()) == people
        await pilot.press("enter")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").assignee == "jonsa"
