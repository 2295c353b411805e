"""taskboard against Debian's taskwarrior on the same 10,000 tasks, as whole processes.

Run with `python -m benchmarks.bench_vs_taskwarrior [RUNS] [TASKS] [show,list,…]`. It
fetches the taskwarrior package without installing it (`apt-get download taskwarrior`,
`dpkg -x` into a temporary folder), writes one `task export` file, loads it into both
stores (taskboard's records also get an assignee, so `agenda` has work to show), then runs
each command pair alternately and prints the medians and their ratio. It asserts nothing.

The pairs: `show KEY` / `task UUID info`, `list` / `task list`, `list --json` /
`task export`, `agenda` / `task next limit:none`, `add` / `task add`, `done` / `task done`,
`move KEY doing` / `task start`, `edit` / `task modify`, and `import` of the export file
into an empty store / into an empty taskwarrior folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

USER = "bench"
PROJECT = "TW"
TASKBOARD = shutil.which("taskboard", path=str(Path(sys.executable).parent)) or "taskboard"
# Goals from issue 20, as the highest acceptable ratio taskboard / taskwarrior.
GOALS = {
    "show": 2.0,
    "list": 2.0,
    "list --json": 2.0,
    "agenda": 2.0,
    "add": 6.0,
    "done": 4.0,
    "move": 4.0,
    "edit": 4.0,
    "import": 2.0,
}


def fetch_taskwarrior(folder: Path) -> Path:
    """The `task` binary of Debian's package, unpacked into `folder`, never installed."""
    subprocess.run(
        ["apt-get", "download", "taskwarrior"],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    package = next(folder.glob("taskwarrior_*.deb"))
    subprocess.run(["dpkg", "-x", str(package), str(folder / "root")], check=True)
    return folder / "root" / "usr" / "bin" / "task"


def uuid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def records(n: int) -> list[dict[str, object]]:
    """`n` pending tasks as `task export` writes them: due dates around today, tags,
    priorities, some annotations. No dependencies: taskwarrior 2.6 resolves them for every
    listed task (`task list` takes 5 to 7 times longer with 200 of them), which would make
    a comparison of start-up costs a comparison of that."""
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    items: list[dict[str, object]] = []
    for i in range(n):
        item: dict[str, object] = {
            "uuid": uuid(i),
            "description": f"Task number {i}: papers to the registration agent",
            "status": "pending",
            "entry": "20261120T081500Z",
            "priority": "HML"[i % 3],
            "tags": ["imported", f"t{i % 9}"],
        }
        if i % 4:
            item["due"] = (today + timedelta(days=i % 40 - 10)).strftime("%Y%m%dT%H%M%SZ")
        if i % 10 == 0:
            item["annotations"] = [{"entry": "20261121T090000Z", "description": "a note"}]
        items.append(item)
    return items


class Taskwarrior:
    def __init__(self, binary: Path, folder: Path) -> None:
        self.binary = binary
        self.data = folder / "twdata"
        self.data.mkdir()
        self.rc = folder / "taskrc"
        self.rc.write_text(
            f"data.location={self.data}\nconfirmation=off\nnews.version=2.6.0\nverbose=nothing\n"
        )
        self.env = dict(os.environ, TASKRC=str(self.rc), TASKDATA=str(self.data))

    def cmd(self, *args: str) -> list[str]:
        return [str(self.binary), *args]


class Taskboard:
    def __init__(self, folder: Path, name: str = "taskboard.db") -> None:
        self.store = folder / name
        self.env = dict(os.environ, TASKBOARD_DB=str(self.store), TASKBOARD_USER=USER)
        # As installed: compiled modules cached after the warm-up run, not compiled from
        # source on every start (a 0.25 s handicap where the variable is set).
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            self.env[var] = str(folder / var.lower())

    def cmd(self, *args: str) -> list[str]:
        return [TASKBOARD, *args]

    def create(self) -> None:
        """An empty store at the schema head with the project to import into."""
        from taskboard.services import Services
        from taskboard.store import open_store

        store = open_store(str(self.store))
        Services.open(store, USER).projects.create(PROJECT, "Taskwarrior")
        store.close()

    def load(self, items: list[dict[str, object]]) -> None:
        """The same records, each assigned to the user (taskwarrior has no assignees)."""
        from taskboard.exchange.taskwarrior import draft
        from taskboard.services import Services
        from taskboard.store import open_store

        store = open_store(str(self.store))
        services = Services.open(store, USER)
        services.projects.create(PROJECT, "Taskwarrior")
        drafts = []
        for number, item in enumerate(items, start=1):
            made = draft(f"record {number}", item)
            assert made is not None
            drafts.append(dataclasses.replace(made, assignee=USER))
        services.transfer.import_tasks(PROJECT, drafts)
        store.close()


Timing = tuple[float, float]  # wall seconds, CPU seconds (user + system) of the child


def timed(cmd: list[str], env: dict[str, str]) -> Timing:
    """One run of `cmd`: its wall time, and the CPU time it used (which a busy machine
    disturbs much less than the wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return took, cpu


def compare(
    name: str, ours: Callable[[int], Timing], theirs: Callable[[int], Timing], runs: int
) -> None:
    ours(-1), theirs(-1)  # warm the page cache and the bytecode
    mine, other = [], []
    for i in range(runs):
        mine.append(ours(i))
        other.append(theirs(i))
    wall = [statistics.median(t[0] for t in side) for side in (mine, other)]
    cpu = [statistics.median(t[1] for t in side) for side in (mine, other)]
    goal = GOALS[name]
    ratio = wall[0] / wall[1]
    cpu_ratio = cpu[0] / cpu[1] if cpu[1] else float("inf")
    mark = "ok" if ratio <= goal else "over"
    print(
        f"{name:<12} wall {wall[0] * 1000:6.0f} / {wall[1] * 1000:5.0f} ms = {ratio:4.1f}x   "
        f"cpu {cpu[0] * 1000:5.0f} / {cpu[1] * 1000:4.0f} ms = {cpu_ratio:4.1f}x   "
        f"(goal ≤{goal:g}x: {mark})",
        flush=True,
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    wanted = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else set(GOALS)
    with tempfile.TemporaryDirectory(prefix="bench-tw-") as tmp:
        folder = Path(tmp)
        binary = fetch_taskwarrior(folder)
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
        print(
            f"taskboard vs taskwarrior {version.stdout.strip()}: {count:,} tasks, "
            f"medians of {runs} alternating runs (taskboard / taskwarrior)"
        )
        items = records(count)
        export = folder / "tasks.json"
        export.write_text(json.dumps(items))

        tw = Taskwarrior(binary, folder)
        subprocess.run(tw.cmd("import", str(export)), env=tw.env, check=True, capture_output=True)
        tb = Taskboard(folder)
        tb.load(items)

        # Task i of the export is TW-(i+1) in taskboard, uuid(i) in taskwarrior; every
        # changing command gets a task of its own, far from the others.
        def key(i: int) -> str:
            return f"{PROJECT}-{i + 1}"

        def pick(base: int, i: int) -> int:
            return base + i + 1

        def both(
            name: str,
            ours: Callable[[int], list[str]],
            theirs: Callable[[int], list[str]],
        ) -> None:
            if name not in wanted:
                return
            compare(
                name,
                lambda i: timed(ours(i), tb.env),
                lambda i: timed(theirs(i), tw.env),
                runs,
            )

        both("show", lambda i: tb.cmd("show", key(7)), lambda i: tw.cmd(uuid(7), "info"))
        both("list", lambda i: tb.cmd("list"), lambda i: tw.cmd("list"))
        both("list --json", lambda i: tb.cmd("list", "--json"), lambda i: tw.cmd("export"))
        both("agenda", lambda i: tb.cmd("agenda"), lambda i: tw.cmd("next", "limit:none"))
        line = "Papers to the agent #papers !high ^fri"
        both(
            "add",
            lambda i: tb.cmd("add", line, "--project", PROJECT),
            lambda i: tw.cmd("add", "Papers to the agent", "+papers", "priority:H", "due:fri"),
        )
        both(
            "done",
            lambda i: tb.cmd("done", key(pick(1000, i))),
            lambda i: tw.cmd(uuid(pick(1000, i)), "done"),
        )
        both(
            "move",
            lambda i: tb.cmd("move", key(pick(2000, i)), "doing"),
            lambda i: tw.cmd(uuid(pick(2000, i)), "start"),
        )
        both(
            "edit",
            # @anna is nobody yet: the first run makes her, as an edit must be told to.
            lambda i: tb.cmd("edit", key(pick(3000, i)), "@anna ^fri !high", "--new-person"),
            lambda i: tw.cmd(uuid(pick(3000, i)), "modify", "priority:H", "due:fri"),
        )

        def import_ours(i: int) -> Timing:
            target = Taskboard(folder, f"import-{i}.db")
            target.create()  # an empty store at the schema's head: the import alone is timed
            return timed(target.cmd("import", str(export), "--project", PROJECT), target.env)

        def import_theirs(i: int) -> Timing:
            fresh = folder / f"twimport-{i}"
            fresh.mkdir()
            env = dict(tw.env, TASKDATA=str(fresh))
            return timed(tw.cmd("rc.data.location=" + str(fresh), "import", str(export)), env)

        if "import" in wanted:
            compare("import", import_ours, import_theirs, max(3, runs // 2))


if __name__ == "__main__":
    main()
