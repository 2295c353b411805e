"""Search benchmark: 100,000 tasks and 100,000 comments, queries timed in the process.

    python -m benchmarks.bench_search [--tasks 100000] [--runs 20] [--postgres] [--only TARGET]

Builds a store of `--tasks` tasks (titles and notes) and as many comments over five
projects from a fixed vocabulary with accented words, written through the tables' own
triggers (so the build time includes the index), then times `services.search.search`
for a spread of queries: rare and common words, short prefixes, several words, narrowed
by project or kind. It prints medians and the slowest run, and asserts nothing.
With --postgres a scratch database on TASKBOARD_TEST_POSTGRES_URL is measured too;
--only measures a store built before (a path or a URL) and builds nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.bench_postgres import DEFAULT_URL, scratch_database
from taskboard.domain.models import BoardColumn, Comment, Project, Task
from taskboard.services import Services
from taskboard.store import open_store

PROJECTS = ("FLT", "DEL", "ONB", "OPS", "FIN")
WORDS = [
    "Übergabe",
    "Flottenkunden",
    "Fahrzeug",
    "Zulassung",
    "Winterreifen",
    "Sommerreifen",
    "Werkstatt",
    "Termin",
    "Rechnung",
    "Kunde",
    "Händler",
    "Lieferung",
    "Schaden",
    "Gutachten",
    "Versicherung",
    "Kennzeichen",
    "Papiere",
    "Büro",
    "München",
    "Hamburg",
    "Köln",
    "Düsseldorf",
    "Straße",
    "Prüfung",
    "Abholung",
    "Rückruf",
    "Ersatzteil",
    "Öl",
    "delivery",
    "customer",
    "handover",
    "invoice",
    "damage",
    "report",
    "registration",
    "plates",
    "papers",
    "agent",
    "schedule",
    "winter",
    "tyres",
    "storage",
    "hub",
    "transport",
    "truck",
    "driver",
    "route",
    "tuesday",
    "friday",
    "urgent",
    "check",
    "confirm",
    "order",
    "paper",
    "battery",
    "charge",
    "cable",
    "software",
    "update",
    "recall",
    "warranty",
    "claim",
    "meeting",
    "decision",
    "follow",
    "up",
    "send",
    "email",
    "call",
    "back",
    "waiting",
    "approval",
    "budget",
    "quarter",
    "plan",
]
QUERIES = (
    ("the commonest word", "ubergabe", {}),
    ("a rarer word", "gutachten", {}),
    ("a rare word", "warranty", {}),
    ("two words", "ubergabe flotten", {}),
    ("three prefixes", "winter tyr ham", {}),
    ("accents typed", "Büro München", {}),
    ("three letters", "ruc", {}),
    ("two letters", "ru", {}),
    ("one letter", "a", {}),
    ("no hits", "zeppelin", {}),
    ("one project", "rechnung kunde", {"project": "FLT"}),
    ("comments only", "waiting approval", {"kind": "comment"}),
    ("common, one project", "ubergabe", {"project": "FLT"}),
    ("common, comments", "ubergabe", {"kind": "comment"}),
)


SYLLABLES = "ka lo mi ter stra ße ün ber gen au ö rei fen wa gen lie fer an ton dre hub".split()  # noqa: SIM905


def vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """Made-up words with the real ones among them at every tenth rank (Übergabe the most
    frequent, Gutachten at rank 150), drawn with Zipf's law as prose is; returns the words
    and their cumulative weights."""
    made = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))) for _ in range(size * 2)
    }
    words = sorted(made - {w.lower() for w in WORDS})[: size - len(WORDS)]
    rng.shuffle(words)
    for rank, word in enumerate(WORDS):
        words.insert(rank * 10, word)
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


def sentence(rng: random.Random, low: int, high: int) -> str:
    words, cumulative = VOCABULARY
    return " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(low, high)))


VOCABULARY = vocabulary(random.Random(2026))


def build(target: str, tasks: int) -> tuple[float, float]:
    """The store; returns (seconds for the tasks, seconds for the comments)."""
    rng = random.Random(18)
    store = open_store(target)
    services = Services.open(store, "bench")
    for key in PROJECTS:
        services.projects.create(key, f"Project {key}")
    with store.write() as s:
        columns = {
            p: s.scalar(select(BoardColumn.id).where(BoardColumn.project_id == p))
            for p in s.scalars(select(Project.id).where(Project.key.in_(PROJECTS)))  # type: ignore[attr-defined]
        }
    base = datetime(2026, 1, 1, tzinfo=UTC)
    project_ids = sorted(columns)
    started = time.perf_counter()
    numbers = dict.fromkeys(project_ids, 0)
    rows = []
    for i in range(tasks):
        pid = project_ids[i % len(project_ids)]
        numbers[pid] += 1
        rows.append(
            {
                "project_id": pid,
                "column_id": columns[pid],
                "number": numbers[pid],
                "key": f"{PROJECTS[project_ids.index(pid)]}-{numbers[pid]}",
                "title": sentence(rng, 3, 9),
                "notes": sentence(rng, 0, 25),
                "rank": f"{i:012d}",
                "created": base + timedelta(minutes=i),
                "updated": base + timedelta(minutes=i),
            }
        )
    with store.write() as s:
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Task), rows[chunk : chunk + 5000])
        for pid, number in numbers.items():
            s.execute(
                Project.__table__.update().where(Project.id == pid).values(last_number=number)
            )  # type: ignore[attr-defined]
    task_seconds = time.perf_counter() - started
    with store.write() as s:
        task_ids = list(s.scalars(select(Task.id)))
    started = time.perf_counter()
    comments = [
        {
            "task_id": rng.choice(task_ids),
            "body": sentence(rng, 4, 20),
            "created": base + timedelta(minutes=i, seconds=30),
        }
        for i in range(tasks)
    ]
    with store.write() as s:
        for chunk in range(0, len(comments), 5000):
            s.execute(insert(Comment), comments[chunk : chunk + 5000])
    comment_seconds = time.perf_counter() - started
    store.close()
    return task_seconds, comment_seconds


def measure(target: str, runs: int, label: str) -> None:
    store = open_store(target)
    services = Services.open(store, "bench")
    print(
        f"\n{label}: query (median / slowest of {runs} runs; the median of the CPU time this"
        " process used, which a busy machine inflates less; hits returned, limit 50)"
    )
    for name, query, options in QUERIES:
        services.search.search(query, **options)  # warm the caches once
        times, cpu = [], []
        hits = 0
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            hits = len(services.search.search(query, **options))
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        print(
            f"  {name:<22} {query!r:<22} {statistics.median(times) * 1000:7.1f} ms"
            f"  {max(times) * 1000:7.1f} ms  cpu {statistics.median(cpu) * 1000:6.1f} ms"
            f"  {hits:3d} hits"
        )
    store.close()


def run(target: str, tasks: int, runs: int, label: str) -> None:
    task_seconds, comment_seconds = build(target, tasks)
    print(
        f"{label}: {tasks} tasks written (with their index entries) in {task_seconds:.1f} s, "
        f"{tasks} comments in {comment_seconds:.1f} s"
    )
    measure(target, runs, label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="Measure PostgreSQL too.")
    parser.add_argument("--only", metavar="TARGET", help="Measure this store; build nothing.")
    args = parser.parse_args()
    if args.only:
        measure(args.only, args.runs, args.only.split("://")[0])
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(str(Path(tmp) / "search.db"), args.tasks, args.runs, "sqlite")
    if args.postgres:
        server = os.environ.get("TASKBOARD_TEST_POSTGRES_URL", DEFAULT_URL)
        with scratch_database(server) as url:
            run(url, args.tasks, args.runs, "postgresql")


if __name__ == "__main__":
    main()
