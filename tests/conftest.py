"""Shared fixtures: a migrated store on SQLite and, when configured, on PostgreSQL.

Set TASKBOARD_TEST_POSTGRES_URL (CI always does) to run every store-backed
test on PostgreSQL too; each test run gets a database of its own, and every
test a freshly migrated schema.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import create_engine, text

from taskboard import cli as cli_module
from taskboard.domain.models import Cycle, KeyResult, Objective
from taskboard.services import Services
from taskboard.store import Store, open_store
from taskboard.tools.scratch import scratch_database

PG_URL = os.environ.get("TASKBOARD_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


class RunReport:
    """Figures and counts tests report, printed in the terminal summary of every run.

    It lives here, in the conftest every run loads in the main process: under xdist the
    workers collect and run the tests, and each sends its part to the controller when it
    finishes (`workeroutput`), which prints the sum. `tests/reliability/conftest.py` builds
    its `figures` and `faults` fixtures on it (`config.pluginmanager.get_plugin(NAME)`).
    """

    NAME = "taskboard-run-report"

    def __init__(self) -> None:
        self.lines: list[str] = []  # one figure per line, e.g. "online backup: 6 backups …"
        self.counts: Counter[str] = Counter()  # e.g. {"tried": 812, "refused": 790, …}
        self.details: list[str] = []  # what each counted bug was, to find it again

    def merge(self, data: dict[str, list[str] | dict[str, int]]) -> None:
        self.lines.extend(data.get("lines", []))
        self.counts.update(data.get("counts", {}))
        self.details.extend(data.get("details", []))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workeroutput"):  # an xdist worker: hand it over
            session.config.workeroutput[self.NAME] = {
                "lines": self.lines,
                "counts": dict(self.counts),
                "details": self.details,
            }

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        self.merge(getattr(node, "workeroutput", {}).get(self.NAME, {}))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.lines:
            terminalreporter.write_sep("-", "reliability figures")
            for line in self.lines:
                terminalreporter.write_line(line)
        if self.counts:
            terminalreporter.write_sep("-", "fault suite")
            for key, label in FAULT_LABELS.items():
                terminalreporter.write_line(f"{label:<28}{self.counts.get(key, 0):>7}")
            for line in self.details[:30]:
                terminalreporter.write_line(f"  {line}")


# The fault suite's counters, in the order the summary prints them.
FAULT_LABELS = {
    "tried": "faults tried",
    "refused": "clean refusals",
    "passed": "done despite the fault",
    "traceback": "tracebacks",
    "lost": "data lost",
    "leaked": "escapes shown",
}


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(RunReport(), RunReport.NAME)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads or writes the real config or data dirs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("TASKBOARD_USER", "tester")
    monkeypatch.delenv("TASKBOARD_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of this test run's own on the configured PostgreSQL server."""
    assert PG_URL is not None
    with scratch_database(PG_URL, "taskboard_t") as url:
        yield url


