"""Online backups taken while another process writes restore to consistent, complete stores."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from taskboard.services import Services
from taskboard.store import open_store
from taskboard.store.backup import backup_sqlite
from taskboard.store.check import check_store

BACKUPS = 6

WRITER = r"""
import sys
from taskboard.services import Services
from taskboard.store import open_store

services = Services.open(open_store(sys.argv[1]), "writer")
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()
i = 0
while True:
    key = services.tasks.capture(f"written during the backup {i} #live", "BAK").task.key
    if i % 3 == 0:
        services.tasks.comment(key, f"comment {i}")
    i += 1
"""


def _consistent_counts(path: Path) -> tuple[int, int]:
    """Tasks and comments in a restored copy, after checking they belong together."""
    with sqlite3.connect(path) as raw:
        tasks = raw.execute("SELECT count(*) FROM task").fetchone()[0]
        numbers = [r[0] for r in raw.execute("SELECT number FROM task ORDER BY number")]
        creates = raw.execute(
            "SELECT count(*) FROM activity WHERE action = 'create' AND entity = 'task'"
        ).fetchone()[0]
        untagged = raw.execute(
            "SELECT count(*) FROM task WHERE id NOT IN (SELECT task_id FROM task_tag)"
        ).fetchone()[0]
        comments = raw.execute("SELECT count(*) FROM comment").fetchone()[0]
    assert numbers == list(range(1, tasks + 1))
    assert creates == tasks
    assert untagged == 0
    assert comments <= (tasks + 2) // 3
    return tasks, comments


@pytest.mark.slow
@pytest.mark.timeout(170)
def test_backups_during_writes_restore_to_consistent_stores(
    tmp_path: Path, spawn: Callable[..., list[subprocess.Popen[str]]], figures: list[str]
) -> None:
    live = tmp_path / "live.db"
    store = open_store(str(live))
    Services.open(store, "tester").projects.create("BAK", "Backups")
    (writer,) = spawn(WRITER, [str(live)])
    counts: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while Services.open(store, "tester").projects.get("BAK").open_tasks == 0:
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.05)
        for n in range(BACKUPS):
            time.sleep(0.3)
            started = time.perf_counter()
            copy = backup_sqlite(store.engine, tmp_path / f"copy-{n}.db")
            took = time.perf_counter() - started
            assert writer.poll() is None  # the writer kept going: nothing was locked out
            restored = open_store(str(copy))
            try:
                assert check_store(restored) == []  # integrity_check and foreign_key_check
            finally:
                restored.close()
            tasks, _comments = _consistent_counts(copy)
            counts.append(tasks)
    finally:
        writer.kill()
        writer.wait(timeout=10)
        store.close()
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0
    figures.append(
        f"online backup: {BACKUPS} backups while a process wrote, {counts[0]}..{counts[-1]} "
        f"tasks each, last took {took * 1000:.0f} ms, every copy consistent"
    )
