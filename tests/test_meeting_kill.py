"""A meeting whose process is killed keeps every item that was committed before the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlmodel import select

from taskboard.domain.models import Meeting, MeetingItem, Task
from taskboard.store import open_store

# Starts a meeting, then captures lines forever, printing each item id once it is committed.
SCRIPT = """
import sys
from taskboard.services import Services
from taskboard.store import open_store

services = Services.open(open_store(sys.argv[1]), "tester")
meeting = services.meetings.start(project="INBOX", attendees=("carl",))
print("meeting", meeting.id, flush=True)
lines = ("Task {} @carl #kill", "d: decision {}", "n: note {}", "? question {}")
n = 0
while True:
    item = services.meetings.capture(meeting.id, lines[n % 4].format(n)).item
    print("item", item.id, item.kind, flush=True)
    n += 1
"""


@pytest.mark.slow
def test_killed_meeting_keeps_every_committed_item(store_target: str) -> None:
    open_store(store_target).close()  # migrate before the child starts
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, store_target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert proc.stdout is not None
    printed: list[tuple[int, str]] = []
    meeting_id = None
    deadline = time.monotonic() + 60
    try:
        while len(printed) < 25 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            word, *rest = line.split()
            if word == "meeting":
                meeting_id = int(rest[0])
            else:
                printed.append((int(rest[0]), rest[1]))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert meeting_id is not None and len(printed) == 25

    store = open_store(store_target)
    try:
        with store.read() as s:
            meeting = s.get_one(Meeting, meeting_id)
            assert meeting.ended is None
            stored = {
                i.id: i
                for i in s.scalars(select(MeetingItem).where(MeetingItem.meeting_id == meeting_id))
            }
            for item_id, kind in printed:
                assert stored[item_id].kind == kind
                if kind == "task":
                    assert s.get(Task, stored[item_id].task_id) is not None
            # Nothing half-written: every stored task item has its task.
            assert all(i.task_id is not None for i in stored.values() if i.kind == "task")
    finally:
        store.close()
