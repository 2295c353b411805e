"""Two processes read-modify-write the same tasks: every conflict is detected and retried."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import pytest

from taskboard.services import Services
from taskboard.store import open_store

APPENDS = 24
KEYS = ("RMW-1", "RMW-2", "RMW-3")

EDITOR = r"""
import sys
from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.services.errors import ConflictError
from taskboard.store import open_store

target, marker, appends, keys = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
services = Services.open(open_store(target), marker)
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()
conflicts = 0
for i in range(appends):
    key = keys[i % len(keys)]
    while True:
        row = services.tasks.row(key)  # read
        notes = f"{row.notes}{marker}:{i};"  # modify
        try:
            services.tasks.edit(key, TaskChanges(notes=notes), row.version)  # write
            break
        except ConflictError:
            conflicts += 1
print(conflicts)
"""


@pytest.mark.slow
@pytest.mark.timeout(170)
def test_concurrent_read_modify_write_loses_no_update(
    store_target: str, spawn: Callable[..., list[subprocess.Popen[str]]], figures: list[str]
) -> None:
    store = open_store(store_target)
    services = Services.open(store, "tester")
    services.projects.create("RMW", "Edits")
    for key in KEYS:
        assert services.tasks.capture(f"shared {key}", "RMW").task.key == key
    initial = {key: services.tasks.row(key).version for key in KEYS}
    store.close()

    procs = spawn(EDITOR, *[[store_target, m, str(APPENDS), *KEYS] for m in ("alpha", "beta")])
    conflicts = 0
    for p in procs:
        out, err = p.communicate(timeout=150)
        assert p.returncode == 0, err
        conflicts += int(out.strip())

    store = open_store(store_target)
    try:
        services = Services.open(store, "tester")
        rows = {key: services.tasks.row(key) for key in KEYS}
    finally:
        store.close()
    for marker in ("alpha", "beta"):
        for i in range(APPENDS):
            key = KEYS[i % len(KEYS)]
            assert len(re.findall(rf"\b{marker}:{i};", rows[key].notes)) == 1, (marker, i)
    total = sum(len(r.notes.split(";")) - 1 for r in rows.values())
    assert total == 2 * APPENDS
    # Each successful edit bumps the version once: nothing wrote around the check.
    for n, key in enumerate(KEYS):
        edits = 2 * len(range(n, APPENDS, len(KEYS)))
        assert rows[key].version - initial[key] == edits, key
    backend = "postgresql" if store_target.startswith("postgresql") else "sqlite"
    figures.append(
        f"read-modify-write ({backend}): 2 processes x {APPENDS} edits of {len(KEYS)} tasks, "
        f"{conflicts} conflicts detected and retried, 0 lost updates"
    )
