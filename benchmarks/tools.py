"""The shared tools the benchmarks drive (`latency-proxy`, `first-paint`), found robustly.

They live in a `shared/tools` folder beside the checkout: `/work/shared/tools` for
`/work/main` and for a worktree `/work/wt/NAME` alike. `TASKBOARD_TOOLS` names the folder
outright; otherwise the nearest `shared/tools` up from this file is used.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
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


class TmuxPane:
    """One program in its own tmux session, driven through a control-mode client: keys go in
    and the pane is read back over one pipe, without a `tmux` process per poll (a process
    start costs several milliseconds on a loaded machine, as much as a frame). The client
    reports each write of the program to its terminal (`%output`), so the pane is read
    right after the program drew something, not on a timer."""

    def __init__(self, name: str, command: list[str], width: int = 140, height: int = 40) -> None:
        """`command` runs in a tmux server of its own (named for this process), which starts
        with this process's environment."""
        self.name = name
        self.tmux = ["tmux", "-L", f"taskboard-bench-{os.getpid()}"]
        size = ["-x", str(width), "-y", str(height)]
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", name, *size, "--", *command], check=True
        )
        shown = subprocess.run(
            [*self.tmux, "display", "-p", "-t", name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        self.pid = int(shown.stdout.strip())  # the program itself: started without a shell
        self.client = subprocess.Popen(
            [*self.tmux, "-C", "attach-session", "-t", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.fresh = False  # the program drew while a command was on its way
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.client.stdout is not None
        for line in self.client.stdout:
            self.lines.put(line)

    def _command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (notifications before it are dropped)."""
        assert self.client.stdin is not None
        self.client.stdin.write(line.encode() + b"\n")
        self.client.stdin.flush()
        out: list[str] = []
        inside = False
        while True:
            got = self.lines.get(timeout=30)
            # A block of this client's own command has the flag 1 (the attach's has 0).
            if got.startswith(b"%begin") and got.split()[-1] == b"1":
                inside, out = True, []
            elif got.startswith((b"%end", b"%error")) and inside:
                return out
            elif inside:
                out.append(got.decode(errors="replace").rstrip("\n"))
            elif got.startswith(b"%output"):
                self.fresh = True

    def screen(self) -> list[str]:
        """The pane's text, line by line."""
        return self._command(f"capture-pane -p -t {self.name}")

    def press(self, key: str) -> float:
        """Send `key`; returns the moment it was sent (for `wait_for`)."""
        sent = time.monotonic()
        self._command(f"send-keys -t {self.name} {key}")
        return sent

    def drawn(self, timeout: float) -> bool:
        """Wait until the program writes to its terminal; False after `timeout` seconds."""
        if self.fresh:
            self.fresh = False
            return True
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                if self.lines.get(timeout=left).startswith(b"%output"):
                    return True
            except queue.Empty:
                return False
        return False

    def quiet(self, seconds: float, timeout: float = 60) -> None:
        """Wait until the program has drawn nothing for `seconds`."""
        end = time.monotonic() + timeout
        while self.drawn(seconds) and time.monotonic() < end:
            pass

    def wait_for(
        self, shows: Callable[[list[str]], bool], since: float | None = None, timeout: float = 30
    ) -> float:
        """Seconds from `since` (now) until the pane `shows` what is asked, read after each
        write of the program."""
        started = time.monotonic() if since is None else since
        while not shows(self.screen()):
            if time.monotonic() - started > timeout:
                raise SystemExit(f"{self.name}: not on screen after {timeout:.0f} s")
            self.drawn(0.005)
        return time.monotonic() - started

    def cpu_seconds(self, main_thread: bool = False) -> float:
        """The program's CPU time so far (user and system): all its threads, or only its
        main thread (a Textual app's event loop: what stands between a key and the screen)."""
        path = f"/proc/{self.pid}/task/{self.pid}/stat" if main_thread else f"/proc/{self.pid}/stat"
        with open(path) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        if self.client.stdin is not None:
            self.client.stdin.close()
        self.client.wait(timeout=5)
        subprocess.run([*self.tmux, "kill-session", "-t", self.name], capture_output=True)
