"""How the board is looked at: `s` orders the columns, `w` draws swimlanes, `z` compacts the
cards; each board remembers its view in the user's settings."""

from __future__ import annotations

from pathlib import Path

from ui_text import (
    RecordingApp,
    board_of,
    heading,
    notices,
    running,
    settle,
)

from taskboard.services import Services
from taskboard.ui.app import TaskboardApp, UiOptions
from taskboard.ui.screens.board import BoardScreen


def column_lines(app: TaskboardApp, index: int) -> list[str]:
    view = board_of(app).views[index]
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


def keys(app: TaskboardApp, index: int) -> list[str]:
    return [r.key for r in board_of(app).model.shown[index]]


async def test_s_cycles_the_order_shown_in_the_heading_and_J_says_why_it_does_nothing(
    app: TaskboardApp, demo_services: Services, saved: dict[str, str | None]
) -> None:
    async with running(app, size=(200, 40)) as pilot:
        await pilot.press("l", "l")  # Registration: DEL-6 (in 3d), DEL-7 (yesterday), DEL-51
        await settle(pilot)
        assert keys(app, 2) == ["DEL-6", "DEL-7", "DEL-51"]
        await pilot.press("s")
        await settle(pilot)
        assert keys(app, 2) == ["DEL-7", "DEL-6", "DEL-51"]
        assert "↓due" in heading(app, 2)
        assert saved["board_views"] == "DEL:due:none:cards"
        before = [r.key for r in demo_services.tasks.rows(project="DEL", column="Registration")]
        await pilot.press("J")
        await settle(pilot)
        assert any("only in manual order" in n for n in notices(app))
        after = [r.key for r in demo_services.tasks.rows(project="DEL", column="Registration")]
        assert after == before
        await pilot.press("s", "s", "s")  # priority, last change, manual again
        await settle(pilot)
        assert keys(app, 2) == ["DEL-6", "DEL-7", "DEL-51"]
        assert "↓" not in heading(app, 2)
        assert saved["board_views"] is None  # the plain view: nothing left to remember


async def test_w_draws_lanes_with_headings_and_H_L_still_move_between_columns(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, size=(140, 40)) as pilot:
        await pilot.press("w")  # by assignee
        await settle(pilot)
        lines = column_lines(app, 0)
        assert lines[0].strip() == "@jonas  1/5"
        assert lines[1].strip().startswith("DEL-1")
        mia = lines.index(next(line for line in lines if line.strip().startswith("@mia")))
        # Every column gives a lane the same height: the lanes line up across the board.
        assert column_lines(app, 2)[mia].strip() == "@mia  0/4"
        assert "lanes by assignee" in str(app.screen.query_one("#board-title").render())
        await pilot.press("L")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
        assert board_of(app).model.col == 1
        await pilot.press("w", "w")  # key result lanes
        await settle(pilot)
        assert column_lines(app, 1)[0].strip().startswith("◎O2-KR3")


async def test_z_compacts_the_cards_to_one_line_each(app: TaskboardApp) -> None:
    async with running(app, "z", size=(140, 40)):
        lines = column_lines(app, 4)  # Handed over: 7 cards
        assert [line.split()[0] for line in lines[:7]] == keys(app, 4)
        assert lines[0].endswith("^6d ago")  # a narrow column: the due date, not the assignee


async def test_each_board_opens_in_the_view_it_was_left_in(demo_services: Services) -> None:
    options = UiOptions(
        project="DEL", board_views="DEL:priority:priority:compact OPS:due:none:cards"
    )
    app = RecordingApp(demo_services, options)
    async with running(app, size=(140, 40)):
        screen = board_of(app)
        assert isinstance(screen, BoardScreen)
        view = screen.model.view
        assert (view.sort, view.lanes, view.compact) == ("priority", "priority", True)
        assert column_lines(app, 1)[0].strip() == "urgent  1/1"


async def test_columns_share_the_width_and_say_how_many_more_lie_aside(
    app: TaskboardApp,
) -> None:
    async with running(app, size=(200, 50)) as pilot:
        views = board_of(app).views
        assert all(view.display for view in views)
        assert views[-1].region.right == 200  # the whole width, none of it left empty
        assert {view.region.width for view in views} == {39, 40}
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        shown = [i for i, view in enumerate(views) if view.display]
        assert shown == [0, 1]
        assert str(views[1].border_subtitle) == "3 more ▸"
        await pilot.press("l", "l", "l")
        await settle(pilot)
        shown = [i for i, view in enumerate(views) if view.display]
        assert shown == [2, 3]  # the focused column is whole, at the right edge
        assert views[3].region.right <= 80
        assert str(views[2].border_subtitle) == "◂ 2 more"
        assert str(views[3].border_subtitle) == "1 more ▸"


async def test_compact_cards_fit_a_long_column_at_80_by_24(
    app: TaskboardApp, demo_services: Services
) -> None:
    """Compact: one heading line (no borders, no title line, no footer), then a card on
    each line: 23 of a 24-card column. The title line comes back while it reports marks."""
    for n in range(22):
        demo_services.tasks.capture(f"Extra card {n} @mia ^fri +DEL >Arrived")
    async with running(app, "z", size=(80, 24)) as pilot:
        lines = column_lines(app, 0)
        assert len(lines) == 23  # every line of the column holds a card
        assert all(line.split()[0].startswith("DEL-") for line in lines)
        assert board_of(app).views[0].region.height == 24  # the whole screen is the column
        assert "─Papers & payment  3/3  3 more ▸─" in heading(app, 1)
        await pilot.press("v")  # the title line says "1 marked": one line less
        await settle(pilot)
        assert len(column_lines(app, 0)) == 22
        await pilot.press("escape", "end")
        await settle(pilot)
        assert column_lines(app, 0)[-1].split()[0] == keys(app, 0)[-1]


def test_board_views_are_kept_in_the_config_file_beside_the_other_settings(
    isolated_home: Path,
) -> None:
    from taskboard.config import load_settings, save_setting

    save_setting("last_project", "DEL")
    save_setting("board_views", "DEL:due:assignee:compact")
    settings = load_settings()
    assert settings.board_views == "DEL:due:assignee:compact"
    assert settings.last_project == "DEL"  # kept
    save_setting("board_views", None)  # every board back to the plain view
    assert load_settings().board_views is None


async def test_lanes_stay_in_line_when_one_column_is_scrolled(app: TaskboardApp) -> None:
    async with running(app, "w", size=(140, 24)) as pilot:
        views = board_of(app).views
        views[2].scroll_to(y=6, animate=False)  # as the wheel or the scrollbar does
        await settle(pilot)
        await pilot.pause()
        assert [view.scroll_offset.y for view in views] == [6] * len(views)
