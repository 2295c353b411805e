"""Snapshots of the main screens with the demo workspace at a frozen date."""

from __future__ import annotations

from typing import Any

from ui_text import pressing, settle

from taskboard.ui.app import TaskboardApp


def test_board(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_board_narrow(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing("l", "l"))


def test_detail(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), run_before=pressing("l", "enter"))


def test_help(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), run_before=pressing("question_mark"))


def test_filter(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=pressing("slash", *"#special", "tab")
    )


# The board at the sizes people use it, in each of its views (SQLite: the look is the same).


def test_board_80x24_compact(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing("z", "l", "l", "l"))


def test_board_140x40_lanes_and_marks(app: TaskboardApp, snap_compare: Any) -> None:
    keys = ("w", "v", "l", "v", "s")  # lanes by assignee, two cards marked, sorted by due
    assert snap_compare(app, terminal_size=(140, 40), run_before=pressing(*keys))


def test_board_200x50(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(200, 50), run_before=pressing("j"))


def test_board_200x50_compact_lanes(app: TaskboardApp, snap_compare: Any) -> None:
    keys = ("z", "w", "w", "w")  # compact cards in lanes by key result
    assert snap_compare(app, terminal_size=(200, 50), run_before=pressing(*keys))
