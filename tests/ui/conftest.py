"""UI fixtures: the demo workspace at a frozen date, and the app built by the CLI's factory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions, make_app

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo_services(tmp_path: Path, frozen: time_machine.Coordinates) -> Iterator[Services]:
    store = open_store(str(tmp_path / "ui.db"))
    services = Services.open(store, "tester")
    load_demo(services, TODAY)
    yield services
    store.close()


@pytest.fixture
def saved() -> dict[str, str | None]:
    return {}


@pytest.fixture
def app(demo_services: Services, saved: dict[str, str | None]) -> TaskboardApp:
    options = UiOptions(project="DEL", remember=saved.__setitem__, today=lambda: TODAY)
    return make_app(demo_services, options)
