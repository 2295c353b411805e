"""Reliability suite helpers: writer processes that start together, and figures in the summary.

Each test records its figures with the `figures` fixture; they are printed in
pytest's terminal summary, so CI logs show them without `-s`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

FIGURES = pytest.StashKey[list[str]]()

Spawn = Callable[..., list[subprocess.Popen[str]]]


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> list[str]:
    """Append one line per figure; the line names the test's backend where it matters."""
    return request.config.stash.setdefault(FIGURES, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.write_sep("-", "reliability figures")
        for line in lines:
            terminalreporter.write_line(line)


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
