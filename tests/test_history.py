"""A task's history reads as what people did: no sort keys, no whole notes."""

from __future__ import annotations

from taskboard.domain.fields import TaskChanges
from taskboard.domain.views import history_lines
from taskboard.services import Services


def test_history_lines_are_in_words(services: Services) -> None:
    services.projects.create("DEL", "Deliveries", ("Arrived", "Papers", "Done"))
    for title in ("First car", "Second car", "Third car"):
        services.tasks.capture(f"{title} +DEL")
    tasks = services.tasks
    tasks.step("DEL-3", 1)
    tasks.step("DEL-3", -1)  # back at the end of Arrived: below DEL-2
    tasks.reorder("DEL-3", -1)
    tasks.edit(
        "DEL-3", TaskChanges(notes="Long notes\nwith a second line the history must not repeat")
    )
    tasks.edit("DEL-3", TaskChanges(priority="high"))
    tasks.add_dependency("DEL-3", "DEL-1")
    tasks.comment("DEL-3", "Courier booked")
    tasks.archive("DEL-3", True)
    lines = [line for _, line in history_lines(tasks.detail("DEL-3").history)]
    assert lines == [
        "created",
        "column: Arrived → Papers",  # its place in the new column goes without saying
        "column: Papers → Arrived",
        "moved up in its column",
        "notes edited",
        "priority: normal → high",
        "blocked by DEL-1",
        "commented",
        "archived",
    ]
