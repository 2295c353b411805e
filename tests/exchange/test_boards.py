"""Board exports parsed back: Markdown with markdown-it-py, Obsidian round trip, iCalendar, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from icalendar import Calendar
from markdown_it import MarkdownIt

from taskboard.exchange import csvfmt, escape, ics, markdown, obsidian
from taskboard.services import Services, TaskDraft
from taskboard.services.demo import load_demo
from taskboard.services.import_drafts import ImportDraft

HOSTILE = (
    "pipes | in | the | title",
    "*bold* _under_ **strong** __x__",
    "[link](http://example.com) ![img](x.png)",
    "<script>alert(1)</script>",
    "<div>block html</div>",
    "`code` and ``more``",
    "- [x] looks done",
    "# looks like a heading",
    "line one\nline two\n- [ ] injected item",
    "para\u2028## sneaky heading",
    "&lt;entity&gt; &amp;",
    "1. numbered",
    "~~strike~~ \\ backslash",
)


@pytest.fixture
def hostile(services: Services) -> Services:
    services.projects.create("EVIL", "Evil <b>board</b> | #1", ["To do", "Doing | now", "Done"])
    for i, title in enumerate(HOSTILE):
        created = services.tasks.create(
            TaskDraft(title=title, project="EVIL", column="Doing | now" if i % 2 else "To do",
                      tags=("x",), assignee="mia", due=date(2026, 12, 1))
        )  # fmt: skip
        services.tasks.add_subtask(created.task.key, "- [ ] sub <i>" + title)
    return services


def _tokens(text: str) -> list[str]:
    return [t.type for t in MarkdownIt("commonmark").enable("table").parse(text)]


def test_hostile_titles_make_no_extra_items_headings_or_html(hostile: Services) -> None:
    out = io.StringIO()
    assert markdown.write_board(hostile, out, "EVIL") == len(HOSTILE)
    types = _tokens(out.getvalue())
    assert types.count("list_item_open") == 2 * len(HOSTILE)
    assert types.count("heading_open") == 1 + 3
    assert not {"html_block", "html_inline", "table_open"} & set(types)
    assert out.getvalue().count("\n- [ ] **EVIL-") == len(HOSTILE)


def test_hostile_titles_in_a_table_keep_the_cell_count(hostile: Services) -> None:
    out = io.StringIO()
    rows = markdown.write_table(hostile, out, "EVIL")
    assert rows == 2 * len(HOSTILE)
    tokens = MarkdownIt("commonmark").enable("table").parse(out.getvalue())
    types = [t.type for t in tokens]
    assert types.count("tr_open") == rows + 1
    assert types.count("td_open") == rows * len(markdown._HEADERS)
    assert not {"html_block", "html_inline"} & set(types)


@pytest.mark.parametrize("text", [*HOSTILE, "a\rb", "x\u2029y", "a\x85b"])
def test_escaped_inline_text_is_one_plain_paragraph(text: str) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(escape.paragraph(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} <= {"text", "text_special"}


def test_obsidian_round_trip_gives_the_same_board(services: Services) -> None:
    load_demo(services)
    services.tasks.archive("DEL-2")
    services.tasks.create(TaskDraft(title="Tricky @{2026-01-01} #no !high ^x", project="DEL"))
    first = io.StringIO()
    obsidian.write(services, first, "DEL")
    services.projects.create("COPY", "Copy", ["Scratch"])
    result = obsidian.read(services, io.StringIO(first.getvalue()), "COPY")
    # Every task is a card, subtasks nested under their parent.
    assert result.skipped == 0 and len(result.created) == len(list(services.transfer.rows("DEL")))
    second = io.StringIO()
    obsidian.write(services, second, "COPY")
    board = obsidian.parse(io.StringIO(first.getvalue()))
    again = obsidian.parse(io.StringIO(second.getvalue()))
    assert again.lanes[1:] == board.lanes  # the copy keeps its own first column, Scratch

    def strip(cards: list[ImportDraft]) -> list[tuple[object, ...]]:
        fields = ("title", "column", "assignee", "due", "priority", "tags", "done", "archived")
        return [tuple(getattr(c, f) for f in fields) for c in cards]

    assert strip(again.cards) == strip(board.cards)
    assert any(c.title == "Tricky @{2026-01-01} #no !high ^x" for c in again.cards)
    copy = {r.title: r for r in services.tasks.rows(project="COPY", include_closed=True)}
    assert copy["Car 4719 arrived in Munich: customer wants delivery to the office"].archived
    # Importing the same file again makes no twins.
    repeat = obsidian.read(services, io.StringIO(first.getvalue()), "COPY")
    assert repeat.created == () and repeat.skipped == len(result.created)


def test_ics_has_a_vtodo_per_task_with_a_due_date(services: Services) -> None:
    load_demo(services)
    services.tasks.create(TaskDraft(title="No date", project="DEL"))
    out = io.StringIO()
    count = ics.write(services, out, "DEL")
    calendar = Calendar.from_ical(out.getvalue())
    todos = {str(t["UID"]): t for t in calendar.walk("VTODO")}
    due = [r for r in services.tasks.rows(project="DEL", include_closed=True) if r.due]
    assert count == len(todos) == len([r for r in due if not r.archived])
    first = todos["DEL-1@taskboard"]
    assert first.decoded("DUE") == next(r.due for r in due if r.key == "DEL-1")
    assert str(first["SUMMARY"]).startswith("DEL-1 Car 4718")
    assert str(todos["DEL-10@taskboard"]["STATUS"]) == "COMPLETED"


def test_csv_export_neutralises_formulas(services: Services) -> None:
    for title in ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "plain"):
        services.tasks.create(TaskDraft(title=title, project="INBOX"))
    out = io.StringIO()
    assert csvfmt.write(services, out, "INBOX") == 5
    names = [row["Name"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert names == ['\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "plain"]
    parsed = csvfmt.parse(io.StringIO(out.getvalue()))
    assert [d.title for d in parsed][:2] == ['=HYPERLINK("http://x")', "+1+1"]
