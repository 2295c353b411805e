"""The shared tools the benchmarks drive (`latency-proxy`, `first-paint`), found robustly.

They live in a `shared/tools` folder beside the checkout: `/work/shared/tools` for
`/work/main` and for a worktree `/work/wt/NAME` alike. `TASKBOARD_TOOLS` names the folder
outright; otherwise the nearest `shared/tools` up from this file is used.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def tools_dir() -> Path | None:
    """The folder of the shared tools, or None when there is none to be found."""
    named = os.environ.get("TASKBOARD_TOOLS")
    if named:
        return Path(named)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "tools").is_dir():
            return parent / "shared" / "tools"
    return None


def find_tool(name: str) -> Path | None:
    """The path of one shared tool, or None when it cannot be found."""
    folder = tools_dir()
    return folder / name if folder is not None and (folder / name).exists() else None


def tool(name: str) -> Path:
    """The path of one shared tool; a clear SystemExit when it cannot be found."""
    found = find_tool(name)
    if found is None:
        raise SystemExit(f"{name} not found: set TASKBOARD_TOOLS to the shared tools folder")
    return found


def tool_line(name: str, *args: str) -> list[str]:
    """The command line that runs one shared tool (a Python script) with `args`."""
    return [sys.executable, str(tool(name)), *args]


@contextmanager
def latency_proxy(delay: float, target: int = 5432) -> Iterator[int]:
    """A loopback proxy to PostgreSQL at `target` adding `delay` seconds each way; yields
    the port to connect to."""
    proc = subprocess.Popen(
        tool_line("latency-proxy", "--target", str(target), "--delay", str(delay)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=5)
