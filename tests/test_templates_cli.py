"""The template, handover, agenda and stats commands as real subprocesses."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def test_template_commands(cli: Any, tmp_path: Path) -> None:
    steps = (
        "--step",
        "Papers at the agent +2d @jonas >Arrived #papers",
        "--step",
        "Car handed over +2w @mia >Handover_booked !high",
    )
    # A step's unknown @who is refused, naming the step, as `add` refuses it.
    refused = cli("template", "create", "Handover", *steps)
    assert refused.code == 1
    assert refused.err == "error: step 1: unknown person '@jonas'; --new-person adds @jonas\n"
    assert "Handover" not in cli("template", "list").out
    made = cli("template", "create", "Handover", *steps, "--new-person")
    assert made.code == 0, made.err
    shown = cli("template", "show", "hand", "--json")
    steps = json.loads(shown.out)["steps"]
    assert [(s["offset_days"], s["assignee"], s["column"]) for s in steps] == [
        (2, "jonas", "Arrived"),
        (14, "mia", "Handover booked"),
    ]
    applied = cli(
        "template",
        "apply",
        "Handover",
        "--anchor",
        "2026-12-01",
        "--name",
        "Handover WAG-4711",
        "--json",
    )
    assert applied.code == 0, applied.err
    assert json.loads(applied.out)[0]["tasks"] == ["INBOX-1", "INBOX-2", "INBOX-3"]
    detail = json.loads(cli("show", "INBOX-3", "--json").out)
    assert detail["due"] == "2026-12-15" and detail["parent"] == "INBOX-1"

    rows = tmp_path / "cars.csv"
    rows.write_text("name,anchor,assignee\nCar A,2026-12-01,tarek\nCar B,31.02.,tarek\n")
    bad = cli("template", "apply", "Handover", "--from-csv", str(rows))
    assert bad.code == 1 and "line 3: bad anchor date '31.02.'" in bad.err
    rows.write_text("name,anchor,assignee\nCar A,1.12.2026,tarek\nCar B,2026-12-02,\n")
    good = cli("template", "apply", "Handover", "--from-csv", str(rows), "--as", "project")
    assert good.code == 0, good.err
    projects = {p["key"] for p in json.loads(cli("project", "list", "--json").out)}
    assert {"CA", "CB"} <= projects

    assert cli("template", "delete", "Handover").code == 0
    assert "Handover" not in cli("template", "list").out


def test_handover_agenda_and_stats_commands(cli: Any, tmp_path: Path) -> None:
    # The commands run on the real clock: dates relative to today.
    assert cli("person", "add", "anna", "Anna Adler").code == 0
    today = date.today()
    soon, much_later = today + timedelta(days=30), today + timedelta(days=120)
    for line in (f"Call the agent @anna ^{soon}", f"Later thing @anna ^{much_later}"):
        assert cli("add", line, "--new-person").code == 0
    agenda = json.loads(cli("agenda", "anna", "--json").out)
    assert [t["key"] for t in agenda["groups"]["later"]] == ["INBOX-1", "INBOX-2"]

    note = tmp_path / "note.md"
    window = ("--from", str(today), "--until", str(today + timedelta(days=45)))
    result = cli("handover", "anna", "ben", *window, "-o", str(note))
    assert result.code == 1 and "unknown person '@ben'" in result.err
    assert cli("person", "add", "ben", "Ben").code == 0
    result = cli("handover", "anna", "ben", *window, "-o", str(note))
    assert result.code == 0, result.err
    assert f"| INBOX-1 | Call the agent | {soon} |" in result.out
    assert "INBOX-2" not in result.out  # due after the absence: stays with anna
    assert note.read_text() == result.out
    assert json.loads(cli("show", "INBOX-1", "--json").out)["assignee"] == "ben"

    assert cli("done", "INBOX-2").code == 0
    stats = json.loads(cli("stats", "--project", "INBOX", "--json").out)
    assert stats[0]["lead_time"]["count"] == 1
    assert [w["week"] for w in stats[0]["throughput"]][-1].startswith("20")
    assert cli("stats", "--since", "nonsense").code == 1
