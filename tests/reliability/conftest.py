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

`faults.judge(what, code, stdout, stderr)` counts one CLI run in one call: it calls
`tried` and then `refused`, `passed` or `traceback`. A test that counts a traceback or a
lost datum fails when it ends, with the details, so no test can forget to assert; the
summary prints the totals of the whole run ("faults tried", "clean refusals", "done
despite the fault", "tracebacks", "data lost"; the last two must be 0).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
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
        if kind in ("traceback", "lost"):
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
