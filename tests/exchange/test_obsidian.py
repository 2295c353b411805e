"""Obsidian Kanban boards, as the plugin writes them, in and out without losing a line."""

# ruff: noqa: E501  (board files are kept as whole lines)

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from taskboard.domain.models import Person, Task
from taskboard.exchange import obsidian
from taskboard.services import ServiceError, Services, TaskDraft
from taskboard.services.demo import load_demo
from taskboard.store import open_store

# A board as it lives in a vault: emoji lanes, wikilinks, multi-line cards (indented lines,
# an older plugin's <br>, a tab), a date and a time in the board's own formats, nested
# checklists, a block id, twins, a WIP limit, a complete lane, an archive and the settings.
VAULT = """---

kanban-plugin: board

---

## 📥 Inbox

- [ ] Call [[Autohaus Meyer|the dealer]] about papers @{03.12.2026} @@{2:30 pm}
- [ ] Plan the handover<br>customer wants Saturday #handover
- [ ] Collect winter tyres #tyres #car/4717
    Ask at the Leipzig depot.

    Tyres are in [[Depot Leipzig]].
    - [ ] Check the stock @{04.12.2026}
    - [x] Book the van
        Van from @{05.12.2026} on.


## 🚗 In progress (3)

- [ ] Car 4720 arrives @{05.12.2026} ^abc123
\tTabs indent this line.
- [ ] Car 4720 arrives
- [ ] Car 4720 arrives


## ✅ Done

**Complete**
- [x] Car 4701 handed over
- [ ] Confirm payment




***

## Archive

- [x] Old card @{01.11.2026}




%% kanban:settings
```
{"kanban-plugin":"board","date-format":"DD.MM.YYYY","time-format":"h:mm a","list-collapse":[false]}
```
%%
"""


def snapshot(services: Services, project: str) -> list[tuple[object, ...]]:
    """What a person sees of a board: lanes, then every task with its fields and parent."""
    board = services.transfer.boards(project)[0]
    cards = list(services.transfer.rows(project))
    titles = {c.id: c.title for c in cards}
    lanes: list[tuple[object, ...]] = [
        (lane.name, lane.wip_limit, lane.is_done) for lane in board.lanes
    ]
    return lanes + [
        (
            c.title, c.column if not c.archived else None, c.notes, c.due, c.tags, c.done,
            c.archived, titles.get(c.parent_id or 0), c.assignee, c.priority,
        )
        for c in cards
    ]  # fmt: skip


def export(services: Services, project: str) -> str:
    out = io.StringIO()
    obsidian.write(services, out, project)
    return out.getvalue()


def tasks(services: Services, project: str | None = None) -> int:
    if project is not None:
        return sum(1 for _ in services.transfer.rows(project))
    with services.ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Task)) or 0)


def test_a_vault_board_reads_as_it_shows_in_obsidian(services: Services) -> None:
    services.projects.create("VLT", "Vault", ["Scratch"])
    result = obsidian.read(services, io.StringIO(VAULT), "VLT")
    assert len(result.created) == 11 and result.skipped == 0
    rows = snapshot(services, "VLT")
    assert rows[:4] == [
        ("Scratch", None, True),  # a project's only column counts as done
        ("📥 Inbox", None, False),
        ("🚗 In progress", 3, False),
        ("✅ Done", None, True),
    ]
    by_title: dict[object, list[tuple[object, ...]]] = {}
    for row in rows[4:]:
        by_title.setdefault(row[0], []).append(row)
    (call,) = by_title["Call [[Autohaus Meyer|the dealer]] about papers"]
    (plan,), (tyres,) = by_title["Plan the handover"], by_title["Collect winter tyres"]
    (stock,), (van,) = by_title["Check the stock"], by_title["Book the van"]
    car, twin, triplet = by_title["Car 4720 arrives"]
    (handed,), (payment,) = by_title["Car 4701 handed over"], by_title["Confirm payment"]
    (old,) = by_title["Old card"]
    # The plugin's time syntax stays with the date, never a person.
    assert call[:4] == (
        "Call [[Autohaus Meyer|the dealer]] about papers", "📥 Inbox", "Due time: 14:30",
        date(2026, 12, 3),
    )  # fmt: skip
    assert plan[0] == "Plan the handover" and plan[2] == "customer wants Saturday"
    assert plan[4] == ("handover",)
    assert tyres[2] == "Ask at the Leipzig depot.\n\nTyres are in [[Depot Leipzig]]."
    assert tyres[4] == ("car/4717", "tyres")
    assert stock[:1] + stock[3:8] == (
        "Check the stock",
        date(2026, 12, 4),
        (),
        False,
        False,
        "Collect winter tyres",
    )
    assert van[0] == "Book the van" and van[5] and van[7] == "Collect winter tyres"
    assert van[2] == "Van from @{05.12.2026} on."
    assert car[2] == "Tabs indent this line." and car[3] == date(2026, 12, 5)
    assert twin[0] == triplet[0] == "Car 4720 arrives" and twin[2] == ""
    assert handed[5] and payment[5]  # a complete lane's cards are done
    assert old[0] == "Old card" and old[6] and old[5]
    with services.ctx.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
    assert tasks(services) == 11


