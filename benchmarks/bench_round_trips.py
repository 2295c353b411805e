"""Round trips to PostgreSQL per use case: what a store one country away makes a person wait.

    python -m benchmarks.bench_round_trips [--delay 0.05]

Every connection the services open is traced by libpq (`PQtrace`); a round trip is a run
of messages the client sends followed by the server's answer, so pipelined statements
count once. Connection start-up (TLS probe, authentication) is not in the counts; it is
paid once per process (the board keeps its pool). With `--delay`, each use case is also
timed through the shared latency proxy (that many seconds each way). The server comes
from TASKBOARD_TEST_POSTGRES_URL (default: the local test cluster), in a scratch
database that is dropped afterwards. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.bench_postgres import DEFAULT_URL, scratch_database
from benchmarks.tools import latency_proxy
from taskboard.services import Services, TaskDraft
from taskboard.store import open_store

COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")


class Tracer:
    """Traces every new connection of an engine into its own file and counts round trips."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Any] = []

    def attach(self, dbapi_connection: Any, _record: Any) -> None:
        import psycopg

        f = open(self.folder / f"conn{len(self.files)}.trace", "w+")  # noqa: SIM115
        self.files.append(f)
        dbapi_connection.pgconn.trace(f.fileno())
        dbapi_connection.pgconn.set_trace_flags(
            psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE
        )

    def round_trips(self) -> int:
        total = 0
        for f in self.files:
            f.flush()
            f.seek(0)
            sent = False
            for line in f.read().splitlines():
                if line.startswith("F"):
                    sent = True
                elif line.startswith("B") and sent:
                    total += 1
                    sent = False
        return total


def seed(target: str) -> None:
    services = Services.open(open_store(target), "bench")
    services.projects.create("BIG", "Board", COLUMNS)
    drafts = [TaskDraft(title=f"Card number {i}", column=COLUMNS[i % 4]) for i in range(200)]
    services.tasks.create_many(drafts, "BIG")
    services.ctx.store.close()


def use_cases(services: Services) -> list[tuple[str, Callable[[], object]]]:
    tasks, undo = services.tasks, services.undo
    return [
        ("add (capture)", lambda: tasks.capture("Papers @jonas #papers !high", "BIG")),
        ("revision", tasks.revision),
        ("board read", lambda: tasks.rows(project="BIG", include_closed=True)),
        ("row", lambda: tasks.row("BIG-4")),
        ("done (toggle)", lambda: tasks.toggle_done("BIG-4")),
        ("open (toggle)", lambda: tasks.toggle_done("BIG-4")),
        ("move (step)", lambda: tasks.step("BIG-4", -1)),
        ("undo the move", undo.undo),
        ("redo the move", undo.redo),
        ("reorder", lambda: tasks.reorder("BIG-12", 1)),
    ]


@contextmanager
def traced(target: str, folder: Path | None) -> Iterator[tuple[Services, Tracer]]:
    """Services over `target`, every connection traced into `folder` (None: untraced)."""
    store = open_store(target)
    tracer = Tracer(folder or Path())
    if folder is not None:
        store.engine.dispose()  # the migration's connections: start the pool traced
        event.listen(store.engine, "connect", tracer.attach)
    try:
        yield Services.open(store, "bench"), tracer
    finally:
        store.close()
        for f in tracer.files:
            f.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.05, help="0: no timing behind a proxy")
    args = parser.parse_args()
    server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL", DEFAULT_URL)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(server) as url:
        seed(url)
        with traced(url, Path(tmp)) as (services, tracer):
            services.tasks.revision()  # the pool's first connection, not any use case's
            counts = {}
            for name, call in use_cases(services):
                before = tracer.round_trips()
                call()
                counts[name] = tracer.round_trips() - before
        times: dict[str, float] = {}
        if args.delay:
            with latency_proxy(args.delay) as port:
                slow = url.replace("127.0.0.1:5432", f"127.0.0.1:{port}")
                with traced(slow, None) as (services, _):
                    services.tasks.revision()
                    for name, call in use_cases(services):
                        started = time.perf_counter()
                        call()
                        times[name] = time.perf_counter() - started
        rtt = f"{args.delay * 2000:.0f} ms round trip"
        print(f"{'use case':16} round trips" + (f"   behind {rtt}" if times else ""))
        for name, count in counts.items():
            shown = f"   {times[name] * 1000:7.0f} ms" if name in times else ""
            print(f"{name:16} {count:11d}{shown}")


if __name__ == "__main__":
    main()
