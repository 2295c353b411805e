"""UI fixtures: the demo workspace at a frozen date, and the app built by the CLI's factory."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from ui_text import RecordingApp

from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions

# Always both ids, so snapshot names do not depend on the environment; CI sets the URL.
BACKENDS = ["sqlite", "postgresql"]
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


@pytest.fixture(scope="session")
def pg_demo_template(pg_database: str) -> Iterator[str]:
    """The demo workspace in a PostgreSQL database of its own, cloned for each test."""
    name = f"{make_url(pg_database).database}_demo"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_database).set(database=name).render_as_string(hide_password=False)
    with time_machine.travel(NOW, tick=False):
        store = open_store(url)
        load_demo(Services.open(store, "tester"), TODAY)
        store.close()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def demo_services(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    demo_template: Path,
    frozen: time_machine.Coordinates,
) -> Iterator[Services]:
    """A copy of the demo workspace: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
    PostgreSQL (the UI suite runs on both backends, like every store-backed suite)."""
    if request.param == "sqlite":
        target = tmp_path / "ui.db"
        shutil.copyfile(demo_template, target)
        store = open_store(str(target))
        yield Services.open(store, "tester")
        store.close()
        return
    if not os.environ.get("TASKBOARD_TEST_POSTGRES_URL"):
        pytest.skip("set TASKBOARD_TEST_POSTGRES_URL to run the UI suite on PostgreSQL")
    template: str = request.getfixturevalue("pg_demo_template")
    base: str = request.getfixturevalue("pg_database")
    name = f"{template}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    store = open_store(make_url(base).set(database=name).render_as_string(hide_password=False))
    try:
        yield Services.open(store, "tester")
    finally:
        store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def other(demo_services: Services) -> Iterator[Services]:
    """Mia, on the same store as the app through a connection of her own."""
    url = demo_services.ctx.store.url.render_as_string(hide_password=False)
    services = Services.open(open_store(url), "mia")
    yield services
    services.ctx.store.close()


@pytest.fixture
def saved() -> dict[str, str | None]:
    return {}


@pytest.fixture
def app(demo_services: Services, saved: dict[str, str | None]) -> TaskboardApp:
    options = UiOptions(project="DEL", remember=saved.__setitem__, today=lambda: TODAY)
    return RecordingApp(demo_services, options)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Screens reach the store only through the services, whose suites run on both backends:
    a screen test runs on SQLite alone unless it is marked `both_backends` (live screens over
    PostgreSQL's LISTEN/NOTIFY, two apps on one store)."""
    here = Path(__file__).parent
    kept, dropped = [], []
    for item in items:
        on_pg = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        screen_test = here in Path(str(item.path)).parents
        if on_pg and screen_test and item.get_closest_marker("both_backends") is None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
