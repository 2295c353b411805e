"""Reliability suite helpers: writer processes that start together, figures, fault counts.

Each test records its figures with the `figures` fixture and its faults with the
`faults` fixture; both are printed in pytest's terminal summary on every run (under
xdist too), so CI logs show them without `-s`.

The fault counters (`faults` fixture, a `Faults`) — for every fault a test tries:

    faults.tried("garbage store: list")   # once per fault tried, before judging it
    faults.refused("…")     # the program refused it with one clear line and exit 1
    faults.passed("…")      # the program did its job despite it (a read away from a bad page)
    faults.traceback("…", output)   # a traceback, an "internal error", any other exit: a bug
    faults.lost("…", detail)        # data lost or changed (a file, the store): a bug
    faults.leaked("…", detail)      # a control character reached the terminal: a bug

`faults.judge(what, code, stdout, stderr)` counts one CLI run in one call: it calls
`tried` and then `refused`, `passed` or `traceback`. A test that counts a traceback or a
lost datum fails when it ends, with the details, so no test can forget to assert; the
summary prints the totals of the whole run ("faults tried", "clean refusals", "done
despite the fault", "tracebacks", "data lost", "escapes shown"; the last three must be 0).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

Spawn = Callable[..., list[subprocess.Popen[str]]]


def _report(config: pytest.Config) -> Any:
    """The run's report (see `RunReport` in tests/conftest.py)."""
    return config.pluginmanager.get_plugin("taskboard-run-report")


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> list[str]:
    """Append one line per figure; the line names the test's backend where it matters."""
    lines: list[str] = _report(request.config).lines
    return lines


class Faults:
    """Counts the faults one test tries and how the program took each (see the module doc)."""

    def __init__(self, totals: Counter[str], details: list[str], test: str) -> None:
        self._totals = totals
        self._details = details
        self._test = test
        self.counts: Counter[str] = Counter()
        self.bugs: list[str] = []

    def _count(self, kind: str, what: str = "", detail: str = "") -> None:
        self.counts[kind] += 1
        self._totals[kind] += 1
        if kind in ("traceback", "lost", "leaked"):
            line = f"{kind}: {self._test}: {what}: {detail.strip()[-600:]}"
            self.bugs.append(line)
            self._details.append(line)

    def tried(self, what: str = "") -> None:
        self._count("tried", what)

    def refused(self, what: str = "") -> None:
        self._count("refused", what)

    def passed(self, what: str = "") -> None:
        self._count("passed", what)

    def traceback(self, what: str, output: str = "") -> None:
        self._count("traceback", what, output)

    def lost(self, what: str, detail: str = "") -> None:
        self._count("lost", what, detail)

    def leaked(self, what: str, detail: str = "") -> None:
        self._count("leaked", what, detail)

    def judge(self, what: str, code: int | None, out: str, err: str) -> str:
        """Count one run of the CLI under a fault; returns "refused", "passed" or "traceback".

        Clean means: exit 0, or exit 1 with one line on stderr that starts with "error:"
        (warnings before it allowed) — never a traceback or an "internal error"."""
        self.tried(what)
        lines = [line for line in err.splitlines() if not line.startswith("warning:")]
        messy = "Traceback" in out + err or "internal error" in err
        if code == 0 and not messy:
            self.passed(what)
            return "passed"
        if code == 1 and not messy and len(lines) == 1 and lines[0].startswith("error: "):
            self.refused(what)
            return "refused"
        self.traceback(what, f"exit {code}\n{out[-300:]}\n{err}")
        return "traceback"


