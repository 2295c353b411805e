"""UI fixtures: the demo workspace at a frozen date, and the app built by the CLI's factory."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per run; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with time_machine.travel(NOW, tick=False):
        store = open_store(str(path))
        load_demo(Services.open(store, "tester"), TODAY)
        store.close()
    return path


@pytest.fixture
def demo_services(
    tmp_path: Path, demo_template: Path, frozen: time_machine.Coordinates
) -> Iterator[Services]:
    target = tmp_path / "ui.db"
    shutil.copyfile(demo_template, target)
    store = open_store(str(target))
    services = Services.open(store, "tester")
    yield services
    store.close()


@pytest.fixture
def saved() -> dict[str, str | None]:
    return {}


@pytest.fixture
def app(demo_services: Services, saved: dict[str, str | None]) -> TaskboardApp:
    options = UiOptions(project="DEL", remember=saved.__setitem__, today=lambda: TODAY)
    return make_app(demo_services, options)
