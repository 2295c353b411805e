"""Two OS processes capturing tasks into one store at the same time lose nothing and never lock."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from taskboard.domain.models import Task
from taskboard.store import open_store

PER_PROCESS = 200

WRITER = """
import sys
from taskboard.services import Services
from taskboard.store import open_store

store = open_store(sys.argv[1])
services = Services.open(store, sys.argv[2])
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()  # start together
for i in range(int(sys.argv[3])):
    services.tasks.capture(f"{sys.argv[2]} task {i} #load")
store.close()
"""


def _run_writers(target: str) -> list[tuple[int, str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, target, name, str(PER_PROCESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for name in ("alice", "bob")
    ]
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline() == "ready\n", p.stderr.read() if p.stderr else ""
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        _out, err = p.communicate(timeout=180)
        results.append((p.returncode, err))
    return results


def _check(target: str, results: list[tuple[int, str]]) -> None:
    for code, err in results:
        assert "database is locked" not in err
        assert code == 0, err
    store = open_store(target)
    try:
        with store.read() as s:
            keys = list(s.scalars(select(col(Task.key))))
            numbers = sorted(s.scalars(select(col(Task.number))))
            per_writer = {
                name: s.scalar(
                    select(func.count()).where(col(Task.title).startswith(f"{name} task "))
                )
                for name in ("alice", "bob")
            }
    finally:
        store.close()
    assert len(keys) == 2 * PER_PROCESS
    assert len(set(keys)) == len(keys)
    assert numbers == list(range(1, 2 * PER_PROCESS + 1))
    assert per_writer == {"alice": PER_PROCESS, "bob": PER_PROCESS}


@pytest.mark.slow
def test_two_processes_capture_into_one_store(store_target: str) -> None:
    """Both start on an empty store: the migration race is part of the test."""
    _check(store_target, _run_writers(store_target))
