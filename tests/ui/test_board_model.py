"""The board model without a terminal: columns, cursors, filter, counts, marks, expected rows
and the versions several quick changes of one card expect."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from taskboard.domain.filtering import parse_filter
from taskboard.domain.views import ColumnInfo, ProjectView, TaskRow
from taskboard.ui.board_model import BoardModel, PendingWrites

TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 20, tzinfo=UTC)
COLUMNS = (
    ColumnInfo(1, "Todo", 0, None, False),
    ColumnInfo(2, "Doing", 1, 2, False),
    ColumnInfo(3, "Done", 2, None, True),
)
PROJECT = ProjectView(1, "DEL", "Deliveries", "", False, COLUMNS)


def card(n: int, column: int = 1, rank: str = "", **values: object) -> TaskRow:
    info = COLUMNS[column - 1]
    row = TaskRow(
        id=n,
        key=f"DEL-{n}",
        title=f"Card {n}",
        project="DEL",
        column_id=info.id,
        column=info.name,
        rank=rank or f"{n:02d}",
        assignee=None,
        due=None,
        priority="normal",
        tags=(),
        done=info.is_done,
        archived=False,
        created=WHEN,
        updated=WHEN,
        completed=None,
        version=1,
    )
    return replace(row, **values)  # type: ignore[arg-type]


def board(*rows: TaskRow) -> BoardModel:
    model = BoardModel(today=lambda: TODAY)
    model.load(PROJECT, rows, revision=7)
    return model


def keys(model: BoardModel) -> list[list[str]]:
    return [[r.key for r in cards] for cards in model.shown]


def test_load_sorts_by_rank_and_drops_archived_and_foreign_columns() -> None:
    model = board(card(2, rank="b"), card(1, rank="c"), card(3, archived=True), card(4, 2))
    model.load(PROJECT, [*model.rows, replace(card(5), column_id=99)], revision=8)
    assert keys(model) == [["DEL-2", "DEL-1"], ["DEL-4"], []]
    assert model.current_card() == model.shown[0][0] and model.revision == 8


def test_the_cursor_is_clamped_in_one_place() -> None:
    model = board(card(1), card(2), card(3, 2))
    model.focus_card(5)
    assert model.current_card().key == "DEL-2"  # type: ignore[union-attr]
    model.focus_column(9)
    assert model.col == 2 and model.current_card() is None and model.cursor(2) is None
    assert not model.focus_card(1)  # an empty column: nothing to move
    model.focus_column(-1)
    assert model.current_card().key == "DEL-3"  # type: ignore[union-attr]
    model.select(0, 1)
    assert model.current_card().key == "DEL-2"  # type: ignore[union-attr]
    model.load(PROJECT, [card(1)], revision=9)  # DEL-2 went: the cursor stays in range
    assert model.current_card().key == "DEL-1"  # type: ignore[union-attr]


def test_reload_keeps_the_cursor_on_its_card_wherever_it_went() -> None:
    model = board(card(1), card(2))
    model.focus_card(1)
    model.load(PROJECT, [card(1), card(2, 2)], revision=8)
    assert (model.col, model.current_card().key) == (1, "DEL-2")  # type: ignore[union-attr]


def test_filter_counts_and_headings() -> None:
    model = board(card(1, assignee="mia"), card(2), card(3, 2), card(4, 2), card(5, 2))
    assert model.heading(0).text == "Todo  2"
    assert model.heading(1).text == "Doing  3/2" and model.heading(1).over_limit
    assert model.heading(2).text == "Done  0  ✓"
    model.set_filter(parse_filter("@mia"))
    assert keys(model) == [["DEL-1"], [], []]
    assert model.heading(0).text == "Todo  1/2"
    assert model.heading(1).text == "Doing  0/3" and model.heading(1).over_limit
    assert "filter: 1/5 cards" in model.title()
    model.focus_column(1)
    model.first_shown_column()
    assert model.col == 0
    model.set_filter(parse_filter("due:bogus"))
    assert "✗" in model.title()


def test_a_partial_first_read_counts_what_it_did_not_read() -> None:
    model = BoardModel(today=lambda: TODAY)
    model.load(PROJECT, [card(1)], revision=1, counts={1: 150})
    assert model.heading(0).text == "Todo  150" and "no cards yet" not in model.title()
    assert "no cards yet" in board().title()


def test_patch_moves_one_card_and_the_cursor_follows() -> None:
    model = board(card(1), card(2), card(3, 2))
    touched = model.patch(card(1, 2, rank="zz"))
    assert sorted(touched) == [0, 1]
    assert keys(model) == [["DEL-2"], ["DEL-3", "DEL-1"], []]
    assert model.current_card().key == "DEL-1"  # type: ignore[union-attr]
    model.patch(replace(card(3, 2), archived=True), follow=False)
    assert keys(model)[1] == ["DEL-1"] and model.current_card().key == "DEL-1"  # type: ignore[union-attr]


def test_expected_rows_of_moves_reorders_and_done() -> None:
    model = board(card(1, rank="b"), card(2, rank="c"), card(3, 2, rank="m"))
    moved = model.stepped(model.rows[0], 1)
    assert moved is not None and moved.column == "Doing" and moved.rank > "m"
    assert model.stepped(model.rows[0], -1) is None  # no column there: the store says so
    blocked = replace(card(3, 2), blocked_by=("DEL-9",))
    assert model.stepped(blocked, 1) is None  # blocked into done: the store says why
    down = model.reordered(model.rows[0], 1)
    assert down is not None and down.rank > "c"
    assert model.reordered(model.rows[0], -1) is None  # already at the top
    done = model.done_toggled(model.rows[0])
    assert done is not None and done.done and done.column == "Done"
    model.patch(done)
    again = model.done_toggled(done)
    assert again is not None and not again.done and again.column == "Doing"
    assert again.rank > "m"  # at the end of the last open column, as the store puts it


def test_marks_follow_the_cards_on_the_board() -> None:
    model = board(card(1, assignee="mia"), card(2), card(3, 2))
    model.toggle_mark("DEL-3")
    model.toggle_mark("DEL-404")  # not on the board: not marked
    model.set_filter(parse_filter("@mia"))
    model.mark_shown()
    assert [r.key for r in model.marked()] == ["DEL-1", "DEL-3"]
    assert "2 marked" in model.title()
    model.patch(replace(card(3, 2), archived=True))
    model.load(PROJECT, [card(1, assignee="mia"), card(2)], revision=9)
    assert model.marks == {"DEL-1"}
    model.toggle_mark("DEL-1")
    model.toggle_mark("DEL-2")
    model.clear_marks()
    assert not model.marks


def test_two_quick_changes_of_one_card_expect_the_version_the_first_made() -> None:
    writes = PendingWrites()
    seen = card(1, version=4)
    first = replace(seen, column="Doing")
    writes.begin(seen, first)
    writes.begin(first, replace(first, column="Done"))  # L L: both saw version 4
    assert writes.over([seen]) == [replace(first, column="Done")]
    assert writes.version("DEL-1", 4) == 4
    assert not writes.stored(4, replace(first, version=5))  # one more to come
    assert writes.version("DEL-1", 4) == 5  # the second expects what the first made
    assert writes.version("DEL-1", 6) == 6  # someone else's version: still a conflict
    assert writes.stored(5, replace(first, column="Done", version=6))
    assert not writes.pending("DEL-1") and writes.over([seen]) == [seen]


def test_a_refused_change_shows_the_card_as_the_store_holds_it() -> None:
    writes = PendingWrites()
    seen = card(1, version=4)
    writes.begin(seen, replace(seen, column="Doing"))
    writes.begin(seen, None)
    assert writes.refused("DEL-1") is None  # the second change still comes back
    stored = replace(seen, title="New", version=5)
    assert writes.stored(4, stored)
    writes.begin(stored, replace(stored, column="Doing"))
    assert writes.refused("DEL-1") == stored
    assert not writes.pending("DEL-1")


def test_sort_orders_each_column_and_the_cursor_stays_on_its_card() -> None:
    later = datetime(2026, 11, 22, tzinfo=UTC)
    model = board(
        card(1, due=date(2026, 11, 30), priority="low"),
        card(2, priority="urgent", updated=later),
        card(3, due=date(2026, 11, 24), priority="high"),
    )
    model.go_to("DEL-2")
    orders = {}
    for _ in range(4):
        model.set_view(model.view.next_sort())
        orders[model.view.sort] = keys(model)[0]
        assert model.current_card().key == "DEL-2"  # type: ignore[union-attr]
    assert orders == {
        "due": ["DEL-3", "DEL-1", "DEL-2"],  # no due date: last
        "priority": ["DEL-2", "DEL-3", "DEL-1"],
        "changed": ["DEL-2", "DEL-1", "DEL-3"],  # newest first, then board order
        "manual": ["DEL-1", "DEL-2", "DEL-3"],
    }
    model.set_view(model.view.next_sort())
    assert model.heading(0).text == "Todo  3 ↓due"
    assert "by due" in model.title()


def test_lanes_group_the_cards_and_count_them_across_the_board() -> None:
    model = board(
        card(1, assignee="mia"),
        card(2),
        card(3, assignee="ben"),
        card(4, 2, assignee="mia"),
        card(5, 2, assignee="mia"),
    )
    model.set_view(model.view.next_lanes())  # by assignee
    assert keys(model)[:2] == [["DEL-3", "DEL-1", "DEL-2"], ["DEL-4", "DEL-5"]]
    lanes = model.lanes()
    assert [(lane.label, lane.counts, lane.slots) for lane in lanes] == [
        ("@ben", (1, 0, 0), 1),
        ("@mia", (1, 2, 0), 2),
        ("nobody", (1, 0, 0), 1),  # nobody's cards come last
    ]
    assert "lanes by assignee" in model.title()
    model.set_view(model.view.next_lanes().next_lanes().next_lanes())
    assert model.lanes() == []


def test_views_are_remembered_per_board_in_one_line() -> None:
    from taskboard.ui.board_view import BoardView, format_views, parse_views

    views = {"DEL": BoardView("due", "kr", True), "OPS": BoardView(), "X": BoardView("changed")}
    text = format_views(views)
    assert text == "DEL:due:kr:compact X:changed:none:cards"  # the plain view is the default
    assert parse_views(text) == {"DEL": views["DEL"], "X": views["X"]}
    assert parse_views("DEL:due:kr:compact junk OPS:sideways:none:cards") == {"DEL": views["DEL"]}


def test_columns_share_the_width_and_the_focused_one_is_always_whole() -> None:
    from taskboard.ui.board_view import column_window

    wide = column_window(200, 5, 0)
    assert (wide.first, wide.count) == (0, 5)
    assert sum(wide.widths) + 4 == 200  # the whole width, a gap between columns
    assert column_window(400, 2, 0).widths == (60, 60)  # never wider than 60
    narrow = column_window(80, 5, 0)
    assert (narrow.first, narrow.count, narrow.widths) == (0, 2, (40, 39))
    assert narrow.hidden_right(5) == 3
    right = column_window(80, 5, 3, narrow.first)  # the window follows the focus
    assert (right.first, right.count) == (2, 2)
    assert (right.hidden_left(), right.hidden_right(5)) == (2, 1)
    back = column_window(80, 5, 2, right.first)  # still in sight: nothing moves
    assert back.first == 2
    assert column_window(20, 3, 1).count == 1  # a tiny terminal: one column, whole
