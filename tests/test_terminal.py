"""Which command lines open the board, and the board itself in a real (pseudo-)terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from taskboard import cli
from taskboard.cli import CommandLine
from taskboard.services import Services
from taskboard.store import open_store


@pytest.mark.parametrize(
    ("args", "words", "db"),
    [
        ([], (), None),
        (["--db", "x.db"], (), "x.db"),
        (["board"], ("board",), None),
        (["--db", "x.db", "board", "DEL"], ("board", "DEL"), "x.db"),
        (["board", "DEL", "--db=y.db"], ("board", "DEL"), "y.db"),
        (["--db", "x.db", "board", "--db", "y.db"], ("board",), "y.db"),  # the last one counts
    ],
)
def test_lines_that_open_the_board(args: list[str], words: tuple[str, ...], db: str | None) -> None:
    line = CommandLine.parse(args)
    assert (line.words, line.db, line.opens_board) == (words, db, True)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["board", "--help"],
        ["--version"],
        ["board", "DEL", "extra"],
        ["--db"],  # the value is missing: Typer says so
        ["--db=", "board"],  # empty: Typer's reading (the configured store), not a guess
        ["--db", "", "board"],
        ["list"],
        ["--db", "board", "list"],  # `board` is the store's name here
        ["DEL"],
    ],
)
def test_every_other_line_goes_to_typer(args: list[str]) -> None:
    assert not CommandLine.parse(args).opens_board


def test_the_command_is_found_after_the_store_option() -> None:
    """`--db big.db okr list` is the okr group's line: the store's name is no command."""
    assert CommandLine.parse(["--db", "big.db", "okr", "list"]).words[0] == "okr"


def test_the_board_line_skips_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str | None, str | None]] = []

    def typer_app() -> None:
        raise AssertionError("Typer parsed a line that only opens the board")

    monkeypatch.setattr(cli, "app", typer_app)
    monkeypatch.setattr(cli, "_run_board", lambda db, key: opened.append((db, key)))
    monkeypatch.setattr(sys, "argv", ["taskboard", "--db", "t.db", "board", "DEL"])
    cli.main()
    monkeypatch.setattr(sys, "argv", ["taskboard"])
    cli.main()
    assert opened == [("t.db", "DEL"), (None, None)]


def test_ctrl_c_while_the_board_starts_aborts_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(db: str | None, key: str | None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run_board", interrupted)
    monkeypatch.setattr(sys, "argv", ["taskboard", "board"])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 1
    assert capsys.readouterr().err == "Aborted!\n"  # as Typer says it, no traceback


def test_an_unknown_board_is_a_clean_error(store_target: str) -> None:
    Services.open(open_store(store_target), "tester").projects.create("DEL", "Deliveries")
    proc = subprocess.run(
        [sys.executable, "-m", "taskboard", "--db", store_target, "board", "NOPE"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "NOPE" in proc.stderr
    assert "Traceback" not in proc.stderr


class Terminal:
    """A program on a pseudo-terminal of a given size: what it wrote, and keys to send it."""

    def __init__(self, args: list[str], size: tuple[int, int] = (120, 40)) -> None:
        self.master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = b""

    def read_until(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; output: {self.output[-2000:]!r}")
            self._read()

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 30) -> int:
        """The exit code, reading what the program still writes (it blocks on a full pty)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read()
        return self.proc.wait(timeout=1)

    def _read(self) -> None:
        if select.select([self.master], [], [], 0.1)[0]:
            try:
                self.output += os.read(self.master, 65536)
            except OSError:  # the program closed its side
                time.sleep(0.1)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def wait_for(check: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change never reached the store"
        time.sleep(0.1)


@pytest.mark.slow
def test_the_board_in_a_real_terminal(store_target: str, isolated_home: Path) -> None:
    """Paints, moves a card with L (stored at once), quits with q and exit code 0. On SQLite
    the board paints from the stdlib snapshot and the services load behind it; PostgreSQL
    opens the services first: both start through the same line."""
    services = Services.open(open_store(store_target), "tester")
    services.projects.create("DEL", "Deliveries", ("Arrived", "Papers", "Done"))
    services.tasks.capture("Car 4718 arrived at the hub +DEL")
    term = Terminal([sys.executable, "-m", "taskboard", "--db", store_target, "board", "DEL"])
    try:
        term.read_until("DEL-1")
        term.read_until("Arrived  1")
        term.press("L")
        wait_for(lambda: services.tasks.row("DEL-1").column == "Papers")
        term.press("q")
        assert term.wait() == 0
    finally:
        term.close()
    assert b"Traceback" not in term.output
    assert services.tasks.row("DEL-1").column == "Papers"


def open_and_quit(args: list[str], shows: str) -> None:
    term = Terminal([sys.executable, "-m", "taskboard", *args])
    try:
        term.read_until(shows)
        term.press("q")
        assert term.wait() == 0
    finally:
        term.close()
    assert b"Traceback" not in term.output


@pytest.mark.slow
def test_the_board_opened_last_opens_next_time(
    store_target: str, isolated_home: Path, tmp_path: Path
) -> None:
    services = Services.open(open_store(store_target), "tester")
    for key in ("DEL", "SRV"):
        services.projects.create(key, f"Project {key}")
        services.tasks.capture(f"First card +{key}")
    config = isolated_home / "config" / "taskboard" / "taskboard.toml"
    open_and_quit(["--db", store_target, "board", "SRV"], shows="SRV-1")
    assert tomllib.loads(config.read_text())["last_project"] == "SRV"
    open_and_quit(["--db", store_target], shows="SRV-1")
    # The demo is a store of its own: opening it does not change what yours reopens.
    open_and_quit(["demo", "--db", str(tmp_path / "demo.db")], shows="DEL-1")
    assert tomllib.loads(config.read_text())["last_project"] == "SRV"
