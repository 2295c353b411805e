"""`taskboard okr …` through real processes on both backends, and the Markdown goal report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from shlex import split
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from sqlalchemy import func, select
from sqlmodel import col

from taskboard.domain.models import CheckIn, KeyResult, Objective
from taskboard.exchange.okr_report import progress_bar, render_okr_report
from taskboard.services import Services
from taskboard.store import open_store

ITEM_FIELDS = {"key", "title", "progress", "expected", "status", "confidence", "score"}


def stored(target: str) -> list[int]:
    store = open_store(target)
    try:
        with store.read() as s:
            return [
                int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Objective, KeyResult, CheckIn)
            ]
    finally:
        store.close()


def test_okr_commands(cli: Any, store_target: str, tmp_path: Path) -> None:
    out = cli("okr", "objective", "add", "Grow the network", "--cycle", "2026-Q4").ok()
    assert out.split()[0] == "O1"
    # One shell line each, split as the shell splits it.
    child = json.loads(
        cli(*split('okr objective add "Faster handovers" --cycle 2026-Q4 --parent O1 --json')).ok()
    )
    assert (child["key"], child["parent"], child["cycle"]) == ("O2", "O1", "2026-Q4")
    out = cli(*split('okr kr add O1 "Service points" --start 61 --target 200 --unit points')).ok()
    assert out.split()[0] == "O1-KR1"
    line = 'okr kr add O2 "Days to handover" --start 21 --target 14 --unit days --weight 2 --json'
    kr = json.loads(cli(*split(line)).ok())
    assert (kr["key"], kr["start"], kr["target"], kr["weight"]) == ("O2-KR1", 21, 14, 2)
    line = 'okr checkin O2-KR1 17.5 --confidence 0.7 --note "agent is slow" --json'
    check = json.loads(cli(*split(line)).ok())
    assert (check["previous_value"], check["value"], check["confidence"]) == (21, 17.5, 0.7)
    assert check["progress"] == 0.5 and check["author"] == "tester"

    listed = json.loads(cli("okr", "list", "--cycle", "2026-Q4", "--json").ok())
    assert listed["cycle"]["name"] == "2026-Q4"
    objectives = {o["key"]: o for o in listed["objectives"]}
    assert list(objectives) == ["O1", "O2"]
    assert objectives["O1"]["children"] == ["O2"]
    for item in [*objectives.values(), *(k for o in objectives.values() for k in o["key_results"])]:
        assert set(item) >= ITEM_FIELDS
        assert 0 <= item["progress"] <= 1 and 0 <= item["expected"] <= 1
    o2kr1 = objectives["O2"]["key_results"][0]
    assert (o2kr1["current"], o2kr1["confidence"], o2kr1["last_note"]) == (
        17.5,
        0.7,
        "agent is slow",
    )
    assert objectives["O2"]["progress"] == 0.5 and objectives["O2"]["score"] == 0.5
    # O1: its own KR at 0 (weight 1) and its child at 0.5 (weight 1).
    assert objectives["O1"]["progress"] == 0.25

    assert "at_risk" in cli("okr", "status", "O1", "at-risk").ok()
    report_file = tmp_path / "goals.md"
    cli("okr", "report", "--cycle", "2026-Q4", "-o", str(report_file)).ok()
    report = report_file.read_text(encoding="utf-8")
    assert report.startswith("# Goals 2026-Q4")
    assert "at risk (set by the owner)" in report and "21 → 17.5 → 14 days" in report
    health = json.loads(cli("okr", "health", "--cycle", "2026-Q4", "--json").ok())
    assert [k["key"] for k in health["idle_key_results"]] == ["O1-KR1", "O2-KR1"]
    assert health["unlinked_tasks"] == []
    assert "closed: dropped" in cli("okr", "close", "O2", "dropped", "--comment", "merged").ok()

    before = stored(store_target)
    cli("okr", "kr", "add", "O1", "Flat", "--start", "5", "--target", "5").failed("target")
    cli("okr", "checkin", "O1-KR1", "80", "--confidence", "1.5").failed("1.5")
    cli("okr", "checkin", "O1-KR9", "80").failed("O1-KR9")
    cli("okr", "status", "O1", "fine").failed("fine")
    assert stored(store_target) == before
    store = open_store(store_target)
    try:
        with store.read() as s:
            o1, o2 = s.scalars(select(Objective).order_by(col(Objective.number))).all()
    finally:
        store.close()
    assert o1.status_override == "at_risk"
    assert (o2.status, o2.outcome, o2.outcome_comment) == ("closed", "dropped", "merged")


def test_okr_text_list_and_auto_status(cli: Any) -> None:
    cli("okr", "objective", "add", "Press | coverage", "--cycle", "2026-H2").ok()
    cli("okr", "kr", "add", "O1", "Articles", "--target", "6").ok()
    assert "suggested" in cli("okr", "status", "O1", "auto").ok()
    lines = cli("okr", "list", "--cycle", "2026-H2").ok().splitlines()
    assert lines[0].split()[:3] == ["key", "title", "progress"]
    assert lines[1].startswith("O1") and "Press | coverage" in lines[1]
    assert lines[2].strip().startswith("O1-KR1") and "0%" in lines[2]


NASTY = "Win | lose # *big* [x](http://e.com) <b>hi</b> `code` &amp; ~~gone~~ ##"


def _inline_text(token: Token) -> str:
    assert token.children is not None
    assert {c.type for c in token.children} <= {"text"}, [c.type for c in token.children]
    return "".join(c.content for c in token.children)


def test_report_markdown_has_its_structure_and_no_injected_markup(services: Services) -> None:
    services.people.add("lena", "Lena")
    services.okr.add_objective(NASTY, "2026-Q4", owner="lena", description="line\n# injected")
    services.okr.add_key_result("O1", "Points | 61 → 200", 61, 200, unit="<pts>")
    services.okr.check_in("O1-KR1", 130.5, 0.6, "first\n# heading\n- item\n| a | b |\n|---|---|")
    services.okr.add_objective("Child *aligned*", "2026-Q4", parent="O1")
    services.okr.add_key_result("O2", "Done?", kind="boolean")
    cycle = services.okr.cycle("2026-Q4")
    text = render_okr_report(cycle, services.okr.tree("2026-Q4", today=date(2026, 11, 15)))

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not kinds & {
        "html_block",
        "html_inline",
        "link_open",
        "image",
        "table_open",
        "s_open",
        "hr",
        "em_open",
    }
    headings = [
        (t.tag, _inline_text(tokens[i + 1]))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    assert headings == [
        ("h1", "Goals 2026-Q4"),
        ("h2", f"O1 {NASTY}"),
        ("h2", "O2 Child *aligned*"),
        ("h2", "Alignment"),
    ]
    items = [i for i, t in enumerate(tokens) if t.type == "list_item_open"]
    # O1-KR1 with its note, O2-KR1, then the alignment O1 with O2 nested.
    assert len(items) == 5
    assert [t.level for t in tokens if t.type == "bullet_list_open"] == [0, 2, 0, 0, 2]
    assert "first # heading - item | a | b | |---|---|" in text.replace("\\", "")
    assert "`[█████░░░░░] 50%`" in text
    assert "61 → 130.5 → 200 \\<pts>" in text


@pytest.mark.parametrize(
    ("progress", "bar"),
    [
        (0.0, "[░░░░░░░░░░] 0%"),
        (0.7, "[███████░░░] 70%"),
        (0.66, "[███████░░░] 66%"),
        (1.0, "[██████████] 100%"),
        (1.7, "[██████████] 100%"),
    ],
)
def test_progress_bar(progress: float, bar: str) -> None:
    assert progress_bar(progress) == bar
