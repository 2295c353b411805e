"""Board benchmark: first paint of a 10,000-task board against a bare Textual app, and `L`.

    python -m benchmarks.bench_board [--runs 5] [--tasks 10000]

Prints the first-paint figures of ../shared/tools/first-paint (median seconds,
peak RSS, ratio to the floor app pair by pair) and the median time from the
`L` key to the card being stored in its new column and the board repainted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taskboard.services import Services, TaskDraft
from taskboard.store import open_store
from taskboard.ui.app import UiOptions, make_app
from taskboard.ui.screens.board import BoardScreen

FIRST_PAINT = Path(__file__).resolve().parents[2] / "shared" / "tools" / "first-paint"
COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")


def build(target: str, tasks: int) -> None:
    services = Services.open(open_store(target), "bench")
    services.projects.create("BIG", "Ten thousand cards", COLUMNS)
    drafts = [
        TaskDraft(
            title=f"Card number {i} with a title long enough to wrap once",
            column=COLUMNS[i % 4],
            assignee=("anna", "ben", "carla")[i % 3],
            tags=("load",),
        )
        for i in range(tasks)
    ]
    started = time.perf_counter()
    services.tasks.create_many(drafts, "BIG")
    print(f"created {tasks} tasks in {time.perf_counter() - started:.2f} s")
    services.ctx.store.close()


async def move_times(target: str, presses: int) -> list[float]:
    services = Services.open(open_store(target), "bench")
    app = make_app(services, UiOptions(project="BIG"))
    times: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        for i in range(presses):
            key = "L" if i % 2 == 0 else "H"
            card = screen.current_card()
            assert card is not None
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()  # the repaint
            times.append(time.perf_counter() - started)
            stored = services.tasks.row(card.key).column
            assert stored == COLUMNS[1 if key == "L" else 0], stored
    services.ctx.store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = str(Path(tmp) / "big.db")
        build(target, args.tasks)
        taskboard = str(Path(sys.executable).with_name("taskboard"))
        if FIRST_PAINT.exists():
            subprocess.run(
                [
                    sys.executable,
                    str(FIRST_PAINT),
                    "--runs",
                    str(args.runs),
                    "--text",
                    "Card number 0",
                    "--",
                    taskboard,
                    "--db",
                    target,
                    "board",
                    "BIG",
                ],
                check=True,
            )
        else:
            print(f"first-paint tool not found at {FIRST_PAINT}; skipping first paint")
        times = asyncio.run(move_times(target, args.presses))
        print(
            f"L/H key → stored and repainted: median {statistics.median(times) * 1000:.1f} ms "
            f"[{min(times) * 1000:.1f}..{max(times) * 1000:.1f}] over {len(times)} presses"
        )


if __name__ == "__main__":
    main()
