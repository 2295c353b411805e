"""Exchange benchmark (`python -m benchmarks.bench_exchange`): seconds, CPU seconds and peak
RSS per step, each step in a process of its own. `python -m benchmarks.bench_exchange STEP DIR`
runs one step (setup, markdown, json, taskwarrior) in DIR, to compare two checkouts on
one store."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taskboard.exchange import jsondump, markdown, taskwarrior
from taskboard.services import Services
from taskboard.services.import_drafts import ImportDraft
from taskboard.store import open_store

COLUMNS = ("Backlog", "To do", "Doing", "Done")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process so far: on a shared, loaded machine the fairer figure."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fill(services: Services, n: int) -> None:
    services.projects.create("BIG", "Big board", COLUMNS)
    drafts = [
        ImportDraft(
            where=f"record {i}",
            title=f"Task number {i} with a title of ordinary length",
            column=COLUMNS[i % 4],
            assignee=f"person{i % 20}",
            priority=("low", "normal", "high", "urgent")[i % 4],
            tags=(f"tag{i % 7}",),
            done=i % 4 == 3,
        )
        for i in range(n)
    ]
    services.transfer.import_tasks("BIG", drafts)


def taskwarrior_file(path: Path, n: int) -> None:
    def uuid(i: int) -> str:
        return f"00000000-0000-4000-8000-{i:012d}"

    items = []
    for i in range(n):
        item: dict[str, object] = {
            "uuid": uuid(i),
            "description": f"Taskwarrior task {i}",
            "status": "completed" if i % 5 == 0 else "pending",
            "entry": "20261120T081500Z",
            "due": "20261201T120000Z",
            "priority": "HML"[i % 3],
            "tags": ["imported", f"t{i % 9}"],
        }
        if i % 5 == 0:
            item["end"] = "20261121T081500Z"
        if i % 10 == 0:
            item["annotations"] = [{"entry": "20261121T090000Z", "description": "note"}]
        if i % 50 == 1:
            item["depends"] = [uuid(i - 1)]
        items.append(item)
    path.write_text(json.dumps(items))


def phase(name: str, tmp: str) -> None:
    """One measured step in a process of its own, so the peak RSS printed is the step's own."""
    root = Path(tmp)
    services = Services.open(open_store(str(root / "bench.db")), "bench")
    start, cpu = time.perf_counter(), cpu_s()
    if name == "setup":
        fill(services, 100_000)
        taskwarrior_file(root / "tasks.json", 10_000)
        services.projects.create("TW", "Taskwarrior")
        label, detail = "setup: import 100,000 drafts", ""
    elif name in ("markdown", "json"):
        path = root / f"export.{name}"
        with path.open("w", encoding="utf-8") as out:
            if name == "markdown":
                markdown.write_board(services, out, "BIG")
            else:
                jsondump.write(services, out)
        label, detail = f"export 100,000 tasks to {name}", f"{path.stat().st_size / 2**20:.1f} MiB"
    else:
        with (root / "tasks.json").open(encoding="utf-8") as source:
            result = taskwarrior.read(services, source, "TW")
        label, detail = "import 10,000 taskwarrior tasks", f"{len(result.created)} created"
    seconds, cpu = time.perf_counter() - start, cpu_s() - cpu
    figures = f"{seconds:6.2f} s (CPU {cpu:6.2f} s)   peak RSS {peak_mib():5.0f} MiB"
    print(f"{label:<34} {figures}   {detail}", flush=True)
    services.ctx.store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("setup", "markdown", "json", "taskwarrior"):
            command = [sys.executable, "-m", "benchmarks.bench_exchange", name, tmp]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        phase(sys.argv[1], sys.argv[2])
    else:
        main()