@pytest.fixture
def faults(request: pytest.FixtureRequest) -> Iterator[Faults]:
    """The fault counters (see the module doc); fails the test if it counted a bug."""
    report = _report(request.config)
    counter = Faults(report.counts, report.details, request.node.nodeid)
    yield counter
    assert not counter.bugs, "\n".join(counter.bugs)


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start Python scripts that print "ready", then release them all at once with "go"."""
    started: list[subprocess.Popen[str]] = []

    def start(script: str, *argv: list[str]) -> list[subprocess.Popen[str]]:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", script, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(os.environ),
            )
            for args in argv
        ]
        started.extend(procs)
        for p in procs:
            assert p.stdout is not None and p.stderr is not None
            line = p.stdout.readline()
            assert line == "ready\n", line + p.stderr.read()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        return procs

    yield start
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


# ---- the command line under faults ----------------------------------------------------

CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """`taskboard ARGS` in this process (hundreds of faults would take minutes as
    processes): returns exit code, stdout, stderr. Screens and servers are built but
    not run: the board's app is made (store opened, snapshot read) and returns at once."""
    from taskboard import cli
    from taskboard.ui.app import TaskboardApp

    monkeypatch.setattr(TaskboardApp, "run", lambda self, *a, **k: None)
    monkeypatch.setattr(
        "taskboard.commands.serve_web.TokenServer.serve", lambda self, *a, **k: None
    )

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@dataclass(frozen=True)
class Invocation:
    """One command line of the suite: the words that name the command, and all its args."""

    words: tuple[str, ...]
    args: tuple[str, ...]
    params: frozenset[str]

    @property
    def name(self) -> str:
        return " ".join(self.words) or "(board)"

    def with_db(self, target: str) -> list[str]:
        return [*self.args, "--db", target]


# A value for each parameter name, chosen so the command gets as far as the store.
VALUES: dict[str, str] = {
    "line": "Papers to the agent @carl #papers +DEL",
    "handle": "carl",
    "key": "DEL-1",
    "keys": "DEL-1",
    "words": "courier",
    "text": "Courier booked",
    "tokens": "!high #papers",
    "fmt": "csv",
    "from_handle": "carl",
    "to_handle": "anna",
    "meeting_id": "1",
    "meeting": "last",
    "column": "Doing",
    "key_result": "O1-KR1",
    "value": "4200",
    "outcome": "achieved",
    "objective": "O1",
    "title": "Deliver the cars",
    "cycle": "2026-Q4",
    "name": "Vehicle handover",
    "limit": "3",
    "step": "Call the customer +1d",
}
# Where a command means something else by a name, or needs more to reach the store.
OVERRIDES: dict[tuple[str, ...], dict[str, str]] = {
    ("project", "add"): {"key": "NEW", "name": "New project"},
    ("project", "wip"): {"key": "DEL"},
    ("person", "add"): {"handle": "mia", "name": "Mia Keller"},
    ("template", "from-project"): {"key": "DEL", "name": "From the board"},
    ("template", "from-task"): {"name": "From a task"},
    ("template", "create"): {"name": "New checklist"},
    ("okr", "status"): {"key": "O1", "value": "at_risk"},
    ("okr", "close"): {"key": "O1"},
}
EXTRA: dict[tuple[str, ...], tuple[str, ...]] = {
    ("template", "apply"): ("--anchor", "2026-12-01", "--name", "Handover 4720"),
    ("demo",): ("--no-tui",),
    ("meeting", "start"): ("--no-tui",),
    ("okr", "kr", "add"): ("--target", "10000"),
    # Both optional to Click, so that a forgotten column is named as what is missing.
    ("move",): ("DEL-1", "Doing"),
}