def test_a_vault_board_survives_import_export_import(services: Services, tmp_path: Path) -> None:
    services.projects.create("VLT", "Vault", ["Scratch"])
    obsidian.read(services, io.StringIO(VAULT), "VLT")
    written = export(services, "VLT")
    assert "@{2026-12-03} @@{14:30}" in written
    assert "[[Autohaus Meyer|the dealer]]" in written and "^abc123" in written
    assert "## 🚗 In progress (3)" in written and "\n    - [x] Book the van" in written
    other = Services.open(open_store(str(tmp_path / "other.db")), "tester")
    other.projects.create("VLT", "Vault", ["Scratch"])
    obsidian.read(other, io.StringIO(written), "VLT")
    assert snapshot(other, "VLT") == snapshot(services, "VLT")
    assert export(other, "VLT") == written
    # The same files again, in either store: nothing new.
    for store in (services, other):
        for text in (VAULT, written):
            again = obsidian.read(store, io.StringIO(text), "VLT")
            assert again.created == () and again.skipped == 11
    assert tasks(services) == tasks(other) == 11


def test_export_import_export_is_identical(services: Services, tmp_path: Path) -> None:
    load_demo(services)
    services.tasks.archive("DEL-2")
    services.tasks.create(
        TaskDraft(
            title="Tricky @{2026-01-01} #no !high ^x \\",
            project="DEL",
            notes="Due time: 10:30\nline two\n- [ ] not a subtask\n\n  indented",
            due=date(2026, 12, 1),
        )
    )
    first = export(services, "DEL")
    assert first.count("\n- [") + first.count("\n    - [") == tasks(services, "DEL")
    board = services.transfer.boards("DEL")[0]
    copy = Services.open(open_store(str(tmp_path / "copy.db")), "tester")
    done = next(lane.name for lane in board.lanes if lane.is_done)
    copy.projects.create("DEL", board.name, [lane.name for lane in board.lanes], done_column=done)
    for lane in board.lanes:
        if lane.wip_limit:
            copy.projects.set_wip_limit("DEL", lane.name, lane.wip_limit)
    result = obsidian.read(copy, io.StringIO(first), "DEL")
    assert result.new_columns == () and len(result.created) == tasks(services, "DEL")
    assert export(copy, "DEL") == first
    tricky = next(c for c in copy.transfer.rows("DEL") if c.title.startswith("Tricky"))
    assert tricky.title == "Tricky @{2026-01-01} #no !high ^x \\"
    assert tricky.notes == "Due time: 10:30\nline two\n- [ ] not a subtask\n\n  indented"

    # Subtasks come back as subtasks of the same parents.
    def parents(store: Services) -> list[tuple[str, str | None]]:
        cards = list(store.transfer.rows("DEL"))
        titles = {c.id: c.title for c in cards}
        return sorted((c.title, titles.get(c.parent_id or 0)) for c in cards)

    assert parents(copy) == parents(services)
    assert sum(1 for _title, parent in parents(copy) if parent) == 38


def test_importing_its_own_export_into_the_same_project_adds_nothing(services: Services) -> None:
    load_demo(services)
    before = tasks(services)
    result = obsidian.read(services, io.StringIO(export(services, "DEL")), None)
    assert result.created == () and result.skipped == tasks(services, "DEL")
    assert tasks(services) == before


