"""Batch changes: `move_many` of N cards in one change, its undo and its redo.

    python -m benchmarks.bench_bulk [--tasks 2000] [--batches 10,100,500] [--runs 3]

On SQLite, and on PostgreSQL when TASKBOARD_TEST_POSTGRES_URL names a server (a
scratch database is created and dropped). A board of `--tasks` cards in To do; each
batch moves the first N to Doing, undoes and redoes it, then undoes again so the next
run starts from the same board. Prints median seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_postgres import scratch_database
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store


def timed(call: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def measure(target: str, tasks: int, batches: list[int], runs: int, label: str) -> None:
    store = open_store(target)
    try:
        services = Services.open(store, "bench")
        services.projects.create("BIG", "Many cards")
        keys = services.tasks.create_many(
            [TaskDraft(title=f"Card {i}", column="To do") for i in range(tasks)], "BIG"
        )
        for size in batches:
            chosen = keys[:size]
            moves, undos, redos = [], [], []
            for _ in range(runs):
                moves.append(timed(services.tasks.move_many, chosen, "Doing"))
                undos.append(timed(services.undo.undo))
                redos.append(timed(services.undo.redo))
                services.undo.undo()
            print(
                f"{label:<10} {size:>5} cards of {tasks}: move {statistics.median(moves):.3f} s,"
                f" undo {statistics.median(undos):.3f} s, redo {statistics.median(redos):.3f} s"
                f"  ({1000 * statistics.median(moves) / size:.1f} ms a card)"
            )
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--batches", default="10,100,500")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    batches = [int(n) for n in args.batches.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        measure(str(Path(tmp) / "bench.db"), args.tasks, batches, args.runs, "sqlite")
    server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL")
    if server:
        with scratch_database(server) as url:
            measure(url, args.tasks, batches, args.runs, "postgresql")


if __name__ == "__main__":
    main()