def fresh_pg(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A target string for an empty store (not yet migrated) on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url: str = request.getfixturevalue("pg_database")
    fresh_pg(url)
    return url


@pytest.fixture
def store(store_target: str) -> Iterator[Store]:
    s = open_store(store_target)
    yield s
    s.close()


@pytest.fixture
def services(store: Store) -> Services:
    return Services.open(store, "tester")


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def ok(self) -> str:
        """The output of a command that succeeded."""
        assert self.code == 0, self.err
        assert "Traceback" not in self.err
        return self.out

    def failed(self, *named: str) -> str:
        """The one-line error of a command that failed cleanly, naming each of `named`."""
        assert self.code == 1, (self.out, self.err)
        assert "Traceback" not in self.err
        assert self.err.startswith("error: ")
        for part in named:
            assert part in self.err
        return self.err


class Cli(Protocol):
    def __call__(self, *args: str, db: str | None = ..., stdin: str | None = ...) -> CliResult: ...


@pytest.fixture
def cli(store_target: str, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `taskboard ARGS --db STORE` as the entry point does, in this process: the same
    `taskboard.cli.run` over byte streams standing in for the terminal's (a subprocess per
    line would cost a second of start-up each; `cli_process` is the real thing)."""

    def run(*args: str, db: str | None = store_target, stdin: str | None = None) -> CliResult:
        full = [*args, *(["--db", db] if db is not None else [])]
        out, err = io.BytesIO(), io.BytesIO()
        streams = [io.TextIOWrapper(b, encoding="utf-8", write_through=True) for b in (out, err)]
        with monkeypatch.context() as m:
            m.setattr(sys, "stdout", streams[0])
            m.setattr(sys, "stderr", streams[1])
            m.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode())))
            m.setattr(sys, "argv", ["taskboard", *full])
            code = cli_module.run(full)
            for stream in streams:
                stream.flush()
        return CliResult(code, out.getvalue().decode(), err.getvalue().decode())

    return run


# What the plain read and write paths must never import (`heavy_loaded`).
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "typer", "click", "alembic", "textual")


def heavy_loaded(db: str, lines: list[list[str]]) -> list[str]:
    """The HEAVY libraries a new process has loaded after running each command line on the
    store `db` (each must succeed)."""
    child = f"""
import io, sys
from taskboard.cli import run
sys.stdout = io.StringIO()
for args in {lines!r}:
    assert run(args + ["--db", {db!r}]) == 0, args
sys.stdout = sys.__stdout__
print(" ".join(sorted(set({HEAVY!r}) & {{m.split(".")[0] for m in sys.modules}})))
"""
    proc = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.fixture
def behind_the_head(tmp_path: Path) -> Iterator[str]:
    """A SQLite store whose schema is behind this program's head; after the test it must
    hold no task and no activity (a plain path left it to the ordinary way)."""
    import sqlite3

    target = tmp_path / "old.db"
    open_store(str(target)).close()
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    yield str(target)
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM task").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM activity").fetchone() == (0,)


@pytest.fixture
def cli_process(store_target: str, isolated_home: Path) -> Cli:
    """Run `taskboard ARGS --db STORE` as a real subprocess."""

    def run(*args: str, db: str | None = store_target, stdin: str | None = None) -> CliResult:
        env = dict(os.environ)
        full = [sys.executable, "-m", "taskboard", *args]
        if db is not None:
            full += ["--db", db]
        proc = subprocess.run(
            full, capture_output=True, text=True, env=env, input=stdin, timeout=120
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def key_result(store: Store) -> str:
    """A key result `O1-KR1` (at 3000 of 10000, confidence 0.5) inserted straight into the store."""
    with store.write() as s:
        cycle = Cycle(name="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
        s.add(cycle)
        s.flush()
        objective = Objective(number=1, key="O1", title="Deliver cars", cycle_id=cycle.id or 0)
        s.add(objective)
        s.flush()
        s.add(
            KeyResult(
                objective_id=objective.id or 0,
                number=1,
                key="O1-KR1",
                title="Cars delivered",
                target_value=10000,
                current_value=3000.0,
                confidence=0.5,
            )
        )
    return "O1-KR1"


def undo_refused(services: Services, key: str) -> None:
    """`services`' undo is refused, naming why: @mia moved `key` on to Done since."""
    from taskboard.services.errors import ConflictError

    with pytest.raises(ConflictError) as refused:
        services.undo.undo()
    assert str(refused.value) == (
        f"{key}'s column was changed since by @mia (now Done): not undoing over it"
    )


def row_counts(store: Store) -> dict[str, int]:
    """The rows of every table the dump holds: the same before and after a refused change
    shows it wrote nothing."""
    from sqlalchemy import func, select

    from taskboard.services.dump import DUMP_TABLES

    with store.read() as s:
        return {
            t.name: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in DUMP_TABLES
        }
