"""Markdown minutes, parsed back with markdown-it-py: headings, table rows, items, no injection."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from taskboard.domain.meeting_views import (
    AgendaItemView,
    MeetingItemView,
    MinutesCheckIn,
    MinutesData,
    MinutesTask,
    SincePrevious,
    TaskChange,
)
from taskboard.domain.text import clean
from taskboard.exchange.escape import one_line
from taskboard.exchange.minutes import render_minutes
from taskboard.services import Services, TaskDraft

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
HOSTILE = [
    "# Injected heading",
    "## also\n# on a new line",
    "<script>alert(1)</script>",
    "<b>bold</b> &amp; &copy;",
    "| a | b |",
    "- a list item",
    "+ another",
    "1. ordered",
    "> quote",
    "---",
    "===",
    "[link](https://evil.example) ![img](x.png)",
    "**strong** _em_ `code` ~~gone~~",
    "text \\ with backslash\\",
    "trailing hashes ##",
    "\x1b[31mred\x1b[0m and a bell\x07",
]


def parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(t.tag, plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]


def plain(inline: Token) -> str:
    """What a reader sees of an inline token: its text, every escape resolved."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "softbreak"))


def list_items(tokens: list[Token]) -> list[str]:
    return [
        plain(tokens[i + 2])
        for i, t in enumerate(tokens)
        if t.type == "list_item_open" and tokens[i + 2].type == "inline"
    ]


def table_rows(tokens: list[Token]) -> list[list[str]]:
    rows: list[list[str]] = []
    for t in tokens:
        if t.type == "tr_open":
            rows.append([])
        elif t.type == "inline" and rows and t.level >= 4:
            rows[-1].append(plain(t))
    return rows


def minutes(title: str = "Weekly delivery", text: str = "x") -> MinutesData:
    item = MeetingItemView(1, "note", text, START)
    return MinutesData(
        title=title,
        project="DEL",
        project_name=text,
        started=START,
        ended=datetime(2026, 11, 27, 10, 5, tzinfo=UTC),
        attendees=(("anna", text), ("carl", "Carl Berg")),
        agenda=(
            AgendaItemView(1, 0, text, "DEL-1", START, True),
            AgendaItemView(2, 1, "Service points", None, None, False),
        ),
        decisions=(MeetingItemView(2, "decision", text, START),),
        tasks=(
            MinutesTask("DEL-7", text, "carl", date(2026, 12, 1), False),
            MinutesTask("DEL-8", "Plain", None, None, False),
        ),
        check_ins=(MinutesCheckIn("O1-KR2", text, 3000, 4200, 0.7, "cars", text),),
        notes=(item,),
        questions=(MeetingItemView(3, "question", text, START, task_key="DEL-9"),),
        since=SincePrevious(
            title=text,
            started=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            done=(TaskChange("DEL-2", text),),
            created=(TaskChange("DEL-7", text),),
            moved=(TaskChange("DEL-3", text, old=text, new="Done"),),
            slipped=(TaskChange("DEL-4", text, old="2026-11-20", new="2026-11-27"),),
        ),
    )


EXPECTED_HEADINGS = [
    ("h1", "Weekly delivery"),
    ("h2", "Agenda"),
    ("h2", "Decisions"),
    ("h2", "New tasks"),
    ("h2", "Check-ins"),
    ("h2", "Notes"),
    ("h2", "Open questions"),
    ("h2", "Since the previous meeting"),
    ("h3", "Done"),
    ("h3", "Created"),
    ("h3", "Moved"),
    ("h3", "Due dates slipped"),
]


def test_structure() -> None:
    markdown = render_minutes(minutes(text="Papers to agent"), tz=UTC)
    tokens = parse(markdown)
    assert headings(tokens) == EXPECTED_HEADINGS
    assert table_rows(tokens) == [
        ["Key", "Title", "Owner", "Due"],
        ["DEL-7", "Papers to agent", "@carl", "2026-12-01"],
        ["DEL-8", "Plain", "", ""],
    ]
    assert list_items(tokens) == [
        "Date: 2026-11-27 09:00",
        "Duration: 1 h 05 min",
        "Project: DEL (Papers to agent)",
        "Attendees: Papers to agent (@anna), Carl Berg (@carl)",
        "[x] Papers to agent (DEL-1)",
        "[ ] Service points",
        "Papers to agent",
        "O1-KR2 Papers to agent: 3000 → 4200 cars, confidence 0.7 (Papers to agent)",
        "Papers to agent",
        "Papers to agent → DEL-9",
        "DEL-2 Papers to agent",
        "DEL-7 Papers to agent",
        "DEL-3 Papers to agent: Papers to agent → Done",
        "DEL-4 Papers to agent: 2026-11-20 → 2026-11-27",
    ]


def test_empty_sections_and_first_meeting() -> None:
    data = MinutesData("Kick-off", None, None, START, None, (), (), (), (), (), (), (), None)
    tokens = parse(render_minutes(data, tz=UTC))
    assert headings(tokens)[:8] == [
        (tag, "Kick-off" if tag == "h1" else t) for tag, t in EXPECTED_HEADINGS[:8]
    ]
    paragraphs = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "paragraph_open" and not t.hidden
    ]
    assert paragraphs == ["None."] * 6 + ["This is the first meeting."]
    assert "Duration: still running" in list_items(tokens)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_injects_nothing(text: str) -> None:
    tokens = parse(render_minutes(minutes(title=text, text=text), tz=UTC))
    expected = " ".join(clean(text).split())
    # The same headings, one table of three rows, the same number of list items as ever.
    assert [tag for tag, _ in headings(tokens)] == [tag for tag, _ in EXPECTED_HEADINGS]
    assert headings(tokens)[0][1] == expected
    assert len(table_rows(tokens)) == 3 and all(len(r) == 4 for r in table_rows(tokens))
    assert len(list_items(tokens)) == 14
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    forbidden = {
        "html_inline",
        "html_block",
        "link_open",
        "image",
        "strong_open",
        "em_open",
        "code_inline",
        "s_open",
        "blockquote_open",
        "hr",
        "ordered_list_open",
        "fence",
        "code_block",
    }
    assert kinds.isdisjoint(forbidden)
    # What a reader sees is the text itself (cleaned of control characters).
    assert table_rows(tokens)[1][1] == expected
    assert list_items(tokens)[6] == expected
    assert "\x1b" not in expected and "\x07" not in expected


def test_escape_keeps_the_text() -> None:
    for text in HOSTILE[:-1]:
        shown = plain(parse(one_line(text))[1])
        assert shown == " ".join(text.split())


def test_minutes_from_a_stored_meeting(services: Services) -> None:
    services.projects.create("DEL", "Deliveries")
    first = services.meetings.start(project="DEL")
    services.meetings.end(first.id)
    services.tasks.create(TaskDraft(title="Made between meetings", project="DEL"))
    meeting = services.meetings.start(project="DEL", title="<b>Weekly</b>", attendees=("carl",))
    services.meetings.capture(meeting.id, "Papers | agent @carl ^2026-12-01")
    services.meetings.capture(meeting.id, "d: # not a heading")
    services.meetings.capture(meeting.id, "? - not an item")
    services.meetings.end(meeting.id)
    tokens = parse(render_minutes(services.meetings.minutes_data(meeting.id)))
    assert headings(tokens)[0] == ("h1", "<b>Weekly</b>")
    assert table_rows(tokens)[1] == ["DEL-2", "Papers | agent", "@carl", "2026-12-01"]
    items = list_items(tokens)
    assert "# not a heading" in items and "- not an item" in items
    assert "DEL-1 Made between meetings" in items
