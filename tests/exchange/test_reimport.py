"""Records without ids: importing the same file twice adds nothing, in every format, on both
backends. Identity is (project, lane, title folded and with white space collapsed, occurrence);
accents count, so "Schön" and "schon" stay two tasks."""

from __future__ import annotations

import csv
import io
import itertools
import json
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskboard.exchange import csvfmt, obsidian, taskwarrior
from taskboard.services import Services
from taskboard.services.import_drafts import ImportResult, loose, natural_id

TITLES = st.sampled_from(
    ["Call the dealer", "call  the dealer", "CALL THE DEALER", "Café", "Cafe", "Schön", "schon",
     "Straße", "Strasse", "🚗 Car 4720", "Papers \\& payment", "x"]
)  # fmt: skip
LANES = st.sampled_from(["To do", "to do", "Doing", "Done"])
RECORDS = st.lists(st.tuples(TITLES, LANES, st.integers(0, 2)), min_size=1, max_size=12)
SAME_STORE = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _keys() -> Iterator[str]:
    for letters in itertools.product(string.ascii_uppercase, repeat=3):
        yield "Q" + "".join(letters)


def taskwarrior_file(records: list[tuple[str, str, int]], key: str) -> str:
    return json.dumps([{"description": title, "project": key} for title, _lane, _d in records])


def csv_file(records: list[tuple[str, str, int]], key: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", delimiter=";")
    writer.writerow(["Name", "Section/Column", "Project", "Task ID"])
    writer.writerows([title, lane, key, ""] for title, lane, _d in records)
    return out.getvalue()


def asana_file(records: list[tuple[str, str, int]], key: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Task ID", "Created At", "Name", "Section/Column", "Projects", "Notes"])
    writer.writerows(["", "2026-11-01", t, lane, "Service", ""] for t, lane, _d in records)
    return out.getvalue()


def obsidian_file(records: list[tuple[str, str, int]], key: str) -> str:
    """Lanes in order of first use; `depth` nests a card under the card before it."""
    lanes: dict[str, list[str]] = {}
    for title, lane, depth in records:
        cards = lanes.setdefault(lane, [])
        depth = min(depth, 1 + max((len(c) - len(c.lstrip()) for c in cards[-1:]), default=-1) // 4)
        cards.append("    " * depth + f"- [ ] {title}")
    return "".join(f"## {lane}\n\n" + "\n".join(cards) + "\n\n\n" for lane, cards in lanes.items())


FORMATS: dict[str, tuple[Callable[..., str], Callable[..., ImportResult], bool]] = {
    "taskwarrior": (taskwarrior_file, taskwarrior.read, False),
    "csv": (csv_file, csvfmt.read, True),
    "asana": (asana_file, csvfmt.read, True),
    "obsidian": (obsidian_file, obsidian.read, True),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_id_less_files_import_once(services: Services, fmt: str) -> None:
    write, read, into_project = FORMATS[fmt]
    keys = _keys()

    @SAME_STORE
    @given(records=RECORDS)
    def twice(records: list[tuple[str, str, int]]) -> None:
        key = next(keys)
        services.projects.create(key, "Import target", ["Backlog"])
        text = write(records, key)
        target = key if into_project else None
        first = read(services, io.StringIO(text, newline=""), target)
        assert first.total == len(records) and first.skipped == 0
        again = read(services, io.StringIO(text, newline=""), target)
        assert again.created == () and again.skipped == len(records)
        assert sum(1 for _ in services.transfer.rows(key)) == len(records)

    twice()


def test_the_command_says_how_many_were_there(cli: Any, tmp_path: Path) -> None:
    board = tmp_path / "board.md"
    board.write_text("## To do\n\n" + "".join(f"- [ ] Card {i}\n" for i in range(12)))
    assert cli("project", "add", "OBS", "Obsidian").code == 0
    first = cli("import", str(board), "--project", "OBS")
    assert first.code == 0 and first.out.startswith("12 tasks: 12 new (OBS-1 … OBS-12), 0 already")
    again = cli("import", str(board), "--project", "OBS")
    assert again.code == 0 and again.out.splitlines()[0] == "12 tasks: 0 new, 12 already there"


def test_identity_folds_case_and_space_but_keeps_accents() -> None:
    assert loose("  Call\tthe   DEALER ") == loose("call the dealer")
    assert loose("Straße") == loose("STRASSE")
    assert loose("Schön") != loose("schon") and loose("Café") != loose("Cafe")
    assert loose("Cafe\u0301") == loose("Café")  # decomposed and composed accents are one
    one = natural_id("DEL", "To do", "Call the dealer", 1)
    assert one == natural_id("DEL", "to  DO", "CALL the dealer", 1)
    assert one != natural_id("DEL", "To do", "Call the dealer", 2)
    assert one != natural_id("SRV", "To do", "Call the dealer", 1)
    assert len(natural_id("ABCDEF", "x" * 60, "y" * 500, 10**6)) <= 200