@pytest.mark.parametrize(("name", "wip"), [("Plan (5)", None), ("Plan (5)", 3), ("Plan(7)", 2)])
def test_a_column_named_like_a_wip_limit_reads_back_the_same(
    services: Services, name: str, wip: int | None
) -> None:
    services.projects.create("PLN", "Plans", [name, "Done"])
    if wip:
        services.projects.set_wip_limit("PLN", name, wip)
    services.tasks.create(TaskDraft(title="Draft the plan", project="PLN", column=name))
    written = export(services, "PLN")
    board = obsidian.parse(io.StringIO(written))
    assert board.lanes[0].name == name and board.lanes[0].wip_limit == wip
    services.projects.create("CPY", "Copy", ["Scratch"])
    obsidian.read(services, io.StringIO(written), "CPY")
    lanes = services.transfer.boards("CPY")[0].lanes
    assert [(lane.name, lane.wip_limit) for lane in lanes][1] == (name, wip)


def test_a_title_ending_in_a_backslash_keeps_its_block_id_apart(services: Services) -> None:
    services.tasks.create(TaskDraft(title="Copy C:\\temp\\", project="INBOX"))
    written = export(services, "INBOX")
    assert "- [ ] Copy C:\\\\temp\\\\ ^inbox-1" in written
    card = obsidian.parse(io.StringIO(written)).cards[0]
    assert (card.title, card.source_id) == ("Copy C:\\temp\\", "obsidian:inbox-1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## Doing (99999999999999999999999)\n", "line 1: WIP limit must be at most 9999"),
        ("## Doing (" + "9" * 5000 + ")\n", "line 1: WIP limit must be a whole number"),
        ("## Doing\n- [ ] a @{2026-13-01}\n", "line 2: bad date '@{2026-13-01}'"),
        ("## Doing\n- [ ] a @@{25:00}\n", "line 2: bad time '@@{25:00}'"),
        ("- [ ] a\n", "line 1: a card before the first lane"),
        ("## Doing\nstray text\n", "line 2: not a lane, card or setting"),
        ("## A\n%% kanban:settings\n```\n{\"date-format\": 5}\n```\n%%\n", "line 2: date-format must be text"),
        ("## A\n%% kanban:settings\n```\n[[[[\n```\n%%\n", "line 2: bad JSON"),
        ("---\nkanban-plugin: nope\n---\n", "not a kanban board"),
    ],
)  # fmt: skip
def test_broken_boards_name_the_line_and_write_nothing(
    services: Services, text: str, message: str
) -> None:
    before = services.ctx.store.data_version()
    with pytest.raises(ServiceError, match=message.replace("(", r"\(").replace("[", r"\[")):
        obsidian.read(services, io.StringIO(text), "INBOX")
    assert services.ctx.store.data_version() == before and tasks(services) == 0


def test_the_plugin_in_german_marks_done_and_archive(services: Services) -> None:
    text = "## Offen\n\n- [ ] Reifen\n\n## Erledigt\n\n**Fertiggestellt**\n- [ ] Papiere\n\n***\n\n## Archiv\n\n- [ ] Alt\n"
    board = obsidian.parse(io.StringIO(text))
    assert [(lane.name, lane.is_done) for lane in board.lanes] == [
        ("Offen", False),
        ("Erledigt", True),
    ]
    assert [(c.title, c.done, c.archived) for c in board.cards] == [
        ("Reifen", False, False), ("Papiere", True, False), ("Alt", False, True),
    ]  # fmt: skip


def test_a_person_is_only_made_from_a_real_handle(services: Services) -> None:
    text = "## A\n\n- [ ] Ring @{2026-12-01} @@{10:30} @jonas\n"
    result = obsidian.read(services, io.StringIO(text), "INBOX")
    assert result.new_people == ("jonas",)
    row = services.tasks.rows(project="INBOX")[0]
    assert (row.title, row.assignee, row.due) == ("Ring", "jonas", date(2026, 12, 1))
    with services.ctx.store.read() as s:
        assert list(s.scalars(select(col(Person.handle)))) == ["jonas"]
