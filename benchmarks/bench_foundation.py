"""Foundation figures: `taskboard add` start-up, capture lines/s, 10,000 tasks in one transaction.

Run with `python -m benchmarks.bench_foundation [RUNS]`; it prints figures and asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.bench_capture import lines_per_second, make_corpus
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_add(workdir: Path, runs: int) -> None:
    """`taskboard add` as a whole process against `import sqlmodel`, alternating the two."""
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[var] = str(workdir / var.lower())
    env.pop("TASKBOARD_DB", None)
    store = workdir / "add.db"
    open_store(str(store)).close()  # migrated up front: the figure is the steady state
    script = shutil.which("taskboard", path=str(Path(sys.executable).parent))
    add = [script] if script else [sys.executable, "-m", "taskboard"]
    add += [
        "add",
        "Papers to the registration agent @jonas #papers !high ^fri",
        "--new-person",
        "--db",
        str(store),
    ]
    baseline = [sys.executable, "-c", "import sqlmodel"]
    _timed(add, env)  # warm the page cache and the bytecode
    _timed(baseline, env)
    adds, bases = [], []
    for _ in range(runs):
        adds.append(_timed(add, env))
        bases.append(_timed(baseline, env))
    add_median, base_median = statistics.median(adds), statistics.median(bases)
    print(
        f"taskboard add (whole process): median {add_median * 1000:.0f} ms over {runs} runs "
        f"(min {min(adds) * 1000:.0f}, max {max(adds) * 1000:.0f})"
    )
    print(f'python -c "import sqlmodel":   median {base_median * 1000:.0f} ms over {runs} runs')
    print(f"ratio add / import sqlmodel:   {add_median / base_median:.2f}x (goal: at most 1.5x)")


def bench_capture() -> None:
    lines = make_corpus(20_000)
    rate, errors = lines_per_second(lines)
    print(
        f"capture parser: {rate:,.0f} lines/s (best of 5 over {len(lines):,} "
        f"lines, {errors} with errors; goal: over 150,000/s)"
    )


def bench_create_many(workdir: Path, count: int = 10_000) -> None:
    store = open_store(str(workdir / "bulk.db"))
    try:
        services = Services.open(store, "bench")
        services.projects.create("BULK", "Bulk")
        for handle in ("anna", "carl", "jonas"):
            services.people.add(handle, handle.title())
        today = date(2026, 11, 23)
        columns = ("backlog", "to do", "doing")
        drafts = [
            TaskDraft(
                title=f"Car {4000 + i}: papers to the registration agent",
                column=columns[i % 3],
                assignee=("anna", "carl", "jonas")[i % 3],
                due=today + timedelta(days=i % 30),
                priority=("urgent", "high", "normal", "low")[i % 4],
                tags=("handover", f"batch{i % 10}"),
            )
            for i in range(count)
        ]
        started = time.perf_counter()
        keys = services.tasks.create_many(drafts, "BULK")
        elapsed = time.perf_counter() - started
    finally:
        store.close()
    print(
        f"create_many: {len(keys):,} tasks (with tags and activity) in one transaction: "
        f"{elapsed:.2f} s = {count / elapsed:,.0f} tasks/s (goal: under 2 s)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory(prefix="taskboard-bench-") as tmp:
        workdir = Path(tmp)
        bench_add(workdir, runs)
        bench_capture()
        bench_create_many(workdir)


if __name__ == "__main__":
    main()
