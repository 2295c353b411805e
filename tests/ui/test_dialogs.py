"""The `n` dialog never loses what was typed: the preview refuses what the store would, a
refusal the preview could not foresee keeps the dialog open with the line and says why, and
Enter on an empty line says so (issue 19, item 13)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from textual.widgets import Input
from ui_text import settle

from taskboard.domain.models import Project
from taskboard.domain.rules import MAX_TITLE
from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.dialogs import PromptModal


def preview(app: TaskboardApp) -> str:
    return str(app.screen.query_one("#prompt-preview").render())


@pytest.mark.parametrize("demo_services", ["sqlite"], indirect=True)  # the store: both, elsewhere
async def test_the_new_card_dialog_keeps_the_text_and_says_why(
    app: TaskboardApp, demo_services: Services
) -> None:
    count = len(demo_services.tasks.rows(include_closed=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
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
