"""The change feed: how long a commit takes to reach a subscriber of another connection.

Run with `python -m benchmarks.bench_feed [--changes N] [--proxy-delay 0.05]`. For each
backend a writer (its own store: engine, connections, as another process has) adds tasks
one by one, and a subscriber on a second store waits on its change feed; the figure is the
time from the writer's call returning (committed) to the subscriber's wait returning.
Then the same between two processes: a writer process commits and prints the wall-clock
time its commit returned, the subscriber process notes when its feed heard it (0 ms: heard
no later than the writer learnt that its commit was done — on PostgreSQL the notice leaves
the server with the commit). Then the same
for a whole screen: a check-in of another connection until its line is on
an open goals screen (the demo workspace), re-read and repainted.
PostgreSQL runs directly and, with --proxy-delay > 0, behind the shared latency-proxy
(`benchmarks/tools.py`; that delay each way, for both connections). The server
comes from TASKBOARD_TEST_POSTGRES_URL (default: the local test cluster); a scratch
database is created and dropped. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.bench_postgres import DEFAULT_URL, scratch_database
from benchmarks.tools import find_tool, latency_proxy
from taskboard.services import Services
from taskboard.store import open_store


def propagation(target: str, changes: int) -> list[float]:
    """Seconds from each committed change of the writer to the subscriber hearing it."""
    writer = open_store(target)
    subscriber = open_store(target)
    try:
        services = Services.open(writer, "bench")
        if "BENCH" not in {p.key for p in services.projects.all()}:
            services.projects.create("BENCH", "Feed benchmark")
        feed = subscriber.feed
        seen = feed.start()
        times: list[float] = []
        for i in range(changes):
            # Out of step with the SQLite poll, as a colleague's keys are.
            time.sleep(random.uniform(0.0, 0.15))
            services.tasks.capture(f"Change number {i} +BENCH")
            committed = time.perf_counter()
            heard = feed.wait(seen, 5.0)
            if heard == seen:
                print(f"  change {i} was not heard within 5 s")
                continue
            times.append(time.perf_counter() - committed)
            seen = heard
            # A burst may count twice (the poke and the poll): let it settle, then go on.
            time.sleep(0.02)
            seen = feed.revision
        return times
    finally:
        subscriber.close()
        writer.close()


# The writer process: a change at a random moment, then the wall-clock time it committed.
WRITER = """
import random, sys, time
from taskboard.services import Services
from taskboard.store import open_store
services = Services.open(open_store(sys.argv[1]), "writer")
print("ready", flush=True)
for i in range(int(sys.argv[2])):
    sys.stdin.readline()  # the subscriber is waiting
    time.sleep(random.uniform(0.0, 0.15))
    services.tasks.capture(f"Process change {i} +BENCH")
    print(time.time(), flush=True)
"""


def between_processes(target: str, changes: int) -> list[float]:
    """Seconds from a commit in a writer process to this process's feed hearing it."""
    subscriber = open_store(target)
    services = Services.open(subscriber, "bench")
    if "BENCH" not in {p.key for p in services.projects.all()}:
        services.projects.create("BENCH", "Feed benchmark")
    feed = subscriber.feed
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, target, str(changes)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    times: list[float] = []
    try:
        writer.stdout.readline()  # ready
        for i in range(changes):
            seen = feed.start() if i == 0 else feed.revision
            writer.stdin.write("go\n")
            writer.stdin.flush()
            heard = feed.wait(seen, 5.0)
            heard_at = time.time()
            committed_at = float(writer.stdout.readline())
            if heard == seen:
                print(f"  change {i} was not heard within 5 s")
                continue
            times.append(max(heard_at - committed_at, 0.0))
            time.sleep(0.05)  # a burst may count twice: let it settle
    finally:
        writer.stdin.close()
        writer.wait(30)
        subscriber.close()
    return times


async def on_screen(target: str, changes: int) -> list[float]:
    """Seconds from a check-in of another connection to its line on an open goals screen."""
    from taskboard.services.demo import load_demo
    from taskboard.ui.app import UiOptions, make_app
    from taskboard.ui.screens.goals import GoalsScreen

    store = open_store(target)
    services = Services.open(store, "bench")
    load_demo(services)
    other = Services.open(open_store(target), "mia")
    kr = next(
        kr
        for root in services.okr.tree()
        for _, objective in root.walk()
        for kr in objective.key_results
        if kr.kind == "number"
    )
    app = make_app(services, UiOptions(project="DEL"))
    times: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.open_screen("goals", "DEL")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, GoalsScreen)
            while screen.current_key() != kr.key:
                await pilot.press("j")
            checkins = screen.query_one("#kr-checkins")
            for i in range(changes):
                await asyncio.sleep(random.uniform(0.05, 0.2))
                note = f"bench-{i}-end"
                await asyncio.to_thread(other.okr.check_in, kr.key, kr.start + i, None, note)
                committed = time.perf_counter()
                while note not in str(checkins.render()):
                    if time.perf_counter() - committed > 5:
                        print(f"  check-in {i} did not show within 5 s")
                        break
                    await asyncio.sleep(0.002)
                else:
                    times.append(time.perf_counter() - committed)
    finally:
        other.ctx.store.close()
        store.close()
    return times


def report(name: str, times: list[float]) -> None:
    if not times:
        print(f"{name:32}: nothing heard")
        return
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    print(
        f"{name:32}: median {statistics.median(ms):6.1f} ms, 90% {p90:6.1f} ms, "
        f"worst {ms[-1]:6.1f} ms over {len(ms)} changes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=40, help="changes timed per backend")
    parser.add_argument("--proxy-delay", type=float, default=0.05, help="0: no proxy run")
    args = parser.parse_args()
    server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL", DEFAULT_URL)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(server) as pg:
        report("sqlite (data_version poll)", propagation(str(Path(tmp) / "feed.db"), args.changes))
        report("postgresql (LISTEN/NOTIFY)", propagation(pg, args.changes))
        sqlite_db = str(Path(tmp) / "processes.db")
        report("sqlite, two processes", between_processes(sqlite_db, args.changes))
        report("postgresql, two processes", between_processes(pg, args.changes))
        screens = max(args.changes // 2, 5)
        goals_db = str(Path(tmp) / "goals.db")
        report("sqlite, goals screen", asyncio.run(on_screen(goals_db, screens)))
        with scratch_database(server) as goals_pg:
            report("postgresql, goals screen", asyncio.run(on_screen(goals_pg, screens)))
        if args.proxy_delay > 0 and find_tool("latency-proxy") is None:
            print("no latency-proxy (set TASKBOARD_TOOLS): no run behind the latency proxy")
        elif args.proxy_delay > 0:
            with latency_proxy(args.proxy_delay) as port:
                far = make_url(pg).set(host="127.0.0.1", port=port)
                label = f"postgresql, {args.proxy_delay * 1000:.0f} ms each way"
                url = far.render_as_string(hide_password=False)
                report(label, propagation(url, args.changes))
                report(f"{label}, two processes", between_processes(url, args.changes))


if __name__ == "__main__":
    main()
