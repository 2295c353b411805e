"""The board's first paint and key-to-screen times, on SQLite and on PostgreSQL behind a
latency proxy (a team database one country away).

    python -m benchmarks.bench_board_keys [--runs 3] [--presses 10] [--tasks 200] [--delay 0.05]

First paint: ../shared/tools/first-paint (process start until a card is on screen in tmux,
beside a bare Textual app). Keys: in the app (Textual's test driver), for each key, from
its action to the first frame that shows its effect ("shown"), and on to the store's
answer ("stored"), median and worst: done and open again, a move, its undo and redo,
reordering, and a move, undo and redo of two marked cards (one batch). The PostgreSQL
figures go through ../shared/tools/latency-proxy with
`--delay` seconds each way; the server comes from TASKBOARD_TEST_POSTGRES_URL (default:
the local test cluster), in a scratch database that is dropped afterwards. It prints
figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.bench_postgres import scratch_database
from benchmarks.tools import latency_proxy, tool_line
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions, make_app
from taskboard.ui.screens.board import BoardScreen

DEFAULT_URL = "postgresql+psycopg://taskboard:taskboard@127.0.0.1:5432/taskboard"
COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")
TASKBOARD = str(Path(sys.executable).with_name("taskboard"))


def seed(target: str, tasks: int) -> None:
    services = Services.open(open_store(target), "bench")
    services.projects.create("BIG", "Board", COLUMNS)
    drafts = [
        TaskDraft(title=f"Card number {i}", column=COLUMNS[i % 4], assignee=("anna", "ben")[i % 2])
        for i in range(tasks)
    ]
    services.tasks.create_many(drafts, "BIG")
    services.ctx.store.close()


def first_paint(target: str, runs: int) -> None:
    command = [TASKBOARD, "--db", target, "board", "BIG"]
    args = ["--runs", str(runs), "--settle", "0", "--text", "Card number 0", "--", *command]
    subprocess.run(tool_line("first-paint", *args), check=True)


async def key_times(target: str, presses: int) -> dict[str, tuple[list[float], list[float]]]:
    """key → (action to first frame showing its effect, action to the store's answer)."""
    services = Services.open(open_store(target), "bench")
    app = make_app(services, UiOptions(project="BIG"))
    times: dict[str, tuple[list[float], list[float]]] = {}
    async with app.run_test(size=(140, 40)) as pilot:
        while not app.store.idle or not isinstance(app.screen, BoardScreen):
            await pilot.pause(0.01)
        screen = app.screen
        screen.model.select(3, 0)  # the first card of Review, the last open column
        key = screen.model.current_card().key  # type: ignore[union-attr]
        second = screen.model.shown[3][1].key  # marked with it for the batches

        def card(k: str = key) -> tuple[str, int, bool]:
            row = screen.model.find(k)
            assert row is not None
            at = next(i for i, c in enumerate(screen.model.columns) if c.id == row.column_id)
            shown = screen.model.shown[at]
            return row.column, [r.key for r in shown].index(k), row.done

        def both_in(column: str) -> bool:
            return card(key)[0] == column and card(second)[0] == column

        def mark(keys: set[str]) -> None:
            screen.model.marks = set(keys)

        # Each effect is judged against the card as it was before the key; a step may first
        # mark cards (its keys then act on every marked card, as one change).
        Effect = Callable[[tuple[str, int, bool]], bool]
        steps: list[tuple[str, str, Effect, set[str]]] = [
            ("space (done)", "toggle_done", lambda was: card()[2], set()),
            ("space (open)", "toggle_done", lambda was: card()[0] == "Review", set()),
            ("L (move)", "move_card(1)", lambda was: card()[0] == "Done", set()),
            ("u (undo)", "undo", lambda was: card()[0] == "Review", set()),
            ("ctrl+r (redo)", "redo", lambda was: card()[0] == "Done", set()),
            ("u (undo)", "undo", lambda was: card()[0] == "Review", set()),
            ("K (reorder)", "reorder(-1)", lambda was: card()[1] == was[1] - 1, set()),
            ("J (reorder)", "reorder(1)", lambda was: card()[1] == was[1] + 1, set()),
            ("2 marked: L", "move_card(1)", lambda was: both_in("Done"), {key, second}),
            ("2 marked: u", "undo", lambda was: both_in("Review"), {key, second}),
            ("2 marked: ^r", "redo", lambda was: both_in("Done"), {key, second}),
            ("2 marked: u", "undo", lambda was: both_in("Review"), {key, second}),
        ]
        for _ in range(presses):
            for name, action, effect, marks in steps:
                mark(marks)
                screen.model.go_to(key)
                was = card()
                shown, stored = await one_key(app, screen, action, partial(effect, was))
                times.setdefault(name, ([], []))[0].append(shown)
                times[name][1].append(stored)
    services.ctx.store.close()
    return times


async def one_key(
    app: TaskboardApp, screen: BoardScreen, action: str, effect: Callable[[], bool]
) -> tuple[float, float]:
    started = time.perf_counter()
    await app.run_action(action, screen)  # what the key's binding runs
    while not effect():
        if time.perf_counter() - started > 30:
            raise SystemExit(f"{action}: its effect never showed")
        await asyncio.sleep(0.001)
    painted: list[float] = []
    app.call_after_refresh(lambda: painted.append(time.perf_counter()))
    while not painted:
        await asyncio.sleep(0.001)
    while not app.store.idle:
        await asyncio.sleep(0.001)
    return painted[0] - started, time.perf_counter() - started


def say(line: str) -> None:
    """Straight to the terminal: Textual's test driver redirects sys.stdout while it runs."""
    print(line, file=sys.__stdout__, flush=True)


def report(title: str, times: dict[str, tuple[list[float], list[float]]]) -> None:
    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:6.1f} ms  worst {max(values) * 1000:6.1f}"

    say(title)
    for name, (shown, stored) in times.items():
        say(f"  {name:13} ({len(shown):2})  shown {ms(shown)}   stored {ms(stored)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--skip-first-paint", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = str(Path(tmp) / "board.db")
        seed(target, args.tasks)
        if not args.skip_first_paint:
            say(f"SQLite, {args.tasks} cards: first paint")
            first_paint(target, args.runs)
        report("SQLite: keys", asyncio.run(key_times(target, args.presses)))
    server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL", DEFAULT_URL)
    with scratch_database(server) as url, latency_proxy(args.delay) as port:
        seed(url, args.tasks)
        slow = url.replace("127.0.0.1:5432", f"127.0.0.1:{port}")
        rtt = f"{args.delay * 2000:.0f} ms round trip"
        if not args.skip_first_paint:
            say(f"PostgreSQL behind {rtt}, {args.tasks} cards: first paint")
            first_paint(slow, args.runs)
        report(f"PostgreSQL behind {rtt}: keys", asyncio.run(key_times(slow, args.presses)))


if __name__ == "__main__":
    main()
