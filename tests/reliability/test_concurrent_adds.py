"""Several processes adding tasks to one store at once: no lock errors for anyone, keys unique."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from taskboard.services import Services
from taskboard.store import open_store

WRITERS = 4
PER_WRITER = 30

ADDER = r"""
import sys, time
from taskboard.services import Services
from taskboard.store import open_store

target, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
services = Services.open(open_store(target), name)
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()
started = time.perf_counter()
for i in range(count):
    print(services.tasks.capture(f"{name} adds {i} #busy", "ADD").task.key)
print(f"seconds {time.perf_counter() - started}")
"""

LOCK_WORDS = ("locked", "deadlock", "could not serialize", "lock timeout", "Traceback")


@pytest.mark.slow
@pytest.mark.timeout(170)
def test_concurrent_adders_get_unique_keys_and_no_lock_errors(
    store_target: str, spawn: Callable[..., list[subprocess.Popen[str]]], figures: list[str]
) -> None:
    store = open_store(store_target)
    Services.open(store, "tester").projects.create("ADD", "Adds")
    store.close()

    started = time.perf_counter()
    procs = spawn(ADDER, *[[store_target, f"w{n}", str(PER_WRITER)] for n in range(WRITERS)])
    printed: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=150)
        assert p.returncode == 0, err
        assert not any(word in err for word in LOCK_WORDS), err
        lines = out.split()
        printed += [w for w in lines if w.startswith("ADD-")]
    elapsed = time.perf_counter() - started

    assert len(printed) == len(set(printed)) == WRITERS * PER_WRITER
    store = open_store(store_target)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT key, number FROM task")).all()
            creates = conn.execute(
                text("SELECT count(*) FROM activity WHERE action = 'create' AND entity = 'task'")
            ).scalar()
    finally:
        store.close()
    assert sorted(k for k, _ in rows) == sorted(printed)
    assert sorted(n for _, n in rows) == list(range(1, WRITERS * PER_WRITER + 1))
    assert creates == WRITERS * PER_WRITER
    backend = "postgresql" if store_target.startswith("postgresql") else "sqlite"
    figures.append(
        f"concurrent adds ({backend}): {WRITERS} processes x {PER_WRITER} tasks in "
        f"{elapsed:.1f} s ({WRITERS * PER_WRITER / elapsed:.0f} tasks/s once started), "
        "0 lock errors, keys unique and gap-free"
    )