def every_command(workdir: Path) -> list[Invocation]:
    """Every command of the Typer app, each with arguments that reach the store: a new
    command is in the suite the day it is registered."""
    import typer.main

    from taskboard import cli
    from taskboard.commands import register
    from taskboard.commands.root import walk

    register(cli.app)
    importable = workdir / "import.json"
    importable.write_text('[{"description": "From taskwarrior", "status": "pending"}]')
    files = {"path": str(workdir / "backup.db"), "file": str(importable)}
    found = [Invocation((), (), frozenset())]  # `taskboard` alone: the board
    for words, command in walk(typer.main.get_command(cli.app)):
        if getattr(command, "commands", None) and words != ("meeting",):
            continue
        values = VALUES | files | OVERRIDES.get(words, {})
        args: list[str] = list(words)
        for param in command.params:
            if param.name == "db" or not param.required:
                continue
            value = values[param.name]  # a new parameter name: add a value above
            if type(param).__name__.endswith("Argument"):
                args.append(value)
            else:
                args += [param.opts[0], value]
        args += EXTRA.get(words, ())
        found.append(Invocation(words, tuple(args), frozenset(p.name for p in command.params)))
    return found


def seed_store(target: str) -> None:
    """A store where every command finds what it names: DEL-1, carl and anna, O1 and
    O1-KR1 in 2026-Q4, meeting 1, the template "Vehicle handover", and enough tasks
    and comments that damage in the middle of the file hits data."""
    from datetime import date

    from taskboard.services import Services
    from taskboard.store import open_store

    store = open_store(target)
    services = Services.open(store, "carl")
    services.projects.create("DEL", "Deliveries", ["Backlog", "Papers", "Doing", "Done"])
    services.people.add("carl", "Carl Berg")
    services.people.add("anna", "Anna Adler")
    services.okr.add_objective("Deliver cars", "2026-Q4", "carl", None, "")
    services.okr.add_key_result("O1", "Cars delivered", 0, 10000)
    for i in range(80):
        key = services.tasks.capture(f"Car {i} papers to the agent @carl #papers", "DEL").task.key
        services.tasks.comment(key, f"Comment {i}: courier booked, papers sent " * 3)
    meeting = services.meetings.start(title="Weekly", project="DEL", attendees=["carl"])
    services.meetings.capture(meeting.id, "d: ship on Friday")
    from taskboard.domain.templates import parse_step_line

    services.templates.create(
        "Vehicle handover", [parse_step_line("Papers +0d", date(2026, 1, 1))], "Steps"
    )
    store.close()


@pytest.fixture
def commands(tmp_path: Path) -> list[Invocation]:
    """Every command of the app with arguments that reach the store (`every_command`)."""
    return every_command(tmp_path)


@dataclass
class EveryCommand:
    """Every command line of the CLI (`commands`), run in this process (`run_cli`) against
    one store, each judged by the fault counters (`faults`)."""

    commands: list[Invocation]
    run_cli: CliRun
    faults: Faults

    def judged(self, store: Path, what: str) -> Iterator[tuple[Invocation, str, str]]:
        """Each command against `store`, in turn: (the command, how it was judged, stderr)."""
        for inv in self.commands:
            code, out, err = self.run_cli(*inv.with_db(str(store)))
            yield inv, self.faults.judge(f"{what}: {inv.name}", code, out, err), err


@pytest.fixture
def every(commands: list[Invocation], run_cli: CliRun, faults: Faults) -> EveryCommand:
    return EveryCommand(commands, run_cli, faults)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite store (`seed_store`), made once per test module: copy it to use it."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    seed_store(str(path))
    return path


def rows_of(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite store, WAL included: to compare a store before
    and after a command that must not have changed it."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(tuple, raw.execute(f'SELECT * FROM "{t}"'))) for t in tables}


@pytest.fixture
def store_rows() -> Callable[[Path], dict[str, list[tuple[Any, ...]]]]:
    """`rows_of`: every row of a store, to show it unchanged."""
    return rows_of


@pytest.fixture
def tiny_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of the test module's `TINY_DISK` size (2 MB unless it says), root only: CI and
    the dev machines run as root; elsewhere the fsync and page-limit faults cover a full disk."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    size = getattr(request.module, "TINY_DISK", "2m")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill_disk(directory: Path) -> Path:
    """Take every free block of the file system holding `directory` (a `tiny_disk`): the
    file that holds them."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)
    return filler
