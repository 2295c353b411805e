"""`taskboard project column add` puts a new column at the right end of a board."""

from __future__ import annotations

from typing import Any

from taskboard.services import Services
from taskboard.store import Store


def test_a_column_is_added_at_the_end_and_cards_can_move_there(
    cli: Any, services: Services, store: Store
) -> None:
    services.projects.create("DEL", "Deliveries", ("Arrived", "Done"))
    services.tasks.capture("Car 4711 +DEL")
    out = cli("project", "column", "add", "DEL", "Handed over", "--wip", "3").ok()
    assert [line.split()[0] for line in out.splitlines()] == ["Arrived", "Done", "Handed"]
    columns = services.projects.get("DEL").columns
    assert [(c.name, c.wip_limit, c.is_done) for c in columns][-1] == ("Handed over", 3, False)
    assert services.tasks.move("DEL-1", "hand").column == "Handed over"


def test_a_bad_column_is_refused_in_one_line(cli: Any, services: Services) -> None:
    services.projects.create("DEL", "Deliveries", ("Arrived", "Done"))
    cli("project", "column", "add", "DEL", "arrived").failed("duplicate column names")
    cli("project", "column", "add", "DEL", "x" * 61).failed("column name", "60")
    cli("project", "column", "add", "NOPE", "Later").failed("NOPE")
    assert [c.name for c in services.projects.get("DEL").columns] == ["Arrived", "Done"]
