"""`taskboard meeting …` and `taskboard minutes` as real subprocesses on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from taskboard.services import Services
from taskboard.store import open_store


def test_meeting_from_the_shell(cli: Any, store_target: str, tmp_path: Path) -> None:
    assert cli("project", "add", "DEL", "Deliveries").code == 0

    refused = cli("meeting", "start", "--project", "DEL")
    assert refused.code == 1 and "--no-tui" in refused.err

    people = ("--attendees", "carl, anna", "--no-tui")
    assert "--new-person adds @carl" in cli("meeting", "start", "-p", "DEL", *people).err
    started = cli("meeting", "start", "--project", "DEL", *people, "--new-person")
    assert started.code == 0, started.err
    meeting_id = int(started.out.strip())

    added = cli("meeting", "add", str(meeting_id), "Papers to agent @carl ^2026-12-01 #papers")
    assert added.code == 0, added.err
    assert "DEL-1" in added.out and "task" in added.out
    decision = cli("meeting", "add", str(meeting_id), "d: We ship on Fridays", "--json")
    assert json.loads(decision.out)["kind"] == "decision"
    bad = cli("meeting", "add", str(meeting_id), "Fix ^notadate")
    assert bad.code == 1 and "^notadate" in bad.err and bad.out == ""

    ended = cli("meeting", "end", str(meeting_id))
    assert ended.code == 0 and "ended, 2 items" in ended.out
    listed = json.loads(cli("meeting", "list", "--json").out)
    assert [(m["id"], m["project"], m["items"]) for m in listed] == [(meeting_id, "DEL", 2)]
    assert listed[0]["ended"] is not None

    out = tmp_path / "minutes.md"
    written = cli("minutes", "last", "--project", "DEL", "-o", str(out))
    assert written.code == 0, written.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Deliveries meeting\n")
    assert "| DEL-1 | Papers to agent | @carl | 2026-12-01 |" in text
    assert "- We ship on Fridays" in text
    assert cli("minutes", str(meeting_id)).out == text
    missing = cli("minutes", "42")
    assert missing.code == 1 and "unknown meeting 42" in missing.err

    store = open_store(store_target)
    try:
        stored = Services.open(store, "tester").meetings.get(meeting_id)
        assert stored.attendees == ("anna", "carl")
        assert [(i.kind, i.task_key) for i in stored.items] == [
            ("task", "DEL-1"),
            ("decision", None),
        ]
        assert len(Services.open(store, "tester").meetings.all()) == 1
    finally:
        store.close()
