"""PostgreSQL vs SQLite: `taskboard add` as a whole process, and a 10,000-task board's first paint.

Run with `python -m benchmarks.bench_postgres [--runs N]`. The server comes from
TASKBOARD_TEST_POSTGRES_URL (default: the local test cluster); a scratch database
is created and dropped. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.tools import find_tool, tool_line
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store
from taskboard.tools.scratch import scratch_database

DEFAULT_URL = "postgresql+psycopg://taskboard:taskboard@127.0.0.1:5432/taskboard_test"
FIRST_PAINT = find_tool("first-paint")
COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")
TASKBOARD = str(Path(sys.executable).with_name("taskboard"))


def seed(target: str, tasks: int) -> float:
    """Project ADD for the add benchmark, project BIG with `tasks` cards over 5 columns."""
    store = open_store(target)
    services = Services.open(store, "bench")
    services.projects.create("ADD", "Adds")
    services.projects.create("BIG", "Ten thousand cards", COLUMNS)
    drafts = [
        TaskDraft(
            title=f"Card number {i} with a title long enough to wrap once",
            column=COLUMNS[i % 5],
            assignee=("anna", "ben", "carla")[i % 3],
            tags=("load",),
        )
        for i in range(tasks)
    ]
    started = time.perf_counter()
    services.tasks.create_many(drafts, "BIG")
    took = time.perf_counter() - started
    store.close()
    return took


def timed_add(target: str, env: dict[str, str]) -> float:
    cmd = [
        TASKBOARD,
        "add",
        "Papers to the registration agent @jonas #papers !high +ADD",
        "--new-person",
    ]
    started = time.perf_counter()
    subprocess.run(
        [*cmd, "--db", target],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def bench_add(targets: dict[str, str], runs: int, env: dict[str, str]) -> None:
    times: dict[str, list[float]] = {name: [] for name in targets}
    for target in targets.values():
        timed_add(target, env)  # warm the page cache and the bytecode
    for _ in range(runs):  # alternate, so load from others hits both alike
        for name, target in targets.items():
            times[name].append(timed_add(target, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(
            f"taskboard add on {name:10}: median {medians[name] * 1000:.0f} ms over {runs} runs "
            f"[{min(t) * 1000:.0f}..{max(t) * 1000:.0f}]"
        )
    print(f"ratio add postgresql / sqlite: {medians['postgresql'] / medians['sqlite']:.2f}x")


def first_paint(target: str, runs: int, env: dict[str, str]) -> float | None:
    board = [TASKBOARD, "--db", target, "board", "BIG"]
    proc = subprocess.run(
        tool_line("first-paint", "--runs", str(runs), "--text", "BIG-1", "--", *board),
        capture_output=True,
        text=True,
        env=env,
    )
    print(proc.stdout.rstrip() or proc.stderr.rstrip())
    found = re.search(r"^command:\s+median ([0-9.]+) s", proc.stdout, re.MULTILINE)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="`taskboard add` runs per backend")
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL", DEFAULT_URL)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(server, "taskboard_bench") as pg:
        env = dict(os.environ)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            env[var] = str(Path(tmp) / var.lower())
        env.pop("TASKBOARD_DB", None)
        targets = {"sqlite": str(Path(tmp) / "bench.db"), "postgresql": pg}
        for name, target in targets.items():
            took = seed(target, args.tasks)
            print(f"{name:10}: created {args.tasks} tasks with create_many in {took:.2f} s")
        bench_add(targets, args.runs, env)
        if FIRST_PAINT is None:
            print("first-paint tool not found (set TASKBOARD_TOOLS); skipping first paint")
            return
        paints: dict[str, float | None] = {}
        for name, target in targets.items():
            print(f"-- first paint of board BIG ({args.tasks} tasks) on {name}")
            paints[name] = first_paint(target, args.paint_runs, env)
        if paints["sqlite"] and paints["postgresql"]:
            print(
                f"ratio first paint postgresql / sqlite: "
                f"{paints['postgresql'] / paints['sqlite']:.2f}x "
                f"({paints['postgresql']:.3f} s vs {paints['sqlite']:.3f} s)"
            )


if __name__ == "__main__":
    main()
